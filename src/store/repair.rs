//! `backup repair`: rebuild `index.json` losing nothing that can be known.
//!
//! What a damaged index still says is salvaged field by field (labels,
//! reasons, host, settings path, order, side files); a snapshot whose index
//! lost its side files gets them back from its settings bytes and the
//! stored files; stored settings files no entry names come back as
//! snapshots of unknown origin (nobody's `latest`, restored only by id).
//! A stored file that no longer matches its sha256 is quarantined, and the
//! report says which snapshots lose what. The new index is written and
//! synced before anything is moved: a kill at any instant leaves either the
//! old index or the new one, never none.

use crate::error::refused;
use crate::formats::bounded;
use crate::formats::pkcs12;
use crate::formats::secret::Secret;
use crate::formats::settings_xml::{CERT_PASSWORD, SettingsDoc};
use crate::store::safe_write::{create_private_dir, write_atomic};
use crate::store::side_targets::path_problem;
use crate::store::snapshots::same_path;
use crate::store::snapshots::{
    BackupEntry, BackupStore, INDEX_FILE, Index, Role, StoreLock, StoredBytes, StoredFile,
    absolute_display, blob_name, check_entry, compact_utc, is_blob_name, is_id, is_sha256,
    parse_index, settings_blob_sha, unused_id,
};
use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The files a settings file names, as (role, path here): change::pointers.
pub type Pointers<'a> = &'a dyn Fn(&[u8]) -> Vec<(Role, PathBuf)>;

/// Where stored files that no longer match their sha256 are moved.
pub const QUARANTINE_DIR: &str = "quarantine";

/// Something a snapshot loses: the whole snapshot (its settings), or one
/// of its side files.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Loss {
    pub backup: String,
    pub file: String,
    pub why: String,
}

/// What a repair would do (or did).
#[derive(Debug)]
pub struct RepairPlan {
    /// Why the index itself cannot be used as it is (None: sound or absent).
    pub index_damaged: Option<String>,
    /// Snapshots kept from the old index.
    pub kept: usize,
    /// Snapshots of unknown origin made from stored settings files no
    /// entry names (only when the index is damaged or missing).
    pub recovered: Vec<String>,
    /// Snapshots lost whole (their settings bytes are damaged or gone, or
    /// nothing of the entry can be read).
    pub dropped: Vec<Loss>,
    /// Side files kept snapshots lose.
    pub losses: Vec<Loss>,
    /// What was salvaged differently from what the index said.
    pub notes: Vec<String>,
    /// Stored files moved into `quarantine/`.
    pub quarantine: Vec<String>,
    old: Option<Vec<u8>>,
    index: Index,
}

impl RepairPlan {
    /// Anything to do at all.
    pub fn needed(&self) -> bool {
        self.index_damaged.is_some()
            || !self.recovered.is_empty()
            || !self.dropped.is_empty()
            || !self.losses.is_empty()
            || !self.quarantine.is_empty()
    }

    pub fn total(&self) -> usize {
        self.index.backups.len()
    }
}

/// Work out the repair; reads only. `pointers` gives the files a settings
/// file names, as (role, path here); `here` is this settings file's path.
pub fn plan(store: &BackupStore, pointers: Pointers<'_>, here: &str) -> Result<RepairPlan> {
    let dir = store.dir();
    let path = dir.join(INDEX_FILE);
    let old = match bounded::read_file(&path, bounded::INDEX_CAP) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(refused(format!("cannot read {}: {e}", path.display()))),
    };
    let (values, last_seq, index_damaged) = match &old {
        None => (Vec::new(), 0, None),
        Some(bytes) => match parse_index(bytes) {
            Ok(index) => (
                index
                    .backups
                    .iter()
                    .filter_map(|b| serde_json::to_value(b).ok())
                    .collect(),
                index.last_seq,
                None,
            ),
            Err(why) => {
                let (values, last_seq) = loose_entries(bytes);
                (values, last_seq, Some(why))
            }
        },
    };
    let mut r = Salvage {
        store,
        pointers,
        here,
        names: stored_names(dir),
        ids: HashSet::new(),
        seqs: HashSet::new(),
        plan: RepairPlan {
            index_damaged,
            kept: 0,
            recovered: Vec::new(),
            dropped: Vec::new(),
            losses: Vec::new(),
            notes: Vec::new(),
            quarantine: Vec::new(),
            old,
            index: Index::default(),
        },
        verified: HashMap::new(),
    };
    let mut kept = Vec::new();
    for (n, v) in values.iter().enumerate() {
        if let Some(e) = r.entry(n + 1, v) {
            kept.push(e);
        }
    }
    r.plan.kept = kept.len();
    // Stored settings files nobody names: only when the index cannot say
    // (damaged or missing); a sound index may leave unreferenced files
    // behind on purpose (an interrupted prune), which are no snapshots.
    let mut recovered = Vec::new();
    if r.plan.index_damaged.is_some() || r.plan.old.is_none() {
        let named: HashSet<String> = kept.iter().map(|e| e.file.clone()).collect();
        let mut loose: Vec<(OffsetDateTime, String, String)> = r
            .names
            .iter()
            .filter(|n| !named.contains(*n))
            .filter_map(|n| {
                settings_blob_sha(n).map(|sha| (modified(&dir.join(n)), n.clone(), sha))
            })
            .collect();
        loose.sort();
        for (created, file, sha) in loose {
            if !r.verifies(&file, &sha) {
                r.quarantine(&file);
                continue;
            }
            let id = unused_id(&compact_utc(created), |id| r.ids.contains(id));
            r.ids.insert(id.clone());
            let stored = StoredBytes {
                size: fs::metadata(dir.join(&file)).map(|m| m.len()).unwrap_or(0),
                file,
                sha256: sha,
            };
            let mut e = BackupEntry::new(
                id.clone(),
                stored,
                created.format(&Rfc3339).unwrap_or_default(),
                "recovered by backup repair (origin unknown)".into(),
            );
            e.side_files = r.derive_side_files(&e);
            r.plan.recovered.push(id);
            recovered.push(e);
        }
    }
    // Unknown order: before every numbered snapshot (nobody's latest anyway).
    let mut index = Index {
        schema_version: 0,
        last_seq,
        backups: recovered.into_iter().chain(kept).collect(),
    };
    index.order();
    r.plan.index = index;
    Ok(r.plan)
}

