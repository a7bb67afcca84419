//! One module per command; each returns a `Report`.

pub mod backup;
pub mod explain;
pub mod provider;
pub mod sdk;
pub mod setup;
pub mod status;
pub mod validate;

/// Says which Windows path a command writes into the settings file, and
/// warns when it is the stock folder only because nobody named another
/// (off the server, without `--windows-service-dir`): a file built for the
/// wrong layout must not be deployed by accident.
fn say_windows_path(
    site: &crate::context::Site,
    report: &mut crate::output::Report,
    setting: &str,
    path: &str,
) {
    report.line(format!("{setting}: {path}"));
    if site.mapper.is_guessed() {
        report.warn(format!(
            "{setting} is written under the stock Service folder {}; if MIM is installed elsewhere on the server, pass --windows-service-dir",
            site.mapper.windows_service_dir()
        ));
    }
}

/// Takes the locks of a real run (change::begin), telling the user what it
/// met on the way in.
fn begin(
    site: &crate::context::Site,
    dry_run: bool,
    report: &mut crate::output::Report,
) -> anyhow::Result<Option<crate::store::change::Locks>> {
    let begun = crate::store::change::begin(site, dry_run)?;
    report.warnings.extend(begun.warnings);
    Ok(begun.locks)
}

/// The keys the write pipeline adds to a changing command's document: what
/// a dry run would write, or the snapshot a real run took. Its lines are
/// made where they fall among the command's own (commit below).
#[derive(serde::Serialize)]
struct Pipeline<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    would_write: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot: Option<&'a str>,
}

impl crate::output::Body for Pipeline<'_> {}

/// Applies a plan (change::commit) and says what happened: the envelope's
/// `changed`, `diff`, `backup_file`, `files_written` and `snapshot`, and the
/// lines a person reads. Returns the snapshot taken, if any.
fn commit(
    site: &crate::context::Site,
    ui: &crate::output::Ui,
    report: &mut crate::output::Report,
    plan: crate::store::change::Plan,
    dry_run: bool,
) -> anyhow::Result<Option<crate::store::snapshots::BackupEntry>> {
    let utf16 = crate::formats::utf16::is_utf16(&plan.before)
        && !crate::formats::utf16::is_utf16(&plan.after);
    let out = crate::store::change::commit(site, plan, dry_run)?;
    report.settings_file = Some(site.settings_display());
    report.changed = out.changed;
    if utf16 && out.changed {
        // MFA016: mimmfa edits the UTF-8 text of a UTF-16 file.
        report.warn(format!(
            "{} was UTF-16; it {} as UTF-8 (the MIM Service reads both; the snapshot keeps the UTF-16 original)",
            site.settings_display(),
            if dry_run { "would be written" } else { "is written" }
        ));
    }
    if let Some(diff) = &out.diff {
        if dry_run {
            report.answer(&diff.unified); // what a dry run is asked for
        } else if ui.verbose {
            report.human.push_str(&diff.unified);
        }
    }
    report.diff = out.diff;
    if !out.changed {
        report.msg = "nothing to change: the service folder is already as asked".into();
        return Ok(None);
    }
    if dry_run {
        for f in &out.would_write {
            report.line(format!("would write {f}"));
        }
        for p in &out.replaced {
            report.line(format!(
                "would save the existing {} in the backup first",
                p.display()
            ));
        }
        for p in &out.retired {
            report.line(format!(
                "would move {} (the new settings no longer use it) into the backup",
                p.display()
            ));
        }
        report.body(
            ui,
            &Pipeline {
                would_write: Some(&out.would_write),
                snapshot: None,
            },
        );
        report.msg = "dry run: nothing was written".into();
        return Ok(None);
    }
    report.warnings.extend(out.warnings);
    let entry = out.snapshot.map(|(entry, file)| {
        report.backup_file = Some(file.display().to_string());
        report.body(
            ui,
            &Pipeline {
                would_write: None,
                snapshot: Some(&entry.id),
            },
        );
        entry
    });
    let saved_in = entry
        .as_ref()
        .map_or("no backup (there was no settings file)".to_string(), |e| {
            format!("backup {}", e.id)
        });
    for p in &out.replaced {
        report.warn(format!(
            "the existing {} is saved in {saved_in}",
            p.display()
        ));
    }
    report.files_written = out.files_written;
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
    Ok(entry)
}

/// How to undo a change whose state before is `snapshot`.
fn undo_hint(snapshot: &crate::store::snapshots::BackupEntry) -> String {
    format!(
        "The state before is backup {}: `mimmfa restore {}` undoes this.",
        snapshot.id, snapshot.id
    )
}

/// What a change did, and how to undo it.
fn done(what: String, snapshot: Option<crate::store::snapshots::BackupEntry>) -> String {
    match snapshot {
        Some(s) => format!("{what}. {}", undo_hint(&s)),
        None => what,
    }
}
