//! MIM's vocabulary: the setting element names the MIM Service reads, the
//! groups they form, and the provider modes they configure.

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    AzureMfaSdk,
    MfaServer,
    CustomProvider,
    None,
    Mixed,
}

impl Mode {
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
