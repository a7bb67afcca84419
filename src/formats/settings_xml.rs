//! MfaSettings.xml as a lossless document.
//!
//! The file is parsed with quick-xml only to learn where each setting
//! element sits (byte spans). Edits splice new bytes into the original at
//! those spans, so every byte the edit does not target — BOM, declaration,
//! CRLF, comments, attributes, unknown elements, order — stays as it was.

use crate::formats::xml_rules;
use quick_xml::Reader;
use quick_xml::events::Event;
use std::fmt;

/// Settings the MIM Service reads (docs/formats.md, "MfaSettings.xml").
pub const LICENSE_KEY: &str = "LICENSE_KEY";
pub const GROUP_KEY: &str = "GROUP_KEY";
pub const CERT_PASSWORD: &str = "CERT_PASSWORD";
pub const CERT_FILE_PATH: &str = "CertFilePath";
pub const USERNAME: &str = "Username";
pub const DEFAULT_COUNTRY_CODE: &str = "DefaultCountryCode";
pub const LOCMFA: &str = "LOCMFA";
pub const LOCMFASRV: &str = "LOCMFASRV";
pub const CUSTOM_PHONE_PROVIDER: &str = "CustomPhoneProvider";

pub const KNOWN_SETTINGS: [&str; 9] = [
    LICENSE_KEY,
    GROUP_KEY,
    CERT_PASSWORD,
    CERT_FILE_PATH,
    USERNAME,
    DEFAULT_COUNTRY_CODE,
    LOCMFA,
    LOCMFASRV,
    CUSTOM_PHONE_PROVIDER,
];

/// The four entries that make up the Azure MFA SDK mode (besides the
/// shared Username / DefaultCountryCode).
pub const SDK_SETTINGS: [&str; 4] = [LICENSE_KEY, GROUP_KEY, CERT_PASSWORD, CERT_FILE_PATH];

/// The stock MfaSettings.xml is about 1 KB; anything past this is not one.
pub const MAX_SETTINGS_BYTES: u64 = crate::formats::bounded::SETTINGS_CAP;

/// Read a settings file: a regular file only, refusing one too large to be
/// real (counted while reading).
pub fn read_settings_file(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    crate::formats::bounded::read_file(path, MAX_SETTINGS_BYTES).map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidData {
            std::io::Error::new(
                e.kind(),
                format!("{e}; a real MfaSettings.xml is a few KB (limit {MAX_SETTINGS_BYTES})"),
            )
        } else {
            e
        }
    })
}

/// What Azure MFA SDK mode needs filled (MFA020).
pub const SDK_MODE_REQUIRED: [&str; 6] = [
    LICENSE_KEY,
    GROUP_KEY,
    CERT_PASSWORD,
    CERT_FILE_PATH,
    USERNAME,
    DEFAULT_COUNTRY_CODE,
];

/// Does the element name `actual` stand for the setting `wanted`?
/// Names are case-sensitive to the MIM Service, except that the docs write
/// both `<Username>` and `<username>`.
pub fn name_matches(wanted: &str, actual: &str) -> bool {
    actual == wanted || (wanted == USERNAME && actual == "username")
}

/// What kind of fault made a file unreadable as a settings document (the
/// check catalogue maps each to its finding: MFA002, MFA003, MFA008).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Not well-formed XML.
    Malformed,
    /// A DOCTYPE or entity declaration.
    Declaration,
    /// Not UTF-8 (or a BOM/declaration of another encoding).
    Encoding,
}

impl Fault {
    /// The finding this fault is (checks::catalogue holds its wording;
    /// its test proves each code is there).
    pub fn code(self) -> &'static str {
        match self {
            Fault::Malformed => "MFA002",
            Fault::Declaration => "MFA003",
            Fault::Encoding => "MFA008",
        }
    }
}

/// Why a file could not be read as a settings document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocError {
    pub fault: Fault,
    pub message: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for DocError {}

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
    bytes: Vec<u8>,
    root_name: String,
    /// Where `</Root>` starts; `None` when the root is written `<Root/>`.
    root_close: Option<usize>,
    /// Span of `<Root/>` when self-closing.
    root_span: (usize, usize),
    elements: Vec<Element>,
    newline: &'static str,
    indent: String,
    /// The declaration names an encoding other than UTF-8 (the file was
    /// accepted because it is ASCII): new text must stay ASCII.
    ascii_only: bool,
    /// Read from UTF-16: `bytes` hold its UTF-8 transcoding.
    utf16: Option<crate::formats::utf16::ByteOrder>,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

