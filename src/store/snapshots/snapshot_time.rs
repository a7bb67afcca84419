//! Time in snapshot ids: the compact UTC stamp and the first unused id.

use time::OffsetDateTime;

/// `YYYYMMDDTHHMMSSZ`.
pub fn compact_utc(t: OffsetDateTime) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `stamp`, or `stamp-2`, `stamp-3`, … : the first id not in `taken`.
pub(crate) fn unused_id(stamp: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                stamp.to_string()
            } else {
                format!("{stamp}-{n}")
            }
        })
        .find(|id| !taken(id))
        .expect("an unused id exists")
}
