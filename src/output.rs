//! Output shared by every command: one JSON document on stdout (on failure
//! too), or human text; colour; whether prompts are allowed.

use crate::finding::{Finding, Severity};
use crate::secret::{is_secret_name, mask};
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::{IsTerminal, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How this run talks to its user.
#[derive(Debug, Clone)]
pub struct Ui {
    pub format: Format,
    pub color: bool,
    pub quiet: bool,
    pub verbose: bool,
    pub show_secrets: bool,
    pub yes: bool,
}

impl Ui {
    pub fn new(
        format: Format,
        color: ColorChoice,
        quiet: bool,
        verbose: bool,
        show_secrets: bool,
        yes: bool,
    ) -> Self {
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color_env && std::io::stdout().is_terminal(),
        };
        Ui {
            format,
            color,
            quiet,
            verbose,
            show_secrets,
            yes,
        }
    }

    pub fn is_human(&self) -> bool {
        self.format == Format::Human
    }

    /// Prompts only when a person is there to answer.
    pub fn can_prompt(&self) -> bool {
        std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }

    pub fn paint(&self, text: &str, severity: Severity) -> String {
        if !self.color {
            return text.to_string();
        }
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    /// A message for the person at the console (stderr; never in JSON mode's stdout).
    pub fn note(&self, msg: &str) {
        if self.is_human() && !self.quiet {
            print_stderr(&format!("{msg}\n"));
        }
    }
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Diff {
    pub before: String,
    pub after: String,
    pub unified: String,
}

/// The document every command returns (cli.md "JSON output").
#[derive(Debug, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub command: String,
    pub changed: bool,
    pub failed: bool,
    pub msg: String,
    pub settings_file: Option<String>,
    pub backup_file: Option<String>,
    pub files_written: Vec<String>,
    pub diff: Option<Diff>,
    pub findings: Vec<Finding>,
    pub warnings: Vec<String>,
    /// Keys of the command's own (`mode`, `backups`, `sdk`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// What a person sees on stdout before `msg`.
    #[serde(skip)]
    pub human: String,
    /// Exit code when the command itself succeeded (0, or 1 for findings).
    #[serde(skip)]
    pub exit: u8,
    /// A machine document that replaces the JSON report (SARIF).
    #[serde(skip)]
    pub raw: Option<String>,
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
            human: String::new(),
            exit: 0,
            raw: None,
        }
    }

    pub fn set(&mut self, key: &str, value: impl Serialize) {
        self.extra.insert(
            key.to_string(),
            serde_json::to_value(value).unwrap_or(Value::Null),
        );
    }

    pub fn warn(&mut self, msg: impl Into<String>) {
        self.warnings.push(msg.into());
    }

    /// Refuse (exit 3) but keep what the report holds (findings, details).
    pub fn refuse(&mut self, msg: impl Into<String>) {
        self.failed = true;
        self.changed = false;
        self.exit = crate::error::exit::REFUSED;
        self.msg = msg.into();
    }

    pub fn line(&mut self, text: impl AsRef<str>) {
        self.human.push_str(text.as_ref());
        self.human.push('\n');
    }
}

/// Write to stdout; a closed pipe (`mimmfa ... | head`) is not an error.
pub fn print_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

/// Write to stderr; a closed stderr (`mimmfa ... 2>&1 | true`) is not an
/// error either: the work is done, and its exit code stands.
pub fn print_stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|_| err.flush());
}

/// Text from a file or the backup index, safe on a terminal: control
/// characters (escape sequences among them) are shown escaped.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn emit(ui: &Ui, report: &Report) {
    // A command's own document (SARIF, a completion script) replaces the report.
    if let Some(raw) = report.raw.as_deref().filter(|_| !report.failed) {
        print_stdout(raw);
        return;
    }
    match ui.format {
        Format::Json | Format::Sarif => {
            let mut json = serde_json::to_string_pretty(report).unwrap_or_default();
            json.push('\n');
            print_stdout(&json);
        }
        Format::Human => {
            for w in &report.warnings {
                print_stderr(&format!(
                    "{}: {w}\n",
                    ui.paint("warning", Severity::Warning)
                ));
            }
            let mut text = report.human.clone();
            if report.failed {
                print_stdout(&text);
                print_stderr(&format!(
                    "{}: {}\n",
                    ui.paint("error", Severity::Error),
                    report.msg
                ));
                return;
            }
            if !ui.quiet && !report.msg.is_empty() {
                text.push_str(&report.msg);
                text.push('\n');
            }
            print_stdout(&text);
        }
    }
}

