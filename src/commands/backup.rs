//! `backup`, `backup list`, `backup prune`, `restore`, `diff`.

use crate::change::{self, Plan};
use crate::context::{Ctx, Site};
use crate::error::refused;
use crate::output::{Report, masked_diff};
use crate::secret::sha256_hex;
use anyhow::Result;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};

pub fn backup(ctx: &Ctx, label: Option<&str>, dry_run: bool) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = Report::new("backup");
    report.settings_file = Some(site.settings_display());
    let _lock = change::begin(&site, dry_run, &mut report)?;
    let bytes = site.read_settings()?;
    let store = site.backups();
    if let Some(same) = store.holding(&bytes)? {
        report.backup_file = Some(store.path_of(&same).display().to_string());
        report.msg = format!(
            "already backed up as {} ({}): nothing to do",
            same.id, same.created
        );
        return Ok(report);
    }
    report.changed = true;
    if dry_run {
        report.msg = format!(
            "dry run: would back up {} into {}",
            site.settings_display(),
            store.dir().display()
        );
        return Ok(report);
    }
    let (entry, _) = store.add(&bytes, label, "manual")?;
    let path = store.path_of(&entry).display().to_string();
    report.files_written.push(path.clone());
    report.backup_file = Some(path.clone());
    report.msg = format!("backed up as {} ({path})", entry.id);
    Ok(report)
}

pub fn list(ctx: &Ctx) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = Report::new("backup list");
    report.settings_file = Some(site.settings_display());
    let store = site.backups();
    let current = std::fs::read(&site.settings).ok().map(|b| sha256_hex(&b));
    let backups = store.list()?;
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED).set_header([
        "id", "created", "size", "sha256", "label", "reason", "current",
    ]);
    let mut rows = Vec::new();
    for b in &backups {
        let intact = store.read_verified(b).is_ok();
        let matches = current.as_deref() == Some(b.sha256.as_str());
        table.add_row([
            b.id.clone(),
            b.created.clone(),
            b.size.to_string(),
            format!(
                "{}{}",
                &b.sha256[..12.min(b.sha256.len())],
                if intact { "" } else { " DAMAGED" }
            ),
            b.label.clone().unwrap_or_default(),
            b.reason.clone(),
            if matches { "yes".into() } else { String::new() },
        ]);
        let mut row = serde_json::to_value(b)?;
        row["matches_current"] = matches.into();
        row["intact"] = intact.into();
        rows.push(row);
    }
    report.set("backups", rows);
    if !backups.is_empty() {
        report.line(table.to_string());
    }
    report.msg = format!("{} backup(s) in {}", backups.len(), store.dir().display());
    Ok(report)
}

pub fn prune(ctx: &Ctx, keep: usize, dry_run: bool) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = Report::new("backup prune");
    report.settings_file = Some(site.settings_display());
    let _lock = change::begin(&site, dry_run, &mut report)?;
    let store = site.backups();
    let doomed: Vec<_> = store.list()?.into_iter().skip(keep).collect();
    report.changed = !doomed.is_empty();
    let ids: Vec<&str> = doomed.iter().map(|b| b.id.as_str()).collect();
    report.set("deleted", &ids);
    if dry_run {
        report.msg = format!("dry run: would delete {} backup(s)", doomed.len());
        return Ok(report);
    }
    let removed = store.prune(keep)?;
    report.msg = format!(
        "deleted {} backup(s), kept the newest {keep}",
        removed.len()
    );
    Ok(report)
}

pub fn restore(ctx: &Ctx, spec: &str, dry_run: bool) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = Report::new("restore");
    let _lock = change::begin(&site, dry_run, &mut report)?;
    let store = site.backups();
    let entry = store.find(spec)?;
    let restored = store.read_verified(&entry)?;
    // The current file may be damaged (that is often why one restores):
    // back it up as it is, whatever it holds. A missing file is what
    // Microsoft's "replace MfaSettings.xml with your backup" is for.
    let before = if site.settings.exists() {
        site.read_settings()?
    } else {
        report.warn(format!(
            "{} does not exist; restoring it from the backup",
            site.settings_display()
        ));
        Vec::new()
    };
    let plan = Plan {
        before,
        after: restored,
        side_files: vec![],
        reason: format!("before restore {}", entry.id),
    };
    change::commit(&site, &ctx.ui, &mut report, plan, dry_run)?;
    report.set("restored", &entry.id);
    if report.changed && !dry_run {
        report.msg = format!(
            "restored backup {} ({}); restart the MIM Service (FIMService) to use it",
            entry.id, entry.created
        );
    }
    Ok(report)
}

pub fn diff(ctx: &Ctx, from: &str, to: &str) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = Report::new("diff");
    report.settings_file = Some(site.settings_display());
    let (a, a_name) = version(&site, from)?;
    let (b, b_name) = version(&site, to)?;
    let d = masked_diff(&a, &b, &a_name, &b_name);
    report.human.push_str(&d.unified);
    report.msg = if a == b {
        format!("{a_name} and {b_name} are identical")
    } else {
        String::new()
    };
    report.diff = Some(d);
    Ok(report)
}

fn version(site: &Site, spec: &str) -> Result<(Vec<u8>, String)> {
    if spec == "current" {
        return Ok((site.read_settings()?, site.settings_display()));
    }
    let store = site.backups();
    let entry = store.find(spec)?;
    let bytes = store
        .read_verified(&entry)
        .map_err(|e| refused(format!("{e:#}")))?;
    Ok((bytes, format!("backup {}", entry.id)))
}
