//! Provider check / set / clear on real .NET DLLs built by mcs.

use crate::util::*;
use std::path::PathBuf;

pub fn dll(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dotnet")
        .join(name)
}

fn check(name: &str) -> (i32, serde_json::Value) {
    let out = mimmfa(&["provider", "check", dll(name).to_str().unwrap(), "--json"]);
    let v = out.json();
    assert_common_keys(&v);
    (out.code, v)
}

#[test]
fn check_tells_good_from_bad_dlls() {
    let (code, v) = check("CustomPhoneGate.dll");
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        v["assembly"]["implementations"][0],
        "Contoso.Mim.CustomPhoneGate"
    );
    for good in [
        "NestedPhone.dll",
        "InheritedPhone.dll",
        "sms-first/SmsServiceProvider.dll",
    ] {
        assert_eq!(check(good).0, 0, "{good}");
    }
    let (code, v) = check("AbstractInternalPhone.dll");
    assert_eq!((code, finding_codes(&v)), (1, vec!["MFA042".to_string()]));
    let msg = v["findings"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("AbstractGate (abstract)") && msg.contains("InternalGate (not public)"),
        "{msg}"
    );
    let (code, v) = check("NoInterface.dll");
    assert_eq!((code, finding_codes(&v)), (1, vec!["MFA042".to_string()]));
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Contoso.Other.Calculator"),
        "names the types found"
    );
    let (code, v) = check("sms-second/SmsServiceProvider.dll");
    assert_eq!((code, finding_codes(&v)), (1, vec!["MFA044".to_string()]));
    let (code, v) = check("NotPe.dll");
    assert_eq!((code, finding_codes(&v)), (1, vec!["MFA041".to_string()]));
    // A missing file is an error of the operation, not a finding.
    assert_eq!(mimmfa(&["provider", "check", "/no/such.dll"]).code, 3);
    // --sms applies the SMS rule to any file name.
    let out = mimmfa(&[
        "provider",
        "check",
        "--sms",
        dll("CustomPhoneGate.dll").to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("MFA044"));
}

