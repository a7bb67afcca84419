//! `provider new`: the project it writes builds (mcs, against the contract
//! stand-ins of the example Service folder), the DLL built passes
//! `provider check` and the CLR oracle and behaves as the MIM Service needs
//! when called; the csproj says net48, AnyCPU, no Prefer32Bit and the
//! Service folder's contract; refusals write nothing; two runs give the
//! same bytes.

use crate::clr_oracle::{HARNESS, mono};
use crate::util::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `provider new` on `site`, into `out`, as JSON.
fn new_project(site: &Site, name: &str, sms: bool, out: &Path) -> (i32, serde_json::Value) {
    let mut args = vec!["provider", "new", name, "--out", out.to_str().unwrap()];
    if sms {
        args.push("--sms");
    }
    site.json(&args)
}

/// Every file below `dir`, by path inside it, with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The generated C# compiled as a library with mcs, the way an SDK build
/// of the csproj compiles it (every .cs file, the contract referenced).
fn compile(project: &Path, contract: &Path, dll: &Path) {
    let mut sources: Vec<PathBuf> = std::fs::read_dir(project)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "cs"))
        .collect();
    sources.sort();
    let built = Command::new("mcs")
        .args(["-nologo", "-target:library", "-warnaserror+", "-warn:4"])
        .arg(format!("-r:{}", contract.display()))
        .arg(format!("-out:{}", dll.display()))
        .args(&sources)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "mcs: {}{}",
        String::from_utf8_lossy(&built.stdout),
        String::from_utf8_lossy(&built.stderr)
    );
}

/// Calls the provider the way the MIM Service does, by reflection (as
/// Test-Provider.ps1 does): created with no arguments, InitiateCall, then
/// GetCallStatus and GetFailureMessage on another thread; or SendSms.
const DRIVER: &str = r#"
using System;
using System.Collections.Generic;
using System.Reflection;
using System.Threading;
static class Driver
{
    static int Main(string[] args)
    {
        Type t = Assembly.LoadFrom(args[0]).GetType(args[1], true);
        object provider = Activator.CreateInstance(t);
        var attributes = new Dictionary<string, object>();
        Guid id = Guid.NewGuid();
        if (args[2] == "sms")
        {
            try { t.GetMethod("SendSms").Invoke(provider, new object[] { "+1 425 555 0100", "123456", id, attributes }); Console.WriteLine("sent"); }
            catch (TargetInvocationException e) { Console.WriteLine("SendSms threw " + e.InnerException.GetType().Name + ": " + e.InnerException.Message); }
            return 0;
        }
        Console.WriteLine("InitiateCall " + t.GetMethod("InitiateCall").Invoke(provider, new object[] { "+1 425 555 0100", id, attributes }));
        var other = new Thread(() =>
        {
            Console.WriteLine("GetCallStatus " + t.GetMethod("GetCallStatus").Invoke(provider, new object[] { id.ToString() }));
            Console.WriteLine("GetFailureMessage " + t.GetMethod("GetFailureMessage").Invoke(provider, new object[] { id.ToString() }));
            Console.WriteLine("unknown " + t.GetMethod("GetCallStatus").Invoke(provider, new object[] { "no such call" }));
        });
        other.Start();
        other.Join();
        return 0;
    }
}
"#;

