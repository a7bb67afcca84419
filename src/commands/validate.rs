//! `validate [DIR...]`: the audit before a MIM Service restart, for one
//! folder or a fleet (in parallel, results in the order given).

use crate::checks::audit::{Options, audit_site};
use crate::checks::catalogue::Check;
use crate::checks::finding::Severity;
use crate::checks::finding::{Finding, tally};
use crate::cli::ValidateArgs;
use crate::context::Ctx;
use crate::error;
use crate::error::exit;
use crate::formats::bounded;
use crate::formats::win_version::Version;
use crate::output;
use crate::output::sarif;
use crate::output::{Body, Format, Part, Report, Ui};
use crate::site::Site;
use anyhow::Result;
use serde::Serialize;

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
        sarif::render(&all)
    });

    let mut report = ctx.report();
    let (mut errors, mut warnings, mut worst) = (0, 0, exit::OK);
    let mut folders = Vec::new();
    for (site, audited) in sites.iter().zip(results) {
        // Not proved is not "ok": said beside the verdict.
        report.warnings.extend(
            audited
                .notes
                .iter()
                .map(|n| format!("{}: {n}", site.settings_display())),
        );
        let (e, w) = tally(&audited.findings);
        let code = if e > 0 || (args.strict && w > 0) {
            exit::FINDINGS
        } else {
            exit::OK
        };
        worst = worst.max(code);
        errors += e;
        warnings += w;
        folders.push(Folder {
            command: ctx.command,
            site,
            audited,
            errors: e,
            warnings: w,
            ok: code == exit::OK,
        });
    }
    if fleet || args.summary {
        report.body(
            &ctx.ui,
            &Fleet {
                summary: Summary {
                    folders: sites.len(),
                    errors,
                    warnings,
                },
                results: folders,
            },
        );
    } else if let Some(one) = folders.pop() {
        report.settings_file = Some(one.site.settings_display());
        report.body(
            &ctx.ui,
            &One {
                mim_build: one.audited.mim_build.map(|b| b.to_string()),
                findings: &one.audited.findings,
                passed: &one.audited.passed,
            },
        );
        report.findings = one.audited.findings;
    }
    report.exit = worst;
    report.body(
        &ctx.ui,
        &Verdict {
            folders: sites.len(),
            errors,
            warnings,
            ok: worst == exit::OK,
        },
    );
    if let Some(doc) = sarif_doc {
        report.replace_with(doc);
    }
    Ok(report)
}

/// Folders listed one per line (blank lines and `#` comments skipped), in
/// UTF-8 with or without a BOM, or UTF-16 with a BOM (what PowerShell 5.1's
/// `>` writes).
fn read_dir_list(list: &std::path::Path) -> Result<Vec<std::path::PathBuf>> {
    let mut bytes = Vec::new();
    let read = if list.as_os_str() == "-" {
        bounded::read_capped(std::io::stdin(), bounded::INDEX_CAP).map(|b| bytes = b)
    } else {
        bounded::read_file(list, bounded::INDEX_CAP).map(|b| bytes = b)
    };
    let cannot = |e: &dyn std::fmt::Display| {
        error::refused(format!(
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
            output::print_stderr(&format!("\rvalidated {n}/{} folders{end}", sites.len()));
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

/// The closing line: the totals, and whether the MIM Service may be
/// restarted.
#[derive(Serialize)]
struct Verdict {
    #[serde(skip)]
    folders: usize,
    #[serde(skip)]
    errors: usize,
    #[serde(skip)]
    warnings: usize,
    #[serde(skip)]
    ok: bool,
}

impl Body for Verdict {
    fn message(&self) -> String {
        let verdict = if self.ok {
            "ok to restart the MIM Service"
        } else {
            "fix the errors before restarting the MIM Service"
        };
        format!(
            "{} folder(s): {} error(s), {} warning(s): {verdict}",
            self.folders, self.errors, self.warnings
        )
    }
}

/// One folder's audit and verdict.
struct Folder<'a> {
    /// The command whose envelope each folder gets (`validate`).
    command: &'static str,
    site: &'a Site,
    audited: Audited,
    errors: usize,
    warnings: usize,
    ok: bool,
}

/// A fleet's folder in JSON: an envelope of its own, with where it is.
impl Serialize for Folder<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Doc {
            #[serde(flatten)]
            envelope: Report,
            service_dir: String,
            mim_build: Option<String>,
        }
        let tally = format!("{} error(s), {} warning(s)", self.errors, self.warnings);
        let mut envelope = Report::with_msg(self.command, tally);
        envelope.settings_file = Some(self.site.settings_display());
        envelope.findings = self.audited.findings.clone();
        Doc {
            envelope,
            service_dir: self.site.service_dir.display().to_string(),
            mim_build: self.audited.mim_build.map(|b| b.to_string()),
        }
        .serialize(s)
    }
}

/// One folder: the findings are the envelope's; the body adds the build.
#[derive(Serialize)]
struct One<'a> {
    mim_build: Option<String>,
    #[serde(skip)]
    findings: &'a [Finding],
    #[serde(skip)]
    passed: &'a [&'static Check],
}

impl Body for One<'_> {
    fn parts(&self, _: &Ui) -> Vec<Part> {
        vec![
            Part::Findings {
                findings: self.findings.to_vec(),
                detail: false,
            },
            Part::Passed(self.passed.to_vec()),
        ]
    }
}

#[derive(Serialize)]
struct Summary {
    folders: usize,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct Fleet<'a> {
    results: Vec<Folder<'a>>,
    summary: Summary,
}

impl Body for Fleet<'_> {
    /// One line per folder, in the order given: its
    /// verdict and codes (300 folders are 300 lines, not 4,000); `-v` puts
    /// each folder's findings under its name first.
    fn parts(&self, ui: &Ui) -> Vec<Part> {
        let mut parts = Vec::new();
        for f in &self.results {
            if ui.verbose {
                parts.push(Part::Text(format!(
                    "== {}\n",
                    output::printable(&f.site.service_dir.display().to_string())
                )));
            }
            parts.push(Part::Findings {
                findings: f.audited.findings.clone(),
                detail: true,
            });
        }
        let mut out = String::new();
        for f in &self.results {
            let mut codes: Vec<&str> = f.audited.findings.iter().map(|x| x.code).collect();
            codes.sort_unstable();
            codes.dedup();
            let verdict = match (f.ok, f.errors, f.warnings) {
                (false, _, _) => ui.paint("FAIL    ", Severity::Error),
                (true, _, w) if w > 0 => ui.paint("warnings", Severity::Warning),
                _ => "ok      ".to_string(),
            };
            let codes = if codes.is_empty() {
                String::new()
            } else {
                format!("  {}", codes.join(" "))
            };
            out.push_str(&format!(
                "{verdict}  {}{codes}\n",
                output::printable(&f.site.service_dir.display().to_string())
            ));
        }
        parts.push(Part::Text(out));
        parts
    }
}

/// What `validate` keeps of one folder's audit.
#[derive(Default)]
struct Audited {
    findings: Vec<Finding>,
    mim_build: Option<Version>,
    passed: Vec<&'static Check>,
    /// What the provider check could not prove (DllCheck::notes).
    notes: Vec<String>,
}

fn audited(site: &Site, opts: Options) -> Audited {
    let a = audit_site(site, opts);
    Audited {
        findings: a.findings,
        mim_build: a.mim_build,
        passed: a.passed,
        notes: a.provider.map(|p| p.check.notes).unwrap_or_default(),
    }
}
