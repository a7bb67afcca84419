//! `sdk inspect` / `sdk apply` on real zips built here and real
//! PKCS#12 files made by OpenSSL (tests/fixtures/sdk/make.sh).

use crate::util::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;

pub const FIXTURE_PASSWORD: &str = "FIXTUREPASSWD001";
pub const FIXTURE_LICENSE: &str = "FIXTURE12345";
pub const FIXTURE_GROUP: &str = "fedcba9876543210fedcba9876543210";

pub fn p12(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/sdk")
            .join(name),
    )
    .unwrap()
}

pub fn pf_auth(license: &str, group: &str, password: &str) -> String {
    format!(
        "// pf_auth.cs: An SDK for authenticating with PhoneFactor for .NET 2.0\r\n\
         public static class pf_auth\r\n{{\r\n\
         \x20   private const string LICENSE_KEY = \"{license}\";\r\n\
         \x20   private const string GROUP_KEY = \"{group}\";\r\n\
         \x20   private const string CERT_PASSWORD = \"{password}\";\r\n}}\r\n"
    )
}

pub fn good_pf_auth() -> String {
    pf_auth(FIXTURE_LICENSE, FIXTURE_GROUP, FIXTURE_PASSWORD)
}

pub enum Entry<'a> {
    File(&'a str, Vec<u8>),
    /// Not compressed: the zip really is as large as the bytes.
    Stored(&'a str, Vec<u8>),
    Symlink(&'a str, &'a str),
    Encrypted(&'a str, Vec<u8>),
}

/// A real zip, written by the zip crate.
pub fn build_zip(dir: &Path, name: &str, entries: Vec<Entry<'_>>) -> PathBuf {
    use zip::unstable::write::FileOptionsExt;
    let path = dir.join(name);
    let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for e in entries {
        match e {
            Entry::File(n, bytes) => {
                w.start_file(n, opts).unwrap();
                w.write_all(&bytes).unwrap();
            }
            Entry::Stored(n, bytes) => {
                let stored = opts.compression_method(zip::CompressionMethod::Stored);
                w.start_file(n, stored).unwrap();
                w.write_all(&bytes).unwrap();
            }
            Entry::Symlink(n, target) => w.add_symlink(n, target, opts).unwrap(),
            Entry::Encrypted(n, bytes) => {
                w.start_file(n, opts.with_deprecated_encryption(b"zip-password").unwrap())
                    .unwrap();
                w.write_all(&bytes).unwrap();
            }
        }
    }
    w.finish().unwrap();
    path
}

pub fn sdk_zip(dir: &Path, p12_name: &str) -> PathBuf {
    build_zip(
        dir,
        "sdk.zip",
        vec![
            Entry::File("pf/pf_auth.cs", good_pf_auth().into_bytes()),
            Entry::File("pf/certs/cert_key.p12", p12(p12_name)),
            Entry::File("pf/call_results.txt", b"1 OK\r\n".to_vec()),
        ],
    )
}

fn inspect(zip: &Path) -> (i32, serde_json::Value, Out) {
    let out = mimmfa(&["sdk", "inspect", zip.to_str().unwrap(), "--json"]);
    let v = out.json();
    assert_common_keys(&v);
    (out.code, v, out)
}

const SECRETS: [&str; 3] = [FIXTURE_LICENSE, FIXTURE_GROUP, FIXTURE_PASSWORD];

/// A download with large unrelated entries (media, samples) is read by
/// seeking, not whole: an earlier cap on the zip's size refused one of
/// 70 MiB outright (and reading it whole cost its size in memory).
#[test]
fn a_large_zip_is_read_without_a_size_cap_on_the_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = build_zip(
        tmp.path(),
        "big.zip",
        vec![
            Entry::Stored("media/video.bin", vec![0u8; 70 << 20]),
            Entry::File("pf/pf_auth.cs", good_pf_auth().into_bytes()),
            Entry::File("pf/certs/cert_key.p12", p12("aes256.p12")),
        ],
    );
    assert!(std::fs::metadata(&zip).unwrap().len() > 70 << 20);
    let (code, v, _) = inspect(&zip);
    assert_eq!(code, 0, "{v}");
}

#[test]
fn inspect_reads_legacy_and_modern_certificates() {
    let tmp = tempfile::tempdir().unwrap();
    for (p12_name, scheme) in [
        ("legacy-rc2-3des.p12", "RC2"),
        ("3des.p12", "TripleDES"),
        ("aes256.p12", "AES-256"),
        ("aes128.p12", "AES-128"),
    ] {
        let zip = sdk_zip(tmp.path(), p12_name);
        let (code, v, out) = inspect(&zip);
        assert_eq!(code, 0, "{p12_name}: {v}");
        assert_eq!(v["certificate"]["has_private_key"], true);
        assert!(
            v["certificate"]["encryption"]
                .as_str()
                .unwrap()
                .contains(scheme),
            "{v}"
        );
        assert!(
            v["certificate"]["subject"]
                .as_str()
                .unwrap()
                .contains("mimmfa test SDK client")
        );
        assert!(
            v["sdk"]["license_key"]
                .as_str()
                .unwrap()
                .starts_with("•••• (pbkdf2:")
        );
        assert_no_secrets(&out, &SECRETS);
    }
    let out = mimmfa(&[
        "sdk",
        "inspect",
        sdk_zip(tmp.path(), "aes256.p12").to_str().unwrap(),
    ]);
    assert_no_secrets(&out, &SECRETS);
    let shown = mimmfa(&[
        "--show-secrets",
        "sdk",
        "inspect",
        sdk_zip(tmp.path(), "aes256.p12").to_str().unwrap(),
    ]);
    assert!(shown.stdout.contains(FIXTURE_LICENSE));
}

#[test]
fn inspect_accepts_a_wrapping_folder_and_backslashes_in_any_case() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = build_zip(
        tmp.path(),
        "wrapped.zip",
        vec![
            Entry::File("MFA SDK/PF/Pf_Auth.cs", good_pf_auth().into_bytes()),
            Entry::File(
                "MFA SDK\\pf\\certs\\cert_key.p12",
                p12("legacy-rc2-3des.p12"),
            ),
        ],
    );
    let (code, v, _) = inspect(&zip);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["sdk"]["cert_entry"], "MFA SDK\\pf\\certs\\cert_key.p12");
}

