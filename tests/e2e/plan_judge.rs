//! Plan, judge, then act: each changing command's plan is checked against
//! its invariants and the audit of the state it leaves before anything is
//! touched; a dry run says exactly what the real run does.

use crate::provider::dll;
use crate::sdk::sdk_zip;
use crate::util::*;
use serde_json::Value;
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

/// A journal is not trusted: `..` paths, the settings file and the named
/// certificate are never removed by a recovery, whatever it says.
#[test]
fn a_tampered_journal_touches_nothing_outside_or_protected() {
    let outer = tempfile::tempdir().unwrap();
    let site_dir = outer.path().join("Service");
    std::fs::create_dir(&site_dir).unwrap();
    let site = Site::example();
    // The example, moved under a folder with a victim beside it.
    for rel in ["MfaSettings.xml", "MfaCerts/cert_key.p12"] {
        let to = site_dir.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(site.path(rel), &to).unwrap();
    }
    let victim = outer.path().join("victim.txt");
    std::fs::write(&victim, b"not mimmfa's").unwrap();
    let settings = std::fs::read(site_dir.join("MfaSettings.xml")).unwrap();
    let cert = std::fs::read(site_dir.join("MfaCerts/cert_key.p12")).unwrap();
    let d = site_dir.display().to_string();
    let places = [
        (format!("{d}/../victim.txt"), sha256(b"not mimmfa's")),
        (
            format!("{d}/MfaCerts/../MfaSettings.xml"),
            sha256(&settings),
        ),
        (
            format!("{d}/MfaCerts/../MfaCerts/cert_key.p12"),
            sha256(&cert),
        ),
    ];
    let journal = serde_json::json!({
        "reason": "before provider set",
        "settings_before": sha256(&settings),
        "settings_writes": ["0".repeat(64)],
        "places": places.iter().map(|(p, s)| serde_json::json!({"path": p, "sha256": s, "replaces": null, "after_writes": 0})).collect::<Vec<_>>(),
        "retires": [],
        "snapshot": null,
        "new_blobs": [],
    });
    std::fs::write(
        site_dir.join("MfaSettings.xml.journal"),
        journal.to_string(),
    )
    .unwrap();
    let out = mimmfa(&["-s", &d, "backup", "prune", "--keep", "1000"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read(&victim).unwrap(), b"not mimmfa's");
    assert_eq!(
        std::fs::read(site_dir.join("MfaSettings.xml")).unwrap(),
        settings
    );
    assert_eq!(
        std::fs::read(site_dir.join("MfaCerts/cert_key.p12")).unwrap(),
        cert
    );
}

/// A certificate or folder that is a symbolic link is never written or
/// removed through: not out of the Service folder, not into the store.
#[cfg(unix)]
#[test]
fn symlinked_certificates_and_folders_are_never_written_or_removed_through() {
    // cert_key.p12 a link to a file outside: sdk apply refuses to write it.
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, b"keep me").unwrap();
    let site = Site::example();
    site.json(&["provider", "set", &gate()]);
    std::fs::remove_file(site.path("MfaCerts/cert_key.p12")).ok();
    std::os::unix::fs::symlink(&victim, site.path("MfaCerts/cert_key.p12")).unwrap();
    let zip = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sdk_aspnet_csharp.zip");
    let (code, v) = site.json(&["sdk", "apply", zip.to_str().unwrap()]);
    assert_eq!(code, 3, "{v}");
    assert!(v["msg"].as_str().unwrap().contains("symbolic link"), "{v}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");

    // CertFilePath through a linked folder into the store: provider set
    // does not retire (delete) the store's file.
    let site = Site::example();
    site.json(&["backup"]);
    let blob = std::fs::read_dir(site.path("MfaBackups"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("cert_key."))
        .unwrap();
    std::os::unix::fs::symlink("../MfaBackups", site.path("MfaCerts/store")).unwrap();
    let text = String::from_utf8(site.settings())
        .unwrap()
        .replace(r"MfaCerts\cert_key.p12", &format!(r"MfaCerts\store\{blob}"));
    site.write("MfaSettings.xml", text.as_bytes());
    let (code, v) = site.json(&["provider", "set", &gate()]);
    assert!(code == 0 || code == 1, "{v}");
    assert!(
        site.path("MfaBackups").join(&blob).is_file(),
        "the store's file is still there"
    );
    assert!(!finding_codes(&site.json(&["validate"]).1).contains(&"MFA061".to_string()));
}

/// `sdk apply --cert-dir DIR` puts the certificate in DIR even when the
/// settings already name a copy of it elsewhere: a flag is never ignored.
#[test]
fn cert_dir_is_honoured_when_a_copy_is_already_named() {
    let site = Site::example();
    let zip = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sdk_aspnet_csharp.zip");
    let other = site.path("OtherCerts");
    let (code, v) = site.json(&[
        "sdk",
        "apply",
        zip.to_str().unwrap(),
        "--cert-dir",
        other.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["changed"], true, "{v}");
    assert!(other.join("cert_key.p12").is_file());
    assert!(
        String::from_utf8(site.settings())
            .unwrap()
            .contains(r"\OtherCerts\cert_key.p12")
    );
}

/// A journal that names an unrelated snapshot does not get it removed.
#[test]
fn a_journal_naming_another_snapshot_does_not_remove_it() {
    let site = Site::example();
    let (_, v) = site.json(&["backup", "--label", "keep me"]);
    let id = v["snapshot"].as_str().unwrap().to_string();
    let journal = serde_json::json!({
        "reason": "before provider set",
        "settings_before": sha256(&site.settings()),
        "settings_writes": ["0".repeat(64)],
        "places": [], "retires": [], "snapshot": id, "new_blobs": [],
    });
    site.write("MfaSettings.xml.journal", journal.to_string().as_bytes());
    let out = site.run(&["backup", "prune", "--keep", "1000"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (_, list) = site.json(&["backup", "list"]);
    assert!(list.to_string().contains(&id), "{list}");
    assert!(!site.path("MfaSettings.xml.journal").exists());
}

/// Stored files no backup names (a run killed between storing and
/// indexing, or a prune between its index and its deletions) are removed
/// by the next changing run; a file that is not the store's own stays.
#[test]
fn stored_files_no_backup_names_are_removed_by_the_next_change() {
    let site = Site::example();
    site.json(&["backup"]);
    let orphan = format!("cert_key.{}.p12", sha256(b"an orphan"));
    site.write(&format!("MfaBackups/{orphan}"), b"an orphan");
    let liar = format!("cert_key.{}.p12", sha256(b"other bytes"));
    site.write(&format!("MfaBackups/{liar}"), b"not what its name says");
    site.write("MfaBackups/notes.txt", b"an admin's note");
    let out = site.run(&["backup", "prune", "--keep", "1000"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("no backup names"), "{}", out.stderr);
    assert!(!site.path(&format!("MfaBackups/{orphan}")).exists());
    assert!(
        site.path(&format!("MfaBackups/{liar}")).exists(),
        "bytes that do not match are not ours"
    );
    assert!(site.path("MfaBackups/notes.txt").exists());
    assert_eq!(
        site.json(&["validate"]).1["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "MFA061")
            .count(),
        0
    );
}

/// A dry run shows the files besides the settings as `mimmfa diff` does:
/// the DLL it would copy in, with its assembly name, and the certificate
/// it would move into the backup.
#[test]
fn a_dry_run_shows_side_files_as_diff_does() {
    let site = Site::example();
    let before = site.snapshot();
    let out = site.run(&["provider", "set", &gate(), "--dry-run"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let text = &out.stdout;
    let dll_hunk = text
        .find("provider ")
        .map(|i| &text[i..])
        .unwrap_or_else(|| panic!("no provider hunk: {text}"));
    assert!(
        dll_hunk.contains(
            "CustomPhoneGate.dll:\n  - now: absent\n  + planned: assembly CustomPhoneGate"
        ),
        "{text}"
    );
    assert!(
        text.contains("certificate ") && text.contains("  + planned: absent"),
        "the retired certificate: {text}"
    );
    assert_eq!(site.snapshot(), before, "a dry run writes nothing");
    // The same text `diff` gives after the real run, between the snapshot
    // and now.
    assert_eq!(site.run(&["provider", "set", &gate()]).code, 0);
    let diff = site.run(&["diff", "latest", "current"]);
    assert!(
        diff.stdout.contains("+ ") && diff.stdout.contains("assembly CustomPhoneGate"),
        "{}",
        diff.stdout
    );
}

/// `backup prune --dry-run` shows its whole plan (the index, then every
/// stored file it deletes), and the real run deletes exactly those files.
#[test]
fn a_prune_dry_run_names_every_file_the_prune_deletes() {
    let site = Site::example();
    for n in 0..3 {
        assert_eq!(site.json(&["backup", "--label", &format!("b{n}")]).0, 0);
        site.write(
            "MfaSettings.xml",
            &[EXAMPLE_SETTINGS, format!("<!-- {n} -->").as_bytes()].concat(),
        );
    }
    let store = site.path("MfaBackups");
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(&store)
            .unwrap()
            .map(|e| e.unwrap().path().display().to_string())
            .collect();
        names.sort();
        names
    };
    let before = site.snapshot();
    let (code, dry) = site.json(&["backup", "prune", "--keep", "1", "--dry-run"]);
    assert_eq!(code, 0, "{dry}");
    assert_eq!(site.snapshot(), before, "a dry run deletes nothing");
    let mut planned: Vec<String> = dry["would_delete"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    planned.sort();
    assert_eq!(
        planned.len(),
        2,
        "two settings versions only they stored: {dry}"
    );
    let human = site.run(&["backup", "prune", "--keep", "1", "--dry-run"]);
    for p in &planned {
        assert!(
            human.stdout.contains(&format!("delete {p}")),
            "{}",
            human.stdout
        );
    }
    assert!(
        human.stdout.contains("index.json without backup(s)"),
        "{}",
        human.stdout
    );
    let listed = listing();
    let (code, real) = site.json(&["backup", "prune", "--keep", "1"]);
    assert_eq!(code, 0, "{real}");
    assert_eq!(real["deleted"], dry["deleted"]);
    assert!(real.get("would_delete").is_none());
    let gone: Vec<String> = listed
        .into_iter()
        .filter(|p| !listing().contains(p))
        .collect();
    assert_eq!(
        gone, planned,
        "the real run deletes exactly the plan's files"
    );
}

/// `backup --dry-run` is a plan like the other changing commands': the
/// snapshot step, and every file of the store the real run then writes.
#[test]
fn a_backup_dry_run_names_every_file_the_backup_writes() {
    let site = Site::example();
    let store = site.path("MfaBackups");
    let written_by = |args: &[&str]| -> (Value, Vec<String>) {
        let before = site.snapshot();
        let (code, doc) = site.json(args);
        assert_eq!(code, 0, "{doc}");
        let mut written: Vec<String> = site
            .snapshot()
            .into_iter()
            .filter(|(p, v)| p.starts_with(&store) && before.get(p) != Some(v))
            .map(|(p, _)| p.display().to_string())
            .collect();
        written.sort();
        (doc, written)
    };
    // A first backup (no store yet), then one of a changed file (its
    // certificate, if any, is stored already).
    for n in 0..2 {
        if n == 1 {
            site.write(
                "MfaSettings.xml",
                &[EXAMPLE_SETTINGS, b"<!-- changed -->"].concat(),
            );
        }
        let (dry, nothing) = written_by(&["backup", "--dry-run"]);
        assert!(nothing.is_empty(), "a dry run writes nothing: {nothing:?}");
        let mut planned: Vec<String> = dry["would_write"]
            .as_array()
            .unwrap_or_else(|| panic!("no would_write: {dry}"))
            .iter()
            .map(|p| p.as_str().unwrap().to_string())
            .collect();
        planned.sort();
        assert_eq!(dry["plan"][0]["op"], "snapshot", "{dry}");
        let human = site.run(&["backup", "--dry-run"]);
        assert!(
            human.stdout.contains("plan:\n  1. snapshot "),
            "{}",
            human.stdout
        );
        for p in &planned {
            assert!(
                human.stdout.contains(&format!("would write {p}")),
                "{p}: {}",
                human.stdout
            );
        }
        let (real, written) = written_by(&["backup"]);
        assert!(real.get("would_write").is_none(), "{real}");
        assert_eq!(
            written, planned,
            "backup {n}: the real run writes the plan's files"
        );
    }
}
