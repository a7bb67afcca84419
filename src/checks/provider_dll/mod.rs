//! Checks of custom provider DLLs (MFA041, MFA042, MFA044–MFA049, MFA070),
//! shared by `provider check`, `provider set` and `validate`, and the search
//! for the MIM assembly that defines the provider interfaces
//! (`provider contract`).
//!
//! The rules are what the CLR needs to create the provider the way the MIM
//! Service presumably does (Assembly.LoadFrom, a public concrete class
//! assignable to the contract interface, Activator.CreateInstance); the
//! harness in tests/clr-oracle checks them against mono.

mod class_rules;
mod contract_match;
mod contract_search;
mod target_runtime;

pub use contract_search::{Contract, find_contracts, find_contracts_in};

use crate::checks::catalogue as check;
use crate::checks::clr_binding::{Binder, Binding, MAX_CLOSURE, SERVICE_CONFIG};
use crate::checks::finding::{Finding, Severity};
use crate::formats::dotnet::{
    Assembly, AssemblyRef, InterfaceRef, Platform, Scope, StrongName, read_assembly,
};
use class_rules::{no_implementation, usable};
use contract_match::{Compared, contract_finding};
use serde::Serialize;
use std::path::Path;
use target_runtime::{Target, platform_finding, target_findings};

pub const PHONE_INTERFACE: &str =
    "Microsoft.IdentityManagement.PhoneServiceProvider.IPhoneServiceProvider";
pub const SMS_INTERFACE: &str =
    "Microsoft.IdentityManagement.SmsServiceProvider.ISmsServiceProvider";
/// The SSPR SMS provider's fixed file name in the service folder.
pub const SMS_DLL_NAME: &str = "SmsServiceProvider.dll";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Phone,
    Sms,
}

