//! MIM's vocabulary: the setting element names the MIM Service reads, the
//! groups they form, and the provider modes they configure.

use serde::{Serialize, Serializer};

/// Settings the MIM Service reads (docs/formats.md, "MfaSettings.xml").
pub const LICENSE_KEY: &str = "LICENSE_KEY";
pub const GROUP_KEY: &str = "GROUP_KEY";
pub const CERT_PASSWORD: &str = "CERT_PASSWORD";
pub const CERT_FILE_PATH: &str = "CertFilePath";
pub const USERNAME: &str = "Username";
pub const DEFAULT_COUNTRY_CODE: &str = "DefaultCountryCode";
pub const LOCMFA: &str = "LOCMFA";
pub const LOCMFASRV: &str = "LOCMFASRV";
pub const CUSTOM_PHONE_PROVIDER: &str = "CustomPhoneProvider";

pub const KNOWN_SETTINGS: [&str; 9] = [
    LICENSE_KEY,
    GROUP_KEY,
    CERT_PASSWORD,
    CERT_FILE_PATH,
    USERNAME,
    DEFAULT_COUNTRY_CODE,
    LOCMFA,
    LOCMFASRV,
    CUSTOM_PHONE_PROVIDER,
];

/// The four entries that make up the Azure MFA SDK mode (besides the
/// shared Username / DefaultCountryCode).
pub const SDK_SETTINGS: [&str; 4] = [LICENSE_KEY, GROUP_KEY, CERT_PASSWORD, CERT_FILE_PATH];

/// What Azure MFA SDK mode needs filled (MFA020).
pub const SDK_MODE_REQUIRED: [&str; 6] = [
    LICENSE_KEY,
    GROUP_KEY,
    CERT_PASSWORD,
    CERT_FILE_PATH,
    USERNAME,
    DEFAULT_COUNTRY_CODE,
];

/// Does the element name `actual` stand for the setting `wanted`?
/// Names are case-sensitive to the MIM Service, except that the docs write
/// both `<Username>` and `<username>`.
pub fn name_matches(wanted: &str, actual: &str) -> bool {
    actual == wanted || (wanted == USERNAME && actual == "username")
}
/// Which provider the file configures (docs/formats.md, "Modes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    AzureMfaSdk,
    MfaServer,
    CustomProvider,
    None,
    Mixed,
}

impl Mode {
    /// The mode's name in JSON and text: the one list of them.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::AzureMfaSdk => "azure-mfa-sdk",
            Mode::MfaServer => "mfa-server",
            Mode::CustomProvider => "custom-provider",
            Mode::None => "none",
            Mode::Mixed => "mixed",
        }
    }
}

/// Serialized as its name, so JSON and text cannot disagree.
impl Serialize for Mode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mode_serializes_as_its_name() {
        let all = [
            Mode::AzureMfaSdk,
            Mode::MfaServer,
            Mode::CustomProvider,
            Mode::None,
            Mode::Mixed,
        ];
        for m in all {
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
        assert_eq!(Mode::AzureMfaSdk.as_str(), "azure-mfa-sdk");
    }
}
