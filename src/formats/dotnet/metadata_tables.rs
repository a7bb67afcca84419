//! The metadata root, its streams and the `#~` tables (ECMA-335 II.24):
//! where each table starts, how wide each column is, and the heaps its
//! string and blob columns index. Rows come out column by column; the
//! named rows are decoded in `metadata_rows`.

use super::metadata_cursor::{Cursor, compressed};
use super::{DotnetError, damaged};

// Table numbers (ECMA-335 II.22).
const MODULE: usize = 0x00;
pub(super) const TYPE_REF: usize = 0x01;
pub(super) const TYPE_DEF: usize = 0x02;
const FIELD: usize = 0x04;
pub(super) const METHOD_DEF: usize = 0x06;
const PARAM: usize = 0x08;
pub(super) const INTERFACE_IMPL: usize = 0x09;
const MEMBER_REF: usize = 0x0A;
const DECL_SECURITY: usize = 0x0E;
const STAND_ALONE_SIG: usize = 0x11;
const EVENT: usize = 0x14;
const PROPERTY: usize = 0x17;
const MODULE_REF: usize = 0x1A;
pub(super) const TYPE_SPEC: usize = 0x1B;
pub(super) const ASSEMBLY: usize = 0x20;
pub(super) const ASSEMBLY_REF: usize = 0x23;
const FILE: usize = 0x26;
const EXPORTED_TYPE: usize = 0x27;
const MANIFEST_RESOURCE: usize = 0x28;
pub(super) const NESTED_CLASS: usize = 0x29;
pub(super) const GENERIC_PARAM: usize = 0x2A;
const METHOD_SPEC: usize = 0x2B;
const GENERIC_PARAM_CONSTRAINT: usize = 0x2C;
const TABLE_COUNT: usize = 0x2D;

/// Coded index kinds: (tag bits, tables; `None` for unused tags).
const TYPE_DEF_OR_REF: (u32, &[Option<usize>]) =
    (2, &[Some(TYPE_DEF), Some(TYPE_REF), Some(TYPE_SPEC)]);
const HAS_CONSTANT: (u32, &[Option<usize>]) = (2, &[Some(FIELD), Some(PARAM), Some(PROPERTY)]);
const HAS_CUSTOM_ATTRIBUTE: (u32, &[Option<usize>]) = (
    5,
    &[
        Some(METHOD_DEF),
        Some(FIELD),
        Some(TYPE_REF),
        Some(TYPE_DEF),
        Some(PARAM),
        Some(INTERFACE_IMPL),
        Some(MEMBER_REF),
        Some(MODULE),
        Some(DECL_SECURITY),
        Some(PROPERTY),
        Some(EVENT),
        Some(STAND_ALONE_SIG),
        Some(MODULE_REF),
        Some(TYPE_SPEC),
        Some(ASSEMBLY),
        Some(ASSEMBLY_REF),
        Some(FILE),
        Some(EXPORTED_TYPE),
        Some(MANIFEST_RESOURCE),
        Some(GENERIC_PARAM),
        Some(GENERIC_PARAM_CONSTRAINT),
        Some(METHOD_SPEC),
    ],
);
const HAS_FIELD_MARSHAL: (u32, &[Option<usize>]) = (1, &[Some(FIELD), Some(PARAM)]);
const HAS_DECL_SECURITY: (u32, &[Option<usize>]) =
    (2, &[Some(TYPE_DEF), Some(METHOD_DEF), Some(ASSEMBLY)]);
const MEMBER_REF_PARENT: (u32, &[Option<usize>]) = (
    3,
    &[
        Some(TYPE_DEF),
        Some(TYPE_REF),
        Some(MODULE_REF),
        Some(METHOD_DEF),
        Some(TYPE_SPEC),
    ],
);
const HAS_SEMANTICS: (u32, &[Option<usize>]) = (1, &[Some(EVENT), Some(PROPERTY)]);
const METHOD_DEF_OR_REF: (u32, &[Option<usize>]) = (1, &[Some(METHOD_DEF), Some(MEMBER_REF)]);
const MEMBER_FORWARDED: (u32, &[Option<usize>]) = (1, &[Some(FIELD), Some(METHOD_DEF)]);
const IMPLEMENTATION: (u32, &[Option<usize>]) =
    (2, &[Some(FILE), Some(ASSEMBLY_REF), Some(EXPORTED_TYPE)]);
