//! `provider new`: a C# project for a custom phone (or SSPR SMS) provider,
//! made for the contract assembly the Service folder holds, so the faults
//! `provider check` finds (a copied interface, no parameterless
//! constructor, x86, .NET 5+, the SMS first-interface rule) are not made
//! when the project is created.

mod project_template;

use crate::checks::provider_dll::{Contract, Kind, find_contracts, short_name};
use crate::context::Ctx;
use crate::error::{refused, usage};
use crate::output::{Body, Report, Ui, printable};
use crate::store::safe_write;
use anyhow::Result;
use project_template::Project;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What the project is, as `"project"` in JSON and a few lines of text.
#[derive(Serialize)]
struct Made<'a> {
    project: Facts<'a>,
    /// The files, and whether this was a dry run.
    #[serde(skip_serializing_if = "Option::is_none")]
    would_write: Option<&'a [String]>,
    #[serde(skip)]
    wrote: Option<&'a [String]>,
    /// Where the gateway call is to be written.
    #[serde(skip)]
    source: String,
}

#[derive(Serialize)]
struct Facts<'a> {
    name: &'a str,
    kind: &'static str,
    dir: String,
    dll: String,
    class: String,
    interface: &'static str,
    contract: ContractFacts<'a>,
}

#[derive(Serialize)]
struct ContractFacts<'a> {
    assembly: &'a str,
    version: &'a str,
    public_key_token: Option<&'a str>,
    path: String,
}

impl Body for Made<'_> {
    fn human(&self, _: &Ui) -> String {
        let p = &self.project;
        let c = &p.contract;
        let mut out = format!(
            "project: {} ({} provider {}, class {})\ncontract: {}, Version={}, PublicKeyToken={}\n  {}\n",
            p.name,
            p.kind,
            p.dll,
            p.class,
            printable(c.assembly),
            printable(c.version),
            c.public_key_token.unwrap_or("null"),
            printable(&c.path)
        );
        if let Some(files) = self.would_write {
            for f in files {
                out.push_str(&format!("would write {}\n", printable(f)));
            }
        }
        for f in self.wrote.unwrap_or_default() {
            out.push_str(&format!("wrote {}\n", printable(f)));
        }
        out
    }

    fn message(&self) -> String {
        if self.would_write.is_some() {
            return "dry run: nothing was written".into();
        }
        format!(
            "made {}: write the gateway call in {}, then follow its README.md (build, Test-Provider.ps1, `mimmfa provider check`)",
            printable(&self.project.dir),
            printable(&self.source)
        )
    }
}

pub fn run(ctx: &Ctx, name: &str, sms: bool, out: Option<&Path>, dry_run: bool) -> Result<Report> {
    project_template::check_name(name).map_err(usage)?;
    let kind = if sms { Kind::Sms } else { Kind::Phone };
    let site = ctx.site()?;
    let contract = contract_in(&site.service_dir, kind)?;
    let mut report = ctx.report();
    let target = out.map_or_else(|| PathBuf::from(name), Path::to_path_buf);
    refuse_unless_empty(&target)?;

    let hint_path = std::path::absolute(&contract.path)?.display().to_string();
    let windows_path = site
        .mapper
        .to_windows(&contract.path)
        .unwrap_or_else(|| hint_path.clone());
    let project = Project {
        name,
        kind,
        contract: &contract,
        hint_path: &hint_path,
        contract_windows_path: &windows_path,
        windows_service_dir: site.mapper.windows_service_dir(),
    };
    let files = project.files().map_err(refused)?;
    if site.mapper.is_guessed() {
        report.warn(format!(
            "README.md and Test-Provider.ps1 name the stock Service folder {}; if MIM is installed elsewhere on the server, pass --windows-service-dir",
            site.mapper.windows_service_dir()
        ));
    }
    let paths: Vec<String> = files
        .iter()
        .map(|(rel, _)| target.join(rel).display().to_string())
        .collect();
    let facts = Facts {
        name,
        kind: if sms { "sms" } else { "phone" },
        dir: target.display().to_string(),
        dll: format!("{}.dll", project.assembly()),
        class: project.class(),
        interface: kind.interface(),
        contract: ContractFacts {
            assembly: &contract.assembly,
            version: &contract.version,
            public_key_token: contract.public_key_token.as_deref(),
            path: hint_path.clone(),
        },
    };
    report.changed = true;
    let source = target.join(project.source_file()).display().to_string();
    if dry_run {
        report.body(
            &ctx.ui,
            &Made {
                project: facts,
                would_write: Some(&paths),
                wrote: None,
                source,
            },
        );
        return Ok(report);
    }
    safe_write::write_new_dir(&target, &files)?;
    report.body(
        &ctx.ui,
        &Made {
            project: facts,
            would_write: None,
            wrote: Some(&paths),
            source,
        },
    );
    report.files_written = paths;
    Ok(report)
}

/// The Service folder's own assembly defining the interface (Microsoft's
/// first, as `provider contract` lists them).
fn contract_in(dir: &Path, kind: Kind) -> Result<Contract> {
    if !dir.is_dir() {
        return Err(refused(format!(
            "{} is not a folder: give the MIM Service folder with -s",
            dir.display()
        )));
    }
    find_contracts(dir)
        .into_iter()
        .find(|c| c.interface == kind.interface())
        .ok_or_else(|| {
            refused(format!(
                "no assembly in {} defines {}: is it the MIM Service folder, with MIM 2016 SP1 hotfix 4.5.202.0 or later? (`mimmfa provider contract` lists what it finds); nothing was written",
                dir.display(),
                short_name(kind.interface())
            ))
        })
}

/// A project goes into a new folder or an empty one, never over files
/// someone has (exit 3, nothing written). Its parent must exist: a typo in
/// --out should not make a tree of folders.
fn refuse_unless_empty(target: &Path) -> Result<()> {
    let shown = printable(&target.display().to_string());
    match std::fs::symlink_metadata(target) {
        Ok(m) if m.file_type().is_symlink() => Err(refused(format!(
            "{shown} is a symbolic link: give a new folder with --out; nothing was written"
        ))),
        Ok(m) if !m.is_dir() => Err(refused(format!(
            "{shown} exists and is not a folder: give a new folder with --out; nothing was written"
        ))),
        Ok(_) => {
            let entries = std::fs::read_dir(target)
                .map_err(|e| refused(format!("cannot read {shown}: {e}")))?
                .count();
            if entries > 0 {
                return Err(refused(format!(
                    "{shown} exists and is not empty ({entries} entries): give a new folder with --out, or empty it; nothing was written"
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let parent = match target.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            if parent.is_dir() {
                Ok(())
            } else {
                Err(refused(format!(
                    "the folder {} does not exist: create it first, or give another --out; nothing was written",
                    printable(&parent.display().to_string())
                )))
            }
        }
        Err(e) => Err(refused(format!("cannot look at {shown}: {e}"))),
    }
}
