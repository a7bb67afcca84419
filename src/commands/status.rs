//! `mimmfa status`: what the service folder is set to, at a glance.

use crate::checks::audit;
use crate::checks::audit::MIM_SERVICE_EXE;
use crate::checks::audit::Options;
use crate::checks::catalogue::Check;
use crate::checks::finding;
use crate::context::Ctx;
use crate::formats::pkcs12::CertInfo;
use crate::formats::secret;
use crate::formats::secret::{is_secret_name, mask};
use crate::output;
use crate::output::{Body, Part, Report, Shown, Ui};
use crate::store::snapshots;
use crate::store::snapshots::{WayBack, way_back};
use anyhow::Result;
use serde::{Serialize, Serializer};
use std::path::PathBuf;

/// The status document (docs/json.md, `status`).
#[derive(Serialize)]
struct Status {
    #[serde(skip)]
    settings_file: String,
    mode: &'static str,
    /// In file order; JSON has them as name → value.
    #[serde(serialize_with = "by_name")]
    settings: Vec<Setting>,
    mim_build: Option<String>,
    certificate: Option<CertInfo>,
    provider: Option<Provider>,
    validation: Counts,
    latest_backup: Option<LatestBackup>,
    /// What the backups say about the current file (`None`: index damaged).
    #[serde(skip)]
    way_back: Option<WayBack>,
    /// The checks that found nothing (`-v`).
    #[serde(skip)]
    passed: Vec<&'static Check>,
}

struct Setting {
    name: String,
    /// Masked unless `--show-secrets`.
    shown: String,
    line: usize,
}

fn by_name<S: Serializer>(settings: &[Setting], s: S) -> Result<S::Ok, S::Error> {
    let map: std::collections::BTreeMap<&str, &str> = settings
        .iter()
        .map(|e| (e.name.as_str(), e.shown.as_str()))
        .collect();
    map.serialize(s)
}

#[derive(Serialize)]
struct Provider {
    file: String,
    assembly: Option<String>,
    classes: String,
    sha256: String,
}

#[derive(Serialize)]
struct Counts {
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct LatestBackup {
    id: String,
    created: String,
    file: PathBuf,
    holds: String,
    matches_current: bool,
    #[serde(skip)]
    reason: String,
}

impl Body for Status {
    fn message(&self) -> String {
        format!("mode {}", self.mode)
    }

    fn message_in_text(&self) -> bool {
        true // the "mode:" line says it
    }

    fn human(&self, ui: &Ui) -> String {
        let mut lines = vec![
            format!("settings: {}", Shown(&self.settings_file)),
            format!("mode:     {}", self.mode),
            match &self.mim_build {
                Some(b) => format!("MIM build: {b}"),
                None => format!(
                    "MIM build: unknown (no versioned {MIM_SERVICE_EXE} in the Service folder)"
                ),
            },
        ];
        let rows = self
            .settings
            .iter()
            .map(|e| vec![e.name.clone(), e.shown.clone(), e.line.to_string()])
            .collect();
        let table = output::render_table(ui, &["setting", "value", "line"], &[0, 2], rows);
        lines.push(table.trim_end().to_string());
        if let Some(c) = &self.certificate {
            lines.push(format!(
                "certificate: {} (expires {})",
                Shown(&c.subject),
                c.not_after
            ));
        }
        if let Some(p) = &self.provider {
            lines.push(format!(
                "provider:    {} ({})",
                Shown(&p.file),
                Shown(&p.classes)
            ));
        }
        let Counts { errors, warnings } = self.validation;
        lines.push(format!(
            "validation:  {errors} error(s), {warnings} warning(s) (`mimmfa validate` for details)"
        ));
        lines.push(match &self.way_back {
            None => "backups: index.json is damaged (MFA062): run `mimmfa backup repair`".into(),
            Some(WayBack::NoSnapshot) => {
                "backups: none yet: run `mimmfa backup` before changing anything".into()
            }
            Some(WayBack::Held(id)) => format!("backups: backup {id} holds the current file"),
            Some(WayBack::WrittenAfter(id)) => format!(
                "backups: mimmfa wrote the current file; backup {id} holds the state before (`mimmfa restore {id}`)"
            ),
            Some(WayBack::ChangedSince(id)) => format!(
                "backups: the file was changed outside mimmfa since backup {id}: run `mimmfa backup`"
            ),
        });
        if let Some(b) = self.latest_backup.as_ref().filter(|b| !b.matches_current) {
            lines.push(format!(
                "`mimmfa restore latest` would bring back backup {} ({}, {})",
                Shown(&b.id),
                Shown(&b.created),
                Shown(&b.reason)
            ));
        }
        // The table fits already; the lines around it wrap to the console.
        let text: String = lines
            .iter()
            .map(|l| match l.contains('\n') {
                true => format!("{l}\n"),
                false => format!("{}\n", output::fit_line(l, ui.columns)),
            })
            .collect();
        text
    }

    fn parts(&self, ui: &Ui) -> Vec<Part> {
        vec![
            Part::Text(self.human(ui)),
            Part::Passed(self.passed.clone()),
        ]
    }
}

pub fn run(ctx: &Ctx) -> Result<Report> {
    let site = ctx.site()?;
    let bytes = site.read_settings()?;
    let doc = site.parse(&bytes)?;
    let settings = doc
        .elements()
        .iter()
        .map(|el| Setting {
            name: el.name.clone(),
            shown: if is_secret_name(&el.name) && !ctx.ui.show_secrets {
                mask(&el.value)
            } else {
                el.value.clone()
            },
            line: el.line,
        })
        .collect();

    // What the settings point at, audited from the bytes read above.
    let audit = audit::audit_read(&site, Ok(bytes.clone()), Options::default());
    let (errors, warnings) = finding::tally(&audit.findings);

    // A damaged index does not stop the overview: `validate` (counted
    // above) reports it as MFA062, and this says how to fix it.
    let store = site.backups();
    let index = store.load().ok();
    let own = index.as_deref().map(|index| store.own(index));
    let latest = own.as_deref().and_then(snapshots::latest_of);
    let current_sha = secret::sha256_hex(&bytes);
    let status = Status {
        settings_file: site.settings_display(),
        mode: doc.mode().as_str(),
        settings,
        mim_build: audit.mim_build.map(|b| b.to_string()),
        certificate: audit.certificate,
        provider: audit.provider.map(|p| Provider {
            file: p.file.display().to_string(),
            assembly: p.check.assembly,
            classes: p.check.implementations.join(", "),
            sha256: p.sha256,
        }),
        validation: Counts { errors, warnings },
        passed: audit.passed,
        latest_backup: latest.as_ref().map(|b| LatestBackup {
            id: b.id.clone(),
            created: b.created.clone(),
            file: store.path_of(b),
            holds: b.holds(),
            matches_current: b.sha256 == current_sha,
            reason: b.reason.clone(),
        }),
        way_back: own.as_deref().map(|own| way_back(own, &current_sha)),
    };
    let mut report = ctx.report();
    report.settings_file = Some(status.settings_file.clone());
    report.body(&ctx.ui, &status);
    Ok(report)
}
