//! The envelope every command returns (docs/json.md, "Common keys"), the
//! typed `Body` a command adds to it, and `emit`: the one place a report
//! becomes JSON or the text a person reads.

use super::findings::{render_findings, render_findings_only, render_passed};
use super::table::{TableSource, write_table};
use super::text::{paint_diff, print_stderr, print_stdout, printable_lines};
use super::ui::{Format, Ui};
use crate::checks::catalogue::Check;
use crate::checks::finding::{Finding, Severity};
use crate::error::exit;
use crate::formats::masked_diff::Diff;
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::Write;

/// The document every command returns (docs/json.md, "Common keys").
#[derive(Debug, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub command: String,
    pub changed: bool,
    pub failed: bool,
    /// The closing line: a body's [`Body::message`], or why the command
    /// failed or refused.
    msg: String,
    pub settings_file: Option<String>,
    pub backup_file: Option<String>,
    pub files_written: Vec<String>,
    pub diff: Option<Diff>,
    pub findings: Vec<Finding>,
    pub warnings: Vec<String>,
    /// Keys of the command's own (`mode`, `backups`, `sdk`, ...), from the
    /// typed bodies it gave to [`Report::body`].
    #[serde(flatten)]
    extra: Map<String, Value>,
    /// A long list written as it is made, one row at a time (`backup list`
    /// of 10,000 snapshots), instead of held in `extra`: a list in JSON, a
    /// table after `human` for a person.
    #[serde(flatten)]
    streamed: Streamed,
    /// What a person sees on stdout before `msg`, in order: typed pieces
    /// that `emit` renders (findings once, a diff painted, `-q` and `-v`
    /// decided there).
    #[serde(skip)]
    human: Vec<Part>,
    /// Exit code when the command itself succeeded (0, or 1 for findings).
    #[serde(skip)]
    pub exit: u8,
    /// A machine document that replaces the JSON report (SARIF).
    #[serde(skip)]
    raw: Option<String>,
    /// `human` already says what `msg` says (status): a person is not told
    /// twice.
    #[serde(skip)]
    msg_shown: bool,
}

/// One piece of what a person reads, kept typed until `emit` renders it.
#[derive(Debug, Clone)]
pub enum Part {
    /// A body's own text, or a line.
    Text(String),
    /// Findings, as rustc prints diagnostics (the `explain` pointer once per
    /// run); `-q` prints their errors alone. `detail`: shown with `-v`
    /// only (a fleet's folders' findings), `-q`'s errors all the same.
    Findings {
        findings: Vec<Finding>,
        detail: bool,
    },
    /// A unified diff: painted on a colour terminal.
    Diff(String),
    /// `-v`: the checks that ran and found nothing.
    Passed(Vec<&'static Check>),
}

impl Report {
    pub fn new(command: &str) -> Self {
        Report {
            schema_version: 1,
            command: command.to_string(),
            changed: false,
            failed: false,
            msg: String::new(),
            settings_file: None,
            backup_file: None,
            files_written: Vec::new(),
            diff: None,
            findings: Vec::new(),
            warnings: Vec::new(),
            extra: Map::new(),
            streamed: Streamed::default(),
            human: Vec::new(),
            exit: 0,
            raw: None,
            msg_shown: false,
        }
    }

    /// The command's own part of the document: its keys join the envelope,
    /// and the text a person reads is made from the same values.
    pub fn body<B: Body>(&mut self, ui: &Ui, body: &B) {
        match serde_json::to_value(body) {
            Ok(Value::Object(keys)) => self.extra.extend(keys),
            other => debug_assert!(false, "a Body must serialize as a map: {other:?}"),
        }
        self.human.extend(body.parts(ui));
        // A refusal's reason stands: a later body does not talk over it.
        let message = body.message();
        if !message.is_empty() && !self.failed {
            self.msg = message;
            self.msg_shown = body.message_in_text();
        }
    }

    /// A failed command's document: why it failed, nothing else.
    pub fn failure(command: &str, msg: impl Into<String>) -> Self {
        let mut report = Report::with_msg(command, msg);
        report.failed = true;
        report
    }

    /// An envelope whose closing line is known when it is made (a fleet's
    /// folder in `validate`'s document).
    pub fn with_msg(command: &str, msg: impl Into<String>) -> Self {
        let mut report = Report::new(command);
        report.msg = msg.into();
        report
    }

    pub fn warn(&mut self, msg: impl Into<String>) {
        self.warnings.push(msg.into());
    }

    /// Refuse (exit 3) but keep what the report holds (findings, details).
    pub fn refuse(&mut self, msg: impl Into<String>) {
        self.failed = true;
        self.changed = false;
        self.exit = exit::REFUSED;
        self.msg = msg.into();
    }

    /// A body a person reads whose facts the document holds elsewhere
    /// (a dry run's side files: the plan has them).
    pub fn show<B: Body>(&mut self, ui: &Ui, body: &B) {
        self.human.extend(body.parts(ui));
    }

    /// The command's long list, under `key`: each row made as it is
    /// written, for JSON and for a person.
    pub fn stream(&mut self, key: &'static str, rows: impl RowSource + 'static) {
        self.streamed = Streamed(Some((key, Box::new(rows))));
    }

