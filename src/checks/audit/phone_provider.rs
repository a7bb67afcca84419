//! The provider DLLs (docs/checks.md "custom-provider"): the DLL
//! CustomPhoneProvider names, and SmsServiceProvider.dll in the Service
//! folder, each checked as `provider check` would, bound as the folder
//! binds them.

use super::setting_paths::{PathSetting, resolve_file, warn_outside_service_dir};
use super::{Audit, ProviderSeen};
use crate::checks::clr_binding::Binder;
use crate::checks::finding::Finding;
use crate::checks::provider_dll::{DllCheck, Kind, SMS_DLL_NAME, check_dll_with};
use crate::formats::bounded::DLL_CAP;
use crate::formats::secret::sha256_hex;
use crate::formats::settings_xml::{CUSTOM_PHONE_PROVIDER, SettingsDoc};
use crate::site::Site;
use std::path::Path;

/// `provider check` of one DLL, bound where the folder binds its
/// references (the Service folder, then the GAC).
fn check_in_folder(site: &Site, path: &Path, bytes: &[u8], kind: Kind) -> DllCheck {
    let binder = Binder::new(&site.service_dir, site.gac.clone());
    check_dll_with(bytes, &path.display().to_string(), kind, Some(&binder))
}

/// The DLL CustomPhoneProvider names: there, in the Service folder, and
/// sound; its findings are placed on the setting.
pub(super) fn provider_checks(a: &mut Audit<'_>, doc: &SettingsDoc) {
    let value = doc.value(CUSTOM_PHONE_PROVIDER);
    let Some(el) = doc.get(CUSTOM_PHONE_PROVIDER) else {
        return;
    };
    let Some(path) = resolve_file(a, el, value, PathSetting::Provider) else {
        return;
    };
    warn_outside_service_dir(a, el, value, PathSetting::Provider);
    if let Ok(bytes) = a.view.read(&path, DLL_CAP) {
        let check = check_in_folder(a.site, &path, &bytes, Kind::Phone);
        let placed: Vec<Finding> = check
            .findings
            .iter()
            .cloned()
            .map(|f| a.on(el, f))
            .collect();
        a.findings.extend(placed);
        a.provider = Some(ProviderSeen {
            sha256: sha256_hex(&bytes),
            file: path,
            check,
        });
    }
}

/// SmsServiceProvider.dll, when the Service folder has one (any mode).
pub(super) fn sms_checks(a: &mut Audit<'_>) {
    let sms = a.site.service_dir.join(SMS_DLL_NAME);
    if let Ok(bytes) = a.view.read(&sms, DLL_CAP) {
        let check = check_in_folder(a.site, &sms, &bytes, Kind::Sms);
        a.findings.extend(check.findings);
    }
}