/// For a phone and an SMS project: it compiles, `provider check` finds the
/// one class the issue asks for and nothing wrong, the CLR agrees, and the
/// provider fails closed until its gateway call is written.
#[test]
fn phone_and_sms_projects_build_and_pass_check_and_the_clr() {
    let Some((_oracle_dir, oracle)) = mono_oracle(Path::new(HARNESS)) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let driver_source = tmp.path().join("Driver.cs");
    std::fs::write(&driver_source, DRIVER).unwrap();
    let Some((_driver_dir, driver)) = mono_oracle(&driver_source) else {
        return;
    };
    for (name, sms, dll_name, class) in [
        (
            "ContosoPhoneGate",
            false,
            "ContosoPhoneGate.dll",
            "ContosoPhoneGate.ContosoPhoneGate",
        ),
        (
            "ContosoSms",
            true,
            "SmsServiceProvider.dll",
            "ContosoSms.SmsServiceProvider",
        ),
    ] {
        let site = Site::example();
        let project = tmp.path().join(name);
        let (code, v) = new_project(&site, name, sms, &project);
        assert_eq!(code, 0, "{v}");
        assert_eq!(
            (&v["changed"], &v["project"]["dll"]),
            (&true.into(), &dll_name.into())
        );
        assert_eq!(
            v["files_written"].as_array().unwrap().len(),
            tree(&project).len()
        );
        let contract = PathBuf::from(v["project"]["contract"]["path"].as_str().unwrap());
        assert_eq!(
            contract.file_name().unwrap().to_str().unwrap(),
            EXAMPLE_CONTRACTS[usize::from(sms)]
        );

        // Built, then deployed as on the server: beside the contracts.
        let dll = site.path(dll_name);
        compile(&project, &contract, &dll);
        let out = site.run(&["provider", "check", dll.to_str().unwrap(), "--json"]);
        let c = out.json();
        assert_eq!(out.code, 0, "{c}");
        assert_eq!(finding_codes(&c), Vec::<String>::new(), "{c}");
        assert_eq!(c["assembly"]["implementations"], serde_json::json!([class]));
        assert_eq!(c["assembly"]["platform"], "AnyCPU");
        let mut references: Vec<&str> = c["assembly"]["references"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        references.sort();
        let contract_name = EXAMPLE_CONTRACTS[usize::from(sms)].trim_end_matches(".dll");
        assert_eq!(
            references,
            [contract_name, "System", "mscorlib"],
            "the .NET Framework's own assemblies and the contract, nothing else"
        );
        let public: Vec<&str> = c["assembly"]["classes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["public"] == true)
            .map(|k| k["name"].as_str().unwrap())
            .collect();
        assert_eq!(public, [class], "one public type: the provider");
        let kind = if sms { "sms" } else { "phone" };
        let d = site.dir().to_str().unwrap();
        let verdict = mono(&oracle, &[d, kind, dll.to_str().unwrap()]);
        assert_eq!(verdict.trim(), format!("usable {class}"));

        // Called as the service calls it, with its settings beside it and
        // its log file in the test's folder.
        let settings = format!("{}.settings", dll_name.trim_end_matches(".dll"));
        let log = tmp.path().join(format!("{name}.log"));
        let mut text = std::fs::read_to_string(project.join(&settings)).unwrap();
        text.push_str(&format!("LogFile = {}\r\n", log.display()));
        site.write(&settings, text.as_bytes());
        let said = mono(&driver, &[dll.to_str().unwrap(), class, kind]);
        if sms {
            assert!(
                said.contains("SendSms threw NotImplementedException: not implemented: write Send in SmsServiceProvider.cs to call the gateway https://gateway.example/api"),
                "{said}"
            );
            let logged = std::fs::read_to_string(&log).unwrap();
            assert!(logged.contains("SendSms"), "{logged}");
        } else {
            for line in [
                "InitiateCall Failed",
                "GetCallStatus Failed",
                "GetFailureMessage not implemented: write PlaceCall in ContosoPhoneGate.cs",
                "unknown Failed",
            ] {
                assert!(said.contains(line), "{line}: {said}");
            }
        }
        // A setting missing: it still fails cleanly, naming the setting
        // and the file (and logs where the settings say, not in a system
        // folder).
        site.write(
            &settings,
            format!("LogFile = {}\r\n", log.display()).as_bytes(),
        );
        let said = mono(&driver, &[dll.to_str().unwrap(), class, kind]);
        assert!(said.contains("GatewayUrl is not set in"), "{said}");
        assert!(said.contains(&settings), "{said}");
        let logged = std::fs::read_to_string(&log).unwrap();
        assert!(logged.contains("GatewayUrl is not set"), "{logged}");
    }
}

/// A small XML tree: each element's name, attributes and text.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: BTreeMap<String, String>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn parse(xml: &str) -> Element {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut stack = vec![Element::default()];
        let open = |e: &quick_xml::events::BytesStart| Element {
            name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
            attributes: e
                .attributes()
                .map(|a| {
                    let a = a.unwrap();
                    let key = String::from_utf8(a.key.as_ref().to_vec()).unwrap();
                    (key, a.unescape_value().unwrap().into_owned())
                })
                .collect(),
            ..Element::default()
        };
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) => stack.push(open(&e)),
                Event::Empty(e) => stack.last_mut().unwrap().children.push(open(&e)),
                Event::End(_) => {
                    let done = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(done);
                }
                Event::Text(t) => stack
                    .last_mut()
                    .unwrap()
                    .text
                    .push_str(&t.decode().unwrap()),
                Event::GeneralRef(r) => {
                    let c = match r.decode().unwrap().as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("entity {other}"),
                    };
                    stack.last_mut().unwrap().text.push(c);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(stack.len(), 1, "every element closed");
        stack.pop().unwrap().children.pop().unwrap()
    }

    fn all(&self, name: &str) -> Vec<&Element> {
        let mut out = Vec::new();
        for c in &self.children {
            if c.name == name {
                out.push(c);
            }
            out.extend(c.all(name));
        }
        out
    }

    fn one(&self, name: &str) -> &Element {
        let found = self.all(name);
        assert_eq!(found.len(), 1, "{name}: {self:#?}");
        found[0]
    }
}

