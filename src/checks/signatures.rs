//! The signature catalogue: the texts the MIM Service (and the .NET loader
//! under it) writes to the event log when an MFA setting or provider is
//! wrong, one line each, with the check code and the fix they map to.
//! Beside the check catalogue (catalogue.rs); docs/checks.md, "Event
//! signatures", cites where each was seen.
//!
//! Only known signatures are findings. Microsoft's FIM troubleshooting
//! guide warns that many exceptions are expected: counting errors means
//! nothing.

use crate::checks::catalogue::{self, Check};
use crate::formats::event_xml::EventRecord;

/// What an event's text must hold for a signature to match (ASCII case
/// ignored).
#[derive(Debug, PartialEq, Eq)]
pub enum Pattern {
    /// Every one of these.
    All(&'static [&'static str]),
    /// Every one of the first, and at least one of the second.
    AllAndAny(&'static [&'static str], &'static [&'static str]),
    /// A line that ends right after this label (an empty value).
    Blank(&'static str),
}

impl Pattern {
    /// The pattern as docs/checks.md and `explain` show it.
    pub fn describe(&self) -> String {
        let quoted = |words: &[&str]| {
            words
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(" and ")
        };
        match self {
            Pattern::All(all) => quoted(all),
            Pattern::AllAndAny(all, any) => format!(
                "{} with one of {}",
                quoted(all),
                any.iter()
                    .map(|w| format!("\"{w}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Pattern::Blank(label) => format!("\"{label}\" followed by nothing"),
        }
    }

    /// Where in `text` the pattern matches (the byte offset of its first
    /// word), if it does.
    fn find(&self, text: &str, folded: &str) -> Option<usize> {
        match self {
            Pattern::All(all) => all_at(folded, all),
            Pattern::AllAndAny(all, any) => {
                let at = all_at(folded, all)?;
                any.iter()
                    .any(|w| folded.contains(&w.to_ascii_lowercase()))
                    .then_some(at)
            }
            Pattern::Blank(label) => {
                let wanted = label.to_ascii_lowercase();
                let mut offset = 0;
                for line in text.split_inclusive('\n') {
                    let folded_line = &folded[offset..offset + line.len()];
                    if let Some(i) = folded_line.find(&wanted)
                        && folded_line[i + wanted.len()..].trim().is_empty()
                    {
                        return Some(offset + i);
                    }
                    offset += line.len();
                }
                None
            }
        }
    }
}

fn all_at(folded: &str, all: &[&str]) -> Option<usize> {
    let mut first = None;
    for w in all {
        let at = folded.find(&w.to_ascii_lowercase())?;
        first.get_or_insert(at);
    }
    first
}

/// One known failure text.
#[derive(Debug, PartialEq, Eq)]
pub struct Signature {
    /// Stable, for scripts and docs (`quoted-cert-path`).
    pub id: &'static str,
    pub check: &'static Check,
    pub pattern: Pattern,
    /// Where the text was seen (a report, a document, the .NET Framework).
    pub seen_in: &'static str,
    pub fix: &'static str,
}

/// `id, CODE, pattern, seen in, fix;` per signature, tried in this order:
/// the first that matches an event is its finding (a loader message can
/// hold another's words: a BadImageFormatException also says "Could not
/// load file or assembly").
macro_rules! signatures {
    ($($id:literal, $code:ident, $pattern:expr, $seen:literal, $fix:literal;)*) => {
        /// Every signature, in matching order.
        pub const SIGNATURES: &[Signature] = &[$(Signature {
            id: $id,
            check: &catalogue::$code,
            pattern: $pattern,
            seen_in: $seen,
            fix: $fix,
        }),*];
    };
}

use Pattern::{All, AllAndAny, Blank};

signatures! {
    "local-mfa-standart-mode", MFA032, All(&["Local MFA server is supported only for STANDART mode"]), "MicrosoftDocs/MIMDocs issue 131", "the local MFA Server cannot serve the SSPR one-time-password SMS gate: use a custom provider, or no SMS gate";
    "quoted-cert-path", MFA009, All(&["Illegal characters in path"]), "blog.kloud.com.au (2017): a quoted CertFilePath", "remove the quotes (and spaces) around <CertFilePath> in MfaSettings.xml";
    "empty-cert-path", MFA022, Blank("Certificate File Path:"), "MicrosoftDocs/MIMDocs issue 131: an AuthenticateLocal stack with an empty \"Certificate File Path:\"", "fill <CertFilePath> with the absolute path of cert_key.p12 (`mimmfa sdk apply ZIP` does), or switch to a custom provider";
    "sms-first-interface", MFA044, All(&["does not implement the required interface"]), "konab.com: the custom SMS provider DLL's first interface", "declare ISmsServiceProvider first: `public class X : ISmsServiceProvider, IDisposable`, then `mimmfa provider check --sms DLL`";
    "no-parameterless-constructor", MFA046, All(&["No parameterless constructor defined"]), ".NET Framework: Activator.CreateInstance (MissingMethodException)", "add `public X() { }` to the provider class; `mimmfa provider check DLL` shows its constructors";
    "interface-copy", MFA045, AllAndAny(&["Unable to cast object of type"], &["IPhoneServiceProvider", "ISmsServiceProvider"]), ".NET Framework: InvalidCastException when the DLL's interface is not the service's", "delete the DLL's own copy of the interface and reference the assembly `mimmfa provider contract` names";
    "incorrect-format", MFA048, All(&["An attempt was made to load a program with an incorrect format"]), ".NET Framework: BadImageFormatException (HRESULT 0x8007000B)", "build the provider for Any CPU with \"Prefer 32-bit\" off, or x64; `mimmfa provider check DLL` shows its platform";
    "net-core-reference", MFA049, AllAndAny(&["Could not load file or assembly"], &["'System.Runtime, Version=", "'System.Private.CoreLib", "'netstandard, Version=2.1"]), ".NET Framework: FileNotFoundException for a .NET Core / .NET 5+ reference", "target net472 or a later .NET Framework 4.x in the provider's project";
    "provider-dependency", MFA040, All(&["Could not load file or assembly"]), ".NET Framework: FileNotFoundException / FileLoadException of the assembly loader", "copy the assembly the message names (and its dependencies) beside the provider DLL in the Service folder, or install it in the GAC; `mimmfa provider check DLL` lists the DLL's references";
    "certificate-not-found", MFA022, AllAndAny(&["FileNotFoundException"], &[".p12", "MfaCerts", "Certificate File Path", "X509Certificate"]), ".NET Framework: FileNotFoundException when the certificate is opened", "put cert_key.p12 where <CertFilePath> says, or fix the path; `mimmfa validate` checks it";
    "wrong-cert-password", MFA023, All(&["The specified network password is not correct"]), ".NET Framework: CryptographicException of X509Certificate2 with a wrong password", "use the CERT_PASSWORD of the same SDK zip as cert_key.p12 (`mimmfa sdk apply ZIP` takes both); `mimmfa validate` tries it";
}

/// Words that tie an event to the MIM Service or its MFA settings: a
/// signature counts only in such an event, so the same .NET message from
/// another program on the server is not a finding.
const MIM_WORDS: [&str; 14] = [
    "Microsoft.ResourceManagement",
    "Forefront Identity Manager",
    "Microsoft Identity Manager",
    "FIMService",
    "Microsoft.IdentityManagement",
    "PhoneServiceProvider",
    "SmsServiceProvider",
    "CustomPhoneProvider",
    "MfaSettings",
    "PhoneFactor",
    "AuthenticateLocal",
    "Certificate File Path",
    "cert_key",
    "CertFilePath",
];

/// An event that matched a signature.
#[derive(Debug, Clone)]
pub struct Match {
    pub signature: &'static Signature,
    /// The line of the event's text where the signature matched, as the
    /// event has it (the caller masks and escapes it).
    pub line: String,
    /// What the message names, when the signature says what (the assembly
    /// that could not be loaded).
    pub names: Option<String>,
}

/// The first signature `event` matches, if any.
pub fn match_event(event: &EventRecord) -> Option<Match> {
    let text = event.text();
    let folded = text.to_ascii_lowercase();
    let mim = |s: &str| {
        let s = s.to_ascii_lowercase();
        MIM_WORDS
            .iter()
            .any(|w| s.contains(&w.to_ascii_lowercase()))
    };
    if !mim(&event.provider) && !mim(&event.channel) && !mim(&folded) {
        return None;
    }
    SIGNATURES.iter().find_map(|signature| {
        let at = signature.pattern.find(&text, &folded)?;
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let names = (signature.id == "provider-dependency" || signature.id == "net-core-reference")
            .then(|| assembly_named(&text[at..]))
            .flatten();
        let mut line = text[start..end].trim().to_string();
        if matches!(signature.pattern, Pattern::Blank(_)) {
            line.push_str(" (empty)");
        }
        Some(Match {
            signature,
            line,
            names,
        })
    })
}

/// `Could not load file or assembly 'Name, Version=…' or one of its
/// dependencies`: the quoted name.
fn assembly_named(from: &str) -> Option<String> {
    let open = from.find('\'')?;
    let rest = &from[open + 1..];
    let close = rest.find('\'')?;
    Some(rest[..close.min(300)].to_string()).filter(|n| !n.is_empty())
}

/// The signatures of a check code, for `explain`.
pub fn of_code(code: &str) -> Vec<&'static Signature> {
    SIGNATURES
        .iter()
        .filter(|s| s.check.code.eq_ignore_ascii_case(code))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(provider: &str, text: &str) -> EventRecord {
        EventRecord {
            provider: provider.into(),
            data: vec![(None, text.into())],
            ..EventRecord::default()
        }
    }

    #[test]
    fn ids_are_unique_and_each_has_a_source_and_a_fix() {
        let mut ids: Vec<_> = SIGNATURES.iter().map(|s| s.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), SIGNATURES.len());
        assert!(
            SIGNATURES
                .iter()
                .all(|s| !s.seen_in.is_empty() && !s.fix.is_empty())
        );
    }

