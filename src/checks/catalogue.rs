//! The check catalogue: one definition per finding code, so a code's
//! severity, title and place in docs/checks.md live here and nowhere
//! else. Findings are made from these (`MFA022.finding(...)`).

use crate::checks::finding::{Finding, Severity};
use crate::formats::settings_xml::Fault;

/// One check: what `validate` can report, and where the docs explain it.
#[derive(Debug, PartialEq, Eq)]
pub struct Check {
    pub code: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    /// The heading of docs/checks.md whose table holds this code (a
    /// GitHub anchor, `custom-provider`).
    pub anchor: &'static str,
}

impl Check {
    /// A finding of this check; its code and severity come from here.
    pub fn finding(&'static self, message: impl Into<String>) -> Finding {
        Finding {
            code: self.code,
            severity: self.severity,
            message: message.into(),
            file: None,
            line: None,
            column: None,
            element: None,
            hint: String::new(),
        }
    }

    /// The web page of the docs section that explains this code.
    pub fn help_uri(&self) -> String {
        format!("{DOCS_URL}#{}", self.anchor)
    }
}

const DOCS_URL: &str = "https://github.com/mimmfa/mimmfa/blob/main/docs/checks.md";

/// `CODE, Severity, title, anchor;` per check: a constant `CODE` whose
/// code is its own name (the two cannot drift apart), and [`CHECKS`].
macro_rules! catalogue {
    ($($code:ident, $severity:ident, $title:literal, $anchor:literal;)*) => {
        $(pub const $code: Check = Check {
            code: stringify!($code),
            severity: Severity::$severity,
            title: $title,
            anchor: $anchor,
        };)*

        /// Every check, by code (SARIF rule indexes).
        pub const CHECKS: &[&Check] = &[$(&$code),*];
    };
}

catalogue! {
    MFA001, Error, "settings file missing or unreadable", "the-settings-file";
    MFA002, Error, "not well-formed XML", "the-settings-file";
    MFA003, Error, "DOCTYPE or entity declaration present", "the-settings-file";
    MFA004, Warning, "root element is not MfaSettings", "the-settings-file";
    MFA005, Error, "a setting element appears more than once", "the-settings-file";
    MFA006, Error, "a misspelt or mis-cased setting the MIM Service would ignore", "the-settings-file";
    MFA007, Warning, "an element mimmfa does not know", "the-settings-file";
    MFA008, Error, "not valid UTF-8, or an unreadable declared encoding", "the-settings-file";
    MFA009, Error, "a value with surrounding whitespace or quotes", "the-settings-file";
    MFA010, Error, "no provider configured", "mode";
    MFA011, Error, "more than one mode configured", "mode";
    MFA012, Warning, "Azure MFA SDK mode: the cloud SDK was retired", "mode";
    MFA013, Warning, "MFA Server mode: Azure MFA Server stopped servicing requests", "mode";
    MFA014, Error, "custom provider or MFA Server mode on a MIM build older than 4.5.202.0", "mode";
    MFA015, Warning, "DefaultCountryCode on a MIM build older than 4.4.1749.0, which ignores it", "mode";
    MFA016, Warning, "the settings file is UTF-16: a change writes it back as UTF-8", "the-settings-file";
    MFA020, Error, "a required Azure MFA SDK entry is missing or empty", "azure-mfa-sdk-mode";
    MFA021, Warning, "a key does not have the shape of real SDK keys", "azure-mfa-sdk-mode";
    MFA022, Error, "CertFilePath is not an absolute Windows path, or names no file", "azure-mfa-sdk-mode";
    MFA023, Error, "the certificate file is not PKCS#12, or CERT_PASSWORD does not open it", "azure-mfa-sdk-mode";
    MFA024, Error, "the PKCS#12 holds no certificate, or no private key", "azure-mfa-sdk-mode";
    MFA025, Error, "the certificate has expired or is not yet valid", "azure-mfa-sdk-mode";
    MFA026, Warning, "the certificate expires soon", "azure-mfa-sdk-mode";
    MFA027, Warning, "the certificate file is outside the Service folder", "azure-mfa-sdk-mode";
    MFA028, Warning, "the certificate was issued for another SDK's keys", "azure-mfa-sdk-mode";
    MFA030, Error, "DefaultCountryCode is not an assigned ITU calling code", "shared-settings";
    MFA031, Error, "LOCMFA / LOCMFASRV are not usable", "shared-settings";
    MFA032, Warning, "local MFA Server with an SMS provider DLL: the SSPR OTP SMS gate fails", "shared-settings";
    MFA040, Error, "CustomPhoneProvider is not an absolute Windows path, or names no file", "custom-provider";
    MFA041, Error, "the provider file is not a PE file or not a .NET assembly", "custom-provider";
    MFA042, Error, "no public, non-abstract class implements IPhoneServiceProvider", "custom-provider";
    MFA043, Warning, "the provider DLL is not in the Service folder", "custom-provider";
    MFA044, Error, "SmsServiceProvider.dll has no public class whose first interface is ISmsServiceProvider", "custom-provider";
    MFA045, Error, "the provider interface is a copy, or comes from another assembly than the MIM Service's contract", "custom-provider";
    MFA046, Error, "no provider class has a public parameterless constructor", "custom-provider";
    MFA047, Error, "only open generic classes implement the provider interface", "custom-provider";
    MFA048, Error, "the provider DLL is 32-bit only (or for another processor)", "custom-provider";
    MFA049, Error, "the provider DLL is built for .NET Core / .NET 5+ or .NET Standard 2.1", "custom-provider";
    MFA050, Warning, "the settings file is readable by other users", "security";
    MFA051, Warning, "the certificate file or a backup is readable by other users", "security";
    MFA052, Warning, "an Azure MFA SDK zip lies in the Service or backup folder", "security";
    MFA060, Warning, "no backup of the current settings file", "backups";
    MFA061, Error, "the backup `restore latest` uses does not match its recorded sha256", "backups";
    MFA062, Error, "the backup index is damaged or names files that are not the store's own", "backups";
    MFA063, Warning, "an older backup's bytes do not match its recorded sha256", "backups";
    MFA070, Warning, "the provider DLL is built for .NET Standard 2.0", "custom-provider";
    MFA071, Error, "a dependency of the provider DLL is missing, another version, or not loadable", "custom-provider";
}

/// The check that reports a file the settings reader cannot read.
pub fn of_fault(fault: Fault) -> &'static Check {
    CHECKS
        .iter()
        .copied()
        .find(|c| c.code == fault.code())
        .expect("every fault's code is in the catalogue (tested)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_fault_names_a_settings_file_check() {
        for fault in [Fault::Malformed, Fault::Declaration, Fault::Encoding] {
            let check = of_fault(fault);
            assert_eq!(check.anchor, "the-settings-file", "{fault:?}");
            assert_eq!(check.severity, Severity::Error, "{fault:?}");
        }
        assert_eq!(of_fault(Fault::Declaration).code, "MFA003");
    }

    #[test]
    fn codes_are_unique_and_sorted() {
        let codes: Vec<_> = CHECKS.iter().map(|c| c.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }
}