const CUSTOM_ATTRIBUTE_TYPE: (u32, &[Option<usize>]) =
    (3, &[None, None, Some(METHOD_DEF), Some(MEMBER_REF), None]);
const RESOLUTION_SCOPE: (u32, &[Option<usize>]) = (
    2,
    &[
        Some(MODULE),
        Some(MODULE_REF),
        Some(ASSEMBLY_REF),
        Some(TYPE_REF),
    ],
);
const TYPE_OR_METHOD_DEF: (u32, &[Option<usize>]) = (1, &[Some(TYPE_DEF), Some(METHOD_DEF)]);

#[derive(Clone, Copy)]
enum Col {
    U8,
    U16,
    U32,
    Str,
    Guid,
    Blob,
    Table(usize),
    Coded((u32, &'static [Option<usize>])),
}

use Col::*;

/// The columns of every table up to GenericParamConstraint, so the offset of
/// any table can be computed.
fn schema(table: usize) -> &'static [Col] {
    match table {
        0x00 => &[U16, Str, Guid, Guid, Guid],
        0x01 => &[Coded(RESOLUTION_SCOPE), Str, Str],
        0x02 => &[
            U32,
            Str,
            Str,
            Coded(TYPE_DEF_OR_REF),
            Table(FIELD),
            Table(METHOD_DEF),
        ],
        0x03 => &[Table(FIELD)],
        0x04 => &[U16, Str, Blob],
        0x05 => &[Table(METHOD_DEF)],
        0x06 => &[U32, U16, U16, Str, Blob, Table(PARAM)],
        0x07 => &[Table(PARAM)],
        0x08 => &[U16, U16, Str],
        0x09 => &[Table(TYPE_DEF), Coded(TYPE_DEF_OR_REF)],
        0x0A => &[Coded(MEMBER_REF_PARENT), Str, Blob],
        0x0B => &[U8, U8, Coded(HAS_CONSTANT), Blob],
        0x0C => &[
            Coded(HAS_CUSTOM_ATTRIBUTE),
            Coded(CUSTOM_ATTRIBUTE_TYPE),
            Blob,
        ],
        0x0D => &[Coded(HAS_FIELD_MARSHAL), Blob],
        0x0E => &[U16, Coded(HAS_DECL_SECURITY), Blob],
        0x0F => &[U16, U32, Table(TYPE_DEF)],
        0x10 => &[U32, Table(FIELD)],
        0x11 => &[Blob],
        0x12 => &[Table(TYPE_DEF), Table(EVENT)],
        0x13 => &[Table(EVENT)],
        0x14 => &[U16, Str, Coded(TYPE_DEF_OR_REF)],
        0x15 => &[Table(TYPE_DEF), Table(PROPERTY)],
        0x16 => &[Table(PROPERTY)],
        0x17 => &[U16, Str, Blob],
        0x18 => &[U16, Table(METHOD_DEF), Coded(HAS_SEMANTICS)],
        0x19 => &[
            Table(TYPE_DEF),
            Coded(METHOD_DEF_OR_REF),
            Coded(METHOD_DEF_OR_REF),
        ],
        0x1A => &[Str],
        0x1B => &[Blob],
        0x1C => &[U16, Coded(MEMBER_FORWARDED), Str, Table(MODULE_REF)],
        0x1D => &[U32, Table(FIELD)],
        0x1E => &[U32, U32],
        0x1F => &[U32],
        0x20 => &[U32, U16, U16, U16, U16, U32, Blob, Str, Str],
        0x21 => &[U32],
        0x22 => &[U32, U32, U32],
        0x23 => &[U16, U16, U16, U16, U32, Blob, Str, Str, Blob],
        0x24 => &[U32, Table(ASSEMBLY_REF)],
        0x25 => &[U32, U32, U32, Table(ASSEMBLY_REF)],
        0x26 => &[U32, Str, Blob],
        0x27 => &[U32, U32, Str, Str, Coded(IMPLEMENTATION)],
        0x28 => &[U32, U32, Str, Coded(IMPLEMENTATION)],
        0x29 => &[Table(TYPE_DEF), Table(TYPE_DEF)],
        0x2A => &[U16, U16, Coded(TYPE_OR_METHOD_DEF), Str],
        0x2B => &[Coded(METHOD_DEF_OR_REF), Blob],
        0x2C => &[Table(GENERIC_PARAM), Coded(TYPE_DEF_OR_REF)],
        _ => &[],
    }
}

pub(super) struct Metadata<'a> {
    strings: &'a [u8],
    blobs: &'a [u8],
    runtime_version: String,
    rows: [u32; 64],
    wide_str: bool,
    wide_guid: bool,
    wide_blob: bool,
    /// Byte offset of each table inside `tables`, and its row size.
    layout: [(usize, usize); TABLE_COUNT],
    tables: &'a [u8],
}