#[test]
fn hostile_or_broken_zips_are_refused_naming_the_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let cert = || p12("legacy-rc2-3des.p12");
    let pf = || good_pf_auth().into_bytes();
    let cases: Vec<(&str, Vec<Entry<'_>>, &str)> = vec![
        (
            "dotdot",
            vec![
                Entry::File("../pf/pf_auth.cs", pf()),
                Entry::File("pf/certs/cert_key.p12", cert()),
            ],
            "zip-slip",
        ),
        (
            "dotdot-backslash",
            vec![
                Entry::File("pf/pf_auth.cs", pf()),
                Entry::File("..\\pf\\certs\\cert_key.p12", cert()),
            ],
            "zip-slip",
        ),
        (
            "absolute",
            vec![
                Entry::File("/pf/pf_auth.cs", pf()),
                Entry::File("pf/certs/cert_key.p12", cert()),
            ],
            "absolute",
        ),
        (
            "drive",
            vec![
                Entry::File("C:\\pf\\pf_auth.cs", pf()),
                Entry::File("pf/certs/cert_key.p12", cert()),
            ],
            "drive",
        ),
        (
            "symlink",
            vec![
                Entry::File("pf/pf_auth.cs", pf()),
                Entry::Symlink("pf/certs/cert_key.p12", "/etc/shadow"),
            ],
            "symbolic link",
        ),
        (
            "encrypted",
            vec![
                Entry::File("pf/pf_auth.cs", pf()),
                Entry::Encrypted("pf/certs/cert_key.p12", cert()),
            ],
            "encrypted",
        ),
        (
            "duplicate",
            vec![
                Entry::File("pf/pf_auth.cs", pf()),
                Entry::File("a/PF/PF_AUTH.CS", pf()),
                Entry::File("pf/certs/cert_key.p12", cert()),
            ],
            "two entries",
        ),
        (
            "huge",
            vec![
                Entry::File("pf/pf_auth.cs", vec![b' '; 5 << 20]),
                Entry::File("pf/certs/cert_key.p12", cert()),
            ],
            "MiB",
        ),
        (
            "no-cert",
            vec![Entry::File("pf/pf_auth.cs", pf())],
            "no pf/certs/cert_key.p12",
        ),
        (
            "php",
            vec![
                Entry::File("pf/pf_auth.php", b"<?php $license_key = 'X';".to_vec()),
                Entry::File("pf/certs/cert.pem", b"x".to_vec()),
            ],
            "PHP SDK",
        ),
        ("empty", vec![], "empty"),
    ];
    for (name, entries, expect) in cases {
        let zip = build_zip(tmp.path(), &format!("{name}.zip"), entries);
        let (code, v, out) = inspect(&zip);
        assert_eq!(code, 3, "{name}: {v}");
        let msg = v["msg"].as_str().unwrap();
        assert!(msg.contains(expect), "{name}: {msg}");
        assert_no_secrets(&out, &SECRETS);
    }
    // Not a zip, and a truncated one.
    let text = tmp.path().join("notes.zip");
    std::fs::write(&text, b"just text").unwrap();
    let (code, v, _) = inspect(&text);
    assert_eq!(code, 3);
    assert!(v["msg"].as_str().unwrap().contains("not a zip file"), "{v}");
    // A path that names nothing is not called a damaged zip.
    let (code, v, _) = inspect(&tmp.path().join("missing.zip"));
    assert_eq!(code, 3);
    let msg = v["msg"].as_str().unwrap();
    assert!(
        msg.contains("cannot read it")
            && msg.contains("check the path")
            && !msg.contains("zip file"),
        "{msg}"
    );
    let good = std::fs::read(sdk_zip(tmp.path(), "aes256.p12")).unwrap();
    let cut = tmp.path().join("cut.zip");
    std::fs::write(&cut, &good[..good.len() / 2]).unwrap();
    assert_eq!(inspect(&cut).0, 3);
}

