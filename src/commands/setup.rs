//! `mimmfa setup`: a wizard for the person at the console. It only asks;
//! the work is done by the same functions as `provider set`, `sdk apply`
//! and `restore`, first as a dry run to show the diff, then for real.

use crate::checks::audit::country_code_problem;
use crate::checks::finding::Severity;
use crate::checks::provider_dll;
use crate::checks::provider_dll::Kind;
use crate::checks::sdk_files;
use crate::cli::ChangeArgs;
use crate::context::Ctx;
use crate::error::usage;
use crate::formats::bounded;
use crate::formats::settings_xml::SettingsDoc;
use crate::formats::settings_xml::{DEFAULT_COUNTRY_CODE, USERNAME};
use crate::output::prompt;
use crate::output::prompt::ask;
use crate::output::{Body, Report, Shown, emit, print_stderr};
use anyhow::Result;
use dialoguer::Select;
use serde::Serialize;
use std::path::PathBuf;

const JOBS: [&str; 4] = [
    "Switch to a custom phone provider DLL (recommended since MFA Server's retirement)",
    "Apply an Azure MFA SDK zip (the cloud SDK was retired in 2018)",
    "Restore a backup",
    "Quit without changes",
];

pub fn run(ctx: &Ctx) -> Result<Report> {
    if !ctx.ui.is_human() {
        return Err(usage(
            "setup is the wizard for a person at the console and writes no JSON; in scripts use `mimmfa provider set DLL --json`, `mimmfa sdk apply ZIP --json` or `mimmfa restore ID --json`",
        ));
    }
    if !ctx.ui.can_prompt() {
        return Err(usage(
            "setup is interactive and needs a terminal; in scripts use `mimmfa provider set DLL`, `mimmfa sdk apply ZIP` or `mimmfa restore ID`",
        ));
    }
    // dialoguer hides the cursor while a menu is up; Ctrl-C would end the
    // process with it hidden. Nothing is written before the final answer,
    // so exiting here changes nothing.
    prompt::on_ctrl_c();
    let site = ctx.site()?;
    let doc = site.load()?;
    print_stderr(&format!(
        "MIM Service folder: {}\ncurrent mode:       {}\n",
        Shown(&site.service_dir.display().to_string()),
        doc.mode().as_str()
    ));
    let job = Select::new()
        .with_prompt("What do you want to do?")
        .items(JOBS)
        .default(0)
        .interact_opt()
        .map_err(prompt::interrupted_or)?;
    match job {
        Some(0) => provider(ctx),
        Some(1) => sdk(ctx, &doc),
        Some(2) => restore(ctx),
        _ => Ok(quit(ctx)),
    }
}

/// The wizard's own closing line, when it ends without a command's.
#[derive(Serialize)]
struct Ended {
    #[serde(skip)]
    why: &'static str,
}

impl Body for Ended {
    fn message(&self) -> String {
        self.why.into()
    }
}

fn ended(ctx: &Ctx, why: &'static str) -> Report {
    let mut r = ctx.report();
    r.body(&ctx.ui, &Ended { why });
    r
}

fn quit(ctx: &Ctx) -> Report {
    ended(ctx, "nothing was changed")
}

/// Dry run, show it, confirm, then the real run.
fn preview_then_apply(ctx: &Ctx, apply: impl Fn(bool) -> Result<Report>) -> Result<Report> {
    let mut preview = apply(true)?;
    if preview.failed || !preview.changed {
        return Ok(preview);
    }
    let why = "preview: nothing has been written yet";
    preview.body(&ctx.ui, &Ended { why });
    emit(&ctx.ui, &preview);
    let go = ctx.ui.yes || prompt::confirm("Write these changes?")?;
    if !go {
        return Ok(quit(ctx));
    }
    // A warning is said once per run: the preview has said its own.
    let mut done = apply(false)?;
    done.warnings.retain(|w| !preview.warnings.contains(w));
    Ok(done)
}

fn provider(ctx: &Ctx) -> Result<Report> {
    let Some(dll) = ask(&ctx.ui, "Path of the provider DLL", |s| {
        let path = PathBuf::from(s);
        let bytes = bounded::read_file(&path, bounded::DLL_CAP)
            .map_err(|e| format!("cannot read {s}: {e}"))?;
        let check = provider_dll::check_dll(
            &bytes,
            s,
            Kind::Phone,
            None, // provider set checks again, against the Service folder
        );
        match check.findings.first() {
            Some(f) if !check.ok() => Err(format!("[{}] {}", f.code, f.message)),
            _ => Ok(()),
        }
    }) else {
        return Ok(quit(ctx));
    };
    let dll = PathBuf::from(dll);
    preview_then_apply(ctx, |dry| {
        super::provider::set(
            ctx,
            &dll,
            false,
            ChangeArgs {
                dry_run: dry,
                force: false,
            },
        )
    })
}

fn sdk(ctx: &Ctx, doc: &SettingsDoc) -> Result<Report> {
    let Some(zip) = ask(
        &ctx.ui,
        "Path of the Azure MFA SDK zip (SDK for ASP.net 2.0 C#)",
        |s| {
            let ex = sdk_files::examine(std::path::Path::new(s), 30).map_err(|e| e.to_string())?;
            match ex.findings.iter().find(|f| f.severity == Severity::Error) {
                Some(f) => Err(format!("[{}] {}", f.code, f.message)),
                None => Ok(()),
            }
        },
    ) else {
        return Ok(quit(ctx));
    };
    // Asked here once, so the dry run and the real run do not ask twice.
    let username = (!doc.is_filled(USERNAME))
        .then(|| {
            ask(
                &ctx.ui,
                "Username (any name; e.g. the MIM service account)",
                |s| {
                    if s.is_empty() {
                        Err("a username is needed".into())
                    } else {
                        Ok(())
                    }
                },
            )
        })
        .flatten();
    let country = (!doc.is_filled(DEFAULT_COUNTRY_CODE))
        .then(|| {
            ask(&ctx.ui, "DefaultCountryCode (digits, e.g. 1 or 44)", |s| {
                country_code_problem(s).map_or(Ok(()), Err)
            })
        })
        .flatten();
    let zip = PathBuf::from(zip);
    preview_then_apply(ctx, |dry| {
        super::sdk::apply(
            ctx,
            super::sdk::ApplyArgs {
                zip: &zip,
                username: username.as_deref(),
                country_code: country.as_deref(),
                cert_dir: None,
                change: ChangeArgs {
                    dry_run: dry,
                    force: false,
                },
            },
        )
    })
}

fn restore(ctx: &Ctx) -> Result<Report> {
    let backups = ctx.site()?.backups().list()?;
    if backups.is_empty() {
        return Ok(ended(ctx, "there are no backups to restore"));
    }
    let labels: Vec<String> = backups
        .iter()
        .map(|b| {
            format!(
                "{}  {}  {}  {}",
                Shown(&b.id),
                Shown(&b.created),
                Shown(&b.reason),
                Shown(b.label.as_deref().unwrap_or_default())
            )
        })
        .collect();
    let Some(pick) = Select::new()
        .with_prompt("Which backup?")
        .items(&labels)
        .default(0)
        .interact_opt()
        .map_err(prompt::interrupted_or)?
    else {
        return Ok(quit(ctx));
    };
    let id = backups[pick].id.clone();
    preview_then_apply(ctx, |dry| {
        super::restore::restore(
            ctx,
            &id,
            ChangeArgs {
                dry_run: dry,
                force: false,
            },
        )
    })
}
