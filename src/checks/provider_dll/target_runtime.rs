//! What the DLL is built for (platform, runtime, framework), and whether
//! the MIM Service's .NET Framework 4 CLR can load it.

use crate::checks::catalogue as check;
use crate::checks::finding::Finding;
use crate::formats::dotnet::{Assembly, Platform};
use crate::formats::win_version::Version;

pub(super) fn platform_finding(a: &Assembly, file: &str) -> Option<Finding> {
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
pub(super) enum Target {
    Framework,
    Standard(Version),
    /// .NET Core or .NET 5+, with how it shows.
    Core(String),
}

impl Target {
    pub(super) fn of(a: &Assembly) -> Target {
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

    pub(super) fn describe(&self) -> String {
        match self {
            Target::Framework => ".NET Framework".into(),
            Target::Standard(v) => format!(".NET Standard {}.{}", v.0[0], v.0[1]),
            Target::Core(what) => what.clone(),
        }
    }
}

/// Runtimes the .NET Framework 4 CLR loads: its own metadata version and
/// the older ones it runs in process (1.x, 2.0).
pub(super) fn framework_loads(runtime_version: &str) -> bool {
    ["v4.0.", "v2.0.", "v1."]
        .iter()
        .any(|p| runtime_version.starts_with(p))
}

pub(super) fn target_findings(a: &Assembly, file: &str) -> Vec<Finding> {
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
