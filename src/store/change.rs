//! The one pipeline every changing command goes through (docs/formats.md, "Rules
//! for every changing command"): lock, checks first, idempotency, a
//! snapshot of the whole MFA state, atomic writes, rollback of side files
//! if the settings write fails.
//!
//! Crash consistency (docs/design.md, "One commit point"): a side file
//! never overwrites a file the current settings name. It goes to a free
//! name (see `place`), so until the settings rename lands, the old settings
//! still name intact old files; the rename is the single commit point.
//! Only afterwards is a certificate the new settings no longer name moved
//! out of the Service folder (it is in the snapshot).

use crate::checks::provider_dll::SMS_DLL_NAME;
use crate::error::refused;
use crate::formats::bounded;
use crate::formats::secret::sha256_hex;
use crate::formats::settings_xml::{CERT_FILE_PATH, CUSTOM_PHONE_PROVIDER};
use crate::site::Site;
use crate::store::journal::{self, Journal};
use crate::store::plan::protected;
use crate::store::plan::{Op, Plan};
use crate::store::safe_write::{
    Changed, Expect, SettingsLock, acquire_lock, create_service_dir, remove_stale_temps,
    write_atomic_if,
};
use crate::store::snapshots::{BackupEntry, BackupStore, Meta, Role, State, StateFile, StoreLock};
use anyhow::Result;
use std::fs;
use std::path::{Path, PathBuf};

/// What an executed plan did: the pipeline reports facts, and the
/// command turns them into output (commands::commit).
#[derive(Default)]
pub struct Outcome {
    /// The snapshot of the state before, and its file in the store.
    pub snapshot: Option<(BackupEntry, PathBuf)>,
    /// Files written, the settings file once (shown as `Path::display`).
    pub files_written: Vec<PathBuf>,
    /// Files the new settings no longer name, moved into the snapshot.
    pub retired: Vec<PathBuf>,
    /// What the user should know that is not the change itself.
    pub warnings: Vec<String>,
}

/// What `begin` met on the way in: a lock taken over, temp files removed.
pub struct Begun {
    pub locks: Option<Locks>,
    pub warnings: Vec<String>,
}

/// The locks a real run holds until it ends: the settings file's, and the
/// backup folder's when it exists (so what the run reads of the index is
/// still true when it writes, and is read once).
pub struct Locks {
    _settings: SettingsLock,
    _store: Option<StoreLock>,
}

/// Take the locks for a real run (a dry run touches nothing, not even a lock
/// file), and clear temp files a killed run left behind.
pub fn begin(site: &Site, dry_run: bool) -> Result<Begun> {
    let mut warnings = Vec::new();
    if dry_run {
        if journal::path(site).exists() {
            warnings.push(format!(
                "an interrupted run left {}: the next real run finishes or undoes it first",
                journal::path(site).display()
            ));
        }
        return Ok(Begun {
            locks: None,
            warnings,
        });
    }
    if !site.service_dir.is_dir() {
        return Err(refused(format!(
            "the service folder {} does not exist; check --service-dir",
            site.service_dir.display()
        )));
    }
    let lock = acquire_lock(&site.settings, site.lock_wait)?;
    if let Some(pid) = &lock.took_over_from {
        warnings.push(format!(
            "took over a lock left by an earlier mimmfa (pid {pid}) that did not finish"
        ));
    }
    // Temp files a killed run left: beside the settings (the settings file
    // and provider DLLs), in MfaCerts (only mimmfa writes there), and in the
    // backup folder under that folder's own lock (it may be shared).
    let settings_name = site
        .settings
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let settings_dir = site.settings.parent().unwrap_or(&site.service_dir);
    let journal_name = format!("{settings_name}.journal");
    let mut stale = remove_stale_temps(settings_dir, |t| {
        t == settings_name || t == journal_name || t.to_ascii_lowercase().ends_with(".dll")
    });
    stale.extend(remove_stale_temps(&site.cert_dir(), |_| true));
    let mut store_lock = None;
    if site.backup_dir.is_dir() {
        let (held, in_store) = site.backups().lock()?;
        stale.extend(in_store);
        store_lock = Some(held);
    }
    warnings.extend(stale.iter().map(|t| stale_temp_warning(t)));
    warnings.extend(journal::recover(site, &site.backups(), store_lock.as_ref()));
    if let Some(lock) = &store_lock {
        let gone = site.backups().collect_garbage(lock);
        if !gone.is_empty() {
            warnings.push(format!(
                "removed {} stored file(s) no backup names, left by an interrupted run: {}",
                gone.len(),
                gone.join(", ")
            ));
        }
    }
    Ok(Begun {
        locks: Some(Locks {
            _settings: lock,
            _store: store_lock,
        }),
        warnings,
    })
}

