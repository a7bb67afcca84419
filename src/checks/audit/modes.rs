//! The configured mode (docs/checks.md "mode"): none, more than one, or a
//! retired one (MFA010–MFA013).

use super::Audit;
use crate::checks::catalogue as check;
use crate::formats::settings_xml::Mode;

/// MFA010 / MFA011: exactly one mode should be configured.
pub(super) fn mode_count(a: &mut Audit<'_>, modes: &[Mode]) {
    match modes.len() {
        0 => a.push(
            check::MFA010.finding("no provider is configured: no Azure MFA SDK keys, no LOCMFA, no CustomPhoneProvider")
                .file(&a.file)
                .hint("`mimmfa provider set DLL` (recommended), or `mimmfa sdk apply ZIP`, or `mimmfa restore`"),
        ),
        1 => {}
        _ => a.push(
            check::MFA011.finding(format!("more than one mode is configured: {}", modes.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", ")),
            )
            .file(&a.file)
            .hint("`mimmfa provider set DLL` clears the SDK entries and LOCMFA; `mimmfa sdk apply ZIP` clears CustomPhoneProvider"),
        ),
    }
}

/// MFA012: the Azure MFA cloud SDK is retired.
pub(super) fn sdk_retired(a: &mut Audit<'_>) {
    a.push(
        check::MFA012.finding("Azure MFA SDK mode: Microsoft retired the cloud SDK (calls announced to fail after 2018-11-14)")
            .file(&a.file)
            .hint("move to a custom phone provider: `mimmfa provider set DLL`"),
    );
}

/// MFA013: Azure MFA Server no longer serves requests.
pub(super) fn server_retired(a: &mut Audit<'_>) {
    a.push(
        check::MFA013
            .finding(
                "MFA Server mode: Azure MFA Server stopped servicing MFA requests on 2024-09-30",
            )
            .file(&a.file)
            .hint("move to a custom phone provider: `mimmfa provider set DLL`"),
    );
}
