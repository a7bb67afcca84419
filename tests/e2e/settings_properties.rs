//! Property tests of the settings document (library level).

use mimmfa::internals::SettingsDoc;
use proptest::prelude::*;

const NAMES: [&str; 8] = [
    "LICENSE_KEY",
    "GROUP_KEY",
    "CertFilePath",
    "Username",
    "DefaultCountryCode",
    "LOCMFA",
    "Unknown_X",
    "CustomPhoneProvider",
];

fn value() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Za-z0-9 &<>\\\\:._-]{0,24}").unwrap()
}

prop_compose! {
    /// A settings file as an admin might have left it: BOM or not, CRLF or
    /// LF, a declaration, comments, any indent, a subset of the settings.
    fn document()(
        bom in any::<bool>(),
        crlf in any::<bool>(),
        indent in prop::sample::select(vec!["  ", "    ", "\t", ""]),
        comment in any::<bool>(),
        picks in prop::sample::subsequence(NAMES.to_vec(), 0..=NAMES.len()),
        values in prop::collection::vec(value(), NAMES.len()),
    ) -> (Vec<u8>, Vec<(String, String)>) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut s = String::new();
        if bom { s.push('\u{feff}'); }
        s.push_str(&format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>{nl}"));
        if comment { s.push_str(&format!("<!-- <LICENSE_KEY>decoy</LICENSE_KEY> -->{nl}")); }
        s.push_str(&format!("<MfaSettings>{nl}"));
        let mut present = Vec::new();
        for (name, v) in picks.iter().zip(&values) {
            let esc = quick_xml::escape::minimal_escape(v.as_str()).into_owned();
            s.push_str(&format!("{indent}<{name}>{esc}</{name}>{nl}"));
            present.push((name.to_string(), v.clone()));
        }
        s.push_str(&format!("</MfaSettings>{nl}"));
        (s.into_bytes(), present)
    }
}

proptest! {
    #[test]
    fn set_then_set_back_gives_the_original_bytes(
        (bytes, present) in document(), new in value(), pick in any::<prop::sample::Index>()
    ) {
        prop_assume!(!present.is_empty());
        let (name, old) = &present[pick.index(present.len())];
        let doc = SettingsDoc::parse(&bytes).unwrap();
        let mut e = doc.edit();
        e.set(name, &new).unwrap();
        let changed = e.finish().unwrap();
        let doc2 = SettingsDoc::parse(&changed).unwrap();
        prop_assert_eq!(doc2.value(name), new.as_str());
        let mut e = doc2.edit();
        e.set(name, old).unwrap();
        prop_assert_eq!(e.finish().unwrap(), bytes);
    }

    #[test]
    fn an_insert_is_one_line_and_without_it_the_original_bytes((bytes, present) in document(), v in value()) {
        let doc = SettingsDoc::parse(&bytes).unwrap();
        let absent: Vec<_> = NAMES.iter().filter(|n| !present.iter().any(|(p, _)| p == *n)).collect();
        prop_assume!(!absent.is_empty());
        let name = absent[0];
        let mut e = doc.edit();
        e.set(name, &v).unwrap();
        let out = e.finish().unwrap();
        let doc2 = SettingsDoc::parse(&out).unwrap();
        prop_assert_eq!(doc2.value(name), v.as_str());
        // Every other setting reads as before.
        for (n, old) in &present {
            prop_assert_eq!(doc2.value(n), old.as_str());
        }
        // The insert is one line of its own: without it, the bytes are the original.
        let el = doc2.get(name).unwrap();
        let line_start = out[..el.start].iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        let line_end = el.end + out[el.end..].iter().position(|b| *b == b'\n').unwrap() + 1;
        prop_assert_eq!([&out[..line_start], &out[line_end..]].concat(), bytes);
    }

    #[test]
    fn parse_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = SettingsDoc::parse(&bytes);
    }
}
