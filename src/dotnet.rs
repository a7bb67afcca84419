//! A small reader of .NET (ECMA-335) metadata: enough to tell which public
//! classes of a DLL implement which interfaces, in declaration order.
//!
//! PE headers come from the `object` crate; the CLR header, metadata root,
//! `#~` tables and heaps are read here. Every read is bounds-checked:
//! hostile or truncated input gives an error, never a panic.

use object::FileKind;
use object::pe::{IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR, ImageNtHeaders32, ImageNtHeaders64};
use object::read::pe::{ImageNtHeaders, PeFile};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DotnetError {
    #[error("not a PE file (not a Windows DLL): {0}")]
    NotPe(String),
    #[error(
        "a PE file but not a .NET assembly (no CLR header): a native DLL cannot be a MIM provider"
    )]
    NotDotnet,
    #[error("the .NET metadata is damaged: {0}")]
    Damaged(String),
}

/// Deeper than any compiler's output for a provider; walks stop here so a
/// hostile chain of types (each nested in, or derived from, the one before)
/// costs a bounded walk per type instead of the whole chain: linear, where
/// walking to the end made the reader quadratic.
const MAX_NESTING: usize = 64;
const MAX_INHERITANCE: usize = 256;

fn damaged(what: impl Into<String>) -> DotnetError {
    DotnetError::Damaged(what.into())
}

/// A type defined in the assembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeInfo {
    /// `Namespace.Name`, nested types as `Namespace.Outer+Inner`.
    pub full_name: String,
    /// Visible outside the assembly (public, or nested public in a visible type).
    pub public: bool,
    pub is_abstract: bool,
    pub is_interface: bool,
    /// Interfaces the type declares, in declaration (row) order.
    pub interfaces: Vec<String>,
    /// Interfaces inherited from base classes defined in this assembly.
    pub inherited_interfaces: Vec<String>,
}

impl TypeInfo {
    /// A class MIM could create: public, a class, not abstract.
    pub fn is_creatable_class(&self) -> bool {
        self.public && !self.is_abstract && !self.is_interface
    }

