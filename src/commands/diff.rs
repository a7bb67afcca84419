//! `diff`: two versions of the MFA state (a snapshot or the current
//! files), the settings masked, the files besides them described.

use super::FileChanges;
use crate::checks::side_summary::{self, copies};
use crate::context::Ctx;
use crate::formats::masked_diff::masked_diff;
use crate::output::{Body, Part, Report, Ui};
use crate::site::Site;
use crate::store::change;
use crate::store::snapshots::{BackupStore, Role, absolute_display};
use anyhow::Result;
use serde::Serialize;

/// One version for `diff`: the settings bytes, the files besides them.
struct Version {
    name: String,
    settings: Vec<u8>,
    files: Vec<(Role, String, Vec<u8>)>,
}

fn version(site: &Site, store: &BackupStore, spec: &str, report: &mut Report) -> Result<Version> {
    if spec == "current" {
        let settings = site.read_settings()?;
        let state = change::capture(site, &settings, &[], &mut report.warnings);
        return Ok(Version {
            name: site.settings_display(),
            settings,
            files: state
                .files
                .into_iter()
                .map(|f| (f.role, absolute_display(&f.path), f.bytes))
                .collect(),
        });
    }
    let entry = store.find(spec)?;
    let settings = store.read_verified(&entry)?;
    let mut files = Vec::new();
    for f in &entry.side_files {
        files.push((f.role, f.path.clone(), store.read_side(f)?));
    }
    Ok(Version {
        name: format!("backup {}", entry.id),
        settings,
        files,
    })
}

/// `diff`'s answer: the side files that differ (`"files"`), and whether
/// the settings do.
#[derive(Serialize)]
struct Compared<'a> {
    #[serde(flatten)]
    files: FileChanges<'a>,
    #[serde(skip)]
    settings_identical: bool,
    /// The settings diff, masked (the envelope's `diff` holds it).
    #[serde(skip)]
    unified: &'a str,
}

impl Body for Compared<'_> {
    /// The settings diff, then the side files.
    fn parts(&self, ui: &Ui) -> Vec<Part> {
        vec![
            Part::Diff(self.unified.to_string()),
            Part::Text(self.files.human(ui)),
        ]
    }

    fn message(&self) -> String {
        let (from, to, files) = (self.files.from, self.files.to, self.files.files.len());
        if self.settings_identical && files == 0 {
            return format!("{from} and {to} are identical");
        }
        let settings = if self.settings_identical {
            "identical"
        } else {
            "differ"
        };
        format!("{from} → {to}: settings {settings}, {files} other file(s) differ")
    }
}

pub fn diff(ctx: &Ctx, from: &str, to: &str) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = ctx.report();
    report.settings_file = Some(site.settings_display());
    let store = site.backups();
    let a = version(&site, &store, from, &mut report)?;
    let b = version(&site, &store, to, &mut report)?;
    let d = masked_diff(&a.settings, &b.settings, &a.name, &b.name);
    let changes = side_summary::changes(
        (&a.settings, &copies(&a.files)),
        (&b.settings, &copies(&b.files)),
    );
    report.body(
        &ctx.ui,
        &Compared {
            files: super::FileChanges {
                from: &a.name,
                to: &b.name,
                files: changes,
            },
            settings_identical: a.settings == b.settings,
            unified: &d.unified,
        },
    );
    report.diff = Some(d);
    Ok(report)
}
