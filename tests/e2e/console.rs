//! What a person at the console meets: `explain`, -v/-q, colour, JSON
//! usage errors, SARIF locations, and no redundant lines.

use crate::provider::dll;
use crate::util::*;

/// Every code has a full entry, from docs/checks.md; an unknown code is a
/// usage error that lists the codes.
#[test]
fn explain_gives_every_codes_full_entry() {
    for check in mimmfa::internals::CHECKS {
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
    let out = mimmfa(&["-v", "validate", dirs[0], dirs[1], dirs[2]]);
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

/// -v is repeatable (one level so far) and adds what was checked; -q
/// keeps only errors: the findings of provider check, not its assembly
/// lines; nothing at all from a status or a check that found no error.
#[test]
fn verbosity_flags() {
    let site = Site::example();
    let v = site.run(&["-v", "status"]);
    let vv = site.run(&["-vv", "status"]);
    assert_eq!((v.code, vv.code), (0, 0), "{}", vv.stderr);
    assert_eq!(v.stdout, vv.stdout);
    assert!(v.stdout.contains("checked, no finding"), "{}", v.stdout);

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
    assert_eq!(quiet_status.stdout, "", "no error, nothing to say");
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

/// `-q` prints errors only, and nothing at all on success; `-v` adds the
/// checks that ran and passed.
#[test]
fn quiet_is_errors_only_and_verbose_lists_what_passed() {
    let site = Site::example();
    // The example has warnings (MFA012, MFA060 …) and no error.
    let out = site.run(&["-q", "validate"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "", "")
    );
    let out = site.run(&["-v", "validate"]);
    assert!(out.stdout.contains("checked, no finding"), "{}", out.stdout);
    assert!(
        out.stdout.contains("ok MFA023"),
        "the certificate opened: {}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("ok MFA012"),
        "MFA012 was found: {}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("ok MFA042"),
        "no provider checks in SDK mode"
    );
    // An error: only it, no warning, no summary line.
    let text = String::from_utf8(EXAMPLE_SETTINGS.to_vec())
        .unwrap()
        .replace("cert_key.p12", "gone.p12");
    site.write("MfaSettings.xml", text.as_bytes());
    let out = site.run(&["-q", "validate"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("error[MFA022]"), "{}", out.stdout);
    assert!(
        !out.stdout.contains("warning") && !out.stderr.contains("warning"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    assert!(!out.stdout.contains("folder(s)"), "{}", out.stdout);
}

/// A fleet is one line per folder and the totals (JSON unchanged).
#[test]
fn a_fleet_is_one_line_per_folder() {
    let good = Site::example();
    let bad = Site::example();
    let text = String::from_utf8(EXAMPLE_SETTINGS.to_vec())
        .unwrap()
        .replace("cert_key.p12", "gone.p12");
    bad.write("MfaSettings.xml", text.as_bytes());
    let (g, b) = (
        good.dir().display().to_string(),
        bad.dir().display().to_string(),
    );
    let out = mimmfa(&["validate", &g, &b]);
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert!(
        lines[0].starts_with("warnings") && lines[0].contains(&g) && lines[0].contains("MFA012"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("FAIL") && lines[1].contains(&b) && lines[1].contains("MFA022"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("2 folder(s): 1 error(s)"),
        "{}",
        lines[2]
    );
    let out = mimmfa(&["-v", "validate", &g, &b]);
    assert!(
        out.stdout.contains("== ") && out.stdout.contains("error[MFA022]"),
        "{}",
        out.stdout
    );
    // -q: a fleet's errors (each once), no warnings, no summary.
    let out = mimmfa(&["-q", "validate", &g, &b]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout.matches("error[MFA022]").count(),
        1,
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("warning[") && !out.stdout.contains("folder(s)"),
        "{}",
        out.stdout
    );
    let (_, v) = good.json(&["validate", &g, &b]);
    assert_eq!(v["results"].as_array().unwrap().len(), 2);
}

/// The stock-folder warning comes with a write of that path only: not on
/// a run that changes nothing.
#[test]
fn the_stock_folder_warning_only_comes_with_a_write() {
    let site = Site::example();
    let gate = crate::provider::dll("CustomPhoneGate.dll");
    let gate = gate.to_str().unwrap();
    let out = site.run(&["provider", "set", gate]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    if !cfg!(windows) {
        assert!(
            out.stderr.contains("stock Service folder"),
            "{}",
            out.stderr
        );
    }
    let again = site.run(&["provider", "set", gate]);
    assert!(
        again.stdout.contains("nothing to change"),
        "{}",
        again.stdout
    );
    assert!(
        !again.stderr.contains("stock Service folder"),
        "{}",
        again.stderr
    );
}

/// A diff is coloured with `--color always` (never when piped by default)
/// and names a byte-order mark in words instead of printing U+FEFF.
#[test]
fn diffs_are_coloured_on_request_and_name_the_bom() {
    let site = Site::example();
    let gate = crate::provider::dll("CustomPhoneGate.dll");
    let args = ["provider", "set", gate.to_str().unwrap(), "--dry-run"];
    let plain = site.run(&args);
    assert!(
        plain.stdout.contains("[byte-order mark]<?xml"),
        "{}",
        plain.stdout
    );
    assert!(!plain.stdout.contains('\u{feff}'), "{}", plain.stdout);
    assert!(!plain.stdout.contains("\x1b["), "piped: no colour");
    let mut coloured = vec!["--color", "always"];
    coloured.extend_from_slice(&args);
    let out = site.run(&coloured);
    assert!(
        out.stdout.contains("\x1b[32m+  <CustomPhoneProvider>"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\x1b[31m-  <LICENSE_KEY>"),
        "{}",
        out.stdout
    );
}
