//! Secrets masked in any text of a settings file, and the masked unified
//! diff of two versions: what every diff and dry run shows. Works on text
//! that is not well-formed too, so no diff can leak a key.

use crate::formats::secret::{is_secret_name, mask};
use crate::formats::utf16;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, Default)]
pub struct Diff {
    pub before: String,
    pub after: String,
    pub unified: String,
}

/// Replace the text of every secret element (`LICENSE_KEY`, and misspelt
/// variants such as `License_Key`) by its mask. Works on any text, even a
/// file that is not well-formed, so a diff can never leak a key.
pub fn mask_secrets_in_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tag = &rest[lt + 1..];
        let name_len = tag
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == ':'))
            .unwrap_or(tag.len());
        let name = &tag[..name_len];
        if name.is_empty() || !is_secret_name(name) {
            out.push('<');
            rest = tag;
            continue;
        }
        let Some(open_end) = tag.find('>') else {
            // A secret's start tag that never ends: nothing after it is shown.
            out.push('<');
            out.push_str(name);
            out.push_str(&mask(&tag[name_len..]));
            return out;
        };
        let after_open = &tag[open_end + 1..];
        if tag[..open_end].ends_with('/') {
            out.push('<');
            out.push_str(&tag[..=open_end]);
            rest = after_open;
            continue;
        }
        // The value runs to its own end tag, whatever it holds (CDATA,
        // comments, a raw `<`), or to the end of a broken file.
        let value_len = after_open
            .find(&format!("</{name}"))
            .unwrap_or(after_open.len());
        out.push('<');
        out.push_str(&tag[..=open_end]);
        out.push_str(&mask(&decoded(&after_open[..value_len])));
        rest = &after_open[value_len..];
    }
    out.push_str(rest);
    out
}

/// An element's text as a reader gets it: comments and processing
/// instructions dropped, CDATA unwrapped, references resolved. The mask's
/// fingerprint is of this, so it is the same whichever form the file uses.
fn decoded(raw: &str) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while !rest.is_empty() {
        let (skip, keep) = if let Some(r) = rest.strip_prefix("<!--") {
            (r.find("-->").map_or(rest.len(), |e| 4 + e + 3), None)
        } else if let Some(r) = rest.strip_prefix("<![CDATA[") {
            let e = r.find("]]>").unwrap_or(r.len());
            ((9 + e + 3).min(rest.len()), Some(&r[..e]))
        } else if let Some(r) = rest.strip_prefix("<?") {
            (r.find("?>").map_or(rest.len(), |e| 2 + e + 2), None)
        } else {
            let e = rest[1..].find(['<']).map_or(rest.len(), |e| e + 1);
            let text = &rest[..e];
            out.push_str(&quick_xml::escape::unescape(text).unwrap_or_else(|_| text.into()));
            rest = &rest[e..];
            continue;
        };
        if let Some(k) = keep {
            out.push_str(k);
        }
        rest = &rest[skip.min(rest.len())..];
    }
    out
}

/// A masked unified diff of two versions of the settings file.
pub fn masked_diff(before: &[u8], after: &[u8], from_label: &str, to_label: &str) -> Diff {
    // A UTF-16 file is shown as its text: read as bytes, its element names
    // would not be seen, nor its secrets masked.
    let text = |b: &[u8]| utf16::text_lossy(b).unwrap_or_else(|| String::from_utf8_lossy(b).into());
    let before = mask_secrets_in_text(&text(before));
    let after = mask_secrets_in_text(&text(after));
    let unified = similar::TextDiff::from_lines(&before, &after)
        .unified_diff()
        .context_radius(3)
        .header(from_label, to_label)
        .to_string()
        // An invisible U+FEFF would start the first line: say it in words.
        .replace('\u{feff}', "[byte-order mark]");
    Diff {
        before,
        after,
        unified,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_secret_spelling_and_broken_files() {
        let t = "<a><LICENSE_KEY>ABC</LICENSE_KEY><License_Key x='1'>DEF</License_Key><GROUP_KEY/><CERT_PASSWORD>GHI";
        let m = mask_secrets_in_text(t);
        assert!(
            !m.contains("ABC") && !m.contains("DEF") && !m.contains("GHI"),
            "{m}"
        );
        assert!(m.contains("<GROUP_KEY/>"));
        assert!(m.contains("<LICENSE_KEY>•••• (pbkdf2:"));
    }

    #[test]
    fn diff_is_masked_and_shows_the_change() {
        let d = masked_diff(
            b"<M>\n<GROUP_KEY>old</GROUP_KEY>\n<X>1</X>\n</M>\n",
            b"<M>\n<GROUP_KEY>new</GROUP_KEY>\n<X>2</X>\n</M>\n",
            "a",
            "b",
        );
        assert!(d.unified.contains("-<X>1</X>") && d.unified.contains("+<X>2</X>"));
        assert!(!d.unified.contains("old") && !d.unified.contains(">new<"));
    }
}
