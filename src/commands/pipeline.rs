//! The write pipeline as commands use it: plan, judge, then act
//! (docs/design.md), and what a change says about itself — its plan, the
//! side files it writes, whether the MIM Service may be restarted.

use crate::checks::finding::{Finding, Severity};
use crate::checks::side_summary::{FileChange, FileSide, changes, copies};
use crate::checks::verdict::{Verdict, judge};
use crate::error::exit;
use crate::formats::bounded::{DLL_CAP, read_file};
use crate::formats::masked_diff::masked_diff;
use crate::formats::utf16::is_utf16;
use crate::output::{Body, Part, Report, Ui, printable};
use crate::site::Site;
use crate::store::change::{self, Locks, Outcome};
use crate::store::plan::{self, Op, Plan, Request, Step};
use crate::store::snapshots::{BackupEntry, Role};

/// Which Windows path a command writes into the settings file: a person
/// reads it before the diff; the document holds it in the command's body.
#[derive(serde::Serialize)]
struct WindowsPath<'a> {
    #[serde(skip)]
    setting: &'a str,
    #[serde(skip)]
    path: &'a str,
}

impl Body for WindowsPath<'_> {
    fn human(&self, _: &Ui) -> String {
        format!("{}: {}\n", self.setting, printable(self.path))
    }
}

pub(crate) fn say_windows_path(ui: &Ui, report: &mut Report, setting: &str, path: &str) {
    report.show(ui, &WindowsPath { setting, path });
}

/// Warns, when a change writes a path under the stock folder only because
/// nobody named another (off the server, without `--windows-service-dir`),
/// that a file built for the wrong layout must not be deployed by accident.
/// Only when the change writes it: a run that changes nothing, or leaves
/// that path as the file already had it, is not worth a warning.
pub(crate) fn warn_if_guessed(
    site: &Site,
    report: &mut Report,
    committed: &Committed,
    before: &[u8],
    setting: &str,
    path: &str,
) {
    let writes = report.changed
        && committed.went_ahead()
        && !String::from_utf8_lossy(before).contains(&format!(">{path}<"));
    if writes && site.mapper.is_guessed() {
        report.warn(format!(
            "{setting} is written under the stock Service folder {}; if MIM is installed elsewhere on the server, pass --windows-service-dir",
            site.mapper.windows_service_dir()
        ));
    }
}

/// Takes the locks of a real run (change::begin), telling the user what it
/// met on the way in.
pub(crate) fn begin(
    site: &Site,
    dry_run: bool,
    report: &mut Report,
) -> anyhow::Result<Option<Locks>> {
    let begun = change::begin(site, dry_run)?;
    report.warnings.extend(begun.warnings);
    Ok(begun.locks)
}

/// The keys the write pipeline adds to a changing command's document: the
/// plan (every step, in order, with why and the evidence), what a dry run
/// would write, or the snapshot a real run took.
#[derive(serde::Serialize)]
struct Pipeline<'a> {
    plan: &'a [Step],
    #[serde(skip_serializing_if = "Option::is_none")]
    would_write: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot: Option<&'a str>,
    #[serde(skip)]
    show_plan: bool,
    /// Errors of the state a dry run would leave.
    #[serde(skip)]
    errors: usize,
}

/// A change with nothing to do.
#[derive(serde::Serialize)]
struct Unchanged {}

impl Body for Unchanged {
    fn message(&self) -> String {
        "nothing to change: the service folder is already as asked".into()
    }
}

impl Body for Pipeline<'_> {
    /// A dry run's closing line; a real run's is the command's own.
    fn message(&self) -> String {
        match (self.would_write, self.errors) {
            (None, _) => String::new(),
            (Some(_), 0) => "dry run: nothing was written".into(),
            (Some(_), errors) => format!(
                "dry run: nothing was written; the state it would leave has {errors} error(s) (see above), \
                 so the MIM Service could not be restarted on it"
            ),
        }
    }

    /// The plan, step by step, for a dry run (and `-v`).
    fn human(&self, _: &Ui) -> String {
        if !self.show_plan {
            return String::new();
        }
        plan_text(self.plan)
    }
}