impl SettingsDoc {
    pub fn parse(bytes: Vec<u8>) -> Result<Self, DocError> {
        // UTF-16 is read as the same text in UTF-8 (formats/utf16.rs).
        let (bytes, utf16) = match crate::formats::utf16::to_utf8(&bytes)? {
            Some((utf8, order)) => (utf8, Some(order)),
            None => (bytes, None),
        };
        let bom_len = if bytes.starts_with(UTF8_BOM) { 3 } else { 0 };
        check_encoding(&bytes, bom_len)?;
        // Safe: check_encoding proved the body is UTF-8.
        let body = std::str::from_utf8(&bytes[bom_len..]).expect("checked UTF-8");
        if let Some(b) = xml_rules::bad_char(body) {
            return Err(error_at(
                &bytes,
                bom_len + b.at,
                Fault::Malformed,
                b.message,
            ));
        }
        let mut parser = Parser {
            bytes: &bytes,
            bom_len,
            ascii_only: false,
            depth: 0,
            root_name: None,
            root_close: None,
            root_span: (0, 0),
            elements: Vec::new(),
            open: None,
            cursor: LineCursor::new(bom_len),
            prefixes: std::collections::HashMap::new(),
            scopes: Vec::new(),
        };
        parser.run(body)?;
        let root_name = parser.root_name.take().ok_or_else(|| {
            error_at(
                &bytes,
                bytes.len(),
                Fault::Malformed,
                "the file has no root element",
            )
        })?;
        let (root_close, root_span, elements, ascii_only) = (
            parser.root_close,
            parser.root_span,
            parser.elements,
            parser.ascii_only,
        );
        let newline = if body.contains("\r\n") { "\r\n" } else { "\n" };
        let indent = elements
            .first()
            .and_then(|e| leading_indent(&bytes, e.start))
            .unwrap_or_else(|| "  ".to_string());
        Ok(SettingsDoc {
            bytes,
            root_name,
            root_close,
            root_span,
            elements,
            newline,
            indent,
            ascii_only,
            utf16,
        })
    }

    /// The file is UTF-16 (read, checked and edited as UTF-8; an edit is
    /// written as UTF-8).
    pub fn utf16(&self) -> Option<crate::formats::utf16::ByteOrder> {
        self.utf16
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
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

    pub fn edit(&self) -> Edit<'_> {
        Edit {
            doc: self,
            splices: Vec::new(),
        }
    }

    /// Text as it is written into this file: `&` and `<` escaped, and in a
    /// file that declares a non-UTF-8 encoding, non-ASCII characters as
    /// character references (correct XML in any encoding).
    fn escape(&self, value: &str) -> String {
        // `]]>` may only close a CDATA section: System.Xml refuses it in text.
        let escaped = quick_xml::escape::minimal_escape(value).replace("]]>", "]]&gt;");
        if !self.ascii_only || escaped.is_ascii() {
            return escaped;
        }
        escaped.chars().fold(String::new(), |mut out, c| {
            if c.is_ascii() {
                out.push(c);
            } else {
                out.push_str(&format!("&#{};", u32::from(c)));
            }
            out
        })
    }

    /// The one element for `name` an edit may target: refuses duplicates.
    fn target(&self, name: &str) -> Result<Option<&Element>, EditError> {
        let found = self.find_all(name);
        match found.len() {
            0 => Ok(None),
            1 => Ok(Some(found[0])),
            _ => Err(EditError::Duplicate {
                name: name.to_string(),
                lines: found.iter().map(|e| e.line).collect(),
            }),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    #[error(
        "<{name}> appears {} times (lines {}); remove all but one, then run again",
        lines.len(),
        lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ")
    )]
    Duplicate { name: String, lines: Vec<usize> },
    #[error("<{name}> holds child elements, not a value; fix it by hand (line {line})")]
    NotText { name: String, line: usize },
    #[error("the edited file did not parse again ({0}); nothing was written")]
    Reparse(DocError),
}

