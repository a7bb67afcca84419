//! Near-name matching: the known setting a misspelt element name was
//! probably meant to be (MFA006's "did you mean").

use crate::formats::settings_xml::KNOWN_SETTINGS;
use std::sync::LazyLock;

/// Levenshtein distance, for "did you mean" on misspelt element names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Case, `_` and `-` do not tell two names apart for this match.
fn fold(s: &str) -> String {
    s.to_ascii_lowercase().replace(['_', '-'], "")
}

/// The known setting an unknown element name was probably meant to be.
pub fn near_known_name(name: &str) -> Option<&'static str> {
    // Folded once per run, not once per element of the file.
    static FOLDED: LazyLock<Vec<(&'static str, String)>> =
        LazyLock::new(|| KNOWN_SETTINGS.iter().map(|k| (*k, fold(k))).collect());
    let folded = fold(name);
    let chars = folded.chars().count();
    FOLDED.iter().find_map(|(known, k)| {
        let max = if k.len() > 6 { 2 } else { 1 };
        // Names whose lengths differ by more than `max` cannot be that near,
        // so a long unknown name costs no edit-distance table.
        let near = k.len().abs_diff(chars) <= max && edit_distance(k, &folded) <= max;
        (*k == folded || near).then_some(*known)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names() {
        assert_eq!(near_known_name("CertFilepath"), Some("CertFilePath"));
        assert_eq!(near_known_name("License_Key"), Some("LICENSE_KEY"));
        assert_eq!(near_known_name("LICENCE_KEY"), Some("LICENSE_KEY"));
        assert_eq!(
            near_known_name("CustomPhoneProvidr"),
            Some("CustomPhoneProvider")
        );
        assert_eq!(near_known_name("USERNAME"), Some("Username"));
        assert_eq!(near_known_name("SomethingNew"), None);
    }
}
