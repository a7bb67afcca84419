//! A backup store that keeps each server's history straight (issue 23):
//! every index field untrusted, order by a counter, repair that loses
//! nothing it can know, a way out of damaged files, disaster recovery.

use crate::provider::dll;
use crate::util::*;
use serde_json::Value;
use std::fs;

pub fn gate() -> String {
    dll("CustomPhoneGate.dll").to_str().unwrap().to_string()
}

pub fn index(site: &Site) -> Value {
    serde_json::from_slice(&site.read("MfaBackups/index.json")).unwrap()
}

pub fn set_index(site: &Site, v: &Value) {
    site.write(
        "MfaBackups/index.json",
        serde_json::to_string_pretty(v).unwrap().as_bytes(),
    );
}

/// The example, backed up, then switched to the provider: `latest` holds
/// the SDK state with its certificate.
fn switched() -> Site {
    let site = Site::example();
    assert_eq!(site.json(&["backup"]).0, 0);
    assert_eq!(site.json(&["provider", "set", &gate()]).0, 0);
    site
}

fn has(v: &Value, code: &str) -> bool {
    finding_codes(v).iter().any(|c| c == code)
}

#[test]
fn a_planted_side_file_is_never_written() {
    let service = |site: &Site| mimmfa::internals::absolute_display(site.dir());
    // (role, path below the Service folder)
    let cases = [
        ("certificate", "../../x.sh"),
        ("certificate", "SmsServiceProvider.dll"),
        ("replaced", "SmsServiceProvider.dll"),
        (
            "replaced",
            "Microsoft.ResourceManagement.Service.exe.config",
        ),
        ("certificate", "MfaSettings.xml"),
        // Not what the snapshot's own settings name (cert_key.p12).
        ("certificate", "MfaCerts/other.p12"),
        ("provider", "MfaCerts/cert_key.p12"),
        ("script", "run.ps1"),
    ];
    for (role, path) in cases {
        let site = switched();
        let mut v = index(&site);
        let planted = format!("{}/{path}", service(&site));
        let side = &mut v["backups"][1]["side_files"][0];
        assert_eq!(side["role"], "certificate");
        side["role"] = role.into();
        side["path"] = planted.clone().into();
        set_index(&site, &v);
        let before = site.snapshot();
        let (code, out) = site.json(&["restore", "latest"]);
        assert_eq!(code, 3, "{role} {planted}: {out}");
        let msg = out["msg"].as_str().unwrap();
        let id = v["backups"][1]["id"].as_str().unwrap();
        assert!(msg.contains(id), "names the entry: {msg}");
        assert_eq!(site.snapshot(), before, "{role} {planted}: nothing written");
        assert!(
            !site
                .dir()
                .parent()
                .unwrap()
                .parent()
                .unwrap()
                .join("x.sh")
                .exists()
        );
        let (code, out) = site.json(&["validate"]);
        assert_eq!(code, 1, "{out}");
        assert!(has(&out, "MFA062"), "{role} {planted}: {out}");
        // The dry run refuses too: it does not list a write that would not happen.
        let out = site.run(&["restore", "latest", "--dry-run"]);
        assert_eq!(out.code, 3, "{}", out.stdout);
    }
}

#[test]
fn control_characters_and_duplicate_ids_make_the_index_untrusted() {
    let site = switched();
    let good = index(&site);
    let mut v = good.clone();
    v["backups"][0]["host"] = "srv\u{1b}[2J\u{1b}]0;owned\u{7}".into();
    set_index(&site, &v);
    for args in [
        &["backup", "list"][..],
        &["restore", "latest"],
        &["backup", "prune", "--keep", "1"],
    ] {
        let out = site.run(args);
        assert_eq!(out.code, 3, "{args:?}: {}", out.stdout);
        assert!(!out.stdout.contains('\u{1b}') && !out.stderr.contains('\u{1b}'));
        assert!(out.stderr.contains("entry 1"), "{}", out.stderr);
    }
    let (code, out) = site.json(&["validate"]);
    assert_eq!(code, 1);
    assert!(has(&out, "MFA062"), "{out}");

    // A third snapshot; then the newest is given the oldest's id.
    set_index(&site, &good);
    site.json(&["restore", "latest"]);
    let mut v = index(&site);
    let n = v["backups"].as_array().unwrap().len();
    assert_eq!(n, 3);
    v["backups"][2]["id"] = v["backups"][0]["id"].clone();
    set_index(&site, &v);
    let before = site.snapshot();
    let (code, out) = site.json(&["backup", "prune", "--keep", "2"]);
    assert_eq!(code, 3, "{out}");
    assert!(out["msg"].as_str().unwrap().contains("unique"), "{out}");
    assert_eq!(site.snapshot(), before, "the newest is not deleted");
    let (code, out) = site.json(&["validate"]);
    assert_eq!(code, 1);
    assert!(has(&out, "MFA062"), "{out}");
}

