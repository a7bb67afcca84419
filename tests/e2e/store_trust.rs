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
    let service = |site: &Site| mimmfa::store::snapshots::absolute_display(site.dir());
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
