//! What a person needs to tell two copies of a file besides the settings
//! apart (the certificate's subject and expiry, a DLL's assembly name), and
//! which of them differ between two states: for `diff` and a dry run.

use crate::checks::provider_dll::{Kind, check_dll};
use crate::formats::pkcs12;
use crate::formats::secret::{Secret, sha256_hex};
use crate::formats::settings_xml::{CERT_PASSWORD, SettingsDoc};
use crate::store::snapshots::Role;
use serde::Serialize;
use std::cell::OnceCell;

/// One state's copy of a side file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileSide {
    pub sha256: String,
    pub summary: String,
}

/// A side file that differs between two states (`None`: absent there).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileChange {
    pub path: String,
    pub role: Role,
    pub before: Option<FileSide>,
    pub after: Option<FileSide>,
}

/// A side file of one state: where, what for, its bytes.
pub struct SideCopy<'a> {
    pub role: Role,
    pub path: &'a str,
    pub bytes: &'a [u8],
}

/// The side files of a state held as (role, path, bytes), borrowed.
pub fn copies<P: AsRef<str>, B: AsRef<[u8]>>(files: &[(Role, P, B)]) -> Vec<SideCopy<'_>> {
    files
        .iter()
        .map(|(role, path, bytes)| SideCopy {
            role: *role,
            path: path.as_ref(),
            bytes: bytes.as_ref(),
        })
        .collect()
}

/// The CERT_PASSWORD of a state's settings (none when they do not parse).
fn cert_password(settings: &[u8]) -> Secret {
    Secret::new(
        SettingsDoc::parse(settings)
            .map(|d| d.value(CERT_PASSWORD).to_string())
            .unwrap_or_default(),
    )
}

/// Describes `bytes` as a state whose CERT_PASSWORD is `password` has
/// them: a certificate opens with it or does not.
fn describe(role: Role, bytes: &[u8], password: &OnceCell<Secret>, settings: &[u8]) -> FileSide {
    let sha256 = sha256_hex(bytes);
    let summary = match role {
        Role::Certificate => {
            let password = password.get_or_init(|| cert_password(settings));
            match pkcs12::open(bytes, password) {
                Ok(Some(c)) => format!("{}, expires {}", c.subject, c.not_after),
                _ => "a certificate file (does not open with this version's CERT_PASSWORD)".into(),
            }
        }
        _ => check_dll(bytes, "", Kind::Phone, None)
            .assembly
            .map(|a| format!("assembly {a}"))
            .unwrap_or_else(|| "not a .NET assembly".into()),
    };
    FileSide {
        sha256: format!("sha256:{}", &sha256[..16]),
        summary,
    }
}

/// The side files that differ between state `a` and state `b`, by path.
pub fn changes(
    (a_settings, a): (&[u8], &[SideCopy<'_>]),
    (b_settings, b): (&[u8], &[SideCopy<'_>]),
) -> Vec<FileChange> {
    let mut paths: Vec<&SideCopy<'_>> = a.iter().chain(b).collect();
    paths.sort_by(|x, y| x.path.cmp(y.path));
    paths.dedup_by(|x, y| x.path == y.path);
    let find = |v: &[SideCopy<'_>], path: &str| {
        v.iter().find(|f| f.path == path).map(|f| f.bytes.to_vec())
    };
    // Each state's settings parsed once, and only for a certificate.
    let (a_password, b_password) = (OnceCell::new(), OnceCell::new());
    let mut out = Vec::new();
    for copy in paths {
        let (old, new) = (find(a, copy.path), find(b, copy.path));
        if old == new {
            continue;
        }
        out.push(FileChange {
            path: copy.path.to_string(),
            role: copy.role,
            before: old.map(|o| describe(copy.role, &o, &a_password, a_settings)),
            after: new.map(|n| describe(copy.role, &n, &b_password, b_settings)),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_that_differ_are_changes() {
        let same = SideCopy {
            role: Role::Provider,
            path: "a.dll",
            bytes: b"MZ same",
        };
        let old = SideCopy {
            role: Role::Provider,
            path: "b.dll",
            bytes: b"MZ old",
        };
        let new = SideCopy {
            role: Role::Provider,
            path: "b.dll",
            bytes: b"MZ new",
        };
        let gone = SideCopy {
            role: Role::Certificate,
            path: "c.p12",
            bytes: b"not a p12",
        };
        let found = changes(
            (b"", &[same, old, gone]),
            (
                b"",
                &[
                    SideCopy {
                        role: Role::Provider,
                        path: "a.dll",
                        bytes: b"MZ same",
                    },
                    new,
                ],
            ),
        );
        let paths: Vec<_> = found.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["b.dll", "c.p12"]);
        assert!(found[1].after.is_none());
        assert_eq!(
            found[0].after.as_ref().unwrap().summary,
            "not a .NET assembly"
        );
        assert!(
            found[1]
                .before
                .as_ref()
                .unwrap()
                .summary
                .contains("does not open")
        );
    }
}
