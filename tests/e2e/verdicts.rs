//! Issue 24: verdicts that hold on the files MIM admins really have.
//! Each case was a false finding, a misleading one, or a wrong "ok".

use crate::provider::dll;
use crate::sdk::{FIXTURE_GROUP, FIXTURE_LICENSE, FIXTURE_PASSWORD, p12, sdk_zip};
use crate::util::*;
use mimmfa::internals::STOCK_SERVICE_DIR as STOCK;
use serde_json::Value;

fn sdk_settings(cert_path: &str, extra: &str) -> Vec<u8> {
    format!(
        "<MfaSettings>\r\n  <LICENSE_KEY>{FIXTURE_LICENSE}</LICENSE_KEY>\r\n  <GROUP_KEY>{FIXTURE_GROUP}</GROUP_KEY>\r\n  <CERT_PASSWORD>{FIXTURE_PASSWORD}</CERT_PASSWORD>\r\n  <CertFilePath>{cert_path}</CertFilePath>\r\n  <Username>svc</Username>\r\n  <DefaultCountryCode>1</DefaultCountryCode>\r\n{extra}</MfaSettings>\r\n"
    )
    .into_bytes()
}

fn stock_cert() -> String {
    format!("{STOCK}\\MfaCerts\\cert_key.p12")
}

fn findings(site: &Site, args: &[&str]) -> (i32, Vec<Value>) {
    let mut full = vec!["validate"];
    full.extend_from_slice(args);
    let (code, v) = site.json(&full);
    (code, v["findings"].as_array().unwrap().clone())
}

fn of<'a>(f: &'a [Value], code: &str) -> Vec<&'a Value> {
    f.iter().filter(|x| x["code"] == code).collect()
}

#[test]
fn a_quoted_certificate_path_is_mfa009_and_not_outside_the_service_folder() {
    let site = Site::with(&sdk_settings(&format!("\"{}\"", stock_cert()), ""));
    site.write("MfaCerts/cert_key.p12", &p12("aes256.p12"));
    let (_, f) = findings(&site, &[]);
    assert_eq!(of(&f, "MFA009").len(), 1, "{f:?}");
    assert!(of(&f, "MFA027").is_empty(), "{f:?}");
}

#[test]
fn mfa005_names_each_spelling_with_its_own_line() {
    let site = Site::with(
        b"<MfaSettings>\r\n  <LOCMFA>false</LOCMFA>\r\n  <username>a</username>\r\n  <DefaultCountryCode>1</DefaultCountryCode>\r\n  <Username>b</Username>\r\n</MfaSettings>\r\n",
    );
    let (_, f) = findings(&site, &[]);
    let dup = of(&f, "MFA005");
    assert_eq!(dup.len(), 1, "{f:?}");
    let message = dup[0]["message"].as_str().unwrap();
    assert!(
        message.contains("<Username> on line 5") && message.contains("<username> on line 3"),
        "{message}"
    );
    assert_eq!(dup[0]["line"], 5, "{:?}", dup[0]);
}

#[test]
fn a_country_code_with_a_leading_zero_is_refused_everywhere() {
    for zero in ["001", "044", "01", "00"] {
        let site = Site::example();
        let text = String::from_utf8(site.settings()).unwrap().replace(
            "<DefaultCountryCode>1<",
            &format!("<DefaultCountryCode>{zero}<"),
        );
        site.write("MfaSettings.xml", text.as_bytes());
        let (code, f) = findings(&site, &[]);
        let cc = of(&f, "MFA030");
        assert_eq!((code, cc.len()), (1, 1), "{zero}: {f:?}");
        assert!(
            cc[0]["message"].as_str().unwrap().contains("starts with 0"),
            "{cc:?}"
        );

        let site = Site::example();
        let before = site.snapshot();
        let tmp = tempfile::tempdir().unwrap();
        let zip = sdk_zip(tmp.path(), "aes256.p12");
        let out = site.run(&[
            "sdk",
            "apply",
            zip.to_str().unwrap(),
            "--country-code",
            zero,
        ]);
        assert_eq!(out.code, 2, "{zero}: {}", out.stderr);
        assert!(out.stderr.contains("starts with 0"), "{}", out.stderr);
        assert_eq!(site.snapshot(), before, "{zero}");
    }
}

