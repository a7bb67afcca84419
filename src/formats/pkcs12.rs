//! Opening `cert_key.p12` the way MIM does (`new X509Certificate2(path,
//! CERT_PASSWORD, MachineKeySet)`): it must open with the password and hold
//! a certificate with its private key.
//!
//! p12-keystore does the cryptography (pure Rust; legacy RC2/3DES and
//! PBES2/AES). Before it runs, a small DER walk here reads the encryption
//! schemes and iteration counts, so a file demanding an absurd key-derivation
//! cost is refused instead of burning minutes of CPU.

use crate::formats::secret::{Secret, mask};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The largest KDF/MAC iteration count accepted. Real files use 1–10,000
/// (OpenSSL 2048, Windows 2000, Java 10,000); a million is generous.
pub const MAX_ITERATIONS: u64 = 1_000_000;
/// The key-derivation work one file may ask for in all: the sum of the
/// iteration counts of its MAC and of every encrypted bag. Real files ask
/// for a few thousand to ~60,000 (three derivations); this allows three at
/// MAX_ITERATIONS, about 0.3 s of work. Many bags at a high count each
/// (60 bags of 1,000,000: 6.5 s) are refused before any derivation.
pub const KDF_BUDGET: u64 = 3 * MAX_ITERATIONS;
/// Nesting depth the DER walk follows; real PKCS#12 files need about 10.
const MAX_DEPTH: usize = 24;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum P12Error {
    #[error("not a PKCS#12 file, or damaged: {0}")]
    NotPkcs12(String),
    #[error(
        "CERT_PASSWORD does not open it (the integrity check failed): the password is wrong, or the file was changed"
    )]
    WrongPassword,
    #[error(
        "it asks for {0} key-derivation iterations (more than {MAX_ITERATIONS}): refused as hostile"
    )]
    AbsurdIterations(u64),
    #[error(
        "it asks for {0} key-derivation iterations in all (its MAC and every encrypted bag; the budget is {KDF_BUDGET}): refused as hostile"
    )]
    OverBudget(u64),
    #[error("it uses an encryption scheme mimmfa cannot open ({0})")]
    Unsupported(String),
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    #[serde(skip)]
    pub not_before_unix: i64,
    #[serde(skip)]
    pub not_after_unix: i64,
    pub has_private_key: bool,
    /// The file holds a private key beside the certificate, but not the
    /// certificate's: their public keys differ (`has_private_key` is false).
    #[serde(skip)]
    pub key_mismatch: bool,
    /// E.g. `pbeWithSHAAnd40BitRC2-CBC, pbeWithSHAAnd3-KeyTripleDES-CBC; MAC SHA-1`.
    pub encryption: String,
    /// (LICENSE_KEY, GROUP_KEY) when the subject CN has the shape an Azure
    /// MFA SDK download gives it, `<LICENSE_KEY>-<GROUP_KEY>`. Never shown:
    /// `subject` and `issuer` carry them masked.
    #[serde(skip)]
    pub sdk_keys: Option<(String, String)>,
}

/// `<12 letters/digits>-<32 hex>`: an SDK client certificate's CN.
fn sdk_cn_keys(cn: &str) -> Option<(String, String)> {
    let (license, group) = cn.split_once('-')?;
    let ok = license.len() == 12
        && license.bytes().all(|c| c.is_ascii_alphanumeric())
        && group.len() == 32
        && group.bytes().all(|c| c.is_ascii_hexdigit());
    ok.then(|| (license.to_string(), group.to_string()))
}

/// A distinguished name with any SDK key shapes in it masked: the subject
/// CN `<LICENSE_KEY>-<GROUP_KEY>` and the issuer CN `<GROUP_KEY>-GROUP-CA`.
fn mask_sdk_keys(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, part) in name.split(", ").enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let Some(cn) = part.strip_prefix("CN=") else {
            out.push_str(part);
            continue;
        };
        let group_ca = cn
            .strip_suffix("-GROUP-CA")
            .filter(|g| g.len() == 32 && g.bytes().all(|c| c.is_ascii_hexdigit()));
        match (sdk_cn_keys(cn), group_ca) {
            (Some((l, g)), _) => out.push_str(&format!("CN={}-{}", mask(&l), mask(&g))),
            (None, Some(g)) => out.push_str(&format!("CN={}-GROUP-CA", mask(g))),
            _ => out.push_str(part),
        }
    }
    out
}

