//! Bounds-checked little-endian reads of metadata bytes, and the
//! compressed integers of blobs: every read of hostile input that runs
//! short is an error, never a panic.

use super::{DotnetError, damaged};

pub(super) struct Cursor<'a> {
    data: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(data: &'a [u8]) -> Self {
        Cursor { data, pos: 0 }
    }
    pub(super) fn bytes(&mut self, n: usize) -> Result<&'a [u8], DotnetError> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.data.len());
        let end = end.ok_or_else(|| damaged(format!("truncated at byte {}", self.pos)))?;
        let out = &self.data[self.pos..end];
        self.pos = end;
        Ok(out)
    }
    pub(super) fn skip(&mut self, n: usize) -> Result<(), DotnetError> {
        self.bytes(n).map(|_| ())
    }
    pub(super) fn u8(&mut self) -> Result<u8, DotnetError> {
        Ok(self.bytes(1)?[0])
    }
    pub(super) fn u16(&mut self) -> Result<u16, DotnetError> {
        let b = self.bytes(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    pub(super) fn u32(&mut self) -> Result<u32, DotnetError> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub(super) fn u64(&mut self) -> Result<u64, DotnetError> {
        Ok(u64::from(self.u32()?) | (u64::from(self.u32()?) << 32))
    }
    /// An index of 2 or 4 bytes.
    pub(super) fn index(&mut self, wide: bool) -> Result<u32, DotnetError> {
        if wide {
            self.u32()
        } else {
            self.u16().map(u32::from)
        }
    }
}

/// An unsigned compressed integer and the bytes it took (ECMA-335 II.23.2).
pub(super) fn compressed(b: &[u8]) -> Option<(u32, usize)> {
    let first = *b.first()?;
    if first & 0x80 == 0 {
        Some((u32::from(first), 1))
    } else if first & 0xC0 == 0x80 {
        Some(((u32::from(first & 0x3F) << 8) | u32::from(*b.get(1)?), 2))
    } else if first & 0xE0 == 0xC0 {
        let rest = b.get(1..4)?;
        let v = (u32::from(first & 0x1F) << 24)
            | (u32::from(rest[0]) << 16)
            | (u32::from(rest[1]) << 8)
            | u32::from(rest[2]);
        Some((v, 4))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compressed integers of blobs, at each width's edges.
    #[test]
    fn compressed_integers() {
        assert_eq!(compressed(&[0x03]), Some((3, 1)));
        assert_eq!(compressed(&[0x7F]), Some((0x7F, 1)));
        assert_eq!(compressed(&[0x80, 0x80]), Some((0x80, 2)));
        assert_eq!(compressed(&[0xBF, 0xFF]), Some((0x3FFF, 2)));
        assert_eq!(compressed(&[0xC0, 0x00, 0x40, 0x00]), Some((0x4000, 4)));
        assert_eq!(
            compressed(&[0xDF, 0xFF, 0xFF, 0xFF]),
            Some((0x1FFF_FFFF, 4))
        );
        assert_eq!(compressed(&[0xC0, 0x00]), None);
        assert_eq!(compressed(&[0xFF]), None);
        assert_eq!(compressed(&[]), None);
    }
}