/// Carry the plan out (the caller holds the folder's lock): the old index
/// copied aside, the new one written (synced, renamed into place), then the
/// damaged stored files moved into quarantine. Returns the files it could
/// not move.
pub fn apply(store: &BackupStore, _lock: &StoreLock, plan: RepairPlan) -> Result<Vec<String>> {
    let dir = store.dir();
    let stamp = compact_utc(OffsetDateTime::now_utc());
    if let Some(old) = &plan.old {
        let aside = unused_id(&format!("{INDEX_FILE}.damaged-{stamp}"), |n| {
            dir.join(n).exists()
        });
        write_atomic(&dir.join(aside), old, true)?;
    }
    store.save(plan.index)?;
    let mut stuck = Vec::new();
    if !plan.quarantine.is_empty() {
        let q = dir.join(QUARANTINE_DIR);
        create_private_dir(&q)?;
        for file in &plan.quarantine {
            let to = q.join(format!("{file}.{stamp}"));
            if fs::rename(dir.join(file), &to)
                .with_context(|| format!("cannot move {file} into {}", q.display()))
                .is_err()
            {
                stuck.push(file.clone());
            }
        }
    }
    Ok(stuck)
}

struct Salvage<'a> {
    store: &'a BackupStore,
    pointers: Pointers<'a>,
    here: &'a str,
    /// The plain files in the folder.
    names: Vec<String>,
    ids: HashSet<String>,
    seqs: HashSet<u64>,
    plan: RepairPlan,
    /// Stored files hashed once each.
    verified: HashMap<String, bool>,
}