/// A plan as a person reads it: each step, with why and the evidence.
pub(crate) fn plan_text(plan: &[Step]) -> String {
    let mut out = String::from("plan:\n");
    for (n, step) in plan.iter().enumerate() {
        let what = match &step.op {
            Op::Snapshot { into, holds } => format!(
                "snapshot {} into {}",
                holds
                    .iter()
                    .map(|h| printable(h))
                    .collect::<Vec<_>>()
                    .join(" + "),
                printable(into)
            ),
            Op::Place {
                path,
                role,
                replaces,
                ..
            } => format!(
                "write {} ({}{})",
                printable(path),
                role.as_str(),
                if replaces.is_some() {
                    ", replacing the file there"
                } else {
                    ", new"
                }
            ),
            Op::WriteSettings { path, .. } => format!("write {}", printable(path)),
            Op::Retire { path, role, .. } => {
                format!(
                    "move {} ({}) into the backup",
                    printable(path),
                    role.as_str()
                )
            }
        };
        out.push_str(&format!(
            "  {}. {what}\n     why: {}\n     evidence: {}\n",
            n + 1,
            printable(&step.why),
            printable(&step.evidence)
        ));
    }
    out
}

/// The side files that differ between two states (`diff`; a dry run's
/// plan), as `mimmfa diff` shows them below the settings diff.
#[derive(serde::Serialize)]
pub(crate) struct FileChanges<'a> {
    #[serde(skip)]
    pub from: &'a str,
    #[serde(skip)]
    pub to: &'a str,
    pub files: Vec<FileChange>,
}

impl Body for FileChanges<'_> {
    fn human(&self, _: &Ui) -> String {
        let show = |s: &Option<FileSide>| {
            s.as_ref()
                .map(|s| format!("{} ({})", printable(&s.summary), s.sha256))
                .unwrap_or_else(|| "absent".into())
        };
        self.files
            .iter()
            .map(|f| {
                format!(
                    "{} {}:\n  - {}: {}\n  + {}: {}\n",
                    f.role.as_str(),
                    printable(&f.path),
                    printable(self.from),
                    show(&f.before),
                    printable(self.to),
                    show(&f.after)
                )
            })
            .collect()
    }
}

/// The side files a plan writes or removes, as `diff` shows them: what is
/// there now (read bounded) against what the plan leaves.
fn planned_side_changes(plan: &Plan) -> Vec<FileChange> {
    let mut now: Vec<(Role, &str, Vec<u8>)> = Vec::new();
    let mut planned: Vec<(Role, &str, &[u8])> = Vec::new();
    for step in &plan.steps {
        let (path, role, writes) = match &step.op {
            Op::Place {
                path,
                role,
                replaces,
                ..
            } => (path, *role, Some((replaces.is_some(), &step.bytes[..]))),
            Op::Retire { path, role, .. } => (path, *role, None),
            _ => continue,
        };
        let replaces = writes.is_none_or(|(replaces, _)| replaces);
        if replaces && let Ok(bytes) = read_file(&step.target, DLL_CAP) {
            now.push((role, path, bytes));
        }
        if let Some((_, bytes)) = writes {
            planned.push((role, path, bytes));
        }
    }
    changes(
        (&plan.before, &copies(&now)),
        (&plan.after, &copies(&planned)),
    )
}

/// What a change came to, for the command's own message.
pub(crate) struct Committed {
    pub snapshot: Option<BackupEntry>,
    /// Errors of the state left (in a dry run: that would be left).
    pub errors: usize,
    /// Refused by its judge: nothing was (or would be) changed.
    pub refused: bool,
    /// The plan had something to do.
    pub changed: bool,
    pub dry_run: bool,
}

impl Committed {
    /// Done as asked (or a dry run of it), with the state ready or not.
    pub fn went_ahead(&self) -> bool {
        !self.refused
    }

