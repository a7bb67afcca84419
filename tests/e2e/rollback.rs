//! Rollback that really rolls back: snapshots of the whole MFA state, a
//! backup store that trusts nothing, bounded reads, shared backup folders,
//! and the way back shown truthfully.

use crate::provider::dll;
use crate::sdk::sdk_zip;
use crate::util::*;
use serde_json::Value;
use std::fs;

fn gate() -> String {
    dll("CustomPhoneGate.dll").to_str().unwrap().to_string()
}

/// The example SDK folder after `sdk apply` of a zip whose certificate and
/// password differ from the example's.
fn applied_other_sdk(site: &Site) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let zip = sdk_zip(tmp.path(), "aes256.p12");
    let (code, v) = site.json(&["sdk", "apply", zip.to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["changed"], true);
    tmp
}

#[test]
fn restore_after_sdk_apply_brings_back_the_certificate_too() {
    let site = Site::example();
    site.json(&["backup"]);
    let _zip = applied_other_sdk(&site);
    // The new certificate went beside the one the old settings named.
    let settings = String::from_utf8(site.settings()).unwrap();
    assert!(
        !settings.contains("\\MfaCerts\\cert_key.p12<"),
        "{settings}"
    );
    let (code, v) = site.json(&["validate"]);
    assert_eq!(code, 0, "the applied state is sound: {v}");

    let (code, v) = site.json(&["restore", "latest"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(site.settings(), EXAMPLE_SETTINGS);
    assert_eq!(site.read("MfaCerts/cert_key.p12"), EXAMPLE_CERT);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "error"),
        "{v}"
    );
    let (code, v) = site.json(&["validate"]);
    assert_eq!(code, 0, "{v}");
    let codes = finding_codes(&v);
    assert!(
        !codes.iter().any(|c| c == "MFA023" || c == "MFA022"),
        "{codes:?}"
    );
    // Only the certificate the settings use is left in MfaCerts.
    let certs: Vec<_> = fs::read_dir(site.path("MfaCerts"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(certs.len(), 1, "{certs:?}");
}

#[test]
fn a_provider_dll_replaced_under_the_same_name_is_rolled_back() {
    let site = Site::with(
        format!(
            "<MfaSettings>\r\n  <Username>svc</Username>\r\n  <CustomPhoneProvider>{}\\Gate.dll</CustomPhoneProvider>\r\n</MfaSettings>\r\n",
            mimmfa::internals::STOCK_SERVICE_DIR
        )
        .as_bytes(),
    );
    let v1 = fs::read(dll("CustomPhoneGate.dll")).unwrap();
    let v2 = fs::read(dll("InheritedPhone.dll")).unwrap();
    site.write("Gate.dll", &v1);
    let update = tempfile::tempdir().unwrap();
    fs::write(update.path().join("Gate.dll"), &v2).unwrap();
    let (code, v) = site.json(&[
        "provider",
        "set",
        update.path().join("Gate.dll").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        site.read("Gate.dll"),
        v1,
        "the DLL in use is never overwritten"
    );
    let (code, v) = site.json(&["validate"]);
    assert_eq!(code, 0, "{v}");
    let (code, v) = site.json(&["restore", "latest"]);
    assert_eq!(code, 0, "{v}");
    assert!(
        String::from_utf8(site.settings())
            .unwrap()
            .contains("\\Gate.dll<")
    );
    assert_eq!(site.read("Gate.dll"), v1);
    // `diff` shows the DLL change next to the settings diff.
    let (code, v) = site.json(&["diff", v["snapshot"].as_str().unwrap(), "current"]);
    assert_eq!(code, 0, "{v}");
    let files = v["files"].as_array().unwrap();
    assert!(
        files.iter().any(|f| f["role"] == "provider"
            && f["before"]["summary"]
                .as_str()
                .unwrap()
                .contains("InheritedPhone")),
        "{v}"
    );
}

#[test]
fn latest_is_the_state_before_the_most_recent_change() {
    let site = Site::example();
    let g = gate();
    site.json(&["backup"]);
    for round in 0..2 {
        let (code, v) = site.json(&["provider", "set", &g]);
        assert_eq!(
            (code, &v["changed"]),
            (0, &Value::Bool(true)),
            "round {round}: {v}"
        );
        let (code, v) = site.json(&["restore", "latest"]);
        assert_eq!(
            (code, &v["changed"]),
            (0, &Value::Bool(true)),
            "round {round}: {v}"
        );
        assert_eq!(site.settings(), EXAMPLE_SETTINGS, "round {round}");
        assert_eq!(
            site.read("MfaCerts/cert_key.p12"),
            EXAMPLE_CERT,
            "round {round}"
        );
    }
    // A second restore latest changes nothing (idempotent).
    let before = site.snapshot();
    let (code, v) = site.json(&["restore", "latest"]);
    assert_eq!((code, &v["changed"]), (0, &Value::Bool(false)), "{v}");
    assert_eq!(site.snapshot(), before);
    // The restore itself can be undone by the id it names.
    let (_, list) = site.json(&["backup", "list"]);
    let undo = list["backups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["before_restore"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (code, _) = site.json(&["restore", &undo]);
    assert_eq!(code, 0);
    assert!(
        String::from_utf8(site.settings())
            .unwrap()
            .contains("CustomPhoneGate.dll")
    );
}

#[test]
fn a_label_given_to_state_already_saved_is_kept() {
    let site = Site::example();
    site.json(&["backup"]);
    let (code, v) = site.json(&["backup", "--label", "before change 4711"]);
    assert_eq!((code, &v["changed"]), (0, &Value::Bool(true)), "{v}");
    let (_, again) = site.json(&["backup", "--label", "before change 4711"]);
    assert_eq!(again["changed"], false, "{again}");
    let (_, list) = site.json(&["backup", "list"]);
    assert_eq!(list["backups"][0]["label"], "before change 4711");
    assert_eq!(
        list["backups"][0]["file"], list["backups"][1]["file"],
        "bytes stored once"
    );
}

#[test]
fn the_store_trusts_nothing_it_reads() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.xml");
    fs::write(&victim, b"keep me").unwrap();
    let site = Site::example();
    site.json(&["backup"]);
    let g = gate();
    site.json(&["provider", "set", &g]);
    let index = String::from_utf8(site.read("MfaBackups/index.json")).unwrap();
    let v: Value = serde_json::from_str(&index).unwrap();
    let first_file = v["backups"][0]["file"].as_str().unwrap().to_string();
    for evil in [
        "../MfaSettings.xml".to_string(),
        victim.display().to_string(),
    ] {
        site.write(
            "MfaBackups/index.json",
            index.replace(&first_file, &evil).as_bytes(),
        );
        let before = site.snapshot();
        let (code, v) = site.json(&["backup", "prune", "--keep", "1"]);
        assert_eq!(code, 3, "{evil}: {v}");
        assert!(v["msg"].as_str().unwrap().contains("backup repair"), "{v}");
        assert_eq!(site.snapshot(), before, "{evil}: nothing changed");
        assert_eq!(fs::read(&victim).unwrap(), b"keep me");
        // validate reports it as an error, naming the index.
        let (code, v) = site.json(&["validate"]);
        assert_eq!(code, 1);
        assert!(finding_codes(&v).contains(&"MFA062".to_string()), "{v}");
        // A changing command refuses: it cannot snapshot.
        let (code, _) = site.json(&["provider", "clear"]);
        assert_eq!(code, 3);
        assert_eq!(site.snapshot(), before);
    }
    // A sha256 that is not hex: a clear failure, as JSON, not a panic.
    let sha = v["backups"][0]["sha256"].as_str().unwrap();
    site.write("MfaBackups/index.json", index.replace(sha, "zz").as_bytes());
    let (code, v) = site.json(&["backup", "list"]);
    assert_eq!((code, &v["failed"]), (3, &Value::Bool(true)), "{v}");
    // Repair keeps what checks out and makes the folder usable again.
    let (code, v) = site.json(&["backup", "repair"]);
    assert_eq!((code, &v["changed"]), (0, &Value::Bool(true)), "{v}");
    // The one stored settings file no entry names any more comes back, of
    // unknown origin: listed with --all, nobody's `latest`.
    let (code, list) = site.json(&["backup", "list", "--all"]);
    assert_eq!(code, 0, "{list}");
    assert!(!list["backups"].as_array().unwrap().is_empty());
    assert!(list["backups"][0]["host"].is_null(), "{list}");
    assert!(
        fs::read_dir(site.path("MfaBackups"))
            .unwrap()
            .flatten()
            .any(|e| e
                .file_name()
                .to_string_lossy()
                .starts_with("index.json.damaged-"))
    );
    let (code, v) = site.json(&["validate"]);
    assert!(!finding_codes(&v).contains(&"MFA062".to_string()), "{v}");
    assert_eq!(code, 0, "{v}");
    // Prune then deletes only the store's own files.
    let (code, v) = site.json(&["backup", "prune", "--keep", "1"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(fs::read(&victim).unwrap(), b"keep me");
    assert!(site.path("MfaSettings.xml").exists());
}

#[cfg(unix)]
#[test]
fn devices_and_fifos_are_refused_quickly_by_every_reader() {
    use std::time::{Duration, Instant};
    let site = Site::empty();
    std::os::unix::fs::symlink("/dev/zero", site.path("MfaSettings.xml")).unwrap();
    let start = Instant::now();
    let (code, v) = site.json(&["validate"]);
    assert_eq!(code, 1, "{v}");
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("a device"),
        "{v}"
    );
    assert!(start.elapsed() < Duration::from_secs(10));
    let (code, v) = site.json(&["status"]);
    assert_eq!(code, 3, "{v}");

    let site = Site::empty();
    let fifo = site.path("MfaSettings.xml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for args in [
        &["validate"][..],
        &["status"],
        &["backup"],
        &["restore", "latest"],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mimmfa"))
            .args(AS_STOCK_COPY)
            .arg("-s")
            .arg(site.dir())
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break Some(s);
            }
            if start.elapsed() > Duration::from_secs(10) {
                child.kill().unwrap();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let status = status.unwrap_or_else(|| panic!("{args:?} hung on a FIFO"));
        assert!(matches!(status.code(), Some(1 | 3)), "{args:?}: {status:?}");
    }
    // A DLL or SDK zip that is a FIFO is refused too.
    let (code, v) = mimmfa_json(&["provider", "check", fifo.to_str().unwrap()]);
    assert_eq!(code, 3, "{v}");
    let (code, v) = mimmfa_json(&["sdk", "inspect", fifo.to_str().unwrap()]);
    assert_eq!(code, 3, "{v}");
}

fn mimmfa_json(args: &[&str]) -> (i32, Value) {
    let mut full = args.to_vec();
    full.push("--json");
    let out = mimmfa(&full);
    (out.code, out.json())
}

#[cfg(unix)]
#[test]
fn links_and_read_only_files_are_never_silently_split_or_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let g = gate();
    // A symlinked settings file: the target is rewritten, the link stays.
    let site = Site::example();
    let real = site.path("real/MfaSettings.xml");
    fs::create_dir_all(real.parent().unwrap()).unwrap();
    fs::rename(site.path("MfaSettings.xml"), &real).unwrap();
    std::os::unix::fs::symlink(&real, site.path("MfaSettings.xml")).unwrap();
    let (code, v) = site.json(&["provider", "set", &g]);
    assert_eq!(code, 0, "{v}");
    assert!(
        fs::symlink_metadata(site.path("MfaSettings.xml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        String::from_utf8(fs::read(&real).unwrap())
            .unwrap()
            .contains("CustomPhoneGate.dll")
    );

    // A hard-linked one: refused, nothing changed.
    let site = Site::example();
    fs::hard_link(site.path("MfaSettings.xml"), site.path("copy.xml")).unwrap();
    let before = site.snapshot();
    let (code, v) = site.json(&["provider", "set", &g]);
    assert_eq!(code, 3, "{v}");
    assert!(v["msg"].as_str().unwrap().contains("hard links"), "{v}");
    assert_eq!(site.snapshot(), before);

    // A read-only one: refused, naming the attribute, unless --force.
    let site = Site::example();
    fs::set_permissions(
        site.path("MfaSettings.xml"),
        fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    let before = site.snapshot();
    let (code, v) = site.json(&["provider", "set", &g]);
    assert_eq!(code, 3, "{v}");
    assert!(v["msg"].as_str().unwrap().contains("read-only"), "{v}");
    assert_eq!(site.snapshot(), before);
    let (code, v) = site.json(&["provider", "set", &g, "--force"]);
    assert_eq!(code, 0, "{v}");
}

#[test]
fn a_shared_backup_folder_keeps_each_settings_file_apart() {
    let shared = tempfile::tempdir().unwrap();
    let b = shared.path().to_str().unwrap();
    let one = Site::example();
    let two = Site::example();
    let g = gate();
    assert_eq!(one.json(&["--backup-dir", b, "backup"]).0, 0);
    assert_eq!(two.json(&["--backup-dir", b, "provider", "set", &g]).0, 0);
    // Server two's newest snapshot is SDK mode; server one's file is too.
    // restore latest on one must use one's own snapshot.
    assert_eq!(one.json(&["--backup-dir", b, "provider", "set", &g]).0, 0);
    let (code, v) = one.json(&["--backup-dir", b, "restore", "latest"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(one.settings(), EXAMPLE_SETTINGS);
    let (_, list) = one.json(&["--backup-dir", b, "backup", "list"]);
    let own = list["backups"].as_array().unwrap();
    assert!(
        own.iter().all(|e| e["settings_path"]
            .as_str()
            .unwrap()
            .starts_with(&mimmfa::internals::absolute_display(one.dir()))),
        "{list}"
    );
    let (_, all) = one.json(&["--backup-dir", b, "backup", "list", "--all"]);
    assert!(all["backups"].as_array().unwrap().len() > own.len());
    // Another server's snapshot by id: refused with where it came from.
    let (_, theirs) = two.json(&["--backup-dir", b, "backup", "list"]);
    let id = theirs["backups"][0]["id"].as_str().unwrap().to_string();
    if !own.iter().any(|e| e["id"] == id.as_str()) {
        let (code, v) = one.json(&["--backup-dir", b, "restore", &id]);
        assert_eq!(code, 3, "{v}");
    }
    // Concurrent runs against both folders: all succeed, nothing is lost.
    let results: Vec<i32> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..8)
            .map(|i| {
                let (site, g) = (if i % 2 == 0 { &one } else { &two }, g.clone());
                s.spawn(move || {
                    let args = if i % 4 < 2 {
                        vec!["--backup-dir", b, "provider", "set", &g]
                    } else {
                        vec!["--backup-dir", b, "restore", "latest"]
                    };
                    site.run(&args).code
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(results.iter().all(|c| *c == 0 || *c == 4), "{results:?}");
    let (code, all) = one.json(&["--backup-dir", b, "backup", "list", "--all"]);
    assert_eq!(code, 0);
    assert!(
        all["backups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["intact"] == true),
        "{all}"
    );
}

#[test]
fn a_closed_stderr_or_stdout_never_panics_or_changes_the_exit_code() {
    use std::process::{Command, Stdio};
    let site = Site::example();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = Command::new(assert_cmd::cargo::cargo_bin("mimmfa"))
        .args(AS_STOCK_COPY)
        .args([
            "-s",
            site.dir().to_str().unwrap(),
            "provider",
            "set",
            &gate(),
        ])
        .stdout(Stdio::from(writer.try_clone().unwrap()))
        .stderr(Stdio::from(writer))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0), "the work was done: exit 0, not 101");
    assert!(
        String::from_utf8(site.settings())
            .unwrap()
            .contains("CustomPhoneGate.dll")
    );
}

#[test]
fn the_way_back_is_visible_and_true() {
    let site = Site::example();
    let g = gate();
    // No snapshot at all: MFA060.
    let (_, v) = site.json(&["validate"]);
    assert!(finding_codes(&v).contains(&"MFA060".to_string()));
    // Dry runs name what they would replace and save.
    let out = site.run(&["provider", "set", &g, "--dry-run"]);
    assert!(
        out.stdout.contains("cert_key.p12") && out.stdout.contains("into the backup"),
        "{}",
        out.stdout
    );
    // Right after a change (which took a snapshot): no MFA060.
    site.json(&["provider", "set", &g]);
    let (_, v) = site.json(&["validate"]);
    assert!(!finding_codes(&v).contains(&"MFA060".to_string()), "{v}");
    // The SDK certificate is no longer left in MfaCerts: it is in the snapshot.
    assert!(!site.path("MfaCerts/cert_key.p12").exists());
    // restore --dry-run says which snapshot it would use.
    let (_, list) = site.json(&["backup", "list"]);
    let id = list["backups"][0]["id"].as_str().unwrap().to_string();
    let out = site.run(&["restore", "latest", "--dry-run"]);
    assert!(out.stdout.contains(&id), "{}", out.stdout);
    assert!(out.stdout.contains("cert_key.p12"), "{}", out.stdout);
    // After the restore: no loop between status and backup.
    site.json(&["restore", "latest"]);
    assert_eq!(site.read("MfaCerts/cert_key.p12"), EXAMPLE_CERT);
    let out = site.run(&["status"]);
    assert!(
        !out.stdout.contains("run `mimmfa backup`"),
        "{}",
        out.stdout
    );
    let (_, v) = site.json(&["backup"]);
    assert_eq!(v["changed"], false, "{v}");
    let (_, v) = site.json(&["validate"]);
    assert!(!finding_codes(&v).contains(&"MFA060".to_string()), "{v}");
    // Changed outside mimmfa: MFA060 says so, and status asks for a backup.
    let edited = String::from_utf8(site.settings())
        .unwrap()
        .replace(">1<", ">44<");
    site.write("MfaSettings.xml", edited.as_bytes());
    let (_, v) = site.json(&["validate"]);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "MFA060")
        .cloned();
    assert!(
        f.unwrap()["message"]
            .as_str()
            .unwrap()
            .contains("outside mimmfa")
    );
    let out = site.run(&["status"]);
    assert!(out.stdout.contains("run `mimmfa backup`"), "{}", out.stdout);
}

#[test]
fn a_restore_that_brings_errors_is_refused_and_forced_exits_1_without_restart() {
    let site = Site::example();
    site.json(&["backup"]);
    site.json(&["provider", "set", &gate()]);
    // Someone damages the snapshot's certificate: restore refuses it whole.
    let (_, list) = site.json(&["backup", "list"]);
    let cert = list["backups"][0]["side_files"][0]["file"]
        .as_str()
        .unwrap()
        .to_string();
    let stored = site.path("MfaBackups").join(&cert);
    let good = fs::read(&stored).unwrap();
    fs::write(&stored, b"not a certificate").unwrap();
    let before = site.snapshot();
    let (code, v) = site.json(&["restore", "latest"]);
    assert_eq!(code, 3, "{v}");
    assert_eq!(site.snapshot(), before, "nothing restored");
    fs::write(&stored, &good).unwrap();
    // A snapshot whose settings name a certificate it does not hold.
    site.write(
        "MfaSettings.xml",
        &String::from_utf8(EXAMPLE_SETTINGS.to_vec())
            .unwrap()
            .replace("cert_key.p12", "gone.p12")
            .into_bytes(),
    );
    site.json(&["backup"]);
    site.json(&["provider", "set", &gate()]);
    // The dry run and the real run agree: refused, the same findings.
    let before = site.snapshot();
    let (code, dry) = site.json(&["restore", "latest", "--dry-run"]);
    assert_eq!(code, 3, "{dry}");
    let (code, v) = site.json(&["restore", "latest"]);
    assert_eq!(code, 3, "{v}");
    assert_eq!(dry["findings"], v["findings"]);
    assert!(finding_codes(&v).contains(&"MFA022".to_string()), "{v}");
    assert_eq!(site.snapshot(), before, "nothing restored");
    let (code, v) = site.json(&["restore", "latest", "--force"]);
    assert_eq!(code, 1, "{v}");
    assert!(
        !v["msg"]
            .as_str()
            .unwrap()
            .contains("restart the MIM Service (FIMService) to use"),
        "{v}"
    );
    assert!(finding_codes(&v).contains(&"MFA022".to_string()), "{v}");
}

#[test]
fn small_truths() {
    let site = Site::example();
    site.json(&["backup"]);
    // restore "" is a usage error, not "every id".
    assert_eq!(site.run(&["restore", ""]).code, 2);
    // A damaged or oversized current file does not stop restore: its bytes
    // are kept, then replaced.
    let big = vec![b'x'; 2 << 20];
    site.write("MfaSettings.xml", &big);
    let (code, v) = site.json(&["restore", "latest"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(site.settings(), EXAMPLE_SETTINGS);
    let (_, list) = site.json(&["backup", "list"]);
    assert!(
        list["backups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["size"] == big.len())
    );
    // MIMMFA_SERVICE_DIR="" counts as unset; provider check needs no folder.
    let out = assert_cmd::Command::cargo_bin("mimmfa")
        .unwrap()
        .args(["provider", "check", &gate()])
        .env("MIMMFA_SERVICE_DIR", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = assert_cmd::Command::cargo_bin("mimmfa")
        .unwrap()
        .args(["status"])
        .env("MIMMFA_SERVICE_DIR", "")
        .output()
        .unwrap();
    let expected = if cfg!(windows) { 3 } else { 2 };
    assert_eq!(
        out.status.code(),
        Some(expected),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // --dirs-from in UTF-16 with a BOM (PowerShell 5.1's `>`) or UTF-8 with one.
    let list_dir = tempfile::tempdir().unwrap();
    let line = format!("{}\r\n", site.dir().display());
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(line.encode_utf16().flat_map(u16::to_le_bytes));
    let mut utf8 = b"\xEF\xBB\xBF".to_vec();
    utf8.extend(line.as_bytes());
    for (name, bytes) in [("utf16.txt", utf16), ("utf8.txt", utf8)] {
        let p = list_dir.path().join(name);
        fs::write(&p, bytes).unwrap();
        let (code, v) = mimmfa_json(&["validate", "--dirs-from", p.to_str().unwrap()]);
        assert!(code == 0 || code == 1, "{name}: {v}");
        assert!(
            v["msg"].as_str().unwrap().starts_with("1 folder(s)"),
            "{name}: {v}"
        );
        assert!(
            !finding_codes(&v).contains(&"MFA001".to_string()),
            "{name}: {v}"
        );
    }
}

/// The MIM Service holds the DLL the settings name open: a new build goes
/// beside it under a new name, and the loaded one is never touched.
#[cfg(windows)]
#[test]
fn a_new_build_of_the_dll_in_use_goes_beside_it_while_it_is_held_open() {
    use std::os::windows::fs::OpenOptionsExt;
    let site = Site::with(
        format!(
            "<MfaSettings>\r\n  <Username>svc</Username>\r\n  <CustomPhoneProvider>{}\\Gate.dll</CustomPhoneProvider>\r\n</MfaSettings>\r\n",
            mimmfa::internals::STOCK_SERVICE_DIR
        )
        .as_bytes(),
    );
    let v1 = fs::read(dll("CustomPhoneGate.dll")).unwrap();
    site.write("Gate.dll", &v1);
    let update = tempfile::tempdir().unwrap();
    fs::write(
        update.path().join("Gate.dll"),
        fs::read(dll("InheritedPhone.dll")).unwrap(),
    )
    .unwrap();
    let held = fs::OpenOptions::new()
        .read(true)
        .share_mode(1) // FILE_SHARE_READ only, as a loaded DLL
        .open(site.path("Gate.dll"))
        .unwrap();
    let (code, v) = site.json(&[
        "provider",
        "set",
        update.path().join("Gate.dll").to_str().unwrap(),
    ]);
    drop(held);
    assert_eq!(code, 0, "{v}");
    assert_eq!(site.read("Gate.dll"), v1);
    let set = v["custom_phone_provider"].as_str().unwrap();
    assert!(
        set.contains("\\Gate.") && !set.ends_with("\\Gate.dll"),
        "{v}"
    );
}
