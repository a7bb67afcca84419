//! The settings file itself (docs/checks.md "the-settings-file"): read,
//! parsed, its encoding, its root, and each element's name and value
//! (MFA001–MFA009, MFA016).

use super::Audit;
use super::near_names::near_known_name;
use crate::checks::catalogue as check;
use crate::formats::settings_xml::{DocError, Fault, KNOWN_SETTINGS, SettingsDoc, name_matches};
use std::io;

/// MFA001: the file could not be read at all.
pub(super) fn unreadable(a: &mut Audit<'_>, e: &io::Error) {
    a.push(
        check::MFA001.finding(format!("cannot read {}: {e}", a.file))
            .file(&a.file)
            .hint("check --service-dir; the MIM Service (4.5.202.0+) reads MfaSettings.xml from its Service folder"),
    );
}

/// The parser's fault as its finding, placed where the parser stopped.
pub(super) fn unparsable(a: &mut Audit<'_>, e: DocError) {
    let hint = match e.fault {
        Fault::Declaration => "delete the <!DOCTYPE ...> block; the stock file has none",
        Fault::Encoding => "save the file as UTF-8 (Notepad: Save As → Encoding UTF-8)",
        Fault::Malformed => "fix the XML at this place, or `mimmfa restore latest`",
    };
    a.push(
        check::of_fault(e.fault)
            .finding(e.message)
            .file(&a.file)
            .at(e.line, e.column)
            .hint(hint),
    );
}

/// MFA016: a UTF-16 file is read, but written back as UTF-8 by an edit.
pub(super) fn encoding(a: &mut Audit<'_>, doc: &SettingsDoc) {
    if doc.utf16().is_some() {
        a.push(
            check::MFA016
                .finding("the file is UTF-16 (Notepad's \"Unicode\"); the MIM Service reads it, and mimmfa reads it as the same text, but a command that edits it (sdk apply, provider set, provider clear) writes it back as UTF-8 (the snapshot it takes first keeps these bytes; restore puts a snapshot back as it was)")
                .file(&a.file)
                .at(1, 1)
                .hint("nothing to fix; to keep one encoding everywhere, save it as UTF-8 (Notepad: Save As → Encoding UTF-8)"),
        );
    }
}

/// The root, repeated settings, quoted or padded values, unknown names.
pub(super) fn structure(a: &mut Audit<'_>, doc: &SettingsDoc) {
    if doc.root_name() != "MfaSettings" {
        a.push(
            check::MFA004
                .finding(format!(
                    "the root element is <{}>, not <MfaSettings>",
                    doc.root_name()
                ))
                .file(&a.file)
                .at(1, 1)
                .hint("the stock file's root is <MfaSettings>; check this is the right file"),
        );
    }
    for name in KNOWN_SETTINGS {
        let all = doc.find_all(name);
        for dup in all.iter().skip(1) {
            // Each spelling with its own line: `<username>` then `<Username>`
            // is what following two of Microsoft's pages produces.
            let f = check::MFA005
                .finding(format!(
                    "<{}> on line {} repeats the setting of <{}> on line {} ({} times in all)",
                    dup.name,
                    dup.line,
                    all[0].name,
                    all[0].line,
                    all.len()
                ))
                .hint("keep one; the MIM Service may read either");
            let f = a.on(dup, f);
            a.push(f);
        }
    }
    for el in doc.elements() {
        if KNOWN_SETTINGS.iter().any(|k| name_matches(k, &el.name)) {
            let v = &el.value;
            let quoted = v.len() >= 2
                && ((v.starts_with('"') && v.ends_with('"'))
                    || (v.starts_with('\'') && v.ends_with('\'')));
            if v.trim() != v || quoted {
                let f = check::MFA009.finding(format!("<{}> has surrounding {} in its value", el.name, if quoted { "quotes" } else { "whitespace" }))
                    .hint("remove them: the MIM Service takes the value literally (a quoted CertFilePath fails with \"Illegal characters in path\")");
                let f = a.on(el, f);
                a.push(f);
            }
            continue;
        }
        let f = match near_known_name(&el.name) {
            Some(right) => check::MFA006
                .finding(format!(
                    "<{}> is not a setting the MIM Service knows; it will be ignored",
                    el.name
                ))
                .hint(format!(
                    "did you mean <{right}>? Element names are case-sensitive"
                )),
            None => check::MFA007
                .finding(format!("<{}> is not a setting mimmfa knows", el.name))
                .hint("it may be newer than mimmfa; otherwise remove it"),
        };
        let f = a.on(el, f);
        a.push(f);
    }
}
