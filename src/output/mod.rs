//! Output shared by every command: one JSON document on stdout (on failure
//! too), or human text; colour; whether prompts are allowed.

pub mod prompt;
pub mod sarif;

use crate::checks::finding::{Finding, Severity};
pub use crate::formats::masked_diff::{Diff, masked_diff};
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
    /// The terminal's width when stdout is one: tables fit it. Piped
    /// output keeps every value whole.
    pub columns: Option<usize>,
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
        // NO_COLOR (no-color.org), and a terminal that says it has no
        // colours (TERM=dumb: Emacs shells, some CI consoles).
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
            || std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color_env && std::io::stdout().is_terminal(),
        };
        let columns = std::io::stdout()
            .is_terminal()
            .then(|| dialoguer::console::Term::stdout().size_checked())
            .flatten()
            .map(|(_, cols)| usize::from(cols))
            .filter(|c| *c >= 40);
        Ui {
            format,
            color,
            quiet,
            verbose,
            show_secrets,
            yes,
            columns,
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

/// The document every command returns (docs/json.md, "Common keys").
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
    /// Keys of the command's own (`mode`, `backups`, `sdk`, ...), from the
    /// typed bodies it gave to [`Report::body`].
    #[serde(flatten)]
    extra: Map<String, Value>,
    /// A long list written as it is made, one row at a time (`backup list`
    /// of 10,000 snapshots), instead of held in `extra`.
    #[serde(flatten)]
    pub streamed: Streamed,
    /// What a person sees on stdout before `msg`.
    #[serde(skip)]
    pub human: String,
    /// A long table a person sees after `human`, written row by row.
    #[serde(skip)]
    pub table: StreamedTable,
    /// Exit code when the command itself succeeded (0, or 1 for findings).
    #[serde(skip)]
    pub exit: u8,
    /// A machine document that replaces the JSON report (SARIF).
    #[serde(skip)]
    pub raw: Option<String>,
    /// `human` already says what `msg` says (status): a person is not told
    /// twice.
    #[serde(skip)]
    pub msg_shown: bool,
    /// Findings a person is shown that are not the envelope's own (a
    /// fleet's folders'): `-q` prints their errors too.
    #[serde(skip)]
    pub folder_findings: Vec<Finding>,
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
            human: String::new(),
            table: StreamedTable::default(),
            exit: 0,
            raw: None,
            msg_shown: false,
            folder_findings: Vec::new(),
        }
    }

    /// The command's own part of the document: its keys join the envelope,
    /// and the text a person reads is made from the same values.
    pub fn body<B: Body>(&mut self, ui: &Ui, body: &B) {
        match serde_json::to_value(body) {
            Ok(Value::Object(keys)) => self.extra.extend(keys),
            other => debug_assert!(false, "a Body must serialize as a map: {other:?}"),
        }
        self.human.push_str(&body.human(ui));
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

    /// Text that is the answer (findings, a dry run's diff).
    pub fn answer(&mut self, text: &str) {
        self.human.push_str(text);
    }

    pub fn line(&mut self, text: impl AsRef<str>) {
        self.human.push_str(text.as_ref());
        self.human.push('\n');
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
}

/// Rows made one at a time, for [`Streamed`].
pub trait RowSource: Send + Sync {
    /// Call `each` with every row, in order.
    fn rows(&self, each: &mut dyn FnMut(Value));
}

/// One key of the report whose value is a list written row by row.
#[derive(Default)]
pub struct Streamed(Option<(&'static str, Box<dyn RowSource>)>);

impl Streamed {
    pub fn new(key: &'static str, rows: impl RowSource + 'static) -> Self {
        Streamed(Some((key, Box::new(rows))))
    }
}

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
                self.0.rows(&mut |row| {
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

/// A table made one row at a time, for [`StreamedTable`].
pub trait TableSource: Send + Sync {
    fn header(&self) -> Vec<&'static str>;
    /// Call `each` with every row's cells, in order; called twice (widths
    /// first, then the text), so the rows are never all held.
    fn rows(&self, each: &mut dyn FnMut(Vec<String>));
    /// Columns never shortened (an id a person types back).
    fn fixed(&self) -> Vec<usize> {
        Vec::new()
    }
    /// Columns left out, in this order, on a console too narrow for the
    /// others at their narrowest.
    fn optional(&self) -> Vec<usize> {
        Vec::new()
    }
}

#[derive(Default)]
pub struct StreamedTable(Option<Box<dyn TableSource>>);

impl StreamedTable {
    pub fn new(rows: impl TableSource + 'static) -> Self {
        StreamedTable(Some(Box::new(rows)))
    }
}

impl std::fmt::Debug for StreamedTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "StreamedTable(..)"
        } else {
            "StreamedTable(None)"
        })
    }
}

/// `src` in the frame the other tables have (comfy-table's
/// UTF8_FULL_CONDENSED), written as it is made: comfy-table holds every
/// cell of every row, 40 MiB for 10,000 backups.
/// `limit`: the terminal's width; the widest columns are shortened (in
/// the middle, with an ellipsis) until the table fits it.
pub fn write_table(
    out: &mut dyn Write,
    src: &dyn TableSource,
    limit: Option<usize>,
) -> std::io::Result<()> {
    let header = src.header();
    let width = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    // Every cell is untrusted text: shown, never emitted.
    src.rows(&mut |cells| {
        for (w, c) in widths.iter_mut().zip(&cells) {
            *w = (*w).max(width(&printable(c)));
        }
    });
    let mut shown: Vec<usize> = (0..header.len()).collect();
    if let Some(limit) = limit {
        let fixed = src.fixed();
        let narrowest = |i: usize, w: usize| {
            if fixed.contains(&i) {
                w
            } else {
                w.min(MIN_COLUMN)
            }
        };
        let need = |cols: &[usize]| {
            cols.iter().map(|&i| narrowest(i, widths[i])).sum::<usize>() + 3 * cols.len() + 1
        };
        for drop in src.optional() {
            if need(&shown) <= limit {
                break;
            }
            shown.retain(|&i| i != drop);
        }
        let mut kept: Vec<usize> = shown.iter().map(|&i| widths[i]).collect();
        let floors: Vec<usize> = shown.iter().map(|&i| narrowest(i, widths[i])).collect();
        fit(&mut kept, &floors, limit);
        for (&i, w) in shown.iter().zip(kept) {
            widths[i] = w;
        }
    }
    let pick = |all: Vec<String>| -> Vec<String> {
        shown.iter().filter_map(|&i| all.get(i).cloned()).collect()
    };
    let header: Vec<&str> = shown.iter().map(|&i| header[i]).collect();
    let widths: Vec<usize> = shown.iter().map(|&i| widths[i]).collect();
    let rule = |out: &mut dyn Write, (l, fill, mid, r): (&str, &str, &str, &str)| {
        let parts: Vec<String> = widths.iter().map(|w| fill.repeat(w + 2)).collect();
        writeln!(out, "{l}{}{r}", parts.join(mid))
    };
    let line = |out: &mut dyn Write, cells: &[&str]| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                let c = shorten(c, *w);
                format!(" {c}{} ", " ".repeat(w.saturating_sub(width(&c))))
            })
            .collect();
        writeln!(out, "│{}│", parts.join("┆"))
    };
    rule(out, ("┌", "─", "┬", "┐"))?;
    line(out, &header)?;
    rule(out, ("╞", "═", "╪", "╡"))?;
    let mut result = Ok(());
    src.rows(&mut |cells| {
        if result.is_ok() {
            let cells: Vec<String> = pick(cells).iter().map(|c| printable(c)).collect();
            let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
            result = line(out, &cells);
        }
    });
    result?;
    rule(out, ("└", "─", "┴", "┘"))
}

