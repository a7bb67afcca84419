//! How every changing command touches the disk: an OS lock beside the
//! settings file, then temp file → fsync → rename, owner-only where the
//! bytes hold secrets. A failure before the rename leaves the target as it
//! was and removes the temp file (tempfile deletes it on drop).

use crate::error::Failure;
use crate::formats::bounded;
use crate::formats::secret::sha256_hex;
use crate::store::{failpoint, permissions};
use anyhow::{Context, Result};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Held for the whole of a changing command; released on drop (and by the
/// OS if the process is killed, so a dead process never keeps it).
#[derive(Debug)]
pub struct SettingsLock {
    file: File,
    pub path: PathBuf,
    /// Set when a lock file left by a killed mimmfa was taken over.
    pub took_over_from: Option<String>,
}

pub fn lock_path(settings: &Path) -> PathBuf {
    let mut name = settings.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    settings.with_file_name(name)
}

/// A lock file, created if need be and never truncated on open: the pid in
/// it is the holder's until the lock is ours.
pub fn open_lock_file(path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))
}

/// Take the settings file's lock, waiting up to `wait` for another mimmfa
/// (`--wait`; none by default: a script is told at once, exit 4).
pub fn acquire_lock(settings: &Path, wait: std::time::Duration) -> Result<SettingsLock> {
    let path = lock_path(settings);
    let mut file = open_lock_file(&path)?;
    let start = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Err(TryLockError::WouldBlock) if start.elapsed() < wait => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => break lock_outcome(other, &mut file, settings, &path, wait)?,
        }
    }
    finish_lock(file, path)
}

