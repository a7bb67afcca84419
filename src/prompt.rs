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
        .validate_with(|s: &String| validate(s.trim()))
        .interact_text()
        .ok()
        .map(|s| s.trim().to_string())
}
