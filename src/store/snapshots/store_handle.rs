//! The store handle: one run's view of a backup folder, its lock, the
//! index read once and saved, and stored bytes read and verified.

use super::backup_index::{BackupEntry, INDEX_FILE, Index, SCHEMA_VERSION, StoredFile};
use super::index_trust::{IndexFault, read_checked};
use super::snapshot_source::Source;
use crate::error::{Failure, refused};
use crate::formats::bounded;
use crate::formats::secret::sha256_hex;
use crate::site::Site;
use crate::store::safe_write::{
    create_private_dir, open_lock_file, remove_stale_temps, write_atomic,
};
use anyhow::{Context, Result};
use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

const LOCK_FILE: &str = "index.json.lock";
/// How long a run waits for another run to finish with the backup folder.
const LOCK_WAIT: Duration = Duration::from_secs(15);

/// One run's view of a backup folder. `index.json` is read and parsed once
/// per run: the parsed index is kept, and thrown away only when this run
/// takes the folder's lock (another run may have written before that; none
/// can after it).
#[derive(Debug)]
pub struct BackupStore {
    pub(super) dir: PathBuf,
    pub(super) source: Source,
    index: Mutex<Option<Arc<Index>>>,
    /// The lock while some part of this run holds it: taking it again
    /// shares it (a second lock of the same file from the same process
    /// would wait for itself).
    held: Mutex<Weak<HeldLock>>,
}

#[derive(Debug)]
struct HeldLock(File);

impl Drop for HeldLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// Held while this run writes into the backup folder.
#[derive(Debug, Clone)]
pub struct StoreLock {
    _held: Arc<HeldLock>,
}

impl Site {
    /// This folder's backup store: one per run (Site::run_store).
    pub fn backups(&self) -> Arc<BackupStore> {
        self.run_store(|| BackupStore::new(&self.backup_dir, Source::of(&self.settings)))
    }
}

impl BackupStore {
    pub fn new(dir: impl Into<PathBuf>, source: Source) -> Self {
        BackupStore {
            dir: dir.into(),
            source,
            index: Mutex::new(None),
            held: Mutex::new(Weak::new()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    pub fn path_of(&self, entry: &BackupEntry) -> PathBuf {
        self.dir.join(&entry.file)
    }

    /// Take the folder's lock (waiting for another run for a while), and
    /// remove temp files that killed runs left: with the lock held, none
    /// belongs to a live writer. Creates the folder (owner-only). Taken
    /// again while held, it is shared (with no clean-up the second time).
    pub fn lock(&self) -> Result<(StoreLock, Vec<PathBuf>)> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(h) = held.upgrade() {
            return Ok((StoreLock { _held: h }, Vec::new()));
        }
        create_private_dir(&self.dir)?;
        let path = self.dir.join(LOCK_FILE);
        let file = open_lock_file(&path)?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if start.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(Failure::Busy(format!(
                        "another mimmfa has been writing into the backup folder {} for {} s; try again when it has finished",
                        self.dir.display(),
                        LOCK_WAIT.as_secs()
                    ))
                    .into());
                }
                Err(TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
            }
        }
        // What was read before the lock may be stale by now.
        *self.index.lock().unwrap_or_else(|e| e.into_inner()) = None;
        let h = Arc::new(HeldLock(file));
        *held = Arc::downgrade(&h);
        let stale = remove_stale_temps(&self.dir, |_| true);
        Ok((StoreLock { _held: h }, stale))
    }

    /// The index, checked entry by entry. A missing index is an empty one;
    /// a damaged one is refused with where and how to fix it.
    pub fn load(&self) -> Result<Arc<Index>> {
        let mut cached = self.index.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(index) = cached.as_ref() {
            return Ok(Arc::clone(index));
        }
        let index = Arc::new(self.read_index()?);
        *cached = Some(Arc::clone(&index));
        Ok(index)
    }

    /// The index to change and then save (the kept copy is given up).
    pub(super) fn load_owned(&self) -> Result<Index> {
        let index = self.load()?;
        *self.index.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(Arc::try_unwrap(index).unwrap_or_else(|shared| (*shared).clone()))
    }

    fn read_index(&self) -> Result<Index> {
        let path = self.dir.join(INDEX_FILE);
        let reader = match bounded::open_capped(&path, bounded::INDEX_CAP) {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Index::default()),
            Err(e) => return Err(refused(format!("cannot read {}: {e}", path.display()))),
        };
        read_checked(reader).map_err(|fault| match fault {
            IndexFault::Unread(e) => refused(format!("cannot read {}: {e}", path.display())),
            IndexFault::Damaged(why) => damaged(&path, &why),
        })
    }

    pub(crate) fn save(&self, mut index: Index) -> Result<()> {
        index.schema_version = SCHEMA_VERSION;
        index.number();
        let json = serde_json::to_vec_pretty(&index)?;
        write_atomic(&self.dir.join(INDEX_FILE), &json, true)?;
        *self.index.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(index));
        Ok(())
    }

    /// The settings bytes of a snapshot, refused if they no longer match.
    pub fn read_verified(&self, entry: &BackupEntry) -> Result<Vec<u8>> {
        self.read_blob(&entry.file, &entry.sha256, bounded::DAMAGED_SETTINGS_CAP)
            .map_err(|e| refused(format!("backup {}: {e:#}; nothing was restored", entry.id)))
    }

    /// The bytes of a file besides the settings in a snapshot.
    pub fn read_side(&self, f: &StoredFile) -> Result<Vec<u8>> {
        self.read_blob(&f.file, &f.sha256, bounded::DLL_CAP)
    }

    fn read_blob(&self, file: &str, sha: &str, cap: u64) -> Result<Vec<u8>> {
        let path = self.dir.join(file);
        let bytes = read_no_link(&path, cap)
            .map_err(|e| refused(format!("cannot read {}: {e}", path.display())))?;
        if sha256_hex(&bytes) != sha {
            return Err(refused(format!(
                "{} no longer matches its recorded sha256: it was changed or damaged",
                path.display()
            )));
        }
        Ok(bytes)
    }

    /// Is `file` in the folder with bytes matching `sha`?
    pub fn verifies(&self, file: &str, sha: &str) -> bool {
        self.read_blob(file, sha, bounded::DLL_CAP).is_ok()
    }
}

fn damaged(path: &Path, why: &str) -> anyhow::Error {
    refused(format!(
        "{} is damaged: {why}; `mimmfa backup repair` rebuilds it from the backups present",
        path.display()
    ))
}

/// Read a stored file; a symlink in the backup folder is not one of ours.
fn read_no_link(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is a symbolic link, which mimmfa never stores",
        ));
    }
    bounded::read_file(path, cap)
}
