//! Checks of custom provider DLLs (MFA041, MFA042, MFA044), shared by
//! `provider check`, `provider set` and `validate`.

use crate::dotnet::{Assembly, read_assembly};
use crate::finding::Finding;
use serde::Serialize;

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

#[derive(Debug, Clone, Serialize)]
pub struct ClassSummary {
    pub name: String,
    pub public: bool,
    #[serde(rename = "abstract")]
    pub is_abstract: bool,
    pub interfaces: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct DllCheck {
    pub assembly: Option<String>,
    pub references: Vec<String>,
    /// Classes MIM could load as the provider.
    pub implementations: Vec<String>,
    pub classes: Vec<ClassSummary>,
    #[serde(skip)]
    pub findings: Vec<Finding>,
}

impl DllCheck {
    pub fn ok(&self) -> bool {
        self.findings
            .iter()
            .all(|f| f.severity != crate::finding::Severity::Error)
    }
}

pub fn check_dll(bytes: &[u8], file: &str, kind: Kind) -> DllCheck {
    let assembly = match read_assembly(bytes) {
        Ok(a) => a,
        Err(e) => {
            let f = Finding::error("MFA041", format!("{file}: {e}"))
                .file(file)
                .hint("build the provider as a .NET Framework class library (C# project, Output type: Class Library)");
            return DllCheck {
                findings: vec![f],
                ..DllCheck::default()
            };
        }
    };
    let mut check = summarize(&assembly);
    let found = list_types(&assembly);
    match kind {
        Kind::Phone => {
            check.implementations = assembly
                .types
                .iter()
                .filter(|t| t.is_creatable_class() && t.implements(PHONE_INTERFACE))
                .map(|t| t.full_name.clone())
                .collect();
            if check.implementations.is_empty() {
                let unusable: Vec<String> = assembly
                    .types
                    .iter()
                    .filter(|t| t.implements(PHONE_INTERFACE))
                    .map(|t| format!("{} ({})", t.full_name, why_not_creatable(t)))
                    .collect();
                let detail = if unusable.is_empty() {
                    format!("types found: {found}")
                } else {
                    format!("implemented only by {}", unusable.join(", "))
                };
                check.findings.push(
                    Finding::error("MFA042", format!("{file}: no public, non-abstract class implements {PHONE_INTERFACE}; {detail}"))
                        .file(file)
                        .hint("make the provider class `public class X : IPhoneServiceProvider` (not abstract, not internal, not nested in a non-public type)"),
                );
            }
        }
        Kind::Sms => {
            check.implementations = assembly
                .types
                .iter()
                .filter(|t| {
                    t.is_creatable_class()
                        && t.interfaces.first().is_some_and(|i| i == SMS_INTERFACE)
                })
                .map(|t| t.full_name.clone())
                .collect();
            if check.implementations.is_empty() {
                let later: Vec<String> = assembly
                    .types
                    .iter()
                    .filter(|t| t.is_creatable_class() && t.implements(SMS_INTERFACE))
                    .map(|t| {
                        format!(
                            "{} (interfaces in order: {})",
                            t.full_name,
                            t.interfaces.join(", ")
                        )
                    })
                    .collect();
                let detail = if later.is_empty() {
                    format!("types found: {found}")
                } else {
                    format!(
                        "{SMS_INTERFACE} is not the first interface of {}",
                        later.join("; ")
                    )
                };
                check.findings.push(
                    Finding::error("MFA044", format!("{file}: no public class has {SMS_INTERFACE} as its FIRST interface; {detail}"))
                        .file(file)
                        .hint("list ISmsServiceProvider first: `public class SmsServiceProvider : ISmsServiceProvider, IDisposable`; otherwise the MIM Service fails with \"TypeLoadException: The custom SMS provider DLL does not implement the required interface\""),
                );
            }
        }
    }
    check
}

fn summarize(a: &Assembly) -> DllCheck {
    DllCheck {
        assembly: a.name.clone(),
        references: a.references.clone(),
        classes: a
            .types
            .iter()
            .filter(|t| !t.is_interface)
            .map(|t| ClassSummary {
                name: t.full_name.clone(),
                public: t.public,
                is_abstract: t.is_abstract,
                interfaces: t
                    .interfaces
                    .iter()
                    .chain(&t.inherited_interfaces)
                    .cloned()
                    .collect(),
            })
            .collect(),
        ..DllCheck::default()
    }
}

fn why_not_creatable(t: &crate::dotnet::TypeInfo) -> &'static str {
    if !t.public {
        "not public"
    } else if t.is_abstract {
        "abstract"
    } else {
        "an interface"
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
