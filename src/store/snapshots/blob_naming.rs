//! The store's own naming scheme for stored bytes: `<stem>.<sha256>.<ext>`.

use super::index_trust::is_sha256;

/// `<stem>.<sha256>.<ext>`: the name the store gives `original_name`'s bytes.
pub(crate) fn blob_name(original_name: &str, sha: &str) -> String {
    let (stem, ext) = original_name
        .rsplit_once('.')
        .unwrap_or((original_name, "bin"));
    let clean = |s: &str, max: usize, keep_dash: bool| -> String {
        s.chars()
            .filter(|c| c.is_ascii())
            .map(|c| {
                if c.is_ascii_alphanumeric() || (keep_dash && (c == '_' || c == '-')) {
                    c
                } else {
                    '_'
                }
            })
            .take(max)
            .collect()
    };
    let stem = Some(clean(stem, 64, true))
        .filter(|s| !s.is_empty())
        .unwrap_or("file".into());
    let ext = Some(clean(ext, 16, false))
        .filter(|s| !s.is_empty() && !s.contains('_'))
        .unwrap_or("bin".into());
    format!("{stem}.{sha}.{ext}")
}

pub(crate) fn is_blob_name(name: &str, sha: &str) -> bool {
    let mut parts = name.splitn(3, '.');
    let (Some(stem), Some(mid), Some(ext)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    (1..=64).contains(&stem.len())
        && stem
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        && mid == sha
        && (1..=16).contains(&ext.len())
        && ext.bytes().all(|c| c.is_ascii_alphanumeric())
}

/// The sha256 in a stored settings file's name (`MfaSettings.<sha>.xml`).
pub(crate) fn settings_blob_sha(name: &str) -> Option<String> {
    let sha = name.strip_suffix(".xml")?.rsplit_once('.')?.1;
    (is_sha256(sha) && is_blob_name(name, sha)).then(|| sha.to_string())
}
