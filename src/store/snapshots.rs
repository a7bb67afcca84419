//! The backup folder: snapshots of the MFA state (MfaSettings.xml and the
//! files it points to), in the order they were taken (`seq`, a counter the
//! store keeps: never the clock) in `index.json`, with the bytes
//! stored once each under content-addressed names (`<stem>.<sha256>.<ext>`).
//!
//! Nothing read from the folder is trusted: every index entry must name a
//! file of the store's own naming scheme, with a 64-hex sha256; bytes are
//! read bounded and checked against their sha256 before use; prune deletes
//! only such files, inside the folder, whose bytes still match. Writes to
//! the folder (and the clean-up of temp files) happen under the folder's
//! own lock, so service folders sharing one backup folder never collide.

use crate::error::{Failure, refused};
use crate::formats::bounded;
use crate::formats::secret::sha256_hex;
use crate::site::Site;
use crate::store::safe_write::{create_private_dir, remove_stale_temps, write_atomic};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub const INDEX_FILE: &str = "index.json";
const LOCK_FILE: &str = "index.json.lock";
/// 3 added `seq`, `last_seq` and `adopted_from`; 1 and 2 are still read.
const SCHEMA_VERSION: u32 = 3;
/// How long a run waits for another run to finish with the backup folder.
const LOCK_WAIT: Duration = Duration::from_secs(15);

/// Why a file besides the settings is in a snapshot.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
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

impl BackupEntry {
    /// Where it was taken is recorded (or it is a schema-1 entry, which by
    /// its name belongs to the folder's own settings file). An entry with
    /// neither (recovered by repair, written by hand) is of unknown origin:
    /// it is nobody's `latest`, and is restored only by its id.
    pub fn origin_known(&self) -> bool {
        (self.host.is_some() && self.settings_path.is_some()) || self.is_schema1()
    }

    fn is_schema1(&self) -> bool {
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
    fn number(&mut self) {
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
    fn next_seq(&mut self) -> u64 {
        let top = self.backups.iter().filter_map(|e| e.seq).max().unwrap_or(0);
        self.last_seq = self.last_seq.max(top) + 1;
        self.last_seq
    }

    /// The stored files some entry names (the settings and side files).
    fn stored_files(&self) -> HashSet<&str> {
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

/// The settings file (and machine) a run works on: the snapshots it lists,
/// restores and prunes are this source's.
#[derive(Debug, Clone)]
pub struct Source {
    pub host: String,
    pub settings_path: String,
}

impl Source {
    pub fn of(settings: &Path) -> Source {
        Source {
            host: host_name(),
            settings_path: absolute_display(settings),
        }
    }

    fn owns(&self, e: &BackupEntry) -> bool {
        match (&e.host, &e.settings_path) {
            (Some(h), Some(p)) => {
                h.eq_ignore_ascii_case(&self.host) && same_path(p, &self.settings_path)
            }
            // Schema 1 recorded neither: the folder's own settings file.
            // Anything else without an origin is nobody's.
            _ => e.is_schema1(),
        }
    }

    /// Taken of this settings path, on any host (a renamed or rebuilt
    /// server restores by explicit id), or of unknown origin.
    fn may_restore_by_id(&self, e: &BackupEntry) -> bool {
        match &e.settings_path {
            Some(p) => same_path(p, &self.settings_path),
            None => true,
        }
    }
}

/// The state to snapshot: the settings bytes and the files besides them.
pub struct State {
    pub settings: Vec<u8>,
    pub files: Vec<(Role, PathBuf, Vec<u8>)>,
}

/// What a snapshot records besides the bytes.
pub struct Meta<'a> {
    pub label: Option<&'a str>,
    pub reason: &'a str,
    pub after_sha256: Option<String>,
    pub before_restore: bool,
}

/// One run's view of a backup folder. `index.json` is read and parsed once
/// per run: the parsed index is kept, and thrown away only when this run
/// takes the folder's lock (another run may have written before that; none
/// can after it).
#[derive(Debug)]
pub struct BackupStore {
    dir: PathBuf,
    source: Source,
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
        let file = crate::store::safe_write::open_lock_file(&path)?;
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
    fn load_owned(&self) -> Result<Index> {
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
        // Parsed as it is read: 10,000 snapshots are megabytes of JSON that
        // need not sit in memory beside the entries made of them.
        let index: Index = serde_json::from_reader(reader).map_err(|e| {
            if e.is_io() {
                refused(format!("cannot read {}: {e}", path.display()))
            } else {
                damaged(&path, &e.to_string())
            }
        })?;
        let mut index = index;
        check_index(&mut index).map_err(|why| damaged(&path, &why))?;
        Ok(index)
    }

    pub(crate) fn save(&self, mut index: Index) -> Result<()> {
        index.schema_version = SCHEMA_VERSION;
        index.number();
        let json = serde_json::to_vec_pretty(&index)?;
        write_atomic(&self.dir.join(INDEX_FILE), &json, true)?;
        *self.index.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(index));
        Ok(())
    }

    /// This source's snapshots, newest first.
    pub fn list(&self) -> Result<Vec<BackupEntry>> {
        let index = self.load()?;
        Ok(self.own(&index).into_iter().cloned().collect())
    }

    /// Every snapshot in the folder, of any settings file, newest first.
    pub fn list_all(&self) -> Result<Vec<BackupEntry>> {
        Ok(self.load()?.newest_first().cloned().collect())
    }

    /// This source's snapshots in `index`, newest first.
    pub fn own<'i>(&self, index: &'i Index) -> Vec<&'i BackupEntry> {
        index
            .newest_first()
            .filter(|e| self.source.owns(e))
            .collect()
    }

