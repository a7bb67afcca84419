//! What every command needs: resolved folders, the path mapper, the UI.

use crate::cli::GlobalArgs;
use crate::error::usage;
use crate::output::Report;
use crate::output::{Format, Ui};
use crate::site::paths::STOCK_SERVICE_DIR;
use crate::site::{BACKUP_DIR, PathMapper, SETTINGS_FILE, Site};
use anyhow::Result;
use std::path::{Path, PathBuf};

/// One run's configuration, resolved once from the command line.
pub struct Ctx {
    pub ui: Ui,
    /// The command's name in its documents (`backup list`, cli::Command::name).
    pub command: &'static str,
    /// --service-dir / $MIMMFA_SERVICE_DIR (an empty value counts as unset).
    service_dir: Option<PathBuf>,
    settings: Option<PathBuf>,
    backup_dir: Option<PathBuf>,
    windows_service_dir: Option<String>,
    path_map: Vec<(String, PathBuf)>,
    lock_wait: std::time::Duration,
    gac: Option<PathBuf>,
}

impl Ctx {
    pub fn new(global: GlobalArgs, command: &'static str) -> Self {
        let format = if global.json {
            Format::Json
        } else {
            global.format
        };
        let ui = Ui::new(
            format,
            global.color,
            global.quiet,
            global.verbose > 0,
            global.show_secrets,
            global.yes,
        );
        Ctx {
            ui,
            command,
            service_dir: global.service_dir.filter(|d| !d.as_os_str().is_empty()),
            settings: global.settings,
            backup_dir: global.backup_dir,
            windows_service_dir: global.windows_service_dir,
            path_map: global.path_map,
            lock_wait: std::time::Duration::from_secs(global.wait),
            gac: global.gac,
        }
    }

    /// This command's document, to fill.
    /// `--gac DIR`: where provider references are bound besides the
    /// Service folder (checks::clr_binding; on Windows the machine's GAC
    /// when not given).
    pub fn gac(&self) -> Option<PathBuf> {
        self.gac.clone()
    }

    pub fn report(&self) -> Report {
        Report::new(self.command)
    }

    /// The service folder from --service-dir / $MIMMFA_SERVICE_DIR, or the
    /// stock folder on Windows.
    pub fn service_dir(&self) -> Result<PathBuf> {
        if let Some(dir) = &self.service_dir {
            return Ok(dir.clone());
        }
        if cfg!(windows) {
            return Ok(PathBuf::from(STOCK_SERVICE_DIR));
        }
        Err(usage(
            "no MIM Service folder given: pass --service-dir DIR or set MIMMFA_SERVICE_DIR",
        ))
    }

    pub fn site(&self) -> Result<Site> {
        let dir = self.service_dir()?;
        Ok(self.site_for(&dir, true))
    }

    /// A site for `dir`; `with_overrides` applies --settings / --backup-dir
    /// (not meaningful for each folder of a fleet).
    pub fn site_for(&self, dir: &Path, with_overrides: bool) -> Site {
        let pick = |over: &Option<PathBuf>, default: PathBuf| match over {
            Some(p) if with_overrides => p.clone(),
            _ => default,
        };
        let mut site = Site::new(
            dir.to_path_buf(),
            pick(&self.settings, dir.join(SETTINGS_FILE)),
            pick(&self.backup_dir, dir.join(BACKUP_DIR)),
            PathMapper::new(
                dir.to_path_buf(),
                self.windows_service_dir.clone(),
                self.path_map.clone(),
            ),
        );
        site.lock_wait = self.lock_wait;
        site.gac = self.gac.clone();
        site
    }
}