    pub fn implements(&self, interface: &str) -> bool {
        self.interfaces
            .iter()
            .chain(&self.inherited_interfaces)
            .any(|i| i == interface)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assembly {
    pub name: Option<String>,
    pub references: Vec<String>,
    pub types: Vec<TypeInfo>,
}

pub fn read_assembly(data: &[u8]) -> Result<Assembly, DotnetError> {
    let metadata = match FileKind::parse(data) {
        Ok(FileKind::Pe32) => clr_metadata::<ImageNtHeaders32>(data)?,
        Ok(FileKind::Pe64) => clr_metadata::<ImageNtHeaders64>(data)?,
        Ok(other) => return Err(DotnetError::NotPe(format!("it is a {other:?} file"))),
        Err(_) => return Err(DotnetError::NotPe("no PE header".into())),
    };
    Metadata::parse(metadata)?.assembly()
}

/// The metadata block the CLR header points at.
fn clr_metadata<H: ImageNtHeaders>(data: &[u8]) -> Result<&[u8], DotnetError> {
    let pe = PeFile::<H>::parse(data).map_err(|e| DotnetError::NotPe(e.to_string()))?;
    let dir = pe
        .data_directory(IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR)
        .ok_or(DotnetError::NotDotnet)?;
    let (rva, _) = dir.address_range();
    if rva == 0 {
        return Err(DotnetError::NotDotnet);
    }
    let sections = pe.section_table();
    let cor = sections
        .pe_data_at(data, rva)
        .ok_or_else(|| damaged("the CLR header is outside the file"))?;
    let mut c = Cursor::new(cor);
    c.skip(8)?; // cb, runtime version
    let (md_rva, md_size) = (c.u32()?, c.u32()? as usize);
    let md = sections
        .pe_data_at(data, md_rva)
        .ok_or_else(|| damaged("the metadata is outside the file"))?;
    Ok(&md[..md_size.min(md.len())])
}

struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(data: &'a [u8]) -> Self {
        Cursor { data, pos: 0 }
    }
    fn bytes(&mut self, n: usize) -> Result<&'a [u8], DotnetError> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.data.len());
        let end = end.ok_or_else(|| damaged(format!("truncated at byte {}", self.pos)))?;
        let out = &self.data[self.pos..end];
        self.pos = end;
        Ok(out)
    }
    fn skip(&mut self, n: usize) -> Result<(), DotnetError> {
        self.bytes(n).map(|_| ())
    }
    fn u8(&mut self) -> Result<u8, DotnetError> {
        Ok(self.bytes(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, DotnetError> {
        let b = self.bytes(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, DotnetError> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, DotnetError> {
        Ok(u64::from(self.u32()?) | (u64::from(self.u32()?) << 32))
    }
    /// An index of 2 or 4 bytes.
    fn index(&mut self, wide: bool) -> Result<u32, DotnetError> {
        if wide {
            self.u32()
        } else {
            self.u16().map(u32::from)
        }
    }
}

// Table numbers (ECMA-335 II.22).
const MODULE: usize = 0x00;
const TYPE_REF: usize = 0x01;
const TYPE_DEF: usize = 0x02;
const FIELD: usize = 0x04;
const METHOD_DEF: usize = 0x06;
const PARAM: usize = 0x08;
const INTERFACE_IMPL: usize = 0x09;
const MEMBER_REF: usize = 0x0A;
const DECL_SECURITY: usize = 0x0E;
const STAND_ALONE_SIG: usize = 0x11;
const EVENT: usize = 0x14;
const PROPERTY: usize = 0x17;
const MODULE_REF: usize = 0x1A;
const TYPE_SPEC: usize = 0x1B;
const ASSEMBLY: usize = 0x20;
const ASSEMBLY_REF: usize = 0x23;
const FILE: usize = 0x26;
const EXPORTED_TYPE: usize = 0x27;
const MANIFEST_RESOURCE: usize = 0x28;
const NESTED_CLASS: usize = 0x29;
const GENERIC_PARAM: usize = 0x2A;
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

struct Metadata<'a> {
    strings: &'a [u8],
    rows: [u32; 64],
    wide_str: bool,
    wide_guid: bool,
    wide_blob: bool,
    /// Byte offset of each table inside `tables`, and its row size.
    layout: [(usize, usize); TABLE_COUNT],
    tables: &'a [u8],
}

impl<'a> Metadata<'a> {
    fn parse(md: &'a [u8]) -> Result<Self, DotnetError> {
        let mut c = Cursor::new(md);
        if c.u32()? != 0x424A_5342 {
            return Err(damaged("no metadata signature (BSJB)"));
        }
        c.skip(8)?; // major, minor, reserved
        let version_len = c.u32()? as usize;
        c.skip(version_len)?;
        c.skip(2)?; // flags
        let stream_count = c.u16()?;
        let (mut tables, mut strings) = (None, None);
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
                _ => {}
            }
        }
        let tables = tables.ok_or_else(|| damaged("no #~ table stream"))?;
        let strings = strings.ok_or_else(|| damaged("no #Strings heap"))?;
        Self::parse_tables(tables, strings)
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

    /// The columns of row `row` (1-based) of `table`, widened to u32.
    fn row(&self, table: usize, row: u32) -> Result<Vec<u32>, DotnetError> {
        if row == 0 || row > self.rows[table] {
            return Err(damaged(format!(
                "row {row} of table 0x{table:02x} does not exist"
            )));
        }
        let (offset, size) = self.layout[table];
        let start = offset + (row as usize - 1) * size;
        let mut c = Cursor::new(&self.tables[start..start + size]);
        schema(table)
            .iter()
            .map(|col| match *col {
                U8 => c.u8().map(u32::from),
                U16 => c.u16().map(u32::from),
                U32 => c.u32(),
                other => c.index(self.col_size(other) == 4),
            })
            .collect()
    }

    fn string(&self, index: u32) -> Result<String, DotnetError> {
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

    fn qualified(&self, namespace: u32, name: u32) -> Result<String, DotnetError> {
        let (ns, name) = (self.string(namespace)?, self.string(name)?);
        Ok(if ns.is_empty() {
            name
        } else {
            format!("{ns}.{name}")
        })
    }

    /// Full name of a TypeDefOrRef coded index.
    fn type_name(&self, coded: u32) -> Result<String, DotnetError> {
        let (tag, row) = (coded & 0b11, coded >> 2);
        match tag {
            0 => {
                let r = self.row(TYPE_DEF, row)?;
                self.qualified(r[2], r[1])
            }
            1 => {
                let r = self.row(TYPE_REF, row)?;
                self.qualified(r[2], r[1])
            }
            2 => Ok("(generic interface instance)".into()),
            _ => Err(damaged("a bad TypeDefOrRef tag")),
        }
    }

    fn assembly(&self) -> Result<Assembly, DotnetError> {
        let name = if self.rows[ASSEMBLY] > 0 {
            Some(self.string(self.row(ASSEMBLY, 1)?[7])?)
        } else {
            None
        };
        let references = (1..=self.rows[ASSEMBLY_REF])
            .map(|r| self.string(self.row(ASSEMBLY_REF, r)?[6]))
            .collect::<Result<_, _>>()?;

        let type_count = self.rows[TYPE_DEF] as usize;
        // Enclosing type of each nested type (index = TypeDef row - 1).
        let mut enclosing = vec![0u32; type_count];
        for r in 1..=self.rows[NESTED_CLASS] {
            let row = self.row(NESTED_CLASS, r)?;
            if let Some(slot) = enclosing.get_mut((row[0] as usize).wrapping_sub(1)) {
                *slot = row[1];
            }
        }
        let mut interfaces = vec![Vec::new(); type_count];
        for r in 1..=self.rows[INTERFACE_IMPL] {
            let row = self.row(INTERFACE_IMPL, r)?;
            let name = self.type_name(row[1])?;
            if let Some(list) = interfaces.get_mut((row[0] as usize).wrapping_sub(1)) {
                list.push(name);
            }
        }
        let defs: Vec<Vec<u32>> = (1..=self.rows[TYPE_DEF])
            .map(|r| self.row(TYPE_DEF, r))
            .collect::<Result<_, _>>()?;

        let mut types = Vec::with_capacity(type_count);
        for (i, def) in defs.iter().enumerate() {
            let flags = def[0];
            types.push(TypeInfo {
                full_name: self.nested_name(i, &defs, &enclosing)?,
                public: visible(i, &defs, &enclosing),
                is_abstract: flags & 0x80 != 0,
                is_interface: flags & 0x20 != 0,
                interfaces: interfaces[i].clone(),
                inherited_interfaces: inherited(i, &defs, &interfaces),
            });
        }
        // `<Module>` is the pseudo-type holding globals.
        types.retain(|t| t.full_name != "<Module>");
        Ok(Assembly {
            name,
            references,
            types,
        })
    }

    fn nested_name(
        &self,
        i: usize,
        defs: &[Vec<u32>],
        enclosing: &[u32],
    ) -> Result<String, DotnetError> {
        let mut name = self.qualified(defs[i][2], defs[i][1])?;
        let mut at = i;
        // Bounded walk: a cycle in hostile metadata must not loop forever.
        for depth in 0.. {
            let outer = enclosing[at] as usize;
            if outer == 0 || outer > defs.len() {
                break;
            }
            if depth == MAX_NESTING {
                return Err(damaged(format!(
                    "a type nested more than {MAX_NESTING} deep (or nested in itself)"
                )));
            }
            at = outer - 1;
            name = format!("{}+{name}", self.qualified(defs[at][2], defs[at][1])?);
        }
        Ok(name)
    }
}

/// Public, or nested public all the way out to a public type.
fn visible(i: usize, defs: &[Vec<u32>], enclosing: &[u32]) -> bool {
    let mut at = i;
    for _ in 0..=MAX_NESTING {
        match defs[at][0] & 0x7 {
            1 => return true, // Public
            2 => match enclosing[at] as usize {
                // NestedPublic
                outer if outer >= 1 && outer <= defs.len() => at = outer - 1,
                _ => return false,
            },
            _ => return false,
        }
    }
    false
}

/// Interfaces of base classes defined in this assembly (walk `Extends`).
fn inherited(i: usize, defs: &[Vec<u32>], interfaces: &[Vec<String>]) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = i;
    for _ in 0..MAX_INHERITANCE.min(defs.len()) {
        let extends = defs[at][3];
        // Tag 0 = TypeDef (a base in this assembly).
        if extends & 0b11 != 0 || extends >> 2 == 0 || (extends >> 2) as usize > defs.len() {
            break;
        }
        at = (extends >> 2) as usize - 1;
        out.extend(interfaces[at].iter().cloned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dotnet/");

    /// A chain of 20,000 types, each derived from (and nested in) the one
    /// before: every walk stops at its cap, so reading it is linear.
    #[test]
    fn chains_of_types_are_walked_a_bounded_way() {
        let n = 20_000u32;
        // TypeDef rows: flags (NestedPublic), name, namespace, Extends = the
        // previous TypeDef (coded index, tag 0).
        let defs: Vec<Vec<u32>> = (1..=n).map(|r| vec![2, 0, 0, (r - 1) << 2]).collect();
        let enclosing: Vec<u32> = (0..n).collect();
        let interfaces = vec![vec!["I".to_string()]; n as usize];
        let last = n as usize - 1;
        assert_eq!(inherited(last, &defs, &interfaces).len(), MAX_INHERITANCE);
        assert!(
            !visible(last, &defs, &enclosing),
            "no public type within the cap"
        );
    }

    fn read(name: &str) -> Result<Assembly, DotnetError> {
        read_assembly(&std::fs::read(format!("{FIX}{name}")).unwrap())
    }

    const PHONE: &str = "Microsoft.IdentityManagement.PhoneServiceProvider.IPhoneServiceProvider";

    #[test]
    fn reads_the_good_provider() {
        let a = read("CustomPhoneGate.dll").unwrap();
        assert_eq!(a.name.as_deref(), Some("CustomPhoneGate"));
        assert!(
            a.references
                .iter()
                .any(|r| r == "Microsoft.IdentityManagement.PhoneServiceProviderContract")
        );
        let gate = a
            .types
            .iter()
            .find(|t| t.full_name == "Contoso.Mim.CustomPhoneGate")
            .unwrap();
        assert!(gate.is_creatable_class());
        assert_eq!(
            gate.interfaces,
            vec!["System.IDisposable".to_string(), PHONE.to_string()]
        );
        let helper = a
            .types
            .iter()
            .find(|t| t.full_name == "Contoso.Mim.Helper")
            .unwrap();
        assert!(!helper.public);
    }

    #[test]
    fn nested_and_inherited_implementations() {
        let a = read("NestedPhone.dll").unwrap();
        let gate = a
            .types
            .iter()
            .find(|t| t.full_name == "Contoso.Nested.Outer+Gate")
            .unwrap();
        assert!(gate.public && gate.implements(PHONE));
        let a = read("InheritedPhone.dll").unwrap();
        let gate = a
            .types
            .iter()
            .find(|t| t.full_name == "Contoso.Inherited.Gate")
            .unwrap();
        assert!(gate.is_creatable_class() && gate.implements(PHONE) && gate.interfaces.is_empty());
    }

    #[test]
    fn abstract_internal_and_private_nested_are_not_creatable() {
        let a = read("AbstractInternalPhone.dll").unwrap();
        let impls: Vec<_> = a.types.iter().filter(|t| t.implements(PHONE)).collect();
        assert_eq!(impls.len(), 3);
        assert!(impls.iter().all(|t| !t.is_creatable_class()), "{impls:?}");
    }

    #[test]
    fn interface_order_is_declaration_order() {
        let first = read("sms-first/SmsServiceProvider.dll").unwrap();
        let second = read("sms-second/SmsServiceProvider.dll").unwrap();
        let sms = "Microsoft.IdentityManagement.SmsServiceProvider.ISmsServiceProvider";
        let class = |a: &Assembly| {
            a.types
                .iter()
                .find(|t| t.full_name == "Contoso.Sms.SmsServiceProvider")
                .unwrap()
                .interfaces
                .clone()
        };
        assert_eq!(class(&first)[0], sms);
        assert_eq!(class(&second)[1], sms);
    }

    #[test]
    fn not_pe_and_truncated_input_give_errors_not_panics() {
        assert!(matches!(read("NotPe.dll"), Err(DotnetError::NotPe(_))));
        let good = std::fs::read(format!("{FIX}CustomPhoneGate.dll")).unwrap();
        for cut in (0..good.len()).step_by(7) {
            let _ = read_assembly(&good[..cut]);
        }
        // Flip bytes all over the file: still no panic.
        for i in (0..good.len()).step_by(3) {
            let mut bad = good.clone();
            bad[i] ^= 0xFF;
            let _ = read_assembly(&bad);
        }
    }
}