#[test]
fn a_zip_bomb_that_lies_about_its_size_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let zip = build_zip(
        tmp.path(),
        "bomb.zip",
        vec![
            Entry::File("pf/pf_auth.cs", vec![b'A'; 6 << 20]),
            Entry::File("pf/certs/cert_key.p12", p12("aes256.p12")),
        ],
    );
    // Rewrite the first entry's uncompressed size (local header at 22, central
    // directory header at 24) to 1,000 bytes.
    let mut bytes = std::fs::read(&zip).unwrap();
    let lie = 1000u32.to_le_bytes();
    bytes[22..26].copy_from_slice(&lie);
    let cd = bytes
        .windows(4)
        .position(|w| w == [0x50, 0x4b, 0x01, 0x02])
        .unwrap();
    bytes[cd + 24..cd + 28].copy_from_slice(&lie);
    std::fs::write(&zip, &bytes).unwrap();
    let (code, v, _) = inspect(&zip);
    assert_eq!(code, 3, "{v}");
    assert!(
        v["msg"].as_str().unwrap().contains("pf/pf_auth.cs"),
        "names the entry: {v}"
    );
}

#[test]
fn problems_inside_a_readable_zip_are_findings_with_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let with = |pf: String, cert: Vec<u8>| {
        build_zip(
            tmp.path(),
            "p.zip",
            vec![
                Entry::File("pf/pf_auth.cs", pf.into_bytes()),
                Entry::File("pf/certs/cert_key.p12", cert),
            ],
        )
    };
    let (code, v, _) = inspect(&with(
        pf_auth(FIXTURE_LICENSE, FIXTURE_GROUP, "WRONGPASSWORD123"),
        p12("aes256.p12"),
    ));
    assert_eq!((code, finding_codes(&v)), (1, vec!["MFA023".to_string()]));
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("does not open")
    );
    let (code, v, _) = inspect(&with(good_pf_auth(), p12("nokey.p12")));
    assert_eq!((code, finding_codes(&v)), (1, vec!["MFA024".to_string()]));
    let (code, v, _) = inspect(&with(good_pf_auth(), p12("expired.p12")));
    assert_eq!((code, finding_codes(&v)), (1, vec!["MFA025".to_string()]));
    let (code, v, _) = inspect(&with(good_pf_auth(), p12("absurd-iterations.p12")));
    assert_eq!((code, finding_codes(&v)), (1, vec!["MFA023".to_string()]));
    let (code, v, out) = inspect(&with(
        pf_auth("<Enter key here>", FIXTURE_GROUP, FIXTURE_PASSWORD),
        p12("aes256.p12"),
    ));
    assert_eq!((code, finding_codes(&v)), (1, vec!["MFA020".to_string()]));
    assert_no_secrets(&out, &SECRETS);
    let (code, v, _) = inspect(&with(
        pf_auth("short", FIXTURE_GROUP, FIXTURE_PASSWORD),
        p12("aes256.p12"),
    ));
    assert_eq!(
        (code, finding_codes(&v)),
        (0, vec!["MFA021".to_string()]),
        "a key of an odd shape is only a warning"
    );
}

