//! Windows paths in MfaSettings.xml ↔ files on this machine.
//!
//! The file holds paths such as `C:\Program Files\...\Service\MfaCerts\cert_key.p12`,
//! which the MIM Service opens literally. Two situations:
//! - **On the server** (Windows, no `--windows-service-dir`): `--service-dir`
//!   is the server's own folder. Paths are checked as the service opens
//!   them, with no mapping, and paths written are the folder's real ones.
//! - **Auditing a copy** (any other OS, or `--windows-service-dir` on
//!   Windows): paths under the Windows folder the copy came from (by
//!   default the stock one) are resolved under `--service-dir`.
//!
//! `--path-map FROM=TO` applies in both.

use std::path::{Path, PathBuf};

pub const STOCK_SERVICE_DIR: &str =
    r"C:\Program Files\Microsoft Forefront Identity Manager\2010\Service";

#[derive(Debug, Clone)]
pub struct PathMapper {
    /// Absolute.
    service_dir: PathBuf,
    /// The service folder as the MIM server sees it (written into the file).
    windows_service_dir: String,
    /// An audit of a copy: paths under the stock folder follow
    /// `service_dir` too.
    copy: bool,
    /// `windows_service_dir` is the stock folder by default, not a folder
    /// anyone named: a guess, said so when written.
    guessed: bool,
    /// `--path-map FROM=TO`, tried first.
    maps: Vec<(String, PathBuf)>,
}

impl PathMapper {
    pub fn new(
        service_dir: PathBuf,
        windows_service_dir: Option<String>,
        maps: Vec<(String, PathBuf)>,
    ) -> Self {
        let service_dir = std::path::absolute(&service_dir).unwrap_or(service_dir);
        let given = windows_service_dir.map(|d| d.trim_end_matches(['\\', '/']).to_string());
        let on_server = cfg!(windows) && given.is_none();
        let guessed = !on_server && given.is_none();
        let windows_service_dir = match given {
            Some(d) => d,
            None if on_server => real_path(&service_dir),
            None => STOCK_SERVICE_DIR.to_string(),
        };
        PathMapper {
            service_dir,
            windows_service_dir,
            copy: !on_server,
            guessed,
            maps,
        }
    }

    /// The service folder as the MIM server sees it.
    pub fn windows_service_dir(&self) -> &str {
        &self.windows_service_dir
    }

    /// Auditing a copy (paths under the stock folder follow `--service-dir`)
    /// rather than checking the server's own folder.
    pub fn is_copy(&self) -> bool {
        self.copy
    }

    /// Paths written are under the stock folder because nobody said
    /// otherwise (off Windows, no `--windows-service-dir`).
    pub fn is_guessed(&self) -> bool {
        self.guessed
    }

    /// Folder prefixes a settings value may start with, and where they are
    /// here: `--path-map`s, then the service folder. Only the service
    /// folder as the server sees it maps into a copy: with
    /// `--windows-service-dir D:\MIM\Service`, a stock `C:\Program Files\...`
    /// path is another folder of that server, not this copy.
    fn prefixes(&self) -> impl Iterator<Item = (&str, &Path)> {
        self.maps
            .iter()
            .map(|(from, to)| (from.as_str(), to.as_path()))
            .chain([(
                self.windows_service_dir.as_str(),
                self.service_dir.as_path(),
            )])
    }

    /// Where the file named by a settings value is on this machine, or
    /// `None` when it cannot be known here (an unmapped Windows path on
    /// another OS, or a `..` component). In a copy, each name is found
    /// case-insensitively as Windows does (`customphonegate.DLL`).
    pub fn resolve(&self, value: &str) -> Option<PathBuf> {
        for (from, to) in self.prefixes() {
            if let Some(rest) = strip_windows_prefix(value, from) {
                return if self.copy {
                    join_rest_as_windows(to, rest)
                } else {
                    join_rest(to, rest)
                };
            }
        }
        if self.copy && self.names_other_stock_folder(value) {
            return None;
        }
        native_absolute(value)
    }