impl CertInfo {
    /// Days until expiry (negative when expired).
    pub fn days_left(&self, now: OffsetDateTime) -> i64 {
        (self.not_after_unix - now.unix_timestamp()).div_euclid(86_400)
    }
    pub fn expired(&self, now: OffsetDateTime) -> bool {
        now.unix_timestamp() > self.not_after_unix
    }
    pub fn not_yet_valid(&self, now: OffsetDateTime) -> bool {
        now.unix_timestamp() < self.not_before_unix
    }
}

/// Does `bytes` have the plaintext structure of a PKCS#12 (PFX) file? Needs
/// no password: enough to tell a certificate file from anything else.
pub fn looks_like_pkcs12(bytes: &[u8]) -> bool {
    scan(bytes).is_ok()
}

/// Open the file with the password and describe its certificate. When the
/// file holds several, the one with a private key is described.
pub fn open(bytes: &[u8], password: &Secret) -> Result<Option<CertInfo>, P12Error> {
    let scan = scan(bytes)?;
    if scan.max_iterations > MAX_ITERATIONS {
        return Err(P12Error::AbsurdIterations(scan.max_iterations));
    }
    if scan.total_iterations > KDF_BUDGET {
        return Err(P12Error::OverBudget(scan.total_iterations));
    }
    let archive =
        p12_keystore::Pkcs12Archive::from_pkcs12(bytes, password.expose()).map_err(|e| {
            use p12_keystore::error::Error as E;
            match e {
                E::MacError(_) => P12Error::WrongPassword,
                // No MAC, or a MAC that passed, and still garbage after decrypting:
                // with no MAC the password is the likely cause.
                E::UnpadError | E::InvalidData | E::InvalidPrivateKey if !scan.has_mac => {
                    P12Error::WrongPassword
                }
                E::UnsupportedEncryptionScheme
                | E::UnsupportedMacAlgorithm
                | E::UnsupportedContentType => P12Error::Unsupported(e.to_string()),
                other => P12Error::NotPkcs12(other.to_string()),
            }
        })?;
    let key_ids: Vec<Option<&[u8]>> = archive
        .keys
        .iter()
        .map(|k| k.local_key_id.as_ref().map(|id| id.0.as_slice()))
        .collect();
    // The certificate that goes with a key: by localKeyId, or the only one.
    let with_key = archive.certs.iter().position(|c| {
        c.local_key_id
            .as_deref()
            .is_some_and(|id| key_ids.contains(&Some(id)))
    });
    let single_pair = archive.keys.len() == 1 && archive.certs.len() == 1;
    let chosen = with_key.or(if archive.certs.is_empty() {
        None
    } else {
        Some(0)
    });
    let Some(index) = chosen else { return Ok(None) };
    // The key paired with the chosen certificate: the one of the same
    // localKeyId, or the only one.
    let cert_id = archive.certs[index].local_key_id.as_deref();
    let key = archive
        .keys
        .iter()
        .find(|k| cert_id.is_some() && k.local_key_id.as_ref().map(|id| id.0.as_slice()) == cert_id)
        .or(single_pair.then(|| &archive.keys[0]));
    let der = archive.certs[index].cert.as_der();
    let mut info = describe(der, key.is_some(), scan.schemes.join(", "))
        .map_err(|e| P12Error::NotPkcs12(format!("its certificate cannot be read: {e}")))?;
    // MIM signs with the key and the MFA service checks the signature with
    // the certificate: a key of another pair fails every call.
    if let Some(key) = key
        && key_matches_certificate(key.key.as_der(), der) == Some(false)
    {
        info.has_private_key = false;
        info.key_mismatch = true;
    }
    Ok(Some(info))
}

