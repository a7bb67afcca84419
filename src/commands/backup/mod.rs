//! `backup` (take a snapshot), and its verbs one file each: `list`,
//! `prune`, `repair`, `adopt`.

mod adopt;
mod index_repair;
mod list;
mod prune;

pub use adopt::adopt;
pub use index_repair::repair;
pub use list::list;
pub use prune::prune;

use crate::commands::plan_text;
use crate::context::Ctx;
use crate::error::usage;
use crate::formats::secret::sha256_hex;
use crate::output::{Body, Report, Ui, printable};
use crate::store::change;
use crate::store::plan::{Step, snapshot_of};
use crate::store::snapshots::{BackupEntry, INDEX_FILE, Meta, State, absolute_display};
use anyhow::Result;
use serde::Serialize;
use std::path::Path;

/// Does snapshot `b` hold exactly `state` (settings and every side file)?
fn holds_state(b: &BackupEntry, state: &State) -> bool {
    b.sha256 == sha256_hex(&state.settings)
        && b.side_files.len() == state.files.len()
        && state.files.iter().all(|s| {
            let (path, sha) = (absolute_display(&s.path), sha256_hex(&s.bytes));
            b.side_files
                .iter()
                .any(|f| f.path == path && f.sha256 == sha)
        })
}

pub fn backup(ctx: &Ctx, label: Option<&str>, dry_run: bool) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = ctx.report();
    report.settings_file = Some(site.settings_display());
    if label.is_some_and(|l| l.chars().any(char::is_control)) {
        return Err(usage(
            "--label may not hold control characters (tabs, line breaks, terminal escapes)",
        ));
    }
    let _lock = super::begin(&site, dry_run, &mut report)?;
    let bytes = site.read_settings()?;
    let state = change::capture(&site, &bytes, &[], &mut report.warnings);
    let store = site.backups();
    // Idempotent: the snapshot `restore latest` would use holds this state
    // already (and no new label is asked for).
    if let Some(same) = store.latest()?
        && holds_state(&same, &state)
        && (label.is_none() || label == same.label.as_deref())
    {
        report.backup_file = Some(store.path_of(&same).display().to_string());
        report.body(
            &ctx.ui,
            &Snapshot {
                snapshot: Some(&same.id),
                plan: None,
                would_write: None,
                taken: Taken::Already(&same),
            },
        );
        return Ok(report);
    }
    report.changed = true;
    if dry_run {
        let into = store.dir();
        let step = snapshot_of(&site, &state, "manual (`mimmfa backup`)".into());
        // The files the snapshot adds, then the index that names them.
        let mut would_write: Vec<String> = store
            .new_blobs(&state)
            .iter()
            .map(|blob| into.join(blob).display().to_string())
            .collect();
        would_write.push(into.join(INDEX_FILE).display().to_string());
        report.body(
            &ctx.ui,
            &Snapshot {
                snapshot: None,
                plan: Some(&[step]),
                would_write: Some(&would_write),
                taken: Taken::Would {
                    settings: site.settings_display(),
                    files: state.files.len(),
                    into,
                },
            },
        );
        return Ok(report);
    }
    let (lock, stale) = store.lock()?;
    report
        .warnings
        .extend(stale.iter().map(|t| change::stale_temp_warning(t)));
    let meta = Meta {
        label,
        reason: "manual",
        after_sha256: None,
        before_restore: false,
    };
    let entry = store.snapshot(&lock, &state, meta)?;
    let path = store.path_of(&entry).display().to_string();
    report.files_written.push(path.clone());
    report.backup_file = Some(path.clone());
    report.body(
        &ctx.ui,
        &Snapshot {
            snapshot: Some(&entry.id),
            plan: None,
            would_write: None,
            taken: Taken::New(&entry, store.dir()),
        },
    );
    Ok(report)
}

/// `backup`: the snapshot that holds the state (new, or the one that
/// already did). The message says it to a person.
#[derive(Serialize)]
struct Snapshot<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot: Option<&'a str>,
    /// A dry run: the plan, and the store's files it would write.
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<&'a [Step]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    would_write: Option<&'a [String]>,
    #[serde(skip)]
    taken: Taken<'a>,
}

enum Taken<'a> {
    /// A snapshot holds this state already.
    Already(&'a BackupEntry),
    /// A dry run: the settings and how many files besides, into the store.
    Would {
        settings: String,
        files: usize,
        into: &'a Path,
    },
    New(&'a BackupEntry, &'a Path),
}

impl Body for Snapshot<'_> {
    fn human(&self, _: &Ui) -> String {
        let mut out = self.plan.map(plan_text).unwrap_or_default();
        for file in self.would_write.unwrap_or_default() {
            out.push_str(&format!("would write {}\n", printable(file)));
        }
        out
    }

    fn message(&self) -> String {
        match &self.taken {
            Taken::Already(same) => format!(
                "already backed up as {} ({}, {}): nothing to do",
                same.id,
                same.created,
                same.holds()
            ),
            Taken::Would {
                settings,
                files,
                into,
            } => format!(
                "dry run: would back up {settings} (and the {files} file(s) it points to) into {}",
                into.display()
            ),
            Taken::New(entry, into) => format!(
                "backed up as {} ({}) in {}",
                entry.id,
                entry.holds(),
                into.display()
            ),
        }
    }
}