    /// A copy declared with `--windows-service-dir` other than the stock
    /// folder, and a value under the stock folder: a folder that server
    /// does not use for MIM, and that this copy does not hold.
    pub fn names_other_stock_folder(&self, value: &str) -> bool {
        self.copy
            && !self.guessed
            && strip_windows_prefix(&self.windows_service_dir, STOCK_SERVICE_DIR).is_none()
            && strip_windows_prefix(value, STOCK_SERVICE_DIR).is_some()
    }

    /// The Windows path to write into the file for a local file: under the
    /// service folder (or a `--path-map` target) by that folder's Windows
    /// name; on Windows anywhere else, its own absolute path.
    pub fn to_windows(&self, local: &Path) -> Option<String> {
        let local = std::path::absolute(local).ok()?;
        let targets = std::iter::once((
            self.windows_service_dir.as_str(),
            self.service_dir.as_path(),
        ))
        .chain(
            self.maps
                .iter()
                .map(|(from, to)| (from.as_str(), to.as_path())),
        );
        for (from, to) in targets {
            let to = std::path::absolute(to).unwrap_or_else(|_| to.to_path_buf());
            if let Ok(rel) = local.strip_prefix(&to) {
                let mut out = from.trim_end_matches(['\\', '/']).to_string();
                for part in rel.components() {
                    out.push('\\');
                    out.push_str(&part.as_os_str().to_string_lossy());
                }
                return Some(out);
            }
        }
        cfg!(windows).then(|| real_path(&local))
    }

    /// Where a value under the stock folder would be inside the service
    /// folder: what the file names when the server's MIM is installed
    /// elsewhere and the path was written for the stock layout.
    pub fn stock_equivalent(&self, value: &str) -> Option<PathBuf> {
        join_rest_as_windows(
            &self.service_dir,
            strip_windows_prefix(value, STOCK_SERVICE_DIR)?,
        )
    }

    /// Is a settings value a path inside the service folder?
    pub fn is_in_service_dir(&self, value: &str) -> bool {
        strip_windows_prefix(value, &self.windows_service_dir).is_some_and(|r| !r.contains(".."))
    }
}

/// A folder's path as Windows programs show it: canonical when that keeps
/// its drive letter (the on-disk case of every component, no `\\?\`
/// prefix), else as given (absolute). A mapped drive canonicalizes to a UNC
/// path, which the MIM Service's account may not reach the same way.
fn real_path(path: &Path) -> String {
    let given = path.display().to_string();
    let Ok(canonical) = std::fs::canonicalize(path) else {
        return given;
    };
    let canonical = canonical.display().to_string();
    let plain = match canonical.strip_prefix(r"\\?\UNC\") {
        Some(unc) => format!(r"\\{unc}"),
        None => canonical
            .strip_prefix(r"\\?\")
            .unwrap_or(&canonical)
            .to_string(),
    };
    let drive = |p: &str| p.as_bytes().get(1) == Some(&b':');
    if drive(&given) && !drive(&plain) {
        given
    } else {
        plain
    }
}

/// `base` joined with the rest of a Windows path; `None` for a `..`
/// component (which could leave the folder).
fn join_rest(base: &Path, rest: &str) -> Option<PathBuf> {
    join_parts(base, rest, |dir, part| dir.join(part))
}

/// `base` and each name of `rest` in turn, through `step`.
fn join_parts(base: &Path, rest: &str, step: impl Fn(&Path, &str) -> PathBuf) -> Option<PathBuf> {
    let mut out = base.to_path_buf();
    for part in rest
        .split(['\\', '/'])
        .filter(|p| !p.is_empty() && *p != ".")
    {
        if part == ".." {
            return None;
        }
        out = step(&out, part);
    }
    Some(out)
}

/// How many entries of one folder a case-insensitive lookup reads: a
/// Service folder holds a few hundred; past this the name is taken as
/// written rather than reading a hostile folder to its end.
const MAX_ENTRIES_SCANNED: usize = 10_000;

/// `join_rest`, finding each name as Windows does: the exact name if it is
/// there, else the one entry that equals it ignoring case. A copy taken off
/// a server keeps the on-disk case (`CustomPhoneGate.dll`) while the
/// settings may say `customphonegate.DLL`, which the service opens fine.
pub fn join_rest_as_windows(base: &Path, rest: &str) -> Option<PathBuf> {
    join_parts(base, rest, |dir, part| {
        let exact = dir.join(part);
        if std::fs::symlink_metadata(&exact).is_ok() {
            exact
        } else {
            entry_ignoring_case(dir, part).unwrap_or(exact)
        }
    })
}

/// The entry of `dir` whose name equals `name` ignoring case (Unicode
/// upper case, as NTFS compares), among its first MAX_ENTRIES_SCANNED.
fn entry_ignoring_case(dir: &Path, name: &str) -> Option<PathBuf> {
    let wanted = name.to_uppercase();
    std::fs::read_dir(dir)
        .ok()?
        .take(MAX_ENTRIES_SCANNED)
        .flatten()
        .find(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.to_uppercase() == wanted)
        })
        .map(|e| e.path())
}