    /// The snapshot `restore latest` uses: the newest one not taken by a
    /// restore (that one is the state the restore undid).
    pub fn latest(&self) -> Result<Option<BackupEntry>> {
        let index = self.load()?;
        Ok(latest_of(&self.own(&index)))
    }

    /// A snapshot of this source by whole id, unique prefix, or `latest`.
    pub fn find(&self, spec: &str) -> Result<BackupEntry> {
        if spec.is_empty() {
            return Err(Failure::Usage(
                "an empty backup id: give an id from `mimmfa backup list`, a unique prefix of one, or `latest`".into(),
            )
            .into());
        }
        let index = self.load()?;
        let list = self.own(&index);
        // A whole id names one snapshot: taken of this settings path on any
        // host (a renamed or rebuilt server), or of unknown origin.
        if let Some(exact) = index.backups.iter().find(|b| b.id == spec) {
            if self.source.owns(exact) || self.source.may_restore_by_id(exact) {
                return Ok(exact.clone());
            }
            return Err(refused(format!(
                "backup {spec} was taken of {} on {}, not of {} on {}; `mimmfa backup list --all` shows every backup in the folder, and `mimmfa backup adopt --from-host {} --from-path {}` claims that server's backups for this settings file",
                exact.settings_path.as_deref().unwrap_or("?"),
                exact.host.as_deref().unwrap_or("?"),
                self.source.settings_path,
                self.source.host,
                exact.host.as_deref().unwrap_or("?"),
                exact.settings_path.as_deref().unwrap_or("?"),
            )));
        }
        if list.is_empty() {
            return Err(refused(format!(
                "there are no backups of {} on {} in {}; make one with `mimmfa backup` (`mimmfa backup list --all` shows the others; `mimmfa backup adopt` claims a renamed server's)",
                self.source.settings_path,
                self.source.host,
                self.dir.display()
            )));
        }
        if spec == "latest" {
            return latest_of(&list).ok_or_else(|| {
                refused("every backup was taken by a restore; name one by its id (`mimmfa backup list`)")
            });
        }
        let matches: Vec<_> = list.iter().filter(|b| b.id.starts_with(spec)).collect();
        match matches.len() {
            1 => Ok((*matches[0]).clone()),
            0 => Err(refused(format!(
                "no backup has the id \"{spec}\"; `mimmfa backup list` shows them"
            ))),
            n => Err(refused(format!(
                "\"{spec}\" matches {n} backups; give more of the id (`mimmfa backup list`)"
            ))),
        }
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
        let (file, sha256, size) = self.put(&settings_name, &state.settings)?;
        let mut side_files = Vec::new();
        for (role, path, bytes) in &state.files {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let (file, sha256, size) = self.put(&name, bytes)?;
            side_files.push(StoredFile {
                role: *role,
                path: absolute_display(path),
                file,
                sha256,
                size,
            });
        }
        let now = OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or_else(|_| OffsetDateTime::now_utc());
        let stamp = compact_utc(now);
        let taken: HashSet<&str> = index.backups.iter().map(|b| b.id.as_str()).collect();
        let id = unused_id(&stamp, |id| taken.contains(id));
        let seq = Some(index.next_seq());
        let entry = BackupEntry {
            id,
            file,
            seq,
            adopted_from: None,
            created: now.format(&Rfc3339).unwrap_or_default(),
            sha256,
            size,
            label: meta.label.map(str::to_string),
            reason: meta.reason.to_string(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            host: Some(self.source.host.clone()),
            settings_path: Some(self.source.settings_path.clone()),
            side_files,
            after_sha256: meta.after_sha256,
            before_restore: meta.before_restore,
        };
        index.backups.push(entry.clone());
        self.save(index)?;
        Ok(entry)
    }

    /// How many entries the index holds (of every source).
    pub fn entry_count(&self) -> Result<usize> {
        Ok(self.load()?.backups.len())
    }

    /// The `n`-th entry (oldest first) when it is this source's: a run
    /// that held the folder's lock when the index had `n` entries made it.
    pub fn own_nth(&self, n: usize) -> Result<Option<BackupEntry>> {
        let index = self.load()?;
        Ok(index
            .backups
            .get(n)
            .filter(|e| self.source.owns(e))
            .cloned())
    }

    /// The stored files a snapshot of `state` would add: those the folder
    /// does not hold intact yet (what a failed run must take away again).
    pub fn new_blobs(&self, state: &State) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let settings_name = base_name(&self.source.settings_path).to_string();
        let files = std::iter::once((settings_name, state.settings.as_slice())).chain(
            state.files.iter().map(|(_, path, bytes)| {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                (name.into_owned(), bytes.as_slice())
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

    /// Forget the snapshot of a change that failed or was undone: its index
    /// entry (`id`, when one was made; only this source's) and the stored
    /// files it added that no entry names. `blobs` may come from a journal:
    /// only names of the store's own scheme whose bytes match are removed.
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
    fn put(&self, original_name: &str, bytes: &[u8]) -> Result<(String, String, u64)> {
        let sha = sha256_hex(bytes);
        let file = blob_name(original_name, &sha);
        // Already there and intact: nothing to write. A damaged copy is rewritten.
        if !self.verifies(&file, &sha) {
            write_atomic(&self.dir.join(&file), bytes, true)?;
        }
        Ok((file, sha, bytes.len() as u64))
    }

    /// The snapshots taken on `host` of `settings_path` (not yet this
    /// source's), oldest first: what `adopt` would claim.
    pub fn adoptable(&self, host: &str, settings_path: &str) -> Result<Vec<String>> {
        let index = self.load()?;
        Ok(index
            .backups
            .iter()
            .filter(|e| self.adopts(e, host, settings_path))
            .map(|e| e.id.clone())
            .collect())
    }

    fn adopts(&self, e: &BackupEntry, host: &str, settings_path: &str) -> bool {
        !self.source.owns(e)
            && e.host
                .as_deref()
                .is_some_and(|h| h.eq_ignore_ascii_case(host))
            && e.settings_path
                .as_deref()
                .is_some_and(|p| same_path(p, settings_path))
    }

    /// Claim those snapshots for this source: host and settings path become
    /// this one's, side-file paths move with the settings folder, and where
    /// they came from is kept in `adopted_from`.
    pub fn adopt(&self, _lock: &StoreLock, host: &str, settings_path: &str) -> Result<usize> {
        let mut index = self.load_owned()?;
        let mut n = 0;
        for e in index.backups.iter_mut() {
            if !self.adopts(e, host, settings_path) {
                continue;
            }
            let here = self.source.settings_path.clone();
            for f in e.side_files.iter_mut() {
                f.path =
                    crate::store::side_targets::rebase(e.settings_path.as_deref(), &f.path, &here);
            }
            e.adopted_from = Some(format!(
                "{} {}",
                e.host.as_deref().unwrap_or("?"),
                e.settings_path.as_deref().unwrap_or("?")
            ));
            e.host = Some(self.source.host.clone());
            e.settings_path = Some(here);
            n += 1;
        }
        self.save(index)?;
        Ok(n)
    }

    /// Delete all but this source's newest `keep` snapshots, then the stored
    /// files no remaining snapshot (of any source) refers to. Returns the
    /// deleted snapshots and the files that could not be deleted safely.
    pub fn prune(&self, _lock: &StoreLock, keep: usize) -> Result<(Vec<BackupEntry>, Vec<String>)> {
        let mut index = self.load_owned()?;
        let own_ids: HashSet<String> = beyond(&self.own(&index), keep)
            .into_iter()
            .map(|b| b.id.clone())
            .collect();
        if own_ids.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let (removed, kept): (Vec<_>, Vec<_>) = index
            .backups
            .drain(..)
            .partition(|b| own_ids.contains(&b.id));
        index.backups = kept;
        // Index first: a crash in between leaves unreferenced files, never
        // entries pointing at nothing.
        self.save(index)?;
        let index = self.load()?;
        let still_used = index.stored_files();
        let mut skipped = Vec::new();
        let mut done = HashSet::new();
        for b in &removed {
            let files = std::iter::once((&b.file, &b.sha256))
                .chain(b.side_files.iter().map(|f| (&f.file, &f.sha256)));
            for (file, sha) in files {
                if still_used.contains(file.as_str()) || !done.insert(file.clone()) {
                    continue;
                }
                // Only a regular file of ours whose bytes still match.
                if self.verifies(file, sha) {
                    if fs::remove_file(self.dir.join(file)).is_err() {
                        skipped.push(file.clone());
                    }
                } else if self.dir.join(file).exists() {
                    skipped.push(file.clone());
                }
            }
        }
        Ok((removed, skipped))
    }
}

/// `stamp`, or `stamp-2`, `stamp-3`, … : the first id not in `taken`.
pub(crate) fn unused_id(stamp: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                stamp.to_string()
            } else {
                format!("{stamp}-{n}")
            }
        })
        .find(|id| !taken(id))
        .expect("an unused id exists")
}

/// How the current settings file can be got back to, and away from.
#[derive(Debug, Clone, PartialEq)]
pub enum WayBack {
    /// No snapshot of this settings file at all.
    NoSnapshot,
    /// A snapshot holds exactly these bytes.
    Held(String),
    /// mimmfa wrote these bytes right after taking this snapshot.
    WrittenAfter(String),
    /// Changed outside mimmfa since this, the newest, snapshot.
    ChangedSince(String),
}

/// `own`: this source's snapshots, newest first.
pub fn way_back(own: &[&BackupEntry], current_sha: &str) -> WayBack {
    let Some(newest) = own.first() else {
        return WayBack::NoSnapshot;
    };
    if let Some(b) = own.iter().find(|b| b.sha256 == current_sha) {
        return WayBack::Held(b.id.clone());
    }
    if newest.after_sha256.as_deref() == Some(current_sha) {
        return WayBack::WrittenAfter(newest.id.clone());
    }
    WayBack::ChangedSince(newest.id.clone())
}

/// The snapshots prune deletes among `newest_first` (one source's): all
/// but the newest `keep`, and never the one `restore latest` uses, even
/// when restores took the newest `keep` (the way back is not pruned).
pub fn beyond<'i>(newest_first: &[&'i BackupEntry], keep: usize) -> Vec<&'i BackupEntry> {
    let way_back = latest_of(newest_first).map(|b| b.id);
    newest_first
        .iter()
        .skip(keep)
        .filter(|b| way_back.as_deref() != Some(b.id.as_str()))
        .copied()
        .collect()
}