#[test]
fn a_private_key_of_another_certificate_is_mfa024() {
    let site = Site::with(&sdk_settings(&stock_cert(), ""));
    site.write("MfaCerts/cert_key.p12", &p12("key-mismatch.p12"));
    let (code, f) = findings(&site, &[]);
    let bad = of(&f, "MFA024");
    assert_eq!((code, bad.len()), (1, 1), "{f:?}");
    assert!(
        bad[0]["message"]
            .as_str()
            .unwrap()
            .contains("does not belong to it"),
        "{bad:?}"
    );
    // And sdk inspect of a zip holding it.
    let tmp = tempfile::tempdir().unwrap();
    let zip = sdk_zip(tmp.path(), "key-mismatch.p12");
    let out = mimmfa(&["sdk", "inspect", zip.to_str().unwrap(), "--json"]);
    assert!(
        finding_codes(&out.json()).contains(&"MFA024".to_string()),
        "{}",
        out.stdout
    );
}

/// Windows opens `customphonegate.DLL` as `CustomPhoneGate.dll`: so must
/// an audit of a copy.
#[test]
fn an_audited_copy_finds_files_whatever_the_case() {
    let gate = std::fs::read(dll("CustomPhoneGate.dll")).unwrap();
    let site = Site::with(
        format!("<MfaSettings>\r\n  <Username>svc</Username>\r\n  <DefaultCountryCode>1</DefaultCountryCode>\r\n  <CustomPhoneProvider>{STOCK}\\customphonegate.DLL</CustomPhoneProvider>\r\n</MfaSettings>\r\n").as_bytes(),
    );
    site.write("CustomPhoneGate.dll", &gate);
    for contract in EXAMPLE_CONTRACTS {
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/service")
            .join(contract);
        std::fs::copy(from, site.path(contract)).unwrap();
    }
    let (_, f) = findings(&site, &[]);
    assert!(of(&f, "MFA040").is_empty(), "{f:?}");
    assert!(of(&f, "MFA042").is_empty(), "{f:?}");

    let cert = format!("{STOCK}\\mfacerts\\CERT_KEY.P12");
    let site = Site::with(&sdk_settings(&cert, ""));
    site.write("MfaCerts/cert_key.p12", &p12("aes256.p12"));
    let (_, f) = findings(&site, &[]);
    assert!(of(&f, "MFA022").is_empty(), "{f:?}");
    assert!(of(&f, "MFA027").is_empty(), "{f:?}");
}

/// With `--windows-service-dir D:\MIM\Service`, a stock path is another
/// folder of that server: MFA022 there, with the path to write instead.
#[test]
fn a_stock_path_on_a_server_installed_elsewhere_is_not_mapped_into_the_copy() {
    let site = Site::with(&sdk_settings(&stock_cert(), ""));
    site.write("MfaCerts/cert_key.p12", &p12("aes256.p12"));
    let (code, f) = findings(&site, &["--windows-service-dir", r"D:\MIM\Service"]);
    let missing = of(&f, "MFA022");
    assert_eq!((code, missing.len()), (1, 1), "{f:?}");
    assert!(
        missing[0]["message"]
            .as_str()
            .unwrap()
            .contains(r"D:\MIM\Service"),
        "{missing:?}"
    );
    assert!(
        missing[0]["hint"]
            .as_str()
            .unwrap()
            .contains(r"D:\MIM\Service\MfaCerts\cert_key.p12"),
        "{missing:?}"
    );
    // The server's own path is found in the copy.
    let site = Site::with(&sdk_settings(r"D:\MIM\Service\MfaCerts\cert_key.p12", ""));
    site.write("MfaCerts/cert_key.p12", &p12("aes256.p12"));
    let (_, f) = findings(&site, &["--windows-service-dir", r"D:\MIM\Service"]);
    assert!(
        of(&f, "MFA022").is_empty() && of(&f, "MFA027").is_empty(),
        "{f:?}"
    );
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut v = vec![0xFF, 0xFE];
    v.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    v
}