struct Splice {
    start: usize,
    end: usize,
    text: String,
}

/// A set of edits against one document, applied together by `finish`.
pub struct Edit<'a> {
    doc: &'a SettingsDoc,
    splices: Vec<Splice>,
}

impl Edit<'_> {
    /// Set `name` to `value`, inserting the element if it is absent.
    pub fn set(&mut self, name: &str, value: &str) -> Result<&mut Self, EditError> {
        match self.doc.target(name)? {
            Some(el) if el.value == value && !el.has_children => {}
            Some(el) => self.replace_value(el, value)?,
            None => self.insert(name, value),
        }
        Ok(self)
    }

    /// Empty the value of `name` and keep the element; nothing if absent.
    pub fn clear(&mut self, name: &str) -> Result<&mut Self, EditError> {
        if let Some(el) = self.doc.target(name)?
            && !el.value.is_empty()
        {
            self.replace_value(el, "")?;
        }
        Ok(self)
    }

    /// Remove the element `name` (and its line, when it stands alone on it).
    pub fn remove(&mut self, name: &str) -> Result<&mut Self, EditError> {
        if let Some(el) = self.doc.target(name)? {
            let (start, end) = line_bounds(&self.doc.bytes, el.start, el.end);
            self.splices.push(Splice {
                start,
                end,
                text: String::new(),
            });
        }
        Ok(self)
    }

    fn replace_value(&mut self, el: &Element, value: &str) -> Result<(), EditError> {
        if el.has_children {
            return Err(EditError::NotText {
                name: el.name.clone(),
                line: el.line,
            });
        }
        let escaped = self.doc.escape(value);
        match el.content {
            Some((start, end)) => self.splices.push(Splice {
                start,
                end,
                text: escaped,
            }),
            // `<Name/>` (or `<Name attr="x"/>`): rewrite as a start/end pair.
            None => {
                let tag = &self.doc.bytes[el.start..el.end];
                let open = String::from_utf8_lossy(&tag[..tag.len() - 2]);
                let open = open.trim_end();
                self.splices.push(Splice {
                    start: el.start,
                    end: el.end,
                    text: format!("{open}>{escaped}</{}>", el.name),
                });
            }
        }
        Ok(())
    }

    fn insert(&mut self, name: &str, value: &str) {
        let doc = self.doc;
        // Escaped like a changed value (`]]>`, and ASCII-only files).
        let element = format!("<{name}>{}</{name}>", doc.escape(value));
        let (nl, indent) = (doc.newline, &doc.indent);
        match doc.root_close {
            Some(close) => {
                let line_start = line_start_if_blank(&doc.bytes, close);
                match line_start {
                    // `</MfaSettings>` on its own line: add a line above it.
                    Some(at) => self.splices.push(Splice {
                        start: at,
                        end: at,
                        text: format!("{indent}{element}{nl}"),
                    }),
                    None => self.splices.push(Splice {
                        start: close,
                        end: close,
                        text: format!("{nl}{indent}{element}{nl}"),
                    }),
                }
            }
            None => {
                let (start, end) = doc.root_span;
                let tag = String::from_utf8_lossy(&doc.bytes[start..end - 2]);
                self.splices.push(Splice {
                    start,
                    end,
                    text: format!(
                        "{}>{nl}{indent}{element}{nl}</{}>",
                        tag.trim_end(),
                        doc.root_name
                    ),
                });
            }
        }
    }

    /// Apply the edits and prove the result still parses.
    pub fn finish(mut self) -> Result<Vec<u8>, EditError> {
        // Stable sort: insertions at one point keep the order they were made.
        self.splices.sort_by_key(|s| s.start);
        let src = &self.doc.bytes;
        let mut out = Vec::with_capacity(src.len() + 256);
        let mut at = 0;
        for s in &self.splices {
            out.extend_from_slice(&src[at..s.start.max(at)]);
            out.extend_from_slice(s.text.as_bytes());
            at = at.max(s.end);
        }
        out.extend_from_slice(&src[at..]);
        SettingsDoc::parse(out.clone()).map_err(EditError::Reparse)?;
        Ok(out)
    }
}

