//! Keying material others can reach (docs/checks.md "security"): the
//! settings file and the certificate readable beyond the MIM Service, and
//! SDK zips left in the Service or backup folder (MFA050–MFA052).

use super::Audit;
use crate::checks::catalogue as check;
use crate::formats::sdk_zip::holds_sdk_certificate;
use crate::store::permissions::{Reader, fix_hint, readable_by_others};
use std::fs;
use std::path::{Path, PathBuf};

/// MFA050 / MFA051: the settings file, and the certificate it names.
pub(super) fn readable_keys(a: &mut Audit<'_>, cert: Option<&Path>) {
    let site = a.site;
    if let Some(who) = readable_by_others(&site.settings) {
        a.push(
            check::MFA050
                .finding(format!(
                    "the settings file is readable by {who}; it holds the SDK keys"
                ))
                .file(&a.file)
                .hint(fix_hint(&site.settings, Reader::MimService)),
        );
    }
    if let Some(cert) = cert
        && let Some(who) = readable_by_others(cert)
    {
        a.push(
            check::MFA051
                .finding(format!(
                    "the certificate file {} is readable by {who}",
                    cert.display()
                ))
                .file(cert.display().to_string())
                .hint(fix_hint(cert, Reader::MimService)),
        );
    }
}

/// MFA052: SDK zips in the Service folder or the backup folder.
pub(super) fn stray_sdk_zips(a: &mut Audit<'_>) {
    let site = a.site;
    for dir in [&site.service_dir, &site.backup_dir] {
        for zip in sdk_zips_in(dir) {
            a.push(
                check::MFA052
                    .finding(format!(
                        "{} is an Azure MFA SDK zip (it holds keying material)",
                        zip.display()
                    ))
                    .file(zip.display().to_string())
                    .hint("move it off the server, or delete it once applied"),
            );
        }
    }
}

/// SDK zips in `dir` (not below it), sorted.
fn sdk_zips_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return vec![];
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("zip")) && p.is_file())
        .filter(|p| holds_sdk_certificate(p))
        .collect();
    found.sort();
    found
}
