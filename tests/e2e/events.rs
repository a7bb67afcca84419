//! `mimmfa events`: exports in the wevtutil / Get-WinEvent XML format
//! (tests/fixtures/events/), one per known signature, noise that must not
//! be reported, a --since window, PAM summaries, and hostile or huge input.

use crate::util::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/events")
        .join(name)
}

fn events(args: &[&str]) -> Out {
    let mut full = vec!["events"];
    full.extend_from_slice(args);
    mimmfa(&full)
}

fn events_json(args: &[&str]) -> (i32, Value) {
    let mut full = args.to_vec();
    full.push("--json");
    let out = events(&full);
    let v = out.json();
    assert_common_keys(&v);
    (out.code, v)
}

/// Every signature of the catalogue has its fixture, which gives exactly
/// that signature's code, exit 1.
#[test]
fn each_signature_fixture_is_found_with_its_code_and_fix() {
    for sig in mimmfa::internals::SIGNATURES {
        let file = fixture(&format!("{}.xml", sig.id));
        assert!(file.is_file(), "no fixture for signature {}", sig.id);
        let (code, v) = events_json(&[file.to_str().unwrap()]);
        assert_eq!(code, 1, "{}: {v}", sig.id);
        assert_eq!(finding_codes(&v), [sig.check.code], "{}: {v}", sig.id);
        let m = &v["events"]["matches"][0];
        assert_eq!(m["signature"], sig.id);
        assert_eq!(m["fix"], sig.fix);
        assert_eq!(m["time"], "2026-11-23T14:05:01.1234567Z");
        assert_eq!(m["source"], "Microsoft.ResourceManagement");
        assert_eq!(m["event_id"], 3);
        assert_eq!(v["findings"][0]["hint"], sig.fix);
        assert_eq!(v["findings"][0]["severity"], "error");
    }
}

