//! Every JSON output shape has a schema (docs/json/), and real
//! outputs of every command validate against the schema of their shape.

use crate::provider::dll;
use crate::sdk::sdk_zip;
use crate::util::*;
use serde_json::{Value, json};

fn validator(shape: &str) -> jsonschema::Validator {
    let doc: Value =
        serde_json::from_str(include_str!("../../docs/json/mimmfa-output.schema.json")).unwrap();
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": doc["$defs"],
        "$ref": format!("#/$defs/{shape}"),
    });
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_shape(shape: &str, out: &Out) {
    let v = out.json();
    let errors: Vec<String> = validator(shape)
        .iter_errors(&v)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{shape}: {errors:#?}\n{v}");
}

#[test]
fn real_outputs_match_their_schemas() {
    let site = Site::example();
    let tmp = tempfile::tempdir().unwrap();
    let zip = sdk_zip(tmp.path(), "legacy-rc2-3des.p12");
    let z = zip.to_str().unwrap();
    let gate = dll("CustomPhoneGate.dll");
    let g = gate.to_str().unwrap();
    let j = |args: &[&str]| {
        let mut full = args.to_vec();
        full.push("--json");
        site.run(&full)
    };
    assert_shape("status", &j(&["status"]));
    assert_shape("validate", &j(&["validate"]));
    assert_shape("change", &j(&["backup", "--label", "schema"]));
    assert_shape("backup_list", &j(&["backup", "list"]));
    assert_shape("sdk_inspect", &j(&["sdk", "inspect", z]));
    assert_shape("provider_check", &j(&["provider", "check", g]));
    assert_shape("provider_contract", &j(&["provider", "contract"]));
    let project = tmp.path().join("Gate");
    let p = project.to_str().unwrap();
    assert_shape(
        "provider_new",
        &j(&["provider", "new", "Gate", "--out", p, "--dry-run"]),
    );
    assert_shape(
        "provider_new",
        &j(&["provider", "new", "Gate", "--out", p, "--sms"]),
    );
    assert_shape("failure", &j(&["provider", "new", "Gate", "--out", p]));
    assert_shape("change", &j(&["backup", "--dry-run"]));
    assert_shape("change", &j(&["provider", "set", "--dry-run", g]));
    assert_shape("change", &j(&["provider", "set", g]));
    assert_shape("status", &j(&["status"]));
    assert_shape("change", &j(&["provider", "clear"]));
    assert_shape("diff", &j(&["diff", "latest", "current"]));
    assert_shape("change", &j(&["restore", "latest"]));
    assert_shape("backup_list", &j(&["backup", "list", "--all"]));
    assert_shape("change", &j(&["sdk", "apply", z]));
    assert_shape(
        "change",
        &j(&["backup", "prune", "--keep", "1", "--dry-run"]),
    );
    assert_shape("change", &j(&["backup", "prune", "--keep", "1"]));
    assert_shape(
        "change",
        &j(&["backup", "adopt", "--from-host", "OLD", "--dry-run"]),
    );
    let index = String::from_utf8(site.read("MfaBackups/index.json")).unwrap();
    site.write(
        "MfaBackups/index.json",
        &index.as_bytes()[..index.len() / 2],
    );
    assert_shape("change", &j(&["backup", "repair", "--dry-run"]));
    site.write("MfaBackups/index.json", b"{ damaged");
    assert_shape("failure", &j(&["backup", "list"]));
    assert_shape("change", &j(&["backup", "repair"]));
    let other = Site::example();
    let fleet = site.run(&[
        "validate",
        "--json",
        site.dir().to_str().unwrap(),
        other.dir().to_str().unwrap(),
    ]);
    assert_shape("validate_fleet", &fleet);
    let fixture = |name: &str| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/events")
            .join(name)
            .to_str()
            .unwrap()
            .to_string()
    };
    let (window, pam, noise) = (
        fixture("window.xml"),
        fixture("pam.xml"),
        fixture("noise.xml"),
    );
    assert_shape("events", &j(&["events", &window, &pam]));
    assert_shape(
        "events",
        &j(&["events", &noise, "--since", "2026-11-23T14:03:00Z"]),
    );
    assert_shape(
        "events",
        &j(&["events", &fixture("provider-dependency.xml")]),
    );
    assert_shape("failure", &j(&["events", &fixture("missing.xml")]));
    // Failures are documents too.
    assert_shape("failure", &j(&["restore", "nope"]));
    assert_shape("failure", &mimmfa(&["--json", "frobnicate"]));
    // And the schema can fail: a document missing a common key is refused.
    let mut broken = j(&["status"]).json();
    broken.as_object_mut().unwrap().remove("warnings");
    assert!(!validator("status").is_valid(&broken));
}

/// The schema's root takes every real output and refuses a document that
/// is no mimmfa output.
#[test]
fn the_root_schema_takes_real_outputs_and_refuses_others() {
    let doc: Value =
        serde_json::from_str(include_str!("../../docs/json/mimmfa-output.schema.json")).unwrap();
    let root = jsonschema::options().build(&doc).unwrap();
    for bogus in [json!({"hello": 1}), json!([]), json!({"schema_version": 1})] {
        assert!(!root.is_valid(&bogus), "{bogus} passes the root schema");
    }
    let site = Site::example();
    for args in [
        &["status"][..],
        &["validate"][..],
        &["explain", "MFA022"][..],
        &["explain", "--list"][..],
        &["backup", "list"][..],
        &["provider", "contract"][..],
    ] {
        let mut full = vec!["--json"];
        full.extend_from_slice(args);
        let out = site.run(&full);
        let v = out.json();
        let errors: Vec<String> = root.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    }
    let events = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events");
    for file in ["window.xml", "pam.xml"] {
        let out = mimmfa(&["--json", "events", events.join(file).to_str().unwrap()]);
        let v = out.json();
        let errors: Vec<String> = root.iter_errors(&v).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "events {file}: {errors:#?}");
    }
    let (_, failed) = site.json(&["restore", "nosuchid"]);
    assert!(root.is_valid(&failed), "{failed}");
}
