//! The parsed document: where each setting element sits, its value, the
//! file's line ending and indentation, and the modes its values configure.

use super::element_scan::scan;
use super::mim_names::{CUSTOM_PHONE_PROVIDER, LOCMFA, Mode, SDK_SETTINGS, name_matches};
use super::parse_fault::{DocError, Fault, UTF8_BOM, error_at};
use crate::formats::utf16::{self, ByteOrder};
use crate::formats::xml_rules;
#[cfg(test)]
use std::cell::Cell;
use std::str;

#[cfg(test)]
thread_local! {
    static PARSES: Cell<usize> = const { Cell::new(0) };
}

/// How many documents this thread has parsed: tests count a command's.
#[cfg(test)]
pub(crate) fn parses_on_this_thread() -> usize {
    PARSES.with(|n| n.get())
}

/// One setting element: a direct child of the root.
#[derive(Debug, Clone)]
pub struct Element {
    pub name: String,
    /// Byte span of the whole element, `<Name ...>` to `</Name>` inclusive.
    pub start: usize,
    pub end: usize,
    /// Byte span of the content between the tags; `None` for `<Name/>`.
    pub content: Option<(usize, usize)>,
    /// The text value with entity references resolved. Not trimmed.
    pub value: String,
    /// The element holds child elements (not a plain text setting).
    pub has_children: bool,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone)]
pub struct SettingsDoc {
    pub(super) bytes: Vec<u8>,
    pub(super) root_name: String,
    /// Where `</Root>` starts; `None` when the root is written `<Root/>`.
    pub(super) root_close: Option<usize>,
    /// Span of `<Root/>` when self-closing.
    pub(super) root_span: (usize, usize),
    pub(super) elements: Vec<Element>,
    pub(super) newline: &'static str,
    pub(super) indent: String,
    /// The declaration names an encoding other than UTF-8 (the file was
    /// accepted because it is ASCII): new text must stay ASCII.
    pub(super) ascii_only: bool,
    /// Read from UTF-16: `bytes` hold its UTF-8 transcoding.
    pub(super) utf16: Option<ByteOrder>,
}

impl SettingsDoc {
    /// Parse `input`; the document keeps its own copy of the text (an edit
    /// splices into it), so callers lend their bytes.
    pub fn parse(input: &[u8]) -> Result<Self, DocError> {
        #[cfg(test)]
        PARSES.with(|n| n.set(n.get() + 1));
        // UTF-16 is read as the same text in UTF-8 (formats/utf16.rs).
        let (transcoded, utf16) = match utf16::to_utf8(input)? {
            Some((utf8, order)) => (Some(utf8), Some(order)),
            None => (None, None),
        };
        let bytes = transcoded.as_deref().unwrap_or(input);
        let bom_len = if bytes.starts_with(UTF8_BOM) { 3 } else { 0 };
        check_encoding(bytes, bom_len)?;
        // Safe: check_encoding proved the body is UTF-8.
        let body = str::from_utf8(&bytes[bom_len..]).expect("checked UTF-8");
        if let Some(b) = xml_rules::bad_char(body) {
            return Err(error_at(bytes, bom_len + b.at, Fault::Malformed, b.message));
        }
        let scanned = scan(bytes, bom_len, body)?;
        let newline = if body.contains("\r\n") { "\r\n" } else { "\n" };
        let indent = scanned
            .elements
            .first()
            .and_then(|e| leading_indent(bytes, e.start))
            .unwrap_or_else(|| "  ".to_string());
        Ok(SettingsDoc {
            bytes: transcoded.unwrap_or_else(|| input.to_vec()),
            root_name: scanned.root_name,
            root_close: scanned.root_close,
            root_span: scanned.root_span,
            elements: scanned.elements,
            newline,
            indent,
            ascii_only: scanned.ascii_only,
            utf16,
        })
    }

    /// The file is UTF-16 (read, checked and edited as UTF-8; an edit is
    /// written as UTF-8).
    pub fn utf16(&self) -> Option<ByteOrder> {
        self.utf16
    }

    pub fn root_name(&self) -> &str {
        &self.root_name
    }

    /// Every direct child of the root, in file order.
    pub fn elements(&self) -> &[Element] {
        &self.elements
    }

    /// All elements standing for the setting `name`.
    pub fn find_all(&self, name: &str) -> Vec<&Element> {
        self.elements
            .iter()
            .filter(|e| name_matches(name, &e.name))
            .collect()
    }

    /// The first element for `name` (validate reports duplicates separately).
    pub fn get(&self, name: &str) -> Option<&Element> {
        self.elements.iter().find(|e| name_matches(name, &e.name))
    }

    /// The setting's value; an absent element and an empty one read alike.
    pub fn value(&self, name: &str) -> &str {
        self.get(name).map(|e| e.value.as_str()).unwrap_or("")
    }

    pub fn is_filled(&self, name: &str) -> bool {
        !self.value(name).trim().is_empty()
    }
}

impl SettingsDoc {
    /// The modes whose entries are filled in.
    pub fn configured_modes(&self) -> Vec<Mode> {
        let mut modes = Vec::new();
        if SDK_SETTINGS.iter().any(|n| self.is_filled(n)) {
            modes.push(Mode::AzureMfaSdk);
        }
        if self.value(LOCMFA).trim().eq_ignore_ascii_case("true") {
            modes.push(Mode::MfaServer);
        }
        if self.is_filled(CUSTOM_PHONE_PROVIDER) {
            modes.push(Mode::CustomProvider);
        }
        modes
    }

