//! The basics of a safe change: lossless edits, backups, restore, diff,
//! status, dry runs, locks.

use crate::util::*;
use std::fs;

#[test]
fn backup_edit_restore_gives_back_every_byte() {
    let site = Site::example();
    assert!(
        EXAMPLE_SETTINGS.starts_with(b"\xEF\xBB\xBF")
            && EXAMPLE_SETTINGS.windows(2).any(|w| w == b"\r\n")
    );
    let (code, v) = site.json(&["backup", "--label", "before"]);
    assert_eq!((code, v["changed"].as_bool()), (0, Some(true)));
    // An admin edits the file by hand.
    let edited = String::from_utf8(EXAMPLE_SETTINGS.to_vec())
        .unwrap()
        .replace(">1<", ">44<");
    site.write("MfaSettings.xml", edited.as_bytes());
    let (code, v) = site.json(&["restore", "latest"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["changed"], true);
    assert_eq!(
        site.settings(),
        EXAMPLE_SETTINGS,
        "byte-identical after restore"
    );
    // The edited version was backed up before it was replaced.
    let (_, list) = site.json(&["backup", "list"]);
    let backups = list["backups"].as_array().unwrap();
    assert_eq!(backups.len(), 2);
    assert!(
        backups
            .iter()
            .any(|b| b["sha256"] == sha256(edited.as_bytes()))
    );
    assert!(
        backups[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("before restore")
    );
}

#[test]
fn second_backup_of_same_bytes_changes_nothing() {
    let site = Site::example();
    let (_, first) = site.json(&["backup"]);
    assert_eq!(first["changed"], true);
    let before = site.snapshot();
    let (code, second) = site.json(&["backup"]);
    assert_eq!((code, &second["changed"]), (0, &serde_json::json!(false)));
    assert_eq!(second["backup_file"], first["backup_file"]);
    assert_eq!(site.snapshot(), before);
}

#[test]
fn restore_of_a_tampered_backup_exits_3_and_changes_nothing() {
    let site = Site::example();
    let (_, v) = site.json(&["backup"]);
    let backup = v["backup_file"].as_str().unwrap().to_string();
    let mut bytes = fs::read(&backup).unwrap();
    bytes.extend_from_slice(b"<!-- tampered -->");
    fs::write(&backup, bytes).unwrap();
    site.write(
        "MfaSettings.xml",
        b"<MfaSettings><LOCMFA>false</LOCMFA></MfaSettings>",
    );
    let before = site.snapshot();
    let (code, v) = site.json(&["restore", "latest"]);
    assert_eq!(code, 3);
    assert_eq!(v["failed"], true);
    assert!(v["msg"].as_str().unwrap().contains("sha256"), "{v}");
    assert_eq!(site.snapshot(), before);
}

#[test]
fn a_second_writer_gets_exit_4_naming_the_holder() {
    let site = Site::example();
    let lock =
        mimmfa::internals::acquire_lock(&site.path("MfaSettings.xml"), std::time::Duration::ZERO)
            .unwrap();
    let out = site.run(&["backup"]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("pid {}", std::process::id())) || cfg!(windows),
        "{}",
        out.stderr
    );
    let (code, v) = site.json(&["restore", "latest"]);
    assert_eq!((code, &v["failed"]), (4, &serde_json::json!(true)));
    drop(lock);
    assert_eq!(site.run(&["backup"]).code, 0);
}

#[test]
fn dry_run_touches_nothing_not_even_mtimes() {
    let site = Site::example();
    site.json(&["backup"]);
    site.write(
        "MfaSettings.xml",
        b"<MfaSettings>\n  <LOCMFA>false</LOCMFA>\n</MfaSettings>\n",
    );
    let before = site.snapshot();
    std::thread::sleep(std::time::Duration::from_millis(20));
    for args in [
        &["restore", "latest", "--dry-run"][..],
        &["backup", "--dry-run"],
        &["backup", "prune", "--keep", "1", "--dry-run"],
    ] {
        let out = site.run(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    let out = site.run(&["restore", "latest", "--dry-run"]);
    assert!(
        out.stdout
            .contains("+  <DefaultCountryCode>1</DefaultCountryCode>"),
        "shows the diff:\n{}",
        out.stdout
    );
    assert_eq!(site.snapshot(), before);
}

#[test]
fn no_secret_reaches_any_output_without_show_secrets() {
    let site = Site::example();
    let mut outs = Vec::new();
    for args in [
        &["status"][..],
        &["status", "--json"],
        &["backup"],
        &["backup", "list", "--json"],
        &["diff", "latest", "current"],
        &["-v", "restore", "latest"],
    ] {
        outs.push(site.run(args));
    }
    // A diff where the keys changed must mask both sides.
    let changed = String::from_utf8(EXAMPLE_SETTINGS.to_vec())
        .unwrap()
        .replace("EXMPL0123456", "OTHERKEY9999");
    site.write("MfaSettings.xml", changed.as_bytes());
    outs.push(site.run(&["diff"]));
    outs.push(site.run(&["restore", "--dry-run"]));
    outs.push(site.run(&["restore", "--dry-run", "--json"]));
    for out in &outs {
        assert_no_secrets(out, &EXAMPLE_SECRETS);
        assert_no_secrets(out, &["OTHERKEY9999"]);
    }
    assert!(
        outs[6].stdout.contains("-  <LICENSE_KEY>•••• (pbkdf2:"),
        "{}",
        outs[6].stdout
    );
    let shown = site.run(&["status", "--show-secrets"]);
    assert!(shown.stdout.contains("OTHERKEY9999"));
}

#[test]
fn every_json_document_has_every_common_key_on_success_and_failure() {
    let site = Site::example();
    for args in [
        &["status"][..],
        &["backup"],
        &["backup", "list"],
        &["diff"],
        &["restore", "nope"],
        &["backup", "prune", "--keep", "3"],
    ] {
        site.json(args);
    }
    let out = mimmfa(&["--json", "status", "--service-dir", "/definitely/not/here"]);
    assert_eq!(out.code, 3);
    assert_common_keys(&out.json());
    let out = mimmfa(&["--json", "status"]);
    if cfg!(windows) {
        // On Windows the stock MIM Service folder is the default; this
        // machine has no MIM, so the read fails (exit 3) naming that folder.
        assert_eq!(out.code, 3);
        assert!(
            out.json()["msg"]
                .as_str()
                .unwrap()
                .contains("Forefront Identity Manager")
        );
    } else {
        assert_eq!(out.code, 2, "no service dir is a usage error off Windows");
    }
    assert_common_keys(&out.json());
    let out = mimmfa(&["--json", "frobnicate"]);
    assert_eq!(out.code, 2);
    assert_common_keys(&out.json());
}

#[test]
fn status_reports_mode_and_masked_settings() {
    let site = Site::example();
    let (code, v) = site.json(&["status"]);
    assert_eq!(code, 0);
    assert_eq!(v["mode"], "azure-mfa-sdk");
    assert_eq!(v["settings"]["username"], "svc-mim@contoso.example");
    assert!(
        v["settings"]["LICENSE_KEY"]
            .as_str()
            .unwrap()
            .starts_with("•••• (pbkdf2:")
    );
    site.write("MfaSettings.xml", b"<MfaSettings><CustomPhoneProvider>C:\\x.dll</CustomPhoneProvider><LOCMFA>true</LOCMFA></MfaSettings>");
    assert_eq!(site.json(&["status"]).1["mode"], "mixed");
}

#[test]
fn malformed_settings_error_names_file_line_and_column() {
    let site = Site::with(b"<MfaSettings>\n  <LOCMFA>true</LOCMFa>\n</MfaSettings>");
    let out = site.run(&["status"]);
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("MfaSettings.xml:2:"), "{}", out.stderr);
}

#[test]
fn prune_keeps_the_newest() {
    let site = Site::example();
    for i in 0..3 {
        site.write(
            "MfaSettings.xml",
            format!("<MfaSettings><!-- {i} --></MfaSettings>").as_bytes(),
        );
        site.json(&["backup"]);
    }
    let (_, v) = site.json(&["backup", "prune", "--keep", "1"]);
    assert_eq!(v["deleted"].as_array().unwrap().len(), 2);
    let (_, list) = site.json(&["backup", "list"]);
    assert_eq!(list["backups"].as_array().unwrap().len(), 1);
    assert_eq!(list["backups"][0]["matches_current"], true);
    assert_eq!(site.run(&["backup", "prune", "--keep", "0"]).code, 2);
}

#[cfg(unix)]
#[test]
fn backups_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::example();
    let (_, v) = site.json(&["backup"]);
    let mode = fs::metadata(v["backup_file"].as_str().unwrap())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0);
    let dir_mode = fs::metadata(site.path("MfaBackups"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o077, 0);
}

#[test]
fn restore_brings_back_a_deleted_settings_file() {
    let site = Site::example();
    site.json(&["backup"]);
    std::fs::remove_file(site.path("MfaSettings.xml")).unwrap();
    let (code, v) = site.json(&["restore", "latest"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        v["backup_file"],
        serde_json::Value::Null,
        "nothing to back up"
    );
    assert_eq!(site.settings(), EXAMPLE_SETTINGS);
    let (_, list) = site.json(&["backup", "list"]);
    assert_eq!(
        list["backups"].as_array().unwrap().len(),
        1,
        "no empty backup was made"
    );
}

#[test]
fn a_lock_file_left_by_a_killed_run_is_taken_over_with_a_warning() {
    let site = Site::example();
    // What a killed mimmfa leaves: its pid in the lock file, no OS lock held.
    site.write("MfaSettings.xml.lock", b"999999");
    site.write(".MfaSettings.xml.AbCd1234.tmp", b"half-written");
    let out = site.run(&["backup"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("took over a lock left by an earlier mimmfa (pid 999999)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("removed a temp file left by an interrupted run"),
        "{}",
        out.stderr
    );
    assert!(!site.path(".MfaSettings.xml.AbCd1234.tmp").exists());
    assert_eq!(site.read("MfaSettings.xml.lock"), b"", "released cleanly");
}