fn provider_site() -> Site {
    Site::with(
        b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<MfaSettings>\r\n  <!-- moved to our gateway in 2025 -->\r\n  <LICENSE_KEY></LICENSE_KEY>\r\n  <Username>svc-mim@contoso.example</Username>\r\n  <CustomPhoneProvider>C:\\Program Files\\Microsoft Forefront Identity Manager\\2010\\Service\\Gate.dll</CustomPhoneProvider>\r\n</MfaSettings>\r\n",
    )
}

#[test]
fn apply_writes_keys_and_certificate_and_is_idempotent() {
    let site = provider_site();
    let tmp = tempfile::tempdir().unwrap();
    let zip = sdk_zip(tmp.path(), "legacy-rc2-3des.p12");
    let z = zip.to_str().unwrap();
    let out = site.run(&["sdk", "apply", z, "--country-code", "44"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("emptied CustomPhoneProvider"),
        "{}",
        out.stderr
    );
    assert_no_secrets(&out, &SECRETS);
    let text = String::from_utf8(site.settings()).unwrap();
    assert!(text.starts_with('\u{feff}') && text.contains("<!-- moved to our gateway in 2025 -->"));
    assert!(text.contains(&format!(
        "  <LICENSE_KEY>{FIXTURE_LICENSE}</LICENSE_KEY>\r\n"
    )));
    assert!(text.contains(&format!("  <GROUP_KEY>{FIXTURE_GROUP}</GROUP_KEY>\r\n")));
    assert!(text.contains(&format!(
        "<CertFilePath>{STOCK}\\MfaCerts\\cert_key.p12</CertFilePath>",
        STOCK = mimmfa::internals::STOCK_SERVICE_DIR
    )));
    assert!(
        text.contains("<Username>svc-mim@contoso.example</Username>"),
        "keeps the existing username"
    );
    assert!(text.contains("<DefaultCountryCode>44</DefaultCountryCode>"));
    assert!(text.contains("<CustomPhoneProvider></CustomPhoneProvider>"));
    assert_eq!(
        site.read("MfaCerts/cert_key.p12"),
        p12("legacy-rc2-3des.p12")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(site.path("MfaCerts/cert_key.p12"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the certificate is owner-only");
    }
    let (code, v) = site.json(&["validate"]);
    assert_eq!(code, 0, "the result validates: {v}");

    let before = site.snapshot();
    let (code, v) = site.json(&["sdk", "apply", z]);
    assert_eq!((code, &v["changed"]), (0, &serde_json::json!(false)), "{v}");
    assert_eq!(site.snapshot(), before);
}

#[test]
fn apply_refuses_an_expired_certificate_and_changes_nothing() {
    let site = provider_site();
    let tmp = tempfile::tempdir().unwrap();
    let before = site.snapshot();
    let (code, v) = site.json(&[
        "sdk",
        "apply",
        sdk_zip(tmp.path(), "expired.p12").to_str().unwrap(),
        "--country-code",
        "1",
    ]);
    assert_eq!(code, 3, "{v}");
    assert_eq!(finding_codes(&v), vec!["MFA025"]);
    assert_eq!(site.snapshot(), before);
}

#[test]
fn apply_without_a_country_code_and_no_terminal_is_a_usage_error() {
    let site = provider_site();
    let tmp = tempfile::tempdir().unwrap();
    let before = site.snapshot();
    let out = site.run(&[
        "sdk",
        "apply",
        sdk_zip(tmp.path(), "aes256.p12").to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--country-code"));
    assert_eq!(site.snapshot(), before);
    assert_eq!(
        site.run(&["sdk", "apply", "x.zip", "--country-code", "+1"])
            .code,
        2
    );
}

#[test]
fn apply_dry_run_touches_nothing_and_a_different_cert_is_saved_first() {
    let site = Site::example();
    let tmp = tempfile::tempdir().unwrap();
    site.write("MfaCerts/cert_key.p12", b"the old certificate");
    let zip = sdk_zip(tmp.path(), "aes256.p12");
    let before = site.snapshot();
    let out = site.run(&["sdk", "apply", "--dry-run", zip.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("plan:") && out.stdout.contains("p12 (certificate, new)"),
        "{}",
        out.stdout
    );
    assert_no_secrets(&out, &SECRETS);
    assert_no_secrets(&out, &EXAMPLE_SECRETS);
    assert_eq!(site.snapshot(), before);

    let (code, v) = site.json(&["sdk", "apply", zip.to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    let saved: Vec<_> = std::fs::read_dir(site.path("MfaBackups"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("cert_key."))
        .collect();
    assert_eq!(saved.len(), 1);
    assert_eq!(
        std::fs::read(saved[0].path()).unwrap(),
        b"the old certificate"
    );
}

/// A certificate named as a real SDK download names it (CN
/// `<LICENSE_KEY>-<GROUP_KEY>`, issuer `<GROUP_KEY>-GROUP-CA`): its keys are
/// never shown, and a certificate for other keys than pf_auth.cs's, or than
/// the settings', is MFA028. The fixture keys' own certificate gives none.
#[test]
fn a_certificate_from_another_download_is_named_and_its_cn_is_masked() {
    let tmp = tempfile::tempdir().unwrap();
    let own = sdk_zip(tmp.path(), "sdk-cn.p12");
    let (_, v, out) = inspect(&own);
    assert!(!finding_codes(&v).contains(&"MFA028".to_string()), "{v}");
    let other_dir = tempfile::tempdir().unwrap();
    let other = sdk_zip(other_dir.path(), "sdk-cn-other.p12");
    let (_, v2, out2) = inspect(&other);
    assert!(finding_codes(&v2).contains(&"MFA028".to_string()), "{v2}");
    for o in [
        &out,
        &out2,
        &mimmfa(&["sdk", "inspect", own.to_str().unwrap()]),
    ] {
        let text = format!("{}{}", o.stdout, o.stderr);
        for key in [
            FIXTURE_LICENSE,
            FIXTURE_GROUP,
            "OTHERKEY0000",
            "0123456789abcdef0123456789abcdef",
        ] {
            assert!(!text.contains(key), "{key} shown:\n{text}");
        }
    }
    // validate: the settings' keys against the certificate CertFilePath names.
    let site = Site::with(
        String::from_utf8(EXAMPLE_SETTINGS.to_vec())
            .unwrap()
            .replace(EXAMPLE_SECRETS[0], FIXTURE_LICENSE)
            .replace(EXAMPLE_SECRETS[1], FIXTURE_GROUP)
            .replace(EXAMPLE_SECRETS[2], FIXTURE_PASSWORD)
            .as_bytes(),
    );
    site.write("MfaCerts/cert_key.p12", &p12("sdk-cn.p12"));
    let (_, v) = site.json(&["validate"]);
    assert!(!finding_codes(&v).contains(&"MFA023".to_string()), "{v}");
    assert!(!finding_codes(&v).contains(&"MFA028".to_string()), "{v}");
    site.write("MfaCerts/cert_key.p12", &p12("sdk-cn-other.p12"));
    let (_, v) = site.json(&["validate"]);
    assert!(finding_codes(&v).contains(&"MFA028".to_string()), "{v}");
    let status = site.run(&["status"]);
    assert!(!status.stdout.contains("OTHERKEY0000"), "{}", status.stdout);
}
