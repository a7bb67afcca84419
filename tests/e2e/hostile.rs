//! The hostile corpus (tests/hostile/MANIFEST.tsv) through the real
//! binary: no panic, the contract's exit code, nothing changed anywhere.

use crate::provider::dll;
use crate::util::*;
use mimmfa::internals::STOCK_SERVICE_DIR as STOCK;
use std::path::{Path, PathBuf};

const SDK_SETTINGS: &str = "<MfaSettings>\r\n  <LICENSE_KEY>FIXTURE12345</LICENSE_KEY>\r\n  <GROUP_KEY>fedcba9876543210fedcba9876543210</GROUP_KEY>\r\n  <CERT_PASSWORD>FIXTUREPASSWD001</CERT_PASSWORD>\r\n  <CertFilePath>STOCK\\MfaCerts\\cert_key.p12</CertFilePath>\r\n  <Username>svc</Username>\r\n  <DefaultCountryCode>1</DefaultCountryCode>\r\n</MfaSettings>\r\n";

fn hostile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// A sandbox: the service folder and the hostile input in a folder beside it;
/// the snapshot covers both, so a write anywhere in it is caught.
struct Sandbox {
    root: Site,
}

impl Sandbox {
    fn new(settings: &[u8]) -> Sandbox {
        let root = Site::empty();
        root.write("service/MfaSettings.xml", settings);
        Sandbox { root }
    }
    fn service(&self) -> String {
        self.root.path("service").to_str().unwrap().to_string()
    }
    fn input(&self, name: &str) -> String {
        let p = self.root.path("input").join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::copy(hostile_dir().join(name), &p).unwrap();
        p.to_str().unwrap().to_string()
    }
    /// `validate` exits 1 and reports `code`.
    fn assert_validate_finds(&self, code: &str, what: &str) {
        let out = self.run(&["validate", "--json"]);
        assert_eq!(out.code, 1, "{what}: validate");
        let codes = finding_codes(&out.json());
        assert!(codes.iter().any(|c| c == code), "{what}: {codes:?}");
    }

    /// Run with the service folder; panics are never acceptable.
    fn run(&self, args: &[&str]) -> Out {
        let svc = self.service();
        let mut full = vec!["--service-dir", svc.as_str()];
        full.extend_from_slice(args);
        let out = mimmfa(&full);
        assert!(
            !out.stderr.contains("panicked"),
            "{args:?} panicked:\n{}",
            out.stderr
        );
        out
    }
}