/// Which provider the file configures (docs/formats.md, "Modes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    AzureMfaSdk,
    MfaServer,
    CustomProvider,
    None,
    Mixed,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::AzureMfaSdk => "azure-mfa-sdk",
            Mode::MfaServer => "mfa-server",
            Mode::CustomProvider => "custom-provider",
            Mode::None => "none",
            Mode::Mixed => "mixed",
        }
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

/// The running state of one parse.
struct Parser<'b> {
    bytes: &'b [u8],
    bom_len: usize,
    ascii_only: bool,
    depth: usize,
    root_name: Option<String>,
    root_close: Option<usize>,
    root_span: (usize, usize),
    elements: Vec<Element>,
    /// The setting element being read (depth >= 2 means inside it).
    open: Option<Element>,
    /// Line and column of each element, kept as the parse moves forward.
    cursor: LineCursor,
    /// Namespace prefixes in scope (how many open elements declare each),
    /// and what each open element declared: a look-up costs the same at
    /// any depth.
    prefixes: std::collections::HashMap<String, usize>,
    scopes: Vec<Vec<String>>,
}

impl Parser<'_> {
    fn err(&self, offset: usize, fault: Fault, msg: impl Into<String>) -> DocError {
        error_at(self.bytes, offset, fault, msg)
    }

    /// Parse; an error met inside a secret's element says where, but not
    /// what the parser saw there (that would be part of the secret).
    fn run(&mut self, body: &str) -> Result<(), DocError> {
        self.run_events(body).map_err(|mut e| {
            if let Some(open) = self.open.as_ref().filter(|o| crate::formats::secret::is_secret_name(&o.name)) {
                e.message = format!(
                    "the value of <{}> is not well-formed XML (its text is not shown: it is a secret); a `<` or `&` in it must be written &lt; or &amp;",
                    open.name
                );
            }
            e
        })
    }

    fn run_events(&mut self, body: &str) -> Result<(), DocError> {
        let mut reader = Reader::from_str(body);
        let config = reader.config_mut();
        config.check_comments = true;
        config.check_end_names = true;
        let off = self.bom_len;
        loop {
            let before = reader.buffer_position() as usize + off;
            let event = reader.read_event().map_err(|e| {
                let at = reader.error_position() as usize + off;
                self.err(at, Fault::Malformed, format!("not well-formed XML: {e}"))
            })?;
            let after = reader.buffer_position() as usize + off;
            match event {
                Event::Eof => break,
                Event::DocType(_) => {
                    return Err(self.err(
                        before,
                        Fault::Declaration,
                        "a DOCTYPE (or entity declaration) is present; the stock MfaSettings.xml has none — delete it",
                    ));
                }
                Event::Decl(_) => {
                    if before != self.bom_len {
                        return Err(self.err(
                            before,
                            Fault::Malformed,
                            "the XML declaration must be the very first thing in the file, once (no blank line or space before it); System.Xml refuses the file",
                        ));
                    }
                    let raw = &body[before - off..after - off];
                    let declared = xml_rules::check_declaration(raw)
                        .map_err(|b| self.err(before + b.at, Fault::Malformed, b.message))?;
                    if let Some(enc) = declared {
                        if !xml_rules::ENCODINGS.contains(&enc.as_str()) {
                            return Err(self.err(
                                before,
                                Fault::Encoding,
                                format!(
                                    "the file declares encoding \"{enc}\"; write encoding=\"utf-8\" and save it as UTF-8 (System.Xml refuses a UTF-16 declaration on these bytes, and mimmfa reads no other encoding)"
                                ),
                            ));
                        }
                        // The others read ASCII the same; non-ASCII bytes
                        // would mean something else in them.
                        self.ascii_only = enc != "utf-8";
                        if self.ascii_only && !body.is_ascii() {
                            return Err(self.err(
                                before,
                                Fault::Encoding,
                                format!(
                                    "the file declares encoding \"{enc}\"; mimmfa reads UTF-8 only — save it as UTF-8"
                                ),
                            ));
                        }
                    }
                }
                Event::Start(start) => {
                    self.check_tag(&body[before - off..after - off], before, true)?;
                    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                    self.open_element(name, before, after, false)?;
                }
                Event::Empty(start) => {
                    self.check_tag(&body[before - off..after - off], before, false)?;
                    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                    self.open_element(name, before, after, true)?;
                }
                Event::End(_) => {
                    for prefix in self.scopes.pop().unwrap_or_default() {
                        if let Some(n) = self.prefixes.get_mut(&prefix) {
                            *n -= 1;
                        }
                    }
                    self.close_element(before, after)
                }
                Event::Text(text) => {
                    let raw = String::from_utf8_lossy(&text).into_owned();
                    xml_rules::check_text(&raw)
                        .and_then(|_| xml_rules::check_references(&raw))
                        .map_err(|b| self.err(before + b.at, Fault::Malformed, b.message))?;
                    self.text(&raw, before)?;
                }
                Event::CData(data) => {
                    let raw = String::from_utf8_lossy(&data).into_owned();
                    self.text(&raw, before)?;
                }
                Event::GeneralRef(r) => {
                    let resolved = resolve_ref(&r).ok_or_else(|| {
                        self.err(
                            before,
                            Fault::Malformed,
                            format!(
                                "unknown entity reference &{};  — write & as &amp;",
                                String::from_utf8_lossy(&r)
                            ),
                        )
                    })?;
                    self.text(&resolved, before)?;
                }
                Event::PI(pi) => {
                    let target = String::from_utf8_lossy(pi.target());
                    if xml_rules::check_qname(&target).is_err() || target.contains(':') {
                        return Err(self.err(
                            before,
                            Fault::Malformed,
                            format!("`<?{target}` is not a valid processing instruction name"),
                        ));
                    }
                    if target.eq_ignore_ascii_case("xml") {
                        return Err(self.err(
                            before,
                            Fault::Malformed,
                            "`<?xml` may only open the file (the XML declaration); a processing instruction may not be named xml",
                        ));
                    }
                }
                Event::Comment(_) => {}
            }
        }
        if self.depth != 0 {
            return Err(self.err(
                self.bytes.len(),
                Fault::Malformed,
                "the file ends before the root element is closed",
            ));
        }
        Ok(())
    }

    /// A start tag's names, attributes and namespace prefixes, as a
    /// namespace-aware reader (System.Xml) requires them.
    fn check_tag(&mut self, raw: &str, at: usize, opens: bool) -> Result<(), DocError> {
        let tag = xml_rules::check_tag(raw)
            .map_err(|b| self.err(at + b.at, Fault::Malformed, b.message))?;
        let mut declared = Vec::new();
        for (name, value, offset) in &tag.attributes {
            let Some(prefix) = name.strip_prefix("xmlns:") else {
                continue;
            };
            let xml_ns = "http://www.w3.org/XML/1998/namespace";
            let wrong = if value.is_empty() {
                Some(format!(
                    "`{name}=\"\"`: a prefix cannot be bound to an empty namespace"
                ))
            } else if prefix == "xmlns" || (prefix == "xml") != (*value == xml_ns) {
                Some(format!("`{name}`: the prefixes xml and xmlns are reserved"))
            } else {
                None
            };
            if let Some(message) = wrong {
                return Err(self.err(at + offset, Fault::Malformed, message));
            }
            declared.push(prefix.to_string());
        }
        for p in &declared {
            *self.prefixes.entry(p.clone()).or_default() += 1;
        }
        let known = |p: &str| p == "xml" || self.prefixes.get(p).is_some_and(|n| *n > 0);
        let undeclared = std::iter::once((tag.name, 1))
            .chain(tag.attributes.iter().map(|(n, _, o)| (*n, *o)))
            .find_map(|(name, offset)| {
                let p = xml_rules::prefix(name)?;
                (p != "xmlns" && !known(p)).then(|| (p.to_string(), offset))
            });
        if let Some((p, offset)) = undeclared {
            return Err(self.err(
                at + offset,
                Fault::Malformed,
                format!("the prefix `{p}:` is not declared (no xmlns:{p}=\"…\" on this element or one around it); System.Xml refuses the file"),
            ));
        }
        if opens {
            self.scopes.push(declared);
        } else {
            for p in declared {
                if let Some(n) = self.prefixes.get_mut(&p) {
                    *n -= 1;
                }
            }
        }
        Ok(())
    }

    fn open_element(
        &mut self,
        name: String,
        before: usize,
        after: usize,
        empty: bool,
    ) -> Result<(), DocError> {
        match self.depth {
            0 => {
                if self.root_name.is_some() {
                    return Err(self.err(
                        before,
                        Fault::Malformed,
                        format!("a second root element <{name}>; an XML file has exactly one"),
                    ));
                }
                self.root_name = Some(name);
                self.root_span = (before, after);
                if !empty {
                    self.depth = 1;
                }
            }
            1 => {
                let (line, column) = self.cursor.advance(self.bytes, before);
                let el = Element {
                    name,
                    start: before,
                    end: after,
                    content: None,
                    value: String::new(),
                    has_children: false,
                    line,
                    column,
                };
                if empty {
                    self.elements.push(el);
                } else {
                    self.open = Some(Element {
                        content: Some((after, after)),
                        ..el
                    });
                    self.depth = 2;
                }
            }
            _ => {
                if let Some(open) = self.open.as_mut() {
                    open.has_children = true;
                }
                if !empty {
                    self.depth += 1;
                }
            }
        }
        Ok(())
    }

    fn close_element(&mut self, before: usize, after: usize) {
        self.depth -= 1;
        match self.depth {
            0 => self.root_close = Some(before),
            1 => {
                if let Some(mut el) = self.open.take() {
                    el.end = after;
                    el.content = el.content.map(|(s, _)| (s, before));
                    self.elements.push(el);
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str, at: usize) -> Result<(), DocError> {
        if self.depth == 0 && !text.trim().is_empty() {
            let lead = text.len() - text.trim_start().len();
            return Err(self.err(at + lead, Fault::Malformed, "text outside the root element"));
        }
        if self.depth == 2
            && let Some(open) = self.open.as_mut()
        {
            open.value.push_str(text);
        }
        Ok(())
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
    if let Err(e) = std::str::from_utf8(&bytes[bom_len..]) {
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

/// A reference's text: XML's five entities and character references; `None`
/// for any other (no DTD is ever read, so no other entity exists).
pub fn resolve_ref(r: &quick_xml::events::BytesRef<'_>) -> Option<String> {
    if r.is_char_ref() {
        return r.resolve_char_ref().ok().flatten().map(String::from);
    }
    let s = match &r[..] {
        b"lt" => "<",
        b"gt" => ">",
        b"amp" => "&",
        b"apos" => "'",
        b"quot" => "\"",
        _ => return None,
    };
    Some(s.to_string())
}

fn error_at(bytes: &[u8], offset: usize, fault: Fault, msg: impl Into<String>) -> DocError {
    let (line, column) = line_col(bytes, offset);
    DocError {
        fault,
        message: msg.into(),
        line,
        column,
    }
}

/// Line and column of offsets that only grow, in one pass over the bytes:
/// rescanning from byte 0 for each element made a parse quadratic (a 1 MiB
/// file of small elements took seconds; all on one line, far longer).
struct LineCursor {
    pos: usize,
    line: usize,
    column: usize,
}

impl LineCursor {
    /// A cursor at the start of the text (after a BOM, which is no column).
    fn new(bom_len: usize) -> Self {
        LineCursor {
            pos: bom_len,
            line: 1,
            column: 1,
        }
    }

    /// 1-based line and column of `offset`, as [`line_col`] gives them.
    fn advance(&mut self, bytes: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(bytes.len());
        if offset < self.pos {
            return line_col(bytes, offset);
        }
        for b in &bytes[self.pos..offset] {
            if *b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if (*b & 0xC0) != 0x80 {
                self.column += 1;
            }
        }
        self.pos = offset;
        (self.line, self.column)
    }
}

/// 1-based line and column (in characters; a BOM does not count).
pub fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    let mut segment = &before[line_start..];
    if line_start == 0 && segment.starts_with(UTF8_BOM) {
        segment = &segment[3..];
    }
    // Count characters, not bytes: skip UTF-8 continuation bytes.
    let column = segment.iter().filter(|b| (**b & 0xC0) != 0x80).count() + 1;
    (line, column)
}

/// The whitespace before `pos` on its line, if only whitespace precedes it.
fn leading_indent(bytes: &[u8], pos: usize) -> Option<String> {
    let start = line_start_if_blank(bytes, pos)?;
    Some(String::from_utf8_lossy(&bytes[start..pos]).into_owned())
}

/// The start of `pos`'s line when only spaces/tabs stand between them.
fn line_start_if_blank(bytes: &[u8], pos: usize) -> Option<usize> {
    let mut i = pos;
    while i > 0 && matches!(bytes[i - 1], b' ' | b'\t') {
        i -= 1;
    }
    (i == 0 || bytes[i - 1] == b'\n').then_some(i)
}

/// Widen `[start, end)` to whole lines when the span stands alone on its
/// line(s), so removing it leaves no blank line behind.
fn line_bounds(bytes: &[u8], start: usize, end: usize) -> (usize, usize) {
    let Some(line_start) = line_start_if_blank(bytes, start) else {
        return (start, end);
    };
    let mut i = end;
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
        i += 1;
    }
    if bytes[i..].starts_with(b"\r\n") {
        (line_start, i + 2)
    } else if bytes[i..].starts_with(b"\n") {
        (line_start, i + 1)
    } else {
        (start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STOCK: &str = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!-- edited 2019 -->\r\n<MfaSettings>\r\n  <LICENSE_KEY>ABCDEF123456</LICENSE_KEY>\r\n  <username>svc</username>\r\n  <DefaultCountryCode>1</DefaultCountryCode>\r\n  <CertFilePath/>\r\n  <Extra a=\"1\">x &amp; y</Extra>\r\n</MfaSettings>\r\n";

    fn doc(s: &str) -> SettingsDoc {
        SettingsDoc::parse(s.as_bytes().to_vec()).unwrap()
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
    fn the_running_cursor_agrees_with_line_col_at_every_offset() {
        let text = format!("{STOCK}<é ü>\n\n  ünïcödé\r\n");
        let bytes = text.as_bytes();
        let mut cursor = LineCursor::new(UTF8_BOM.len());
        for offset in UTF8_BOM.len()..=bytes.len() {
            assert_eq!(
                cursor.advance(bytes, offset),
                line_col(bytes, offset),
                "offset {offset}"
            );
        }
        // A step back is answered too (by a rescan), and the cursor goes on.
        assert_eq!(cursor.advance(bytes, 10), line_col(bytes, 10));
    }

    #[test]
    fn set_changes_only_the_value_bytes() {
        let d = doc(STOCK);
        let mut e = d.edit();
        e.set(LICENSE_KEY, "ZZZZZZ999999").unwrap();
        let out = String::from_utf8(e.finish().unwrap()).unwrap();
        assert_eq!(out, STOCK.replace("ABCDEF123456", "ZZZZZZ999999"));
    }

    #[test]
    fn set_keeps_the_existing_username_spelling() {
        let d = doc(STOCK);
        let mut e = d.edit();
        e.set(USERNAME, "other").unwrap();
        let out = String::from_utf8(e.finish().unwrap()).unwrap();
        assert!(out.contains("<username>other</username>"));
        assert!(!out.contains("<Username>"));
    }

    #[test]
    fn insert_copies_indent_and_crlf_and_remove_reverses_it() {
        let d = doc(STOCK);
        let mut e = d.edit();
        e.set(CUSTOM_PHONE_PROVIDER, "C:\\x\\a&b.dll").unwrap();
        let out = e.finish().unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.contains(
            "  <CustomPhoneProvider>C:\\x\\a&amp;b.dll</CustomPhoneProvider>\r\n</MfaSettings>"
        ));
        let d2 = SettingsDoc::parse(out).unwrap();
        assert_eq!(d2.value(CUSTOM_PHONE_PROVIDER), "C:\\x\\a&b.dll");
        let mut e = d2.edit();
        e.remove(CUSTOM_PHONE_PROVIDER).unwrap();
        assert_eq!(e.finish().unwrap(), STOCK.as_bytes());
    }

    #[test]
    fn self_closing_element_gets_a_value() {
        let d = doc(STOCK);
        let mut e = d.edit();
        e.set(CERT_FILE_PATH, "C:\\c.p12").unwrap();
        let out = String::from_utf8(e.finish().unwrap()).unwrap();
        assert!(out.contains("<CertFilePath>C:\\c.p12</CertFilePath>"));
    }

    #[test]
    fn clear_keeps_the_element() {
        let d = doc(STOCK);
        let mut e = d.edit();
        e.clear(LICENSE_KEY).unwrap().clear(LOCMFA).unwrap();
        let out = String::from_utf8(e.finish().unwrap()).unwrap();
        assert!(out.contains("<LICENSE_KEY></LICENSE_KEY>"));
        assert!(!out.contains("LOCMFA"));
    }

    #[test]
    fn insert_into_self_closing_root() {
        let d = doc("<MfaSettings/>");
        let mut e = d.edit();
        e.set(LOCMFA, "false").unwrap();
        let out = e.finish().unwrap();
        assert_eq!(SettingsDoc::parse(out).unwrap().value(LOCMFA), "false");
    }

    #[test]
    fn a_non_utf8_declaration_keeps_new_text_ascii() {
        // Found by fuzzing: an ASCII file declaring windows-1252 was given
        // UTF-8 bytes by an edit, which the declared encoding misreads.
        let d = doc(
            "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<MfaSettings><Username>svc</Username></MfaSettings>",
        );
        let mut e = d.edit();
        e.set(USERNAME, "Jörg & Søn").unwrap();
        let out = e.finish().unwrap();
        assert!(out.is_ascii());
        assert!(
            String::from_utf8(out.clone())
                .unwrap()
                .contains("<Username>J&#246;rg &amp; S&#248;n</Username>")
        );
        assert_eq!(
            SettingsDoc::parse(out).unwrap().value(USERNAME),
            "Jörg & Søn"
        );
        // Declared ASCII with non-ASCII bytes is refused too.
        let e = SettingsDoc::parse(
            "<?xml version=\"1.0\" encoding=\"us-ascii\"?><x>é</x>"
                .as_bytes()
                .to_vec(),
        )
        .unwrap_err();
        assert_eq!(e.fault, Fault::Encoding);
    }

    #[test]
    fn duplicates_are_refused_for_edits() {
        let d = doc("<MfaSettings><LOCMFA>true</LOCMFA>\n<LOCMFA>false</LOCMFA></MfaSettings>");
        let err = d.edit().set(LOCMFA, "false").err().unwrap();
        assert!(matches!(err, EditError::Duplicate { ref lines, .. } if lines == &[1, 2]));
    }

    #[test]
    fn refuses_doctype_bad_utf8_malformed() {
        let e = SettingsDoc::parse(
            b"<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"b\">]>\n<x/>".to_vec(),
        )
        .unwrap_err();
        assert_eq!((e.fault, e.line), (Fault::Declaration, 2));
        let e = SettingsDoc::parse(b"<x>\n<a>\xff</a></x>".to_vec()).unwrap_err();
        assert_eq!((e.fault, e.line, e.column), (Fault::Encoding, 2, 4));
        let e = SettingsDoc::parse(b"<x>\n<a>1</b></x>".to_vec()).unwrap_err();
        assert_eq!((e.fault, e.line), (Fault::Malformed, 2));
        let e = SettingsDoc::parse(b"<x><a>&ent;</a></x>".to_vec()).unwrap_err();
        assert_eq!(e.fault, Fault::Malformed);
        let e = SettingsDoc::parse(b"<x><a>1</a>".to_vec()).unwrap_err();
        assert_eq!(e.fault, Fault::Malformed);
        let e = SettingsDoc::parse(b"".to_vec()).unwrap_err();
        assert_eq!(e.fault, Fault::Malformed);
        // UTF-16 is read as its text (formats/utf16.rs); a cut one is refused.
        let e = SettingsDoc::parse(b"\xff\xfe<\x00x\x00".to_vec()).unwrap_err();
        assert_eq!(e.fault, Fault::Malformed);
        let doc = SettingsDoc::parse(b"\xff\xfe<\x00x\x00/\x00>\x00".to_vec()).unwrap();
        assert!(doc.utf16().is_some());
        let e = SettingsDoc::parse(b"\xff\xfe<\x00x\x00/\x00>".to_vec()).unwrap_err();
        assert_eq!(e.fault, Fault::Encoding);
        // Found by fuzzing: quick-xml would skip the second BOM unseen.
        let e =
            SettingsDoc::parse(b"\xef\xbb\xbf\xef\xbb\xbf<x><a>1</a></x>".to_vec()).unwrap_err();
        assert_eq!((e.fault, e.line), (Fault::Malformed, 1));
    }
}
