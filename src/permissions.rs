//! "Readable by other users" (MFA050, MFA051), per OS.

use std::path::Path;

#[cfg(unix)]
pub const FIX_HINT: &str = "chmod 600 the file (mimmfa writes it owner-only)";
#[cfg(not(unix))]
pub const FIX_HINT: &str = "remove Everyone, Users and Authenticated Users from the file's ACL";

/// Who besides the owner can read the file, if anyone.
#[cfg(unix)]
pub fn readable_by_others(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    match (mode & 0o040 != 0, mode & 0o004 != 0) {
        (_, true) => Some("every user (mode o+r)".into()),
        (true, false) => Some("the file's group (mode g+r)".into()),
        _ => None,
    }
}

/// Not yet read on Windows: the ACL check (Everyone, Users, Authenticated
/// Users) is an open item, see docs/checks.md. Never a false alarm.
#[cfg(not(unix))]
pub fn readable_by_others(_path: &Path) -> Option<String> {
    None
}
