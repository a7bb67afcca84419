//! Mutations of the store: a snapshot put (its bytes stored once each),
//! a failed change's snapshot discarded, unreferenced stored files collected.

use super::backup_index::{BackupEntry, Role, StoredBytes, StoredFile};
use super::blob_naming::{blob_name, is_blob_name};
use super::index_trust::is_sha256;
use super::snapshot_source::{absolute_display, base_name};
use super::snapshot_time::{compact_utc, unused_id};
use super::store_handle::{BackupStore, StoreLock};
use crate::formats::secret::sha256_hex;
use crate::store::safe_write::write_atomic;
use anyhow::Result;
use std::collections::HashSet;
use std::fs;
use std::path::PathBuf;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The state to snapshot: the settings bytes and the files besides them.
pub struct State {
    pub settings: Vec<u8>,
    pub files: Vec<StateFile>,
}

/// A file besides the settings, as the state to snapshot holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct StateFile {
    pub role: Role,
    /// Where it is (and is restored to).
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// What a snapshot records besides the bytes.
pub struct Meta<'a> {
    pub label: Option<&'a str>,
    pub reason: &'a str,
    pub after_sha256: Option<String>,
    pub before_restore: bool,
}

impl BackupStore {
    /// Record `state` as a new snapshot (the caller holds the folder's lock).
    pub fn snapshot(
        &self,
        _lock: &StoreLock,
        state: &State,
        meta: Meta<'_>,
    ) -> Result<BackupEntry> {
        let mut index = self.load_owned()?;
        index.number();
        let settings_name = base_name(&self.source.settings_path).to_string();
        let settings = self.put(&settings_name, &state.settings)?;
        let mut side_files = Vec::new();
        for f in &state.files {
            let name = f.path.file_name().unwrap_or_default().to_string_lossy();
            let stored = self.put(&name, &f.bytes)?;
            side_files.push(StoredFile {
                role: f.role,
                path: absolute_display(&f.path),
                file: stored.file,
                sha256: stored.sha256,
                size: stored.size,
            });
        }
        let now = OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or_else(|_| OffsetDateTime::now_utc());
        let stamp = compact_utc(now);
        let taken: HashSet<&str> = index.backups.iter().map(|b| b.id.as_str()).collect();
        let id = unused_id(&stamp, |id| taken.contains(id));
        let seq = Some(index.next_seq());
        let created = now.format(&Rfc3339).unwrap_or_default();
        let entry = BackupEntry {
            seq,
            label: meta.label.map(str::to_string),
            host: Some(self.source.host.clone()),
            settings_path: Some(self.source.settings_path.clone()),
            side_files,
            after_sha256: meta.after_sha256,
            before_restore: meta.before_restore,
            ..BackupEntry::new(id, settings, created, meta.reason.to_string())
        };
        index.backups.push(entry.clone());
        self.save(index)?;
        Ok(entry)
    }

    /// The stored files a snapshot of `state` would add: those the folder
    /// does not hold intact yet (what a failed run must take away again).
    pub fn new_blobs(&self, state: &State) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let settings_name = base_name(&self.source.settings_path).to_string();
        let files = std::iter::once((settings_name, state.settings.as_slice())).chain(
            state.files.iter().map(|f| {
                let name = f.path.file_name().unwrap_or_default().to_string_lossy();
                (name.into_owned(), f.bytes.as_slice())
            }),
        );
        for (name, bytes) in files {
            let sha = sha256_hex(bytes);
            let file = blob_name(&name, &sha);
            if !self.verifies(&file, &sha) && !out.contains(&file) {
                out.push(file);
            }
        }
        out
    }

    /// Remove stored files no entry names: left by a run killed between
    /// storing them and indexing them, or by a prune killed between its
    /// index and its deletions. Only plain files of the store's own naming
    /// whose bytes match their name; nothing when the index cannot be read
    /// (then `backup repair` decides). Returns the names removed.
    pub fn collect_garbage(&self, _lock: &StoreLock) -> Vec<String> {
        let Ok(index) = self.load() else {
            return Vec::new();
        };
        let used = index.stored_files();
        let mut removed = Vec::new();
        for entry in fs::read_dir(&self.dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(sha) = name.split('.').nth(1).filter(|s| is_sha256(s)) else {
                continue;
            };
            let plain = entry.file_type().is_ok_and(|t| t.is_file());
            if plain
                && !used.contains(name.as_str())
                && is_blob_name(&name, sha)
                && self.verifies(&name, sha)
                && fs::remove_file(entry.path()).is_ok()
            {
                removed.push(name);
            }
        }
        removed
    }

    /// Forget the snapshot of a change that failed or was undone: its index
    /// entry (`id`, when one was made; only this source's) and the stored
    /// files it added that no entry names. `blobs` may come from a journal:
    /// only names of the store's own scheme whose bytes match are removed.
    pub fn discard(&self, _lock: &StoreLock, id: Option<&str>, blobs: &[String]) -> Result<()> {
        if let Some(id) = id {
            let mut index = self.load_owned()?;
            let before = index.backups.len();
            let source = &self.source;
            let gone = index
                .backups
                .iter()
                .find(|b| b.id == id && source.owns(b))
                .and_then(|b| b.seq);
            index.backups.retain(|b| b.id != id || !source.owns(b));
            if index.backups.len() != before {
                // The number it took is given back, so the index is as it
                // was before the run (a failed run changes nothing).
                if gone == Some(index.last_seq) {
                    index.last_seq -= 1;
                }
                self.save(index)?;
            }
        }
        let index = self.load()?;
        let used = index.stored_files();
        for file in blobs {
            let Some(sha) = file.split('.').nth(1).filter(|s| is_sha256(s)) else {
                continue;
            };
            if used.contains(file.as_str()) || !is_blob_name(file, sha) {
                continue;
            }
            if self.verifies(file, sha) {
                let _ = fs::remove_file(self.dir.join(file));
            }
        }
        Ok(())
    }

    /// Store `bytes` once under their content-addressed name.
    fn put(&self, original_name: &str, bytes: &[u8]) -> Result<StoredBytes> {
        let sha = sha256_hex(bytes);
        let file = blob_name(original_name, &sha);
        // Already there and intact: nothing to write. A damaged copy is rewritten.
        if !self.verifies(&file, &sha) {
            write_atomic(&self.dir.join(&file), bytes, true)?;
        }
        Ok(StoredBytes {
            file,
            sha256: sha,
            size: bytes.len() as u64,
        })
    }
}
