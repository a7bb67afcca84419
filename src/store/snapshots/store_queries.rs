//! Questions asked of the store: this source's snapshots, `latest`, an
//! id or prefix, and how the current settings can be got back to.

use super::backup_index::{BackupEntry, Index};
use super::store_handle::BackupStore;
use crate::error::{Failure, refused};
use anyhow::Result;

impl BackupStore {
    /// This source's snapshots, newest first.
    pub fn list(&self) -> Result<Vec<BackupEntry>> {
        let index = self.load()?;
        Ok(self.own(&index).into_iter().cloned().collect())
    }

    /// This source's snapshots in `index`, newest first.
    pub fn own<'i>(&self, index: &'i Index) -> Vec<&'i BackupEntry> {
        index
            .newest_first()
            .filter(|e| self.source.owns(e))
            .collect()
    }

    /// The snapshot `restore latest` uses: the newest one not taken by a
    /// restore (that one is the state the restore undid).
    pub fn latest(&self) -> Result<Option<BackupEntry>> {
        let index = self.load()?;
        Ok(latest_of(&self.own(&index)))
    }

    /// A snapshot of this source by whole id, unique prefix, or `latest`.
    pub fn find(&self, spec: &str) -> Result<BackupEntry> {
        if spec.is_empty() {
            return Err(Failure::Usage(
                "an empty backup id: give an id from `mimmfa backup list`, a unique prefix of one, or `latest`".into(),
            )
            .into());
        }
        let index = self.load()?;
        let list = self.own(&index);
        // A whole id names one snapshot: taken of this settings path on any
        // host (a renamed or rebuilt server), or of unknown origin.
        if let Some(exact) = index.backups.iter().find(|b| b.id == spec) {
            if self.source.owns(exact) || self.source.may_restore_by_id(exact) {
                return Ok(exact.clone());
            }
            return Err(refused(format!(
                "backup {spec} was taken of {} on {}, not of {} on {}; `mimmfa backup list --all` shows every backup in the folder, and `mimmfa backup adopt --from-host {} --from-path {}` claims that server's backups for this settings file",
                exact.settings_path.as_deref().unwrap_or("?"),
                exact.host.as_deref().unwrap_or("?"),
                self.source.settings_path,
                self.source.host,
                exact.host.as_deref().unwrap_or("?"),
                exact.settings_path.as_deref().unwrap_or("?"),
            )));
        }
        if list.is_empty() {
            return Err(refused(format!(
                "there are no backups of {} on {} in {}; make one with `mimmfa backup` (`mimmfa backup list --all` shows the others; `mimmfa backup adopt` claims a renamed server's)",
                self.source.settings_path,
                self.source.host,
                self.dir.display()
            )));
        }
        if spec == "latest" {
            return latest_of(&list).ok_or_else(|| {
                refused("every backup was taken by a restore; name one by its id (`mimmfa backup list`)")
            });
        }
        let matches: Vec<_> = list.iter().filter(|b| b.id.starts_with(spec)).collect();
        match matches.len() {
            1 => Ok((*matches[0]).clone()),
            0 => Err(refused(format!(
                "no backup has the id \"{spec}\"; `mimmfa backup list` shows them"
            ))),
            n => Err(refused(format!(
                "\"{spec}\" matches {n} backups; give more of the id (`mimmfa backup list`)"
            ))),
        }
    }

    /// How many entries the index holds (of every source).
    pub fn entry_count(&self) -> Result<usize> {
        Ok(self.load()?.backups.len())
    }

    /// The `n`-th entry (oldest first) when it is this source's: a run
    /// that held the folder's lock when the index had `n` entries made it.
    pub fn own_nth(&self, n: usize) -> Result<Option<BackupEntry>> {
        let index = self.load()?;
        Ok(index
            .backups
            .get(n)
            .filter(|e| self.source.owns(e))
            .cloned())
    }
}

/// How the current settings file can be got back to, and away from.
#[derive(Debug, Clone, PartialEq)]
pub enum WayBack {
    /// No snapshot of this settings file at all.
    NoSnapshot,
    /// A snapshot holds exactly these bytes.
    Held(String),
    /// mimmfa wrote these bytes right after taking this snapshot.
    WrittenAfter(String),
    /// Changed outside mimmfa since this, the newest, snapshot.
    ChangedSince(String),
}

/// `own`: this source's snapshots, newest first.
pub fn way_back(own: &[&BackupEntry], current_sha: &str) -> WayBack {
    let Some(newest) = own.first() else {
        return WayBack::NoSnapshot;
    };
    if let Some(b) = own.iter().find(|b| b.sha256 == current_sha) {
        return WayBack::Held(b.id.clone());
    }
    if newest.after_sha256.as_deref() == Some(current_sha) {
        return WayBack::WrittenAfter(newest.id.clone());
    }
    WayBack::ChangedSince(newest.id.clone())
}

/// The snapshot `restore latest` uses among `newest_first`.
pub fn latest_of(newest_first: &[&BackupEntry]) -> Option<BackupEntry> {
    newest_first
        .iter()
        .find(|b| !b.before_restore)
        .map(|b| (*b).clone())
}
