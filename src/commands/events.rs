//! `mimmfa events [FILE…] [--since …]`: after the restart, what the MIM
//! Service said. Reads event exports (or, on Windows with no FILE, the
//! live logs through events_live.rs), reports the events that match a
//! known failure signature (checks/signatures.rs) newest first with the
//! check and fix they map to, and sums the PAM outcomes per day. Unknown
//! events are not findings: many exceptions are expected.

use crate::checks::catalogue;
use crate::checks::finding::Severity;
use crate::checks::pam;
use crate::checks::signatures::{self, Match};
use crate::cli::EventsArgs;
#[cfg(windows)]
use crate::commands::events_live;
use crate::context::Ctx;
#[cfg(not(windows))]
use crate::error::usage;
use crate::error::{exit, refused};
use crate::formats::event_xml::{self, EventRecord, ReadError};
use crate::formats::masked_diff::mask_secrets_in_text;
use crate::formats::secret::mask_secret_assignments;
use crate::output::{Body, Report, Ui, printable, render_findings_only};
use anyhow::Result;
use serde::Serialize;
use time::OffsetDateTime;

/// The matches listed (newest first); more are counted, not held, so a
/// huge export of one failure repeated keeps to a bounded memory.
pub const MAX_LISTED: usize = 1000;
/// A matched line is cut here for the list.
const MAX_TEXT: usize = 400;

/// What a person is told to run on the server when there is no FILE off
/// Windows.
pub const EXPORT_HINT: &str =
    "wevtutil qe \"Forefront Identity Manager\" /f:xml /rd:true /c:5000 > fim-events.xml";

/// One event that matched a known signature (JSON `events.matches`).
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    /// TimeCreated, RFC 3339 (UTC); `None` when the event has none.
    pub time: Option<String>,
    #[serde(skip)]
    pub when: Option<OffsetDateTime>,
    /// The event's provider (source), e.g. Microsoft.ResourceManagement.
    pub source: String,
    pub event_id: Option<u32>,
    pub channel: String,
    pub computer: String,
    /// The export it came from (or `live:LOG`), and where in it.
    pub file: String,
    pub event: u64,
    pub line: u64,
    pub signature: &'static str,
    pub code: &'static str,
    /// The line of the event that matched, secrets masked.
    pub text: String,
    /// What the text names (the assembly that could not be loaded).
    pub names: Option<String>,
    pub fix: &'static str,
}

/// The events read so far, and what was found in them.
pub struct Scan {
    since: Option<OffsetDateTime>,
    show_secrets: bool,
    read: u64,
    outside_since: u64,
    matched: u64,
    pam_outcomes: u64,
    found: Vec<Found>,
    pam: pam::Summary,
}

impl Scan {
    pub fn new(since: Option<OffsetDateTime>, show_secrets: bool) -> Self {
        Scan {
            since,
            show_secrets,
            read: 0,
            outside_since: 0,
            matched: 0,
            pam_outcomes: 0,
            found: Vec::new(),
            pam: pam::Summary::default(),
        }
    }

    /// Judge one event of `file`.
    pub fn add(&mut self, event: EventRecord, file: &str) {
        self.read += 1;
        if let Some(since) = self.since {
            // An event without a readable time cannot be placed in the
            // window: it is left out with the older ones.
            if event.time.is_none_or(|t| t < since) {
                self.outside_since += 1;
                return;
            }
        }
        if self.pam.add(&event) {
            self.pam_outcomes += 1;
            return;
        }
        let Some(m) = signatures::match_event(&event) else {
            return;
        };
        self.matched += 1;
        self.found.push(self.found_of(&event, &m, file));
        if self.found.len() >= 2 * MAX_LISTED {
            self.keep_newest();
        }
    }

    fn found_of(&self, event: &EventRecord, m: &Match, file: &str) -> Found {
        let mask = |s: &str| {
            if self.show_secrets {
                s.to_string()
            } else {
                mask_secret_assignments(&mask_secrets_in_text(s))
            }
        };
        let mut text = mask(&m.line);
        if text.len() > MAX_TEXT {
            let cut = (0..=MAX_TEXT)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            text.truncate(cut);
            text.push('…');
        }
        Found {
            time: event.time.map(rfc3339),
            when: event.time,
            source: event.provider.clone(),
            event_id: event.event_id,
            channel: event.channel.clone(),
            computer: event.computer.clone(),
            file: file.to_string(),
            event: event.ordinal,
            line: event.line,
            signature: m.signature.id,
            code: m.signature.check.code,
            text,
            names: m.names.as_deref().map(mask),
            fix: m.signature.fix,
        }
    }