impl Salvage<'_> {
    fn verifies(&mut self, file: &str, sha: &str) -> bool {
        let store = self.store;
        *self
            .verified
            .entry(file.to_string())
            .or_insert_with(|| store.verifies(file, sha))
    }

    /// A stored file that is there but does not match: out of the way.
    fn quarantine(&mut self, file: &str) {
        let path = self.store.dir().join(file);
        let regular = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
        if regular && !self.plan.quarantine.iter().any(|q| q == file) {
            self.plan.quarantine.push(file.to_string());
        }
    }

    /// Entry `n` of the old index, as much of it as can be trusted.
    fn entry(&mut self, n: usize, v: &Value) -> Option<BackupEntry> {
        let text = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.chars().any(char::is_control))
                .map(str::to_string)
        };
        let said_id = text("id").filter(|id| is_id(id));
        let who = said_id.clone().unwrap_or_else(|| format!("entry {n}"));
        let Some(file) = text("file") else {
            self.plan.dropped.push(Loss {
                backup: who,
                file: "?".into(),
                why: "the entry names no stored settings file".into(),
            });
            return None;
        };
        let legacy = said_id
            .as_ref()
            .is_some_and(|id| file == format!("MfaSettings.{id}.xml"));
        let Some(sha) = stored_sha(&file, text("sha256"), legacy) else {
            self.plan.dropped.push(Loss {
                backup: who,
                file: file.clone(),
                why: "not a file of the backup folder's own".into(),
            });
            return None;
        };
        if !self.verifies(&file, &sha) {
            self.quarantine(&file);
            self.plan.dropped.push(Loss {
                backup: who,
                file,
                why: "its settings file is missing or damaged".into(),
            });
            return None;
        }
        let id = match said_id.filter(|id| !self.ids.contains(id)) {
            Some(id) => id,
            None => {
                let stamp = text("created")
                    .and_then(|c| OffsetDateTime::parse(&c, &Rfc3339).ok())
                    .unwrap_or_else(|| modified(&self.store.dir().join(&file)));
                let id = unused_id(&compact_utc(stamp), |id| self.ids.contains(id));
                self.plan.notes.push(format!(
                    "{who}: its id was unusable or taken twice; it is now {id}"
                ));
                id
            }
        };
        self.ids.insert(id.clone());
        let seq = v
            .get("seq")
            .and_then(Value::as_u64)
            .filter(|s| self.seqs.insert(*s));
        let stored = StoredBytes {
            size: fs::metadata(self.store.dir().join(&file))
                .map(|m| m.len())
                .unwrap_or(0),
            file,
            sha256: sha,
        };
        let created = text("created").unwrap_or_default();
        let reason = text("reason").unwrap_or_else(|| "(reason lost)".into());
        let mut e = BackupEntry {
            label: text("label"),
            tool_version: text("tool_version").unwrap_or_default(),
            host: text("host"),
            settings_path: text("settings_path"),
            after_sha256: text("after_sha256").filter(|s| is_sha256(s)),
            before_restore: v.get("before_restore").and_then(Value::as_bool) == Some(true),
            seq,
            adopted_from: text("adopted_from"),
            ..BackupEntry::new(id.clone(), stored, created, reason)
        };
        for (key, kept) in [
            ("label", e.label.is_some()),
            ("host", e.host.is_some()),
            ("settings_path", e.settings_path.is_some()),
        ] {
            if v.get(key).is_some_and(|x| !x.is_null()) && !kept {
                self.plan.notes.push(format!(
                    "backup {id}: its {key} could not be read and is dropped"
                ));
            }
        }
        match v.get("side_files").and_then(Value::as_array) {
            Some(files) => {
                for f in files {
                    if let Some(kept) = self.side_file(&e, f) {
                        e.side_files.push(kept);
                    }
                }
            }
            None => e.side_files = self.derive_side_files(&e),
        }
        if let Err(why) = check_entry(&e) {
            self.plan.dropped.push(Loss {
                backup: id,
                file: e.file,
                why,
            });
            return None;
        }
        Some(e)
    }

    fn side_file(&mut self, e: &BackupEntry, f: &Value) -> Option<StoredFile> {
        let text = |k: &str| {
            f.get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.chars().any(char::is_control))
                .map(str::to_string)
        };
        let path = text("path").unwrap_or_default();
        let file = text("file").unwrap_or_default();
        let shown = if path.is_empty() {
            file.clone()
        } else {
            path.clone()
        };
        let lose = |plan: &mut RepairPlan, why: String| {
            plan.losses.push(Loss {
                backup: e.id.clone(),
                file: shown.clone(),
                why,
            });
            None
        };
        let role = f
            .get("role")
            .and_then(|r| serde_json::from_value::<Role>(r.clone()).ok())
            .unwrap_or(Role::Unknown);
        if role == Role::Unknown {
            return lose(
                &mut self.plan,
                "its role is not one this version knows".into(),
            );
        }
        if path.is_empty() {
            return lose(&mut self.plan, "its path could not be read".into());
        }
        if let Some(why) = path_problem(role, &path, e) {
            return lose(&mut self.plan, format!("its path {why}"));
        }
        let Some(sha) = stored_sha(&file, text("sha256"), false) else {
            return lose(
                &mut self.plan,
                "not a stored file of the backup folder's own".into(),
            );
        };
        if !self.verifies(&file, &sha) {
            self.quarantine(&file);
            return lose(
                &mut self.plan,
                "its stored copy is missing or damaged".into(),
            );
        }
        let size = fs::metadata(self.store.dir().join(&file))
            .map(|m| m.len())
            .unwrap_or(0);
        Some(StoredFile {
            role,
            path,
            file,
            sha256: sha,
            size,
        })
    }

    /// The side files a snapshot's settings name, found among the stored
    /// files by name (a certificate that several stored copies could be:
    /// the one that opens with the snapshot's CERT_PASSWORD).
    fn derive_side_files(&mut self, e: &BackupEntry) -> Vec<StoredFile> {
        if e.settings_path
            .as_deref()
            .is_some_and(|p| !same_path(p, self.here))
        {
            return Vec::new(); // its paths are another machine's
        }
        let Ok(settings) = self.store.read_verified(e) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (role, path) in (self.pointers)(&settings) {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let pattern = blob_name(&name, "");
            let (stem, ext) = pattern.split_once("..").unwrap_or((&pattern, ""));
            let candidates: Vec<(String, String)> = self
                .names
                .clone()
                .into_iter()
                .filter_map(|n| {
                    let sha = n
                        .strip_prefix(&format!("{stem}."))?
                        .strip_suffix(&format!(".{ext}"))?
                        .to_string();
                    (is_sha256(&sha) && is_blob_name(&n, &sha)).then_some((n, sha))
                })
                .filter(|(n, sha)| self.verifies(n, sha))
                .collect();
            let chosen: Vec<&(String, String)> =
                if candidates.len() > 1 && role == Role::Certificate {
                    candidates
                        .iter()
                        .filter(|(n, _)| opens(&self.store.dir().join(n), &settings))
                        .collect()
                } else {
                    candidates.iter().collect()
                };
            match chosen.as_slice() {
                [(file, sha)] => {
                    self.plan.notes.push(format!(
                        "backup {}: {name} found again among the stored files",
                        e.id
                    ));
                    out.push(StoredFile {
                        role,
                        path: absolute_display(&path),
                        file: file.clone(),
                        sha256: sha.clone(),
                        size: fs::metadata(self.store.dir().join(file))
                            .map(|m| m.len())
                            .unwrap_or(0),
                    });
                }
                [] => {}
                many => self.plan.notes.push(format!(
                    "backup {}: {} stored copies of {name} could be its own; none is attached",
                    e.id,
                    many.len()
                )),
            }
        }
        out
    }
}

