//! The backup folder: one file per backup with the exact bytes, plus
//! `index.json` recording each one's sha256 so tampering is caught.

use crate::error::refused;
use crate::safe_write::{create_private_dir, write_atomic};
use crate::secret::sha256_hex;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub const INDEX_FILE: &str = "index.json";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BackupEntry {
    pub id: String,
    pub file: String,
    pub created: String,
    pub sha256: String,
    pub size: u64,
    pub label: Option<String>,
    pub reason: String,
    pub tool_version: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Index {
    schema_version: u32,
    /// Oldest first, as they were made.
    backups: Vec<BackupEntry>,
}

pub struct BackupStore {
    dir: PathBuf,
}

impl BackupStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        BackupStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path_of(&self, entry: &BackupEntry) -> PathBuf {
        self.dir.join(&entry.file)
    }

    fn load(&self) -> Result<Index> {
        let path = self.dir.join(INDEX_FILE);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Index::default()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        serde_json::from_slice(&bytes).map_err(|e| {
            refused(format!(
                "{} is not a valid backup index ({e}); move it aside to start a new index",
                path.display()
            ))
        })
    }

    fn save(&self, index: &Index) -> Result<()> {
        let json = serde_json::to_vec_pretty(index)?;
        write_atomic(&self.dir.join(INDEX_FILE), &json, true)
    }

    /// Newest first.
    pub fn list(&self) -> Result<Vec<BackupEntry>> {
        let mut backups = self.load()?.backups;
        backups.reverse();
        Ok(backups)
    }

    pub fn latest(&self) -> Result<Option<BackupEntry>> {
        Ok(self.list()?.into_iter().next())
    }

    /// The newest backup that holds exactly `bytes` and still verifies.
    pub fn holding(&self, bytes: &[u8]) -> Result<Option<BackupEntry>> {
        let sha = sha256_hex(bytes);
        Ok(self
            .list()?
            .into_iter()
            .find(|b| b.sha256 == sha && self.read_verified(b).is_ok()))
    }

    /// Back up `bytes`, unless a backup with the same bytes exists and still
    /// verifies: then that one is returned with `false`.
    pub fn add(
        &self,
        bytes: &[u8],
        label: Option<&str>,
        reason: &str,
    ) -> Result<(BackupEntry, bool)> {
        if let Some(same) = self.holding(bytes)? {
            return Ok((same, false));
        }
        let sha = sha256_hex(bytes);
        let mut index = self.load()?;
        create_private_dir(&self.dir)?;
        let now = OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or_else(|_| OffsetDateTime::now_utc());
        let stamp = compact_utc(now);
        let (id, file) = (1..)
            .map(|n| {
                if n == 1 {
                    stamp.clone()
                } else {
                    format!("{stamp}-{n}")
                }
            })
            .map(|id| {
                let file = format!("MfaSettings.{id}.xml");
                (id, file)
            })
            .find(|(id, file)| {
                !self.dir.join(file).exists() && !index.backups.iter().any(|b| &b.id == id)
            })
            .expect("an unused name exists");
        write_atomic(&self.dir.join(&file), bytes, true)?;
        let entry = BackupEntry {
            id,
            file,
            created: now.format(&Rfc3339).unwrap_or_default(),
            sha256: sha,
            size: bytes.len() as u64,
            label: label.map(str::to_string),
            reason: reason.to_string(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
        };
        index.schema_version = 1;
        index.backups.push(entry.clone());
        self.save(&index)?;
        Ok((entry, true))
    }

    /// A backup by whole id, unique prefix, or `latest`.
    pub fn find(&self, spec: &str) -> Result<BackupEntry> {
        let list = self.list()?;
        if list.is_empty() {
            return Err(refused(format!(
                "there are no backups in {}; make one with `mimmfa backup`",
                self.dir.display()
            )));
        }
        if spec == "latest" {
            return Ok(list[0].clone());
        }
        if let Some(exact) = list.iter().find(|b| b.id == spec) {
            return Ok(exact.clone());
        }
        let matches: Vec<_> = list.iter().filter(|b| b.id.starts_with(spec)).collect();
        match matches.len() {
            1 => Ok(matches[0].clone()),
            0 => Err(refused(format!(
                "no backup has the id \"{spec}\"; `mimmfa backup list` shows them"
            ))),
            n => Err(refused(format!(
                "\"{spec}\" matches {n} backups; give more of the id (`mimmfa backup list`)"
            ))),
        }
    }

    /// The backup's bytes, refused if they no longer match the recorded sha256.
    pub fn read_verified(&self, entry: &BackupEntry) -> Result<Vec<u8>> {
        let path = self.path_of(entry);
        let bytes = fs::read(&path)
            .map_err(|e| refused(format!("cannot read backup {}: {e}", path.display())))?;
        if sha256_hex(&bytes) != entry.sha256 {
            return Err(refused(format!(
                "backup {} ({}) no longer matches its recorded sha256: it was changed or damaged; nothing was restored",
                entry.id,
                path.display()
            )));
        }
        Ok(bytes)
    }

    /// Delete all but the newest `keep` backups; returns the deleted ones.
    pub fn prune(&self, keep: usize) -> Result<Vec<BackupEntry>> {
        let mut index = self.load()?;
        let cut = index.backups.len().saturating_sub(keep);
        let removed: Vec<_> = index.backups.drain(..cut).collect();
        if removed.is_empty() {
            return Ok(removed);
        }
        // Index first: a crash in between leaves stray files, never entries
        // pointing at nothing.
        self.save(&index)?;
        for entry in &removed {
            let _ = fs::remove_file(self.path_of(entry));
        }
        Ok(removed)
    }

    /// Keep a copy of a file mimmfa is about to replace (a certificate or
    /// DLL), as `<stem>.<time>.<ext>` in the backup folder.
    pub fn save_side_file(&self, original_name: &str, bytes: &[u8]) -> Result<PathBuf> {
        create_private_dir(&self.dir)?;
        let stamp = compact_utc(OffsetDateTime::now_utc());
        let (stem, ext) = original_name
            .rsplit_once('.')
            .unwrap_or((original_name, "bak"));
        let path = (1..)
            .map(|n| {
                let suffix = if n == 1 {
                    String::new()
                } else {
                    format!("-{n}")
                };
                self.dir.join(format!("{stem}.{stamp}{suffix}.{ext}"))
            })
            .find(|p| !p.exists())
            .expect("an unused name exists");
        write_atomic(&path, bytes, true)?;
        Ok(path)
    }
}

/// `YYYYMMDDTHHMMSSZ`.
pub fn compact_utc(t: OffsetDateTime) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_dedupes_and_find_resolves_prefixes() {
        let dir = tempfile::tempdir().unwrap();
        let store = BackupStore::new(dir.path().join("MfaBackups"));
        let (a, made) = store.add(b"one", Some("first"), "manual").unwrap();
        assert!(made);
        let (again, made) = store.add(b"one", None, "manual").unwrap();
        assert!(!made);
        assert_eq!(again.id, a.id);
        let (b, made) = store.add(b"two", None, "manual").unwrap();
        assert!(made && b.id != a.id, "same second gets a -2 suffix");
        assert_eq!(store.find("latest").unwrap().id, b.id);
        assert_eq!(store.find(&b.id).unwrap().id, b.id);
        assert!(store.find("2").is_err(), "ambiguous prefix");
        assert_eq!(store.read_verified(&a).unwrap(), b"one");
        assert_eq!(store.prune(1).unwrap().len(), 1);
        assert_eq!(store.list().unwrap(), vec![b]);
    }

    #[test]
    fn tampered_backup_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = BackupStore::new(dir.path());
        let (a, _) = store.add(b"one", None, "manual").unwrap();
        fs::write(store.path_of(&a), b"evil").unwrap();
        assert!(store.read_verified(&a).is_err());
        // A tampered copy does not count as "already backed up".
        let (b, made) = store.add(b"one", None, "manual").unwrap();
        assert!(made && b.id != a.id);
    }

    #[test]
    fn compact_time_format() {
        let t = time::macros::datetime!(2026-11-23 14:05:01 UTC);
        assert_eq!(compact_utc(t), "20261123T140501Z");
    }
}