/// A column shortened to fit a console keeps at least this much.
const MIN_COLUMN: usize = 12;

/// Narrow the widest column above its floor, one character at a time,
/// until the table (its cells, a space either side, and the rules between)
/// fits `limit`.
fn fit(widths: &mut [usize], floors: &[usize], limit: usize) {
    let total = |w: &[usize]| w.iter().sum::<usize>() + 3 * w.len() + 1;
    while total(widths) > limit {
        let Some((i, _)) = widths
            .iter()
            .enumerate()
            .filter(|(i, w)| **w > floors[*i])
            .max_by_key(|(_, w)| **w)
        else {
            return;
        };
        widths[i] -= 1;
    }
}

/// `text` in at most `width` characters: the start and the end kept, the
/// middle an ellipsis (a path keeps its drive and its file name).
pub fn shorten(text: &str, width: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width || width < 3 {
        return text.to_string();
    }
    let keep = width - 1;
    let head = keep / 2;
    let tail = keep - head;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// A `label: value` line in at most `columns` characters on a terminal:
/// words wrap onto lines indented under the value, a word wider than that
/// (a path) is shortened in the middle. Piped (`None`), the line is whole.
pub fn fit_line(line: &str, columns: Option<usize>) -> String {
    let Some(width) = columns else {
        return line.to_string();
    };
    if line.chars().count() <= width {
        return line.to_string();
    }
    // The value starts after "label:" and its padding; keep at least half
    // the width for it.
    let indent = line
        .find(": ")
        .map(|i| i + 2 + line[i + 2..].len() - line[i + 2..].trim_start().len())
        .filter(|&i| line[..i].chars().count() <= width / 2)
        .map_or(2, |i| line[..i].chars().count());
    let room = width.saturating_sub(indent).max(8);
    let mut out = String::new();
    let mut current = String::new();
    let mut used = 0;
    for word in line.split(' ') {
        let first_line = out.is_empty();
        let limit = if first_line { width } else { indent + room };
        let word = if word.chars().count() > room {
            shorten(word, room)
        } else {
            word.to_string()
        };
        let len = word.chars().count();
        if used > 0 && used + 1 + len > limit {
            out.push_str(current.trim_end());
            out.push('\n');
            current = " ".repeat(indent);
            used = indent;
        } else if used > 0 {
            current.push(' ');
            used += 1;
        }
        current.push_str(&word);
        used += len;
    }
    out.push_str(current.trim_end());
    out
}

/// A table of `rows` under `header`, fitted to the terminal (Ui::columns);
/// the `fixed` columns are never shortened.
pub fn render_table(
    ui: &Ui,
    header: &[&'static str],
    fixed: &[usize],
    rows: Vec<Vec<String>>,
) -> String {
    struct Rows<'a>(&'a [&'static str], &'a [usize], Vec<Vec<String>>);
    impl TableSource for Rows<'_> {
        fn header(&self) -> Vec<&'static str> {
            self.0.to_vec()
        }
        fn rows(&self, each: &mut dyn FnMut(Vec<String>)) {
            for r in &self.2 {
                each(r.clone());
            }
        }
        fn fixed(&self) -> Vec<usize> {
            self.1.to_vec()
        }
    }
    let mut out = Vec::new();
    let _ = write_table(&mut out, &Rows(header, fixed, rows), ui.columns);
    String::from_utf8_lossy(&out).into_owned()
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

/// Untrusted text (from a file, the backup index, a path) on its way to a
/// terminal: displayed with every control character (terminal escapes,
/// BEL, line breaks, NUL) shown escaped, never emitted. Every renderer puts
/// such text through this type.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a>(pub &'a str);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        for c in self.0.chars() {
            if c.is_control() || is_bidi_control(c) {
                for e in c.escape_default() {
                    f.write_char(e)?;
                }
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

/// Characters that reorder text on screen (a "Trojan source" line).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// [`Shown`], as a String.
pub fn printable(text: &str) -> String {
    Shown(text).to_string()
}

/// Like [`printable`], but keeps line breaks: for text made of lines.
pub fn printable_lines(text: &str) -> String {
    text.split('\n')
        .map(printable)
        .collect::<Vec<_>>()
        .join("\n")
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
            let errors: Vec<Finding> = report
                .findings
                .iter()
                .chain(&report.folder_findings)
                .filter(|f| f.severity == Severity::Error)
                .cloned()
                .collect();
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
            let mut text = report.human.clone();
            if report.failed {
                print_stdout(&text);
                print_stderr(&format!(
                    "{}: {}\n",
                    ui.paint("error", Severity::Error),
                    printable_lines(&report.msg)
                ));
                return;
            }
            if let Some(table) = &report.table.0 {
                print_stdout(&text);
                text.clear();
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                let _ = write_table(&mut out, table.as_ref(), ui.columns).and_then(|_| out.flush());
            }
            if !report.msg.is_empty() && !report.msg_shown {
                text.push_str(&printable_lines(&report.msg));
                text.push('\n');
            }
            print_stdout(&text);
        }
    }
}

