//! Where the CLR finds an assembly that a provider DLL references, as the
//! .NET Framework 4 binds it in the MIM Service: the framework's own
//! assemblies by name and Microsoft's public key tokens; a strong-named
//! reference by name, version (after the binding redirects of
//! `Microsoft.ResourceManagement.Service.exe.config`) and token, in the GAC
//! and then the Service folder (the service's application base); a
//! weak-named one by name only, in the Service folder. Names compare
//! case-insensitively, as the CLR and NTFS compare them.

use crate::formats::binding_config::{Redirect, redirected, redirects};
use crate::formats::bounded::{DLL_CAP, read_file};
use crate::formats::dotnet::{Assembly, AssemblyRef, is_framework_name, read_assembly};
use crate::formats::win_version::Version;
use crate::site::paths::join_rest_as_windows;
use std::path::{Path, PathBuf};

/// The MIM Service's configuration file, beside its executable.
pub const SERVICE_CONFIG: &str = "Microsoft.ResourceManagement.Service.exe.config";
/// Microsoft's public key tokens for the .NET Framework (ECMA, Microsoft,
/// the one later framework assemblies and MIM's own share, and .NET
/// Standard's facade).
pub const MICROSOFT_TOKENS: [&str; 4] = [
    "b77a5c561934e089",
    "b03f5f7f11d50a3a",
    "31bf3856ad364e35",
    "cc7b13ffcd2ddd51",
];
/// How many assemblies a dependency closure reads at most.
pub const MAX_CLOSURE: usize = 64;

/// Where references are looked for: the Service folder, and the GAC when
/// one is known (`--gac DIR`; on Windows the machine's own).
#[derive(Debug, Clone)]
pub struct Binder {
    service_dir: PathBuf,
    gac: Option<PathBuf>,
    redirects: Vec<Redirect>,
}

/// What binding one reference gave.
#[derive(Debug)]
pub enum Binding {
    /// A .NET Framework assembly: the CLR has it.
    Framework,
    Found(PathBuf, Box<Assembly>),
    /// No file of that name where the CLR looks.
    Missing,
    /// The first file of that name is another version or key: the CLR
    /// stops there (FileLoadException).
    Mismatch(PathBuf, String),
    /// A file of that name that is not a .NET assembly.
    Unloadable(PathBuf, String),
    /// A Microsoft-signed assembly not in the folder, and no GAC to look in:
    /// it may well be in the server's GAC.
    Unknown,
}

impl Binder {
    pub fn new(service_dir: &Path, gac: Option<PathBuf>) -> Binder {
        let config = service_dir.join(SERVICE_CONFIG);
        let redirects = read_file(&config, DLL_CAP)
            .map(|b| redirects(&b))
            .unwrap_or_default();
        Binder {
            service_dir: service_dir.to_path_buf(),
            gac: gac.or_else(default_gac),
            redirects,
        }
    }

    pub fn service_dir(&self) -> &Path {
        &self.service_dir
    }

    pub fn gac(&self) -> Option<&Path> {
        self.gac.as_deref()
    }

    pub fn has_gac(&self) -> bool {
        self.gac.is_some()
    }

    /// The version the CLR asks for after the binding redirects.
    pub fn wanted(&self, r: &AssemblyRef) -> Version {
        match &r.public_key_token {
            Some(token) => redirected(&self.redirects, &r.name, token, r.version),
            None => r.version,
        }
    }

    pub fn bind(&self, r: &AssemblyRef) -> Binding {
        let microsoft = r
            .public_key_token
            .as_deref()
            .is_some_and(|t| MICROSOFT_TOKENS.contains(&t));
        if microsoft && is_framework_name(&r.name) {
            return Binding::Framework;
        }
        let wanted = self.wanted(r);
        if let Some(token) = &r.public_key_token {
            for path in self.gac_paths(&r.name, wanted, token) {
                if let Some(b) = self.judge(&path, r, wanted) {
                    return b;
                }
            }
        }
        for path in self.folder_paths(&r.name) {
            if let Some(b) = self.judge(&path, r, wanted) {
                return b;
            }
        }
        if microsoft && !self.has_gac() {
            Binding::Unknown
        } else {
            Binding::Missing
        }
    }

