//! `backup adopt`: a renamed server's snapshots claimed for this settings file.

use super::backup_index::BackupEntry;
use super::snapshot_source::same_path;
use super::store_handle::{BackupStore, StoreLock};
use crate::store::side_targets::rebase;
use anyhow::Result;

impl BackupStore {
    /// The snapshots taken on `host` of `settings_path` (not yet this
    /// source's), oldest first: what `adopt` would claim.
    pub fn adoptable(&self, host: &str, settings_path: &str) -> Result<Vec<String>> {
        let index = self.load()?;
        Ok(index
            .backups
            .iter()
            .filter(|e| self.adopts(e, host, settings_path))
            .map(|e| e.id.clone())
            .collect())
    }

    fn adopts(&self, e: &BackupEntry, host: &str, settings_path: &str) -> bool {
        !self.source.owns(e)
            && e.host
                .as_deref()
                .is_some_and(|h| h.eq_ignore_ascii_case(host))
            && e.settings_path
                .as_deref()
                .is_some_and(|p| same_path(p, settings_path))
    }

    /// Claim those snapshots for this source: host and settings path become
    /// this one's, side-file paths move with the settings folder, and where
    /// they came from is kept in `adopted_from`.
    pub fn adopt(&self, _lock: &StoreLock, host: &str, settings_path: &str) -> Result<usize> {
        let mut index = self.load_owned()?;
        let mut n = 0;
        for e in index.backups.iter_mut() {
            if !self.adopts(e, host, settings_path) {
                continue;
            }
            let here = self.source.settings_path.clone();
            for f in e.side_files.iter_mut() {
                f.path = rebase(e.settings_path.as_deref(), &f.path, &here);
            }
            e.adopted_from = Some(format!(
                "{} {}",
                e.host.as_deref().unwrap_or("?"),
                e.settings_path.as_deref().unwrap_or("?")
            ));
            e.host = Some(self.source.host.clone());
            e.settings_path = Some(here);
            n += 1;
        }
        self.save(index)?;
        Ok(n)
    }
}
