//! `backup repair`: rebuild a damaged index from what the store holds.

use crate::commands::begin;
use crate::context::Ctx;
use crate::output::{Body, Report, Shown, Ui};
use crate::store::change;
use crate::store::repair::{self, Loss};
use crate::store::snapshots::INDEX_FILE;
use anyhow::Result;
use serde::Serialize;
use std::path::Path;

/// `backup repair`: what the rebuilt index holds, and what is lost (a
/// person reads one line each).
#[derive(Serialize)]
struct Repaired<'a> {
    kept: usize,
    recovered: usize,
    dropped: usize,
    /// Snapshots lost whole, and why.
    lost_snapshots: &'a [Loss],
    /// Side files kept snapshots lose, and why.
    lost_files: &'a [Loss],
    /// Stored files moved into `quarantine/`.
    quarantined: &'a [String],
    /// What was salvaged differently from what the index said.
    notes: &'a [String],
    /// Snapshots of unknown origin (restored only by id).
    origin_unknown: &'a [String],
    #[serde(skip)]
    total: usize,
    #[serde(skip)]
    rebuild: Rebuild,
}

/// What `backup repair` does with the index it plans.
#[derive(Clone, Copy)]
enum Rebuild {
    DryRun,
    /// `kept_old`: a damaged index was there, and is kept beside the new.
    Done {
        kept_old: bool,
    },
}

/// `backup repair` with nothing to repair.
#[derive(Serialize)]
struct Sound<'a> {
    #[serde(skip)]
    store_dir: &'a Path,
    /// The store exists (its index is sound and every file matches).
    #[serde(skip)]
    exists: bool,
}

impl Body for Sound<'_> {
    fn message(&self) -> String {
        if self.exists {
            format!(
                "{} is sound and every stored file matches: nothing to repair",
                self.store_dir.join(INDEX_FILE).display()
            )
        } else {
            format!(
                "there is no backup folder {}: nothing to repair",
                self.store_dir.display()
            )
        }
    }
}

impl Body for Repaired<'_> {
    fn human(&self, _: &Ui) -> String {
        let mut out = String::new();
        for l in self.lost_snapshots {
            out.push_str(&format!(
                "backup {} is lost: {} ({})\n",
                Shown(&l.backup),
                Shown(&l.why),
                Shown(&l.file)
            ));
        }
        for l in self.lost_files {
            out.push_str(&format!(
                "backup {} loses {}: {}\n",
                Shown(&l.backup),
                Shown(&l.file),
                Shown(&l.why)
            ));
        }
        for q in self.quarantined {
            out.push_str(&format!(
                "quarantine: {} (it no longer matches its sha256)\n",
                Shown(q)
            ));
        }
        for id in self.origin_unknown {
            out.push_str(&format!(
                "backup {id}: recovered, origin unknown: nobody's `latest`; `mimmfa restore {id}` or `mimmfa backup adopt` if it is yours\n"
            ));
        }
        for n in self.notes {
            out.push_str(&format!("note: {}\n", Shown(n)));
        }
        out
    }

    fn message(&self) -> String {
        let summary = format!(
            "{} snapshot(s): {} kept, {} recovered from stored settings files (origin unknown), {} lost, {} side file(s) lost",
            self.total,
            self.kept,
            self.recovered,
            self.dropped,
            self.lost_files.len()
        );
        match self.rebuild {
            Rebuild::DryRun => {
                format!("dry run: would rebuild the backup index ({summary}); nothing was written")
            }
            Rebuild::Done { kept_old } => format!(
                "rebuilt the backup index: {summary}{}",
                if kept_old {
                    "; the old index is kept beside it as index.json.damaged-*"
                } else {
                    ""
                }
            ),
        }
    }
}

pub fn repair(ctx: &Ctx, dry_run: bool) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = ctx.report();
    report.settings_file = Some(site.settings_display());
    let _lock = begin(&site, dry_run, &mut report)?;
    let store = site.backups();
    let index_path = store.dir().join(INDEX_FILE);
    let sound = |exists| Sound {
        store_dir: store.dir(),
        exists,
    };
    if !store.dir().is_dir() {
        report.body(&ctx.ui, &sound(false));
        return Ok(report);
    }
    let plan = repair::plan(
        &store,
        &|bytes| change::pointers(&site, bytes),
        &store.source().settings_path,
    )?;
    if !plan.needed() {
        report.body(&ctx.ui, &sound(true));
        return Ok(report);
    }
    report.changed = true;
    let lock = if dry_run { None } else { Some(store.lock()?.0) };
    let rebuild = match lock {
        None => Rebuild::DryRun,
        Some(_) => Rebuild::Done {
            kept_old: index_path.exists(),
        },
    };
    report.body(
        &ctx.ui,
        &Repaired {
            kept: plan.kept,
            recovered: plan.recovered.len(),
            dropped: plan.dropped.len(),
            lost_snapshots: &plan.dropped,
            lost_files: &plan.losses,
            quarantined: &plan.quarantine,
            notes: &plan.notes,
            origin_unknown: &plan.recovered,
            total: plan.total(),
            rebuild,
        },
    );
    let Some(lock) = lock else {
        return Ok(report);
    };
    let stuck = repair::apply(&store, &lock, plan)?;
    for f in stuck {
        report.warn(format!(
            "could not move {f} into quarantine: it stays, and no snapshot names it"
        ));
    }
    report.files_written.push(index_path.display().to_string());
    Ok(report)
}
