//! Plan, judge, then act: each changing command's plan is checked against
//! its invariants and the audit of the state it leaves before anything is
//! touched; a dry run says exactly what the real run does.

use crate::provider::dll;
use crate::sdk::sdk_zip;
use crate::util::*;
use std::path::Path;

const MIM_EXE: &str = "Microsoft.ResourceManagement.Service.exe";
const CONTRACT: &str = "Microsoft.IdentityManagement.PhoneServiceProviderContract.dll";

fn gate() -> String {
    dll("CustomPhoneGate.dll").display().to_string()
}

fn example_with(from: &str, to: &str) -> Site {
    let site = Site::example();
    let text = String::from_utf8(EXAMPLE_SETTINGS.to_vec())
        .unwrap()
        .replace(from, to);
    site.write("MfaSettings.xml", text.as_bytes());
    site
}

/// The store as bytes: index and every stored file.
fn store(site: &Site) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(site.path("MfaBackups"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().ends_with(".lock"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_cert_path_naming_the_settings_file_never_deletes_it() {
    let site = example_with(r"MfaCerts\cert_key.p12", "MfaSettings.xml");
    let (_, v) = site.json(&["validate"]);
    assert!(finding_codes(&v).contains(&"MFA023".to_string()), "{v}");
    let (code, v) = site.json(&["provider", "set", &gate(), "-y"]);
    assert_eq!(code, 0, "{v}");
    let now = site.settings();
    assert!(
        String::from_utf8_lossy(&now).contains("<CustomPhoneProvider>"),
        "the settings file is there, with the change"
    );
    assert!(
        v["warnings"].to_string().contains("left")
            && v["warnings"].to_string().contains("settings file itself"),
        "{v}"
    );
    // sdk apply, the natural fix, too.
    let site = example_with(r"MfaCerts\cert_key.p12", "MfaSettings.xml");
    let zip = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sdk_aspnet_csharp.zip");
    let (code, v) = site.json(&["sdk", "apply", zip.to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    assert!(site.path("MfaSettings.xml").is_file());
    assert_eq!(site.json(&["validate"]).0, 0);
}

#[test]
fn a_cert_path_naming_a_microsoft_dll_never_deletes_it() {
    let site = example_with(r"MfaCerts\cert_key.p12", CONTRACT);
    let contract = site.read(CONTRACT);
    let (code, v) = site.json(&["provider", "set", &gate()]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        site.read(CONTRACT),
        contract,
        "Microsoft's DLL is untouched"
    );
}

#[test]
fn a_switch_the_mim_build_cannot_run_is_refused_dry_run_alike() {
    let site = Site::example();
    let exe = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mim-build/4.4.1749.0")
        .join(MIM_EXE);
    site.write(MIM_EXE, &std::fs::read(exe).unwrap());
    let before = site.snapshot();
    let (dry_code, dry) = site.json(&["provider", "set", &gate(), "--dry-run"]);
    let (code, v) = site.json(&["provider", "set", &gate()]);
    assert_eq!((dry_code, code), (3, 3), "{v}");
    assert!(finding_codes(&v).contains(&"MFA014".to_string()), "{v}");
    assert_eq!(dry["findings"], v["findings"]);
    assert!(
        !v["msg"]
            .as_str()
            .unwrap()
            .contains("restart the MIM Service (FIMService)")
    );
    assert_eq!(site.snapshot(), before, "nothing written, no backup");
}

#[test]
fn username_and_country_code_flags_replace_the_files_values() {
    let site = Site::example();
    let zip = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sdk_aspnet_csharp.zip");
    let zip = zip.to_str().unwrap();
    let (code, v) = site.json(&[
        "sdk",
        "apply",
        zip,
        "--username",
        "U",
        "--country-code",
        "44",
        "--dry-run",
    ]);
    assert_eq!(code, 0, "{v}");
    let after = v["diff"]["after"].as_str().unwrap();
    assert!(
        after.contains("<username>U</username>") && after.contains(">44<"),
        "{after}"
    );
    let (code, _) = site.json(&[
        "sdk",
        "apply",
        zip,
        "--username",
        "U",
        "--country-code",
        "44",
    ]);
    assert_eq!(code, 0);
    let text = String::from_utf8(site.settings()).unwrap();
    assert!(text.contains("<username>U</username>"), "{text}");
    assert!(
        text.contains("<DefaultCountryCode>44</DefaultCountryCode>"),
        "{text}"
    );
}

#[test]
fn a_settings_file_over_the_read_limit_is_never_written() {
    // 1,048,556 bytes: an sdk apply would grow it past 1 MiB.
    let site = Site::example();
    let text = String::from_utf8(EXAMPLE_SETTINGS.to_vec()).unwrap();
    let pad = 1_048_556 - text.len() - "<!--  -->".len();
    let big = text.replace(
        "<MfaSettings>",
        &format!("<!-- {} -->\r\n<MfaSettings>", "x".repeat(pad - 2)),
    );
    site.write("MfaSettings.xml", big.as_bytes());
    assert!(site.settings().len() <= 1 << 20);
    let before = site.snapshot();
    let tmp = tempfile::tempdir().unwrap();
    let zip = sdk_zip(tmp.path(), "aes256.p12");
    let (code, v) = site.json(&[
        "sdk",
        "apply",
        zip.to_str().unwrap(),
        "--username",
        "a-much-longer-user-name@contoso.example",
    ]);
    assert_eq!(code, 3, "{v}");
    assert!(v["msg"].as_str().unwrap().contains("over the"), "{v}");
    assert_eq!(site.snapshot(), before);
}

#[test]
fn another_programs_edit_between_read_and_rename_is_kept_not_lost() {
    let site = Site::example();
    let marker = site.dir().join("paused");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mimmfa"))
        .args(AS_STOCK_COPY)
        .arg("--service-dir")
        .arg(site.dir())
        .args(["--json", "provider", "set", &gate()])
        .env("MIMMFA_TEST_PAUSE_BEFORE_RENAME", &marker)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while !marker.exists() {
        assert!(
            start.elapsed().as_secs() < 60,
            "mimmfa never reached its rename"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // Notepad saves while mimmfa waits at its rename of the settings.
    let edited = String::from_utf8(EXAMPLE_SETTINGS.to_vec())
        .unwrap()
        .replace("<DefaultCountryCode>1<", "<DefaultCountryCode>44<");
    std::fs::write(site.path("MfaSettings.xml"), &edited).unwrap();
    std::fs::remove_file(&marker).unwrap();
    let out = child.wait_with_output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(3), "{v}");
    assert!(
        v["msg"].as_str().unwrap().contains("another program"),
        "{v}"
    );
    assert_eq!(site.settings(), edited.as_bytes(), "their edit stands");
    assert!(
        !site.path("CustomPhoneGate.dll").exists(),
        "the copied DLL is taken back"
    );
    assert_eq!(
        std::fs::read(site.path("MfaCerts/cert_key.p12")).unwrap(),
        EXAMPLE_CERT
    );
    let (_, list) = site.json(&["backup", "list"]);
    let backups = list["backups"].as_array().unwrap();
    assert_eq!(
        backups.len(),
        1,
        "only the snapshot of their version: {list}"
    );
    assert_eq!(backups[0]["sha256"], sha256(edited.as_bytes()));
    assert!(!site.path("MfaSettings.xml.journal").exists());
}

#[test]
fn a_full_disk_at_any_write_leaves_folder_and_store_as_they_were() {
    // Every write of the run fails in turn: the store's files, the index,
    // the journal, the side file, the settings.
    let mut failed_at = 0;
    for n in 1..=12 {
        let site = Site::example();
        site.json(&["backup", "--label", "first"]);
        let (folder, kept) = (site.snapshot(), store(&site));
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("mimmfa"))
            .args(AS_STOCK_COPY)
            .arg("--service-dir")
            .arg(site.dir())
            .args(["--json", "provider", "set", &gate()])
            .env("MIMMFA_TEST_FAIL_WRITE", n.to_string())
            .output()
            .unwrap();
        if out.status.code() == Some(0) {
            break; // past the last write
        }
        failed_at = n;
        assert_eq!(
            out.status.code(),
            Some(3),
            "write {n}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(store(&site), kept, "write {n}: the store is as it was");
        let now = site.snapshot();
        let changed: Vec<_> = now
            .iter()
            .filter(|(p, v)| folder.get(*p).map(|x| &x.0) != Some(&v.0))
            .map(|(p, _)| p.display().to_string())
            .filter(|p| !p.ends_with(".lock"))
            .collect();
        assert!(changed.is_empty(), "write {n}: changed {changed:?}");
        assert!(!site.path("MfaSettings.xml.journal").exists(), "write {n}");
    }
    assert!(
        failed_at >= 5,
        "the run has several writes to fail ({failed_at})"
    );
}

#[test]
fn wait_lets_a_second_run_wait_for_the_first_instead_of_exiting_4() {
    let site = Site::example();
    let marker = site.dir().join("paused");
    let bin = assert_cmd::cargo::cargo_bin("mimmfa");
    let start_run = |args: &[&str], pause: bool| {
        let mut cmd = std::process::Command::new(&bin);
        cmd.args(AS_STOCK_COPY)
            .arg("--service-dir")
            .arg(site.dir())
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        if pause {
            cmd.env("MIMMFA_TEST_PAUSE_BEFORE_RENAME", &marker);
        }
        cmd.spawn().unwrap()
    };
    let first = start_run(&["provider", "set", &gate()], true);
    let start = std::time::Instant::now();
    while !marker.exists() {
        assert!(start.elapsed().as_secs() < 60, "the first run never paused");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // No --wait: busy at once, and told how to wait.
    let out = site.run(&["provider", "clear", "--force"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("--wait"), "{}", out.stderr);
    // --wait 30: it waits, then works on what the first one left.
    let second = start_run(
        &["--wait", "30", "--json", "provider", "clear", "--force"],
        false,
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    std::fs::remove_file(&marker).unwrap();
    let first = first.wait_with_output().unwrap();
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let second = second.wait_with_output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(
        second.status.code(),
        Some(1),
        "cleared, leaving MFA010: {v}"
    );
    assert_eq!(v["changed"], true, "{v}");
}
