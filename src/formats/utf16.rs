//! MfaSettings.xml saved as UTF-16 (Notepad's "Unicode"): System.Xml loads
//! it, and so does the MIM Service. mimmfa reads it as the same text in
//! UTF-8, with its declaration saying `utf-8`, so that every check and
//! every byte splice works on one encoding; a changing command therefore
//! writes the file back as UTF-8 (the snapshot taken first keeps the UTF-16
//! bytes). What System.Xml refuses stays refused (tests/e2e/xml_oracle.rs).

use crate::formats::settings_xml::{DocError, Fault, line_col};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The byte order a UTF-16 file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    Little,
    Big,
}

/// The file as UTF-8 when it is UTF-16 (a BOM, or `<?` in UTF-16 as
/// System.Xml detects without one); `Ok(None)` when it is not UTF-16.
pub fn to_utf8(bytes: &[u8]) -> Result<Option<(Vec<u8>, ByteOrder)>, DocError> {
    let Some((order, bom, body)) = detect(bytes) else {
        return Ok(None);
    };
    if body.len() % 2 != 0 {
        // System.Xml drops a last odd byte; a file cut mid-character is
        // refused here rather than silently shortened by a rewrite.
        let text = decode_lossy(&body[..body.len() - 1], order);
        return Err(at(
            &text,
            text.len(),
            "the UTF-16 file ends in half a character (an odd number of bytes): it was cut short; save it again (Notepad: Save As → Encoding UTF-8)",
        ));
    }
    let units: Vec<u16> = body
        .chunks_exact(2)
        .map(|c| match order {
            ByteOrder::Little => u16::from_le_bytes([c[0], c[1]]),
            ByteOrder::Big => u16::from_be_bytes([c[0], c[1]]),
        })
        .collect();
    let mut text = String::with_capacity(units.len());
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok(c) => text.push(c),
            Err(_) => {
                return Err(at(
                    &text,
                    text.len(),
                    "a lone UTF-16 surrogate (half of a character): System.Xml refuses the file; save it again as UTF-8",
                ));
            }
        }
    }
    let text = declare_utf8(text)?;
    let mut out = Vec::with_capacity(text.len() + 3);
    if bom {
        out.extend_from_slice(UTF8_BOM);
    }
    out.extend_from_slice(text.as_bytes());
    Ok(Some((out, order)))
}

/// The declaration's `encoding="utf-16"` made `utf-8`, as the text now is.
/// Another declared encoding on UTF-16 bytes makes System.Xml switch to it
/// and fail at once after the declaration: refused there.
fn declare_utf8(mut text: String) -> Result<String, DocError> {
    if !text.starts_with("<?xml") {
        return Ok(text);
    }
    let Some(end) = text.find("?>") else {
        return Ok(text); // the parse that follows reports it
    };
    let decl = &text[..end];
    let Some(key) = decl.find("encoding") else {
        return Ok(text);
    };
    let after = &decl[key + "encoding".len()..];
    let Some(eq) = after.find('=') else {
        return Ok(text);
    };
    let value = after[eq + 1..].trim_start();
    let Some(quote) = value.chars().next().filter(|q| matches!(q, '"' | '\'')) else {
        return Ok(text);
    };
    let Some(len) = value[1..].find(quote) else {
        return Ok(text);
    };
    // `value` is a suffix of the declaration; past its opening quote:
    let start = decl.len() - value.len() + 1;
    let declared = text[start..start + len].to_string();
    if !declared.eq_ignore_ascii_case("utf-16") {
        // Where System.Xml stops: just past the declaration, which is the
        // next line when a line break follows it.
        let stop = end + 2;
        let stop = stop + usize::from(text[stop..].starts_with('\r'));
        let stop = stop + usize::from(text[stop..].starts_with('\n'));
        return Err(at(
            &text,
            stop,
            format!(
                "the file is UTF-16 but declares encoding \"{declared}\": System.Xml reads on in that encoding and fails; write encoding=\"utf-16\", or save the file as UTF-8"
            ),
        ));
    }
    text.replace_range(start..start + len, "utf-8");
    Ok(text)
}

/// The text of a UTF-16 file, damaged characters replaced, for showing it
/// (a diff masks secrets by element name, which it must be able to read);
/// `None` when the bytes are not UTF-16.
pub fn text_lossy(bytes: &[u8]) -> Option<String> {
    let (order, _, body) = detect(bytes)?;
    Some(decode_lossy(body, order))
}

/// Are these the bytes of a UTF-16 file?
pub fn is_utf16(bytes: &[u8]) -> bool {
    detect(bytes).is_some()
}

/// UTF-16 as System.Xml recognises it: (byte order, BOM, the text's bytes).
fn detect(bytes: &[u8]) -> Option<(ByteOrder, bool, &[u8])> {
    Some(match bytes {
        [0xFF, 0xFE, rest @ ..] => (ByteOrder::Little, true, rest),
        [0xFE, 0xFF, rest @ ..] => (ByteOrder::Big, true, rest),
        [b'<', 0, b'?', 0, ..] => (ByteOrder::Little, false, bytes),
        [0, b'<', 0, b'?', ..] => (ByteOrder::Big, false, bytes),
        _ => return None,
    })
}

fn decode_lossy(body: &[u8], order: ByteOrder) -> String {
    let units = body.chunks_exact(2).map(|c| match order {
        ByteOrder::Little => u16::from_le_bytes([c[0], c[1]]),
        ByteOrder::Big => u16::from_be_bytes([c[0], c[1]]),
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

fn at(text: &str, offset: usize, message: impl Into<String>) -> DocError {
    let (line, column) = line_col(text.as_bytes(), offset);
    DocError {
        fault: Fault::Encoding,
        message: message.into(),
        line,
        column,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(s: &str) -> Vec<u8> {
        let mut v = vec![0xFF, 0xFE];
        v.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        v
    }

    #[test]
    fn utf16_becomes_the_same_text_declared_utf8() {
        let (out, order) = to_utf8(&le(
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n<a>Jörg</a>",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(order, ByteOrder::Little);
        assert_eq!(
            out,
            "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<a>Jörg</a>".as_bytes()
        );
        assert_eq!(to_utf8(b"<a/>").unwrap(), None);
    }

    #[test]
    fn what_system_xml_refuses_is_refused_on_its_line() {
        let e = to_utf8(&le("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<a/>")).unwrap_err();
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        let mut bad = le("<a>\nx");
        bad.extend([0x00, 0xD8]); // a lone high surrogate on line 2
        bad.extend(le("y").split_off(2));
        let e = to_utf8(&bad).unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let mut odd = le("<a/>");
        odd.pop();
        assert!(to_utf8(&odd).is_err());
    }
}
