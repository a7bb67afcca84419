//! `provider check | set | clear`: the custom phone provider path.

use super::Committed;
use crate::checks::clr_binding;
use crate::checks::clr_binding::Binder;
use crate::checks::finding::tally;
use crate::checks::provider_dll;
use crate::checks::provider_dll::{
    DllCheck, Kind, PHONE_INTERFACE, SMS_INTERFACE, check_dll_with, find_contracts_in, kind_for,
};
use crate::cli::ChangeArgs;
use crate::context::Ctx;
use crate::error::{exit, refused};
use crate::formats::bounded;
use crate::formats::dotnet::StrongName;
use crate::formats::settings_xml::*;
use crate::output::{Body, Part, Report, Ui, printable};
use crate::site::Site;
use crate::store::change;
use crate::store::plan::{Request, SideFile};
use crate::store::snapshots::Role;
use anyhow::Result;
use serde::Serialize;
use std::path::{Path, PathBuf};

fn read_dll(path: &Path) -> Result<Vec<u8>> {
    bounded::read_file(path, bounded::DLL_CAP)
        .map_err(|e| refused(format!("cannot read {}: {e}", path.display())))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// What the DLL is, as `"assembly"` in JSON and a few lines of text.
#[derive(Serialize)]
struct Assembly<'a> {
    assembly: &'a DllCheck,
    /// `provider check`'s answer: the DLL judged as this kind of provider.
    #[serde(skip)]
    judged_as: Option<(&'a Path, Kind)>,
}

impl Body for Assembly<'_> {
    fn human(&self, _: &Ui) -> String {
        let check = self.assembly;
        let mut lines = Vec::new();
        if let Some(name) = &check.assembly {
            let mut facts = vec![name.clone()];
            facts.extend(check.version.as_ref().map(|v| format!("version {v}")));
            facts.extend(check.platform.map(|p| p.to_string()));
            facts.extend(check.target_framework.clone());
            facts.extend(check.strong_name.map(|s| match s {
                StrongName::None => "not strong-named".to_string(),
                other => format!("strong name: {other}"),
            }));
            lines.push(format!("assembly: {}", facts.join(", ")));
        }
        if let Some(c) = &check.contract {
            let token = c.public_key_token.as_deref().unwrap_or("null");
            lines.push(format!(
                "contract: {} {} (PublicKeyToken={token})",
                c.assembly, c.version
            ));
        }
        for class in &check.implementations {
            lines.push(format!("provider class: {class}"));
        }
        lines.iter().map(|l| format!("{l}\n")).collect()
    }

    /// What it is, then what its checks found.
    fn parts(&self, ui: &Ui) -> Vec<Part> {
        vec![
            Part::Text(self.human(ui)),
            Part::Findings {
                findings: self.assembly.findings.clone(),
                detail: false,
            },
        ]
    }

    fn message(&self) -> String {
        let Some((dll, kind)) = self.judged_as else {
            return String::new();
        };
        let what = if kind == Kind::Sms {
            "SMS provider"
        } else {
            "phone provider"
        };
        let (errors, warnings) = tally(&self.assembly.findings);
        if errors > 0 {
            format!(
                "{} cannot be used as the MIM {what}: {errors} error(s), {warnings} warning(s)",
                dll.display()
            )
        } else {
            format!("{} looks usable as the MIM {what}", dll.display())
        }
    }
}

pub fn check(ctx: &Ctx, dll: &Path, sms: bool) -> Result<Report> {
    let mut report = ctx.report();
    let bytes = read_dll(dll)?;
    let kind = kind_for(&file_name(dll), sms);
    // The contract is compared with the Service folder's when there is one
    // here; an auditor checking a lone DLL still gets every other check.
    let service_dir = ctx.service_dir().ok().filter(|d| d.is_dir());
    let binder = service_dir.map(|d| Binder::new(&d, ctx.gac()));
    let check = check_dll_with(&bytes, &dll.display().to_string(), kind, binder.as_ref());
    report.body(
        &ctx.ui,
        &Assembly {
            assembly: &check,
            judged_as: Some((dll, kind)),
        },
    );
    // What could not be proved is said, not silently skipped.
    report.warnings.extend(check.notes.iter().cloned());
    if !check.ok() {
        report.exit = exit::FINDINGS;
    }
    report.findings = check.findings;
    Ok(report)
}

/// `provider set`: the path written into CustomPhoneProvider. A person
/// reads it before the diff (say_windows_path), so it renders nothing here.
#[derive(Serialize)]
struct Switched<'a> {
    custom_phone_provider: &'a str,
    #[serde(skip)]
    committed: &'a Committed,
}