/// Findings as rustc prints diagnostics: `error[MFA022]: ...`, ` --> file:7:17`, the hint.
pub fn render_findings(ui: &Ui, findings: &[Finding]) -> String {
    let mut out = render_findings_only(ui, findings);
    // Once per run, however many folders or findings: where the full
    // entry of a code is.
    static MENTIONED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if let Some(f) = findings.first()
        && !MENTIONED.swap(true, std::sync::atomic::Ordering::Relaxed)
    {
        out.push_str(&format!(
            "more on a finding: `mimmfa explain {}` (any code)\n",
            f.code
        ));
    }
    out
}

/// A unified diff for a person: on a colour terminal (or `--color always`)
/// removed lines red, added green, hunk heads cyan, as git shows them.
pub fn paint_diff(ui: &Ui, unified: &str) -> String {
    if !ui.color {
        return unified.to_string();
    }
    unified
        .split_inclusive('\n')
        .map(|line| {
            let code = if line.starts_with("+++") || line.starts_with("---") {
                "1"
            } else if line.starts_with('+') {
                "32"
            } else if line.starts_with('-') {
                "31"
            } else if line.starts_with("@@") {
                "36"
            } else {
                return line.to_string();
            };
            let (text, end) = if let Some(t) = line.strip_suffix("\r\n") {
                (t, "\r\n")
            } else if let Some(t) = line.strip_suffix('\n') {
                (t, "\n")
            } else {
                (line, "")
            };
            format!("\x1b[{code}m{text}\x1b[0m{end}")
        })
        .collect()
}