/// Notepad's "Unicode" (UTF-16 LE with a BOM, declared utf-16): System.Xml
/// loads it (tests/xml-oracle), so validate does, with a warning; an edit
/// writes UTF-8, the snapshot keeps the UTF-16 bytes, restore brings them
/// back, and no output shows a secret.
#[test]
fn a_utf16_settings_file_is_read_warned_about_and_written_as_utf8() {
    let text = String::from_utf8(EXAMPLE_SETTINGS.to_vec())
        .unwrap()
        .trim_start_matches('\u{feff}')
        .replace("encoding=\"utf-8\"", "encoding=\"utf-16\"");
    let original = utf16le(&text);
    let site = Site::example();
    site.write("MfaSettings.xml", &original);
    let (code, f) = findings(&site, &[]);
    assert!(of(&f, "MFA008").is_empty(), "{f:?}");
    assert_eq!(of(&f, "MFA016").len(), 1, "{f:?}");
    assert_eq!(code, 0, "{f:?}");
    let status = site.run(&["status", "--json"]);
    assert_no_secrets(&status, &EXAMPLE_SECRETS);
    assert_eq!(status.json()["mode"], "azure-mfa-sdk", "{}", status.stdout);

    let gate = dll("CustomPhoneGate.dll");
    let out = site.run(&["provider", "set", gate.to_str().unwrap(), "-v"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_no_secrets(&out, &EXAMPLE_SECRETS);
    assert!(
        out.stderr.contains("was UTF-16") || out.stdout.contains("was UTF-16"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    let written = String::from_utf8(site.settings()).expect("written as UTF-8");
    assert!(
        written.contains("encoding=\"utf-8\"") && written.contains("<CustomPhoneProvider>"),
        "{written}"
    );
    let (code, f) = findings(&site, &[]);
    assert!(of(&f, "MFA016").is_empty() && code == 0, "{f:?}");

    let out = site.run(&["restore", "latest", "--yes"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        site.settings(),
        original,
        "restore brings back the UTF-16 bytes"
    );
}

/// What System.Xml refuses in UTF-16 stays an error on its line.
#[test]
fn a_utf16_file_system_xml_refuses_is_still_mfa008() {
    let site = Site::with(&utf16le(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<MfaSettings><LOCMFA>false</LOCMFA></MfaSettings>\r\n",
    ));
    let (code, f) = findings(&site, &[]);
    let bad = of(&f, "MFA008");
    assert_eq!((code, bad.len()), (1, 1), "{f:?}");
    assert_eq!(bad[0]["line"], 2, "{bad:?}");
}

/// Twenty encrypted bags at 1,000,000 iterations each and no MAC: within
/// the per-bag limit, seconds of work together (minutes unoptimised). The
/// file's whole key-derivation work is budgeted: refused as hostile, at once.
#[test]
fn a_p12_of_many_costly_bags_is_refused_in_well_under_a_second() {
    let site = Site::with(&sdk_settings(&stock_cert(), ""));
    site.write("MfaCerts/cert_key.p12", &p12("many-bags-no-mac.p12"));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mimmfa"))
        .args([
            "--service-dir",
            site.dir().to_str().unwrap(),
            "validate",
            "--json",
        ])
        .args(AS_STOCK_COPY)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed().as_secs() >= 10 {
            let _ = child.kill();
            panic!("validate still deriving keys after 10 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let elapsed = start.elapsed();
    let out = child.wait_with_output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = v["findings"].as_array().unwrap();
    let bad = of(f, "MFA023");
    assert_eq!(bad.len(), 1, "{v}");
    let message = bad[0]["message"].as_str().unwrap();
    assert!(
        message.contains("refused as hostile") && message.contains("in all"),
        "{message}"
    );
    assert!(elapsed.as_millis() < 1000, "{elapsed:?}");
}

/// A Service folder with the phone contract and the given fixtures.
fn provider_folder(provider: &str, beside: &[&str]) -> Site {
    let name = std::path::Path::new(provider)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let site = Site::with(
        format!("<MfaSettings>\r\n  <Username>svc</Username>\r\n  <DefaultCountryCode>1</DefaultCountryCode>\r\n  <CustomPhoneProvider>{STOCK}\\{name}</CustomPhoneProvider>\r\n</MfaSettings>\r\n").as_bytes(),
    );
    site.write(&name, &std::fs::read(dll(provider)).unwrap());
    site.write(
        EXAMPLE_CONTRACTS[0],
        &std::fs::read(dll(EXAMPLE_CONTRACTS[0])).unwrap(),
    );
    for file in beside {
        let to = std::path::Path::new(file)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        site.write(to, &std::fs::read(dll(file)).unwrap());
    }
    site
}

/// validate follows the CLR: a base class in another assembly of the
/// folder, a dependency that is not there, a contract name in the other case.
#[test]
fn validate_binds_as_the_clr_does() {
    let site = provider_folder(
        "cross-assembly/DerivedGate.dll",
        &["cross-assembly/Contoso.Base.dll"],
    );
    let (code, f) = findings(&site, &[]);
    assert!(
        of(&f, "MFA042").is_empty() && of(&f, "MFA071").is_empty(),
        "{f:?}"
    );
    assert_eq!(code, 0, "{f:?}");

    let site = provider_folder("dependency/DependentGate.dll", &[]);
    let (code, f) = findings(&site, &[]);
    let missing = of(&f, "MFA071");
    assert_eq!((code, missing.len()), (1, 1), "{f:?}");
    assert!(
        missing[0]["message"]
            .as_str()
            .unwrap()
            .contains("Contoso.Sms, Version=1.0.0.0"),
        "{missing:?}"
    );
    let human = site.run(&["validate"]);
    assert!(!human.stdout.contains("ok to restart"), "{}", human.stdout);

    let site = provider_folder(
        "dependency/DependentGate.dll",
        &["dependency/Contoso.Sms.dll"],
    );
    let (code, f) = findings(&site, &[]);
    assert!(of(&f, "MFA071").is_empty() && code == 0, "{f:?}");

    // MIM 2016's SMSServiceProviderContract, an SMS provider built against
    // FIM 2010 R2's SmsServiceProviderContract: the CLR loads it.
    let site = provider_folder(
        "CustomPhoneGate.dll",
        &[
            "name-case/Microsoft.IdentityManagement.SMSServiceProviderContract.dll",
            "sms-first/SmsServiceProvider.dll",
        ],
    );
    let (code, f) = findings(&site, &[]);
    assert!(of(&f, "MFA045").is_empty() && code == 0, "{f:?}");
}

/// `provider contract` finds a contract in a subfolder of the Service
/// folder, or only in the GAC (`--gac`, a copy of the server's); and
/// `provider check` binds the contract reference there.
#[test]
fn the_contract_is_found_in_subfolders_and_the_gac() {
    let contract = std::fs::read(dll(EXAMPLE_CONTRACTS[0])).unwrap();
    let site = Site::with(b"<MfaSettings/>");
    site.write(&format!("Bin/{}", EXAMPLE_CONTRACTS[0]), &contract);
    let (code, v) = site.json(&["provider", "contract"]);
    assert_eq!(code, 0, "{v}");
    assert!(
        v["contracts"][0]["path"].as_str().unwrap().contains("Bin"),
        "{v}"
    );

    let site = Site::with(b"<MfaSettings/>");
    let gac = tempfile::tempdir().unwrap();
    let name = EXAMPLE_CONTRACTS[0].trim_end_matches(".dll");
    let home = gac
        .path()
        .join(format!("GAC_MSIL/{name}/v4.0_0.0.0.0__e94679b0ccbc885a"));
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join(EXAMPLE_CONTRACTS[0]), &contract).unwrap();
    let (code, v) = site.json(&["provider", "contract"]);
    assert_eq!(code, 1, "without the GAC it is not found: {v}");
    let g = gac.path().to_str().unwrap();
    let (code, v) = site.json(&["--gac", g, "provider", "contract"]);
    assert_eq!(code, 0, "{v}");
    let gate = dll("CustomPhoneGate.dll");
    let (code, v) = site.json(&["--gac", g, "provider", "check", gate.to_str().unwrap()]);
    assert_eq!((code, finding_codes(&v)), (0, Vec::<String>::new()), "{v}");
    assert!(
        v["warnings"].as_array().unwrap().is_empty(),
        "compared with the GAC's: {v}"
    );
    // Without it: not "looks usable" in silence; the warning says what was not compared.
    let (_, v) = site.json(&["provider", "check", gate.to_str().unwrap()]);
    assert!(
        v["warnings"].to_string().contains("was not compared"),
        "without --gac: {v}"
    );
}

/// A FIFO named like a file the audit reads never hangs it (every read of
/// the audit goes through formats::bounded, regular files only).
#[cfg(unix)]
#[test]
fn a_fifo_named_like_the_sms_dll_does_not_hang_validate_or_status() {
    let site = Site::example();
    let fifo = site.path("SmsServiceProvider.dll");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for args in [&["validate"][..], &["status"][..]] {
        let start = std::time::Instant::now();
        let out = site.run(args);
        assert!(out.code == 0 || out.code == 1, "{args:?}: {}", out.stderr);
        assert!(start.elapsed().as_secs() < 20, "{args:?} took too long");
    }
}
