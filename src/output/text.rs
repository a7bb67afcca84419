//! Text on its way to a terminal: untrusted text escaped (`Shown`), diffs
//! painted, stdout and stderr written without failing on a closed pipe.

use super::ui::Ui;
use std::io::Write;

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
