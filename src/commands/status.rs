//! `mimmfa status`: what the service folder is set to, at a glance.

use crate::context::Ctx;
use crate::formats::secret::{is_secret_name, mask};
use crate::output::Report;
use crate::store::snapshots::{WayBack, way_back};
use anyhow::Result;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use serde_json::{Map, Value};

pub fn run(ctx: &Ctx) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = Report::new("status");
    report.settings_file = Some(site.settings_display());
    let bytes = site.read_settings()?;
    let doc = site.parse(bytes.clone())?;
    let mode = doc.mode();
    report.set("mode", mode.as_str());

    let mut settings = Map::new();
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_header(["setting", "value", "line"]);
    for el in doc.elements() {
        let shown = if is_secret_name(&el.name) && !ctx.ui.show_secrets {
            mask(&el.value)
        } else {
            el.value.clone()
        };
        table.add_row([el.name.clone(), shown.clone(), el.line.to_string()]);
        settings.insert(el.name.clone(), Value::String(shown));
    }
    report.set("settings", settings);

    // What the settings point at, audited from the bytes read above.
    let audit = crate::checks::audit::audit_read(
        &site,
        Ok(bytes.clone()),
        crate::checks::audit::Options::default(),
    );
    let build = audit.mim_build;
    report.set("mim_build", build.map(|b| b.to_string()));
    let cert = audit.certificate;
    report.set("certificate", &cert);
    let provider = audit.provider.as_ref().map(|p| {
        serde_json::json!({
            "file": p.file.display().to_string(),
            "assembly": p.check.assembly,
            "classes": p.check.implementations.join(", "),
            "sha256": p.sha256,
        })
    });
    report.set("provider", &provider);
    let (errors, warnings) = crate::checks::finding::tally(&audit.findings);
    report.set(
        "validation",
        serde_json::json!({"errors": errors, "warnings": warnings}),
    );

    // A damaged index does not stop the overview: `validate` (counted
    // above) reports it as MFA062, and this says how to fix it.
    let store = site.backups();
    let index = store.load().ok();
    let own = index.as_deref().map(|index| store.own(index));
    let latest = own.as_deref().and_then(crate::store::snapshots::latest_of);
    let current_sha = crate::formats::secret::sha256_hex(&bytes);
    let way = own.as_deref().map(|own| way_back(own, &current_sha));
    let backup = latest.as_ref().map(|b| {
        serde_json::json!({
            "id": b.id, "created": b.created, "file": store.path_of(b),
            "holds": b.holds(),
            "matches_current": b.sha256 == current_sha,
        })
    });
    report.set("latest_backup", &backup);

    report.line(format!("settings: {}", site.settings_display()));
    report.line(format!("mode:     {}", mode.as_str()));
    report.line(match build {
        Some(b) => format!("MIM build: {b}"),
        None => format!(
            "MIM build: unknown (no versioned {} in the Service folder)",
            crate::checks::audit::MIM_SERVICE_EXE
        ),
    });
    report.line(table.to_string());
    if let Some(c) = &cert {
        report.line(format!(
            "certificate: {} (expires {})",
            c.subject, c.not_after
        ));
    }
    if let Some(p) = &provider {
        report.line(format!(
            "provider:    {} ({})",
            p["file"].as_str().unwrap_or(""),
            p["classes"].as_str().unwrap_or("")
        ));
    }
    report.line(format!(
        "validation:  {errors} error(s), {warnings} warning(s) (`mimmfa validate` for details)"
    ));
    report.line(match &way {
        None => "backups: index.json is damaged (MFA062): run `mimmfa backup repair`".into(),
        Some(WayBack::NoSnapshot) => "backups: none yet: run `mimmfa backup` before changing anything".into(),
        Some(WayBack::Held(id)) => format!("backups: backup {id} holds the current file"),
        Some(WayBack::WrittenAfter(id)) => format!(
            "backups: mimmfa wrote the current file; backup {id} holds the state before (`mimmfa restore {id}`)"
        ),
        Some(WayBack::ChangedSince(id)) => format!(
            "backups: the file was changed outside mimmfa since backup {id}: run `mimmfa backup`"
        ),
    });
    if let Some(b) = latest.as_ref().filter(|b| b.sha256 != current_sha) {
        report.line(format!(
            "`mimmfa restore latest` would bring back backup {} ({}, {})",
            b.id, b.created, b.reason
        ));
    }
    report.msg = format!("mode {}", mode.as_str());
    report.msg_shown = true; // the "mode:" line above
    Ok(report)
}
