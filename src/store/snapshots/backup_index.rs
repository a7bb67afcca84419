//! The index's schema: what `index.json` holds (its entries and the files
//! they name), and the order of the entries.

use super::snapshot_source::base_name;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

pub const INDEX_FILE: &str = "index.json";
/// 3 added `seq`, `last_seq` and `adopted_from`; 1 and 2 are still read.
pub(super) const SCHEMA_VERSION: u32 = 3;

/// Why a file besides the settings is in a snapshot. Written as
/// [`Role::as_str`] names; read by the same names (a test keeps the two
/// lists one).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The p12 at CertFilePath.
    Certificate,
    /// The DLL at CustomPhoneProvider.
    Provider,
    /// Another file a command was about to overwrite.
    Replaced,
    /// The SSPR SMS gate, `<Service>\SmsServiceProvider.dll` (the MIM
    /// Service loads it by that name, no setting names it).
    Sms,
    /// A role this version does not know: such an entry is not trusted.
    #[serde(other)]
    Unknown,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Certificate => "certificate",
            Role::Provider => "provider",
            Role::Replaced => "replaced",
            Role::Sms => "sms",
            Role::Unknown => "unknown",
        }
    }
}

impl Serialize for Role {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A file besides the settings, as a snapshot holds it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredFile {
    pub role: Role,
    /// Where it was (and is restored to): absolute, on the snapshot's host.
    pub path: String,
    /// Its bytes in the backup folder.
    pub file: String,
    pub sha256: String,
    pub size: u64,
}

/// One snapshot. The top-level `file`/`sha256`/`size` are the settings
/// file's (the layout of schema 1, which held nothing else).
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
    /// The machine and settings file it was taken of (absent in schema 1:
    /// such a snapshot counts as any settings file's).
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub settings_path: Option<String>,
    #[serde(default)]
    pub side_files: Vec<StoredFile>,
    /// The sha256 of the settings the change that took this snapshot wrote.
    #[serde(default)]
    pub after_sha256: Option<String>,
    /// Taken by `restore` of the state it replaced; `latest` passes over it
    /// so that a second `restore latest` changes nothing.
    #[serde(default)]
    pub before_restore: bool,
    /// Its place in the order snapshots were taken (absent before schema 3:
    /// such entries keep their order in the file, before every numbered one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// `backup adopt` claimed it for this settings file: where it was taken
    /// (`HOST path`), for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted_from: Option<String>,
}

/// Bytes stored once in the backup folder: their name there, sha256, size.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StoredBytes {
    pub file: String,
    pub sha256: String,
    pub size: u64,
}

impl BackupEntry {
    /// A snapshot of `settings` by this version, of unknown origin, not
    /// yet numbered: callers set what else they know.
    pub(crate) fn new(id: String, settings: StoredBytes, created: String, reason: String) -> Self {
        BackupEntry {
            id,
            file: settings.file,
            created,
            sha256: settings.sha256,
            size: settings.size,
            label: None,
            reason,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            host: None,
            settings_path: None,
            side_files: Vec::new(),
            after_sha256: None,
            before_restore: false,
            seq: None,
            adopted_from: None,
        }
    }

    /// Where it was taken is recorded (or it is a schema-1 entry, which by
    /// its name belongs to the folder's own settings file). An entry with
    /// neither (recovered by repair, written by hand) is of unknown origin:
    /// it is nobody's `latest`, and is restored only by its id.
    pub fn origin_known(&self) -> bool {
        (self.host.is_some() && self.settings_path.is_some()) || self.is_schema1()
    }

    pub(super) fn is_schema1(&self) -> bool {
        self.host.is_none()
            && self.settings_path.is_none()
            && self.file == format!("MfaSettings.{}.xml", self.id)
    }

    /// What the snapshot holds, for a person: `settings + cert_key.p12`.
    pub fn holds(&self) -> String {
        let mut parts = vec!["settings".to_string()];
        for f in &self.side_files {
            parts.push(base_name(&f.path).to_string());
        }
        parts.join(" + ")
    }
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Index {
    #[serde(default)]
    pub(crate) schema_version: u32,
    /// The highest `seq` ever given (so a pruned number is never reused).
    #[serde(default)]
    pub(crate) last_seq: u64,
    /// Oldest first, as they were taken (kept sorted by `seq` once read).
    #[serde(default)]
    pub(crate) backups: Vec<BackupEntry>,
}

impl Index {
    /// Put the entries in the order they were taken: numbered ones by
    /// `seq`, after the unnumbered (older) ones, which keep file order.
    pub(crate) fn order(&mut self) {
        self.backups
            .sort_by_key(|e| e.seq.map_or((0, 0), |s| (1, s)));
    }

    /// Number every entry (in order) if some are not yet.
    pub(super) fn number(&mut self) {
        if self.backups.iter().any(|e| e.seq.is_none()) {
            self.order();
            let base = self.last_seq;
            for (n, e) in self.backups.iter_mut().enumerate() {
                e.seq = Some(base + n as u64 + 1);
            }
            self.last_seq = base + self.backups.len() as u64;
        }
    }

    /// The number the next snapshot gets.
    pub(super) fn next_seq(&mut self) -> u64 {
        let top = self.backups.iter().filter_map(|e| e.seq).max().unwrap_or(0);
        self.last_seq = self.last_seq.max(top) + 1;
        self.last_seq
    }

    /// The stored files some entry names (the settings and side files).
    pub(super) fn stored_files(&self) -> HashSet<&str> {
        self.backups
            .iter()
            .flat_map(|b| {
                std::iter::once(b.file.as_str()).chain(b.side_files.iter().map(|f| f.file.as_str()))
            })
            .collect()
    }

    /// Every snapshot, of any source, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &BackupEntry> {
        self.backups.iter().rev()
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    /// A role is read back by the name it is written with; a name this
    /// version does not know is Unknown, never an error.
    #[test]
    fn roles_read_back_as_written() {
        for role in [Role::Certificate, Role::Provider, Role::Replaced, Role::Sms] {
            let written = serde_json::to_value(role).unwrap();
            assert_eq!(written, role.as_str());
            assert_eq!(serde_json::from_value::<Role>(written).unwrap(), role);
        }
        let later: Role = serde_json::from_value("dll-from-a-later-version".into()).unwrap();
        assert_eq!(later, Role::Unknown);
    }
}
