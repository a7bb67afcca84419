//! Where a stored side file may go back to. The index is not trusted to
//! say: a file is restored only to the path the snapshot's own settings
//! name for its role (CertFilePath for the certificate, CustomPhoneProvider
//! for the DLL, `<Service>\SmsServiceProvider.dll` for the SMS gate that
//! the snapshot took from there), normalised as Windows opens it (no `..`,
//! no symlinked folder on the way), and never over the settings file, its
//! lock, the backup store, or Microsoft's files (docs/design.md, "Backups").

use crate::checks::provider_dll::SMS_DLL_NAME;
use crate::site::Site;
use crate::store::change::pointers;
use crate::store::safe_write::lock_path;
use crate::store::snapshots::{
    BackupEntry, Role, StoredFile, absolute_display, base_name, same_path,
};
use std::path::{Component, Path, PathBuf};

/// A side file that may not go back, and why: MFA062, naming the entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub backup: String,
    /// The path the index records for it.
    pub path: String,
    pub why: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "backup {}: will not restore \"{}\": {} [MFA062]",
            self.backup, self.path, self.why
        )
    }
}

/// Each side file of `entry` (whose verified settings bytes are `settings`)
/// with where it may be written on this site, or why it may not.
pub fn targets<'e>(
    site: &Site,
    entry: &'e BackupEntry,
    settings: &[u8],
) -> Vec<(&'e StoredFile, Result<PathBuf, Refusal>)> {
    let named = pointers(site, settings);
    entry
        .side_files
        .iter()
        .map(|f| {
            let placed = target(site, entry, &named, f).map_err(|why| Refusal {
                backup: entry.id.clone(),
                path: f.path.clone(),
                why,
            });
            (f, placed)
        })
        .collect()
}

fn target(
    site: &Site,
    entry: &BackupEntry,
    named: &[(Role, PathBuf)],
    f: &StoredFile,
) -> Result<PathBuf, String> {
    let here_settings = absolute_display(&site.settings);
    let recorded = rebase(entry.settings_path.as_deref(), &f.path, &here_settings);
    let expected = match f.role {
        Role::Certificate | Role::Provider => named
            .iter()
            .find(|(r, _)| *r == f.role)
            .map(|(_, p)| std::path::absolute(p).unwrap_or_else(|_| p.clone()))
            .ok_or_else(|| {
                format!(
                    "the snapshot's own settings name no {} ({}) that this machine can resolve",
                    f.role.as_str(),
                    if f.role == Role::Certificate {
                        "CertFilePath"
                    } else {
                        "CustomPhoneProvider"
                    }
                )
            })?,
        Role::Sms => std::path::absolute(site.service_dir.join(SMS_DLL_NAME))
            .unwrap_or_else(|_| site.service_dir.join(SMS_DLL_NAME)),
        // A file a change overwrote: back where it was, which must be in
        // the Service folder (that is where mimmfa overwrites files).
        Role::Replaced => {
            let p = PathBuf::from(&recorded);
            if !inside(&p, &site.service_dir) {
                return Err(
                    "the snapshot's settings do not name it and it is outside the Service folder"
                        .into(),
                );
            }
            p
        }
        Role::Unknown => return Err("its role is not one this version knows".into()),
    };
    if expected.components().any(|c| c == Component::ParentDir) {
        return Err(format!(
            "{} climbs out of its folder with `..`",
            expected.display()
        ));
    }
    let expected_text = absolute_display(&expected);
    if !same_path(&recorded, &expected_text) {
        return Err(format!(
            "the snapshot's own settings name {expected_text} for its {}, not this path",
            f.role.as_str()
        ));
    }
    if let Some(why) = path_problem(f.role, &expected_text, entry) {
        return Err(format!("{expected_text} {why}"));
    }
    let is = |other: &Path| same_path(&expected_text, &absolute_display(other));
    if is(&site.settings) || is(&lock_path(&site.settings)) {
        return Err("that is the settings file or its lock".into());
    }
    if inside(&expected, &site.backup_dir) {
        return Err("that is inside the backup folder".into());
    }
    if let Some(link) = symlinked_parent(&expected, &site.service_dir) {
        return Err(format!(
            "{} is a symbolic link (or junction) on the way to it",
            link.display()
        ));
    }
    Ok(expected)
}

/// `recorded` moved from the snapshot's settings folder to this one (a
/// restore by id of a moved or adopted folder), else as it is.
pub(crate) fn rebase(old: Option<&str>, recorded: &str, here_settings: &str) -> String {
    let parent = |p: &str| p[..p.rfind(['/', '\\']).unwrap_or(0)].to_string();
    let Some(old) = old else {
        return recorded.to_string();
    };
    let (old_dir, new_dir) = (parent(old), parent(here_settings));
    match recorded.get(..old_dir.len()) {
        Some(head)
            if !old_dir.is_empty()
                && same_path(head, &old_dir)
                && recorded[old_dir.len()..].starts_with(['/', '\\']) =>
        {
            format!("{new_dir}{}", &recorded[old_dir.len()..])
        }
        _ => recorded.to_string(),
    }
}