/// Does the PKCS#8 private key belong to the certificate (DER)? Compared
/// by public key: RSA by modulus and exponent, EC by the public point the
/// key carries. `None` when it cannot be told (another key type, an EC key
/// without its public point): no verdict rather than a false one.
fn key_matches_certificate(pkcs8: &[u8], cert_der: &[u8]) -> Option<bool> {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).ok()?;
    let cert_key: &[u8] = &cert.public_key().subject_public_key.data;
    // PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, OCTET STRING, ... }
    let (0x30, body, _) = tlv(pkcs8)? else {
        return None;
    };
    let items = children(body)?;
    let (0x30, alg) = *items.get(1)? else {
        return None;
    };
    let (0x06, oid) = *children(alg)?.first()? else {
        return None;
    };
    let (0x04, private) = *items.get(2)? else {
        return None;
    };
    let (0x30, private, _) = tlv(private)? else {
        return None;
    };
    let fields = children(private)?;
    match oid {
        // rsaEncryption: RSAPrivateKey { version, n, e, ... } against
        // RSAPublicKey { n, e }.
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01] => {
            let Some((0x30, public, _)) = tlv(cert_key) else {
                return Some(false);
            };
            let magnitudes = |v: &[(u8, &[u8])]| -> Option<Vec<Vec<u8>>> {
                v.iter()
                    .map(|(t, b)| (*t == 0x02).then(|| unsigned(b).to_vec()))
                    .collect()
            };
            let (n, e) = (*fields.get(1)?, *fields.get(2)?);
            Some(magnitudes(&children(public)?)? == magnitudes(&[n, e])?)
        }
        // id-ecPublicKey: ECPrivateKey { version, key, [0] params, [1] publicKey }.
        [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01] => {
            let (_, point) = fields.iter().find(|(t, _)| *t == 0xA1)?;
            let (0x03, bits, _) = tlv(point)? else {
                return None;
            };
            Some(bits.get(1..)? == cert_key)
        }
        _ => None,
    }
}

/// A DER INTEGER's magnitude without its sign-padding zero bytes.
fn unsigned(v: &[u8]) -> &[u8] {
    let zeros = v.iter().take_while(|b| **b == 0).count();
    &v[zeros.min(v.len().saturating_sub(1))..]
}

fn describe(der: &[u8], has_private_key: bool, encryption: String) -> Result<CertInfo, String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).map_err(|e| e.to_string())?;
    let validity = cert.validity();
    let (nb, na) = (
        validity.not_before.timestamp(),
        validity.not_after.timestamp(),
    );
    let rfc = |t: i64| {
        OffsetDateTime::from_unix_timestamp(t)
            .ok()
            .and_then(|d| d.format(&Rfc3339).ok())
            .unwrap_or_default()
    };
    let cn = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok().map(str::to_string));
    Ok(CertInfo {
        subject: mask_sdk_keys(&cert.subject().to_string()),
        issuer: mask_sdk_keys(&cert.issuer().to_string()),
        sdk_keys: cn.as_deref().and_then(sdk_cn_keys),
        not_before: rfc(nb),
        not_after: rfc(na),
        not_before_unix: nb,
        not_after_unix: na,
        has_private_key,
        key_mismatch: false,
        encryption,
    })
}

/// What the plaintext structure of a PFX says before any decryption.
#[derive(Debug, Default)]
struct Scan {
    schemes: Vec<String>,
    max_iterations: u64,
    /// The sum over every salt + count pair: the file's whole KDF work.
    total_iterations: u64,
    has_mac: bool,
}