impl<'a> Metadata<'a> {
    pub(super) fn parse(md: &'a [u8]) -> Result<Self, DotnetError> {
        let mut c = Cursor::new(md);
        if c.u32()? != 0x424A_5342 {
            return Err(damaged("no metadata signature (BSJB)"));
        }
        c.skip(8)?; // major, minor, reserved
        let version_len = c.u32()? as usize;
        let version = c.bytes(version_len)?;
        let version = version.split(|b| *b == 0).next().unwrap_or_default();
        let runtime_version = String::from_utf8_lossy(version).into_owned();
        c.skip(2)?; // flags
        let stream_count = c.u16()?;
        let (mut tables, mut strings, mut blobs) = (None, None, None);
        for _ in 0..stream_count {
            let (offset, size) = (c.u32()? as usize, c.u32()? as usize);
            let name_start = c.pos;
            let mut name = Vec::new();
            loop {
                match c.u8()? {
                    0 => break,
                    b if name.len() < 32 => name.push(b),
                    _ => return Err(damaged("a stream name is too long")),
                }
            }
            // Names are padded to a 4-byte boundary.
            let used = c.pos - name_start;
            c.skip((4 - used % 4) % 4)?;
            let end = offset.checked_add(size).filter(|e| *e <= md.len());
            let body = end.map(|e| &md[offset..e]).ok_or_else(|| {
                damaged(format!(
                    "stream {} lies outside the metadata",
                    String::from_utf8_lossy(&name)
                ))
            })?;
            match name.as_slice() {
                b"#~" | b"#-" => tables = Some(body),
                b"#Strings" => strings = Some(body),
                b"#Blob" => blobs = Some(body),
                _ => {}
            }
        }
        let tables = tables.ok_or_else(|| damaged("no #~ table stream"))?;
        let strings = strings.ok_or_else(|| damaged("no #Strings heap"))?;
        let mut md = Self::parse_tables(tables, strings)?;
        // A compiler always writes #Blob (signatures live there); without
        // one every blob reads as empty.
        md.blobs = blobs.unwrap_or_default();
        md.runtime_version = runtime_version;
        Ok(md)
    }

    fn parse_tables(stream: &'a [u8], strings: &'a [u8]) -> Result<Self, DotnetError> {
        let mut c = Cursor::new(stream);
        c.skip(6)?; // reserved, major, minor
        let heap_sizes = c.u8()?;
        c.skip(1)?;
        let valid = c.u64()?;
        c.skip(8)?; // sorted
        let mut rows = [0u32; 64];
        for (t, row) in rows.iter_mut().enumerate() {
            if valid & (1 << t) != 0 {
                *row = c.u32()?;
            }
        }
        if heap_sizes & 0x40 != 0 {
            c.skip(4)?; // extra data (edit-and-continue)
        }
        let mut md = Metadata {
            strings,
            blobs: &[],
            runtime_version: String::new(),
            rows,
            wide_str: heap_sizes & 0x01 != 0,
            wide_guid: heap_sizes & 0x02 != 0,
            wide_blob: heap_sizes & 0x04 != 0,
            layout: [(0, 0); TABLE_COUNT],
            tables: &stream[c.pos..],
        };
        let mut offset = 0usize;
        for t in 0..TABLE_COUNT {
            let row_size: usize = schema(t).iter().map(|col| md.col_size(*col)).sum();
            md.layout[t] = (offset, row_size);
            let bytes = (md.rows[t] as usize)
                .checked_mul(row_size)
                .and_then(|b| b.checked_add(offset))
                .filter(|end| *end <= md.tables.len())
                .ok_or_else(|| {
                    damaged(format!("table 0x{t:02x} runs past the end of the metadata"))
                })?;
            offset = bytes;
        }
        Ok(md)
    }

