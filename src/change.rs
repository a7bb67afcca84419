//! The one pipeline every changing command goes through (cli.md "Rules
//! for every changing command"): lock, checks first, idempotency, backup,
//! atomic writes, rollback of side files if the settings write fails.

use crate::context::Site;
use crate::error::refused;
use crate::output::{Report, Ui, masked_diff};
use crate::safe_write::{SettingsLock, acquire_lock, remove_stale_temps, write_atomic};
use crate::secret::sha256_hex;
use anyhow::Result;
use std::fs;
use std::path::PathBuf;

/// A file besides the settings that the change writes (a certificate, a DLL).
pub struct SideFile {
    pub target: PathBuf,
    pub bytes: Vec<u8>,
    /// Holds secrets: owner-only.
    pub secret: bool,
}

pub struct Plan {
    pub before: Vec<u8>,
    pub after: Vec<u8>,
    pub side_files: Vec<SideFile>,
    /// Recorded with the backup, e.g. `before sdk apply`.
    pub reason: String,
}

/// Take the lock for a real run (a dry run touches nothing, not even a lock
/// file), and clear temp files a killed run left behind.
pub fn begin(site: &Site, dry_run: bool, report: &mut Report) -> Result<Option<SettingsLock>> {
    if dry_run {
        return Ok(None);
    }
    if !site.service_dir.is_dir() {
        return Err(refused(format!(
            "the service folder {} does not exist; check --service-dir",
            site.service_dir.display()
        )));
    }
    let lock = acquire_lock(&site.settings)?;
    if let Some(pid) = &lock.took_over_from {
        report.warn(format!(
            "took over a lock left by an earlier mimmfa (pid {pid}) that did not finish"
        ));
    }
    // Temp files a killed run left: beside the settings (the settings file
    // and provider DLLs), and anywhere in the folders only mimmfa writes.
    let settings_name = site
        .settings
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let settings_dir = site.settings.parent().unwrap_or(&site.service_dir);
    let mut stale = remove_stale_temps(settings_dir, |t| {
        t == settings_name || t.to_ascii_lowercase().ends_with(".dll")
    });
    stale.extend(remove_stale_temps(&site.backup_dir, |_| true));
    stale.extend(remove_stale_temps(
        &site.service_dir.join("MfaCerts"),
        |_| true,
    ));
    for t in stale {
        report.warn(format!(
            "removed a temp file left by an interrupted run: {}",
            t.display()
        ));
    }
    Ok(Some(lock))
}

/// Apply `plan` (the caller holds the lock from `begin` and has done every
/// check). Fills `changed`, `diff`, `backup_file`, `files_written`.
pub fn commit(site: &Site, ui: &Ui, report: &mut Report, plan: Plan, dry_run: bool) -> Result<()> {
    report.settings_file = Some(site.settings_display());
    // Each side file that differs from what is there, with what is there
    // (read once: it decides the change and is what gets backed up).
    let side: Vec<(&SideFile, Option<Vec<u8>>)> = plan
        .side_files
        .iter()
        .map(|f| (f, fs::read(&f.target).ok()))
        .filter(|(f, old)| old.as_deref() != Some(f.bytes.as_slice()))
        .collect();
    let settings_change = plan.before != plan.after;
    report.changed = settings_change || !side.is_empty();
    let mut would_write: Vec<String> = side
        .iter()
        .map(|(f, _)| f.target.display().to_string())
        .collect();
    if settings_change {
        let name = site.settings_display();
        let diff = masked_diff(&plan.before, &plan.after, &name, &format!("{name} (new)"));
        if dry_run || ui.verbose {
            report.human.push_str(&diff.unified);
        }
        report.diff = Some(diff);
        would_write.push(site.settings_display());
    }
    if !report.changed {
        report.msg = "nothing to change: the service folder is already as asked".into();
        return Ok(());
    }
    if dry_run {
        for f in &would_write {
            report.line(format!("would write {f}"));
        }
        report.set("would_write", &would_write);
        report.msg = "dry run: nothing was written".into();
        return Ok(());
    }

    let store = site.backups();
    // No settings file (a restore of a deleted one): nothing to back up.
    if site.settings.exists() {
        let (entry, _) = store.add(&plan.before, None, &plan.reason)?;
        report.backup_file = Some(store.path_of(&entry).display().to_string());
    }

    // Side files first, so the settings never name a file not yet there.
    let mut undo: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
    for (f, old) in side {
        if let Some(old) = &old {
            let name = f.target.file_name().unwrap_or_default().to_string_lossy();
            let saved = store.save_side_file(&name, old)?;
            report.warn(format!(
                "the existing {} was saved to {}",
                f.target.display(),
                saved.display()
            ));
        }
        if let Err(e) = write_verified(f) {
            rollback(&undo);
            return Err(e);
        }
        undo.push((f.target.clone(), old));
        report.files_written.push(f.target.display().to_string());
    }
    if settings_change {
        if let Err(e) = write_atomic(&site.settings, &plan.after, true) {
            rollback(&undo);
            return Err(e);
        }
        report.files_written.push(site.settings_display());
    }
    Ok(())
}

/// Write a side file and read it back: the copy must hash like the source.
fn write_verified(f: &SideFile) -> Result<()> {
    if let Some(dir) = f.target.parent() {
        crate::safe_write::create_service_dir(dir)?;
    }
    write_atomic(&f.target, &f.bytes, f.secret)?;
    let back = fs::read(&f.target)?;
    if sha256_hex(&back) != sha256_hex(&f.bytes) {
        return Err(refused(format!(
            "{} did not read back as written",
            f.target.display()
        )));
    }
    Ok(())
}

fn rollback(undo: &[(PathBuf, Option<Vec<u8>>)]) {
    for (path, old) in undo.iter().rev() {
        let _ = match old {
            Some(bytes) => write_atomic(path, bytes, true),
            None => fs::remove_file(path).map_err(Into::into),
        };
    }
}
