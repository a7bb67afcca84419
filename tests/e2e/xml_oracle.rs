//! .NET's System.Xml as the oracle for settings files: every file it
//! refuses, `validate` must report as an error (MFA002/MFA003/MFA008) on
//! the same line — the MIM Service would not start with it. The oracle is
//! tests/xml-oracle/XmlOracle.cs, compiled with `mcs` and run with `mono`
//! (Debian's mono-mcs, installed by .ci/run). Where mono is absent the test
//! says so loudly and passes only outside CI.

use mimmfa::internals::Finding;
use mimmfa::internals::Site;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/xml-oracle");

/// Files mimmfa refuses on purpose although System.Xml loads them
/// (docs/checks.md, "Stricter than System.Xml").
const STRICTER: [&str; 3] = [
    "char-ref-to-nul",
    "char-ref-to-surrogate",
    "utf16le-bom-odd-length",
];

/// The oracle's verdict per file: `None` loads, `Some(line)` refused there
/// (0 when it names no line).
fn oracle(files: &[PathBuf]) -> Option<Vec<Option<usize>>> {
    let (_dir, exe) = crate::util::mono_oracle(&Path::new(ROOT).join("XmlOracle.cs"))?;
    let out = Command::new("mono").arg(&exe).args(files).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let verdicts: Vec<Option<usize>> = text
        .lines()
        .map(|l| {
            let mut parts = l.split('\t');
            match parts.next() {
                Some("ok") => None,
                _ => Some(parts.next().and_then(|n| n.parse().ok()).unwrap_or(0)),
            }
        })
        .collect();
    assert_eq!(verdicts.len(), files.len(), "one verdict per file:\n{text}");
    Some(verdicts)
}

/// `validate`'s refusal of the settings file, if any: (code, line).
fn refusal(settings: &Path) -> Option<(String, usize)> {
    let dir = settings.parent().unwrap().to_path_buf();
    let site = Site::new(
        dir.clone(),
        settings.to_path_buf(),
        dir.join("MfaBackups"),
        mimmfa::internals::PathMapper::new(dir, None, vec![]),
    );
    let findings: Vec<Finding> =
        mimmfa::internals::audit_site(&site, mimmfa::internals::Options::default()).findings;
    findings
        .iter()
        .find(|f| matches!(f.code, "MFA002" | "MFA003" | "MFA008"))
        .map(|f| (f.code.to_string(), f.line.unwrap_or(0)))
}

/// Small, deterministic mutations of the corpus: a character XML is touchy
/// about, put somewhere (xorshift, fixed seed: a failure reproduces).
fn mutants(seeds: &[Vec<u8>], count: usize) -> Vec<Vec<u8>> {
    const TOUCHY: [&str; 22] = [
        "<",
        ">",
        "&",
        ";",
        "]]>",
        ":",
        "?",
        "!",
        "-",
        "--",
        " ",
        "\"",
        "'",
        "=",
        "\u{1}",
        "\t",
        "\r\n",
        "<?xml version=\"1.0\"?>",
        "&#1;",
        "<![CDATA[",
        "xmlns:p=\"\"",
        "1",
    ];
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let mut doc = seeds[next() as usize % seeds.len()].clone();
            for _ in 0..1 + next() % 2 {
                let at = next() as usize % (doc.len() + 1);
                let ins = TOUCHY[next() as usize % TOUCHY.len()].as_bytes();
                doc.splice(at..at, ins.iter().copied());
            }
            doc
        })
        .collect()
}

/// Each file in its own service folder, as `validate` reads it.
fn lay_out(root: &Path, docs: &[(String, Vec<u8>)]) -> Vec<PathBuf> {
    docs.iter()
        .map(|(name, bytes)| {
            let dir = root.join(name);
            std::fs::create_dir(&dir).unwrap();
            let p = dir.join("MfaSettings.xml");
            std::fs::write(&p, bytes).unwrap();
            p
        })
        .collect()
}

