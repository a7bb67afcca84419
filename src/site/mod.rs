//! One MIM Service folder: where its settings, backups and certificates
//! are, how its Windows paths map here, and reading its settings. A domain
//! type below checks and store, which work on it; the run context above
//! (context::Ctx) builds one from the command line.

pub mod paths;
mod settings_cache;

use crate::error::refused;
use crate::formats::settings_xml::{Edit, EditError, SettingsDoc, read_settings_file};
use anyhow::Result;
pub use paths::PathMapper;
pub use settings_cache::Parsed;
use settings_cache::SettingsCache;
use std::any::Any;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

pub const SETTINGS_FILE: &str = "MfaSettings.xml";
pub const BACKUP_DIR: &str = "MfaBackups";

/// The folders one service folder's commands work on.
#[derive(Debug, Clone)]
pub struct Site {
    pub service_dir: PathBuf,
    pub settings: PathBuf,
    pub backup_dir: PathBuf,
    pub mapper: PathMapper,
    /// `--wait`: how long a changing command waits for another one.
    pub lock_wait: std::time::Duration,
    /// `--gac DIR` (Ctx::gac).
    pub gac: Option<PathBuf>,
    /// The run's backup store (store::snapshots makes it on first use), so
    /// the index is parsed once and the store's lock is shared by every part
    /// of the command. Untyped here: this floor knows nothing of the store.
    store: Arc<OnceLock<Arc<dyn Any + Send + Sync>>>,
    /// The settings documents parsed so far, shared by the run's clones.
    parsed: Arc<SettingsCache>,
}

/// The folder of the Service folder that holds the SDK certificate.
pub const CERT_DIR_NAME: &str = "MfaCerts";

impl Site {
    pub fn new(
        service_dir: PathBuf,
        settings: PathBuf,
        backup_dir: PathBuf,
        mapper: PathMapper,
    ) -> Site {
        Site {
            service_dir,
            settings,
            backup_dir,
            mapper,
            lock_wait: std::time::Duration::ZERO,
            gac: None,
            store: Arc::default(),
            parsed: Arc::default(),
        }
    }

    /// Where the SDK certificate goes: `<Service>\MfaCerts`, as
    /// Microsoft's procedure has it (only mimmfa writes there).
    pub fn cert_dir(&self) -> PathBuf {
        self.service_dir.join(CERT_DIR_NAME)
    }

    /// The run's store, made by `make` on first use and shared after.
    pub fn run_store<T: Any + Send + Sync>(&self, make: impl FnOnce() -> T) -> Arc<T> {
        let slot = self.store.get_or_init(|| Arc::new(make()));
        Arc::clone(slot)
            .downcast::<T>()
            .expect("a site holds one kind of store")
    }

    pub fn settings_display(&self) -> String {
        self.settings.display().to_string()
    }

    pub fn read_settings(&self) -> Result<Vec<u8>> {
        read_settings_file(&self.settings).map_err(|e| {
            refused(format!(
                "cannot read {}: {e}; check --service-dir (or --settings)",
                self.settings.display()
            ))
        })
    }

    /// The document of `bytes`, parsed once per run however often asked
    /// for (checks and store ask; they word a fault themselves).
    pub fn settings_doc(&self, bytes: &[u8]) -> Parsed {
        self.parsed.get(bytes)
    }

    /// Parse, or refuse with the file, line, column and the fix.
    pub fn parse(&self, bytes: &[u8]) -> Result<Arc<SettingsDoc>> {
        self.settings_doc(bytes).map_err(|e| {
            refused(format!(
                "{}:{}:{}: {} [{}]",
                self.settings.display(),
                e.line,
                e.column,
                e.message,
                e.fault.code()
            ))
        })
    }

    /// Apply `edit` (which parses its output to prove it), keeping that
    /// parse for everyone who looks at the new bytes after.
    pub fn finish(&self, edit: Edit<'_>) -> Result<Vec<u8>, EditError> {
        let (bytes, doc) = edit.finish_parsed()?;
        self.parsed.insert(bytes.clone(), doc);
        Ok(bytes)
    }

    pub fn load(&self) -> Result<Arc<SettingsDoc>> {
        self.parse(&self.read_settings()?)
    }
}
