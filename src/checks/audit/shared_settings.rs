//! The settings every mode reads (docs/checks.md "shared-settings"):
//! DefaultCountryCode, LOCMFA and LOCMFASRV (MFA030–MFA032).

use super::Audit;
use super::calling_codes::country_code_problem;
use crate::checks::catalogue as check;
use crate::checks::provider_dll::SMS_DLL_NAME;
use crate::formats::settings_xml::{DEFAULT_COUNTRY_CODE, LOCMFA, LOCMFASRV, SettingsDoc};

pub(super) fn shared_checks(a: &mut Audit<'_>, doc: &SettingsDoc) {
    let cc = doc.value(DEFAULT_COUNTRY_CODE);
    if !cc.is_empty()
        && let Some(problem) = country_code_problem(cc.trim())
    {
        let f = a.on_setting(doc, DEFAULT_COUNTRY_CODE, check::MFA030.finding(format!("DefaultCountryCode {problem}")).hint("the calling code used for numbers stored without one: digits only, e.g. 1 (US/Canada), 44 (UK)"));
        a.push(f);
    }
    let loc = doc.value(LOCMFA).trim();
    if !loc.is_empty() && !loc.eq_ignore_ascii_case("true") && !loc.eq_ignore_ascii_case("false") {
        let f = a.on_setting(
            doc,
            LOCMFA,
            check::MFA031
                .finding(format!("LOCMFA is \"{loc}\"; it must be true or false"))
                .hint("write true or false"),
        );
        a.push(f);
    }
    if loc.eq_ignore_ascii_case("true") {
        let url = doc.value(LOCMFASRV).trim();
        let problem = if url.is_empty() {
            Some("LOCMFA is true but LOCMFASRV is missing or empty".to_string())
        } else if !url.to_ascii_lowercase().starts_with("https://")
            || url.len() <= "https://".len()
            || url.contains(' ')
        {
            Some(format!("LOCMFASRV \"{url}\" is not an https URL"))
        } else {
            None
        };
        if let Some(p) = problem {
            let f = a.on_setting(
                doc,
                LOCMFASRV,
                check::MFA031.finding(p).hint(
                    "e.g. https://mfa.contoso.com:9999/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx",
                ),
            );
            a.push(f);
        }
        if a.view.is_file(&a.site.service_dir.join(SMS_DLL_NAME)) {
            let f = a.on_setting(doc, LOCMFA, check::MFA032.finding("LOCMFA is true and SmsServiceProvider.dll is present: with the local MFA Server the SSPR one-time-password SMS gate fails (\"Local MFA server is supported only for STANDART mode\")")
                .hint("move to a custom phone provider, or do not offer the SMS gate"));
            a.push(f);
        }
    }
}
