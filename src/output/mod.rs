//! Output shared by every command: one JSON document on stdout (on failure
//! too), or human text. One concern a file: the run's `Ui`, the `Report`
//! envelope and `emit`, tables, escaped and painted text, findings, SARIF,
//! prompts.

mod findings;
pub mod prompt;
mod report;
pub mod sarif;
mod table;
mod text;
mod ui;

pub use findings::render_findings_only;
pub use report::{Body, Part, Report, RowSource, emit};
pub use table::{TableSource, fit_line, render_table};
pub use text::{Shown, print_stderr, print_stdout, printable};
pub use ui::{ColorChoice, Format, Ui};
