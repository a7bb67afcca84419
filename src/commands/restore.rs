//! `restore`: put a snapshot back, through the write pipeline.

use super::Committed;
use crate::cli::ChangeArgs;
use crate::context::Ctx;
use crate::error::{refused, usage};
use crate::formats::bounded;
use crate::output::{Body, Report, Shown, Ui, printable};
use crate::site::Site;
use crate::store::plan::{Request, SideFile};
use crate::store::side_targets;
use crate::store::snapshots::{BackupEntry, BackupStore};
use anyhow::Result;
use serde::Serialize;

/// `restore`: the snapshot being put back (`"restored"`, its id), and
/// what it is, for a person.
#[derive(Serialize)]
struct Restoring<'a> {
    restored: &'a str,
    #[serde(skip)]
    entry: &'a BackupEntry,
}

impl Body for Restoring<'_> {
    fn human(&self, _: &Ui) -> String {
        let e = self.entry;
        let label = e
            .label
            .as_deref()
            .map(|l| format!(", \"{}\"", printable(l)))
            .unwrap_or_default();
        format!(
            "backup {} ({}, {}{label}) holds {}\n",
            Shown(&e.id),
            Shown(&e.created),
            Shown(&e.reason),
            Shown(&e.holds())
        )
    }
}

/// `restore`'s closing line: what came of it.
#[derive(Serialize)]
struct Restored<'a> {
    #[serde(skip)]
    entry: &'a BackupEntry,
    #[serde(skip)]
    committed: &'a Committed,
}

impl Body for Restored<'_> {
    fn message(&self) -> String {
        let (id, c) = (&self.entry.id, self.committed);
        if !c.went_ahead() {
            String::new() // the refusal says it
        } else if !c.changed {
            format!("backup {id} is already in place: nothing to change")
        } else if c.dry_run && c.errors == 0 {
            format!("dry run: would restore backup {id}; nothing was written")
        } else if c.dry_run {
            String::new() // the pipeline says what the state would be
        } else {
            super::done(
                &format!("restored backup {id} ({})", self.entry.created),
                "to use it",
                c,
            )
        }
    }
}

pub fn restore(ctx: &Ctx, spec: &str, flags: ChangeArgs) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = ctx.report();
    report.settings_file = Some(site.settings_display());
    if spec.is_empty() {
        return Err(usage(
            "an empty backup id: give an id from `mimmfa backup list`, a unique prefix of one, or `latest`",
        ));
    }
    let _lock = super::begin(&site, flags.dry_run, &mut report)?;
    let store = site.backups();
    let entry = store.find(spec)?;
    report.body(
        &ctx.ui,
        &Restoring {
            restored: &entry.id,
            entry: &entry,
        },
    );
    let restored = store.read_verified(&entry)?;
    let side_files = side_files_to_restore(&site, &store, &entry, &restored, &mut report)?;
    // The current file may be damaged or bloated (often why one restores):
    // its bytes go into the snapshot as they are. A missing file is what
    // Microsoft's "replace MfaSettings.xml with your backup" is for.
    let before = match bounded::read_file(&site.settings, bounded::DAMAGED_SETTINGS_CAP) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            report.warn(format!(
                "{} does not exist; restoring it from the backup",
                site.settings_display()
            ));
            Vec::new()
        }
        Err(e) => {
            return Err(refused(format!(
                "cannot read {}: {e}",
                site.settings_display()
            )));
        }
    };
    let request = Request {
        before,
        after: restored,
        side_files,
        reason: format!("before restore {}", entry.id),
        before_restore: true,
        force: flags.force,
    };
    let committed = super::commit(&site, &ctx.ui, &mut report, request, flags.dry_run)?;
    report.body(
        &ctx.ui,
        &Restored {
            entry: &entry,
            committed: &committed,
        },
    );
    Ok(report)
}

/// The snapshot's files besides the settings, each verified, each to the
/// place the store allows (side_targets: never where the index alone says).
fn side_files_to_restore(
    site: &Site,
    store: &BackupStore,
    entry: &BackupEntry,
    restored: &[u8],
    _report: &mut Report,
) -> Result<Vec<SideFile>> {
    let mut out = Vec::new();
    for (f, target) in side_targets::targets(site, entry, restored) {
        let target = target.map_err(|r| {
            refused(format!(
                "{r}; nothing was restored. `mimmfa backup repair` drops what cannot be trusted"
            ))
        })?;
        let bytes = store
            .read_side(f)
            .map_err(|e| refused(format!("backup {}: {e:#}; nothing was restored", entry.id)))?;
        out.push(SideFile {
            target,
            bytes,
            role: f.role,
            origin: format!("the {} kept in backup {}", f.role.as_str(), entry.id),
        });
    }
    Ok(out)
}
