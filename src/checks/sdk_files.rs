//! The Azure MFA SDK: what a zip holds and what its keys and certificate
//! are worth to MIM. Shared by `sdk inspect`, `sdk apply` and `validate`.

use crate::checks::catalogue as check;
use crate::checks::finding::Finding;
use crate::formats::pf_auth::{SdkKeys, read_keys};
use crate::formats::pkcs12::{self, CertInfo, P12Error};
use crate::formats::sdk_zip::{SdkFiles, ZipError, read_sdk};
use crate::formats::secret::Secret;
use crate::formats::settings_xml::{CERT_PASSWORD, GROUP_KEY, LICENSE_KEY};
use std::path::Path;
use time::OffsetDateTime;

/// What `sdk inspect` learns from a zip that could be read.
pub struct Examination {
    pub files: SdkFiles,
    pub keys: Option<SdkKeys>,
    pub certificate: Option<CertInfo>,
    pub findings: Vec<Finding>,
}

/// Read the zip (errors: it cannot be used at all) and judge its content
/// (findings: it can be read but has problems).
/// How many days before a certificate expires it is warned about
/// (`--expiry-warning-days`, and every command that has no such flag).
pub const EXPIRY_WARNING_DAYS: u32 = 30;

pub fn examine(zip: &Path, expiry_warning_days: i64) -> Result<Examination, ZipError> {
    let files = read_sdk(zip)?;
    let zip_name = zip.display().to_string();
    let mut findings = Vec::new();
    let source = String::from_utf8_lossy(&files.pf_auth);
    let keys = match read_keys(&source) {
        Ok(k) => Some(k),
        Err(e) => {
            findings.push(
                check::MFA020
                    .finding(format!("{}: {e}", files.pf_auth_entry))
                    .file(&zip_name)
                    .hint("use the unmodified SDK zip downloaded from the Azure MFA provider"),
            );
            None
        }
    };
    let mut certificate = None;
    if let Some(keys) = &keys {
        findings.extend(key_shape_findings(keys, &zip_name, None));
        let (cert, found) = certificate_findings(
            &files.cert,
            &keys.cert_password,
            &files.cert_entry,
            &zip_name,
            None,
            expiry_warning_days,
        );
        findings.extend(found);
        if let Some(info) = &cert {
            let (license, group) = (keys.license_key.expose(), keys.group_key.expose());
            if let Some(f) = cert_keys_finding(info, license, group, &files.cert_entry) {
                findings.push(f.file(&zip_name));
            }
        }
        certificate = cert;
    }
    Ok(Examination {
        files,
        keys,
        certificate,
        findings,
    })
}

/// MFA021: the shapes real SDK keys have (12 `[A-Z0-9]`, 32 hex, 16 `[A-Z0-9]`).
pub fn shape_ok(name: &str, value: &str) -> bool {
    let upper_alnum = |len: usize| {
        value.len() == len
            && value
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    };
    match name {
        LICENSE_KEY => upper_alnum(12),
        GROUP_KEY => {
            value.len() == 32
                && value
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }
        CERT_PASSWORD => upper_alnum(16),
        _ => true,
    }
}

pub fn shape_hint(name: &str) -> &'static str {
    match name {
        LICENSE_KEY => "real LICENSE_KEYs are 12 characters A-Z/0-9; check for a copy-paste slip",
        GROUP_KEY => "real GROUP_KEYs are 32 lowercase hex characters; check for a copy-paste slip",
        _ => "real CERT_PASSWORDs are 16 characters A-Z/0-9; check for a copy-paste slip",
    }
}

fn key_shape_findings(keys: &SdkKeys, file: &str, _line: Option<usize>) -> Vec<Finding> {
    [
        (LICENSE_KEY, &keys.license_key),
        (GROUP_KEY, &keys.group_key),
        (CERT_PASSWORD, &keys.cert_password),
    ]
    .into_iter()
    .filter(|(name, v)| !shape_ok(name, v.expose()))
    .map(|(name, _)| {
        check::MFA021
            .finding(format!(
                "{name} does not have the shape seen in real Azure MFA SDKs"
            ))
            .file(file)
            .element(name)
            .hint(shape_hint(name))
    })
    .collect()
}