/// `value` without the folder prefix `from`, compared as Windows does
/// (case-insensitive, `\` and `/` alike); `None` if it does not start so.
fn strip_windows_prefix<'v>(value: &'v str, from: &str) -> Option<&'v str> {
    let from = from.trim_end_matches(['\\', '/']);
    if value.len() < from.len() || !value.is_char_boundary(from.len()) {
        return None;
    }
    let (head, rest) = value.split_at(from.len());
    let same = head
        .chars()
        .zip(from.chars())
        .all(|(a, b)| a.eq_ignore_ascii_case(&b) || (is_sep(a) && is_sep(b)));
    (same && (rest.is_empty() || rest.starts_with(is_sep))).then_some(rest)
}

fn is_sep(c: char) -> bool {
    c == '\\' || c == '/'
}

/// Is `value` an absolute Windows path (`C:\...` or `\\server\share\...`)?
pub fn is_absolute_windows(value: &str) -> bool {
    let b = value.as_bytes();
    (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'\\' || b[2] == b'/'))
        || value.starts_with(r"\\")
}

#[cfg(windows)]
fn native_absolute(value: &str) -> Option<PathBuf> {
    is_absolute_windows(value).then(|| PathBuf::from(value))
}

#[cfg(not(windows))]
fn native_absolute(value: &str) -> Option<PathBuf> {
    value.starts_with('/').then(|| PathBuf::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(not(windows))]
    fn mapper() -> PathMapper {
        PathMapper::new(
            PathBuf::from("/audit/srv1"),
            None,
            vec![("D:\\Tools".into(), PathBuf::from("/audit/tools"))],
        )
    }

    // The audit of a copy, with Unix paths: the mapping of every OS but
    // Windows (and of Windows with --windows-service-dir).
    #[cfg(not(windows))]
    #[test]
    fn stock_paths_map_under_service_dir_whatever_the_case_or_slash() {
        let m = mapper();
        let v = r"c:\program files/Microsoft Forefront Identity Manager\2010\SERVICE\MfaCerts\cert_key.p12";
        assert_eq!(
            m.resolve(v),
            Some(PathBuf::from("/audit/srv1/MfaCerts/cert_key.p12"))
        );
        assert!(m.is_in_service_dir(v));
        assert_eq!(
            m.resolve(r"D:\Tools\x.dll"),
            Some(PathBuf::from("/audit/tools/x.dll"))
        );
        assert!(!m.is_in_service_dir(r"D:\Tools\x.dll"));
    }

    #[cfg(not(windows))]
    #[test]
    fn a_longer_folder_name_is_not_a_prefix_match() {
        let m = mapper();
        assert!(!m.is_in_service_dir(&format!("{STOCK_SERVICE_DIR}2\\x.dll")));
        assert_eq!(m.resolve(&format!("{STOCK_SERVICE_DIR}\\..\\x.dll")), None);
    }

    #[cfg(not(windows))]
    #[test]
    fn to_windows_writes_under_the_stock_or_given_folder() {
        let m = mapper();
        let p = Path::new("/audit/srv1")
            .join("MfaCerts")
            .join("cert_key.p12");
        assert_eq!(
            m.to_windows(&p).unwrap(),
            format!("{STOCK_SERVICE_DIR}\\MfaCerts\\cert_key.p12")
        );
        let m = PathMapper::new(PathBuf::from("/s"), Some(r"E:\MIM\Service\".into()), vec![]);
        assert_eq!(
            m.to_windows(Path::new("/s/a.dll")).unwrap(),
            r"E:\MIM\Service\a.dll"
        );
    }

    #[test]
    fn absolute_windows_paths() {
        assert!(is_absolute_windows(r"C:\x"));
        assert!(is_absolute_windows(r"\\srv\share\x"));
        assert!(!is_absolute_windows(r"MfaCerts\x"));
        assert!(!is_absolute_windows("\"C:\\x\""));
    }

    #[cfg(not(windows))]
    #[test]
    fn relative_folders_and_path_maps_convert_both_ways() {
        let cwd = std::env::current_dir().unwrap();
        let m = PathMapper::new(PathBuf::from("svc"), None, vec![]);
        assert_eq!(
            m.to_windows(&cwd.join("svc/MfaCerts/cert_key.p12"))
                .unwrap(),
            format!("{STOCK_SERVICE_DIR}\\MfaCerts\\cert_key.p12")
        );
        assert!(m.is_guessed() && m.is_copy());
        let m = mapper();
        assert_eq!(
            m.to_windows(Path::new("/audit/tools/x.dll")).unwrap(),
            r"D:\Tools\x.dll"
        );
        assert_eq!(m.to_windows(Path::new("/elsewhere/x.dll")), None);
        assert_eq!(
            m.stock_equivalent(&format!("{STOCK_SERVICE_DIR}\\MfaCerts\\c.p12")),
            Some(PathBuf::from("/audit/srv1/MfaCerts/c.p12"))
        );
    }

    /// On the server: paths are literal, and written as the folder's real
    /// path; a stock path means the stock folder, not `-s`.
    #[cfg(windows)]
    #[test]
    fn on_windows_the_folder_is_the_servers_own() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("MIM Service");
        std::fs::create_dir(&dir).unwrap();
        let m = PathMapper::new(dir.clone(), None, vec![]);
        assert!(!m.is_copy() && !m.is_guessed());
        let real = m.windows_service_dir().to_string();
        assert!(!real.starts_with(r"\\?\"), "{real}");
        assert!(real.ends_with(r"\MIM Service"), "{real}");
        assert_eq!(
            m.to_windows(&dir.join("Gate.dll")).unwrap(),
            format!("{real}\\Gate.dll")
        );
        let stock = format!("{STOCK_SERVICE_DIR}\\Gate.dll");
        assert_eq!(m.resolve(&stock), Some(PathBuf::from(&stock)));
        assert!(!m.is_in_service_dir(&stock));
        assert_eq!(
            m.stock_equivalent(&stock),
            Some(std::path::absolute(&dir).unwrap().join("Gate.dll"))
        );
        // Declared a copy: the audit mapping again.
        let m = PathMapper::new(dir.clone(), Some(STOCK_SERVICE_DIR.into()), vec![]);
        assert!(m.is_copy());
        assert_eq!(
            m.resolve(&stock),
            Some(std::path::absolute(&dir).unwrap().join("Gate.dll"))
        );
    }
}
