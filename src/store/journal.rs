//! The journal of a change under way (`MfaSettings.xml.journal`, beside the
//! lock): what the run is about to do, written and synced before its first
//! write and removed after its last. A run killed in between leaves it; the
//! next changing run, holding the lock, finishes what was committed or
//! undoes what was not, and says so (docs/design.md, "Plan, judge, then
//! act"). Nothing in it is trusted: a path is acted on only inside the
//! Service folder or the backup folder, never on a protected file, and
//! only when the file holds the bytes the journal names.

use crate::formats::bounded;
use crate::formats::secret::sha256_hex;
use crate::site::Site;
use crate::store::change::{inside, pointers, same_file};
use crate::store::plan::{Op, Plan, protected};
use crate::store::safe_write::{write_atomic, write_atomic_if};
use crate::store::snapshots::BackupEntry;
use crate::store::snapshots::{BackupStore, StoreLock};
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::{Path, PathBuf};

#[derive(Debug, Serialize, Deserialize)]
pub struct Journal {
    reason: String,
    /// The settings' sha256 before the change (`None`: there was no file).
    settings_before: Option<String>,
    /// The sha256 of each settings write in order; the last is the change.
    settings_writes: Vec<String>,
    places: Vec<Placed>,
    retires: Vec<Retired>,
    /// The snapshot the run took, once it is in the index.
    snapshot: Option<String>,
    /// Stored files the snapshot adds (none of them was there before).
    new_blobs: Vec<String>,
    /// Entries in the index when the run began: its snapshot, if a kill
    /// came before `snapshot` was written, is the next one.
    #[serde(default)]
    entries_before: Option<usize>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Placed {
    path: String,
    sha256: String,
    /// The bytes it replaced (the snapshot holds them).
    replaces: Option<String>,
    /// How many settings writes come before it.
    after_writes: usize,
}

#[derive(Debug, Serialize, Deserialize)]
struct Retired {
    path: String,
    sha256: String,
}

pub fn path(site: &Site) -> PathBuf {
    let name = site
        .settings
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    site.settings.with_file_name(format!("{name}.journal"))
}

/// Write the journal of `plan` before anything of it is done.
pub fn open(
    site: &Site,
    plan: &Plan,
    new_blobs: Vec<String>,
    entries_before: Option<usize>,
) -> Result<Journal> {
    let mut j = Journal {
        entries_before,
        reason: plan.reason.clone(),
        settings_before: site.settings.exists().then(|| sha256_hex(&plan.before)),
        settings_writes: Vec::new(),
        places: Vec::new(),
        retires: Vec::new(),
        snapshot: None,
        new_blobs,
    };
    for step in &plan.steps {
        match &step.op {
            Op::WriteSettings { sha256, .. } => j.settings_writes.push(sha256.clone()),
            Op::Place {
                path,
                sha256,
                replaces,
                ..
            } => j.places.push(Placed {
                path: path.clone(),
                sha256: sha256.clone(),
                replaces: replaces.clone(),
                after_writes: j.settings_writes.len(),
            }),
            Op::Retire { path, sha256, .. } => j.retires.push(Retired {
                path: path.clone(),
                sha256: sha256.clone(),
            }),
            Op::Snapshot { .. } => {}
        }
    }
    j.save(site)?;
    Ok(j)
}

impl Journal {
    fn save(&self, site: &Site) -> Result<()> {
        write_atomic(&path(site), &serde_json::to_vec_pretty(self)?, true)
    }

    /// Undo, in the run that failed, what it did: `writes_done` settings
    /// writes, and the snapshot `snapshot` (known here even when recording
    /// it in the journal failed). An error: the journal stays for the next run.
    pub fn undo_now(
        &self,
        site: &Site,
        store: &BackupStore,
        lock: Option<&StoreLock>,
        writes_done: usize,
        snapshot: Option<&str>,
    ) -> Result<(), Vec<String>> {
        let mut said = Vec::new();
        if undo(site, store, lock, self, writes_done, snapshot, &mut said) {
            Ok(())
        } else {
            Err(said)
        }
    }