fn lock_outcome(
    result: std::result::Result<(), TryLockError>,
    file: &mut File,
    settings: &Path,
    path: &Path,
    wait: std::time::Duration,
) -> Result<()> {
    match result {
        Ok(()) => Ok(()),
        Err(TryLockError::WouldBlock) => {
            // On Windows the locked file cannot be read: the pid stays unknown.
            let holder = read_pid(file).unwrap_or_else(|| "unknown".into());
            let waited = if wait.is_zero() {
                "try again when it has finished, or pass --wait SECONDS".to_string()
            } else {
                format!("waited {} s for it; try again later", wait.as_secs())
            };
            Err(Failure::Busy(format!(
                "another mimmfa (pid {holder}) is changing {}; {waited}",
                settings.display()
            ))
            .into())
        }
        Err(TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

fn finish_lock(mut file: File, path: PathBuf) -> Result<SettingsLock> {
    let took_over_from = read_pid(&mut file);
    // The holder's pid, for the next one's "busy" message. A full disk
    // fails here first: say which file.
    (|| {
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        write!(file, "{}", std::process::id())?;
        file.flush()
    })()
    .with_context(|| format!("cannot write the lock file {}", path.display()))?;
    Ok(SettingsLock {
        file,
        path,
        took_over_from,
    })
}

fn read_pid(file: &mut File) -> Option<String> {
    let mut s = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(32).read_to_string(&mut s).ok()?;
    let s = s.trim();
    (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())).then(|| s.to_string())
}

impl Drop for SettingsLock {
    fn drop(&mut self) {
        // An empty lock file means "released cleanly"; the OS lock goes with
        // the handle.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

/// Write `bytes` to `target` atomically. `owner_only`: 0600 on Unix. On
/// Windows a replaced file keeps its own ACL and a new one inherits the
/// folder's (the MIM service account must be able to read it).
pub fn write_atomic(target: &Path, bytes: &[u8], owner_only: bool) -> Result<()> {
    write_atomic_if(target, bytes, owner_only, None)
}

/// What `target` must hold right before the rename, for a write to go on
/// (compare before replace): `Some(None)`, nothing; `Some(Some(sha))`,
/// those bytes. Another program's change in between is refused, not lost.
pub type Expect<'a> = Option<Option<&'a str>>;

/// `write_atomic`, refusing when `target` no longer holds what `expect`
/// says (checked after the temp file is on disk, just before the rename).
pub fn write_atomic_if(
    target: &Path,
    bytes: &[u8],
    owner_only: bool,
    expect: Expect<'_>,
) -> Result<()> {
    failpoint::write_fails(target)?;
    // A symlink is followed: its target is rewritten, the link stays a link
    // (renaming over the link would silently make it a separate file).
    let resolved;
    let target = if fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink()) {
        resolved = fs::canonicalize(target).with_context(|| {
            format!("{} is a symbolic link that leads nowhere", target.display())
        })?;
        resolved.as_path()
    } else {
        target
    };
    let dir = parent_dir(target);
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .rand_bytes(8)
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temp file in {}", dir.display()))?;
    set_mode(tmp.path(), owner_only)?;
    permissions::keep_access(target, tmp.path()).with_context(|| {
        format!(
            "cannot give the new {} the access rules (ACL) of the old one; nothing was changed",
            target.display()
        )
    })?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    if let Some(expected) = expect {
        failpoint::pause_before_rename(target);
        let now = match bounded::read_file(target, bounded::DAMAGED_SETTINGS_CAP) {
            Ok(b) => Some(sha256_hex(&b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(
                    anyhow::Error::new(e).context(format!("cannot read {}", target.display()))
                );
            }
        };
        if now.as_deref() != expected {
            return Err(Changed(target.to_path_buf()).into());
        }
    }
    persist(tmp, target).map_err(|e| {
        let busy = cfg!(windows) && e.raw_os_error().is_some_and(|c| BUSY.contains(&c));
        let why = if busy {
            format!(
                "cannot replace {}: it is in use, or access is denied. If the MIM Service loaded \
                 it (a provider DLL): `Stop-Service FIMService`, run this again, then \
                 `Start-Service FIMService`; otherwise run from an elevated PowerShell. \
                 Nothing was changed",
                target.display()
            )
        } else {
            format!("cannot replace {}", target.display())
        };
        anyhow::Error::new(e).context(why)
    })?;
    sync_dir(dir);
    Ok(())
}

/// Another program changed a file between mimmfa's read and its rename.
#[derive(Debug, thiserror::Error)]
#[error("{} was changed by another program while mimmfa worked", .0.display())]
pub struct Changed(pub PathBuf);

/// Create the folder `target` holding `files` (paths inside it), all at
/// once: each file is written (temp file, fsync, rename) into a temp folder
/// beside `target`, which is then renamed into place. A failure at any
/// point leaves nothing at `target` and removes the temp folder. An empty
/// folder at `target` is replaced; the caller refuses anything else there
/// (a rename cannot replace a folder that is not empty, so one that appears
/// meanwhile fails the rename).
pub fn write_new_dir(target: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    let parent = parent_dir(target);
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .rand_bytes(8)
        .tempdir_in(parent)
        .with_context(|| format!("cannot create a temp folder in {}", parent.display()))?;
    for (rel, bytes) in files {
        let path = tmp.path().join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        write_atomic(&path, bytes, false)?;
    }
    set_dir_mode(tmp.path())?;
    // Windows cannot rename a folder over another, even an empty one.
    let emptied = cfg!(windows) && fs::remove_dir(target).is_ok();
    if let Err(e) = fs::rename(tmp.path(), target) {
        if emptied {
            let _ = fs::create_dir(target);
        }
        return Err(anyhow::Error::new(e).context(format!(
            "cannot put the new folder in place at {}; nothing was written there",
            target.display()
        )));
    }
    let _ = tmp.keep();
    sync_dir(parent);
    Ok(())
}

/// Windows errors of a rename over a file another program holds open:
/// access denied, sharing violation, lock violation.
const BUSY: [i32; 3] = [5, 32, 33];

/// Rename the temp file over `target`. On Windows a virus scanner, the
/// search indexer or an editor may hold `target` open for a moment, and the
/// rename then fails with "access denied" or a sharing violation: try again
/// for about a second before giving up (the temp file is removed then).
fn persist(mut tmp: tempfile::NamedTempFile, target: &Path) -> std::io::Result<()> {
    let mut attempt = 0u64;
    loop {
        match tmp.persist(target) {
            Ok(_) => return Ok(()),
            Err(e)
                if cfg!(windows)
                    && attempt < 10
                    && e.error.raw_os_error().is_some_and(|c| BUSY.contains(&c)) =>
            {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(25 * attempt));
                tmp = e.file;
            }
            Err(e) => return Err(e.error),
        }
    }
}

/// Remove temp files a killed mimmfa left in `dir`: names
/// `.<target>.<8 letters/digits>.tmp` whose `<target>` passes `ours`.
/// Call with the lock held, so none belongs to a live writer.
pub fn remove_stale_temps(dir: &Path, ours: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return removed;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(inner) = file_name
            .strip_prefix('.')
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some((target, random)) = inner.rsplit_once('.') else {
            continue;
        };
        if random.len() == 8
            && random.chars().all(|c| c.is_ascii_alphanumeric())
            && ours(target)
            && fs::remove_file(entry.path()).is_ok()
        {
            removed.push(entry.path());
        }
    }
    removed
}

/// Create a folder only mimmfa reads (the backups), and its parents: the
/// last one owner-only (0700 on Unix; on Windows its owner, Administrators
/// and SYSTEM). An existing folder is left as it is.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    permissions::make_dir_private(dir)
        .with_context(|| format!("cannot make {} private", dir.display()))
}

/// Create a folder the MIM Service reads (MfaCerts), and its parents: 0700
/// on Unix, where no MIM Service runs; on Windows it inherits the Service
/// folder's ACL, which lets the MIM service account in.
pub fn create_service_dir(dir: &Path) -> Result<()> {
    if cfg!(windows) {
        return fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()));
    }
    create_private_dir(dir)
}