impl Kind {
    pub fn interface(self) -> &'static str {
        match self {
            Kind::Phone => PHONE_INTERFACE,
            Kind::Sms => SMS_INTERFACE,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ClassSummary {
    pub name: String,
    pub public: bool,
    #[serde(rename = "abstract")]
    pub is_abstract: bool,
    pub generic: bool,
    pub default_constructor: bool,
    pub interfaces: Vec<String>,
}

/// The assembly a DLL takes the provider interface from.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ContractRef {
    pub assembly: String,
    pub version: String,
    pub public_key_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct DllCheck {
    pub assembly: Option<String>,
    pub version: Option<String>,
    /// "signed", "delay-signed" or "none".
    pub strong_name: Option<StrongName>,
    pub public_key_token: Option<String>,
    /// "AnyCPU", "x64", "x86" or "machine 0x....".
    pub platform: Option<Platform>,
    /// ".NET Framework", ".NET Standard 2.0", ".NET 5.0"...
    pub target_framework: Option<String>,
    pub references: Vec<String>,
    /// Where the provider interface comes from; `None` when no class
    /// implements it from another assembly.
    pub contract: Option<ContractRef>,
    /// Classes MIM could load as the provider.
    pub implementations: Vec<String>,
    pub classes: Vec<ClassSummary>,
    /// What could not be proved, and why (no Service folder to compare
    /// the contract with, a Microsoft assembly only the GAC would hold).
    pub notes: Vec<String>,
    #[serde(skip)]
    pub findings: Vec<Finding>,
}

impl DllCheck {
    pub fn ok(&self) -> bool {
        self.findings.iter().all(|f| f.severity != Severity::Error)
    }
}

/// Checks a provider DLL. `service_dir` is the MIM Service's folder, where
/// the CLR resolves the DLL's references: when given, the contract the DLL
/// references is compared with the one the folder holds.
pub fn check_dll(bytes: &[u8], file: &str, kind: Kind, service_dir: Option<&Path>) -> DllCheck {
    let binder = service_dir.map(|d| Binder::new(d, None));
    check_dll_with(bytes, file, kind, binder.as_ref())
}

/// `check_dll` with the references bound by `binder` (its Service folder,
/// and a GAC when one is known); `None`: a lone DLL, nothing to bind in.
pub fn check_dll_with(bytes: &[u8], file: &str, kind: Kind, binder: Option<&Binder>) -> DllCheck {
    let service_dir = binder.map(Binder::service_dir);
    let assembly = match read_assembly(bytes) {
        Ok(a) => a,
        Err(e) => {
            let f = check::MFA041.finding(format!("{file}: {e}"))
                .file(file)
                .hint("build the provider as a .NET Framework class library (C# project, Output type: Class Library)");
            return DllCheck {
                findings: vec![f],
                ..DllCheck::default()
            };
        }
    };
    let mut notes = Vec::new();
    let assembly = with_external_bases(assembly, binder, &mut notes);
    let mut check = summarize(&assembly, kind);
    let mut findings = target_findings(&assembly, file);
    findings.extend(platform_finding(&assembly, file));
    check.implementations = assembly
        .types
        .iter()
        .filter(|t| usable(t, kind))
        .map(|t| t.full_name.clone())
        .collect();
    if check.implementations.is_empty() {
        findings.push(no_implementation(&assembly, file, kind, service_dir));
    } else if let (Some(contract), Some(dir)) = (&check.contract, service_dir) {
        let gac = binder.and_then(Binder::gac);
        match contract_finding(contract, file, kind, dir, gac) {
            Compared::Differs(f) => findings.push(f),
            Compared::Same => {}
            Compared::NoContract => notes.push(format!(
                "the contract {} was not compared: the Service folder {} (and its subfolders) holds no assembly defining {}",
                contract.assembly,
                dir.display(),
                kind.interface()
            )),
        }
    } else if check.contract.is_some() {
        notes.push(format!(
            "the contract {} was not compared with the MIM Service's: no Service folder here (-s names one)",
            check.contract.as_ref().map_or("", |c| c.assembly.as_str())
        ));
    }
    // A DLL for another runtime (MFA049) or .NET Standard (MFA070, which
    // speaks of its dependencies) references that runtime's assemblies:
    // binding them as .NET Framework ones says nothing more.
    let other_runtime = findings
        .iter()
        .any(|f| f.code == check::MFA049.code || f.code == check::MFA070.code);
    match binder {
        Some(_) if other_runtime => {}
        Some(binder) => findings.extend(closure_findings(&assembly, &check, file, binder, &mut notes)),
        None if !assembly.references.is_empty() => notes.push(
            "its references were not bound: no Service folder here (-s names one), so whether the CLR finds its dependencies is not known".into(),
        ),
        None => {}
    }
    for f in &mut findings {
        f.file = Some(file.to_string());
    }
    check.findings = findings;
    check.notes = notes;
    check
}

/// Each type's interfaces inherited from base classes in other assemblies
/// (`class DerivedGate : Contoso.Base.PhoneBase`), found where the CLR
/// finds those assemblies; a base defined in the assembly itself is read
/// already. Interfaces the base's assembly defines itself are, to the
/// provider, types of that assembly.
fn with_external_bases(
    mut a: Assembly,
    binder: Option<&Binder>,
    notes: &mut Vec<String>,
) -> Assembly {
    const MAX_DEPTH: usize = 16;
    let references = a.references.clone();
    for t in &mut a.types {
        let mut next = t.external_base.clone();
        let mut refs = references.clone();
        for _ in 0..MAX_DEPTH {
            let Some(base) = next.take() else { break };
            let Scope::Assembly(home) = &base.scope else {
                break;
            };
            let Some(r) = refs
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(home))
                .cloned()
            else {
                break;
            };
            let Some(binder) = binder else {
                notes.push(format!(
                    "{} derives from {} in {}, not looked at: no Service folder here (-s names one)",
                    t.full_name, base.name, r.name
                ));
                break;
            };
            let Binding::Found(_, other) = binder.bind(&r) else {
                break;
            };
            let Some(def) = other
                .types
                .iter()
                .find(|d| d.full_name == base.name && d.public)
            else {
                break;
            };
            let owner = other.name.clone().unwrap_or_default();
            t.inherited_interfaces
                .extend(def.all_interfaces().map(|i| InterfaceRef {
                    name: i.name.clone(),
                    scope: match &i.scope {
                        Scope::Here => Scope::Assembly(owner.clone()),
                        s => s.clone(),
                    },
                }));
            next = def.external_base.clone();
            refs = other.references.clone();
        }
    }
    a
}

/// MFA071 for every assembly of the DLL's dependency closure that the CLR
/// would not bind; a Microsoft assembly that only a GAC could hold, with
/// no GAC to look in, is noted instead. The contract reference is MFA045's.
fn closure_findings(
    a: &Assembly,
    check: &DllCheck,
    file: &str,
    binder: &Binder,
    notes: &mut Vec<String>,
) -> Vec<Finding> {
    let contract = check.contract.as_ref().map(|c| c.assembly.to_lowercase());
    let mut seen: std::collections::HashSet<String> =
        a.name.iter().map(|n| n.to_lowercase()).collect();
    let mut queue: std::collections::VecDeque<(String, AssemblyRef)> = a
        .references
        .iter()
        .filter(|r| Some(r.name.to_lowercase()) != contract)
        .map(|r| (file.to_string(), r.clone()))
        .collect();
    let mut out = Vec::new();
    let mut read = 0;
    while let Some((by, r)) = queue.pop_front() {
        if !seen.insert(r.name.to_lowercase()) {
            continue;
        }
        let identity = format!(
            "{}, Version={}, PublicKeyToken={}",
            r.name,
            r.version,
            r.public_key_token.as_deref().unwrap_or("null")
        );
        let problem = match binder.bind(&r) {
            Binding::Framework => continue,
            Binding::Unknown => {
                notes.push(format!("{identity} (referenced by {by}) is not in the Service folder; a Microsoft assembly, it may be in the server's GAC, which is not known here (--gac DIR names a copy of it)"));
                continue;
            }
            Binding::Found(path, other) => {
                read += 1;
                if read < MAX_CLOSURE {
                    let by = path.display().to_string();
                    queue.extend(other.references.iter().map(|r| (by.clone(), r.clone())));
                }
                continue;
            }
            Binding::Missing => {
                format!("is not found: the CLR looks in {}", binder.where_looked(&r))
            }
            Binding::Mismatch(path, why) => format!("does not bind to {}: {why}", path.display()),
            Binding::Unloadable(path, why) => {
                format!("cannot be loaded from {}: {why}", path.display())
            }
        };
        out.push(
            check::MFA071
                .finding(format!("{by} references {identity}, which {problem}; the MIM Service fails to create the provider (FileNotFoundException / FileLoadException)"))
                .hint(format!("copy {}.dll, the version it was built against, into the Service folder (or install it in the GAC); for another version of a strong-named assembly, add a bindingRedirect to {}", r.name, SERVICE_CONFIG)),
        );
    }
    out
}

/// Assembly simple names as the CLR compares them (invariant culture,
/// ignoring case).
pub fn same_assembly_name(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

/// `IPhoneServiceProvider` for the full name.
pub fn short_name(interface: &str) -> &str {
    interface.rsplit('.').next().unwrap_or(interface)
}

fn summarize(a: &Assembly, kind: Kind) -> DllCheck {
    let interface = kind.interface();
    let contract = a
        .types
        .iter()
        .flat_map(|t| t.all_interfaces())
        .find_map(|i| match &i.scope {
            Scope::Assembly(name) if i.name == interface => Some(name),
            _ => None,
        })
        .map(|name| {
            let r = a.references.iter().find(|r| &r.name == name);
            ContractRef {
                assembly: name.clone(),
                version: r.map(|r| r.version.to_string()).unwrap_or_default(),
                public_key_token: r.and_then(|r| r.public_key_token.clone()),
            }
        });
    DllCheck {
        assembly: a.name.clone(),
        version: a.version.map(|v| v.to_string()),
        strong_name: Some(a.strong_name),
        public_key_token: a.public_key_token.clone(),
        platform: Some(a.platform),
        target_framework: Some(Target::of(a).describe()),
        references: a.references.iter().map(|r| r.name.clone()).collect(),
        contract,
        classes: a
            .types
            .iter()
            .filter(|t| !t.is_interface)
            .map(|t| ClassSummary {
                name: t.full_name.clone(),
                public: t.public,
                is_abstract: t.is_abstract,
                generic: t.is_generic,
                default_constructor: t.has_default_constructor,
                interfaces: t.all_interfaces().map(|i| i.name.clone()).collect(),
            })
            .collect(),
        ..DllCheck::default()
    }
}

fn list_types(a: &Assembly) -> String {
    const MAX: usize = 10;
    let names: Vec<&str> = a.types.iter().map(|t| t.full_name.as_str()).collect();
    match names.len() {
        0 => "none".into(),
        n if n > MAX => format!("{} and {} more", names[..MAX].join(", "), n - MAX),
        _ => names.join(", "),
    }
}

/// Which check applies to a DLL by its file name.
pub fn kind_for(file_name: &str, force_sms: bool) -> Kind {
    if force_sms || file_name.eq_ignore_ascii_case(SMS_DLL_NAME) {
        Kind::Sms
    } else {
        Kind::Phone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dotnet/");

    fn codes(bytes: &[u8]) -> Vec<&'static str> {
        check_dll(bytes, "x.dll", Kind::Phone, None)
            .findings
            .iter()
            .map(|f| f.code)
            .collect()
    }

    /// The metadata version string the runtime reads first: one the .NET
    /// Framework 4 CLR does not know is refused, same length so the rest of
    /// the real file stays as mcs wrote it.
    #[test]
    fn an_unknown_metadata_version_is_mfa049() {
        let good = std::fs::read(format!("{FIX}CustomPhoneGate.dll")).unwrap();
        assert_eq!(codes(&good), Vec::<&str>::new());
        let at = good
            .windows(10)
            .position(|w| w == b"v4.0.30319")
            .expect("mcs writes v4.0.30319");
        let mut bad = good.clone();
        bad[at..at + 10].copy_from_slice(b"v9.9.99999");
        assert_eq!(codes(&bad), vec!["MFA049"]);
        bad[at..at + 10].copy_from_slice(b"v2.0.50727");
        assert_eq!(codes(&bad), Vec::<&str>::new(), "CLR 4 runs 2.0 assemblies");
    }
}
