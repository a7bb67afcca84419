//! The XML 1.0 and Namespaces rules quick-xml does not check, so that
//! mimmfa refuses every settings file .NET's System.Xml refuses (the MIM
//! Service would not start with it). Kept honest by a differential test
//! against System.Xml itself (tests/e2e/xml_oracle.rs, run with mono).
//!
//! Each check returns a message and the byte offset (within what it was
//! given) where the problem starts; the caller turns that into line and
//! column. All are linear in their input.

/// The declared encodings mimmfa reads (UTF-8, and those that read ASCII the
/// same way). System.Xml knows more code pages; mimmfa refuses those.
pub const ENCODINGS: [&str; 6] = [
    "utf-8",
    "us-ascii",
    "ascii",
    "iso-8859-1",
    "latin1",
    "windows-1252",
];

/// A problem, `at` bytes into the checked text.
#[derive(Debug, PartialEq, Eq)]
pub struct Broken {
    pub at: usize,
    pub message: String,
}

fn broken(at: usize, message: impl Into<String>) -> Broken {
    Broken {
        at,
        message: message.into(),
    }
}

/// The first character XML does not allow anywhere (control characters but
/// tab, line feed and carriage return; U+FFFE and U+FFFF).
pub fn bad_char(text: &str) -> Option<Broken> {
    let (at, c) = text.char_indices().find(|&(_, c)| {
        matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
    })?;
    Some(broken(
        at,
        format!(
            "the character U+{:04X} is not allowed in XML (System.Xml refuses the file); delete it",
            u32::from(c)
        ),
    ))
}

fn is_name_start(c: char) -> bool {
    matches!(c, 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// A name without a colon (the parts of a qualified name).
fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// `prefix:local` or `local`: what a namespace-aware reader accepts.
pub fn check_qname(name: &str) -> Result<(), String> {
    let ok = match name.split_once(':') {
        Some((prefix, local)) => is_ncname(prefix) && is_ncname(local),
        None => is_ncname(name),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "<{name}> is not a valid XML name (a name starts with a letter or `_`, and has at most one `:`)"
        ))
    }
}

/// The prefix of a qualified name, if any.
pub fn prefix(name: &str) -> Option<&str> {
    name.split_once(':').map(|(p, _)| p)
}

/// A start tag (`<name attr="v" ...>` or `<name/>`), as the file has it.
pub struct Tag<'a> {
    pub name: &'a str,
    /// (name, raw value, offset of the name in the tag).
    pub attributes: Vec<(&'a str, &'a str, usize)>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Check a whole start tag: names, quoting, spacing between attributes,
/// duplicates, and what attribute values may hold.
pub fn check_tag(raw: &str) -> Result<Tag<'_>, Broken> {
    let b = raw.as_bytes();
    let end = raw.len() - if raw.ends_with("/>") { 2 } else { 1 };
    let mut i = 1;
    let name_end = |from: usize| {
        (from..end)
            .find(|&j| is_space(b[j]) || b[j] == b'=')
            .unwrap_or(end)
    };
    let n = name_end(i);
    let name = &raw[i..n];
    check_qname(name).map_err(|m| broken(i, m))?;
    i = n;
    let mut attributes: Vec<(&str, &str, usize)> = Vec::new();
    loop {
        let spaced = i < end && is_space(b[i]);
        while i < end && is_space(b[i]) {
            i += 1;
        }
        if i >= end {
            break;
        }
        if !spaced {
            return Err(broken(
                i,
                format!("white space is needed before the attribute in <{name}>"),
            ));
        }
        let start = i;
        let n = name_end(i);
        let attr = &raw[start..n];
        check_qname(attr).map_err(|_| {
            broken(
                start,
                format!("`{attr}` is not a valid attribute name in <{name}>"),
            )
        })?;
        i = n;
        while i < end && is_space(b[i]) {
            i += 1;
        }
        if i >= end || b[i] != b'=' {
            return Err(broken(
                i,
                format!("the attribute `{attr}` in <{name}> has no `=\"value\"`"),
            ));
        }
        i += 1;
        while i < end && is_space(b[i]) {
            i += 1;
        }
        let quote = b.get(i).copied().filter(|q| matches!(q, b'"' | b'\''));
        let Some(quote) = quote.filter(|_| i < end) else {
            return Err(broken(
                i,
                format!("the value of `{attr}` in <{name}> must be in quotes"),
            ));
        };
        let value_start = i + 1;
        let Some(len) = raw[value_start..end].find(quote as char) else {
            return Err(broken(
                i,
                format!("the value of `{attr}` in <{name}> has no closing quote"),
            ));
        };
        let value = &raw[value_start..value_start + len];
        check_attribute_value(value).map_err(|mut e| {
            e.at += value_start;
            e
        })?;
        if attributes.iter().any(|(a, _, _)| *a == attr) {
            return Err(broken(
                start,
                format!("<{name}> has the attribute `{attr}` twice"),
            ));
        }
        attributes.push((attr, value, start));
        i = value_start + len + 1;
    }
    Ok(Tag { name, attributes })
}

/// No `<`, and every `&` starts a reference.
fn check_attribute_value(value: &str) -> Result<(), Broken> {
    if let Some(at) = value.find('<') {
        return Err(broken(at, "`<` in an attribute value; write it as &lt;"));
    }
    check_references(value)
}