/// The snapshot `restore latest` uses among `newest_first`.
pub fn latest_of(newest_first: &[&BackupEntry]) -> Option<BackupEntry> {
    newest_first
        .iter()
        .find(|b| !b.before_restore)
        .map(|b| (*b).clone())
}

/// Parse and check `index.json`: every entry must name only plain stored
/// files of the store's own scheme (fuzzed: tests/fuzz, target `index`).
pub fn parse_index(bytes: &[u8]) -> std::result::Result<Index, String> {
    let mut index: Index = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    check_index(&mut index)?;
    Ok(index)
}

/// Check every entry and that ids and numbers are unique, then put the
/// entries in the order they were taken.
fn check_index(index: &mut Index) -> std::result::Result<(), String> {
    let mut ids = std::collections::HashMap::new();
    let mut seqs = std::collections::HashMap::new();
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

fn damaged(path: &Path, why: &str) -> anyhow::Error {
    refused(format!(
        "{} is damaged: {why}; `mimmfa backup repair` rebuilds it from the backups present",
        path.display()
    ))
}

/// Why an index entry cannot be trusted, if it cannot.
pub(crate) fn check_entry(e: &BackupEntry) -> std::result::Result<(), String> {
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
        if let Some(why) = crate::store::side_targets::path_problem(f.role, &f.path, e) {
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

/// `<stem>.<sha256>.<ext>`: the name the store gives `original_name`'s bytes.
pub(crate) fn blob_name(original_name: &str, sha: &str) -> String {
    let (stem, ext) = original_name
        .rsplit_once('.')
        .unwrap_or((original_name, "bin"));
    let clean = |s: &str, max: usize, keep_dash: bool| -> String {
        s.chars()
            .filter(|c| c.is_ascii())
            .map(|c| {
                if c.is_ascii_alphanumeric() || (keep_dash && (c == '_' || c == '-')) {
                    c
                } else {
                    '_'
                }
            })
            .take(max)
            .collect()
    };
    let stem = Some(clean(stem, 64, true))
        .filter(|s| !s.is_empty())
        .unwrap_or("file".into());
    let ext = Some(clean(ext, 16, false))
        .filter(|s| !s.is_empty() && !s.contains('_'))
        .unwrap_or("bin".into());
    format!("{stem}.{sha}.{ext}")
}

pub(crate) fn is_blob_name(name: &str, sha: &str) -> bool {
    let mut parts = name.splitn(3, '.');
    let (Some(stem), Some(mid), Some(ext)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    (1..=64).contains(&stem.len())
        && stem
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        && mid == sha
        && (1..=16).contains(&ext.len())
        && ext.bytes().all(|c| c.is_ascii_alphanumeric())
}

/// The sha256 in a stored settings file's name (`MfaSettings.<sha>.xml`).
pub(crate) fn settings_blob_sha(name: &str) -> Option<String> {
    let sha = name.strip_suffix(".xml")?.rsplit_once('.')?.1;
    (is_sha256(sha) && is_blob_name(name, sha)).then(|| sha.to_string())
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

pub(crate) fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// An absolute path for the record (the folder resolved, the name kept).
pub fn absolute_display(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let resolved = match (abs.parent(), abs.file_name()) {
        (Some(dir), Some(name)) => dir
            .canonicalize()
            .map(|d| d.join(name))
            .unwrap_or(abs.clone()),
        _ => abs.clone(),
    };
    let text = resolved.display().to_string();
    // No `\\?\` prefix: it is not how a person (or the file) names a path.
    text.strip_prefix(r"\\?\")
        .map(str::to_string)
        .unwrap_or(text)
}

pub(crate) fn same_path(a: &str, b: &str) -> bool {
    if cfg!(windows) {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

/// This machine's name, as recorded with each snapshot.
/// `MIMMFA_TEST_HOST_NAME` stands in for it in tests (a renamed server).
pub fn host_name() -> String {
    let from_env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    if let Some(name) = from_env("MIMMFA_TEST_HOST_NAME") {
        return name;
    }
    let from_file = |p: &str| {
        crate::formats::bounded::read_file(std::path::Path::new(p), 4096)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    from_env("COMPUTERNAME")
        .filter(|_| cfg!(windows))
        .or_else(|| from_file("/proc/sys/kernel/hostname"))
        .or_else(|| from_file("/etc/hostname"))
        .or_else(|| from_env("HOSTNAME"))
        .or_else(|| from_env("COMPUTERNAME"))
        .unwrap_or_else(|| "unknown".into())
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

    fn store(dir: &Path, settings: &str) -> BackupStore {
        BackupStore::new(
            dir.join("MfaBackups"),
            Source {
                host: "srv1".into(),
                settings_path: settings.into(),
            },
        )
    }

    fn take(s: &BackupStore, bytes: &[u8], files: Vec<(Role, PathBuf, Vec<u8>)>) -> BackupEntry {
        let (lock, _) = s.lock().unwrap();
        let state = State {
            settings: bytes.to_vec(),
            files,
        };
        let meta = Meta {
            label: None,
            reason: "manual",
            after_sha256: None,
            before_restore: false,
        };
        s.snapshot(&lock, &state, meta).unwrap()
    }

    #[test]
    fn snapshots_are_points_in_time_with_bytes_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path(), "/srv/MfaSettings.xml");
        let a = take(
            &s,
            b"one",
            vec![(
                Role::Certificate,
                "/srv/MfaCerts/cert_key.p12".into(),
                b"cert".to_vec(),
            )],
        );
        let b = take(&s, b"two", vec![]);
        let c = take(&s, b"one", vec![]);
        assert_ne!(a.id, c.id, "the same bytes later are a new point in time");
        assert_eq!(a.file, c.file, "stored once");
        assert_eq!(s.latest().unwrap().unwrap().id, c.id);
        assert_eq!(s.find(&b.id).unwrap(), b);
        assert!(s.find("").is_err());
        assert_eq!(s.read_verified(&a).unwrap(), b"one");
        assert_eq!(s.read_side(&a.side_files[0]).unwrap(), b"cert");
        assert_eq!(a.holds(), "settings + cert_key.p12");
        // Prune keeps the newest; a file still used by a kept one stays.
        let (lock, _) = s.lock().unwrap();
        let (gone, skipped) = s.prune(&lock, 1).unwrap();
        assert_eq!(gone.len(), 2);
        assert!(skipped.is_empty());
        assert!(s.path_of(&c).exists(), "c still uses the bytes a had");
        assert!(!s.dir().join(&a.side_files[0].file).exists());
        assert!(!s.path_of(&b).exists());
    }

    #[test]
    fn other_sources_are_apart() {
        let dir = tempfile::tempdir().unwrap();
        let one = store(dir.path(), "/srv1/MfaSettings.xml");
        let two = store(dir.path(), "/srv2/MfaSettings.xml");
        let a = take(&one, b"one", vec![]);
        take(&two, b"two", vec![]);
        // A store is one run's view: the next run of srv1 sees srv2's too.
        let one = store(dir.path(), "/srv1/MfaSettings.xml");
        assert_eq!(one.latest().unwrap().unwrap().id, a.id);
        assert_eq!(one.list().unwrap().len(), 1);
        assert_eq!(one.list_all().unwrap().len(), 2);
        let other = two.list().unwrap()[0].id.clone();
        let e = one.find(&other).unwrap_err().to_string();
        assert!(e.contains("/srv2/MfaSettings.xml"), "{e}");
    }

    #[test]
    fn index_entries_are_checked() {
        let good = "a".repeat(64);
        let entry = |file: &str, sha: &str| BackupEntry {
            id: "20261123T140501Z".into(),
            file: file.into(),
            created: String::new(),
            sha256: sha.into(),
            size: 0,
            label: None,
            reason: String::new(),
            tool_version: String::new(),
            host: None,
            settings_path: None,
            side_files: vec![],
            after_sha256: None,
            before_restore: false,
            seq: None,
            adopted_from: None,
        };
        assert!(check_entry(&entry(&format!("MfaSettings.{good}.xml"), &good)).is_ok());
        assert!(check_entry(&entry("MfaSettings.20261123T140501Z.xml", &good)).is_ok());
        for bad in [
            "../MfaSettings.xml",
            "/etc/passwd",
            "MfaSettings.xml",
            "a/b.xml",
        ] {
            assert!(check_entry(&entry(bad, &good)).is_err(), "{bad}");
        }
        assert!(check_entry(&entry(&format!("x.{good}.xml"), "zz")).is_err());
        assert!(is_id("20261123T140501Z-2") && !is_id("2026") && !is_id(""));
        assert_eq!(blob_name("Contoso.Gate.dll", "ab"), "Contoso_Gate.ab.dll");
        assert_eq!(blob_name("../../x", "ab"), "____.ab.bin");
    }

    #[test]
    fn tampered_bytes_are_refused_and_rewritten_on_the_next_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path(), "/srv/MfaSettings.xml");
        let a = take(&s, b"one", vec![]);
        fs::write(s.path_of(&a), b"evil").unwrap();
        assert!(s.read_verified(&a).is_err());
        let b = take(&s, b"one", vec![]);
        assert_eq!(s.read_verified(&b).unwrap(), b"one");
    }

    #[test]
    fn compact_time_format() {
        let t = time::macros::datetime!(2026-11-23 14:05:01 UTC);
        assert_eq!(compact_utc(t), "20261123T140501Z");
    }
}
