//! The parse itself: quick-xml's events checked as System.Xml would, turned
//! into the spans and values of the root's child elements.

use super::parse_fault::{DocError, Fault, LineCursor, error_at};
use super::settings_doc::Element;
use crate::formats::secret::is_secret_name;
use crate::formats::xml_rules;
use quick_xml::Reader;
use quick_xml::events::{BytesRef, Event};
use std::collections::HashMap;

/// What a parse found: the root and its child elements.
pub(super) struct Scanned {
    pub root_name: String,
    pub root_close: Option<usize>,
    pub root_span: (usize, usize),
    pub elements: Vec<Element>,
    pub ascii_only: bool,
}

/// Parse `body` (the text of `bytes` after a BOM of `bom_len` bytes).
pub(super) fn scan(bytes: &[u8], bom_len: usize, body: &str) -> Result<Scanned, DocError> {
    let mut parser = Parser {
        bytes,
        bom_len,
        ascii_only: false,
        depth: 0,
        root_name: None,
        root_close: None,
        root_span: (0, 0),
        elements: Vec::new(),
        open: None,
        cursor: LineCursor::new(bom_len),
        prefixes: HashMap::new(),
        scopes: Vec::new(),
    };
    parser.run(body)?;
    let root_name = parser.root_name.take().ok_or_else(|| {
        error_at(
            bytes,
            bytes.len(),
            Fault::Malformed,
            "the file has no root element",
        )
    })?;
    Ok(Scanned {
        root_name,
        root_close: parser.root_close,
        root_span: parser.root_span,
        elements: parser.elements,
        ascii_only: parser.ascii_only,
    })
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
    prefixes: HashMap<String, usize>,
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
            if let Some(open) = self.open.as_ref().filter(|o| is_secret_name(&o.name)) {
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

/// A reference's text: XML's five entities and character references; `None`
/// for any other (no DTD is ever read, so no other entity exists).
pub fn resolve_ref(r: &BytesRef<'_>) -> Option<String> {
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