    /// Where the CLR looks for `name`, for the message of a missing one.
    pub fn where_looked(&self, r: &AssemblyRef) -> String {
        let mut places: Vec<String> = Vec::new();
        if let Some(token) = &r.public_key_token {
            match &self.gac {
                Some(gac) => places.push(format!(
                    "the GAC ({}, for {} {token})",
                    gac.display(),
                    self.wanted(r)
                )),
                None => {
                    places.push("the GAC (not known here: --gac DIR names a copy of it)".into())
                }
            }
        }
        let name = &r.name;
        places.push(format!(
            "the Service folder ({}: {name}.dll, {name}.exe, {name}\\{name}.dll, {name}\\{name}.exe)",
            self.service_dir.display()
        ));
        places.join(", then ")
    }

    /// Judge the file at `path` if there is one: `None` to look on.
    fn judge(&self, path: &Path, r: &AssemblyRef, wanted: Version) -> Option<Binding> {
        if !path.is_file() {
            return None;
        }
        let assembly = match read_file(path, DLL_CAP)
            .map_err(|e| e.to_string())
            .and_then(|b| read_assembly(&b).map_err(|e| e.to_string()))
        {
            Ok(a) => a,
            Err(e) => return Some(Binding::Unloadable(path.to_path_buf(), e)),
        };
        let name_ok = assembly
            .name
            .as_deref()
            .is_some_and(|n| n.to_lowercase() == r.name.to_lowercase());
        let mismatch = if !name_ok {
            Some(format!(
                "it is the assembly {}",
                assembly.name.as_deref().unwrap_or("(none)")
            ))
        } else if let Some(token) = &r.public_key_token {
            let version = assembly.version.unwrap_or(Version([0; 4]));
            if assembly.public_key_token.as_deref() != Some(token.as_str()) {
                Some(format!(
                    "it has public key token {}, the reference asks for {token}",
                    assembly.public_key_token.as_deref().unwrap_or("none")
                ))
            } else if version != wanted {
                Some(format!(
                    "it is version {version}, the reference asks for {wanted}{}",
                    if wanted != r.version {
                        format!(" ({} redirected by {SERVICE_CONFIG})", r.version)
                    } else {
                        String::new()
                    }
                ))
            } else {
                None
            }
        } else {
            None
        };
        Some(match mismatch {
            Some(why) => Binding::Mismatch(path.to_path_buf(), why),
            None => Binding::Found(path.to_path_buf(), Box::new(assembly)),
        })
    }

    fn gac_paths(&self, name: &str, version: Version, token: &str) -> Vec<PathBuf> {
        let Some(gac) = &self.gac else {
            return vec![];
        };
        let mut out = Vec::new();
        for arch in ["GAC_MSIL", "GAC_64"] {
            // .NET 4's GAC (`v4.0_1.0.0.0__token`), then 2.0's layout.
            for folder in [
                format!("v4.0_{version}__{token}"),
                format!("{version}__{token}"),
            ] {
                out.extend(join_rest_as_windows(
                    gac,
                    &format!("{arch}\\{name}\\{folder}\\{name}.dll"),
                ));
            }
        }
        out
    }

    fn folder_paths(&self, name: &str) -> Vec<PathBuf> {
        [
            format!("{name}.dll"),
            format!("{name}.exe"),
            format!("{name}\\{name}.dll"),
            format!("{name}\\{name}.exe"),
        ]
        .iter()
        .filter_map(|rel| join_rest_as_windows(&self.service_dir, rel))
        .collect()
    }
}

/// The machine's GAC for .NET 4 assemblies, on the server itself.
#[cfg(windows)]
pub fn default_gac() -> Option<PathBuf> {
    let windir = std::env::var_os("WINDIR")?;
    let gac = PathBuf::from(windir).join("Microsoft.NET").join("assembly");
    gac.is_dir().then_some(gac)
}

#[cfg(not(windows))]
pub fn default_gac() -> Option<PathBuf> {
    None
}
