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
        .ok()
        .map(|s| unquote(&s).to_string())
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
