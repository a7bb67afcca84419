//! Where the MIM assemblies that define the provider interfaces are: the
//! Service folder, its subfolders, the GAC (`provider contract`,
//! `provider new`, MFA045).

use super::{PHONE_INTERFACE, SMS_INTERFACE};
use crate::formats::bounded;
use crate::formats::dotnet::read_assembly;
use crate::site::paths::join_rest_as_windows;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// An assembly of the Service folder that defines a provider interface.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Contract {
    pub interface: &'static str,
    pub assembly: String,
    pub version: String,
    pub public_key_token: Option<String>,
    pub path: PathBuf,
}

/// The contract assemblies of a folder: every .dll and .exe directly in it
/// (where the CLR probes) that defines IPhoneServiceProvider or
/// ISmsServiceProvider as a public interface. Unreadable files and native
/// DLLs are skipped. Sorted by interface (phone first), Microsoft's own
/// assemblies first (a copy a developer dropped in the folder must not
/// win), then by name.
pub fn find_contracts(dir: &Path) -> Vec<Contract> {
    find_contracts_in(dir, None)
}

/// How deep `provider contract` looks below the Service folder, and how
/// many files it reads at most (a Service folder holds a few hundred).
const CONTRACT_DEPTH: usize = 2;
const MAX_CONTRACT_FILES: usize = 4_000;

/// `find_contracts` in the folder, its subfolders (CONTRACT_DEPTH deep) and
/// the GAC when one is given: the MIM assemblies there
/// (`GAC_MSIL\Microsoft.IdentityManagement.*\<version>__<token>\*.dll`).
pub fn find_contracts_in(dir: &Path, gac: Option<&Path>) -> Vec<Contract> {
    let mut paths = Vec::new();
    assemblies_below(dir, CONTRACT_DEPTH, &mut paths);
    if let Some(gac) = gac {
        for arch in ["GAC_MSIL", "GAC_64"] {
            let Ok(names) = std::fs::read_dir(gac.join(arch)) else {
                continue;
            };
            for name in names.flatten().take(MAX_CONTRACT_FILES) {
                let mim = name
                    .file_name()
                    .to_str()
                    .is_some_and(|n| n.to_lowercase().starts_with("microsoft.identitymanagement"));
                if mim {
                    assemblies_below(&name.path(), 1, &mut paths);
                }
            }
        }
    }
    paths.sort();
    paths.truncate(MAX_CONTRACT_FILES);
    let mut out: Vec<Contract> = paths.iter().flat_map(|p| contracts_in(p)).collect();
    out.sort_by_key(|c| {
        (
            c.interface != PHONE_INTERFACE,
            !c.assembly.starts_with("Microsoft."),
            c.assembly.clone(),
        )
    });
    out
}

/// Every .dll and .exe in `dir` and `depth` levels of folders below it
/// (links to folders are not followed), at most MAX_CONTRACT_FILES.
pub(super) fn assemblies_below(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut folders = Vec::new();
    for e in entries.flatten().take(MAX_CONTRACT_FILES) {
        let Ok(kind) = e.file_type() else { continue };
        let p = e.path();
        if kind.is_dir() {
            // The backup store holds old provider DLLs by hash, not the
            // service's assemblies.
            let store = p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.eq_ignore_ascii_case("MfaBackups") || n.eq_ignore_ascii_case("MfaCerts")
            });
            if !store {
                folders.push(p);
            }
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("dll") || e.eq_ignore_ascii_case("exe"))
        {
            if out.len() >= MAX_CONTRACT_FILES {
                return;
            }
            out.push(p);
        }
    }
    if depth > 0 {
        folders.sort();
        for f in folders {
            assemblies_below(&f, depth - 1, out);
        }
    }
}

pub(super) fn contracts_in(path: &Path) -> Vec<Contract> {
    let Ok(bytes) = bounded::read_file(path, bounded::DLL_CAP) else {
        return vec![];
    };
    let Ok(a) = read_assembly(&bytes) else {
        return vec![];
    };
    [PHONE_INTERFACE, SMS_INTERFACE]
        .into_iter()
        .filter(|i| {
            a.types
                .iter()
                .any(|t| t.is_interface && t.public && t.full_name == *i)
        })
        .map(|interface| Contract {
            interface,
            assembly: a.name.clone().unwrap_or_default(),
            version: a.version.map(|v| v.to_string()).unwrap_or_default(),
            public_key_token: a.public_key_token.clone(),
            path: path.to_path_buf(),
        })
        .collect()
}

/// The MIM Service's own definition of `interface` in `dir`. Fast path: the
/// assembly the DLL references, probed by name as the CLR does, when it is
/// one of Microsoft's; otherwise the whole folder is searched.
pub(super) fn find_contract(
    dir: &Path,
    interface: &str,
    referenced: &str,
    gac: Option<&Path>,
) -> Option<Contract> {
    if referenced.starts_with("Microsoft.") {
        for ext in ["dll", "exe"] {
            let Some(probe) = join_rest_as_windows(dir, &format!("{referenced}.{ext}")) else {
                continue;
            };
            if let Some(c) = contracts_in(&probe)
                .into_iter()
                .find(|c| c.interface == interface)
            {
                return Some(c);
            }
        }
    }
    find_contracts_in(dir, gac)
        .into_iter()
        .find(|c| c.interface == interface)
}