#[test]
fn set_switches_an_sdk_folder_to_the_provider_and_is_idempotent() {
    let site = Site::example();
    let gate = dll("CustomPhoneGate.dll");
    let (code, v) = site.json(&["provider", "set", gate.to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["changed"], true);
    let text = String::from_utf8(site.settings()).unwrap();
    assert!(text.starts_with('\u{feff}') && text.contains("\r\n"));
    for empty in [
        "<LICENSE_KEY></LICENSE_KEY>",
        "<GROUP_KEY></GROUP_KEY>",
        "<CERT_PASSWORD></CERT_PASSWORD>",
        "<CertFilePath></CertFilePath>",
    ] {
        assert!(text.contains(empty), "{text}");
    }
    assert!(text.contains(&format!(
        "  <CustomPhoneProvider>{}\\CustomPhoneGate.dll</CustomPhoneProvider>\r\n</MfaSettings>",
        mimmfa::internals::STOCK_SERVICE_DIR
    )));
    assert!(
        text.contains("<username>svc-mim@contoso.example</username>")
            && text.contains("<DefaultCountryCode>1</DefaultCountryCode>")
    );
    assert_eq!(
        site.read("CustomPhoneGate.dll"),
        std::fs::read(&gate).unwrap()
    );
    // The SDK settings are kept in the backup.
    let backup = std::fs::read(v["backup_file"].as_str().unwrap()).unwrap();
    assert_eq!(backup, EXAMPLE_SETTINGS);
    assert_no_secrets(
        &site.run(&["provider", "set", gate.to_str().unwrap()]),
        &EXAMPLE_SECRETS,
    );

    let before = site.snapshot();
    let (code, v) = site.json(&["provider", "set", gate.to_str().unwrap()]);
    assert_eq!((code, &v["changed"]), (0, &serde_json::json!(false)));
    assert_eq!(site.snapshot(), before, "a second run writes nothing");

    // And back: restore gives the original bytes.
    let (code, _) = site.json(&["restore", "latest"]);
    assert_eq!(code, 0);
    assert_eq!(site.settings(), EXAMPLE_SETTINGS);
}

#[test]
fn set_turns_off_the_local_mfa_server() {
    let site = Site::with(b"<MfaSettings>\n  <Username>svc@x</Username>\n  <LOCMFA>true</LOCMFA>\n  <LOCMFASRV>https://mfa:9999/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx</LOCMFASRV>\n</MfaSettings>\n");
    let (code, v) = site.json(&[
        "provider",
        "set",
        dll("CustomPhoneGate.dll").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{v}");
    let text = String::from_utf8(site.settings()).unwrap();
    assert!(
        text.contains("<LOCMFA>false</LOCMFA>") && text.contains("<LOCMFASRV></LOCMFASRV>"),
        "{text}"
    );
    assert!(
        !text.contains("LICENSE_KEY"),
        "absent SDK entries are not added"
    );
    assert_eq!(site.json(&["status"]).1["mode"], "custom-provider");
}

#[test]
fn a_bad_dll_is_refused_and_nothing_changes_unless_forced() {
    let site = Site::example();
    let before = site.snapshot();
    let bad = dll("AbstractInternalPhone.dll");
    let (code, v) = site.json(&["provider", "set", bad.to_str().unwrap()]);
    assert_eq!((code, &v["failed"]), (3, &serde_json::json!(true)));
    assert_eq!(finding_codes(&v), vec!["MFA042"]);
    assert_eq!(site.snapshot(), before);
    // --force switches, says which errors it accepted, and (the state it
    // leaves has them) exits 1 without a word of restarting.
    let (code, v) = site.json(&["provider", "set", "--force", bad.to_str().unwrap()]);
    assert_eq!(code, 1, "{v}");
    assert!(site.path("AbstractInternalPhone.dll").exists());
    assert!(
        v["warnings"]
            .to_string()
            .contains("accepted the new error(s) MFA042"),
        "{v}"
    );
    assert!(v["msg"].as_str().unwrap().contains("do not restart"), "{v}");
}

#[test]
fn a_different_dll_of_the_same_name_is_saved_first() {
    let site = Site::example();
    site.write("CustomPhoneGate.dll", b"an older build");
    let (code, v) = site.json(&[
        "provider",
        "set",
        dll("CustomPhoneGate.dll").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{v}");
    let saved: Vec<_> = std::fs::read_dir(site.path("MfaBackups"))
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("CustomPhoneGate.")
        })
        .collect();
    assert_eq!(saved.len(), 1);
    assert_eq!(std::fs::read(saved[0].path()).unwrap(), b"an older build");
}

/// The MIM Service holds the DLL it loaded, and Windows will not replace a
/// file another program holds: `provider set` must fail cleanly (exit 3,
/// say to stop FIMService, leave the folder as it was). Here the test holds
/// the DLL open without delete sharing, as a loaded image is held.
#[cfg(windows)]
#[test]
fn a_dll_held_open_is_refused_with_the_fimservice_hint() {
    use std::os::windows::fs::OpenOptionsExt;
    let site = Site::example();
    site.write(
        "CustomPhoneGate.dll",
        b"an older build, loaded by the MIM Service",
    );
    let before = site.snapshot();
    let held = std::fs::OpenOptions::new()
        .read(true)
        .share_mode(1) // FILE_SHARE_READ only: no delete, no rename over it
        .open(site.path("CustomPhoneGate.dll"))
        .unwrap();
    let out = site.run(&[
        "provider",
        "set",
        dll("CustomPhoneGate.dll").to_str().unwrap(),
    ]);
    drop(held);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("Stop-Service FIMService"),
        "{}",
        out.stderr
    );
    let changed: Vec<_> = site
        .snapshot()
        .into_iter()
        .filter(|(path, seen)| {
            before.get(path) != Some(seen) && !path.starts_with(site.path("MfaBackups"))
        })
        .map(|(path, _)| path)
        .collect();
    assert!(
        changed.is_empty(),
        "changed outside the backups: {changed:?}"
    );
    assert_eq!(
        site.read("CustomPhoneGate.dll"),
        b"an older build, loaded by the MIM Service"
    );
}

#[test]
fn no_copy_uses_the_dll_in_place() {
    let site = Site::example();
    site.write(
        "Gate.dll",
        &std::fs::read(dll("CustomPhoneGate.dll")).unwrap(),
    );
    let (code, v) = site.json(&[
        "provider",
        "set",
        "--no-copy",
        site.path("Gate.dll").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        v["files_written"].as_array().unwrap().len(),
        1,
        "only the settings file: {v}"
    );
    assert!(
        v["custom_phone_provider"]
            .as_str()
            .unwrap()
            .ends_with("\\Service\\Gate.dll")
    );
    if !cfg!(windows) {
        // Off the server, a DLL outside the folder has no Windows path to write.
        let (code, _) = site.json(&[
            "provider",
            "set",
            "--no-copy",
            dll("CustomPhoneGate.dll").to_str().unwrap(),
        ]);
        assert_eq!(code, 3);
    }
}

#[test]
fn dry_run_set_writes_nothing() {
    let site = Site::example();
    let before = site.snapshot();
    let out = site.run(&[
        "provider",
        "set",
        "--dry-run",
        dll("CustomPhoneGate.dll").to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("+  <CustomPhoneProvider>"),
        "{}",
        out.stdout
    );
    assert_no_secrets(&out, &EXAMPLE_SECRETS);
    assert_eq!(site.snapshot(), before);
}

#[test]
fn clear_is_refused_for_leaving_no_provider_unless_forced() {
    let site = Site::with(b"<MfaSettings>\r\n  <CustomPhoneProvider>C:\\x\\Gate.dll</CustomPhoneProvider>\r\n</MfaSettings>\r\n");
    let before = site.snapshot();
    // No provider at all (MFA010) is an error the folder does not have now.
    let (code, v) = site.json(&["provider", "clear"]);
    assert_eq!(code, 3, "{v}");
    assert!(finding_codes(&v).contains(&"MFA010".to_string()), "{v}");
    assert_eq!(site.snapshot(), before, "nothing changed");
    let (code, dry) = site.json(&["provider", "clear", "--dry-run"]);
    assert_eq!(
        (code, &dry["findings"]),
        (3, &v["findings"]),
        "the dry run agrees"
    );
    let out = site.run(&["provider", "clear", "--force"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("do not restart"), "{}", out.stdout);
    assert_eq!(
        site.settings(),
        b"<MfaSettings>\r\n  <CustomPhoneProvider></CustomPhoneProvider>\r\n</MfaSettings>\r\n"
    );
    let (_, v) = site.json(&["provider", "clear", "--force"]);
    assert_eq!(v["changed"], false);
}