/// Replace the text of every secret element (`LICENSE_KEY`, and misspelt
/// variants such as `License_Key`) by its mask. Works on any text, even a
/// file that is not well-formed, so a diff can never leak a key.
pub fn mask_secrets_in_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tag = &rest[lt + 1..];
        let name_len = tag
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == ':'))
            .unwrap_or(tag.len());
        let name = &tag[..name_len];
        let open_end = tag.find('>');
        if name.is_empty() || !is_secret_name(name) || open_end.is_none() {
            out.push('<');
            rest = tag;
            continue;
        }
        let open_end = open_end.unwrap_or(0);
        let after_open = &tag[open_end + 1..];
        if tag[..open_end].ends_with('/') {
            out.push('<');
            out.push_str(&tag[..=open_end]);
            rest = after_open;
            continue;
        }
        // The value runs to the next `<`, or to the end of a broken file.
        let value_len = after_open.find('<').unwrap_or(after_open.len());
        out.push('<');
        out.push_str(&tag[..=open_end]);
        out.push_str(&mask(&after_open[..value_len]));
        rest = &after_open[value_len..];
    }
    out.push_str(rest);
    out
}

/// A masked unified diff of two versions of the settings file.
pub fn masked_diff(before: &[u8], after: &[u8], from_label: &str, to_label: &str) -> Diff {
    let before = mask_secrets_in_text(&String::from_utf8_lossy(before));
    let after = mask_secrets_in_text(&String::from_utf8_lossy(after));
    let unified = similar::TextDiff::from_lines(&before, &after)
        .unified_diff()
        .context_radius(3)
        .header(from_label, to_label)
        .to_string();
    Diff {
        before,
        after,
        unified,
    }
}

/// Findings as rustc prints diagnostics: `error[MFA022]: ...`, ` --> file:7:17`, the hint.
pub fn render_findings(ui: &Ui, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let head = ui.paint(&format!("{}[{}]", f.severity.as_str(), f.code), f.severity);
        out.push_str(&format!("{head}: {}\n", f.message));
        if let Some(file) = &f.file {
            match (f.line, f.column) {
                (Some(l), Some(c)) => out.push_str(&format!("  --> {file}:{l}:{c}\n")),
                _ => out.push_str(&format!("  --> {file}\n")),
            }
        }
        if !f.hint.is_empty() {
            out.push_str(&format!("   = hint: {}\n", f.hint));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_secret_spelling_and_broken_files() {
        let t = "<a><LICENSE_KEY>ABC</LICENSE_KEY><License_Key x='1'>DEF</License_Key><GROUP_KEY/><CERT_PASSWORD>GHI";
        let m = mask_secrets_in_text(t);
        assert!(
            !m.contains("ABC") && !m.contains("DEF") && !m.contains("GHI"),
            "{m}"
        );
        assert!(m.contains("<GROUP_KEY/>"));
        assert!(m.contains("<LICENSE_KEY>•••• (sha256:"));
    }

    #[test]
    fn diff_is_masked_and_shows_the_change() {
        let d = masked_diff(
            b"<M>\n<GROUP_KEY>old</GROUP_KEY>\n<X>1</X>\n</M>\n",
            b"<M>\n<GROUP_KEY>new</GROUP_KEY>\n<X>2</X>\n</M>\n",
            "a",
            "b",
        );
        assert!(d.unified.contains("-<X>1</X>") && d.unified.contains("+<X>2</X>"));
        assert!(!d.unified.contains("old") && !d.unified.contains(">new<"));
    }
}