    /// Newest first (an event without a time last), then the first
    /// [`MAX_LISTED`].
    fn keep_newest(&mut self) {
        self.found.sort_by_key(|f| std::cmp::Reverse(f.when));
        self.found.truncate(MAX_LISTED);
    }
}

/// `1 event`, `12 events`.
fn counted(n: u64) -> String {
    format!("{n} event{}", if n == 1 { "" } else { "s" })
}

fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// `2026-11-23 14:05:01Z`: a person's time, seconds enough.
fn short_time(t: Option<OffsetDateTime>) -> String {
    let Some(t) = t else {
        return "(no time)".into();
    };
    let t = t.to_offset(time::UtcOffset::UTC);
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]Z");
    t.format(&format).unwrap_or_else(|_| t.to_string())
}

/// `events`'s own key (docs/json.md, `events`).
#[derive(Serialize)]
struct Events {
    events: Summary,
    #[serde(skip)]
    verbose: bool,
    /// `--since`, for the closing line.
    #[serde(skip)]
    since: Option<OffsetDateTime>,
}

#[derive(Serialize)]
struct Summary {
    /// The exports read, or `live:LOG` for each live log.
    sources: Vec<String>,
    since: Option<String>,
    read: u64,
    /// Events that matched a known signature (all of them; `matches`
    /// lists the newest 1000).
    matched: u64,
    /// Events that matched nothing known and were no PAM outcome.
    skipped: u64,
    /// Events before `--since` (or without a time, when it is given).
    outside_since: u64,
    pam_outcomes: u64,
    matches: Vec<Found>,
    /// PAM outcomes per day (UTC), newest first.
    pam: Vec<pam::Day>,
}

impl Body for Events {
    fn message(&self) -> String {
        let s = &self.events;
        let within = self
            .since
            .map(|t| format!(" since {}", short_time(Some(t))))
            .unwrap_or_default();
        let looked_at = counted(s.read - s.outside_since);
        match s.matches.first() {
            Some(newest) => format!(
                "{} known MFA failure{} in {looked_at}{within} (newest {}): fix what each says, restart the MIM Service, then run `mimmfa events --since 10m` again",
                s.matched,
                if s.matched == 1 { "" } else { "s" },
                short_time(newest.when)
            ),
            None => format!("no known MFA failure in {looked_at}{within}"),
        }
    }

