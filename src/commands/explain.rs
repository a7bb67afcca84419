//! `explain CODE`: a check's full entry — what it means, why it matters,
//! how to fix it, an example — from docs/checks.md, the same text the user
//! docs show. The check catalogue gives the code's severity, title and
//! section; a test keeps the two in step.

use crate::checks::catalogue::CHECKS;
use crate::context::Ctx;
use crate::error::usage;
use crate::output::{Body, Report, Ui};
use anyhow::Result;
use serde::Serialize;

const CHECKS_MD: &str = include_str!("../../docs/checks.md");

#[derive(Debug, Serialize, PartialEq)]
pub struct Entry {
    pub code: &'static str,
    pub severity: &'static str,
    pub title: &'static str,
    pub why: String,
    pub fix: String,
    pub example: String,
    pub docs: String,
}

/// `explain`'s document: `"check"`, the entry; a person reads it as lines.
#[derive(Serialize)]
struct Explained {
    check: Entry,
}

impl Body for Explained {
    fn human(&self, _: &Ui) -> String {
        let e = &self.check;
        format!(
            "{} ({}): {}\nWhy it matters: {}\nHow to fix:     {}\nExample:        {}\nMore:           {}\n",
            e.code, e.severity, e.title, e.why, e.fix, e.example, e.docs
        )
    }
}

/// The rows of docs/checks.md for `code`: the table row (code, severity,
/// why, fix) and the example row (code, example).
pub fn entry(code: &str) -> Option<Entry> {
    let check = CHECKS.iter().find(|c| c.code.eq_ignore_ascii_case(code))?;
    let code = check.code;
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    };
    let rows: Vec<Vec<String>> = CHECKS_MD
        .lines()
        .filter(|l| l.starts_with(&format!("| {code} |")))
        .map(cells)
        .collect();
    let main = rows.iter().find(|r| r.len() == 4)?;
    let example = rows.iter().find(|r| r.len() == 2)?;
    Some(Entry {
        code,
        severity: check.severity.as_str(),
        title: check.title,
        why: main[2].clone(),
        fix: main[3].clone(),
        example: example[1].clone(),
        docs: format!("docs/checks.md#{}", check.anchor),
    })
}

/// `explain --list`: every code, its severity and title (`"checks"`).
#[derive(Serialize)]
struct Listed {
    checks: Vec<Row>,
}

#[derive(Serialize)]
struct Row {
    code: &'static str,
    severity: &'static str,
    title: &'static str,
}

impl Body for Listed {
    fn human(&self, _: &Ui) -> String {
        self.checks
            .iter()
            .map(|c| format!("{}  {:<7}  {}\n", c.code, c.severity, c.title))
            .collect()
    }
}

pub fn list(ctx: &Ctx) -> Result<Report> {
    let mut report = ctx.report();
    let checks: Vec<Row> = CHECKS
        .iter()
        .map(|c| Row {
            code: c.code,
            severity: c.severity.as_str(),
            title: c.title,
        })
        .collect();
    report.msg = format!(
        "{} checks; `mimmfa explain CODE` gives one's full entry",
        checks.len()
    );
    report.body(&ctx.ui, &Listed { checks });
    Ok(report)
}

pub fn run(ctx: &Ctx, code: &str) -> Result<Report> {
    let Some(e) = entry(code) else {
        let codes: Vec<&str> = CHECKS.iter().map(|c| c.code).collect();
        return Err(usage(format!(
            "no check {code:?}; the codes are {}",
            codes.join(", ")
        )));
    };
    let mut report = ctx.report();
    report.msg = format!("{}: {}", e.code, e.title);
    report.msg_shown = true; // the first line says it
    report.body(&ctx.ui, &Explained { check: e });
    Ok(report)
}
