//! Reading a settings file from disk: a regular file under the size cap.

use crate::formats::bounded::{self, SETTINGS_CAP};
use std::io;
use std::path::Path;

/// The stock MfaSettings.xml is about 1 KB; anything past this is not one.
const MAX_SETTINGS_BYTES: u64 = SETTINGS_CAP;

/// Read a settings file: a regular file only, refusing one too large to be
/// real (counted while reading).
pub fn read_settings_file(path: &Path) -> io::Result<Vec<u8>> {
    bounded::read_file(path, MAX_SETTINGS_BYTES).map_err(|e| {
        if e.kind() == io::ErrorKind::InvalidData {
            io::Error::new(
                e.kind(),
                format!("{e}; a real MfaSettings.xml is a few KB (limit {MAX_SETTINGS_BYTES})"),
            )
        } else {
            e
        }
    })
}
