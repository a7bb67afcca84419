//! How this run talks to its user: the format, colour, verbosity, the
//! terminal's width, whether a person can be asked.

use crate::checks::finding::Severity;
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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
    /// The pointer to `explain` was given (once per run; clones share it).
    explain_hinted: Arc<AtomicBool>,
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
            explain_hinted: Arc::default(),
        }
    }

    /// True the first time it is asked in a run: where the full entry of a
    /// finding's code is, said once however many folders have findings.
    pub fn first_explain_hint(&self) -> bool {
        !self.explain_hinted.swap(true, Ordering::Relaxed)
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
}
