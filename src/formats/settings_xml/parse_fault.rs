//! Where and why a settings file could not be read: the fault kinds, the
//! error with its line and column, and the forward-only line counter.

use std::error::Error;
use std::fmt;

pub(super) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// What kind of fault made a file unreadable as a settings document (the
/// check catalogue maps each to its finding: MFA002, MFA003, MFA008).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Not well-formed XML.
    Malformed,
    /// A DOCTYPE or entity declaration.
    Declaration,
    /// Not UTF-8 (or a BOM/declaration of another encoding).
    Encoding,
}

impl Fault {
    /// The finding this fault is (checks::catalogue holds its wording;
    /// its test proves each code is there).
    pub fn code(self) -> &'static str {
        match self {
            Fault::Malformed => "MFA002",
            Fault::Declaration => "MFA003",
            Fault::Encoding => "MFA008",
        }
    }
}

/// Why a file could not be read as a settings document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocError {
    pub fault: Fault,
    pub message: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl Error for DocError {}

pub(super) fn error_at(
    bytes: &[u8],
    offset: usize,
    fault: Fault,
    msg: impl Into<String>,
) -> DocError {
    let (line, column) = line_col(bytes, offset);
    DocError {
        fault,
        message: msg.into(),
        line,
        column,
    }
}

/// Line and column of offsets that only grow, in one pass over the bytes:
/// rescanning from byte 0 for each element made a parse quadratic (a 1 MiB
/// file of small elements took seconds; all on one line, far longer).
pub(super) struct LineCursor {
    pos: usize,
    line: usize,
    column: usize,
}

impl LineCursor {
    /// A cursor at the start of the text (after a BOM, which is no column).
    pub(super) fn new(bom_len: usize) -> Self {
        LineCursor {
            pos: bom_len,
            line: 1,
            column: 1,
        }
    }

    /// 1-based line and column of `offset`, as [`line_col`] gives them.
    pub(super) fn advance(&mut self, bytes: &[u8], offset: usize) -> (usize, usize) {
        let offset = offset.min(bytes.len());
        if offset < self.pos {
            return line_col(bytes, offset);
        }
        for b in &bytes[self.pos..offset] {
            if *b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if (*b & 0xC0) != 0x80 {
                self.column += 1;
            }
        }
        self.pos = offset;
        (self.line, self.column)
    }
}

/// 1-based line and column (in characters; a BOM does not count).
pub fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    let mut segment = &before[line_start..];
    if line_start == 0 && segment.starts_with(UTF8_BOM) {
        segment = &segment[3..];
    }
    // Count characters, not bytes: skip UTF-8 continuation bytes.
    let column = segment.iter().filter(|b| (**b & 0xC0) != 0x80).count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::settings_xml::settings_doc::tests::STOCK;

    #[test]
    fn the_running_cursor_agrees_with_line_col_at_every_offset() {
        let text = format!("{STOCK}<é ü>\n\n  ünïcödé\r\n");
        let bytes = text.as_bytes();
        let mut cursor = LineCursor::new(UTF8_BOM.len());
        for offset in UTF8_BOM.len()..=bytes.len() {
            assert_eq!(
                cursor.advance(bytes, offset),
                line_col(bytes, offset),
                "offset {offset}"
            );
        }
        // A step back is answered too (by a rescan), and the cursor goes on.
        assert_eq!(cursor.advance(bytes, 10), line_col(bytes, 10));
    }
}
