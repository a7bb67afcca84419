//! Findings as rustc prints diagnostics, and `-v`'s list of the checks
//! that passed.

use super::text::Shown;
use super::ui::Ui;
use crate::checks::catalogue::Check;
use crate::checks::finding::Finding;

/// Findings as rustc prints diagnostics: `error[MFA022]: ...`, ` --> file:7:17`, the hint.
pub fn render_findings(ui: &Ui, findings: &[Finding]) -> String {
    let mut out = render_findings_only(ui, findings);
    // Once per run, however many folders or findings: where the full
    // entry of a code is.
    if let Some(f) = findings.first()
        && ui.first_explain_hint()
    {
        out.push_str(&format!(
            "more on a finding: `mimmfa explain {}` (any code)\n",
            f.code
        ));
    }
    out
}

/// `-v`: the checks that ran and found nothing, one a line.
pub fn render_passed(ui: &Ui, passed: &[&Check]) -> String {
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
pub fn render_findings_only(ui: &Ui, findings: &[Finding]) -> String {
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
