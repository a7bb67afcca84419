//! Could the MIM Service create a class as its provider: the rules in the
//! order the CLR meets them, and the finding for a DLL with no such class.

use super::contract_search::find_contracts;
use super::{Kind, SMS_INTERFACE, list_types, short_name};
use crate::checks::catalogue as check;
use crate::checks::finding::Finding;
use crate::formats::dotnet::{Assembly, Scope, TypeInfo};
use std::path::Path;

/// Could the MIM Service create `t` as its provider? (why_not holds the
/// creatable-class rules, in the order the CLR meets them.)
pub(super) fn usable(t: &TypeInfo, kind: Kind) -> bool {
    !t.is_interface && t.implements(kind.interface()) && why_not(t, kind).is_none()
}

/// Why the service could not use a class that implements the interface,
/// in the order the CLR meets the problems; the rank orders the codes.
pub(super) fn why_not(t: &TypeInfo, kind: Kind) -> Option<(u8, &'static str)> {
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

pub(super) fn no_implementation(
    a: &Assembly,
    file: &str,
    kind: Kind,
    service_dir: Option<&Path>,
) -> Finding {
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