/// MFA028: the certificate's CN names an SDK's keys (`<LICENSE_KEY>-
/// <GROUP_KEY>`, as a real download's does) but not these: the keys and the
/// certificate come from different downloads. Another CN shape: no finding.
pub fn cert_keys_finding(
    info: &CertInfo,
    license: &str,
    group: &str,
    what: &str,
) -> Option<Finding> {
    let (cert_license, cert_group) = info.sdk_keys.as_ref()?;
    if cert_license == license && cert_group.eq_ignore_ascii_case(group) {
        return None;
    }
    Some(
        check::MFA028.finding(format!("the certificate in {what} was issued for other LICENSE_KEY/GROUP_KEY values than these (its subject names the keys of another SDK download)"),
        )
        .hint("take the keys and cert_key.p12 from the same SDK zip (`mimmfa sdk apply ZIP` does)"),
    )
}

/// MFA023–MFA026 for a p12's bytes. `element` names the setting that
/// points at it (CertFilePath), when there is one.
pub fn certificate_findings(
    bytes: &[u8],
    password: &Secret,
    what: &str,
    file: &str,
    at: Option<(usize, usize, &str)>,
    expiry_warning_days: i64,
) -> (Option<CertInfo>, Vec<Finding>) {
    let locate = |f: Finding| match at {
        Some((l, c, el)) => f.file(file).at(l, c).element(el),
        None => f.file(file),
    };
    let info = match pkcs12::open(bytes, password) {
        Ok(Some(info)) => info,
        Ok(None) => {
            let f = check::MFA024.finding(format!("{what} holds no certificate"))
                .hint("use the cert_key.p12 from the SDK zip, which holds the client certificate and its key");
            return (None, vec![locate(f)]);
        }
        Err(e) => {
            let hint = match e {
                P12Error::WrongPassword => {
                    "CERT_PASSWORD must be the one from the same SDK zip's pf_auth.cs"
                }
                _ => "use the cert_key.p12 from the SDK zip (pf/certs/cert_key.p12)",
            };
            return (
                None,
                vec![locate(
                    check::MFA023.finding(format!("{what}: {e}")).hint(hint),
                )],
            );
        }
    };
    let now = OffsetDateTime::now_utc();
    let mut out = Vec::new();
    if info.key_mismatch {
        out.push(locate(
            check::MFA024.finding(format!("{what} holds the certificate \"{}\" and a private key that does not belong to it (their public keys differ)", info.subject))
                .hint("MIM signs with the key and the MFA service checks it with the certificate: use the cert_key.p12 from the SDK zip, which holds the pair"),
        ));
    } else if !info.has_private_key {
        out.push(locate(
            check::MFA024.finding(format!("{what} holds the certificate \"{}\" but not its private key", info.subject))
                .hint("MIM signs its requests with the key: use the cert_key.p12 from the SDK zip, which holds both"),
        ));
    }
    if info.expired(now) {
        out.push(locate(
            check::MFA025.finding(format!("the certificate in {what} expired on {}", info.not_after),
            )
            .hint(
                "download a new SDK zip from the MFA provider (or move to a custom phone provider)",
            ),
        ));
    } else if info.not_yet_valid(now) {
        out.push(locate(
            check::MFA025
                .finding(format!(
                    "the certificate in {what} is not valid before {}",
                    info.not_before
                ))
                .hint("check the server's clock, or use a certificate that is valid now"),
        ));
    } else if info.days_left(now) < expiry_warning_days {
        out.push(locate(
            check::MFA026
                .finding(format!(
                    "the certificate in {what} expires in {} day(s), on {}",
                    info.days_left(now),
                    info.not_after
                ))
                .hint(
                    "plan its replacement now: a new SDK zip, or a move to a custom phone provider",
                ),
        ));
    }
    (Some(info), out)
}
