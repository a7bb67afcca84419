//! Whose a snapshot is: the settings file and machine it was taken of,
//! and the path and host-name helpers that record them.

use super::backup_index::BackupEntry;
use crate::formats::bounded;
use std::path::Path;

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

    pub(super) fn owns(&self, e: &BackupEntry) -> bool {
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
    pub(super) fn may_restore_by_id(&self, e: &BackupEntry) -> bool {
        match &e.settings_path {
            Some(p) => same_path(p, &self.settings_path),
            None => true,
        }
    }
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
pub(super) fn host_name() -> String {
    let from_env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    if let Some(name) = from_env("MIMMFA_TEST_HOST_NAME") {
        return name;
    }
    let from_file = |p: &str| {
        bounded::read_file(Path::new(p), 4096)
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