/// Every `&` starts `&name;`, `&#digits;` or `&#xhex;`.
pub fn check_references(text: &str) -> Result<(), Broken> {
    for (at, _) in text.match_indices('&') {
        let rest = &text[at + 1..];
        let ok = rest.find(';').is_some_and(|semi| {
            let r = &rest[..semi];
            if let Some(hex) = r.strip_prefix("#x") {
                !hex.is_empty() && hex.bytes().all(|c| c.is_ascii_hexdigit())
            } else if let Some(dec) = r.strip_prefix('#') {
                !dec.is_empty() && dec.bytes().all(|c| c.is_ascii_digit())
            } else {
                is_ncname(r)
            }
        });
        if !ok {
            return Err(broken(at, "a bare `&`; write it as &amp;"));
        }
    }
    Ok(())
}

/// `]]>` may only end a CDATA section.
pub fn check_text(raw: &str) -> Result<(), Broken> {
    match raw.find("]]>") {
        Some(at) => Err(broken(at, "`]]>` in text; write it as ]]&gt;")),
        None => Ok(()),
    }
}

/// `<?xml version="1.0" [encoding="…"] [standalone="yes|no"] ?>`, in that
/// order, as System.Xml requires. Returns the declared encoding, lowercased.
pub fn check_declaration(raw: &str) -> Result<Option<String>, Broken> {
    let inner = &raw[5..raw.len() - 2]; // between `<?xml` and `?>`
    let mut pseudo = Vec::new();
    let mut rest = inner;
    let mut offset = 5;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        let spaced = trimmed.len() < rest.len();
        offset += rest.len() - trimmed.len();
        rest = trimmed;
        if rest.is_empty() {
            break;
        }
        if !spaced {
            return Err(broken(
                offset,
                "the XML declaration needs white space between its parts",
            ));
        }
        let Some(eq) = rest.find('=') else {
            return Err(broken(
                offset,
                "the XML declaration is not `<?xml version=\"1.0\" encoding=\"utf-8\"?>`",
            ));
        };
        let name = rest[..eq].trim_end();
        let after = rest[eq + 1..].trim_start();
        let quote = after.chars().next().filter(|q| matches!(q, '"' | '\''));
        let Some(close) = quote.and_then(|q| after[1..].find(q)) else {
            return Err(broken(
                offset,
                "a value in the XML declaration is not quoted",
            ));
        };
        pseudo.push((name, &after[1..=close], offset));
        let used = rest.len() - after.len() + close + 2;
        offset += used;
        rest = &rest[used..];
    }
    let order = ["version", "encoding", "standalone"];
    let mut last = None;
    let mut encoding = None;
    for (name, value, at) in &pseudo {
        let Some(pos) = order.iter().position(|o| o == name) else {
            return Err(broken(
                *at,
                format!("`{name}` does not belong in the XML declaration"),
            ));
        };
        if last.is_some_and(|l| pos <= l) || (last.is_none() && pos != 0) {
            return Err(broken(
                *at,
                "the XML declaration must read version, then encoding, then standalone",
            ));
        }
        last = Some(pos);
        match *name {
            "version" if *value != "1.0" => {
                return Err(broken(
                    *at,
                    format!(
                        "XML version \"{value}\": System.Xml reads version 1.0 only; write version=\"1.0\""
                    ),
                ));
            }
            "standalone" if !matches!(*value, "yes" | "no") => {
                return Err(broken(*at, "standalone must be \"yes\" or \"no\""));
            }
            "encoding" => encoding = Some(value.to_ascii_lowercase()),
            _ => {}
        }
    }
    if last.is_none() {
        return Err(broken(
            5,
            "the XML declaration has no version; write <?xml version=\"1.0\" encoding=\"utf-8\"?>",
        ));
    }
    Ok(encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["MfaSettings", "p:Extra", "Ex.tra-1", "Éxtra", "_a"] {
            assert!(check_qname(ok).is_ok(), "{ok}");
        }
        for bad in ["1Extra", "-Extra", ":Extra", "a:b:c", "a:", ""] {
            assert!(check_qname(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags() {
        let t = check_tag("<Extra a=\"1\" b = '2'/>").unwrap();
        assert_eq!(t.name, "Extra");
        assert_eq!(
            t.attributes.iter().map(|a| (a.0, a.1)).collect::<Vec<_>>(),
            [("a", "1"), ("b", "2")]
        );
        for bad in [
            "<Extra a=1>",
            "<Extra a=\"1\"b=\"2\">",
            "<Extra a=\"1\" a=\"2\">",
            "<Extra a=\"<\">",
            "<Extra a=\"&\">",
            "<Extra a>",
        ] {
            assert!(check_tag(bad).is_err(), "{bad}");
        }
        assert!(check_tag("<Extra a=\"&amp;&#60;&#x3C;\" >").is_ok());
    }

    #[test]
    fn declarations() {
        assert_eq!(
            check_declaration("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ?>")
                .unwrap(),
            Some("utf-8".into())
        );
        assert_eq!(check_declaration("<?xml  version = '1.0'?>").unwrap(), None);
        for bad in [
            "<?xml version=\"2.0\"?>",
            "<?xml encoding=\"utf-8\"?>",
            "<?xml encoding=\"utf-8\" version=\"1.0\"?>",
            "<?xml version=\"1.0\" standalone=\"maybe\"?>",
            "<?xml version=\"1.0\"encoding=\"utf-8\"?>",
            "<?xml version=\"1.0\" foo=\"1\"?>",
        ] {
            assert!(check_declaration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn characters() {
        assert_eq!(bad_char("ok\t\r\n é").map(|b| b.at), None);
        assert_eq!(bad_char("ab\u{1}").map(|b| b.at), Some(2));
        assert_eq!(bad_char("a\u{FFFE}").map(|b| b.at), Some(1));
    }
}