#[test]
fn validate_refuses_every_file_system_xml_refuses() {
    let tmp = tempfile::tempdir().unwrap();
    let mut corpus: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    corpus.sort();
    let mut docs: Vec<(String, Vec<u8>)> = corpus
        .iter()
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read(p).unwrap(),
            )
        })
        .collect();
    let corpus_len = docs.len();
    assert!(corpus_len >= 40, "the corpus is there");
    let mut paths = lay_out(tmp.path(), &docs);
    let Some(mut verdicts) = oracle(&paths) else {
        return;
    };
    // Mutants of the files System.Xml loads: one or two touchy characters
    // put somewhere, so that most are near misses, not garbage.
    let seeds: Vec<Vec<u8>> = docs
        .iter()
        .zip(&verdicts)
        .filter(|(_, v)| v.is_none())
        .map(|((_, bytes), _)| bytes.clone())
        // UTF-8 text put into UTF-16 bytes is garbage, not a near miss.
        .filter(|bytes| !mimmfa::internals::is_utf16(bytes))
        .collect();
    let mutated: Vec<(String, Vec<u8>)> = mutants(&seeds, 600)
        .into_iter()
        .enumerate()
        .map(|(i, m)| (format!("mutant-{i}"), m))
        .collect();
    paths.extend(lay_out(tmp.path(), &mutated));
    verdicts.extend(oracle(&paths[corpus_len..]).unwrap());
    docs.extend(mutated);

    let mut disagreements = Vec::new();
    let mut stricter = Vec::new();
    for (i, (path, verdict)) in paths.iter().zip(&verdicts).enumerate() {
        let (name, bytes) = &docs[i];
        let ours = refusal(path);
        match (verdict, &ours) {
            (Some(_), None) => disagreements.push(format!(
                "{name}: System.Xml refuses it, validate does not: {:?}",
                String::from_utf8_lossy(bytes)
            )),
            // The same line, where System.Xml names one (corpus files: each
            // has one problem; a mutant may have two, found in another order).
            (Some(line), Some((code, ours_line)))
                if i < corpus_len && *line > 0 && line != ours_line =>
            {
                disagreements.push(format!(
                    "{name}: System.Xml says line {line}, validate {code} line {ours_line}"
                ))
            }
            (None, Some((code, _))) => stricter.push((name.clone(), code.clone(), bytes.clone())),
            _ => {}
        }
    }
    for (name, code, bytes) in &stricter {
        // Mutants may only be stricter the documented ways.
        let documented = STRICTER.contains(&name.as_str())
            || String::from_utf8_lossy(bytes).contains("&#0;")
            || String::from_utf8_lossy(bytes).contains("&#xD800;");
        assert!(
            documented,
            "validate refuses {name} ({code}), which System.Xml loads: document it in docs/checks.md and STRICTER, or accept it: {:?}",
            String::from_utf8_lossy(bytes)
        );
    }
    println!(
        "oracle: {} files ({} mutants), {} refused by System.Xml; validate stricter on {}",
        paths.len(),
        paths.len() - corpus_len,
        verdicts.iter().filter(|v| v.is_some()).count(),
        stricter.len()
    );
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}

/// `sdk apply --username` with what XML cannot hold as it is: a control
/// character is refused with nothing written; `]]>` is escaped, and the
/// file System.Xml then loads holds the value as given.
#[test]
fn values_from_the_command_line_never_make_a_file_system_xml_refuses() {
    let zip = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sdk_aspnet_csharp.zip");
    let zip = zip.to_str().unwrap();
    let without_username = String::from_utf8(crate::util::EXAMPLE_SETTINGS.to_vec())
        .unwrap()
        .replace("  <username>svc-mim@contoso.example</username>\r\n", "")
        .replace("  <username>svc-mim@contoso.example</username>\n", "");
    assert!(!without_username.contains("username"));

    let site = crate::util::Site::with(without_username.as_bytes());
    let before = site.snapshot();
    let out = site.run(&["sdk", "apply", zip, "--username", "svc\u{1}"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("U+0001"), "{}", out.stderr);
    assert_eq!(site.snapshot(), before, "nothing was written");

    let out = site.run(&["sdk", "apply", zip, "--username", "a]]>b"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = mimmfa::internals::SettingsDoc::parse(&site.settings()).unwrap();
    assert_eq!(doc.value("Username"), "a]]>b");
    if let Some(verdicts) = oracle(&[site.path("MfaSettings.xml")]) {
        assert_eq!(verdicts, [None], "System.Xml loads what mimmfa wrote");
    }
}
