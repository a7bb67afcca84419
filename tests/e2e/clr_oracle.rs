//! The CLR as the oracle for provider DLLs: for every DLL of the fixture
//! set, `provider check`'s verdict (and the classes it names) must agree
//! with tests/clr-oracle/ProviderOracle.cs, which loads the DLL through
//! mono the way the MIM Service presumably does. Each DLL is checked in a
//! service folder of its own holding the contract assemblies, as on a
//! server. Where mono cannot judge, the expected verdict is asserted
//! directly and the reason is given beside the case.

use crate::provider::dll;
use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const HARNESS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/clr-oracle/ProviderOracle.cs"
);
const CONTRACTS: [&str; 2] = [
    "Microsoft.IdentityManagement.PhoneServiceProviderContract.dll",
    "Microsoft.IdentityManagement.SmsServiceProviderContract.dll",
];

struct Case {
    /// Fixture path under tests/fixtures/dotnet.
    dll: &'static str,
    sms: bool,
    /// Fixtures deployed beside it (its own dependencies).
    beside: &'static [&'static str],
    /// Where mono cannot judge: the code mimmfa must give instead.
    mono_cannot_judge: Option<&'static str>,
    /// The contract assemblies of the folder, when not CONTRACTS.
    contracts: &'static [&'static str],
    /// A Microsoft.ResourceManagement.Service.exe.config to put beside.
    config: Option<&'static str>,
}

const fn case(dll: &'static str) -> Case {
    Case {
        dll,
        sms: false,
        beside: &[],
        mono_cannot_judge: None,
        contracts: &CONTRACTS,
        config: None,
    }
}

/// Contoso.Sms 1.0.0.0 (what DependentGate.dll references) bound to 2.0.0.0.
const REDIRECT_TO_V2: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <runtime>
    <assemblyBinding xmlns="urn:schemas-microsoft-com:asm.v1">
      <dependentAssembly>
        <assemblyIdentity name="Contoso.Sms" publicKeyToken="e94679b0ccbc885a" culture="neutral" />
        <bindingRedirect oldVersion="0.0.0.0-1.9.9.9" newVersion="2.0.0.0" />
      </dependentAssembly>
    </assemblyBinding>
  </runtime>
</configuration>
"#;

const CASES: &[Case] = &[
    case("CustomPhoneGate.dll"),
    case("NestedPhone.dll"),
    case("InheritedPhone.dll"),
    case("ClosedGenericPhone.dll"),
    case("X64Phone.dll"),
    case("AbstractInternalPhone.dll"),
    case("NoInterface.dll"),
    case("OwnInterfacePhone.dll"),
    case("NoDefaultCtorPhone.dll"),
    case("GenericPhone.dll"),
    case("NotPe.dll"),
    Case {
        beside: &["other-contract/Contoso.PhoneContract.dll"],
        ..case("other-contract/OtherContractPhone.dll")
    },
    // netstandard 2.0 loads (a warning, not an error): both agree.
    Case {
        beside: &["targets/netstandard.dll"],
        ..case("targets/NetStandardPhone.dll")
    },
    // mono in a 64-bit process ignores 32BITREQUIRED and runs the IL; the
    // 64-bit .NET Framework refuses the image (BadImageFormatException).
    Case {
        mono_cannot_judge: Some("MFA048"),
        ..case("X86Phone.dll")
    },
    // mono is not the .NET Framework: it binds a System.Runtime 5.0
    // reference to its own facade, where .NET Framework 4 has no such
    // version to bind (real net5.0 assemblies also take System.Object from
    // it, so no type of theirs loads).
    Case {
        beside: &["targets/System.Runtime.dll"],
        mono_cannot_judge: Some("MFA049"),
        ..case("targets/Net5Phone.dll")
    },
    Case {
        sms: true,
        ..case("sms-first/SmsServiceProvider.dll")
    },
    // Issue 24. An SMS provider built against FIM 2010 R2's
    // `SmsServiceProviderContract`, in a folder holding MIM 2016's
    // `SMSServiceProviderContract` (one identity: names ignore case).
    Case {
        sms: true,
        contracts: &[
            "Microsoft.IdentityManagement.PhoneServiceProviderContract.dll",
            "name-case/Microsoft.IdentityManagement.SMSServiceProviderContract.dll",
        ],
        ..case("sms-first/SmsServiceProvider.dll")
    },
    // The interface comes from a base class in another assembly of the folder.
    Case {
        beside: &["cross-assembly/Contoso.Base.dll"],
        ..case("cross-assembly/DerivedGate.dll")
    },
    // ...and without that assembly, nothing implements it.
    case("cross-assembly/DerivedGate.dll"),
    // A dependency present, and missing.
    Case {
        beside: &["dependency/Contoso.Sms.dll"],
        ..case("dependency/DependentGate.dll")
    },
    case("dependency/DependentGate.dll"),
    // The dependency in another version (strong-named: 2.0.0.0 where 1.0.0.0
    // is referenced). The .NET Framework refuses it (FileLoadException: the
    // located assembly's manifest definition does not match); mono binds
    // any version it finds outside its GAC, so it cannot judge.
    Case {
        beside: &["dependency-v2/Contoso.Sms.dll"],
        mono_cannot_judge: Some("MFA071"),
        ..case("dependency/DependentGate.dll")
    },
    // The same, with the service's config redirecting 1.0.0.0 to 2.0.0.0:
    // usable (mono agrees, if only because it ignores versions).
    Case {
        beside: &["dependency-v2/Contoso.Sms.dll"],
        config: Some(REDIRECT_TO_V2),
        ..case("dependency/DependentGate.dll")
    },
    // The first-interface rule comes from the MIM Service's own error
    // ("does not implement the required interface"); mono's
    // Type.GetInterfaces() does not keep declaration order, so the
    // harness cannot apply it.
    Case {
        sms: true,
        mono_cannot_judge: Some("MFA044"),
        ..case("sms-second/SmsServiceProvider.dll")
    },
];