pub fn stale_temp_warning(t: &Path) -> String {
    format!(
        "removed a temp file left by an interrupted run: {}",
        t.display()
    )
}

/// The files `settings` points to, as (role, path on this machine).
pub fn pointers(site: &Site, settings: &[u8]) -> Vec<(Role, PathBuf)> {
    let Ok(doc) = site.settings_doc(settings) else {
        return Vec::new();
    };
    [
        (Role::Certificate, CERT_FILE_PATH),
        (Role::Provider, CUSTOM_PHONE_PROVIDER),
    ]
    .into_iter()
    .filter_map(|(role, name)| {
        let value = doc.value(name).trim();
        (!value.is_empty())
            .then(|| site.mapper.resolve(value))
            .flatten()
            .map(|p| (role, p))
    })
    .collect()
}

/// Read a side file if it is there: `None` when it is not, an error when
/// it is but cannot be read as a regular file within the cap.
pub fn read_side(path: &Path, role: Role) -> Result<Option<Vec<u8>>> {
    let cap = if role == Role::Certificate {
        bounded::P12_CAP
    } else {
        bounded::DLL_CAP
    };
    match bounded::read_file(path, cap) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(refused(format!("cannot read {}: {e}", path.display()))),
    }
}

/// Where to write `bytes` for `role`. The file the settings name for that
/// role, when it already holds these bytes (idempotent re-runs); else
/// `preferred`, unless the current settings name it (or it holds other
/// bytes the settings name): then `<stem>.<sha256 prefix>.<ext>` beside it,
/// so that the old settings keep naming intact bytes until the settings
/// rename commits the change.
/// `keep_named`: false when the user named the folder (`--cert-dir`): the
/// file goes there even if the settings already name a copy elsewhere.
pub fn place(
    site: &Site,
    current: &[u8],
    role: Role,
    preferred: PathBuf,
    bytes: &[u8],
    keep_named: bool,
) -> PathBuf {
    let named = pointers(site, current);
    let holds = |p: &Path| read_side(p, role).ok().flatten().as_deref() == Some(bytes);
    if keep_named && let Some((_, p)) = named.iter().find(|(r, p)| *r == role && holds(p)) {
        return p.clone();
    }
    let in_use = |p: &Path| named.iter().any(|(_, n)| same_file(n, p));
    if !preferred.exists() || holds(&preferred) || !in_use(&preferred) {
        return preferred;
    }
    let sha = sha256_hex(bytes);
    let name = preferred
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let (stem, ext) = name.rsplit_once('.').unwrap_or((&name, "bin"));
    [8, 16, 64]
        .iter()
        .map(|n| preferred.with_file_name(format!("{stem}.{}.{ext}", &sha[..*n])))
        .find(|p| !p.exists() || holds(p))
        .unwrap_or(preferred)
}

pub fn same_file(a: &Path, b: &Path) -> bool {
    let (a, b) = (resolved(a), resolved(b));
    if cfg!(windows) {
        a.to_string_lossy()
            .eq_ignore_ascii_case(&b.to_string_lossy())
    } else {
        a == b
    }
}

/// `path` as the file system reaches it: absolute, with the symlinks and
/// `..` of the part that exists resolved by the OS, and `.`/`..` of the
/// rest folded. The last component is kept as named (a symlink there is
/// the file itself). Text comparisons of paths never decide what a path
/// names: `D/../x` is not inside `D`, nor is a link out of it.
pub fn resolved(path: &Path) -> PathBuf {
    use std::path::Component;
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut base = abs.parent().map(Path::to_path_buf);
    rest.extend(abs.file_name().map(|n| n.to_os_string()));
    if abs.ends_with("..") || abs.ends_with(".") {
        rest.clear();
        base = Some(abs.clone());
    }
    let mut root = loop {
        match base {
            Some(b) => match b.canonicalize() {
                Ok(c) => break c,
                Err(_) => {
                    rest.extend(b.file_name().map(|n| n.to_os_string()));
                    base = b.parent().map(Path::to_path_buf);
                    if base.is_none() {
                        break b;
                    }
                }
            },
            None => break PathBuf::new(),
        }
    };
    for part in rest.iter().rev() {
        match Path::new(part).components().next() {
            Some(Component::ParentDir) => {
                root.pop();
            }
            Some(Component::CurDir) | None => {}
            Some(_) => root.push(part),
        }
    }
    root
}

