//! `backup adopt`: claim another host's or path's snapshots (a renamed
//! server, a moved Service folder).

use crate::commands::begin;
use crate::context::Ctx;
use crate::output::{Body, Report, Shown};
use crate::store::snapshots::{INDEX_FILE, Source};
use anyhow::Result;
use serde::Serialize;

/// `backup adopt`: the snapshots claimed for this settings file.
#[derive(Serialize)]
struct Adopted<'a> {
    adopted: &'a [String],
    /// Whose they were ("PATH on HOST"), and whose they become.
    #[serde(skip)]
    from: String,
    #[serde(skip)]
    to: &'a Source,
    #[serde(skip)]
    dry_run: bool,
}

impl Body for Adopted<'_> {
    fn message(&self) -> String {
        let (n, from) = (self.adopted.len(), &self.from);
        let (path, host) = (&self.to.settings_path, &self.to.host);
        if n == 0 {
            format!(
                "no backup of {from} to adopt (`mimmfa backup list --all` shows every backup with its host)"
            )
        } else if self.dry_run {
            format!(
                "dry run: would adopt {n} backup(s) of {from} for {path} on {host}; nothing was written"
            )
        } else {
            format!(
                "adopted {n} backup(s) of {from}: they are now {path}'s on {host} (`mimmfa restore latest` uses them)"
            )
        }
    }
}

pub fn adopt(ctx: &Ctx, from_host: &str, from_path: Option<&str>, dry_run: bool) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = ctx.report();
    report.settings_file = Some(site.settings_display());
    let _lock = begin(&site, dry_run, &mut report)?;
    let store = site.backups();
    let from_path = from_path
        .unwrap_or(&store.source().settings_path)
        .to_string();
    let ids = store.adoptable(from_host, &from_path)?;
    let adopted = Adopted {
        adopted: &ids,
        from: format!("{} on {}", Shown(&from_path), Shown(from_host)),
        to: store.source(),
        dry_run,
    };
    if ids.is_empty() || dry_run {
        report.changed = !ids.is_empty();
        report.body(&ctx.ui, &adopted);
        return Ok(report);
    }
    report.changed = true;
    let (lock, _) = store.lock()?;
    store.adopt(&lock, from_host, &from_path)?;
    report
        .files_written
        .push(store.dir().join(INDEX_FILE).display().to_string());
    report.body(&ctx.ui, &adopted);
    Ok(report)
}
