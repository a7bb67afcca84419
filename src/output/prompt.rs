//! Asking the person at the console, only when there is one.

use crate::output::Ui;

/// Ask for a value when stdin and stderr are terminals; `None` otherwise,
/// so scripts and tests never hang on a prompt.
pub fn ask(ui: &Ui, question: &str, validate: fn(&str) -> Result<(), String>) -> Option<String> {
    if !ui.can_prompt() || !ui.is_human() {
        return None;
    }
    on_ctrl_c();
    dialoguer::Input::<String>::new()
        .with_prompt(question)
        .validate_with(|s: &String| validate(unquote(s)))
        .interact_text()
        .map_err(interrupted_or)
        .ok()
        .map(|s| unquote(&s).to_string())
}

/// A yes/no question answered with a whole line, as git and apt read one:
/// `y`/`yes` (any case) is yes, Enter or `n`/`no` is no, anything else asks
/// again. A single key press never decides (a word typed at the prompt
/// would otherwise answer with its first letter and leave the rest to the
/// shell).
pub fn confirm(question: &str) -> Result<bool, dialoguer::Error> {
    on_ctrl_c();
    let answer = dialoguer::Input::<String>::new()
        .with_prompt(format!("{question} [y/N]"))
        .allow_empty(true)
        .validate_with(|s: &String| match yes_or_no(s) {
            Some(_) => Ok(()),
            None => Err("answer yes or no (Enter: no)"),
        })
        .interact_text()
        .map_err(interrupted_or)?;
    Ok(yes_or_no(&answer) == Some(true))
}

fn yes_or_no(answer: &str) -> Option<bool> {
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Some(true),
        "" | "n" | "no" => Some(false),
        _ => None,
    }
}

/// Before any prompt: Ctrl-C ends the run as `interrupted` says, however
/// the terminal delivers it (dialoguer hides the cursor while it reads).
pub fn on_ctrl_c() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ctrlc::set_handler(|| interrupted());
    });
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
    fn only_a_whole_yes_confirms() {
        use super::yes_or_no;
        for yes in ["y", "Y", "yes", "YES", " Yes "] {
            assert_eq!(yes_or_no(yes), Some(true), "{yes}");
        }
        for no in ["", "n", "No", "NO"] {
            assert_eq!(yes_or_no(no), Some(false), "{no}");
        }
        for neither in ["maybe", "sorry", "yep", "ja", "y es"] {
            assert_eq!(yes_or_no(neither), None, "{neither}");
        }
    }

    #[test]
    fn copy_as_path_quotes_are_dropped() {
        use super::unquote;
        assert_eq!(unquote(r#" "C:\Drop\Gate.dll" "#), r"C:\Drop\Gate.dll");
        assert_eq!(unquote(r"C:\Drop\Gate.dll"), r"C:\Drop\Gate.dll");
        assert_eq!(unquote(r#""half"#), r#""half"#);
        assert_eq!(unquote(r#""""#), "");
    }
}
