//! Prune: all but the newest snapshots deleted, never the way back, and
//! the stored files no remaining snapshot names.

use super::backup_index::BackupEntry;
use super::store_handle::{BackupStore, StoreLock};
use super::store_queries::latest_of;
use anyhow::Result;
use std::collections::HashSet;
use std::fs;

impl BackupStore {
    /// files no remaining snapshot (of any source) refers to. Returns the
    /// deleted snapshots and the files that could not be deleted safely.
    pub fn prune(&self, _lock: &StoreLock, keep: usize) -> Result<(Vec<BackupEntry>, Vec<String>)> {
        let mut index = self.load_owned()?;
        let own_ids: HashSet<String> = beyond(&self.own(&index), keep)
            .into_iter()
            .map(|b| b.id.clone())
            .collect();
        if own_ids.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let (removed, kept): (Vec<_>, Vec<_>) = index
            .backups
            .drain(..)
            .partition(|b| own_ids.contains(&b.id));
        index.backups = kept;
        // Index first: a crash in between leaves unreferenced files, never
        // entries pointing at nothing.
        self.save(index)?;
        let index = self.load()?;
        let still_used = index.stored_files();
        let mut skipped = Vec::new();
        let mut done = HashSet::new();
        for b in &removed {
            let files = std::iter::once((&b.file, &b.sha256))
                .chain(b.side_files.iter().map(|f| (&f.file, &f.sha256)));
            for (file, sha) in files {
                if still_used.contains(file.as_str()) || !done.insert(file.clone()) {
                    continue;
                }
                // Only a regular file of ours whose bytes still match.
                if self.verifies(file, sha) {
                    if fs::remove_file(self.dir.join(file)).is_err() {
                        skipped.push(file.clone());
                    }
                } else if self.dir.join(file).exists() {
                    skipped.push(file.clone());
                }
            }
        }
        Ok((removed, skipped))
    }
}

/// The snapshots prune deletes among `newest_first` (one source's): all
/// but the newest `keep`, and never the one `restore latest` uses, even
/// when restores took the newest `keep` (the way back is not pruned).
pub fn beyond<'i>(newest_first: &[&'i BackupEntry], keep: usize) -> Vec<&'i BackupEntry> {
    let way_back = latest_of(newest_first).map(|b| b.id);
    newest_first
        .iter()
        .skip(keep)
        .filter(|b| way_back.as_deref() != Some(b.id.as_str()))
        .copied()
        .collect()
}
