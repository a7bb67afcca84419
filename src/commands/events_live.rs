//! `mimmfa events` with no FILE on Windows: the live logs, read through
//! `wevtutil qe LOG /f:xml`, whose output is the same XML an admin exports
//! by hand, so one reader (formats/event_xml.rs) and one set of tests
//! serve both. Why wevtutil and not the Windows event log API: see
//! docs/design.md, "Events".

use crate::formats::event_xml::{self, EVENTS_CAP, EventRecord, ReadError};
use crate::output;
use anyhow::{Result, anyhow};
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use time::OffsetDateTime;

/// The newest events read from each log.
pub const PER_LOG: u32 = 5000;
/// The MIM Service's own log, then where .NET and crashes go.
const LOGS: [&str; 2] = ["Forefront Identity Manager", "Application"];

pub struct LiveRead {
    /// `live:LOG` for each log read.
    pub logs: Vec<String>,
    pub warnings: Vec<String>,
}

/// wevtutil from System32, not from whatever PATH finds first.
fn wevtutil() -> PathBuf {
    std::env::var_os("SystemRoot")
        .map(|root| PathBuf::from(root).join("System32").join("wevtutil.exe"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("wevtutil.exe"))
}

/// Run wevtutil with `args`; its stdout (at most EVENTS_CAP bytes), or
/// what it said on failure.
fn run(args: &[String]) -> Result<Vec<u8>, String> {
    let mut child = Command::new(wevtutil())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run wevtutil: {e}"))?;
    let mut out = Vec::new();
    let mut stdout = child.stdout.take().expect("piped");
    let read = (&mut stdout).take(EVENTS_CAP + 1).read_to_end(&mut out);
    drop(stdout);
    let mut err = Vec::new();
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.by_ref().take(64 << 10).read_to_end(&mut err);
    }
    let status = child.wait().map_err(|e| format!("wevtutil: {e}"))?;
    read.map_err(|e| format!("reading wevtutil's output: {e}"))?;
    if out.len() as u64 > EVENTS_CAP {
        return Err(format!(
            "wevtutil wrote more than {EVENTS_CAP} bytes; use --since"
        ));
    }
    if !status.success() {
        let said = String::from_utf8_lossy(&err).trim().to_string();
        return Err(output::printable(&said));
    }
    Ok(out)
}

/// The PAM logs of this server (a log whose name has the word PAM or
/// "Privileged Access"), from `wevtutil el`.
fn pam_logs() -> Vec<String> {
    let Ok(list) = run(&["el".to_string()]) else {
        return Vec::new();
    };
    String::from_utf8_lossy(&list)
        .lines()
        .map(str::trim)
        .filter(|name| {
            name.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w == "PAM")
                || name.to_ascii_lowercase().contains("privileged access")
        })
        .map(String::from)
        .collect()
}

/// Read the live logs, newest first, calling `each` with every event and
/// the log's label.
pub fn read(
    since: Option<OffsetDateTime>,
    each: &mut dyn FnMut(EventRecord, &str),
) -> Result<LiveRead> {
    let mut logs: Vec<String> = LOGS.iter().map(|l| l.to_string()).collect();
    logs.extend(pam_logs());
    let mut done = LiveRead {
        logs: Vec::new(),
        warnings: Vec::new(),
    };
    for log in logs {
        let mut args = vec![
            "qe".to_string(),
            log.clone(),
            "/f:xml".into(),
            "/rd:true".into(),
            format!("/c:{PER_LOG}"),
        ];
        if let Some(since) = since {
            // The window is applied by the log service too, so a busy
            // Application log is not read whole.
            let ms = (OffsetDateTime::now_utc() - since)
                .whole_milliseconds()
                .max(0);
            args.push(format!(
                "/q:*[System[TimeCreated[timediff(@SystemTime) <= {ms}]]]"
            ));
        }
        let label = format!("live:{log}");
        match run(&args) {
            Ok(bytes) => {
                event_xml::read_bytes(&bytes, &mut |e| each(e, &label)).map_err(|e| match e {
                    ReadError::Bad(b) => anyhow!("wevtutil's output for {log}: {b}"),
                    ReadError::Io(e) => anyhow!("wevtutil's output for {log}: {e}"),
                })?;
                done.logs.push(label);
            }
            Err(said) => done
                .warnings
                .push(format!("the {log} log was not read: {said}")),
        }
    }
    if done.logs.is_empty() {
        return Err(anyhow!(
            "no event log could be read ({}); run from an elevated PowerShell on the MIM server, or export the logs and pass the files",
            done.warnings.join("; ")
        ));
    }
    Ok(done)
}