    /// The plan was executed: files changed (commit returns an error
    /// when execution fails).
    pub fn made(&self) -> bool {
        self.changed && !self.dry_run && !self.refused
    }
}

/// Plan, judge, then act (docs/design.md): build the whole plan, check its
/// invariants, audit the state it would leave as `validate` would, refuse
/// a plan that brings new errors (unless --force), show it in a dry run,
/// else execute exactly it. Fills the envelope's `changed`, `diff`,
/// `findings`, `backup_file`, `files_written`, `plan` and `snapshot`.
pub(crate) fn commit(
    site: &Site,
    ui: &Ui,
    report: &mut Report,
    request: Request,
    dry_run: bool,
) -> anyhow::Result<Committed> {
    let plan = plan::build(site, request)?;
    report.settings_file = Some(site.settings_display());
    report.changed = plan.changed;
    let mut result = Committed {
        snapshot: None,
        errors: 0,
        refused: false,
        changed: plan.changed,
        dry_run,
    };
    if !plan.changed {
        report.body(ui, &Unchanged {});
        return Ok(result);
    }
    plan::check_invariants(site, &plan)?;
    if is_utf16(&plan.before) && !is_utf16(&plan.after) {
        // MFA016: mimmfa edits the UTF-8 text of a UTF-16 file.
        report.warn(format!(
            "{} was UTF-16; it {} as UTF-8 (the MIM Service reads both; the snapshot keeps the UTF-16 original)",
            site.settings_display(),
            if dry_run { "would be written" } else { "is written" }
        ));
    }
    let verdict = judge(site, &plan);
    result.errors = verdict.errors;
    show_change(site, ui, report, &plan, &verdict, dry_run);
    if !accepts_new_errors(report, &plan, &verdict) {
        result.refused = true;
        return Ok(result);
    }
    if dry_run {
        say_dry_run(ui, report, &plan, &verdict);
        return Ok(result);
    }
    let out = change::execute(site, &plan)?;
    result.snapshot = say_executed(ui, report, &plan, out);
    if verdict.errors > 0 {
        report.exit = exit::FINDINGS;
    }
    Ok(result)
}

/// What a person sees of a change: the findings it brings and every error
/// it leaves, the masked settings diff and the side files (a dry run, or
/// `-v`). The document holds them in the envelope and the plan.
#[derive(serde::Serialize)]
struct ChangeView<'a> {
    #[serde(skip)]
    findings: Vec<Finding>,
    #[serde(skip)]
    diff: Option<String>,
    #[serde(skip)]
    side_files: Option<FileChanges<'a>>,
}

impl Body for ChangeView<'_> {
    fn parts(&self, ui: &Ui) -> Vec<Part> {
        let mut parts = vec![Part::Findings {
            findings: self.findings.clone(),
            detail: false,
        }];
        parts.extend(self.diff.clone().map(Part::Diff));
        parts.extend(self.side_files.as_ref().map(|s| Part::Text(s.human(ui))));
        parts
    }
}

/// Fills the envelope's findings and diff, and shows the change (above).
fn show_change(
    site: &Site,
    ui: &Ui,
    report: &mut Report,
    plan: &Plan,
    verdict: &Verdict,
    dry_run: bool,
) {
    report.findings = verdict.findings.clone();
    let name = &site.settings_display();
    report.diff = (plan.before != plan.after)
        .then(|| masked_diff(&plan.before, &plan.after, name, &format!("{name} (new)")));
    let detailed = dry_run || ui.verbose;
    let view = ChangeView {
        findings: verdict
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error || verdict.new.contains(f))
            .cloned()
            .collect(),
        diff: report
            .diff
            .as_ref()
            .filter(|_| detailed)
            .map(|d| d.unified.clone()),
        side_files: detailed.then(|| FileChanges {
            from: "now",
            to: if dry_run { "planned" } else { "written" },
            files: planned_side_changes(plan),
        }),
    };
    report.show(ui, &view);
}