    #[test]
    fn the_first_signature_that_matches_wins_and_names_the_assembly() {
        let m = match_event(&event(
            "Microsoft.ResourceManagement",
            "System.IO.FileNotFoundException: Could not load file or assembly 'Contoso.Sms, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null' or one of its dependencies.",
        ))
        .unwrap();
        assert_eq!(m.signature.id, "provider-dependency");
        assert_eq!(
            m.names.as_deref(),
            Some("Contoso.Sms, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null")
        );
        let m = match_event(&event(
            "Microsoft.ResourceManagement",
            "System.BadImageFormatException: Could not load file or assembly 'Gate' or one of its dependencies. An attempt was made to load a program with an incorrect format.",
        ))
        .unwrap();
        assert_eq!(m.signature.check.code, "MFA048");
    }

    #[test]
    fn a_blank_label_matches_only_when_empty() {
        let full = "AuthenticateLocal\nCertificate File Path: C:\\x\\cert_key.p12\n";
        assert!(match_event(&event("Microsoft.ResourceManagement", full)).is_none());
        let empty = "at AuthenticateLocal()\nCertificate File Path:  \r\nUser: x";
        let m = match_event(&event("Microsoft.ResourceManagement", empty)).unwrap();
        assert_eq!(m.signature.id, "empty-cert-path");
        assert_eq!(m.line, "Certificate File Path: (empty)");
    }

    #[test]
    fn other_programs_messages_are_not_findings() {
        let text = "Could not load file or assembly 'Microsoft.PowerShell.Commands.Utility' or one of its dependencies.";
        assert!(match_event(&event("PowerShell", text)).is_none());
    }
}
