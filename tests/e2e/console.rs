//! What a person at the console meets: `explain`, -v/-q, colour, JSON
//! usage errors, SARIF locations, and no redundant lines.

use crate::provider::dll;
use crate::util::*;

/// Every code has a full entry, from docs/checks.md; an unknown code is a
/// usage error that lists the codes.
#[test]
fn explain_gives_every_codes_full_entry() {
    for check in mimmfa::checks::catalogue::CHECKS {
        let (code, severity, title) = (&check.code, check.severity, &check.title);
        let out = mimmfa(&["explain", code, "--json"]);
        assert_eq!(out.code, 0, "{code}: {}", out.stdout);
        let v = out.json();
        assert_common_keys(&v);
        let c = &v["check"];
        assert_eq!(c["code"], *code);
        assert_eq!(c["severity"], severity.as_str());
        assert_eq!(c["title"], *title);
        for part in ["why", "fix", "example"] {
            assert!(
                c[part].as_str().unwrap().len() > 3,
                "{code}: {part} is empty"
            );
        }
    }
    let human = mimmfa(&["explain", "mfa023"]);
    assert_eq!(human.code, 0);
    for part in [
        "MFA023 (error)",
        "Why it matters:",
        "How to fix:",
        "Example:",
        "mac verify failure",
    ] {
        assert!(human.stdout.contains(part), "{part}: {}", human.stdout);
    }
    let out = mimmfa(&["explain", "MFA999"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("MFA001, MFA002") && out.stderr.contains("MFA070"),
        "{}",
        out.stderr
    );
    let v = mimmfa(&["explain", "MFA999", "--json"]).json();
    assert_eq!(
        (v["command"].as_str(), v["failed"].as_bool()),
        (Some("explain"), Some(true))
    );
}

/// Findings point at `explain` once per run, however many folders.
#[test]
fn findings_mention_explain_once_per_run() {
    let sites = [Site::example(), Site::example(), Site::example()];
    let dirs: Vec<&str> = sites.iter().map(|s| s.dir().to_str().unwrap()).collect();
    let out = mimmfa(&["validate", dirs[0], dirs[1], dirs[2]]);
    assert_eq!(
        out.stdout.matches("mimmfa explain MFA0").count(),
        1,
        "{}",
        out.stdout
    );
    let out = sites[0].run(&["validate"]);
    assert_eq!(
        out.stdout.matches("`mimmfa explain MFA012`").count(),
        1,
        "{}",
        out.stdout
    );
    let json = sites[0].run(&["validate", "--json"]).stdout;
    assert!(
        !json.contains("mimmfa explain"),
        "JSON hints stay as they were"
    );
}

/// -v is repeatable (one level so far); -q keeps only the answer: the
/// findings of provider check, not its assembly lines; status stays whole.
#[test]
fn verbosity_flags() {
    let site = Site::example();
    let v = site.run(&["-v", "status"]);
    let vv = site.run(&["-vv", "status"]);
    assert_eq!((v.code, vv.code), (0, 0), "{}", vv.stderr);
    assert_eq!(v.stdout, vv.stdout);

    let good = dll("CustomPhoneGate.dll");
    let out = mimmfa(&["-q", "provider", "check", good.to_str().unwrap()]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, ""),
        "-q: nothing to say"
    );
    let loud = mimmfa(&["provider", "check", good.to_str().unwrap()]);
    assert!(
        loud.stdout.contains("assembly: CustomPhoneGate"),
        "{}",
        loud.stdout
    );
    let bad = dll("GenericPhone.dll");
    let out = mimmfa(&["-q", "provider", "check", bad.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("error[MFA047]") && !out.stdout.contains("assembly:"),
        "{}",
        out.stdout
    );
    let quiet_status = site.run(&["-q", "status"]);
    assert!(
        quiet_status.stdout.contains("mode:"),
        "{}",
        quiet_status.stdout
    );
}

/// status says its mode once: no trailing `mode ...` line after the body.
#[test]
fn status_has_no_redundant_last_line() {
    let out = Site::example().run(&["status"]);
    let last = out.stdout.lines().last().unwrap();
    assert!(!last.starts_with("mode "), "{}", out.stdout);
    assert_eq!(
        out.stdout.matches("azure-mfa-sdk").count(),
        1,
        "{}",
        out.stdout
    );
}

/// With --json a usage error is a JSON document naming the command and
/// what is missing; `completions` refuses --json instead of printing a
/// script.
#[test]
fn json_usage_errors_name_the_command_and_the_argument() {
    let out = mimmfa(&["--json", "-s", "x", "provider", "--settings", "y", "check"]);
    assert_eq!(out.code, 2);
    let v = out.json();
    assert_eq!(v["command"], "provider check");
    assert!(v["msg"].as_str().unwrap().contains("<DLL>"), "{v}");
    let out = mimmfa(&["completions", "bash", "--json"]);
    assert_eq!(out.code, 2);
    let v = out.json();
    assert_eq!(v["command"], "completions");
    assert!(v["msg"].as_str().unwrap().contains("not JSON"), "{v}");
    assert!(mimmfa(&["completions", "bash"]).stdout.contains("complete"));
}

/// SARIF locations are absolute file URIs, and each result has a
/// fingerprint that stays the same across runs.
#[test]
fn sarif_uris_are_file_uris_with_stable_fingerprints() {
    let site = Site::example();
    let run = || {
        let out = site.run(&["validate", "--format", "sarif"]);
        serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap()
    };
    let (a, b) = (run(), run());
    let results = a["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for (r, again) in results
        .iter()
        .zip(b["runs"][0]["results"].as_array().unwrap())
    {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            uri.starts_with("file:///") && !uri.contains('\\') && !uri.contains(' '),
            "{uri}"
        );
        let print = &r["partialFingerprints"]["mimmfaFinding/v1"];
        assert_eq!(print.as_str().unwrap().len(), 32);
        assert_eq!(print, &again["partialFingerprints"]["mimmfaFinding/v1"]);
    }
    let prints: std::collections::HashSet<String> = results
        .iter()
        .map(|r| r["partialFingerprints"]["mimmfaFinding/v1"].to_string())
        .collect();
    assert_eq!(prints.len(), results.len(), "one fingerprint per finding");
}

/// Colour only on a terminal that has it: NO_COLOR and TERM=dumb turn it
/// off (run under a pseudo-terminal, where colour is otherwise on).
#[cfg(unix)]
#[test]
fn no_colour_for_no_color_or_a_dumb_terminal() {
    let site = Site::example();
    let bin = assert_cmd::cargo::cargo_bin("mimmfa");
    let output = |env: &str| -> String {
        let cmd = format!(
            "env -u NO_COLOR {env} {} -s {} validate",
            bin.display(),
            site.dir().display()
        );
        let mut p = rexpect::spawn(&cmd, Some(20_000)).unwrap();
        p.exp_eof().unwrap()
    };
    assert!(
        output("TERM=xterm").contains("\x1b["),
        "colour on a terminal"
    );
    assert!(!output("TERM=dumb").contains("\x1b["), "TERM=dumb");
    assert!(
        !output("TERM=xterm NO_COLOR=1").contains("\x1b["),
        "NO_COLOR"
    );
}
