//! `backup prune`: delete old snapshots, keeping the way back.

use crate::commands::begin;
use crate::context::Ctx;
use crate::output::{Body, Report, Ui, printable};
use crate::store::snapshots::{INDEX_FILE, PrunePlan};
use anyhow::Result;
use serde::Serialize;
use std::path::Path;

/// `backup prune`: the snapshots it deletes (or would), named in JSON, and
/// a dry run's stored files; a person gets the plan (a dry run, `-v`) and
/// the count in the message.
#[derive(Serialize)]
struct Pruned<'a> {
    deleted: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    would_delete: Option<Vec<String>>,
    #[serde(skip)]
    plan: &'a PrunePlan,
    #[serde(skip)]
    store_dir: &'a Path,
    #[serde(skip)]
    show_plan: bool,
    /// Snapshots before, how many kept at most, and whether this ran.
    #[serde(skip)]
    total: usize,
    #[serde(skip)]
    keep: usize,
    #[serde(skip)]
    dry_run: bool,
}

impl Body for Pruned<'_> {
    fn message(&self) -> String {
        let (removed, total) = (self.deleted.len(), self.total);
        if self.dry_run {
            format!(
                "dry run: would delete {removed} of {total} backup(s), keeping the newest {}",
                total - removed
            )
        } else if removed == 0 {
            format!(
                "nothing to delete: {total} backup(s), keeping up to {}",
                self.keep
            )
        } else {
            format!(
                "deleted {removed} of {total} backup(s), kept the newest {}",
                total - removed
            )
        }
    }

    /// The plan, step by step: the index first, then each stored file.
    fn human(&self, _: &Ui) -> String {
        if !self.show_plan || self.plan.removed.is_empty() {
            return String::new();
        }
        let mut out = format!(
            "plan:\n  1. write {} without backup(s) {}\n     why: older than the newest kept; the way back (`restore latest`) is never pruned\n",
            printable(&self.store_dir.join(INDEX_FILE).display().to_string()),
            self.deleted.join(", ")
        );
        for (n, (file, sha)) in self.plan.files.iter().enumerate() {
            let by: Vec<&str> = self
                .plan
                .removed
                .iter()
                .filter(|b| &b.file == file || b.side_files.iter().any(|f| &f.file == file))
                .map(|b| b.id.as_str())
                .collect();
            out.push_str(&format!(
                "  {}. delete {}\n     why: stored for {} only; no snapshot left names it\n     evidence: deleted only while its bytes are sha256:{}\n",
                n + 2,
                printable(&self.store_dir.join(file).display().to_string()),
                by.join(", "),
                &sha[..sha.len().min(16)]
            ));
        }
        out
    }
}

pub fn prune(ctx: &Ctx, keep: usize, dry_run: bool) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = ctx.report();
    report.settings_file = Some(site.settings_display());
    let _locks = begin(&site, dry_run, &mut report)?;
    let store = site.backups();
    let total = store.list()?.len();
    // A real run plans under the store's lock and executes exactly that.
    let lock = if dry_run { None } else { Some(store.lock()?.0) };
    let plan = store.plan_prune(keep)?;
    report.changed = !plan.removed.is_empty();
    let pruned = Pruned {
        deleted: plan.removed.iter().map(|b| b.id.as_str()).collect(),
        would_delete: dry_run.then(|| {
            plan.files
                .iter()
                .map(|(f, _)| store.dir().join(f).display().to_string())
                .collect()
        }),
        plan: &plan,
        store_dir: store.dir(),
        show_plan: dry_run || ctx.ui.verbose,
        total,
        keep,
        dry_run,
    };
    let Some(lock) = lock.filter(|_| !plan.removed.is_empty()) else {
        report.body(&ctx.ui, &pruned);
        return Ok(report);
    };
    for file in store.prune(&lock, &plan)? {
        report.warn(format!(
            "left {file} in place: it is not a stored file whose bytes match its record"
        ));
    }
    report.body(&ctx.ui, &pruned);
    Ok(report)
}