    /// Record the snapshot taken, so that an undo can remove it.
    pub fn snapshot_taken(&mut self, site: &Site, id: &str) -> Result<()> {
        self.snapshot = Some(id.to_string());
        self.save(site)
    }
}

/// The run is over (done, or undone in-process): the journal goes.
pub fn close(site: &Site) {
    let _ = fs::remove_file(path(site));
}

fn sha_of(path: &Path) -> Option<String> {
    bounded::read_file(path, bounded::DAMAGED_SETTINGS_CAP)
        .ok()
        .map(|b| sha256_hex(&b))
}

/// Finish or undo what a killed run left half done. Returns what it did,
/// for the user. The caller holds the settings lock and the store's lock.
pub fn recover(site: &Site, store: &BackupStore, lock: Option<&StoreLock>) -> Vec<String> {
    let file = path(site);
    let mut said = Vec::new();
    let bytes = match bounded::read_file(&file, bounded::SETTINGS_CAP) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return said,
        Err(e) => {
            said.push(format!(
                "{} looks like the journal of an interrupted run but cannot be read ({e}): left it, and every file, as they are; remove it once you have checked the folder",
                file.display()
            ));
            return said;
        }
    };
    let j: Journal = match serde_json::from_slice(&bytes) {
        Ok(j) => j,
        Err(e) => {
            said.push(format!(
                "removed {}, the journal of an interrupted run, which cannot be read ({e}); nothing else was touched",
                file.display()
            ));
            close(site);
            return said;
        }
    };
    let live = sha_of(&site.settings);
    let writes = &j.settings_writes;
    let stage = if live.is_some() && writes.last() == live.as_ref() {
        Some(writes.len())
    } else if live == j.settings_before {
        Some(0)
    } else {
        writes
            .iter()
            .position(|w| Some(w) == live.as_ref())
            .map(|i| i + 1)
    };
    match stage {
        Some(n) if n == writes.len() && n > 0 => finish(site, store, &j, &mut said),
        Some(n) => {
            // The journal is not trusted to name a snapshot: it must be the
            // one this change took (its reason, settings before and after).
            let snapshot = j
                .snapshot
                .clone()
                .filter(|id| records_this_change(store, &j, id))
                .or_else(|| taken_unrecorded(store, &j));
            undo(site, store, lock, &j, n, snapshot.as_deref(), &mut said);
        }
        None => said.push(format!(
            "an interrupted {} left its journal, but {} has changed since (another program?): left every file as it is",
            j.reason.trim_start_matches("before "),
            site.settings_display()
        )),
    }
    close(site);
    said
}

/// The snapshot a run killed between its index write and its journal
/// update took: the entry right after those the index held when it began,
/// if it is this source's and records this change.
fn taken_unrecorded(store: &BackupStore, j: &Journal) -> Option<String> {
    let e = store.own_nth(j.entries_before?).ok()??;
    records(&e, j).then_some(e.id)
}

fn records_this_change(store: &BackupStore, j: &Journal, id: &str) -> bool {
    store.find(id).is_ok_and(|e| e.id == id && records(&e, j))
}

/// Does snapshot `e` record the change `j` describes?
fn records(e: &BackupEntry, j: &Journal) -> bool {
    e.reason == j.reason
        && Some(&e.sha256) == j.settings_before.as_ref()
        && e.after_sha256.as_ref() == j.settings_writes.last()
}

/// May recovery touch `path` at all? Only a plain file (no symlink) that
/// really is inside the Service folder and none of the protected ones.
fn actionable(site: &Site, path: &Path) -> bool {
    let link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    !link && inside(path, &site.service_dir) && protected(site, path).is_none()
}