impl Body for Switched<'_> {
    fn message(&self) -> String {
        super::done(
            &format!("CustomPhoneProvider is now {}", self.custom_phone_provider),
            "to use it",
            self.committed,
        )
    }
}

/// `provider clear`: its keys are the pipeline's.
#[derive(Serialize)]
struct Cleared<'a> {
    #[serde(skip)]
    committed: &'a Committed,
}

impl Body for Cleared<'_> {
    fn message(&self) -> String {
        super::done(
            "CustomPhoneProvider emptied",
            "with no phone provider",
            self.committed,
        )
    }
}

pub fn set(ctx: &Ctx, dll: &Path, no_copy: bool, flags: ChangeArgs) -> Result<Report> {
    let (force, dry_run) = (flags.force, flags.dry_run);
    let site = ctx.site()?;
    let mut report = ctx.report();
    let _lock = super::begin(&site, dry_run, &mut report)?;
    let bytes = read_dll(dll)?;
    let check = check_dll_with(
        &bytes,
        &dll.display().to_string(),
        Kind::Phone,
        Some(&Binder::new(&site.service_dir, site.gac.clone())),
    );
    report.body(
        &ctx.ui,
        &Assembly {
            assembly: &check,
            judged_as: None,
        },
    );
    if !check.ok() {
        report.findings = check.findings;
        if !force {
            report.refuse(format!(
                "{} failed its checks (see above); nothing was changed. Fix the DLL, or pass --force to switch anyway",
                dll.display()
            ));
            return Ok(report);
        }
        report.warn("--force: switching to a DLL that failed its checks");
    }

    let before = site.read_settings()?;
    let (target, side_files) = placement(&site, &before, dll, bytes, no_copy)?;
    let windows_path = site.mapper.to_windows(&target).ok_or_else(|| {
        refused(format!(
            "{} is outside the service folder {}; with --no-copy run this on the MIM server, or drop --no-copy to copy the DLL in",
            target.display(),
            site.service_dir.display()
        ))
    })?;
    super::say_windows_path(&ctx.ui, &mut report, CUSTOM_PHONE_PROVIDER, &windows_path);
    if !site.mapper.is_in_service_dir(&windows_path) {
        report.warn(format!("[MFA043] {windows_path} is not in the Service folder; Microsoft's procedure puts the DLL there"));
    }

    let doc = site.parse(&before)?;
    let cleared: Vec<&str> = SDK_SETTINGS
        .iter()
        .copied()
        .filter(|n| doc.is_filled(n))
        .collect();
    let mut edit = doc.edit();
    for name in SDK_SETTINGS {
        edit.clear(name)?;
    }
    if doc.get(LOCMFA).is_some() {
        edit.set(LOCMFA, "false")?;
    }
    edit.clear(LOCMFASRV)?;
    edit.set(CUSTOM_PHONE_PROVIDER, &windows_path)?;
    let after = site.finish(edit)?;
    if !cleared.is_empty() {
        let (verb, kept) = if dry_run {
            ("would clear", "")
        } else {
            ("cleared", " (the backup keeps them)")
        };
        report.warn(format!(
            "{verb} the Azure MFA SDK entries {}{kept}",
            cleared.join(", ")
        ));
    }
    let request = Request {
        before: before.clone(),
        after,
        side_files,
        reason: "before provider set".into(),
        before_restore: false,
        force,
    };
    let committed = super::commit(&site, &ctx.ui, &mut report, request, dry_run)?;
    super::warn_if_guessed(
        &site,
        &mut report,
        &committed,
        &before,
        CUSTOM_PHONE_PROVIDER,
        &windows_path,
    );
    report.body(
        &ctx.ui,
        &Switched {
            custom_phone_provider: &windows_path,
            committed: &committed,
        },
    );
    Ok(report)
}