/// The csproj read as XML: SDK style, net48, AnyCPU, Prefer32Bit off, one
/// reference (the contract `provider contract` names, by its full name and
/// path here, never copied), nothing else to depend on. The Service
/// folder's path has characters XML and PowerShell must escape.
#[test]
fn the_csproj_targets_net48_anycpu_and_the_folders_contract() {
    // `<` and `>` cannot be in a Windows file name.
    let odd = if cfg!(windows) {
        "O'Brien & Co \u{2019}"
    } else {
        "O'Brien & <Co> \u{2019}"
    };
    let site = Site {
        tmp: tempfile::Builder::new().prefix(odd).tempdir().unwrap(),
    };
    site.write("MfaSettings.xml", EXAMPLE_SETTINGS);
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/service");
    for contract in EXAMPLE_CONTRACTS {
        site.write(contract, &std::fs::read(examples.join(contract)).unwrap());
    }
    let server = "C:\\MIM's \u{2019}folder\\Service";
    let (_, contracts) = site.json(&["--windows-service-dir", server, "provider", "contract"]);
    let tmp = tempfile::tempdir().unwrap();
    for (sms, name, assembly) in [
        (false, "Gate", "Gate"),
        (true, "GateSms", "SmsServiceProvider"),
    ] {
        let project = tmp.path().join(name);
        let mut args = vec!["--windows-service-dir", server, "provider", "new", name];
        args.extend(["--out", project.to_str().unwrap()]);
        if sms {
            args.push("--sms");
        }
        let (code, v) = site.json(&args);
        assert_eq!(code, 0, "{v}");
        let xml = std::fs::read_to_string(project.join(format!("{name}.csproj"))).unwrap();
        let root = Element::parse(&xml);
        assert_eq!(root.name, "Project");
        assert_eq!(root.attributes["Sdk"], "Microsoft.NET.Sdk");
        for (element, value) in [
            ("TargetFramework", "net48"),
            ("OutputType", "Library"),
            ("PlatformTarget", "AnyCPU"),
            ("Prefer32Bit", "false"),
            ("AssemblyName", assembly),
        ] {
            assert_eq!(root.one(element).text, value, "{element}");
        }
        assert!(root.all("TargetFrameworks").is_empty());
        for dependency in ["PackageReference", "ProjectReference", "COMReference"] {
            assert!(root.all(dependency).is_empty(), "{dependency}");
        }
        let reference = root.one("Reference");
        let row = &contracts["contracts"][usize::from(sms)];
        assert_eq!(
            reference.attributes["Include"],
            row["reference"].as_str().unwrap()
        );
        let hint = &reference.one("HintPath").text;
        assert_eq!(hint, row["path"].as_str().unwrap());
        assert!(
            Path::new(hint).is_absolute() && Path::new(hint).is_file(),
            "{hint}"
        );
        assert_eq!(reference.one("Private").text, "false");
        // The script names the contract's path on the server, quoted for
        // PowerShell (which takes typographic quotes for quotes too).
        let script = std::fs::read_to_string(project.join("Test-Provider.ps1")).unwrap();
        assert!(
            script.starts_with('\u{feff}'),
            "a BOM for Windows PowerShell 5.1"
        );
        let windows = row["windows_path"].as_str().unwrap();
        assert!(windows.starts_with(server), "{windows}");
        let quoted = windows
            .replace('\'', "''")
            .replace('\u{2019}', "\u{2019}\u{2019}");
        assert!(
            script.contains(&format!("$Contract = '{quoted}'")),
            "{script}"
        );
    }
}