/// `-v`: the checks that ran and found nothing, one a line.
pub fn render_passed(ui: &Ui, passed: &[&crate::checks::catalogue::Check]) -> String {
    if !ui.verbose || passed.is_empty() {
        return String::new();
    }
    let mut out = format!("checked, no finding ({}):\n", passed.len());
    for c in passed {
        out.push_str(&format!("  ok {}  {}: no\n", c.code, c.title));
    }
    out
}

/// The findings alone, without the pointer to `explain`.
fn render_findings_only(ui: &Ui, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let head = ui.paint(&format!("{}[{}]", f.severity.as_str(), f.code), f.severity);
        out.push_str(&format!("{head}: {}\n", Shown(&f.message)));
        if let Some(file) = &f.file {
            let file = Shown(file);
            match (f.line, f.column) {
                (Some(l), Some(c)) => out.push_str(&format!("  --> {file}:{l}:{c}\n")),
                _ => out.push_str(&format!("  --> {file}\n")),
            }
        }
        if !f.hint.is_empty() {
            out.push_str(&format!("   = hint: {}\n", Shown(&f.hint)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_wraps_under_its_value_and_a_long_word_is_shortened() {
        let line = "MIM build: unknown (no versioned Microsoft.ResourceManagement.Service.exe in the Service folder)";
        let fitted = fit_line(line, Some(40));
        for l in fitted.lines() {
            assert!(l.chars().count() <= 40, "{l:?} in\n{fitted}");
        }
        assert!(
            fitted.lines().skip(1).all(|l| l.starts_with("           ")),
            "{fitted}"
        );
        assert!(
            fitted.contains('…'),
            "the exe name is wider than the room: {fitted}"
        );
        assert_eq!(fit_line(line, None), line);
        assert_eq!(fit_line("short: line", Some(40)), "short: line");
        let at_60 = fit_line(line, Some(60));
        let words: Vec<&str> = at_60.split_whitespace().collect();
        assert_eq!(words.join(" "), line, "at 60 nothing is cut, only wrapped");
    }

    struct Two;
    impl TableSource for Two {
        fn header(&self) -> Vec<&'static str> {
            vec!["id", "label"]
        }
        fn rows(&self, each: &mut dyn FnMut(Vec<String>)) {
            each(vec![
                "20261201T000000Z (latest)".into(),
                "before change é".into(),
            ]);
            each(vec!["x".into(), String::new()]);
        }
    }

    #[test]
    fn a_streamed_table_looks_like_the_other_tables() {
        let mut ours = Vec::new();
        write_table(&mut ours, &Two, None).unwrap();
        let mut theirs = comfy_table::Table::new();
        theirs
            .load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
            .set_header(Two.header());
        Two.rows(&mut |cells| {
            theirs.add_row(cells);
        });
        assert_eq!(String::from_utf8(ours).unwrap(), format!("{theirs}\n"));
    }
}
