//! Azure MFA SDK mode (docs/checks.md "azure-mfa-sdk-mode"): the required
//! entries, the keys' shapes, the certificate file and what it holds
//! (MFA020–MFA027).

use super::setting_paths::{PathSetting, resolve_file, warn_outside_service_dir};
use super::{Audit, Options};
use crate::checks::catalogue as check;
use crate::checks::sdk_files::{cert_keys_finding, certificate_findings, shape_hint, shape_ok};
use crate::formats::bounded::P12_CAP;
use crate::formats::secret::Secret;
use crate::formats::settings_xml::{
    CERT_FILE_PATH, CERT_PASSWORD, GROUP_KEY, LICENSE_KEY, SDK_MODE_REQUIRED, SettingsDoc,
};
use std::path::PathBuf;

/// The SDK mode's checks; returns the resolved certificate path, if any.
pub(super) fn sdk_checks(a: &mut Audit<'_>, doc: &SettingsDoc, opts: Options) -> Option<PathBuf> {
    for name in SDK_MODE_REQUIRED {
        if !doc.is_filled(name) {
            let f = check::MFA020
                .finding(format!(
                    "Azure MFA SDK mode needs {name}, and it is missing or empty"
                ))
                .hint("`mimmfa sdk apply ZIP` fills every SDK entry from the SDK zip");
            let f = a.on_setting(doc, name, f);
            a.push(f);
        }
    }
    for name in [LICENSE_KEY, GROUP_KEY, CERT_PASSWORD] {
        let v = doc.value(name);
        if !v.is_empty() && !shape_ok(name, v) {
            let f = a.on_setting(
                doc,
                name,
                check::MFA021
                    .finding(format!("{name} does not have the shape seen in real SDKs"))
                    .hint(shape_hint(name)),
            );
            a.push(f);
        }
    }
    let value = doc.value(CERT_FILE_PATH);
    if value.is_empty() {
        return None;
    }
    let el = doc.get(CERT_FILE_PATH)?;
    let path = resolve_file(a, el, value, PathSetting::Certificate)?;
    warn_outside_service_dir(a, el, value, PathSetting::Certificate);
    let password = doc.value(CERT_PASSWORD);
    if !password.is_empty()
        && let Ok(bytes) = a.view.read(&path, P12_CAP)
    {
        let (info, found) = certificate_findings(
            &bytes,
            &Secret::new(password),
            &path.display().to_string(),
            &a.file,
            Some((el.line, el.column, &el.name)),
            opts.expiry_warning_days,
        );
        a.findings.extend(found);
        if let Some(cert) = &info {
            let what = path.display().to_string();
            let (license, group) = (doc.value(LICENSE_KEY), doc.value(GROUP_KEY));
            if let Some(f) = cert_keys_finding(cert, license, group, &what) {
                let f = a.on(el, f);
                a.push(f);
            }
        }
        a.certificate = info;
    }
    Some(path)
}