/// The state `settings` makes with the files it points to, plus `also`
/// (files about to be overwritten). Files that are not there are skipped;
/// one that cannot be read is left out with a warning in `warnings`.
pub fn capture(
    site: &Site,
    settings: &[u8],
    also: &[(Role, PathBuf)],
    warnings: &mut Vec<String>,
) -> State {
    let mut files: Vec<StateFile> = Vec::new();
    // The SSPR SMS gate is loaded by its name in the Service folder.
    let sms = site.service_dir.join(SMS_DLL_NAME);
    let sms = sms.is_file().then_some((Role::Sms, sms));
    for (role, path) in pointers(site, settings)
        .into_iter()
        .chain(also.iter().cloned())
        .chain(sms)
    {
        if files.iter().any(|f| same_file(&f.path, &path)) {
            continue;
        }
        // A setting that names the settings file, the store or Microsoft's
        // files names no side file of the state (the index would refuse it).
        if let Some(what) = protected(site, &path) {
            warnings.push(format!(
                "not in the snapshot: {} (a setting names it, but it is {what})",
                path.display()
            ));
            continue;
        }
        match read_side(&path, role) {
            Ok(Some(bytes)) => files.push(StateFile { role, path, bytes }),
            Ok(None) => {}
            Err(e) => warnings.push(format!("not in the snapshot: {e:#}")),
        }
    }
    State {
        settings: settings.to_vec(),
        files,
    }
}

/// Execute `plan` exactly, step by step (the caller holds the locks from
/// `begin`; the plan has passed its invariants and its judge). A failure
/// undoes what was done, the snapshot included; a kill leaves the journal
/// for the next run to do the same.
pub fn execute(site: &Site, plan: &Plan) -> Result<Outcome> {
    let mut out = Outcome {
        warnings: plan.notes.clone(),
        ..Outcome::default()
    };
    if !plan.changed {
        return Ok(out);
    }
    let store = site.backups();
    let lock = if plan.snapshots() {
        let (lock, stale) = store.lock()?;
        out.warnings
            .extend(stale.iter().map(|t| stale_temp_warning(t)));
        Some(lock)
    } else {
        None
    };
    let new_blobs = plan
        .state
        .as_ref()
        .map(|s| store.new_blobs(s))
        .unwrap_or_default();
    let entries_before = store.entry_count().ok();
    let mut journal = journal::open(site, plan, new_blobs, entries_before)?;
    let mut writes_done = 0;
    let result = run(
        site,
        plan,
        &store,
        lock.as_ref(),
        &mut journal,
        &mut writes_done,
        &mut out,
    );
    let Err(e) = result else {
        journal::close(site);
        return Ok(out);
    };
    // Undo in-process what the journal says was begun; the snapshot id is
    // known here even when writing it into the journal failed.
    let undone = journal.undo_now(
        site,
        &store,
        lock.as_ref(),
        writes_done,
        out.snapshot.as_ref().map(|(e, _)| e.id.as_str()),
    );
    if undone.is_ok() {
        journal::close(site);
    }
    if let Some(Changed(path)) = e.downcast_ref::<Changed>() {
        // The other program's bytes are kept, so nothing of theirs can be lost.
        let kept = match (
            &lock,
            bounded::read_file(path, bounded::DAMAGED_SETTINGS_CAP),
        ) {
            (Some(lock), Ok(now)) => {
                let mut w = Vec::new();
                let state = capture(site, &now, &[], &mut w);
                store
                    .snapshot(
                        lock,
                        &state,
                        Meta {
                            label: None,
                            reason: &format!(
                                "changed by another program during {}",
                                plan.reason.trim_start_matches("before ")
                            ),
                            after_sha256: None,
                            before_restore: false,
                        },
                    )
                    .map(|e| format!("; its version is kept in backup {}", e.id))
                    .unwrap_or_default()
            }
            _ => String::new(),
        };
        return Err(refused(format!(
            "{} was changed by another program while mimmfa worked (between its read and its rename): \
             nothing of this change was written{kept}. Run the command again to apply it to the new version",
            path.display()
        )));
    }
    Err(e)
}

