//! The folder given is the server's own (on Windows), and a copy's paths
//! are the Windows folder it came from (elsewhere). The Windows half runs
//! under Wine in CI (.ci/windows-tests), in temp folders that are not the
//! stock one: what an admin meets when MIM is installed on D:.

use crate::provider::dll;
use crate::sdk::sdk_zip;
use crate::util::*;
#[cfg(windows)]
use mimmfa::internals::STOCK_SERVICE_DIR as STOCK;

/// The folder's path as mimmfa must write it on the server: canonical,
/// without the `\\?\` prefix.
#[cfg(windows)]
fn real(site: &Site) -> String {
    let c = std::fs::canonicalize(site.dir())
        .unwrap()
        .display()
        .to_string();
    c.strip_prefix(r"\\?\").unwrap_or(&c).to_string()
}

#[cfg(windows)]
fn settings_text(site: &Site) -> String {
    String::from_utf8(site.settings()).unwrap()
}

#[cfg(windows)]
fn json_on_server(site: &Site, args: &[&str]) -> (i32, serde_json::Value) {
    let mut full = args.to_vec();
    full.push("--json");
    let out = site.run_on_server(&full);
    (out.code, out.json())
}

/// provider set, validate, status and restore on a non-stock folder: the
/// path written is the folder's own, and the checks agree with it.
#[cfg(windows)]
#[test]
fn provider_set_writes_the_servers_real_path() {
    let site = Site::example();
    let gate = dll("CustomPhoneGate.dll");
    let (code, v) = json_on_server(&site, &["provider", "set", gate.to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    let expected = format!("{}\\CustomPhoneGate.dll", real(&site));
    assert_eq!(v["custom_phone_provider"], expected.as_str());
    assert!(
        settings_text(&site).contains(&format!(
            "<CustomPhoneProvider>{expected}</CustomPhoneProvider>"
        )),
        "{}",
        settings_text(&site)
    );
    assert!(!expected.contains("Program Files"), "{expected}");
    let (code, v) = json_on_server(&site, &["validate"]);
    assert_eq!(code, 0, "{v}");
    let (_, s) = json_on_server(&site, &["status"]);
    assert_eq!(s["mode"], "custom-provider");
    assert_eq!(s["validation"]["errors"], 0, "{s}");
    assert!(
        s["provider"]["file"]
            .as_str()
            .unwrap()
            .ends_with("CustomPhoneGate.dll")
    );
    // Restore would bring back the SDK settings; the stock certificate path
    // in them names the stock folder, which this server does not have: a
    // new error (MFA022), so it is refused, and --force restores them and
    // exits 1 for that error.
    let before = site.snapshot();
    let (code, v) = json_on_server(&site, &["restore", "latest", "--yes"]);
    assert_eq!(code, 3, "{v}");
    assert!(finding_codes(&v).contains(&"MFA022".to_string()), "{v}");
    assert_eq!(site.snapshot(), before, "nothing restored");
    let (code, v) = json_on_server(&site, &["restore", "latest", "--yes", "--force"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["changed"], true, "{v}");
    assert_eq!(site.settings(), EXAMPLE_SETTINGS);
    let (code, v) = json_on_server(&site, &["validate"]);
    assert_eq!(code, 1, "{v}");
    assert!(finding_codes(&v).contains(&"MFA022".to_string()), "{v}");
}

/// sdk apply writes the certificate's real path, and validate agrees.
#[cfg(windows)]
#[test]
fn sdk_apply_writes_the_servers_real_certificate_path() {
    let site = Site::with(b"<MfaSettings>\r\n  <LICENSE_KEY></LICENSE_KEY>\r\n  <GROUP_KEY></GROUP_KEY>\r\n  <CERT_PASSWORD></CERT_PASSWORD>\r\n  <CertFilePath></CertFilePath>\r\n  <Username>svc</Username>\r\n  <DefaultCountryCode>1</DefaultCountryCode>\r\n</MfaSettings>\r\n");
    let tmp = tempfile::tempdir().unwrap();
    let zip = sdk_zip(tmp.path(), "legacy-rc2-3des.p12");
    let (code, v) = json_on_server(&site, &["sdk", "apply", zip.to_str().unwrap(), "--yes"]);
    assert_eq!(code, 0, "{v}");
    let expected = format!("{}\\MfaCerts\\cert_key.p12", real(&site));
    assert!(
        settings_text(&site).contains(&format!("<CertFilePath>{expected}</CertFilePath>")),
        "{}",
        settings_text(&site)
    );
    let (code, v) = json_on_server(&site, &["validate"]);
    assert_eq!(code, 0, "{v}");
    let (_, s) = json_on_server(&site, &["status"]);
    assert!(s["certificate"].is_object(), "{s}");
}

/// A file built for the stock layout, on a server where MIM lives
/// elsewhere: the literal paths name nothing, whatever lies in `-s`; the
/// finding says where the file is and how to rewrite the path. Declared a
/// copy of the stock folder, the same folder audits clean.
#[cfg(windows)]
#[test]
fn stock_paths_on_a_non_stock_server_are_errors() {
    let site = Site::example();
    let (code, v) = json_on_server(&site, &["validate"]);
    assert_eq!(code, 1, "{v}");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "MFA022")
        .unwrap_or_else(|| panic!("{v}"));
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("a file of that name is in the Service folder"),
        "{message}"
    );
    assert!(f["hint"].as_str().unwrap().contains("sdk apply"), "{f}");
    assert!(f["hint"].as_str().unwrap().contains(&real(&site)), "{f}");
    let (_, s) = json_on_server(&site, &["status"]);
    assert!(s["certificate"].is_null(), "{s}");

    let (code, v) = site.json(&["validate"]);
    assert_eq!(code, 0, "as a copy of the stock folder: {v}");

    let provider = Site::with(format!("<MfaSettings>\r\n  <CustomPhoneProvider>{STOCK}\\Gate.dll</CustomPhoneProvider>\r\n</MfaSettings>\r\n").as_bytes());
    provider.write(
        "Gate.dll",
        &std::fs::read(dll("CustomPhoneGate.dll")).unwrap(),
    );
    let (code, v) = json_on_server(&provider, &["validate"]);
    assert_eq!(code, 1);
    let f = &v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "MFA040")
        .unwrap_or_else(|| panic!("{v}"))
        .clone();
    assert!(f["hint"].as_str().unwrap().contains("provider set"), "{f}");
}

/// Off Windows: a written path says which Windows folder it is under, with
/// a warning when that is the stock folder only by default; a relative
/// `-s` works for sdk apply (it used to say the certificate folder was
/// outside the service folder).
#[cfg(not(windows))]
#[test]
fn off_windows_written_paths_say_which_folder() {
    let gate = dll("CustomPhoneGate.dll");
    let site = Site::example();
    let (code, v) = site.json(&["provider", "set", gate.to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    let warned = v["warnings"].as_array().unwrap().iter().any(|w| {
        w.as_str().unwrap().contains("stock Service folder")
            && w.as_str().unwrap().contains("--windows-service-dir")
    });
    assert!(warned, "{v}");
    let human = site.run(&["provider", "set", gate.to_str().unwrap(), "--dry-run"]);
    assert!(
        human
            .stdout
            .contains("CustomPhoneProvider: C:\\Program Files"),
        "{}",
        human.stdout
    );

    let site = Site::example();
    let (code, v) = site.json(&[
        "--windows-service-dir",
        r"D:\MIM\Service",
        "provider",
        "set",
        gate.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        v["custom_phone_provider"],
        r"D:\MIM\Service\CustomPhoneGate.dll"
    );
    assert!(
        !v["warnings"].to_string().contains("stock Service folder"),
        "{v}"
    );

    let site = Site::with(
        b"<MfaSettings>\r\n  <CustomPhoneProvider></CustomPhoneProvider>\r\n</MfaSettings>\r\n",
    );
    let tmp = tempfile::tempdir().unwrap();
    let zip = sdk_zip(tmp.path(), "legacy-rc2-3des.p12");
    let parent = site.dir().parent().unwrap();
    let name = site.dir().file_name().unwrap().to_str().unwrap();
    let out = assert_cmd::Command::cargo_bin("mimmfa")
        .unwrap()
        .current_dir(parent)
        .args([
            "-s",
            name,
            "sdk",
            "apply",
            zip.to_str().unwrap(),
            "--country-code",
            "1",
            "--username",
            "svc",
            "--json",
        ])
        .env_remove("MIMMFA_SERVICE_DIR")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{v}");
    let text = String::from_utf8(site.settings()).unwrap();
    assert!(
        text.contains(r"<CertFilePath>C:\Program Files\Microsoft Forefront Identity Manager\2010\Service\MfaCerts\cert_key.p12</CertFilePath>"),
        "{text}"
    );
}
