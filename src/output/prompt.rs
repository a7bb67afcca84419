//! Asking the person at the console, only when there is one.

use crate::output::Ui;

/// Ask for a value when stdin and stderr are terminals; `None` otherwise,
/// so scripts and tests never hang on a prompt.
pub fn ask(ui: &Ui, question: &str, validate: fn(&str) -> Result<(), String>) -> Option<String> {
    if !ui.can_prompt() || !ui.is_human() {
        return None;
    }
    dialoguer::Input::<String>::new()
        .with_prompt(question)
        .validate_with(|s: &String| validate(unquote(s)))
        .interact_text()
        .map_err(interrupted_or)
        .ok()
        .map(|s| unquote(&s).to_string())
}

/// Ctrl-C at a prompt: give the terminal its cursor back (dialoguer hides
/// it), say nothing was changed, exit 130. Called from the prompt's own
/// error (the read is interrupted) and from the SIGINT handler, whichever
/// comes first; nothing is written before the final answer.
pub fn interrupted() -> ! {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = dialoguer::console::Term::stderr().show_cursor();
        eprintln!("\ninterrupted: nothing was changed");
    });
    std::process::exit(130);
}

/// A prompt's error, unless it is Ctrl-C, which ends the run here.
pub fn interrupted_or(e: dialoguer::Error) -> dialoguer::Error {
    let dialoguer::Error::IO(io) = &e;
    if io.kind() == std::io::ErrorKind::Interrupted {
        interrupted();
    }
    e
}

/// An answer without surrounding blanks and one pair of surrounding double
/// quotes: what Windows Explorer's "Copy as path" puts on the clipboard.
pub fn unquote(answer: &str) -> &str {
    let t = answer.trim();
    t.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .map(str::trim)
        .unwrap_or(t)
}

#[cfg(test)]
mod tests {
    #[test]
    fn copy_as_path_quotes_are_dropped() {
        use super::unquote;
        assert_eq!(unquote(r#" "C:\Drop\Gate.dll" "#), r"C:\Drop\Gate.dll");
        assert_eq!(unquote(r"C:\Drop\Gate.dll"), r"C:\Drop\Gate.dll");
        assert_eq!(unquote(r#""half"#), r#""half"#);
        assert_eq!(unquote(r#""""#), "");
    }
}