    /// A machine document of the command's own (SARIF, a completion
    /// script) that replaces the report, unless the command failed.
    pub fn replace_with(&mut self, document: String) {
        self.raw = Some(document);
    }
}

impl Part {
    fn render(&self, ui: &Ui) -> String {
        match self {
            Part::Text(text) => text.clone(),
            Part::Findings { detail: true, .. } if !ui.verbose => String::new(),
            Part::Findings { findings, .. } => render_findings(ui, findings),
            Part::Diff(unified) => paint_diff(ui, unified),
            Part::Passed(checks) => render_passed(ui, checks),
        }
    }
}

/// A command's answer, typed: serialized into the envelope (`--json`) and
/// rendered for a person (`human`), so the two cannot say different things.
pub trait Body: Serialize {
    /// The text a person reads on stdout, before the closing message; none
    /// when the message says it all (`backup prune`'s count).
    fn human(&self, _ui: &Ui) -> String {
        String::new()
    }

    /// The same text as typed pieces, when it holds findings, a diff or
    /// the checks that passed: `emit` renders them (and `-q` keeps only
    /// the findings' errors).
    fn parts(&self, ui: &Ui) -> Vec<Part> {
        vec![Part::Text(self.human(ui))]
    }

    /// The closing line a person reads last, and the envelope's `msg`:
    /// made from the same facts. None: an earlier body's stands.
    fn message(&self) -> String {
        String::new()
    }

    /// The text already says the message (`explain`'s first line), so a
    /// person is not told twice; JSON keeps it.
    fn message_in_text(&self) -> bool {
        false
    }
}

/// Rows made one at a time: JSON values for the document, a table's
/// cells for a person.
pub trait RowSource: TableSource {
    /// Call `each` with every row, in order.
    fn values(&self, each: &mut dyn FnMut(Value));
}

/// One key of the report whose value is a list written row by row.
#[derive(Default)]
struct Streamed(Option<(&'static str, Box<dyn RowSource>)>);

impl std::fmt::Debug for Streamed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Streamed")
            .field(&self.0.as_ref().map(|(k, _)| k))
            .finish()
    }
}

impl Serialize for Streamed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        /// The list itself: each row serialized, then dropped.
        struct List<'a>(&'a dyn RowSource);
        impl Serialize for List<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(None)?;
                let mut failed = None;
                self.0.values(&mut |row| {
                    if failed.is_none()
                        && let Err(e) = seq.serialize_element(&row)
                    {
                        failed = Some(e);
                    }
                });
                match failed {
                    Some(e) => Err(e),
                    None => seq.end(),
                }
            }
        }
        let mut map = s.serialize_map(None)?;
        if let Some((key, rows)) = &self.0 {
            map.serialize_entry(key, &List(rows.as_ref()))?;
        }
        map.end()
    }
}

pub fn emit(ui: &Ui, report: &Report) {
    // A command's own document (SARIF, a completion script) replaces the report.
    if let Some(raw) = report.raw.as_deref().filter(|_| !report.failed) {
        print_stdout(raw);
        return;
    }
    match ui.format {
        Format::Json | Format::Sarif => {
            // Written as it is made: a streamed list is never held whole.
            // A closed stdout (`| head`) is not an error.
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let _ = serde_json::to_writer_pretty(&mut out, report)
                .map_err(std::io::Error::from)
                .and_then(|_| out.write_all(b"\n"))
                .and_then(|_| out.flush());
        }
        // -q: errors only, and nothing on success (docs/guide.md).
        Format::Human if ui.quiet => {
            // The envelope's findings and every one a person would be
            // shown (a fleet's folders'), each error once.
            let shown = report.human.iter().flat_map(|p| match p {
                Part::Findings { findings, .. } => findings.as_slice(),
                _ => &[],
            });
            let mut errors: Vec<Finding> = report.findings.clone();
            errors.extend(shown.filter(|f| !report.findings.contains(f)).cloned());
            errors.retain(|f| f.severity == Severity::Error);
            print_stdout(&render_findings_only(ui, &errors));
            if report.failed {
                print_stderr(&format!(
                    "{}: {}\n",
                    ui.paint("error", Severity::Error),
                    report.msg
                ));
            }
        }
        Format::Human => {
            // Messages and warnings carry paths and values from files: the
            // last line of defence against a terminal escape in them.
            for w in &report.warnings {
                print_stderr(&format!(
                    "{}: {}\n",
                    ui.paint("warning", Severity::Warning),
                    printable_lines(w)
                ));
            }
            let mut text: String = report.human.iter().map(|p| p.render(ui)).collect();
            if report.failed {
                print_stdout(&text);
                print_stderr(&format!(
                    "{}: {}\n",
                    ui.paint("error", Severity::Error),
                    printable_lines(&report.msg)
                ));
                return;
            }
            if let Some((_, rows)) = report.streamed.0.as_ref().filter(|(_, r)| !r.is_empty()) {
                print_stdout(&text);
                text.clear();
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                let _ = write_table(&mut out, rows.as_ref(), ui.columns).and_then(|_| out.flush());
            }
            if !report.msg.is_empty() && !report.msg_shown {
                text.push_str(&printable_lines(&report.msg));
                text.push('\n');
            }
            print_stdout(&text);
        }
    }
}