    fn human(&self, ui: &Ui) -> String {
        let s = &self.events;
        let mut out = String::new();
        for f in &s.matches {
            out.push_str(&format!(
                "{}  {} event {} ({}{})\n",
                short_time(f.when),
                printable(&f.source),
                f.event_id.map_or("?".into(), |n| n.to_string()),
                printable(&f.channel),
                if f.computer.is_empty() {
                    String::new()
                } else {
                    format!(" on {}", printable(&f.computer))
                }
            ));
            let mut what = printable(&f.text);
            if let Some(names) = &f.names {
                what.push_str(&format!(" [{}]", printable(names)));
            }
            let finding = catalogue::CHECKS
                .iter()
                .find(|c| c.code == f.code)
                .map(|c| c.finding(what.clone()).hint(f.fix));
            if let Some(mut finding) = finding {
                finding.severity = Severity::Error;
                // The finding's own lines, indented under its event; the
                // `explain` pointer follows the list once.
                for line in render_findings_only(ui, &[finding]).lines() {
                    out.push_str("  ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
            out.push_str(&format!(
                "   --> {}, event {} (line {}); signature {}\n",
                printable(&f.file),
                f.event,
                f.line,
                f.signature
            ));
        }
        if let Some(f) = s.matches.first() {
            out.push_str(&format!(
                "more on a finding: `mimmfa explain {}` (any code)\n",
                f.code
            ));
        }
        if s.matched > s.matches.len() as u64 {
            out.push_str(&format!(
                "… and {} older matches not listed (--json counts them too; narrow with --since)\n",
                s.matched - s.matches.len() as u64
            ));
        }
        if !s.pam.is_empty() {
            out.push_str("PAM outcomes per day (UTC):\n");
            for d in &s.pam {
                out.push_str(&format!(
                    "  {}: {} completed, {} failed, {} phone number{} changed",
                    d.day,
                    d.completed,
                    d.failed,
                    d.phone_changed,
                    if d.phone_changed == 1 { "" } else { "s" }
                ));
                if !d.repeated_failures.is_empty() {
                    let users: Vec<String> = d
                        .repeated_failures
                        .iter()
                        .map(|u| format!("{} ({}×)", printable(&u.user), u.failed))
                        .collect();
                    out.push_str(&format!("; repeated failures: {}", users.join(", ")));
                }
                out.push('\n');
            }
        }
        if self.verbose {
            out.push_str(&format!(
                "read {} events from {}: {} matched a known signature, {} skipped (no known signature), {} PAM outcomes, {} outside --since\n",
                s.read,
                s.sources.iter().map(|f| printable(f)).collect::<Vec<_>>().join(", "),
                s.matched,
                s.skipped,
                s.pam_outcomes,
                s.outside_since
            ));
        }
        out
    }
}

pub fn run(ctx: &Ctx, args: &EventsArgs) -> Result<Report> {
    let mut scan = Scan::new(args.since, ctx.ui.show_secrets);
    let mut sources = Vec::new();
    let mut report = ctx.report();
    if args.files.is_empty() {
        live(&mut scan, &mut sources, &mut report, args.since)?;
    }
    for file in &args.files {
        let label = file.display().to_string();
        event_xml::read_file(file, &mut |e| scan.add(e, &label)).map_err(|e| match e {
            ReadError::Bad(b) => refused(format!(
                "{}:{}:{}: {} (export the events again: {EXPORT_HINT})",
                printable(&label),
                b.line,
                b.column,
                b.message
            )),
            ReadError::Io(e) => refused(format!("cannot read {}: {e}", printable(&label))),
        })?;
        sources.push(label);
    }
    scan.keep_newest();
    for f in &scan.found {
        let mut message = format!(
            "{} {} event {}: {}",
            f.time.as_deref().unwrap_or("(no time)"),
            f.source,
            f.event_id.map_or("?".into(), |n| n.to_string()),
            f.text
        );
        if let Some(names) = &f.names {
            message.push_str(&format!(" [{names}]"));
        }
        let check = catalogue::CHECKS.iter().find(|c| c.code == f.code);
        if let Some(check) = check {
            let mut finding = check.finding(message).hint(f.fix).file(f.file.clone());
            finding.severity = Severity::Error;
            finding.line = Some(f.line as usize);
            report.findings.push(finding);
        }
    }
    if !scan.found.is_empty() {
        report.exit = exit::FINDINGS;
    }
    let summary = Summary {
        sources,
        since: args.since.map(rfc3339),
        read: scan.read,
        matched: scan.matched,
        skipped: scan.read - scan.outside_since - scan.matched - scan.pam_outcomes,
        outside_since: scan.outside_since,
        pam_outcomes: scan.pam_outcomes,
        matches: scan.found,
        pam: scan.pam.days(),
    };
    report.body(
        &ctx.ui,
        &Events {
            events: summary,
            verbose: ctx.ui.verbose,
            since: args.since,
        },
    );
    Ok(report)
}

/// No FILE: the live logs on Windows; elsewhere there are none to read.
#[cfg(windows)]
fn live(
    scan: &mut Scan,
    sources: &mut Vec<String>,
    report: &mut Report,
    since: Option<OffsetDateTime>,
) -> Result<()> {
    let read = events_live::read(since, &mut |e, log| scan.add(e, log))?;
    sources.extend(read.logs);
    report.warnings.extend(read.warnings);
    Ok(())
}

#[cfg(not(windows))]
fn live(
    _: &mut Scan,
    _: &mut Vec<String>,
    _: &mut Report,
    _: Option<OffsetDateTime>,
) -> Result<()> {
    Err(usage(format!(
        "no FILE: off Windows there is no live event log to read. Export the events on the MIM server (`{EXPORT_HINT}`, likewise for Application and the PAM log) and pass the files: mimmfa events fim-events.xml"
    )))
}