/// The change committed: remove what it was to retire, once the snapshot
/// verifies it holds those bytes.
fn finish(site: &Site, store: &BackupStore, j: &Journal, said: &mut Vec<String>) {
    let entry = j.snapshot.as_deref().and_then(|id| store.find(id).ok());
    for r in &j.retires {
        let p = PathBuf::from(&r.path);
        let kept = entry.as_ref().is_some_and(|e| {
            e.side_files
                .iter()
                .any(|f| f.sha256 == r.sha256 && store.verifies(&f.file, &f.sha256))
        });
        let live =
            bounded::read_file(&site.settings, bounded::DAMAGED_SETTINGS_CAP).unwrap_or_default();
        let named = pointers(site, &live).iter().any(|(_, n)| same_file(n, &p));
        if kept
            && !named
            && actionable(site, &p)
            && sha_of(&p).as_deref() == Some(r.sha256.as_str())
            && fs::remove_file(&p).is_ok()
        {
            said.push(format!(
                "finished an interrupted {}: removed {} (no longer used; the backup holds it)",
                j.reason.trim_start_matches("before "),
                p.display()
            ));
        }
    }
}

/// The change did not commit (the settings are those after `stage` of its
/// writes): put back what it placed, and forget its snapshot.
fn undo(
    site: &Site,
    store: &BackupStore,
    lock: Option<&StoreLock>,
    j: &Journal,
    stage: usize,
    snapshot: Option<&str>,
    said: &mut Vec<String>,
) -> bool {
    let what = j.reason.trim_start_matches("before ").to_string();
    let entry = snapshot.and_then(|id| store.find(id).ok());
    let mut undone = Vec::new();
    let put_back = |p: &Placed, undone: &mut Vec<String>| -> bool {
        let path = PathBuf::from(&p.path);
        // Never a file the settings in force name, whatever the journal says.
        let live =
            bounded::read_file(&site.settings, bounded::DAMAGED_SETTINGS_CAP).unwrap_or_default();
        let named = pointers(site, &live)
            .iter()
            .any(|(_, n)| same_file(n, &path));
        if named || !actionable(site, &path) || sha_of(&path).as_deref() != Some(p.sha256.as_str())
        {
            return true;
        }
        match &p.replaces {
            None => {
                if fs::remove_file(&path).is_ok() {
                    undone.push(format!("removed {}", path.display()));
                }
                true
            }
            Some(old) => {
                let bytes = entry.as_ref().and_then(|e| {
                    e.side_files
                        .iter()
                        .find(|f| &f.sha256 == old)
                        .and_then(|f| store.read_side(f).ok())
                });
                match bytes {
                    Some(b) if write_atomic(&path, &b, true).is_ok() => {
                        undone.push(format!("put back {}", path.display()));
                        true
                    }
                    _ => false,
                }
            }
        }
    };
    // Places made after the settings in force, newest first: nothing names them.
    let mut ok = true;
    for p in j.places.iter().rev().filter(|p| p.after_writes >= stage) {
        ok &= put_back(p, &mut undone);
    }
    if stage > 0 && ok {
        // An intermediate settings file: back to the one before the change.
        let before = entry.as_ref().and_then(|e| store.read_verified(e).ok());
        let expect = j.settings_writes.get(stage - 1).map(String::as_str);
        match before {
            Some(b) if write_atomic_if(&site.settings, &b, true, Some(expect)).is_ok() => {
                undone.push(format!("put back {}", site.settings_display()));
                for p in j.places.iter().rev().filter(|p| p.after_writes < stage) {
                    ok &= put_back(p, &mut undone);
                }
            }
            _ => ok = false,
        }
    }
    if !ok {
        said.push(format!(
            "an interrupted {what} could not be fully undone ({}); the folder is consistent as it is: run the command again",
            if undone.is_empty() { "nothing was put back".to_string() } else { undone.join(", ") }
        ));
        return false;
    }
    // The snapshot of a change that never happened goes too.
    if let Some(lock) = lock
        && store.discard(lock, snapshot, &j.new_blobs).is_ok()
        && snapshot.is_some()
    {
        undone.push("removed its backup entry".into());
    }
    said.push(format!(
        "undid an interrupted {what}{}",
        if undone.is_empty() {
            ": it had changed nothing".to_string()
        } else {
            format!(": {}", undone.join(", "))
        }
    ));
    true
}
