//! `validate [DIR...]`: the audit before a MIM Service restart, for one
//! folder or a fleet (in parallel, results in the order given).

use crate::checks::audit::{Options, audit_site};
use crate::checks::finding::{Finding, tally};
use crate::cli::ValidateArgs;
use crate::context::{Ctx, Site};
use crate::error::exit;
use crate::formats::pe_version::FileVersion;
use crate::output::{Format, Report, render_findings};
use anyhow::Result;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use serde_json::{Value, json};

pub fn run(ctx: &Ctx, args: &ValidateArgs) -> Result<Report> {
    let opts = Options {
        expiry_warning_days: i64::from(args.expiry_warning_days),
        deep: args.deep,
    };
    let mut dirs = args.dirs.clone();
    if let Some(list) = &args.dirs_from {
        dirs.extend(read_dir_list(list)?);
    }
    let sites: Vec<Site> = if dirs.is_empty() {
        vec![ctx.site()?]
    } else {
        dirs.iter()
            .map(|d| ctx.site_for(d, dirs.len() == 1))
            .collect()
    };
    let fleet = dirs.len() > 1;
    // Progress only for a person watching a long fleet run.
    let progress = fleet
        && ctx.ui.is_human()
        && !ctx.ui.quiet
        && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let results = audit_all(&sites, opts, progress);
    let sarif_doc = (ctx.ui.format == Format::Sarif).then(|| {
        let all: Vec<Finding> = results.iter().flat_map(|r| r.findings.clone()).collect();
        crate::output::sarif::render(&all)
    });

    let mut report = Report::new("validate");
    let (mut errors, mut warnings, mut worst) = (0, 0, exit::OK);
    let mut docs = Vec::new();
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_header(["folder", "errors", "warnings", "result"]);
    for (
        site,
        Audited {
            findings,
            mim_build,
        },
    ) in sites.iter().zip(&results)
    {
        let (e, w) = tally(findings);
        let code = if e > 0 || (args.strict && w > 0) {
            exit::FINDINGS
        } else {
            exit::OK
        };
        worst = worst.max(code);
        errors += e;
        warnings += w;
        if fleet {
            report.line(format!("== {}", site.service_dir.display()));
            docs.push(folder_doc(site, findings, *mim_build, e, w));
            table.add_row([
                site.service_dir.display().to_string(),
                e.to_string(),
                w.to_string(),
                if code == exit::OK {
                    "ok".into()
                } else {
                    "FAIL".into()
                },
            ]);
        }
        report.answer(&render_findings(&ctx.ui, findings));
    }
    if fleet {
        report.line(table.to_string());
        report.set("results", docs);
        report.set(
            "summary",
            json!({"folders": sites.len(), "errors": errors, "warnings": warnings}),
        );
    } else {
        report.settings_file = Some(sites[0].settings_display());
        report.set("mim_build", build_json(results[0].mim_build));
        report.findings = results
            .into_iter()
            .next()
            .map(|r| r.findings)
            .unwrap_or_default();
    }
    report.exit = worst;
    let verdict = if worst == exit::OK {
        "ok to restart the MIM Service"
    } else {
        "fix the errors before restarting the MIM Service"
    };
    report.msg = format!(
        "{} folder(s): {errors} error(s), {warnings} warning(s): {verdict}",
        sites.len()
    );
    report.raw = sarif_doc;
    Ok(report)
}

/// Folders listed one per line (blank lines and `#` comments skipped), in
/// UTF-8 with or without a BOM, or UTF-16 with a BOM (what PowerShell 5.1's
/// `>` writes).
fn read_dir_list(list: &std::path::Path) -> Result<Vec<std::path::PathBuf>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let read = if list.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        crate::formats::bounded::read_file(list, crate::formats::bounded::INDEX_CAP)
            .map(|b| bytes = b)
    };
    let cannot = |e: &dyn std::fmt::Display| {
        crate::error::refused(format!(
            "cannot read the folder list {}: {e}",
            list.display()
        ))
    };
    read.map_err(|e| cannot(&e))?;
    let text = decode_list(&bytes).map_err(|e| cannot(&e))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(std::path::PathBuf::from)
        .collect())
}

fn decode_list(bytes: &[u8]) -> std::result::Result<String, String> {
    let utf16 = |be: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if be {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| "it is not valid UTF-16".to_string())
    };
    match bytes {
        [0xFF, 0xFE, ..] => utf16(false),
        [0xFE, 0xFF, ..] => utf16(true),
        [0xEF, 0xBB, 0xBF, rest @ ..] => {
            String::from_utf8(rest.to_vec()).map_err(|_| "it is not valid UTF-8".into())
        }
        _ => String::from_utf8(bytes.to_vec())
            .map_err(|_| "it is not UTF-8 (save it as UTF-8, or UTF-16 with a BOM)".into()),
    }
}

/// Audit each folder on all cores; results keep the order given.
fn audit_all(sites: &[Site], opts: Options, progress: bool) -> Vec<Audited> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let done = AtomicUsize::new(0);
    let tick = || {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        if progress && (n.is_multiple_of(25) || n == sites.len()) {
            let end = if n == sites.len() { "\n" } else { "" };
            crate::output::print_stderr(&format!("\rvalidated {n}/{} folders{end}", sites.len()));
        }
    };
    // One folder needs no thread pool, nor the cgroup reads that counting
    // the cores costs.
    let workers = if sites.len() <= 1 {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(sites.len())
    };
    if workers == 1 {
        return sites
            .iter()
            .map(|s| {
                let found = audited(s, opts);
                tick();
                found
            })
            .collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<Audited>>> =
        sites.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(site) = sites.get(i) else { break };
                    let found = audited(site, opts);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(found);
                    }
                    tick();
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| slot.into_inner().ok().flatten().unwrap_or_default())
        .collect()
}

fn folder_doc(
    site: &Site,
    findings: &[Finding],
    mim_build: Option<FileVersion>,
    errors: usize,
    warnings: usize,
) -> Value {
    let mut r = Report::new("validate");
    r.settings_file = Some(site.settings_display());
    r.findings = findings.to_vec();
    r.failed = false;
    r.msg = format!("{errors} error(s), {warnings} warning(s)");
    let mut v = serde_json::to_value(&r).unwrap_or(Value::Null);
    v["service_dir"] = site.service_dir.display().to_string().into();
    v["mim_build"] = build_json(mim_build);
    v
}

/// The MIM build as JSON: the file version, or null when unknown.
fn build_json(build: Option<FileVersion>) -> Value {
    build.map(|b| b.to_string()).into()
}

/// What `validate` keeps of one folder's audit.
#[derive(Default)]
struct Audited {
    findings: Vec<Finding>,
    mim_build: Option<FileVersion>,
}

fn audited(site: &Site, opts: Options) -> Audited {
    let a = audit_site(site, opts);
    Audited {
        findings: a.findings,
        mim_build: a.mim_build,
    }
}