/// The sha256 of a stored file: the recorded one when it is that of the
/// name, else the one in the name (`<stem>.<sha256>.<ext>`).
fn stored_sha(file: &str, recorded: Option<String>, legacy: bool) -> Option<String> {
    if legacy {
        return recorded.filter(|s| is_sha256(s));
    }
    let from_name = file.split('.').nth(1).filter(|s| is_sha256(s))?.to_string();
    is_blob_name(file, &from_name).then_some(from_name)
}

/// Does the p12 at `path` open with `settings`' CERT_PASSWORD?
fn opens(path: &Path, settings: &[u8]) -> bool {
    let password = SettingsDoc::parse(settings)
        .map(|d| d.value(CERT_PASSWORD).to_string())
        .unwrap_or_default();
    bounded::read_file(path, bounded::P12_CAP)
        .ok()
        .is_some_and(|b| matches!(pkcs12::open(&b, &Secret::new(password)), Ok(Some(_))))
}

fn modified(path: &Path) -> OffsetDateTime {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .map(OffsetDateTime::from)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
}

/// The plain files (no folders, no links) in the backup folder.
fn stored_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The entries of an index that does not parse whole (cut short, or one
/// bad value): each `backups` element that is itself whole JSON, up to the
/// first that is not; and `last_seq` if it can be read.
fn loose_entries(bytes: &[u8]) -> (Vec<Value>, u64) {
    if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
        let last = v.get("last_seq").and_then(Value::as_u64).unwrap_or(0);
        let list = v
            .get("backups")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        return (list, last);
    }
    let text = String::from_utf8_lossy(bytes);
    let Some(start) = text
        .find("\"backups\"")
        .and_then(|k| text[k..].find('[').map(|b| k + b + 1))
    else {
        return (Vec::new(), 0);
    };
    let mut out = Vec::new();
    let mut rest = &text[start..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        if !rest.starts_with('{') {
            break;
        }
        let mut it = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        match it.next() {
            Some(Ok(v)) => {
                out.push(v);
                rest = &rest[it.byte_offset()..];
            }
            _ => break,
        }
    }
    (out, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_before_the_cut_are_salvaged() {
        let full = br#"{"schema_version":3,"last_seq":7,"backups":[{"id":"a"},{"id":"b"},{"id":"c","x":[1,2"#;
        let (v, last) = loose_entries(full);
        assert_eq!(v.len(), 2);
        assert_eq!(last, 0);
        let (v, last) = loose_entries(br#"{"last_seq":7,"backups":[{"id":"a"}]}"#);
        assert_eq!((v.len(), last), (1, 7));
        assert!(loose_entries(b"\xff\x00garbage").0.is_empty());
    }

    #[test]
    fn the_sha256_comes_from_the_name_when_the_record_lies() {
        let sha = "a".repeat(64);
        let name = format!("MfaSettings.{sha}.xml");
        assert_eq!(
            stored_sha(&name, Some("zz".into()), false),
            Some(sha.clone())
        );
        assert_eq!(stored_sha("../x", Some(sha.clone()), false), None);
        assert_eq!(
            stored_sha("MfaSettings.20261123T140501Z.xml", Some(sha.clone()), true),
            Some(sha)
        );
    }
}