/// Where the DLL will live, and the copy to make (none when it is already
/// there). A copy never overwrites the DLL the current settings use
/// (change::place): the settings rename stays the one commit point.
fn placement(
    site: &Site,
    current: &[u8],
    dll: &Path,
    bytes: Vec<u8>,
    no_copy: bool,
) -> Result<(PathBuf, Vec<SideFile>)> {
    let source = std::path::absolute(dll)?;
    if no_copy {
        return Ok((source, vec![]));
    }
    let target = site.service_dir.join(file_name(dll));
    let same_file = match (source.canonicalize(), target.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same_file {
        return Ok((target, vec![]));
    }
    let target = change::place(site, current, Role::Provider, target, &bytes, true);
    Ok((
        target.clone(),
        vec![SideFile {
            target,
            bytes,
            role: Role::Provider,
            origin: format!("a copy of {}, checked above", dll.display()),
        }],
    ))
}

pub fn clear(ctx: &Ctx, flags: ChangeArgs) -> Result<Report> {
    let dry_run = flags.dry_run;
    let site = ctx.site()?;
    let mut report = ctx.report();
    let _lock = super::begin(&site, dry_run, &mut report)?;
    let before = site.read_settings()?;
    let doc = site.parse(&before)?;
    let mut edit = doc.edit();
    edit.clear(CUSTOM_PHONE_PROVIDER)?;
    let after = site.finish(edit)?;
    let request = Request {
        before,
        after,
        side_files: vec![],
        reason: "before provider clear".into(),
        before_restore: false,
        force: flags.force,
    };
    let committed = super::commit(&site, &ctx.ui, &mut report, request, dry_run)?;
    report.body(
        &ctx.ui,
        &Cleared {
            committed: &committed,
        },
    );
    Ok(report)
}

/// One assembly of the Service folder that defines a provider interface.
#[derive(Serialize)]
struct Row<'a> {
    interface: &'a str,
    assembly: &'a str,
    version: &'a str,
    public_key_token: Option<&'a str>,
    path: String,
    windows_path: Option<String>,
    reference: String,
}

#[derive(Serialize)]
struct Contracts<'a> {
    #[serde(skip)]
    service_dir: String,
    contracts: Vec<Row<'a>>,
}

impl Body for Contracts<'_> {
    /// Per interface: the reference a project needs and where the file is.
    fn human(&self, _: &Ui) -> String {
        let mut out = String::new();
        for interface in [PHONE_INTERFACE, SMS_INTERFACE] {
            let short = provider_dll::short_name(interface);
            let mine: Vec<&Row> = self
                .contracts
                .iter()
                .filter(|r| r.interface == interface)
                .collect();
            if mine.is_empty() {
                out.push_str(&format!(
                    "{short}: no assembly in {} defines it\n",
                    printable(&self.service_dir)
                ));
            }
            for r in mine {
                // Names and paths come from the files: escaped.
                out.push_str(&format!("{short}: {}\n", printable(&r.reference)));
                out.push_str(&format!(
                    "  {}\n",
                    printable(r.windows_path.as_deref().unwrap_or(&r.path))
                ));
            }
        }
        out
    }

    fn message(&self) -> String {
        match self
            .contracts
            .iter()
            .find(|r| r.interface == PHONE_INTERFACE)
        {
            Some(r) => format!(
                "reference {} in the provider project (copy the DLL from the server, Copy Local: false), then run `mimmfa provider check`",
                r.assembly
            ),
            None => format!(
                "no assembly in {} defines {PHONE_INTERFACE}: is it the MIM Service folder, with MIM 2016 SP1 hotfix 4.5.202.0 or later?",
                self.service_dir
            ),
        }
    }
}

/// `provider contract`: which assemblies of the Service folder define the
/// provider interfaces, with what a project reference needs (name, version,
/// public key token) and where the file is.
pub fn contract(ctx: &Ctx) -> Result<Report> {
    let site = ctx.site()?;
    let dir = &site.service_dir;
    if !dir.is_dir() {
        return Err(refused(format!(
            "{} is not a folder: give the MIM Service folder with -s",
            dir.display()
        )));
    }
    let mut report = ctx.report();
    // The folder, its subfolders, and the GAC (--gac, or the machine's).
    let gac = ctx.gac().or_else(clr_binding::default_gac);
    let found = find_contracts_in(dir, gac.as_deref());
    let rows: Vec<Row> = found
        .iter()
        .map(|c| {
            let token = c.public_key_token.as_deref().unwrap_or("null");
            Row {
                interface: c.interface,
                assembly: &c.assembly,
                version: &c.version,
                public_key_token: c.public_key_token.as_deref(),
                path: c.path.display().to_string(),
                windows_path: site.mapper.to_windows(&c.path),
                reference: format!(
                    "{}, Version={}, Culture=neutral, PublicKeyToken={token}",
                    c.assembly, c.version
                ),
            }
        })
        .collect();
    for interface in [PHONE_INTERFACE, SMS_INTERFACE] {
        let copies = rows.iter().filter(|r| r.interface == interface).count();
        if copies > 1 {
            report.warn(format!(
                "{copies} assemblies define {}; the MIM Service uses its own (Microsoft's comes first above), a copy beside it only confuses the CLR",
                provider_dll::short_name(interface)
            ));
        }
    }
    if !rows.iter().any(|r| r.interface == PHONE_INTERFACE) {
        report.exit = exit::FINDINGS;
    }
    report.body(
        &ctx.ui,
        &Contracts {
            service_dir: dir.display().to_string(),
            contracts: rows,
        },
    );
    Ok(report)
}