    fn col_size(&self, col: Col) -> usize {
        let wide = match col {
            U8 => return 1,
            U16 => return 2,
            U32 => return 4,
            Str => self.wide_str,
            Guid => self.wide_guid,
            Blob => self.wide_blob,
            Table(t) => self.rows[t] >= 1 << 16,
            Coded((bits, tables)) => {
                let max = tables
                    .iter()
                    .flatten()
                    .map(|t| self.rows[*t])
                    .max()
                    .unwrap_or(0);
                max >= 1 << (16 - bits)
            }
        };
        if wide { 4 } else { 2 }
    }

    /// A reader of the columns of row `row` (1-based) of `table`, in
    /// schema order, each widened to u32.
    pub(super) fn columns(&self, table: usize, row: u32) -> Result<Columns<'_, 'a>, DotnetError> {
        if row == 0 || row > self.rows[table] {
            return Err(damaged(format!(
                "row {row} of table 0x{table:02x} does not exist"
            )));
        }
        let (offset, size) = self.layout[table];
        let start = offset + (row as usize - 1) * size;
        Ok(Columns {
            md: self,
            cols: schema(table).iter(),
            cursor: Cursor::new(&self.tables[start..start + size]),
        })
    }

    pub(super) fn string(&self, index: u32) -> Result<String, DotnetError> {
        let tail = self
            .strings
            .get(index as usize..)
            .ok_or_else(|| damaged(format!("string index {index} is outside the #Strings heap")))?;
        let end = tail
            .iter()
            .position(|b| *b == 0)
            .ok_or_else(|| damaged("an unterminated string"))?;
        Ok(String::from_utf8_lossy(&tail[..end]).into_owned())
    }

    /// A blob: compressed length (ECMA-335 II.24.2.4), then the bytes.
    pub(super) fn blob(&self, index: u32) -> Result<&'a [u8], DotnetError> {
        let outside = || damaged(format!("blob index {index} is outside the #Blob heap"));
        let tail = self.blobs.get(index as usize..).ok_or_else(outside)?;
        let (len, used) = compressed(tail).ok_or_else(outside)?;
        tail.get(used..used + len as usize).ok_or_else(outside)
    }

    pub(super) fn qualified(&self, namespace: u32, name: u32) -> Result<String, DotnetError> {
        let (ns, name) = (self.string(namespace)?, self.string(name)?);
        Ok(if ns.is_empty() {
            name
        } else {
            format!("{ns}.{name}")
        })
    }

    pub(super) fn runtime_version(&self) -> &str {
        &self.runtime_version
    }

    /// How many rows `table` has.
    pub(super) fn row_count(&self, table: usize) -> u32 {
        self.rows[table]
    }
}

/// The columns of one row, read in order.
pub(super) struct Columns<'m, 'a> {
    md: &'m Metadata<'a>,
    cols: std::slice::Iter<'static, Col>,
    cursor: Cursor<'a>,
}

impl Columns<'_, '_> {
    pub(super) fn next(&mut self) -> Result<u32, DotnetError> {
        let col = *self
            .cols
            .next()
            .ok_or_else(|| damaged("a row read past its last column"))?;
        match col {
            U8 => self.cursor.u8().map(u32::from),
            U16 => self.cursor.u16().map(u32::from),
            U32 => self.cursor.u32(),
            other => self.cursor.index(self.md.col_size(other) == 4),
        }
    }
}
