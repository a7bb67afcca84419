//! Checks of custom provider DLLs (MFA041, MFA042, MFA044–MFA049, MFA070),
//! shared by `provider check`, `provider set` and `validate`, and the search
//! for the MIM assembly that defines the provider interfaces
//! (`provider contract`).
//!
//! The rules are what the CLR needs to create the provider the way the MIM
//! Service presumably does (Assembly.LoadFrom, a public concrete class
//! assignable to the contract interface, Activator.CreateInstance); the
//! harness in tests/clr-oracle checks them against mono.

use crate::checks::catalogue as check;
use crate::checks::clr_binding::{Binder, Binding, MAX_CLOSURE, SERVICE_CONFIG};
use crate::checks::finding::{Finding, Severity};
use crate::formats::bounded;
use crate::formats::dotnet::{
    Assembly, AssemblyRef, InterfaceRef, Platform, Scope, StrongName, TypeInfo, read_assembly,
};
use crate::formats::win_version::Version;
use crate::site::paths::join_rest_as_windows;
use serde::Serialize;
use std::path::{Path, PathBuf};

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

/// Could the MIM Service create `t` as its provider? (why_not holds the
/// creatable-class rules, in the order the CLR meets them.)
fn usable(t: &TypeInfo, kind: Kind) -> bool {
    !t.is_interface && t.implements(kind.interface()) && why_not(t, kind).is_none()
}

/// Why the service could not use a class that implements the interface,
/// in the order the CLR meets the problems; the rank orders the codes.
fn why_not(t: &TypeInfo, kind: Kind) -> Option<(u8, &'static str)> {
    if !t.public {
        Some((0, "not public"))
    } else if t.is_abstract {
        Some((1, "abstract"))
    } else if t.is_generic {
        Some((2, "an open generic"))
    } else if !t.has_default_constructor {
        Some((3, "no public parameterless constructor"))
    } else if kind == Kind::Sms
        && !t
            .interfaces
            .first()
            .is_some_and(|i| i.name == SMS_INTERFACE && matches!(i.scope, Scope::Assembly(_)))
    {
        Some((4, "ISmsServiceProvider is not its first interface"))
    } else {
        None
    }
}

fn no_implementation(a: &Assembly, file: &str, kind: Kind, service_dir: Option<&Path>) -> Finding {
    let interface = kind.interface();
    let short = short_name(interface);
    let candidates: Vec<&TypeInfo> = a
        .types
        .iter()
        .filter(|t| !t.is_interface && t.implements(interface))
        .collect();
    if candidates.is_empty() && a.types.iter().any(|t| t.implements_local_copy(interface)) {
        let home = service_dir
            .and_then(|dir| find_contracts(dir).into_iter().find(|c| c.interface == interface))
            .map(|c| format!("{} ({})", c.assembly, c.path.display()))
            .unwrap_or_else(|| "the MIM assembly that defines it (`mimmfa provider contract` on the server names it)".into());
        return check::MFA045.finding(format!("{file} defines its own {interface}: the CLR sees a different type from the MIM Service's, whatever the name"),
        )
        .hint(format!("delete the copied {short} from the project and reference {home}"));
    }
    if candidates.is_empty() {
        let (code, rule) = match kind {
            Kind::Phone => (
                &check::MFA042,
                format!("no public, non-abstract class implements {interface}"),
            ),
            Kind::Sms => (
                &check::MFA044,
                format!("no public class has {interface} as its FIRST interface"),
            ),
        };
        return code.finding(format!("{file}: {rule}; types found: {}", list_types(a)))
            .hint(format!("make the provider class `public class X : {short}` (not abstract, not internal, not nested in a non-public type)"));
    }
    let reasons: Vec<(u8, String)> = candidates
        .iter()
        .map(|t| {
            let (rank, why) = why_not(t, kind).unwrap_or((0, "not creatable"));
            (rank, format!("{} ({why})", t.full_name))
        })
        .collect();
    let best = reasons.iter().map(|(rank, _)| *rank).max().unwrap_or(0);
    let list = reasons
        .into_iter()
        .map(|(_, r)| r)
        .collect::<Vec<_>>()
        .join(", ");
    let (code, what, hint) = match best {
        0 | 1 => (
            &check::MFA042,
            "no public, non-abstract class implements",
            format!("make the provider class `public class X : {short}` (not abstract, not internal, not nested in a non-public type)"),
        ),
        2 => (
            &check::MFA047,
            "only open generic classes implement",
            "the service has no type argument to give: derive a non-generic `public class X : Gate<Y>` and name that".to_string(),
        ),
        3 => (
            &check::MFA046,
            "no implementation of",
            "the service creates the class with `new X()`: add a public constructor without parameters and read configuration elsewhere".to_string(),
        ),
        _ => (
            &check::MFA044,
            "no public class has as its FIRST interface",
            "list ISmsServiceProvider first: `public class SmsServiceProvider : ISmsServiceProvider, IDisposable`; otherwise the MIM Service fails with \"TypeLoadException: The custom SMS provider DLL does not implement the required interface\"".to_string(),
        ),
    };
    let message = match best {
        3 => format!("{file}: {what} {interface} has a public parameterless constructor: {list}"),
        4.. => format!("{file}: no public class has {interface} as its FIRST interface: {list}"),
        _ => format!("{file}: {what} {interface}: {list}"),
    };
    code.finding(message).hint(hint)
}