/// New errors refuse the plan (exit 3, nothing changed) unless `--force`,
/// which names what it accepted. True when the change may go ahead.
fn accepts_new_errors(report: &mut Report, plan: &Plan, verdict: &Verdict) -> bool {
    if verdict.new_errors.is_empty() {
        return true;
    }
    let mut codes: Vec<&str> = verdict.new_errors.iter().map(|f| f.code).collect();
    codes.dedup();
    let codes = codes.join(", ");
    if !plan.force {
        report.refuse(format!(
            "the change would leave {} new error(s) ({codes}, see above) that the folder does not have now; \
             nothing was changed. Fix what they say, or pass --force to make the change anyway",
            verdict.new_errors.len()
        ));
        return false;
    }
    report.warn(format!("--force: accepted the new error(s) {codes}"));
    true
}

/// A dry run's document: the plan, what it would write, and whether the
/// state it would leave could be restarted on.
fn say_dry_run(ui: &Ui, report: &mut Report, plan: &Plan, verdict: &Verdict) {
    let would_write = plan.writes();
    report.body(
        ui,
        &Pipeline {
            plan: &plan.steps,
            would_write: Some(&would_write),
            snapshot: None,
            show_plan: true,
            errors: verdict.errors,
        },
    );
    report.warnings.extend(plan.notes.iter().cloned());
    if verdict.errors > 0 {
        report.exit = exit::FINDINGS;
    }
}

/// An executed plan's document: the plan (shown with `-v`), the snapshot
/// taken, the files written, and where each replaced or retired file is
/// kept. Returns the snapshot.
fn say_executed(ui: &Ui, report: &mut Report, plan: &Plan, out: Outcome) -> Option<BackupEntry> {
    report.warnings.extend(out.warnings);
    let snapshot_id = out.snapshot.as_ref().map(|(e, _)| e.id.clone());
    report.body(
        ui,
        &Pipeline {
            plan: &plan.steps,
            would_write: None,
            snapshot: snapshot_id.as_deref(),
            show_plan: ui.verbose,
            errors: 0,
        },
    );
    let entry = out.snapshot.map(|(entry, file)| {
        report.backup_file = Some(file.display().to_string());
        entry
    });
    let saved_in = entry
        .as_ref()
        .map_or("no backup (there was no settings file)".to_string(), |e| {
            format!("backup {}", e.id)
        });
    for step in &plan.steps {
        if let Op::Place {
            replaces: Some(_), ..
        } = step.op
        {
            report.warn(format!(
                "the existing {} is saved in {saved_in}",
                step.target.display()
            ));
        }
    }
    report.files_written = out
        .files_written
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    if let Some(entry) = &entry {
        for p in &out.retired {
            report.warn(format!(
                "moved {} (no longer used) into backup {}; `mimmfa restore {}` brings it back",
                p.display(),
                entry.id,
                entry.id
            ));
        }
    }
    entry
}

/// How to undo a change whose state before is `snapshot`.
pub(crate) fn undo_hint(snapshot: &BackupEntry) -> String {
    format!(
        "The state before is backup {}: `mimmfa restore {}` undoes this.",
        snapshot.id, snapshot.id
    )
}

/// The message of a change that was made: what it did, whether the MIM
/// Service may be restarted on the state it left (never over an error),
/// and how to undo it. `restart` says what the restart is for. None when
/// nothing was made (the pipeline's own message stands).
pub(crate) fn done(what: &str, restart: &str, committed: &Committed) -> String {
    if !committed.made() {
        return String::new();
    }
    let verdict = if committed.errors > 0 {
        format!(
            ", but the new state has {} error(s) (see above): do not restart the MIM Service until they are fixed",
            committed.errors
        )
    } else {
        format!("; restart the MIM Service (FIMService) {restart}")
    };
    match &committed.snapshot {
        Some(s) => format!("{what}{verdict}. {}", undo_hint(s)),
        None => format!("{what}{verdict}"),
    }
}
