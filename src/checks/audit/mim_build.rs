//! The MIM build probe: the file version of the MIM Service executable, and
//! the settings that need a newer build than the one installed (MFA014,
//! MFA015).

use super::Audit;
use crate::checks::catalogue as check;
use crate::formats::bounded::{DLL_CAP, read_file};
use crate::formats::pe_version::file_version;
use crate::formats::settings_xml::{
    CUSTOM_PHONE_PROVIDER, DEFAULT_COUNTRY_CODE, LOCMFA, Mode, SettingsDoc,
};
use crate::formats::win_version::Version;
use std::path::Path;

/// The MIM Service executable, whose file version is the MIM build.
pub const MIM_SERVICE_EXE: &str = "Microsoft.ResourceManagement.Service.exe";
/// The hotfix that brought the custom phone provider and MFA Server
/// support (2018-08-30); Microsoft's custom-provider procedure names it.
const PROVIDER_BUILD: Version = Version([4, 5, 202, 0]);
/// Before this build DefaultCountryCode is ignored for msidmPhoneGatePhoneNumber.
const COUNTRY_CODE_BUILD: Version = Version([4, 4, 1749, 0]);

/// The MIM build of a Service folder: the file version of its service
/// executable; `None` when it is absent (an audit of a partial copy) or has
/// no version resource.
pub(super) fn mim_build(service_dir: &Path) -> Option<Version> {
    let exe = service_dir.join(MIM_SERVICE_EXE);
    let bytes = read_file(&exe, DLL_CAP).ok()?;
    file_version(&bytes)
}

/// What the configured modes and settings need of the installed build.
pub(super) fn build_checks(a: &mut Audit<'_>, doc: &SettingsDoc, modes: &[Mode]) {
    let Some(build) = a.mim_build else {
        return;
    };
    for (mode, name) in [
        (Mode::CustomProvider, CUSTOM_PHONE_PROVIDER),
        (Mode::MfaServer, LOCMFA),
    ] {
        if modes.contains(&mode) && build < PROVIDER_BUILD {
            let f = check::MFA014.finding(format!("{} mode needs MIM build {PROVIDER_BUILD} or later; {MIM_SERVICE_EXE} is {build}", mode.as_str()),
            )
            .hint(format!("install MIM 2016 SP1 hotfix {PROVIDER_BUILD} (2018-08-30) or later before restarting the MIM Service"));
            let f = a.on_setting(doc, name, f);
            a.push(f);
        }
    }
    if doc.is_filled(DEFAULT_COUNTRY_CODE) && build < COUNTRY_CODE_BUILD {
        let f = check::MFA015.finding(format!("DefaultCountryCode is ignored for msidmPhoneGatePhoneNumber before MIM build {COUNTRY_CODE_BUILD}; {MIM_SERVICE_EXE} is {build}"),
        )
        .hint(format!("store phone numbers with their country code, or install MIM build {COUNTRY_CODE_BUILD} or later"));
        let f = a.on_setting(doc, DEFAULT_COUNTRY_CODE, f);
        a.push(f);
    }
}