/// A service folder holding the contracts, the DLL and what goes beside it.
fn deploy(case: &Case) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for file in case.contracts.iter().chain(case.beside) {
        let from = dll(file);
        std::fs::copy(&from, dir.path().join(from.file_name().unwrap())).unwrap();
    }
    if let Some(config) = case.config {
        std::fs::write(
            dir.path()
                .join("Microsoft.ResourceManagement.Service.exe.config"),
            config,
        )
        .unwrap();
    }
    let from = dll(case.dll);
    let to = dir.path().join(from.file_name().unwrap());
    std::fs::copy(&from, &to).unwrap();
    (dir, to)
}

/// `provider check --json` of a DLL deployed in a service folder.
fn check_in(service_dir: &Path, dll: &Path, extra: &[&str]) -> Out {
    let mut args = vec![
        "-s",
        service_dir.to_str().unwrap(),
        "provider",
        "check",
        dll.to_str().unwrap(),
        "--json",
    ];
    args.extend_from_slice(extra);
    mimmfa(&args)
}

pub fn mono(exe: &Path, args: &[&str]) -> String {
    let out = Command::new("mono").arg(exe).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn provider_check_agrees_with_the_clr() {
    let Some((_tmp, exe)) = mono_oracle(Path::new(HARNESS)) else {
        return;
    };
    let mut disagreements = Vec::new();
    for case in CASES {
        let (dir, target) = deploy(case);
        let (d, t) = (dir.path().to_str().unwrap(), target.to_str().unwrap());
        let verdict = mono(&exe, &[d, if case.sms { "sms" } else { "phone" }, t]);
        let oracle: Option<Vec<&str>> = verdict
            .trim()
            .strip_prefix("usable ")
            .map(|types| types.split(' ').collect());
        let out = check_in(dir.path(), &target, if case.sms { &["--sms"] } else { &[] });
        let v = out.json();
        let codes = finding_codes(&v);
        let ours: Option<Vec<&str>> = (out.code == 0).then(|| {
            v["assembly"]["implementations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i.as_str().unwrap())
                .collect()
        });
        match case.mono_cannot_judge {
            None if ours != oracle => disagreements.push(format!(
                "{}: CLR says {}, mimmfa exit {} {codes:?} {ours:?}",
                case.dll,
                verdict.trim(),
                out.code
            )),
            None => {}
            Some(code) => {
                assert!(
                    oracle.is_some(),
                    "{}: mono now refuses it ({verdict}); let the oracle judge it",
                    case.dll
                );
                assert_eq!(
                    (out.code, codes),
                    (1, vec![code.to_string()]),
                    "{}",
                    case.dll
                );
            }
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

/// The codes themselves, and what their messages name.
#[test]
fn each_unusable_dll_gets_its_own_code() {
    let cases = [
        (
            "OwnInterfacePhone.dll",
            "MFA045",
            "Microsoft.IdentityManagement.PhoneServiceProviderContract",
        ),
        (
            "other-contract/OtherContractPhone.dll",
            "MFA045",
            "Contoso.PhoneContract",
        ),
        (
            "NoDefaultCtorPhone.dll",
            "MFA046",
            "Contoso.Configured.Gate (no public parameterless constructor)",
        ),
        (
            "GenericPhone.dll",
            "MFA047",
            "Contoso.Generic.Gate`1 (an open generic)",
        ),
        ("X86Phone.dll", "MFA048", "64-bit"),
        ("targets/Net5Phone.dll", "MFA049", ".NET 5.0"),
        (
            "targets/NetStandardPhone.dll",
            "MFA070",
            ".NET Standard 2.0",
        ),
    ];
    for (name, code, names) in cases {
        let beside: &[&str] = match name {
            "other-contract/OtherContractPhone.dll" => {
                &["other-contract/Contoso.PhoneContract.dll"]
            }
            _ => &[],
        };
        let (dir, target) = deploy(&Case {
            beside,
            ..case(name)
        });
        let out = check_in(dir.path(), &target, &[]);
        let v = out.json();
        assert_eq!(finding_codes(&v), vec![code.to_string()], "{name}: {v}");
        let text = format!(
            "{} {}",
            v["findings"][0]["message"], v["findings"][0]["hint"]
        );
        assert!(text.contains(names), "{name}: {text}");
        let expected_exit = if code == "MFA070" { 0 } else { 1 };
        assert_eq!(out.code, expected_exit, "{name}");
    }
}

/// What `provider check` reports besides the verdict: version, strong name,
/// platform, target, and the contract assembly the DLL references, with the
/// public key token the CLR gives it.
#[test]
fn check_reports_identity_and_contract() {
    let (dir, target) = deploy(&case("CustomPhoneGate.dll"));
    let d = dir.path().to_str().unwrap();
    let out = check_in(dir.path(), &target, &[]);
    let v = out.json();
    assert_eq!(out.code, 0, "{v}");
    let a = &v["assembly"];
    assert_eq!(a["version"], "0.0.0.0");
    assert_eq!(a["strong_name"], "none");
    assert_eq!(a["platform"], "AnyCPU");
    assert_eq!(a["target_framework"], ".NET Framework");
    let contract = &a["contract"];
    assert_eq!(
        contract["assembly"],
        "Microsoft.IdentityManagement.PhoneServiceProviderContract"
    );
    let signed = mimmfa(&[
        "provider",
        "check",
        dll(CONTRACTS[0]).to_str().unwrap(),
        "--json",
    ])
    .json();
    assert_eq!(signed["assembly"]["strong_name"], "signed");
    assert_eq!(
        contract["public_key_token"],
        signed["assembly"]["public_key_token"]
    );
    if let Some((_tmp, exe)) = mono_oracle(Path::new(HARNESS)) {
        let identity = mono(&exe, &["--identity", dll(CONTRACTS[0]).to_str().unwrap()]);
        let token = identity.split_whitespace().nth(2).unwrap();
        assert_eq!(contract["public_key_token"], token, "the CLR's token");
    }
    let human = mimmfa(&["-s", d, "provider", "check", target.to_str().unwrap()]);
    for shown in [
        "version 0.0.0.0",
        "AnyCPU",
        "Microsoft.IdentityManagement.PhoneServiceProviderContract",
    ] {
        assert!(human.stdout.contains(shown), "{shown}: {}", human.stdout);
    }
}

/// `provider contract` names the assemblies that define the interfaces, with
/// the identity the CLR gives them; Microsoft's comes first when a
/// developer's copy lies beside it; a folder without any exits 1.
#[test]
fn contract_names_the_defining_assemblies() {
    let site = Site::example();
    let (code, v) = site.json(&["provider", "contract"]);
    assert_eq!(code, 0, "{v}");
    let rows = v["contracts"].as_array().unwrap();
    let interfaces: Vec<&str> = rows
        .iter()
        .map(|r| r["interface"].as_str().unwrap())
        .collect();
    assert_eq!(
        interfaces,
        [
            "Microsoft.IdentityManagement.PhoneServiceProvider.IPhoneServiceProvider",
            "Microsoft.IdentityManagement.SmsServiceProvider.ISmsServiceProvider"
        ]
    );
    if let Some((_tmp, exe)) = mono_oracle(Path::new(HARNESS)) {
        for row in rows {
            let identity = mono(&exe, &["--identity", row["path"].as_str().unwrap()]);
            let clr: Vec<&str> = identity.split_whitespace().collect();
            let ours = [&row["assembly"], &row["version"], &row["public_key_token"]];
            assert_eq!(ours.map(|x| x.as_str().unwrap()), [clr[0], clr[1], clr[2]]);
        }
    }
    let human = site.run(&["provider", "contract"]);
    assert!(
        human.stdout.contains("IPhoneServiceProvider: Microsoft.IdentityManagement.PhoneServiceProviderContract, Version=0.0.0.0, Culture=neutral, PublicKeyToken="),
        "{}",
        human.stdout
    );

    // A developer's copy of the interface beside Microsoft's: named after it.
    site.write(
        "AaaCopy.dll",
        &std::fs::read(dll("OwnInterfacePhone.dll")).unwrap(),
    );
    let (code, v) = site.json(&["provider", "contract"]);
    assert_eq!(code, 0);
    assert_eq!(
        v["contracts"][0]["assembly"],
        "Microsoft.IdentityManagement.PhoneServiceProviderContract"
    );
    assert_eq!(v["contracts"][1]["assembly"], "OwnInterfacePhone");
    assert!(
        v["warnings"][0]
            .as_str()
            .unwrap()
            .contains("2 assemblies define IPhoneServiceProvider")
    );

    let empty = Site::with(b"<MfaSettings/>");
    empty.write("Other.dll", &std::fs::read(dll("NoInterface.dll")).unwrap());
    empty.write("NotPe.dll", b"MZ junk");
    let (code, v) = empty.json(&["provider", "contract"]);
    assert_eq!(code, 1, "{v}");
    assert!(v["msg"].as_str().unwrap().contains("no assembly in"));
    assert_eq!(v["contracts"], serde_json::json!([]));
    let out = mimmfa(&["-s", "/no/such/folder", "provider", "contract"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
}

/// docs/providers.md's walk-through ends with three commands on the bundled
/// example: they run as written, from the repository's root, and succeed
/// (`provider new --dry-run` writes nothing, so the block can run again).
#[test]
fn the_walk_through_commands_run_as_written() {
    let doc = include_str!("../../docs/providers.md");
    let block = doc
        .split("Try it on the bundled example")
        .nth(1)
        .and_then(|rest| rest.split("```sh\n").nth(1))
        .and_then(|code| code.split("```").next())
        .expect("the walk-through's example block");
    let lines: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 3, "{block}");
    for line in lines {
        let args: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(args[0], "mimmfa");
        let out = mimmfa(&args[1..]);
        assert_eq!(out.code, 0, "{line}: {}{}", out.stdout, out.stderr);
        assert!(!out.stdout.contains("MFA0"), "{line}: {}", out.stdout);
    }
}

/// A missing dependency is named with its version and token and where the
/// CLR looked; what cannot be proved (a lone DLL, a folder without the
/// contract) is said, in the warnings, not skipped in silence.
#[test]
fn missing_dependencies_and_unproved_parts_are_named() {
    let (dir, target) = deploy(&case("dependency/DependentGate.dll"));
    let out = check_in(dir.path(), &target, &[]);
    let v = out.json();
    assert_eq!(
        (out.code, finding_codes(&v)),
        (1, vec!["MFA071".to_string()]),
        "{v}"
    );
    let message = v["findings"][0]["message"].as_str().unwrap();
    for part in [
        "Contoso.Sms, Version=1.0.0.0, PublicKeyToken=e94679b0ccbc885a",
        "the GAC",
        "Contoso.Sms.dll",
        dir.path().to_str().unwrap(),
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
    // A lone DLL: the contract and the references are not checked, and it says so.
    let lone = mimmfa(&[
        "provider",
        "check",
        dll("dependency/DependentGate.dll").to_str().unwrap(),
        "--json",
    ])
    .json();
    let warnings = lone["warnings"].to_string();
    assert!(
        warnings.contains("was not compared") && warnings.contains("were not bound"),
        "{lone}"
    );
    // A Service folder without the contract: the comparison is skipped, said why.
    let empty = tempfile::tempdir().unwrap();
    let v = check_in(empty.path(), &dll("CustomPhoneGate.dll"), &[]).json();
    assert!(
        v["warnings"]
            .to_string()
            .contains("holds no assembly defining"),
        "{v}"
    );
}

/// `provider contract` prints file names as text, never as terminal
/// control: a copy of the contract under a name with an escape sequence.
#[cfg(unix)]
#[test]
fn contract_escapes_the_file_names_it_prints() {
    let site = Site::example();
    let name = "Evil\u{1b}[2J.dll";
    site.write(name, &std::fs::read(dll("OwnInterfacePhone.dll")).unwrap());
    let human = site.run(&["provider", "contract"]);
    assert!(
        human.stdout.contains("Evil\\u{1b}[2J.dll"),
        "{:?}",
        human.stdout
    );
    assert!(!human.stdout.contains('\u{1b}'), "{:?}", human.stdout);
    assert!(!human.stderr.contains('\u{1b}'), "{:?}", human.stderr);
}