/// Why a recorded side-file path cannot be one the store wrote, judged
/// from the text alone as Windows would read it (load time: any such entry
/// makes the index damaged).
pub fn path_problem(role: Role, path: &str, entry: &BackupEntry) -> Option<String> {
    let b = path.as_bytes();
    let drive =
        b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'\\' | b'/');
    if !(path.starts_with('/') || path.starts_with(r"\\") || drive) {
        return Some("is not an absolute path".into());
    }
    let rest = if drive { &path[2..] } else { path };
    for part in rest.split(['/', '\\']).filter(|p| !p.is_empty()) {
        // Windows drops trailing dots and spaces: `..` and `.. .` alike.
        if part.trim_end_matches(['.', ' ']).is_empty() {
            return Some("climbs out of its folder (`..`)".into());
        }
        if part.contains(':') {
            return Some("names an alternate data stream (`:`)".into());
        }
    }
    if let Some(settings) = entry.settings_path.as_deref()
        && (same_path(path, settings) || same_path(path, &format!("{settings}.lock")))
    {
        return Some("is the settings file or its lock".into());
    }
    let name = base_name(path)
        .trim_end_matches(['.', ' '])
        .to_ascii_lowercase();
    let sms = SMS_DLL_NAME.to_ascii_lowercase();
    if name.starts_with("microsoft.") && name.ends_with(".dll") {
        return Some("is one of Microsoft's files".into());
    }
    if name.ends_with(".exe") || name.ends_with(".config") {
        return Some("is a program or its configuration".into());
    }
    if name.ends_with(".lock") || name == "index.json" || name.starts_with("index.json.") {
        return Some("is a lock or the backup store's own file".into());
    }
    if name == "mfasettings.xml" {
        return Some("is a settings file".into());
    }
    if role == Role::Sms && name != sms {
        return Some(format!("is not {SMS_DLL_NAME}"));
    }
    if role != Role::Sms && name == sms {
        return Some(format!(
            "is the SMS gate the MIM Service loads by itself; only a snapshot's `sms` file goes to {SMS_DLL_NAME}"
        ));
    }
    None
}

/// Is `path` (resolved as far as it exists) inside `dir`?
fn inside(path: &Path, dir: &Path) -> bool {
    let dir = dir
        .canonicalize()
        .unwrap_or_else(|_| std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()));
    let path = Path::new(&absolute_display(path)).to_path_buf();
    path.starts_with(&dir) && path != dir
}

/// The first folder on the way to `target` that is a symbolic link (or a
/// junction), below the Service folder (which, and whose parents, are as
/// the user named them).
fn symlinked_parent(target: &Path, service_dir: &Path) -> Option<PathBuf> {
    let service = std::path::absolute(service_dir).ok()?;
    for dir in target.ancestors().skip(1) {
        if service.starts_with(dir) {
            break;
        }
        if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
            return Some(dir.to_path_buf());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> BackupEntry {
        serde_json::from_value(serde_json::json!({
            "id": "20261123T140501Z", "file": "x", "created": "", "sha256": "",
            "size": 0, "label": null, "reason": "", "tool_version": "",
            "host": "srv1", "settings_path": "/srv/Service/MfaSettings.xml"
        }))
        .unwrap()
    }

    #[test]
    fn paths_are_read_as_windows_reads_them() {
        let e = entry();
        let bad = |role, p: &str| path_problem(role, p, &e).is_some();
        assert!(!bad(
            Role::Certificate,
            "/srv/Service/MfaCerts/cert_key.p12"
        ));
        assert!(!bad(
            Role::Certificate,
            r"C:\Program Files\MIM\Service\MfaCerts\c.p12"
        ));
        assert!(!bad(Role::Sms, "/srv/Service/SmsServiceProvider.dll"));
        for (role, p) in [
            (Role::Certificate, "relative/c.p12"),
            (Role::Certificate, "/srv/Service/../../x.sh"),
            (Role::Certificate, r"C:\Service\.. \x.p12"),
            (Role::Certificate, r"C:\Service\c.p12:evil"),
            (Role::Provider, "/srv/Service/SmsServiceProvider.dll"),
            (Role::Replaced, "/srv/Service/smsserviceprovider.dll. "),
            (Role::Sms, "/srv/Service/Gate.dll"),
            (
                Role::Provider,
                "/srv/Service/Microsoft.ResourceManagement.dll",
            ),
            (
                Role::Replaced,
                "/srv/Service/Microsoft.ResourceManagement.Service.exe",
            ),
            (
                Role::Replaced,
                "/srv/Service/Microsoft.ResourceManagement.Service.exe.config",
            ),
            (Role::Replaced, "/srv/Service/MfaSettings.xml"),
            (Role::Replaced, "/srv/Service/MfaSettings.xml.lock"),
            (Role::Replaced, "/srv/Service/MfaBackups/index.json"),
        ] {
            assert!(bad(role, p), "{p}");
        }
    }

    #[test]
    fn a_moved_folder_is_rebased() {
        let e = entry();
        assert_eq!(
            rebase(
                e.settings_path.as_deref(),
                "/srv/Service/MfaCerts/c.p12",
                "/new/Service/MfaSettings.xml"
            ),
            "/new/Service/MfaCerts/c.p12"
        );
        assert_eq!(
            rebase(
                e.settings_path.as_deref(),
                "/srv/ServiceX/c.p12",
                "/new/Service/MfaSettings.xml"
            ),
            "/srv/ServiceX/c.p12"
        );
    }
}
