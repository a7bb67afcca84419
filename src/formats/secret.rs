//! Secret values (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD, and any element
//! named like a secret): never shown unless `--show-secrets`.

use sha2::{Digest, Sha256};
use std::fmt;

/// The settings whose values are secret. Matched loosely (case and `_`
/// ignored) so a misspelt `License_Key` is masked too.
pub const SECRET_SETTINGS: [&str; 3] = ["LICENSE_KEY", "GROUP_KEY", "CERT_PASSWORD"];

/// Words that make any element a secret, wherever they are in its name and
/// in any case: `<CERT_PASSWORD_OLD>`, `<OldCertPassword>`, `<ApiToken>`.
const SECRET_WORDS: [&str; 5] = ["password", "passwd", "key", "secret", "token"];

pub fn is_secret_name(name: &str) -> bool {
    let folded = fold_name(name);
    SECRET_SETTINGS.iter().any(|s| fold_name(s) == folded)
        || SECRET_WORDS.iter().any(|w| folded.contains(w))
}

fn fold_name(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A secret string. `Debug` and `Display` print the mask, never the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The real value: call only where it is written to a file or the user
    /// asked for `--show-secrets`.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
    /// The value, or its mask.
    pub fn shown(&self, show_secrets: bool) -> String {
        if show_secrets {
            self.0.clone()
        } else {
            self.masked()
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.masked())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// `•••• (pbkdf2:1a2b3c4d)`: enough to tell whether two servers hold the
/// same key, nothing more. An empty value is shown as empty.
pub fn mask(value: &str) -> String {
    if value.is_empty() {
        return String::new();
    }
    format!("•••• ({FINGERPRINT_LABEL}:{})", fingerprint(value))
}

/// The derivation the mask names.
pub const FINGERPRINT_LABEL: &str = "pbkdf2";
/// PBKDF2-HMAC-SHA256 with this fixed salt, so equal secrets give equal
/// fingerprints on every server (a per-file salt would defeat comparing).
const FINGERPRINT_SALT: &[u8] = b"mimmfa secret fingerprint v2";
/// Each guess at a secret costs this many HMAC-SHA256 (two SHA-256
/// compressions each): 20,000x the single SHA-256 the fingerprint was.
/// docs/performance.md measures what it costs `status` and `validate`.
pub const FINGERPRINT_ROUNDS: u32 = 10_000;

/// The first 8 hex digits of PBKDF2-HMAC-SHA256(value, fixed salt), once
/// per value and run: a run shows the same secret in several places.
fn fingerprint(value: &str) -> String {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    // Keyed by the value's SHA-256, so the cache holds no secret in clear.
    static DONE: LazyLock<Mutex<HashMap<[u8; 32], String>>> = LazyLock::new(Default::default);
    let key: [u8; 32] = Sha256::digest(value.as_bytes()).into();
    if let Some(f) = DONE.lock().ok().and_then(|d| d.get(&key).cloned()) {
        return f;
    }
    let derived = pbkdf2::pbkdf2_hmac_array::<Sha256, 4>(
        value.as_bytes(),
        FINGERPRINT_SALT,
        FINGERPRINT_ROUNDS,
    );
    let f = hex(&derived);
    if let Ok(mut d) = DONE.lock() {
        d.insert(key, f.clone());
    }
    f
}

/// Mask the values of secret settings written as `NAME: value` or
/// `NAME=value` in free text (a log line), any spelling of the name; the
/// value runs to the next white space, quote, `,`, `;`, `<`, `)` or `]`.
pub fn mask_secret_assignments(text: &str) -> String {
    let folded = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < text.len() {
        let Some(name_len) = SECRET_SETTINGS
            .iter()
            .flat_map(|s| [s.to_string(), s.replace('_', "")])
            .map(|s| s.to_ascii_lowercase())
            .find(|s| folded[i..].starts_with(s.as_str()))
            .map(|s| s.len())
        else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let after = &text[i + name_len..];
        let sep = after.len() - after.trim_start_matches([' ', '\t']).len();
        let rest = &after[sep..];
        let Some(rest) = rest.strip_prefix([':', '=']) else {
            i += name_len;
            continue;
        };
        let value_start =
            i + name_len + sep + 1 + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
        let value_len = text[value_start..]
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';' | '<' | ')' | ']')
            })
            .unwrap_or(text.len() - value_start);
        out.push_str(&text[copied..value_start]);
        out.push_str(&mask(&text[value_start..value_start + value_len]));
        copied = value_start + value_len;
        i = copied.max(i + 1);
    }
    out.push_str(&text[copied..]);
    out
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("ABCDEF123456");
        assert!(!format!("{s:?}").contains("ABCDEF"));
        assert!(!format!("{s}").contains("ABCDEF"));
        assert!(format!("{s}").starts_with("•••• (pbkdf2:"));
        assert_eq!(s.shown(true), "ABCDEF123456");
    }

    #[test]
    fn mask_is_stable_and_short() {
        // PBKDF2-HMAC-SHA256("abc", "mimmfa secret fingerprint v2", 10000):
        // python3 -c 'import hashlib; print(hashlib.pbkdf2_hmac("sha256", b"abc", b"mimmfa secret fingerprint v2", 10000)[:4].hex())'
        assert_eq!(mask("abc"), "•••• (pbkdf2:2ea23074)");
        assert_eq!(mask("abc"), mask("abc"));
        assert_ne!(mask("abc"), mask("abd"));
        assert_eq!(mask(""), "");
    }

    #[test]
    fn assignments_in_free_text_are_masked() {
        let text = "CERT_PASSWORD=hunter2; LicenseKey: ABC123 user=x";
        let masked = mask_secret_assignments(text);
        assert!(
            !masked.contains("hunter2") && !masked.contains("ABC123"),
            "{masked}"
        );
        assert!(masked.contains("CERT_PASSWORD=•••• (") && masked.ends_with(" user=x"));
        assert_eq!(
            mask_secret_assignments("GROUP_KEY is empty"),
            "GROUP_KEY is empty"
        );
        assert_eq!(
            mask_secret_assignments("é CERT_PASSWORD"),
            "é CERT_PASSWORD"
        );
    }

    #[test]
    fn secret_names_match_loosely() {
        assert!(is_secret_name("LICENSE_KEY"));
        assert!(is_secret_name("License_Key"));
        assert!(is_secret_name("certpassword"));
        assert!(!is_secret_name("CertFilePath"));
        for name in [
            "CERT_PASSWORD_OLD",
            "OldCertPassword",
            "passwd",
            "ApiToken",
            "SharedSecret",
            "SmsKey",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "Username",
            "CustomPhoneProvider",
            "LOCMFASRV",
            "DefaultCountryCode",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }
}