    pub fn mode(&self) -> Mode {
        match self.configured_modes().as_slice() {
            [] => Mode::None,
            [one] => *one,
            _ => Mode::Mixed,
        }
    }
}

/// UTF-16 files, invalid UTF-8 and NUL bytes are refused before parsing.
fn check_encoding(bytes: &[u8], bom_len: usize) -> Result<(), DocError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(DocError {
            fault: Fault::Encoding,
            message: "the file is UTF-16; save it as UTF-8 (Notepad: Save As → Encoding UTF-8)"
                .into(),
            line: 1,
            column: 1,
        });
    }
    if let Err(e) = str::from_utf8(&bytes[bom_len..]) {
        let at = bom_len + e.valid_up_to();
        return Err(error_at(
            bytes,
            at,
            Fault::Encoding,
            "not valid UTF-8; save the file as UTF-8 (Notepad: Save As → Encoding UTF-8)",
        ));
    }
    // quick-xml skips a BOM at the start of what it is given without counting
    // it in positions; a second BOM would shift every span by 3 bytes.
    if bytes[bom_len..].starts_with(UTF8_BOM) {
        return Err(error_at(
            bytes,
            bom_len,
            Fault::Malformed,
            "the file starts with two byte-order marks; save it again as UTF-8",
        ));
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(error_at(
            bytes,
            at,
            Fault::Malformed,
            "a NUL byte; XML does not allow it",
        ));
    }
    Ok(())
}

/// The whitespace before `pos` on its line, if only whitespace precedes it.
fn leading_indent(bytes: &[u8], pos: usize) -> Option<String> {
    let start = line_start_if_blank(bytes, pos)?;
    Some(String::from_utf8_lossy(&bytes[start..pos]).into_owned())
}

/// The start of `pos`'s line when only spaces/tabs stand between them.
pub(super) fn line_start_if_blank(bytes: &[u8], pos: usize) -> Option<usize> {
    let mut i = pos;
    while i > 0 && matches!(bytes[i - 1], b' ' | b'\t') {
        i -= 1;
    }
    (i == 0 || bytes[i - 1] == b'\n').then_some(i)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::formats::settings_xml::{CERT_FILE_PATH, LICENSE_KEY, USERNAME};

    pub(in crate::formats::settings_xml) const STOCK: &str = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!-- edited 2019 -->\r\n<MfaSettings>\r\n  <LICENSE_KEY>ABCDEF123456</LICENSE_KEY>\r\n  <username>svc</username>\r\n  <DefaultCountryCode>1</DefaultCountryCode>\r\n  <CertFilePath/>\r\n  <Extra a=\"1\">x &amp; y</Extra>\r\n</MfaSettings>\r\n";

    pub(in crate::formats::settings_xml) fn doc(s: &str) -> SettingsDoc {
        SettingsDoc::parse(s.as_bytes()).unwrap()
    }

    #[test]
    fn reads_values_with_bom_crlf_and_entities() {
        let d = doc(STOCK);
        assert_eq!(d.root_name(), "MfaSettings");
        assert_eq!(d.value(LICENSE_KEY), "ABCDEF123456");
        assert_eq!(d.value(USERNAME), "svc", "username matches Username");
        assert_eq!(d.value("Extra"), "x & y");
        assert_eq!(d.value(CERT_FILE_PATH), "");
        assert_eq!(d.value(LOCMFA), "");
        let lk = d.get(LICENSE_KEY).unwrap();
        // The BOM does not count as a column.
        assert_eq!((lk.line, lk.column), (4, 3));
    }

    #[test]
    fn refuses_doctype_bad_utf8_malformed() {
        let e =
            SettingsDoc::parse(b"<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"b\">]>\n<x/>")
                .unwrap_err();
        assert_eq!((e.fault, e.line), (Fault::Declaration, 2));
        let e = SettingsDoc::parse(b"<x>\n<a>\xff</a></x>").unwrap_err();
        assert_eq!((e.fault, e.line, e.column), (Fault::Encoding, 2, 4));
        let e = SettingsDoc::parse(b"<x>\n<a>1</b></x>").unwrap_err();
        assert_eq!((e.fault, e.line), (Fault::Malformed, 2));
        let e = SettingsDoc::parse(b"<x><a>&ent;</a></x>").unwrap_err();
        assert_eq!(e.fault, Fault::Malformed);
        let e = SettingsDoc::parse(b"<x><a>1</a>").unwrap_err();
        assert_eq!(e.fault, Fault::Malformed);
        let e = SettingsDoc::parse(b"").unwrap_err();
        assert_eq!(e.fault, Fault::Malformed);
        // UTF-16 is read as its text (formats/utf16.rs); a cut one is refused.
        let e = SettingsDoc::parse(b"\xff\xfe<\x00x\x00").unwrap_err();
        assert_eq!(e.fault, Fault::Malformed);
        let doc = SettingsDoc::parse(b"\xff\xfe<\x00x\x00/\x00>\x00").unwrap();
        assert!(doc.utf16().is_some());
        let e = SettingsDoc::parse(b"\xff\xfe<\x00x\x00/\x00>").unwrap_err();
        assert_eq!(e.fault, Fault::Encoding);
        // Found by fuzzing: quick-xml would skip the second BOM unseen.
        let e = SettingsDoc::parse(b"\xef\xbb\xbf\xef\xbb\xbf<x><a>1</a></x>").unwrap_err();
        assert_eq!((e.fault, e.line), (Fault::Malformed, 1));
    }
}
