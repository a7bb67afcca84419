//! Trust in `index.json`: its one validation path (parse, check every
//! entry, ids and numbers unique, then order).

use super::backup_index::{BackupEntry, Index, Role};
use super::blob_naming::is_blob_name;
use crate::store::side_targets::path_problem;
use std::collections::HashMap;
use std::io::Read;

/// Why `index.json` was not read: the reading failed, or what was read
/// is damaged (the why, for people).
pub(super) enum IndexFault {
    Unread(serde_json::Error),
    Damaged(String),
}

/// Parse and check `index.json`: every entry must name only plain stored
/// files of the store's own scheme (fuzzed: tests/fuzz, target `index`).
pub fn parse_index(bytes: &[u8]) -> Result<Index, String> {
    read_checked(bytes).map_err(|fault| match fault {
        IndexFault::Unread(e) => e.to_string(),
        IndexFault::Damaged(why) => why,
    })
}

/// The one validation path: parse as it is read (10,000 snapshots are
/// megabytes of JSON that need not sit in memory beside the entries made
/// of them), then check every entry and put them in order.
pub(super) fn read_checked(reader: impl Read) -> Result<Index, IndexFault> {
    let mut index: Index = serde_json::from_reader(reader).map_err(|e| {
        if e.is_io() {
            IndexFault::Unread(e)
        } else {
            IndexFault::Damaged(e.to_string())
        }
    })?;
    check_index(&mut index).map_err(IndexFault::Damaged)?;
    Ok(index)
}

/// Check every entry and that ids and numbers are unique, then put the
/// entries in the order they were taken.
fn check_index(index: &mut Index) -> Result<(), String> {
    let mut ids = HashMap::new();
    let mut seqs = HashMap::new();
    for (n, entry) in index.backups.iter().enumerate() {
        check_entry(entry).map_err(|why| format!("entry {} ({why})", n + 1))?;
        if let Some(first) = ids.insert(entry.id.as_str(), n + 1) {
            return Err(format!(
                "entry {} (backup {}: the id of entry {first} too; ids must be unique)",
                n + 1,
                entry.id
            ));
        }
        if let Some(seq) = entry.seq
            && let Some(first) = seqs.insert(seq, n + 1)
        {
            return Err(format!(
                "entry {} (backup {}: seq {seq} is entry {first}'s too)",
                n + 1,
                entry.id
            ));
        }
    }
    index.order();
    Ok(())
}

/// Why an index entry cannot be trusted, if it cannot.
pub(crate) fn check_entry(e: &BackupEntry) -> Result<(), String> {
    // Every text is shown to people and some name files: none may hold a
    // control character (a terminal escape, a line break, a NUL).
    let texts = [
        ("id", Some(&e.id)),
        ("file", Some(&e.file)),
        ("created", Some(&e.created)),
        ("sha256", Some(&e.sha256)),
        ("label", e.label.as_ref()),
        ("reason", Some(&e.reason)),
        ("tool_version", Some(&e.tool_version)),
        ("host", e.host.as_ref()),
        ("settings_path", e.settings_path.as_ref()),
        ("after_sha256", e.after_sha256.as_ref()),
        ("adopted_from", e.adopted_from.as_ref()),
    ];
    let sides = e.side_files.iter().flat_map(|f| {
        [
            ("a side file's path", Some(&f.path)),
            ("a side file's file", Some(&f.file)),
        ]
    });
    for (field, text) in texts.into_iter().chain(sides) {
        if text.is_some_and(|t| t.chars().any(char::is_control)) {
            let shown = if is_id(&e.id) { e.id.as_str() } else { "?" };
            return Err(format!(
                "backup {shown}: {field} holds a control character (a terminal escape or line break)"
            ));
        }
    }
    if !is_id(&e.id) {
        return Err("an id not of the form YYYYMMDDTHHMMSSZ[-N]".into());
    }
    if !is_sha256(&e.sha256) {
        return Err(format!("backup {}: sha256 is not 64 hex digits", e.id));
    }
    let legacy = e.file == format!("MfaSettings.{}.xml", e.id);
    if !legacy && !is_blob_name(&e.file, &e.sha256) {
        return Err(format!(
            "backup {}: \"{}\" is not a file name of the backup folder's own",
            e.id,
            e.file.escape_debug()
        ));
    }
    for f in &e.side_files {
        if !is_sha256(&f.sha256) || !is_blob_name(&f.file, &f.sha256) {
            return Err(format!(
                "backup {}: \"{}\" is not a stored file of the backup folder's own",
                e.id,
                f.file.escape_debug()
            ));
        }
        if f.path.is_empty() {
            return Err(format!("backup {}: a side file without a path", e.id));
        }
        if f.role == Role::Unknown {
            return Err(format!(
                "backup {}: the side file \"{}\" has a role this version does not know",
                e.id, f.path
            ));
        }
        if let Some(why) = path_problem(f.role, &f.path, e) {
            return Err(format!(
                "backup {}: the side file \"{}\" ({}) {why}",
                e.id,
                f.path,
                f.role.as_str()
            ));
        }
    }
    for sha in e.after_sha256.iter() {
        if !is_sha256(sha) {
            return Err(format!(
                "backup {}: after_sha256 is not 64 hex digits",
                e.id
            ));
        }
    }
    Ok(())
}

pub(crate) fn is_id(id: &str) -> bool {
    let (stamp, n) = id.split_once('-').unwrap_or((id, "1"));
    let b = stamp.as_bytes();
    b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit)
        && !n.is_empty()
        && n.len() <= 6
        && n.bytes().all(|c| c.is_ascii_digit())
}

pub(crate) fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}