#[test]
fn every_hostile_input_is_refused_by_the_contract() {
    let manifest = std::fs::read_to_string(hostile_dir().join("MANIFEST.tsv")).unwrap();
    let entries: Vec<Vec<&str>> = manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
        .collect();
    assert!(entries.len() >= 30, "at least 30 hostile files");
    // Every file in the folder is listed (and so tested).
    for e in std::fs::read_dir(hostile_dir()).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !["make.py", "MANIFEST.tsv", "README.md"].contains(&name.as_str()) {
            assert!(
                entries.iter().any(|x| x[0] == name),
                "{name} is not in MANIFEST.tsv"
            );
        }
    }
    let good_dll = dll("CustomPhoneGate.dll");
    let good_dll = good_dll.to_str().unwrap();
    for entry in &entries {
        let [file, kind, expect, note] = entry[..] else {
            panic!("bad manifest line {entry:?}")
        };
        let what = format!("{file} ({note})");
        match kind {
            "zip" => {
                let sb = Sandbox::new(EXAMPLE_SETTINGS);
                let zip = sb.input(file);
                let before = sb.root.snapshot();
                assert_eq!(
                    sb.run(&["sdk", "inspect", &zip]).code,
                    3,
                    "{what}: sdk inspect"
                );
                assert_eq!(
                    sb.run(&["sdk", "apply", &zip, "--country-code", "1"]).code,
                    3,
                    "{what}: sdk apply"
                );
                assert_eq!(sb.root.snapshot(), before, "{what}: nothing may change");
            }
            "settings" => {
                let sb = Sandbox::new(&std::fs::read(hostile_dir().join(file)).unwrap());
                let before = sb.root.snapshot();
                assert_eq!(sb.run(&["status"]).code, 3, "{what}: status");
                sb.assert_validate_finds(expect, &what);
                assert_eq!(
                    sb.run(&["provider", "set", good_dll]).code,
                    3,
                    "{what}: provider set"
                );
                assert_eq!(
                    sb.run(&["restore", "latest"]).code,
                    3,
                    "{what}: restore with no backup"
                );
                assert_eq!(sb.root.snapshot(), before, "{what}: nothing may change");
            }
            "p12" => {
                let sb = Sandbox::new(SDK_SETTINGS.replace("STOCK", STOCK).as_bytes());
                sb.root.write(
                    "service/MfaCerts/cert_key.p12",
                    &std::fs::read(hostile_dir().join(file)).unwrap(),
                );
                let before = sb.root.snapshot();
                sb.assert_validate_finds(expect, &what);
                assert_eq!(sb.run(&["status"]).code, 0, "{what}: status still reports");
                assert_eq!(sb.root.snapshot(), before, "{what}: nothing may change");
            }
            "dll" => {
                let sb = Sandbox::new(EXAMPLE_SETTINGS);
                let input = sb.input(file);
                let before = sb.root.snapshot();
                let out = sb.run(&["provider", "check", &input, "--json"]);
                assert_eq!(out.code, 1, "{what}: provider check");
                assert_eq!(
                    finding_codes(&out.json()),
                    vec![expect.to_string()],
                    "{what}"
                );
                assert_eq!(
                    sb.run(&["provider", "set", &input]).code,
                    3,
                    "{what}: provider set"
                );
                assert_eq!(sb.root.snapshot(), before, "{what}: nothing may change");
            }
            "index" => {
                // A sound folder with a backup whose index was replaced.
                let sb = Sandbox::new(EXAMPLE_SETTINGS);
                sb.root.write("service/MfaCerts/cert_key.p12", EXAMPLE_CERT);
                assert_eq!(sb.run(&["backup"]).code, 0, "{what}: the first backup");
                sb.root.write(
                    "service/MfaBackups/index.json",
                    &std::fs::read(hostile_dir().join(file)).unwrap(),
                );
                let before = sb.root.snapshot();
                sb.assert_validate_finds(expect, &what);
                assert_eq!(sb.run(&["status"]).code, 0, "{what}: status still reports");
                for args in [
                    &["backup", "list"][..],
                    &["backup"],
                    &["backup", "prune", "--keep", "1"],
                    &["restore", "latest"],
                    &["diff"],
                    &["provider", "set", good_dll],
                ] {
                    assert_eq!(sb.run(args).code, 3, "{what}: {args:?}");
                }
                assert_eq!(sb.root.snapshot(), before, "{what}: nothing may change");
                // Repair makes the folder usable, touching only the backups.
                let settings = sb.root.read("service/MfaSettings.xml");
                assert_eq!(sb.run(&["backup", "repair"]).code, 0, "{what}: repair");
                assert_eq!(
                    sb.run(&["backup", "list"]).code,
                    0,
                    "{what}: list after repair"
                );
                assert_eq!(
                    sb.run(&["backup", "prune", "--keep", "1"]).code,
                    0,
                    "{what}: prune"
                );
                assert_eq!(sb.root.read("service/MfaSettings.xml"), settings, "{what}");
                assert!(
                    sb.root.path("service/MfaCerts/cert_key.p12").exists(),
                    "{what}"
                );
            }
            other => panic!("unknown kind {other}"),
        }
    }
}

#[test]
fn a_50_mb_element_and_100000_deep_nesting() {
    // 50 MB in one element: refused before it is read (MFA001), no panic.
    let mut big = b"<MfaSettings><LICENSE_KEY>".to_vec();
    big.resize(big.len() + 50_000_000, b'A');
    big.extend_from_slice(b"</LICENSE_KEY></MfaSettings>");
    let sb = Sandbox::new(&big);
    let before = sb.root.snapshot();
    let out = sb.run(&["status"]);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.contains("a real MfaSettings.xml is a few KB"),
        "{}",
        out.stderr
    );
    let out = sb.run(&["validate", "--json"]);
    assert_eq!(
        (
            out.code,
            finding_codes(&out.json()).contains(&"MFA001".to_string())
        ),
        (1, true)
    );
    assert_eq!(
        sb.run(&[
            "provider",
            "set",
            dll("CustomPhoneGate.dll").to_str().unwrap()
        ])
        .code,
        3
    );
    assert_eq!(sb.root.snapshot(), before);

    // 100,000 nested elements: read without recursion, no stack overflow.
    let depth = 100_000;
    let mut deep = b"<MfaSettings><Deep>".to_vec();
    deep.extend(b"<a>".repeat(depth));
    deep.extend(b"</a>".repeat(depth));
    deep.extend_from_slice(b"</Deep></MfaSettings>");
    let sb = Sandbox::new(&deep);
    assert_eq!(sb.run(&["status"]).code, 0);
    let out = sb.run(&["validate", "--json"]);
    assert_eq!(out.code, 1, "no provider (MFA010)");
    assert!(finding_codes(&out.json()).contains(&"MFA007".to_string()));
}
