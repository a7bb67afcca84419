//! Prune: all but the newest snapshots deleted, never the way back, and
//! the stored files no remaining snapshot names. Planned first (what a dry
//! run shows), then exactly that plan executed under the store's lock.

use super::backup_index::BackupEntry;
use super::store_handle::{BackupStore, StoreLock};
use super::store_queries::latest_of;
use crate::error::Failure;
use anyhow::Result;
use std::collections::HashSet;
use std::fs;

/// What a prune does: the index rewritten without `removed`, then each of
/// `files` deleted (stored files only those snapshots named).
#[derive(Debug, Clone, PartialEq)]
pub struct PrunePlan {
    pub removed: Vec<BackupEntry>,
    /// Stored files (names inside the store) with the sha256 they must
    /// still have to be deleted.
    pub files: Vec<(String, String)>,
    /// Snapshots left in the index (every source's).
    pub left: usize,
}

impl BackupStore {
    /// The plan of a prune to the newest `keep` of this source's snapshots.
    pub fn plan_prune(&self, keep: usize) -> Result<PrunePlan> {
        let index = self.load()?;
        let own_ids: HashSet<&str> = beyond(&self.own(&index), keep)
            .into_iter()
            .map(|b| b.id.as_str())
            .collect();
        let (removed, kept): (Vec<&BackupEntry>, Vec<&BackupEntry>) = index
            .backups
            .iter()
            .partition(|b| own_ids.contains(b.id.as_str()));
        let still_used: HashSet<&str> = kept
            .iter()
            .flat_map(|b| {
                std::iter::once(b.file.as_str()).chain(b.side_files.iter().map(|f| f.file.as_str()))
            })
            .collect();
        let mut files: Vec<(String, String)> = Vec::new();
        for b in &removed {
            let named = std::iter::once((&b.file, &b.sha256))
                .chain(b.side_files.iter().map(|f| (&f.file, &f.sha256)));
            for (file, sha) in named {
                if !still_used.contains(file.as_str()) && !files.iter().any(|(f, _)| f == file) {
                    files.push((file.clone(), sha.clone()));
                }
            }
        }
        Ok(PrunePlan {
            removed: removed.into_iter().cloned().collect(),
            files,
            left: kept.len(),
        })
    }

    /// Executes `plan`, made under `_lock`: the index first (a crash in
    /// between leaves unreferenced files, which the next changing run
    /// removes, never entries pointing at nothing), then the files. A file
    /// whose bytes no longer match its record is left, and returned.
    pub fn prune(&self, _lock: &StoreLock, plan: &PrunePlan) -> Result<Vec<String>> {
        if plan.removed.is_empty() {
            return Ok(Vec::new());
        }
        let mut index = self.load_owned()?;
        let doomed: HashSet<&str> = plan.removed.iter().map(|b| b.id.as_str()).collect();
        let before = index.backups.len();
        index.backups.retain(|b| !doomed.contains(b.id.as_str()));
        if before - index.backups.len() != doomed.len() || index.backups.len() != plan.left {
            return Err(Failure::Refused(
                "the backup index changed since the prune was planned; nothing was deleted: run it again".into(),
            )
            .into());
        }
        self.save(index)?;
        let index = self.load()?;
        let still_used = index.stored_files();
        let mut skipped = Vec::new();
        for (file, sha) in &plan.files {
            if still_used.contains(file.as_str()) {
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
        Ok(skipped)
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