#[test]
fn order_is_the_counter_not_the_clock_or_the_file() {
    let site = switched();
    // A schema-2 index (no numbers) keeps its file order; the next snapshot
    // numbers every entry in that order.
    let mut v = index(&site);
    assert_eq!(v["schema_version"], 3);
    for b in v["backups"].as_array_mut().unwrap() {
        assert!(b["seq"].is_u64(), "{b}");
        b.as_object_mut().unwrap().remove("seq");
    }
    v["schema_version"] = 2.into();
    v.as_object_mut().unwrap().remove("last_seq");
    set_index(&site, &v);
    let (_, list) = site.json(&["backup", "list"]);
    let ids: Vec<_> = list["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].clone())
        .collect();
    assert_eq!(
        ids,
        [v["backups"][1]["id"].clone(), v["backups"][0]["id"].clone()]
    );
    site.json(&["backup", "--label", "third"]);
    let v = index(&site);
    let seqs: Vec<_> = v["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2, 3]);
    // The newest by number is `latest`, wherever it sits in the file and
    // whatever its clock said (a year ahead on the oldest).
    let mut v = index(&site);
    let backups = v["backups"].as_array_mut().unwrap();
    backups[0]["created"] = "2099-01-01T00:00:00Z".into();
    backups[0]["id"] = "20990101T000000Z".into();
    backups.reverse();
    set_index(&site, &v);
    let (_, list) = site.json(&["backup", "list"]);
    assert_eq!(list["backups"][0]["label"], "third", "{list}");
    assert_eq!(list["backups"][2]["id"], "20990101T000000Z", "{list}");
    let (code, out) = site.json(&["backup", "prune", "--keep", "2"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out["deleted"],
        serde_json::json!(["20990101T000000Z"]),
        "{out}"
    );
    // Numbers are never given twice, even after a prune of the newest ones.
    site.json(&["backup", "--label", "fourth"]);
    let v = index(&site);
    let top = v["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["seq"].as_u64().unwrap())
        .max();
    assert_eq!(top, Some(4));
    let _ = fs::metadata(site.path("MfaBackups"));
}

/// mimmfa with `args` (and `--json`) as run on the machine `host`.
pub fn json_on(host: &str, args: &[&str]) -> (i32, Value) {
    use assert_cmd::cargo::CommandCargoExt;
    let mut command = std::process::Command::cargo_bin("mimmfa").unwrap();
    command
        .args(AS_STOCK_COPY)
        .args(args)
        .arg("--json")
        .env_remove("MIMMFA_SERVICE_DIR")
        .env("MIMMFA_TEST_HOST_NAME", host);
    let out = output_of(&mut command);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (out.status.code().unwrap_or(-1), v)
}

fn country(site: &Site) -> String {
    let s = String::from_utf8(site.settings()).unwrap();
    let at = s.find("<DefaultCountryCode>").unwrap() + "<DefaultCountryCode>".len();
    s[at..].split('<').next().unwrap().to_string()
}

fn set_country(site: &Site, code: &str) {
    let s = String::from_utf8(site.settings()).unwrap();
    let old = format!("<DefaultCountryCode>{}<", country(site));
    site.write(
        "MfaSettings.xml",
        s.replace(&old, &format!("<DefaultCountryCode>{code}<"))
            .as_bytes(),
    );
}

#[test]
fn repair_of_a_shared_folder_keeps_each_server_its_own_history() {
    let shared = tempfile::tempdir().unwrap();
    let b = shared.path().to_str().unwrap();
    let (one, two) = (Site::example(), Site::example());
    let run = |site: &Site, args: &[&str]| {
        let mut full = vec!["--backup-dir", b];
        full.extend_from_slice(args);
        site.json(&full)
    };
    assert_eq!(run(&one, &["backup", "--label", "one: SDK"]).0, 0);
    set_country(&two, "44");
    assert_eq!(run(&two, &["backup", "--label", "two: 44"]).0, 0);
    // One's SDK state (with its certificate) is one's latest.
    assert_eq!(run(&one, &["provider", "set", &gate()]).0, 0);
    let path = shared.path().join("index.json");
    let good = fs::read(&path).unwrap();
    let mut v: Value = serde_json::from_slice(&good).unwrap();
    // One's first snapshot was taken with the clock a year ahead.
    v["backups"][0]["created"] = "2099-01-01T00:00:00Z".into();
    v["backups"][0]["id"] = "20990101T000000Z".into();
    // One bad entry makes the whole index untrusted ...
    let entries = v["backups"].as_array_mut().unwrap();
    entries.push(serde_json::json!({"id": "nonsense", "file": "../x"}));
    fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    assert_eq!(run(&one, &["restore", "latest"]).0, 3);
    // ... and the dry run says what repair would do, writing nothing.
    let before = fs::read(&path).unwrap();
    let (code, dry) = run(&one, &["backup", "repair", "--dry-run"]);
    assert_eq!((code, &dry["changed"]), (0, &Value::Bool(true)), "{dry}");
    assert_eq!(dry["kept"], 3, "{dry}");
    assert_eq!(dry["dropped"], 1, "{dry}");
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(run(&one, &["restore", "latest"]).0, 3);
    let (code, v) = run(&one, &["backup", "repair"]);
    assert_eq!(code, 0, "{v}");
    // Labels, hosts, paths, side files and order survive.
    let (_, all) = run(&one, &["backup", "list", "--all"]);
    let labels: Vec<_> = all["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["label"].clone())
        .collect();
    assert_eq!(
        labels,
        [Value::Null, "two: 44".into(), "one: SDK".into()],
        "{all}"
    );
    assert!(
        all["backups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["host"].is_string()),
        "{all}"
    );
    // Each server's latest is its own: one gets its SDK state and
    // certificate back (no MFA022), never two's country code.
    let (code, v) = run(&one, &["restore", "latest"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(one.settings(), EXAMPLE_SETTINGS);
    assert_eq!(one.read("MfaCerts/cert_key.p12"), EXAMPLE_CERT);
    assert!(!has(&v, "MFA022"), "{v}");
    set_country(&two, "49");
    let (code, v) = run(&two, &["restore", "latest"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(country(&two), "44");

    // An index cut short: what is before the cut is kept; stored settings
    // files no entry names come back of unknown origin: nobody's latest.
    let text = fs::read(&path).unwrap();
    fs::write(&path, &text[..text.len() * 2 / 3]).unwrap();
    let (code, v) = run(&one, &["backup", "repair"]);
    assert_eq!(code, 0, "{v}");
    assert!(v["recovered"].as_u64().unwrap() >= 1, "{v}");
    for site in [&one, &two] {
        let (_, list) = run(site, &["backup", "list"]);
        for b in list["backups"].as_array().unwrap() {
            assert!(
                b["host"].is_string(),
                "only snapshots of known origin: {list}"
            );
        }
    }
    let (_, all) = run(&one, &["backup", "list", "--all"]);
    let unknown: Vec<_> = all["backups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["host"].is_null())
        .collect();
    assert!(!unknown.is_empty(), "{all}");
    // Restored only by id, on any server.
    set_country(&one, "7");
    let id = unknown[0]["id"].as_str().unwrap();
    let (code, v) = run(&one, &["restore", id]);
    assert!(code == 0 || code == 1, "{v}");
    assert_ne!(country(&one), "7");
}

#[test]
fn a_killed_repair_never_leaves_the_folder_without_an_index() {
    let rounds: usize = std::env::var("MIMMFA_KILL_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if under_wine() { 10 } else { 60 });
    let site = switched();
    site.json(&["restore", "latest"]);
    let (_, list) = site.json(&["backup", "list"]);
    let want = list["backups"].as_array().unwrap().len();
    let mut good = index(&site);
    good["backups"][0]["label"] = "first".into();
    let mut damaged = good.clone();
    damaged["backups"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"id": "x"}));
    // A clean run's length aims the kills over the whole of a run.
    set_index(&site, &damaged);
    let start = std::time::Instant::now();
    assert_eq!(site.run(&["backup", "repair"]).code, 0);
    let mut took = start.elapsed().as_micros() as u64;
    let mut rng = 0x2545F4914F6CDD1Du64;
    let (mut kills, mut old_left, mut new_left) = (0, 0, 0);
    for _ in 0..rounds {
        set_index(&site, &damaged);
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mimmfa"))
            .args(AS_STOCK_COPY)
            .arg("-s")
            .arg(site.dir())
            .args(["backup", "repair"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        std::thread::sleep(std::time::Duration::from_micros(rng % (took * 5 / 4 + 1)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
            // A loaded machine runs slower than the clean run did: the aim
            // follows, so some runs still complete.
            took = took * 21 / 20;
        } else {
            took = took * 9 / 10;
        }
        child.wait().unwrap();
        // Either the old index (repair runs again) or the new, whole one.
        let (code, v) = site.json(&["backup", "list"]);
        if code == 0 {
            assert_eq!(v["backups"].as_array().unwrap().len(), want, "{v}");
            assert_eq!(v["backups"][want - 1]["label"], "first", "{v}");
            new_left += 1;
        } else {
            assert_eq!(code, 3, "{v}");
            assert!(v["msg"].as_str().unwrap().contains("backup repair"), "{v}");
            old_left += 1;
            let (code, v) = site.json(&["backup", "repair"]);
            assert_eq!(code, 0, "{v}");
            let (code, v) = site.json(&["backup", "list"]);
            assert_eq!(
                (code, v["backups"].as_array().unwrap().len()),
                (0, want),
                "{v}"
            );
        }
    }
    assert!(
        kills > 0 && new_left > 0,
        "the kills land over the whole run"
    );
    println!(
        "repair kill loop: {rounds} runs (a clean run takes {took} µs), {kills} killed mid-run, {old_left} left the old index, {new_left} the new one, 0 without an index"
    );
}

#[test]
fn a_damaged_stored_file_has_a_way_out() {
    let site = switched();
    site.json(&["restore", "latest"]);
    // Three snapshots: the SDK state (with its certificate), the provider
    // state (restore took it), and the first backup. Flip one byte of the
    // certificate: the oldest and the newest `latest` both hold it.
    let (_, list) = site.json(&["backup", "list"]);
    assert_eq!(list["backups"].as_array().unwrap().len(), 3, "{list}");
    let cert = list["backups"][1]["side_files"][0]["file"]
        .as_str()
        .unwrap()
        .to_string();
    let stored = site.path("MfaBackups").join(&cert);
    let mut bytes = fs::read(&stored).unwrap();
    bytes[100] ^= 1;
    fs::write(&stored, &bytes).unwrap();
    let (code, v) = site.json(&["validate"]);
    assert_eq!(code, 1, "the way back is damaged: {v}");
    assert!(has(&v, "MFA061"), "{v}");
    // Prune counts what is there.
    let (code, v) = site.json(&["backup", "prune", "--keep", "5"]);
    assert_eq!(code, 0);
    assert!(v["msg"].as_str().unwrap().contains("3 backup(s)"), "{v}");
    // Repair quarantines it and says which snapshots lose what.
    let (code, v) = site.json(&["backup", "repair"]);
    assert_eq!((code, &v["changed"]), (0, &Value::Bool(true)), "{v}");
    let lost: Vec<_> = v["lost_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["backup"].clone())
        .collect();
    assert_eq!(lost.len(), 2, "{v}");
    assert_eq!(v["quarantined"], serde_json::json!([cert]), "{v}");
    assert!(site.path("MfaBackups/quarantine").is_dir());
    assert!(!stored.exists());
    let (code, v) = site.json(&["validate"]);
    assert!(!has(&v, "MFA061") && !has(&v, "MFA063"), "{v}");
    assert_eq!(code, 0, "{v}");
    let (code, v) = site.json(&["backup", "repair"]);
    assert_eq!((code, &v["changed"]), (0, &Value::Bool(false)), "{v}");

    // An older snapshot's damage warns, it does not block a restart.
    let site = switched();
    assert_eq!(
        site.json(&["backup", "--label", "provider state"]).1["changed"],
        true
    );
    let (_, list) = site.json(&["backup", "list"]);
    let cert = list["backups"][1]["side_files"][0]["file"]
        .as_str()
        .unwrap()
        .to_string();
    fs::write(site.path("MfaBackups").join(&cert), b"flipped").unwrap();
    let (code, v) = site.json(&["validate"]);
    assert!(has(&v, "MFA063") && !has(&v, "MFA061"), "{v}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "error"),
        "{v}"
    );
    assert_eq!(code, 0, "{v}");
}

#[test]
fn a_renamed_server_and_a_moved_folder_claim_their_backups() {
    let site = switched();
    let dir = site.dir().to_str().unwrap().to_string();
    let (code, v) = json_on("OLDSRV01", &["-s", &dir, "backup", "list", "--all"]);
    assert_eq!(code, 0, "{v}");
    let theirs = v["backups"].as_array().unwrap().clone();
    let old_host = theirs[0]["host"].as_str().unwrap().to_string();
    let sdk_id = theirs[1]["id"].as_str().unwrap().to_string();
    // A renamed server: latest is not its own, an explicit id restores.
    let (code, v) = json_on("NEWSRV01", &["-s", &dir, "restore", "latest"]);
    assert_eq!(code, 3, "{v}");
    assert!(v["msg"].as_str().unwrap().contains("backup adopt"), "{v}");
    let (code, v) = json_on("NEWSRV01", &["-s", &dir, "validate"]);
    assert!(has(&v, "MFA060"), "{code} {v}");
    let (code, v) = json_on("NEWSRV01", &["-s", &dir, "restore", &sdk_id]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(site.settings(), EXAMPLE_SETTINGS);
    assert_eq!(site.read("MfaCerts/cert_key.p12"), EXAMPLE_CERT);
    // Claimed explicitly, they are its own again.
    let (code, v) = json_on(
        "NEWSRV01",
        &[
            "-s",
            &dir,
            "backup",
            "adopt",
            "--from-host",
            &old_host,
            "--dry-run",
        ],
    );
    assert_eq!((code, &v["changed"]), (0, &Value::Bool(true)), "{v}");
    assert_eq!(v["adopted"].as_array().unwrap().len(), 2, "{v}");
    let (code, v) = json_on(
        "NEWSRV01",
        &["-s", &dir, "backup", "adopt", "--from-host", &old_host],
    );
    assert_eq!(code, 0, "{v}");
    let (_, v) = json_on("NEWSRV01", &["-s", &dir, "backup", "list"]);
    assert_eq!(v["backups"].as_array().unwrap().len(), 3, "{v}");
    assert!(
        v["backups"][1]["adopted_from"]
            .as_str()
            .unwrap()
            .starts_with(&old_host),
        "{v}"
    );

    // The folder moved to another path (a rebuilt server restoring it).
    let moved = tempfile::tempdir().unwrap();
    let to = moved.path().join("Service");
    copy_tree(site.dir(), &to);
    let to_s = to.to_str().unwrap().to_string();
    let old_path = mimmfa::internals::absolute_display(&site.path("MfaSettings.xml"));
    let (code, v) = json_on("NEWSRV01", &["-s", &to_s, "provider", "set", &gate()]);
    assert_eq!(code, 0, "{v}");
    let (code, v) = json_on("NEWSRV01", &["-s", &to_s, "restore", &sdk_id]);
    assert_eq!(code, 3, "another settings path: {v}");
    let (code, v) = json_on(
        "NEWSRV01",
        &[
            "-s",
            &to_s,
            "backup",
            "adopt",
            "--from-host",
            "NEWSRV01",
            "--from-path",
            &old_path,
        ],
    );
    assert_eq!(code, 0, "{v}");
    let (code, v) = json_on("NEWSRV01", &["-s", &to_s, "restore", &sdk_id]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        fs::read(to.join("MfaCerts/cert_key.p12")).unwrap(),
        EXAMPLE_CERT
    );
    assert!(!has(&v, "MFA022"), "{v}");
    // `backup list --all` says which host each came from.
    let out = site.run(&["backup", "list", "--all"]);
    assert!(
        out.stdout.contains("host") && out.stdout.contains("NEWSRV01"),
        "{}",
        out.stdout
    );
}

#[test]
fn terminal_escapes_are_shown_never_emitted() {
    let raw = |out: &Out| {
        out.stdout.contains('\u{1b}')
            || out.stderr.contains('\u{1b}')
            || out.stdout.contains('\u{7}')
    };
    // A DLL whose name holds escapes: the dry-run lines, the set and the
    // status after it show them escaped.
    let site = Site::example();
    let tmp = tempfile::tempdir().unwrap();
    // Windows allows no control character in a file name: there only the
    // index fields below can carry an escape.
    let evil = tmp.path().join("Gate\u{1b}[2J\u{1b}]0;owned\u{7}.dll");
    let named = cfg!(unix) && fs::copy(dll("CustomPhoneGate.dll"), &evil).is_ok();
    let evil = evil.to_str().unwrap();
    // (The name cannot go into the settings: XML refuses U+001B. The
    // messages that name the file show it escaped.)
    for args in [
        &["provider", "set", evil, "--dry-run", "--no-copy"][..],
        &["provider", "set", evil, "--dry-run"],
        &["provider", "check", evil],
    ]
    .into_iter()
    .filter(|_| named)
    {
        let out = site.run(args);
        assert!(!raw(&out), "{args:?}: {:?} {:?}", out.stdout, out.stderr);
        assert!(
            args[1] == "set" && args.len() == 4
                || out.stdout.contains("\\u{1b}")
                || out.stderr.contains("\\u{1b}"),
            "{args:?}: shown escaped: {:?} {:?}",
            out.stdout,
            out.stderr
        );
    }
    site.json(&["backup"]);
    for args in [
        &["status"][..],
        &["validate"],
        &["backup", "list"],
        &["backup"],
        &["restore", "latest", "--dry-run"],
    ] {
        let out = site.run(args);
        assert!(!raw(&out), "{args:?}: {:?} {:?}", out.stdout, out.stderr);
    }
    // Index fields with escapes: refused, and never echoed raw.
    let mut v = index(&site);
    v["backups"][0]["settings_path"] = "/x\u{1b}[2J".into();
    v["backups"][0]["created"] = "\u{1b}]0;t\u{7}".into();
    set_index(&site, &v);
    for args in [
        &["status"][..],
        &["validate"],
        &["backup", "list", "--all"],
        &["restore", "latest", "--dry-run"],
        &["backup", "repair", "--dry-run"],
    ] {
        let out = site.run(args);
        assert!(!raw(&out), "{args:?}: {:?} {:?}", out.stdout, out.stderr);
    }
}

/// Found by the model test (tests/e2e/store_model.rs): the snapshots a
/// restore took are the newest, and `prune --keep 1` deleted the way back.
#[test]
fn prune_never_deletes_the_snapshot_restore_latest_uses() {
    let site = switched();
    assert_eq!(site.json(&["restore", "latest"]).0, 0);
    let (_, list) = site.json(&["backup", "list"]);
    let way_back = list["backups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["latest"] == true)
        .unwrap()["id"]
        .clone();
    assert_eq!(list["backups"][0]["before_restore"], true, "{list}");
    let (code, v) = site.json(&["backup", "prune", "--keep", "1"]);
    assert_eq!(code, 0, "{v}");
    assert!(!v["deleted"].as_array().unwrap().contains(&way_back), "{v}");
    let (_, list) = site.json(&["backup", "list"]);
    assert_eq!(list["backups"].as_array().unwrap().len(), 2, "{list}");
    site.json(&["provider", "set", &gate()]);
    let (code, v) = site.json(&["restore", "latest"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(site.settings(), EXAMPLE_SETTINGS);
}

/// `from` copied to `to`, folders and files (Windows has no `cp -a`).
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}