fn parent_dir(p: &Path) -> &Path {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, owner_only: bool) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if owner_only { 0o600 } else { 0o644 };
    fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    Ok(())
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _owner_only: bool) -> Result<()> {
    Ok(())
}

/// A folder others may read (a temp folder is made owner-only).
#[cfg(unix)]
fn set_dir_mode(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))?;
    Ok(())
}

#[cfg(not(unix))]
fn set_dir_mode(_path: &Path) -> Result<()> {
    Ok(())
}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    // Makes the rename itself durable; best effort.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("MfaSettings.xml");
        fs::write(&target, b"old").unwrap();
        write_atomic(&target, b"new", true).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn failed_write_leaves_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        // The target is a non-empty folder: the rename must fail.
        let target = dir.path().join("MfaSettings.xml");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("keep"), b"x").unwrap();
        assert!(write_atomic(&target, b"new", true).is_err());
        assert!(target.join("keep").exists());
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[test]
    fn a_new_folder_appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("Gate");
        let files = vec![
            ("Gate.csproj".to_string(), b"<Project/>".to_vec()),
            ("sub/Gate.cs".to_string(), b"class Gate {}".to_vec()),
        ];
        write_new_dir(&target, &files).unwrap();
        assert_eq!(
            fs::read(target.join("sub/Gate.cs")).unwrap(),
            b"class Gate {}"
        );
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp folder left"
        );
        // A failure halfway (a file where a folder must go) leaves nothing.
        let other = dir.path().join("Other");
        let broken = vec![
            ("a".to_string(), b"x".to_vec()),
            ("a/b".to_string(), b"y".to_vec()),
        ];
        assert!(write_new_dir(&other, &broken).is_err());
        assert!(!other.exists());
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp folder left"
        );
        // An empty folder is replaced; a full one is not.
        fs::create_dir(&other).unwrap();
        write_new_dir(&other, &files[..1]).unwrap();
        assert!(other.join("Gate.csproj").is_file());
        assert!(write_new_dir(&target, &files[..1]).is_err());
        assert!(
            target.join("sub/Gate.cs").is_file(),
            "the full folder is kept"
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn stale_temps_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".MfaSettings.xml.Ab3dE9x1.tmp"), b"x").unwrap();
        fs::write(dir.path().join(".MfaSettings.xml.mine.tmp"), b"x").unwrap();
        fs::write(dir.path().join(".notes.txt.Ab3dE9x1.tmp"), b"x").unwrap();
        assert_eq!(
            remove_stale_temps(dir.path(), |t| t == "MfaSettings.xml").len(),
            1
        );
        assert!(dir.path().join(".MfaSettings.xml.mine.tmp").exists());
        assert!(
            dir.path().join(".notes.txt.Ab3dE9x1.tmp").exists(),
            "not ours"
        );
    }

    #[test]
    fn second_lock_is_busy_and_first_release_frees_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("MfaSettings.xml");
        let first = acquire_lock(&target, std::time::Duration::ZERO).unwrap();
        let err = acquire_lock(&target, std::time::Duration::ZERO).unwrap_err();
        assert!(matches!(
            err.downcast_ref::<Failure>(),
            Some(Failure::Busy(_))
        ));
        drop(first);
        let again = acquire_lock(&target, std::time::Duration::ZERO).unwrap();
        assert_eq!(again.took_over_from, None, "a clean release leaves no pid");
    }
}
