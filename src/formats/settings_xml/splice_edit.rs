//! The splice editor: edits as byte replacements at the spans the parse
//! found, applied together and proved by parsing the result again.

use super::parse_fault::DocError;
use super::settings_doc::{Element, SettingsDoc, line_start_if_blank};
use quick_xml::escape::minimal_escape;

impl SettingsDoc {
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
        let escaped = minimal_escape(value).replace("]]>", "]]&gt;");
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
    pub fn finish(self) -> Result<Vec<u8>, EditError> {
        self.finish_parsed().map(|(bytes, _)| bytes)
    }

    /// `finish`, also giving the parse that proved the result.
    pub fn finish_parsed(mut self) -> Result<(Vec<u8>, SettingsDoc), EditError> {
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
        let doc = SettingsDoc::parse(&out).map_err(EditError::Reparse)?;
        Ok((out, doc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::settings_xml::settings_doc::tests::{STOCK, doc};
    use crate::formats::settings_xml::*;

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
    fn insert_copies_indent_and_crlf_and_adds_one_line() {
        let d = doc(STOCK);
        let mut e = d.edit();
        e.set(CUSTOM_PHONE_PROVIDER, "C:\\x\\a&b.dll").unwrap();
        let out = e.finish().unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.contains(
            "  <CustomPhoneProvider>C:\\x\\a&amp;b.dll</CustomPhoneProvider>\r\n</MfaSettings>"
        ));
        let d2 = SettingsDoc::parse(&out).unwrap();
        assert_eq!(d2.value(CUSTOM_PHONE_PROVIDER), "C:\\x\\a&b.dll");
        // One line of its own, and nothing else changed.
        let line = "  <CustomPhoneProvider>C:\\x\\a&amp;b.dll</CustomPhoneProvider>\r\n";
        assert_eq!(text.replacen(line, "", 1), STOCK);
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
        assert_eq!(SettingsDoc::parse(&out).unwrap().value(LOCMFA), "false");
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
            SettingsDoc::parse(&out).unwrap().value(USERNAME),
            "Jörg & Søn"
        );
        // Declared ASCII with non-ASCII bytes is refused too.
        let e =
            SettingsDoc::parse("<?xml version=\"1.0\" encoding=\"us-ascii\"?><x>é</x>".as_bytes())
                .unwrap_err();
        assert_eq!(e.fault, Fault::Encoding);
    }

    #[test]
    fn duplicates_are_refused_for_edits() {
        let d = doc("<MfaSettings><LOCMFA>true</LOCMFA>\n<LOCMFA>false</LOCMFA></MfaSettings>");
        let err = d.edit().set(LOCMFA, "false").err().unwrap();
        assert!(matches!(err, EditError::Duplicate { ref lines, .. } if lines == &[1, 2]));
    }
}