/// A folder that is not empty, a file, a link, a missing parent: exit 3,
/// nothing written anywhere. An empty folder is filled.
#[test]
fn an_occupied_target_is_refused_and_nothing_is_written() {
    let site = Site::example();
    let tmp = tempfile::tempdir().unwrap();
    let full = tmp.path().join("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("notes.txt"), b"mine").unwrap();
    let file = tmp.path().join("file");
    std::fs::write(&file, b"a file").unwrap();
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut targets = vec![
        full.clone(),
        file.clone(),
        tmp.path().join("no/such/parent"),
    ];
    #[cfg(unix)]
    {
        let empty = tmp.path().join("empty-for-link");
        std::fs::create_dir(&empty).unwrap();
        std::os::unix::fs::symlink(&empty, tmp.path().join("link")).unwrap();
        targets.push(tmp.path().join("link"));
    }
    let before = tree(tmp.path());
    let service_before = site.snapshot();
    for target in &targets {
        let (code, v) = new_project(&site, "Gate", false, target);
        assert_eq!(
            (code, &v["failed"]),
            (3, &true.into()),
            "{}: {v}",
            target.display()
        );
        assert!(
            v["msg"].as_str().unwrap().contains("nothing was written"),
            "{v}"
        );
        assert_eq!(v["files_written"], serde_json::json!([]));
    }
    let out = site.run(&["provider", "new", "Gate", "--out", full.to_str().unwrap()]);
    assert!(
        out.stderr.contains("is not empty (1 entries)"),
        "{}",
        out.stderr
    );
    assert_eq!(tree(tmp.path()), before, "nothing written");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(
        site.snapshot(),
        service_before,
        "the Service folder is not touched"
    );

    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (code, v) = new_project(&site, "Gate", false, &empty);
    assert_eq!(code, 0, "{v}");
    assert!(empty.join("Gate.csproj").is_file());

    // A Service folder without the contract: refused, nothing written.
    let bare = Site::with(b"<MfaSettings/>");
    let (code, v) = new_project(&bare, "Gate", false, &tmp.path().join("bare"));
    assert_eq!(code, 3, "{v}");
    assert!(v["msg"].as_str().unwrap().contains("no assembly in"), "{v}");
    assert!(!tmp.path().join("bare").exists());
}

/// The same inputs give byte-identical files; `--dry-run` lists them and
/// writes nothing.
#[test]
fn the_same_inputs_give_the_same_bytes() {
    let site = Site::example();
    let tmp = tempfile::tempdir().unwrap();
    for sms in [false, true] {
        let (a, b) = (
            tmp.path().join(format!("a{sms}")),
            tmp.path().join(format!("b{sms}")),
        );
        assert_eq!(new_project(&site, "Gate", sms, &a).0, 0);
        assert_eq!(new_project(&site, "Gate", sms, &b).0, 0);
        let (first, second) = (tree(&a), tree(&b));
        assert_eq!(first.len(), 8);
        assert_eq!(first, second);
        for (path, bytes) in &first {
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert!(
                !text.contains("{{"),
                "{}: a placeholder left",
                path.display()
            );
            assert_eq!(
                text.matches('\n').count(),
                text.matches("\r\n").count(),
                "{}: CRLF only",
                path.display()
            );
        }
    }
    let dry = tmp.path().join("dry");
    let (code, v) = site.json(&[
        "provider",
        "new",
        "Gate",
        "--out",
        dry.to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!((code, &v["changed"]), (0, &true.into()), "{v}");
    let listed: Vec<&str> = v["would_write"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), 8);
    assert!(listed[0].ends_with("Gate.csproj"), "{listed:?}");
    assert!(!dry.exists(), "a dry run writes nothing");
}

/// NAME must be a C# identifier the project can use: refused with exit 2
/// and the rule, before anything is read or written.
#[test]
fn names_that_are_not_identifiers_are_refused() {
    let site = Site::example();
    let tmp = tempfile::tempdir().unwrap();
    for (name, says) in [
        ("class", "is a C# keyword"),
        ("2Gate", "is not a C# identifier"),
        ("Contoso.Gate", "is not a C# identifier"),
        ("System", "would hide System"),
        ("CON", "device name"),
    ] {
        let out = site.run(&[
            "provider",
            "new",
            name,
            "--out",
            tmp.path().join("x").to_str().unwrap(),
        ]);
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{name}: {}", out.stderr);
    }
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}