fn scan(bytes: &[u8]) -> Result<Scan, P12Error> {
    let mut s = Scan::default();
    if bytes.starts_with(&[0x30, 0x80]) {
        return Err(P12Error::NotPkcs12(
            "it uses BER indefinite lengths (some old Windows exports do); re-export it as DER, e.g. `openssl pkcs12 -in old.p12 -out new.p12`".into(),
        ));
    }
    let (tag, body, rest) = tlv(bytes)
        .ok_or_else(|| P12Error::NotPkcs12("it does not start with a DER structure".into()))?;
    if tag != 0x30 || !rest.is_empty() {
        return Err(P12Error::NotPkcs12(
            "it is not a single DER SEQUENCE".into(),
        ));
    }
    // PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, macData MacData OPTIONAL }
    let items = children(body)
        .ok_or_else(|| P12Error::NotPkcs12("its outer structure is broken".into()))?;
    match items.first() {
        Some((0x02, v)) if v == &[3] => {}
        _ => return Err(P12Error::NotPkcs12("it is not PKCS#12 version 3".into())),
    }
    s.has_mac = items.len() >= 3;
    walk(body, 0, &mut s);
    if s.has_mac
        && let Some((0x30, mac)) = items.get(2)
        && let Some(parts) = children(mac)
        && let Some((0x30, digest_info)) = parts.first()
        && let Some(alg) = children(digest_info).and_then(|d| d.first().cloned())
        && let Some(oid) = children(alg.1).and_then(|a| a.first().cloned())
    {
        s.schemes.push(format!(
            "MAC {}",
            oid_name(oid.1).unwrap_or("unknown digest")
        ));
    }
    Ok(s)
}

/// Descend constructed values (and OCTET STRINGs that hold DER), noting
/// algorithm OIDs and the iteration counts beside salts.
fn walk(body: &[u8], depth: usize, s: &mut Scan) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(items) = children(body) else { return };
    // `SEQUENCE { OCTET STRING salt, INTEGER iterations, ... }`: PBE params,
    // PBKDF2 params and MacData all have this shape.
    for pair in items.windows(2) {
        if pair[0].0 == 0x04 && pair[1].0 == 0x02 {
            let n = integer(pair[1].1);
            s.max_iterations = s.max_iterations.max(n);
            s.total_iterations = s.total_iterations.saturating_add(n);
        }
    }
    for (tag, value) in items {
        match tag {
            0x06 => {
                if let Some(name) = oid_name(value).filter(|n| is_cipher(n))
                    && !s.schemes.iter().any(|x| x == name)
                {
                    s.schemes.push(name.to_string());
                }
            }
            0x04 if tlv(value).is_some_and(|(t, _, rest)| t == 0x30 && rest.is_empty()) => {
                walk(value, depth + 1, s)
            }
            t if t & 0x20 != 0 => walk(value, depth + 1, s),
            _ => {}
        }
    }
}

fn integer(v: &[u8]) -> u64 {
    if v.len() > 8 {
        return u64::MAX;
    }
    v.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

/// All TLVs of a body, or `None` if it does not parse to the end.
fn children(mut body: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut out = Vec::new();
    while !body.is_empty() {
        let (tag, value, rest) = tlv(body)?;
        out.push((tag, value));
        body = rest;
    }
    Some(out)
}

/// One DER tag-length-value: (tag, value, rest). Definite lengths only.
fn tlv(data: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = data.split_first()?;
    if tag & 0x1F == 0x1F {
        return None; // multi-byte tags do not occur in PKCS#12
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7F) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None; // indefinite (BER) or absurd lengths
        }
        (
            rest[..n].iter().fold(0usize, |a, b| (a << 8) | *b as usize),
            &rest[n..],
        )
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

fn oid_name(der: &[u8]) -> Option<&'static str> {
    Some(match der {
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x01, 0x06] => "pbeWithSHAAnd40BitRC2-CBC",
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x01, 0x05] => {
            "pbeWithSHAAnd128BitRC2-CBC"
        }
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x01, 0x03] => {
            "pbeWithSHAAnd3-KeyTripleDES-CBC"
        }
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x01, 0x01] => "pbeWithSHAAnd128BitRC4",
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0D] => "PBES2",
        [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2A] => "AES-256-CBC",
        [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x16] => "AES-192-CBC",
        [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x02] => "AES-128-CBC",
        [0x2B, 0x0E, 0x03, 0x02, 0x1A] => "SHA-1",
        [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01] => "SHA-256",
        [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02] => "SHA-384",
        [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03] => "SHA-512",
        _ => return None,
    })
}

