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

use crate::context::Site;
use crate::error::refused;
use crate::formats::bounded;
use crate::formats::masked_diff::{Diff, masked_diff};
use crate::formats::secret::sha256_hex;
use crate::formats::settings_xml::{CERT_FILE_PATH, CUSTOM_PHONE_PROVIDER, SettingsDoc};
use crate::store::safe_write::{SettingsLock, acquire_lock, remove_stale_temps, write_atomic};
use crate::store::snapshots::{BackupEntry, Meta, Role, State, StoreLock};
use anyhow::Result;
use std::fs;
use std::path::{Path, PathBuf};

/// A file besides the settings that the change writes (a certificate, a DLL).
pub struct SideFile {
    pub target: PathBuf,
    pub bytes: Vec<u8>,
    pub role: Role,
}

pub struct Plan {
    pub before: Vec<u8>,
    pub after: Vec<u8>,
    pub side_files: Vec<SideFile>,
    /// Recorded with the snapshot, e.g. `before sdk apply`.
    pub reason: String,
    /// A restore: its snapshot is the state it undid (`latest` skips it).
    pub before_restore: bool,
    /// `--force`: replace read-only files too.
    pub force: bool,
}

/// What a commit did (or, in a dry run, would do): the pipeline reports
/// facts, and the command turns them into output (commands::commit).
#[derive(Default)]
pub struct Outcome {
    /// The settings or a side file differ from what is there.
    pub changed: bool,
    /// The masked diff of the settings, when they change.
    pub diff: Option<Diff>,
    /// A dry run: the files it would write.
    pub would_write: Vec<String>,
    /// Existing side files that are (or would be) saved in the snapshot
    /// before they are overwritten.
    pub replaced: Vec<PathBuf>,
    /// Certificates the new settings no longer name: a dry run would move
    /// them into the snapshot; a real run lists those it moved.
    pub retired: Vec<PathBuf>,
    /// The snapshot of the state before, and its file in the store.
    pub snapshot: Option<(BackupEntry, PathBuf)>,
    pub files_written: Vec<String>,
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
    let lock = acquire_lock(&site.settings)?;
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
    let mut stale = remove_stale_temps(settings_dir, |t| {
        t == settings_name || t.to_ascii_lowercase().ends_with(".dll")
    });
    stale.extend(remove_stale_temps(&site.cert_dir(), |_| true));
    let mut store_lock = None;
    if site.backup_dir.is_dir() {
        let (held, in_store) = site.backups().lock()?;
        stale.extend(in_store);
        store_lock = Some(held);
    }
    warnings.extend(stale.iter().map(|t| stale_temp_warning(t)));
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
    let Ok(doc) = SettingsDoc::parse(settings.to_vec()) else {
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
pub fn place(site: &Site, current: &[u8], role: Role, preferred: PathBuf, bytes: &[u8]) -> PathBuf {
    let named = pointers(site, current);
    let holds = |p: &Path| read_side(p, role).ok().flatten().as_deref() == Some(bytes);
    if let Some((_, p)) = named.iter().find(|(r, p)| *r == role && holds(p)) {
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

fn same_file(a: &Path, b: &Path) -> bool {
    let norm = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    if cfg!(windows) {
        norm(a)
            .to_string_lossy()
            .eq_ignore_ascii_case(&norm(b).to_string_lossy())
    } else {
        norm(a) == norm(b)
    }
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
    let mut files: Vec<(Role, PathBuf, Vec<u8>)> = Vec::new();
    // The SSPR SMS gate is loaded by its name in the Service folder.
    let sms = site
        .service_dir
        .join(crate::checks::provider_dll::SMS_DLL_NAME);
    let sms = sms.is_file().then_some((Role::Sms, sms));
    for (role, path) in pointers(site, settings)
        .into_iter()
        .chain(also.iter().cloned())
        .chain(sms)
    {
        if files.iter().any(|(_, p, _)| same_file(p, &path)) {
            continue;
        }
        match read_side(&path, role) {
            Ok(Some(bytes)) => files.push((role, path, bytes)),
            Ok(None) => {}
            Err(e) => warnings.push(format!("not in the snapshot: {e:#}")),
        }
    }
    State {
        settings: settings.to_vec(),
        files,
    }
}

/// Apply `plan` (the caller holds the lock from `begin` and has done every
/// check), or in a dry run say what it would do.
pub fn commit(site: &Site, plan: Plan, dry_run: bool) -> Result<Outcome> {
    let mut out = Outcome::default();
    // Each side file that differs from what is there, with what is there
    // (read once: it decides the change and is what gets snapshotted).
    let mut side: Vec<(&SideFile, Option<Vec<u8>>)> = Vec::new();
    for f in &plan.side_files {
        let old = read_side(&f.target, f.role)?;
        if old.as_deref() != Some(f.bytes.as_slice()) {
            side.push((f, old));
        }
    }
    let settings_change = plan.before != plan.after;
    out.changed = settings_change || !side.is_empty();
    if settings_change {
        let name = &site.settings_display();
        out.diff = Some(masked_diff(
            &plan.before,
            &plan.after,
            name,
            &format!("{name} (new)"),
        ));
    }
    if !out.changed {
        return Ok(out);
    }
    for path in side
        .iter()
        .map(|(f, _)| f.target.as_path())
        .chain(settings_change.then_some(site.settings.as_path()))
    {
        check_replaceable(path, plan.force)?;
    }
    out.replaced = side
        .iter()
        .filter(|(_, old)| old.is_some())
        .map(|(f, _)| f.target.clone())
        .collect();
    let retiring = retiring(site, &plan.before, &plan.after);
    if dry_run {
        out.would_write = side
            .iter()
            .map(|(f, _)| f.target.display().to_string())
            .chain(settings_change.then(|| site.settings_display()))
            .collect();
        out.retired = retiring;
        return Ok(out);
    }

    // The snapshot: the settings as they are, what they point to, and every
    // existing file the change overwrites.
    let replaced: Vec<(Role, PathBuf)> = out
        .replaced
        .iter()
        .map(|p| (Role::Replaced, p.clone()))
        .collect();
    let state = capture(site, &plan.before, &replaced, &mut out.warnings);
    let store = site.backups();
    // No settings file (a restore of a deleted one) and nothing else to
    // keep: a snapshot of nothing would restore an empty file.
    let entry = if !site.settings.exists() && state.files.is_empty() {
        None
    } else {
        let (lock, stale) = store.lock()?;
        out.warnings
            .extend(stale.iter().map(|t| stale_temp_warning(t)));
        Some(store.snapshot(
            &lock,
            &state,
            Meta {
                label: None,
                reason: &plan.reason,
                after_sha256: Some(sha256_hex(&plan.after)),
                before_restore: plan.before_restore,
            },
        )?)
    };

    // Side files first, so the settings never name a file not yet there.
    let mut undo: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
    for (f, old) in side {
        if let Err(e) = write_verified(f, plan.force) {
            rollback(&undo);
            return Err(e);
        }
        undo.push((f.target.clone(), old));
        out.files_written.push(f.target.display().to_string());
    }
    if settings_change {
        if let Err(e) = write_file(&site.settings, &plan.after, true, plan.force) {
            rollback(&undo);
            return Err(e);
        }
        out.files_written.push(site.settings_display());
    }
    // Committed. A certificate no longer named is keying material left
    // lying about: the snapshot holds it, so it leaves the Service folder.
    if let Some(entry) = &entry {
        for path in retiring {
            let kept = entry.side_files.iter().any(|f| {
                same_file(Path::new(&f.path), &path) && store.verifies(&f.file, &f.sha256)
            });
            if kept && fs::remove_file(&path).is_ok() {
                out.retired.push(path);
            }
        }
    }
    out.snapshot = entry.map(|e| {
        let file = store.path_of(&e);
        (e, file)
    });
    Ok(out)
}

/// Certificates in the Service folder that `before` names and `after` does not.
fn retiring(site: &Site, before: &[u8], after: &[u8]) -> Vec<PathBuf> {
    let still = pointers(site, after);
    pointers(site, before)
        .into_iter()
        .filter(|(role, p)| {
            *role == Role::Certificate
                && p.is_file()
                && !still.iter().any(|(_, s)| same_file(s, p))
                && inside(p, &site.service_dir)
        })
        .map(|(_, p)| p)
        .collect()
}

fn inside(path: &Path, dir: &Path) -> bool {
    match (std::path::absolute(path), std::path::absolute(dir)) {
        (Ok(p), Ok(d)) => p.starts_with(d),
        _ => false,
    }
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

fn write_file(path: &Path, bytes: &[u8], owner_only: bool, force: bool) -> Result<()> {
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
    write_atomic(path, bytes, owner_only)
}

/// Write a side file and read it back: the copy must hash like the source.
fn write_verified(f: &SideFile, force: bool) -> Result<()> {
    if let Some(dir) = f.target.parent() {
        crate::store::safe_write::create_service_dir(dir)?;
    }
    write_file(&f.target, &f.bytes, f.role == Role::Certificate, force)?;
    let back = read_side(&f.target, f.role)?;
    if back.map(|b| sha256_hex(&b)) != Some(sha256_hex(&f.bytes)) {
        return Err(refused(format!(
            "{} did not read back as written",
            f.target.display()
        )));
    }
    Ok(())
}

fn rollback(undo: &[(PathBuf, Option<Vec<u8>>)]) {
    for (path, old) in undo.iter().rev() {
        let _ = match old {
            Some(bytes) => write_atomic(path, bytes, true),
            None => fs::remove_file(path).map_err(Into::into),
        };
    }
}