/// What comparing the DLL's contract with the Service folder's gave.
enum Compared {
    Same,
    Differs(Finding),
    /// The folder defines no such interface: nothing to compare with.
    NoContract,
}

/// MFA045 for a DLL whose interface comes from another assembly than the
/// MIM Service's own contract (found in the Service folder). Assembly names
/// compare as the CLR compares them, ignoring case: FIM 2010 R2's
/// `SmsServiceProviderContract` and MIM 2016's `SMSServiceProviderContract`
/// are one identity.
fn contract_finding(
    used: &ContractRef,
    file: &str,
    kind: Kind,
    dir: &Path,
    gac: Option<&Path>,
) -> Compared {
    let interface = kind.interface();
    let Some(home) = find_contract(dir, interface, &used.assembly, gac) else {
        return Compared::NoContract;
    };
    let same_key = home.public_key_token == used.public_key_token;
    let same_name = same_assembly_name(&home.assembly, &used.assembly);
    if same_name && same_key {
        return Compared::Same;
    }
    let what = if same_name {
        format!(
            "with public key token {}, but the Service folder's copy has {}",
            used.public_key_token.as_deref().unwrap_or("none"),
            home.public_key_token.as_deref().unwrap_or("none")
        )
    } else {
        format!(
            "but the MIM Service's is {} ({})",
            home.assembly,
            home.path.display()
        )
    };
    Compared::Differs(
        check::MFA045
            .finding(format!(
                "{file} takes {} from {} {what}: to the CLR they are different types",
                short_name(interface),
                used.assembly
            ))
            .hint(format!(
                "reference {} from the Service folder (not a copy of the interface) and rebuild",
                home.path.display()
            )),
    )
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

fn platform_finding(a: &Assembly, file: &str) -> Option<Finding> {
    let what = match a.platform {
        Platform::AnyCpu | Platform::X64 => return None,
        Platform::X86Only => "is built for x86 only (32-bit)".to_string(),
        Platform::Other(m) => format!("is built for another processor (PE machine 0x{m:04x})"),
    };
    Some(
        check::MFA048.finding(format!("{file} {what}: the MIM Service is a 64-bit process and cannot load it (BadImageFormatException)"),
        )
        .hint("build it for Any CPU (Platform target: Any CPU, \"Prefer 32-bit\" off) or x64"),
    )
}

/// What an assembly is built for, from the runtime it references.
enum Target {
    Framework,
    Standard(Version),
    /// .NET Core or .NET 5+, with how it shows.
    Core(String),
}

impl Target {
    fn of(a: &Assembly) -> Target {
        let find = |name: &str| a.references.iter().find(|r| r.name == name);
        if let Some(r) = find("System.Private.CoreLib") {
            Target::Core(format!(
                ".NET Core / .NET (System.Private.CoreLib {})",
                r.version
            ))
        } else if let Some(r) =
            find("System.Runtime").filter(|r| r.version >= Version([5, 0, 0, 0]))
        {
            Target::Core(format!(".NET {}.{}", r.version.0[0], r.version.0[1]))
        } else if let Some(r) = find("netstandard") {
            Target::Standard(r.version)
        } else {
            Target::Framework
        }
    }

    fn describe(&self) -> String {
        match self {
            Target::Framework => ".NET Framework".into(),
            Target::Standard(v) => format!(".NET Standard {}.{}", v.0[0], v.0[1]),
            Target::Core(what) => what.clone(),
        }
    }
}

/// Runtimes the .NET Framework 4 CLR loads: its own metadata version and
/// the older ones it runs in process (1.x, 2.0).
fn framework_loads(runtime_version: &str) -> bool {
    ["v4.0.", "v2.0.", "v1."]
        .iter()
        .any(|p| runtime_version.starts_with(p))
}

fn target_findings(a: &Assembly, file: &str) -> Vec<Finding> {
    let rebuild = "build it as a .NET Framework 4.x class library (<TargetFramework>net472</TargetFramework> or later 4.x), which MIM 2016's service runs";
    let error = |message: String| check::MFA049.finding(message).hint(rebuild);
    if !framework_loads(&a.runtime_version) {
        return vec![error(format!(
            "{file} has metadata version {:?}, which the .NET Framework 4 CLR of the MIM Service cannot load",
            a.runtime_version
        ))];
    }
    match Target::of(a) {
        Target::Framework => vec![],
        Target::Core(what) => vec![error(format!(
            "{file} is built for {what}: the MIM Service runs on .NET Framework 4 and cannot load it"
        ))],
        Target::Standard(v) if v < Version([2, 1, 0, 0]) => vec![
            check::MFA070.finding(format!("{file} is built for .NET Standard {}.{}: the .NET Framework loads it from 4.7.2 on, but every netstandard dependency must then be deployed beside it", v.0[0], v.0[1]),
            )
            .hint(rebuild),
        ],
        Target::Standard(v) => vec![error(format!(
            "{file} is built for .NET Standard {}.{}, which no .NET Framework version implements",
            v.0[0], v.0[1]
        ))],
    }
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
fn assemblies_below(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
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

fn contracts_in(path: &Path) -> Vec<Contract> {
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
fn find_contract(
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