fn is_cipher(name: &str) -> bool {
    name.starts_with("pbe") || name.starts_with("PBES") || name.starts_with("AES")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sdk/");
    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{FIX}{name}")).unwrap()
    }
    fn pass() -> Secret {
        Secret::new("FIXTUREPASSWD001")
    }

    #[test]
    fn opens_legacy_and_modern_files() {
        for (name, scheme) in [
            ("legacy-rc2-3des.p12", "pbeWithSHAAnd40BitRC2-CBC"),
            ("3des.p12", "pbeWithSHAAnd3-KeyTripleDES-CBC"),
            ("aes256.p12", "AES-256-CBC"),
            ("aes128.p12", "AES-128-CBC"),
        ] {
            let info = open(&fixture(name), &pass()).unwrap().unwrap();
            assert!(info.has_private_key, "{name}");
            assert!(
                info.subject.contains("mimmfa test SDK client"),
                "{name}: {}",
                info.subject
            );
            assert!(
                info.encryption.contains(scheme),
                "{name}: {}",
                info.encryption
            );
            assert!(
                info.not_after.starts_with("21"),
                "{name}: {}",
                info.not_after
            );
        }
        let legacy = open(&fixture("legacy-rc2-3des.p12"), &pass())
            .unwrap()
            .unwrap();
        assert!(
            legacy.encryption.contains("MAC SHA-1"),
            "{}",
            legacy.encryption
        );
    }

    #[test]
    fn wrong_password_is_told_apart_from_damage() {
        for name in ["legacy-rc2-3des.p12", "aes256.p12"] {
            assert_eq!(
                open(&fixture(name), &Secret::new("WRONG")),
                Err(P12Error::WrongPassword),
                "{name}"
            );
        }
        assert!(matches!(
            open(b"PK\x03\x04 not a p12", &pass()),
            Err(P12Error::NotPkcs12(_))
        ));
    }

    #[test]
    fn no_key_and_expired() {
        let info = open(&fixture("nokey.p12"), &pass()).unwrap().unwrap();
        assert!(!info.has_private_key);
        let info = open(&fixture("expired.p12"), &pass()).unwrap().unwrap();
        assert!(info.expired(OffsetDateTime::now_utc()) && info.has_private_key);
        assert!(info.not_after.starts_with("2001-01-01"));
    }

    #[test]
    fn a_key_of_another_pair_is_no_private_key() {
        let info = open(&fixture("key-mismatch.p12"), &pass())
            .unwrap()
            .unwrap();
        assert!(info.key_mismatch && !info.has_private_key);
        for name in ["legacy-rc2-3des.p12", "aes256.p12", "sdk-cn.p12"] {
            let info = open(&fixture(name), &pass()).unwrap().unwrap();
            assert!(!info.key_mismatch && info.has_private_key, "{name}");
        }
    }

    #[test]
    fn absurd_iterations_are_refused_before_any_work() {
        assert_eq!(
            open(&fixture("absurd-iterations.p12"), &pass()),
            Err(P12Error::AbsurdIterations(8_388_607))
        );
    }

    #[test]
    fn many_bags_are_refused_by_their_sum_before_any_work() {
        let start = std::time::Instant::now();
        assert_eq!(
            open(&fixture("many-bags-no-mac.p12"), &pass()),
            Err(P12Error::OverBudget(20_000_000))
        );
        assert!(start.elapsed().as_millis() < 500, "{:?}", start.elapsed());
    }

    #[test]
    fn truncated_and_flipped_files_never_panic() {
        let good = fixture("legacy-rc2-3des.p12");
        for cut in (0..good.len()).step_by(97) {
            assert!(open(&good[..cut], &pass()).is_err());
        }
        for i in (0..good.len()).step_by(61) {
            let mut bad = good.clone();
            bad[i] ^= 0x55;
            let _ = open(&bad, &pass());
        }
    }
}