fn run(
    site: &Site,
    plan: &Plan,
    store: &BackupStore,
    lock: Option<&StoreLock>,
    journal: &mut Journal,
    writes_done: &mut usize,
    out: &mut Outcome,
) -> Result<()> {
    for step in &plan.steps {
        match &step.op {
            Op::Snapshot { .. } => {
                let (Some(lock), Some(state)) = (lock, plan.state.as_ref()) else {
                    continue;
                };
                let entry = store.snapshot(
                    lock,
                    state,
                    Meta {
                        label: None,
                        reason: &plan.reason,
                        after_sha256: Some(sha256_hex(&plan.after)),
                        before_restore: plan.before_restore,
                    },
                )?;
                let file = store.path_of(&entry);
                let id = entry.id.clone();
                out.snapshot = Some((entry, file));
                journal.snapshot_taken(site, &id)?;
            }
            Op::Place { role, replaces, .. } => {
                if let Some(dir) = step.target.parent() {
                    create_service_dir(dir)?;
                }
                write_file(
                    &step.target,
                    &step.bytes,
                    *role == Role::Certificate,
                    plan.force,
                    Some(replaces.as_deref()),
                )?;
                let back = read_side(&step.target, *role)?;
                if back.map(|b| sha256_hex(&b)) != Some(sha256_hex(&step.bytes)) {
                    return Err(refused(format!(
                        "{} did not read back as written",
                        step.target.display()
                    )));
                }
                out.files_written.push(step.target.clone());
            }
            Op::WriteSettings { replaces, .. } => {
                write_file(
                    &site.settings,
                    &step.bytes,
                    true,
                    plan.force,
                    Some(replaces.as_deref()),
                )?;
                *writes_done += 1;
                if !out.files_written.contains(&site.settings) {
                    out.files_written.push(site.settings.clone());
                }
            }
            Op::Retire { sha256, .. } => {
                // Committed: a retire that cannot be done leaves an unused
                // copy, said so, and fails nothing.
                let kept = out.snapshot.as_ref().is_some_and(|(e, _)| {
                    e.side_files
                        .iter()
                        .any(|f| &f.sha256 == sha256 && store.verifies(&f.file, &f.sha256))
                });
                let same = read_side(&step.target, Role::Certificate)
                    .ok()
                    .flatten()
                    .is_some_and(|b| &sha256_hex(&b) == sha256);
                if kept && same && fs::remove_file(&step.target).is_ok() {
                    out.retired.push(step.target.clone());
                } else {
                    out.warnings.push(format!(
                        "left {} in place: the new settings no longer use it",
                        step.target.display()
                    ));
                }
            }
        }
    }
    Ok(())
}

pub fn inside(path: &Path, dir: &Path) -> bool {
    resolved(path).starts_with(resolved(dir))
}

/// Refuse, before anything is written, to replace what cannot be replaced
/// safely: not a regular file, a file with other hard links (they would
/// keep the old bytes), or a read-only file (unless `--force`). A symlink
/// is followed: its target is rewritten (safe_write::write_atomic).
pub fn check_replaceable(path: &Path, force: bool) -> Result<()> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(refused(format!("cannot read {}: {e}", path.display()))),
    };
    bounded::regular(&meta).map_err(|e| {
        refused(format!(
            "will not replace {}: {e}; nothing was changed",
            path.display()
        ))
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(refused(format!(
                "will not replace {}: it has {} hard links, and the other names would keep the old bytes. \
                 Make it a single file (copy it, then delete the other links) and run this again; nothing was changed",
                path.display(),
                meta.nlink()
            )));
        }
    }
    if meta.permissions().readonly() && !force {
        let attribute = if cfg!(windows) {
            "the read-only attribute is set (`attrib -r`)"
        } else {
            "nobody may write it (`chmod u+w`)"
        };
        return Err(refused(format!(
            "will not replace {}: it is read-only ({attribute}). Someone may have locked it on purpose: \
             clear that, or pass --force to replace it anyway; nothing was changed",
            path.display()
        )));
    }
    Ok(())
}

fn write_file(
    path: &Path,
    bytes: &[u8],
    owner_only: bool,
    force: bool,
    expect: Expect<'_>,
) -> Result<()> {
    // Windows will not rename over a read-only file: --force clears it first.
    if force
        && cfg!(windows)
        && let Ok(meta) = fs::metadata(path)
        && meta.permissions().readonly()
    {
        let mut perms = meta.permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        let _ = fs::set_permissions(path, perms);
    }
    write_atomic_if(path, bytes, owner_only, expect)
}