#[test]
fn a_person_reads_time_source_id_text_code_and_fix() {
    let out = events(&[fixture("provider-dependency.xml").to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let s = &out.stdout;
    assert!(
        s.contains("2026-11-23 14:05:01Z  Microsoft.ResourceManagement event 3"),
        "{s}"
    );
    assert!(s.contains("error[MFA040]: "), "{s}");
    // The assembly the loader could not find is named.
    assert!(
        s.contains("[Twilio, Version=5.81.0.0, Culture=neutral, PublicKeyToken=null]"),
        "{s}"
    );
    assert!(s.contains("= hint: copy the assembly"), "{s}");
    assert!(s.contains("1 known MFA failure in 1 event "), "{s}");
}

#[test]
fn noise_and_expected_exceptions_are_not_findings() {
    let (code, v) = events_json(&[fixture("noise.xml").to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");
    assert!(finding_codes(&v).is_empty(), "{v}");
    assert_eq!(v["events"]["read"], 9);
    assert_eq!(v["events"]["skipped"], 9);
    let out = events(&["-v", fixture("noise.xml").to_str().unwrap()]);
    assert!(
        out.stdout.contains("read 9 events from ")
            && out.stdout.contains("9 skipped (no known signature)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("no known MFA failure in 9 events"));
}

#[test]
fn since_keeps_the_window_and_lists_newest_first() {
    let w = fixture("window.xml");
    let (code, v) = events_json(&[w.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(finding_codes(&v), ["MFA023", "MFA032", "MFA040"], "{v}");
    let (code, v) = events_json(&[w.to_str().unwrap(), "--since", "2026-11-23T12:00:00Z"]);
    assert_eq!(code, 1);
    assert_eq!(finding_codes(&v), ["MFA023", "MFA032"], "{v}");
    assert_eq!(v["events"]["outside_since"], 1);
    assert_eq!(v["events"]["since"], "2026-11-23T12:00:00Z");
    let (code, v) = events_json(&[w.to_str().unwrap(), "--since", "2026-11-23T14:06:00Z"]);
    assert_eq!(code, 0, "{v}");
    assert!(
        v["msg"]
            .as_str()
            .unwrap()
            .starts_with("no known MFA failure in 0 events since")
    );
}

#[test]
fn since_takes_durations_back_from_now() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("sms-first-interface.xml")).unwrap();
    let at = |ago: i64| {
        (time::OffsetDateTime::now_utc() - time::Duration::minutes(ago))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let file = tmp.path().join("recent.xml");
    let two = format!(
        "{}{}",
        text.replace("2026-11-23T14:05:01.123456700Z", &at(5)),
        text.replace("2026-11-23T14:05:01.123456700Z", &at(120))
    );
    std::fs::write(&file, two).unwrap();
    let f = file.to_str().unwrap();
    for (since, found) in [("10m", 1), ("3h", 2), ("1d", 2), ("60s", 0)] {
        let (_, v) = events_json(&[f, "--since", since]);
        assert_eq!(v["events"]["matched"], found, "--since {since}: {v}");
    }
    for bad in ["10x", "yesterday", "2026-13-01T00:00:00Z"] {
        let out = events(&[f, "--since", bad]);
        assert_eq!(out.code, 2, "--since {bad}: {}", out.stderr);
        assert!(out.stderr.contains("neither a duration"), "{}", out.stderr);
    }
}

#[test]
fn pam_outcomes_are_summed_per_day() {
    let (code, v) = events_json(&[fixture("pam.xml").to_str().unwrap()]);
    assert_eq!(code, 0, "PAM outcomes are not failures of the service: {v}");
    let days = v["events"]["pam"].as_array().unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0]["day"], "2026-11-23");
    assert_eq!(
        (
            &days[0]["completed"],
            &days[0]["failed"],
            &days[0]["phone_changed"]
        ),
        (&Value::from(2), &Value::from(4), &Value::from(1))
    );
    assert_eq!(
        days[0]["repeated_failures"],
        serde_json::json!([{ "user": "CONTOSO\\jdoe", "failed": 3 }])
    );
    assert_eq!(days[1]["day"], "2026-11-22");
    assert_eq!(days[1]["completed"], 1);
    assert_eq!(v["events"]["pam_outcomes"], 8);
    let out = events(&[fixture("pam.xml").to_str().unwrap()]);
    assert!(
        out.stdout.contains(
            "2026-11-23: 2 completed, 4 failed, 1 phone number changed; repeated failures: CONTOSO\\jdoe (3×)"
        ),
        "{}",
        out.stdout
    );
    // An event 101 of another log is no PAM outcome (noise.xml has one).
    let (_, v) = events_json(&[fixture("noise.xml").to_str().unwrap()]);
    assert_eq!(v["events"]["pam"], serde_json::json!([]));
}

#[test]
fn secrets_are_masked_and_terminal_escapes_shown() {
    let f = fixture("wrong-cert-password.xml");
    let out = events(&[f.to_str().unwrap()]);
    assert_no_secrets(&out, &["hunter2-not-shown", "EXMPL0123456"]);
    assert!(
        out.stdout.contains("CERT_PASSWORD=•••• ("),
        "{}",
        out.stdout
    );
    let (_, v) = events_json(&[f.to_str().unwrap()]);
    assert!(!v.to_string().contains("hunter2-not-shown"), "{v}");
    let shown = events(&["--show-secrets", f.to_str().unwrap()]);
    assert!(shown.stdout.contains("hunter2-not-shown"));

    let out = events(&[fixture("terminal-escape.xml").to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(!out.stdout.contains('\u{1b}') && !out.stdout.contains('\u{7}'));
    assert!(out.stdout.contains("\\u{1b}[2J"), "{}", out.stdout);
}

#[test]
fn powershell_utf16_exports_and_several_files_are_read() {
    let (code, v) = events_json(&[
        fixture("get-winevent-utf16.xml").to_str().unwrap(),
        fixture("noise.xml").to_str().unwrap(),
        fixture("quoted-cert-path.xml").to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(finding_codes(&v), ["MFA044", "MFA009"], "{v}");
    assert_eq!(v["events"]["read"], 11);
    assert_eq!(v["events"]["sources"].as_array().unwrap().len(), 3);
}

#[cfg(not(windows))]
#[test]
fn no_file_off_windows_says_how_to_export() {
    let out = events(&[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("wevtutil qe \"Forefront Identity Manager\" /f:xml /rd:true /c:5000"),
        "{}",
        out.stderr
    );
    let out = events(&["--json"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.json()["failed"], true);
}

/// The live path: wevtutil where the system has it (Windows; under Wine
/// where its wevtutil answers). It must give a report or a clear error,
/// never a panic or a hang.
#[cfg(windows)]
#[test]
fn no_file_on_windows_reads_the_live_logs_or_says_why_not() {
    let out = events(&["--json", "--since", "10m"]);
    let v = out.json();
    match out.code {
        0 | 1 => {
            let sources = v["events"]["sources"].as_array().unwrap();
            assert!(
                sources
                    .iter()
                    .all(|s| s.as_str().unwrap().starts_with("live:"))
            );
        }
        3 => assert!(
            v["msg"]
                .as_str()
                .unwrap()
                .contains("no event log could be read"),
            "{v}"
        ),
        other => panic!("exit {other}: {v}"),
    }
}

fn refused(content: &[u8], wanted: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("events.xml");
    std::fs::write(&file, content).unwrap();
    let out = events(&[file.to_str().unwrap()]);
    assert_eq!(out.code, 3, "{wanted}: {}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains(wanted), "{wanted}: {}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn hostile_exports_are_refused_at_their_line_and_column() {
    let one = std::fs::read_to_string(fixture("sms-first-interface.xml")).unwrap();
    refused(
        format!("<!DOCTYPE Event [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n{one}")
            .as_bytes(),
        "events.xml:1:1: a DOCTYPE",
    );
    // The second event starts on line 3 (the first has a CRLF in its text).
    let second = one.replace("The custom SMS", "&lol; The custom SMS");
    let column = second.find("&lol;").unwrap() + 1;
    refused(
        format!("{one}{second}").as_bytes(),
        &format!("events.xml:3:{column}: the entity reference &lol;"),
    );
    refused(&one.as_bytes()[..one.len() / 2], "cut short");
    refused(b"ElfFile\0\x03\x00\x01\x00", "/lf:true");
    let binary: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    refused(&binary, "events.xml:");
    refused(b"just some text\n", "text outside an <Event>");
    refused(
        b"<Settings><Event/></Settings>",
        "where an <Event> was expected",
    );
    let mut long = one.clone().into_bytes();
    long.splice(300..300, vec![b'x'; (1 << 20) + 1]);
    refused(&long, "without a `<`");
    let comment = format!("<!--{}-->", "<x".repeat(600_000));
    refused(comment.as_bytes(), "without a `<`");
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_folder_is_refused_not_waited_on() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("events.xml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let out = events(&[fifo.to_str().unwrap()]);
        assert_eq!(out.code, 3);
        assert!(out.stderr.contains("a FIFO"), "{}", out.stderr);
    }
    let out = events(&[tmp.path().to_str().unwrap()]);
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("a folder"), "{}", out.stderr);
    let out = events(&[tmp.path().join("missing.xml").to_str().unwrap()]);
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("cannot read"), "{}", out.stderr);
}

/// An export of `mb` MiB: noise, with one known failure in the middle.
#[cfg_attr(not(unix), allow(dead_code))]
fn big_export(dir: &Path, mb: usize) -> PathBuf {
    use std::io::Write;
    let noise = std::fs::read_to_string(fixture("noise.xml")).unwrap();
    let failure = std::fs::read_to_string(fixture("wrong-cert-password.xml")).unwrap();
    let path = dir.join(format!("big-{mb}.xml"));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut written = 0;
    let mut middle = false;
    while written < mb << 20 {
        out.write_all(noise.as_bytes()).unwrap();
        written += noise.len();
        if !middle && written > mb << 19 {
            out.write_all(failure.as_bytes()).unwrap();
            middle = true;
        }
    }
    out.flush().unwrap();
    path
}

/// Heap (and every private writable mapping) the child may use: far
/// less than the exports below, so a reader that held one whole would
/// fail. mimmfa runs `events` in under 4 MiB of it.
#[cfg(target_os = "linux")]
const DATA_LIMIT: u64 = 8 << 20;

/// Run mimmfa under [`DATA_LIMIT`]; its exit code (-1 if killed) and CPU
/// seconds, from wait4. (ru_maxrss would count the test process that
/// forked it, so memory is bounded by the limit instead.)
#[cfg(target_os = "linux")]
fn measured(args: &[&str]) -> (i32, f64) {
    use assert_cmd::cargo::CommandCargoExt;
    use std::os::unix::process::CommandExt;
    let mut command = std::process::Command::cargo_bin("mimmfa").unwrap();
    command
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between
    // fork and exec.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: DATA_LIMIT,
                rlim_max: DATA_LIMIT,
            };
            if libc::setrlimit(libc::RLIMIT_DATA, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    // Reaped by wait4 below, which also gives its CPU time.
    #[allow(clippy::zombie_processes)]
    let child = command.spawn().unwrap();
    let mut status = 0;
    // SAFETY: waits for our own child once; rusage is a plain C struct.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let pid = libc::wait4(child.id() as i32, &mut status, 0, &mut usage);
        assert_eq!(pid, child.id() as i32);
        usage
    };
    let cpu = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, cpu(usage.ru_utime) + cpu(usage.ru_stime))
}

/// A 10 MiB export always, 100 MiB with MIMMFA_BIG_TESTS=1: the failure in
/// the middle is found, memory stays that of one event, time is linear.
#[cfg(target_os = "linux")]
#[test]
fn a_huge_export_is_read_in_linear_time_and_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let small = big_export(tmp.path(), 1);
    let (code, small_cpu) = measured(&["events", small.to_str().unwrap()]);
    assert_eq!(code, 1);
    let mb = if std::env::var_os("MIMMFA_BIG_TESTS").is_some() {
        100
    } else {
        10
    };
    let big = big_export(tmp.path(), mb);
    let (code, cpu) = measured(&["events", big.to_str().unwrap()]);
    eprintln!(
        "events on {mb} MiB: {cpu:.2} s CPU (1 MiB: {small_cpu:.2} s), in {DATA_LIMIT} bytes of heap"
    );
    // Found, within the heap limit: the file is never held whole.
    assert_eq!(
        code, 1,
        "the failure in the middle is found, in {DATA_LIMIT} bytes"
    );
    // Linear: mb times the bytes may take at most 2 × mb times the CPU
    // (plus the start-up both share).
    assert!(
        cpu <= 2.0 * mb as f64 * small_cpu.max(0.05) + 1.0,
        "{cpu:.2} s on {mb} MiB against {small_cpu:.2} s on 1 MiB"
    );
}
