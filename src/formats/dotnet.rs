//! A small reader of .NET (ECMA-335) metadata: enough to tell which public
//! classes of a DLL implement which interfaces (in declaration order, and
//! from which assembly), whether the CLR could create them, and what the
//! assembly is built for (platform, runtime, references, strong name).
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
    /// Has generic parameters of its own (or of an enclosing type): an open
    /// generic the CLR cannot create without type arguments.
    pub is_generic: bool,
    /// Declares a public instance constructor without parameters.
    pub has_default_constructor: bool,
    /// Interfaces the type declares, in declaration (row) order.
    pub interfaces: Vec<InterfaceRef>,
    /// Interfaces inherited from base classes defined in this assembly.
    pub inherited_interfaces: Vec<InterfaceRef>,
    /// The first base class, walking up from this type, that another
    /// assembly defines (`class DerivedGate : Contoso.Base.PhoneBase`):
    /// its interfaces are inherited too, and only that assembly knows them.
    /// `System.Object` and other framework bases are left out.
    pub external_base: Option<InterfaceRef>,
}

/// An interface a type implements, and where the CLR will look for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceRef {
    pub name: String,
    pub scope: Scope,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Defined in this assembly (a TypeDef): to the CLR a type of its own,
    /// whatever its name.
    Here,
    /// A TypeRef resolved in the named assembly.
    Assembly(String),
    /// A generic instance, or a TypeRef of another module.
    Other,
}

impl TypeInfo {
    /// A class MIM could create: public, a class, not abstract, not an open
    /// generic, with a public parameterless constructor.
    pub fn is_creatable_class(&self) -> bool {
        self.public
            && !self.is_abstract
            && !self.is_interface
            && !self.is_generic
            && self.has_default_constructor
    }

    /// Every interface, declared ones first.
    pub fn all_interfaces(&self) -> impl Iterator<Item = &InterfaceRef> {
        self.interfaces.iter().chain(&self.inherited_interfaces)
    }

    /// Implements the interface of this full name taken from another
    /// assembly (a local copy of the interface is a different type).
    pub fn implements(&self, interface: &str) -> bool {
        self.all_interfaces()
            .any(|i| i.name == interface && matches!(i.scope, Scope::Assembly(_)))
    }

    /// Implements a local copy of the interface of this full name.
    pub fn implements_local_copy(&self, interface: &str) -> bool {
        self.all_interfaces()
            .any(|i| i.name == interface && i.scope == Scope::Here)
    }
}

/// A reference to another assembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssemblyRef {
    pub name: String,
    pub version: Version,
    /// Lowercase hex, as the CLR prints it; `None` for an unsigned reference.
    pub public_key_token: Option<String>,
}

/// An assembly version: major.minor.build.revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub [u16; 4]);

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [a, b, c, d] = self.0;
        write!(f, "{a}.{b}.{c}.{d}")
    }
}

/// Which processes can load the assembly (CLR header flags and PE machine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// IL only, no bitness required: loads in a 64-bit process.
    AnyCpu,
    /// IL only but marked 32BITREQUIRED, or x86 native code.
    X86Only,
    X64,
    /// Another machine (ARM64, Itanium...), by its PE machine number.
    Other(u16),
}

/// Whether the assembly carries a public key, and is signed with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrongName {
    None,
    /// Public key, but the image was not signed (delay signing).
    DelaySigned,
    Signed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assembly {
    pub name: Option<String>,
    pub version: Option<Version>,
    /// Token of the assembly's own public key.
    pub public_key_token: Option<String>,
    pub strong_name: StrongName,
    pub references: Vec<AssemblyRef>,
    pub types: Vec<TypeInfo>,
    /// The metadata's runtime version string, `v4.0.30319` for .NET
    /// Framework 4 (and for .NET Core, which keeps it).
    pub runtime_version: String,
    pub platform: Platform,
}

pub fn read_assembly(data: &[u8]) -> Result<Assembly, DotnetError> {
    let clr = match FileKind::parse(data) {
        Ok(FileKind::Pe32) => clr_metadata::<ImageNtHeaders32>(data)?,
        Ok(FileKind::Pe64) => clr_metadata::<ImageNtHeaders64>(data)?,
        Ok(other) => return Err(DotnetError::NotPe(format!("it is a {other:?} file"))),
        Err(_) => return Err(DotnetError::NotPe("no PE header".into())),
    };
    let mut assembly = Metadata::parse(clr.metadata)?.assembly()?;
    assembly.platform = clr.platform();
    if assembly.strong_name == StrongName::Signed
        && clr.flags & COMIMAGE_FLAGS_STRONGNAMESIGNED == 0
    {
        assembly.strong_name = StrongName::DelaySigned;
    }
    Ok(assembly)
}

const COMIMAGE_FLAGS_ILONLY: u32 = 0x1;
const COMIMAGE_FLAGS_32BITREQUIRED: u32 = 0x2;
const COMIMAGE_FLAGS_STRONGNAMESIGNED: u32 = 0x8;
const COMIMAGE_FLAGS_32BITPREFERRED: u32 = 0x2_0000;

struct Clr<'a> {
    metadata: &'a [u8],
    flags: u32,
    machine: u16,
}

impl Clr<'_> {
    fn platform(&self) -> Platform {
        use object::pe::{IMAGE_FILE_MACHINE_AMD64, IMAGE_FILE_MACHINE_I386};
        let il_only = self.flags & COMIMAGE_FLAGS_ILONLY != 0;
        // 32BITPREFERRED with 32BITREQUIRED is "Any CPU, prefer 32-bit",
        // which only an exe honours; a DLL with it loads in 64 bits.
        let requires_32 = self.flags & COMIMAGE_FLAGS_32BITREQUIRED != 0
            && self.flags & COMIMAGE_FLAGS_32BITPREFERRED == 0;
        match self.machine {
            IMAGE_FILE_MACHINE_I386 if il_only && !requires_32 => Platform::AnyCpu,
            IMAGE_FILE_MACHINE_I386 => Platform::X86Only,
            IMAGE_FILE_MACHINE_AMD64 => Platform::X64,
            other => Platform::Other(other),
        }
    }
}

/// The metadata block the CLR header points at, and the header's flags.
fn clr_metadata<H: ImageNtHeaders>(data: &[u8]) -> Result<Clr<'_>, DotnetError> {
    let pe = PeFile::<H>::parse(data).map_err(|e| DotnetError::NotPe(e.to_string()))?;
    let machine = pe
        .nt_headers()
        .file_header()
        .machine
        .get(object::LittleEndian);
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
    let flags = c.u32()?;
    let md = sections
        .pe_data_at(data, md_rva)
        .ok_or_else(|| damaged("the metadata is outside the file"))?;
    Ok(Clr {
        metadata: &md[..md_size.min(md.len())],
        flags,
        machine,
    })
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
    fn parse(md: &'a [u8]) -> Result<Self, DotnetError> {
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

    /// A blob: compressed length (ECMA-335 II.24.2.4), then the bytes.
    fn blob(&self, index: u32) -> Result<&'a [u8], DotnetError> {
        let outside = || damaged(format!("blob index {index} is outside the #Blob heap"));
        let tail = self.blobs.get(index as usize..).ok_or_else(outside)?;
        let (len, used) = compressed(tail).ok_or_else(outside)?;
        tail.get(used..used + len as usize).ok_or_else(outside)
    }

    fn qualified(&self, namespace: u32, name: u32) -> Result<String, DotnetError> {
        let (ns, name) = (self.string(namespace)?, self.string(name)?);
        Ok(if ns.is_empty() {
            name
        } else {
            format!("{ns}.{name}")
        })
    }

    /// Full name and scope of a TypeDefOrRef coded index.
    fn interface_ref(&self, coded: u32) -> Result<InterfaceRef, DotnetError> {
        let (tag, row) = (coded & 0b11, coded >> 2);
        match tag {
            0 => {
                let r = self.row(TYPE_DEF, row)?;
                Ok(InterfaceRef {
                    name: self.qualified(r[2], r[1])?,
                    scope: Scope::Here,
                })
            }
            1 => {
                let r = self.row(TYPE_REF, row)?;
                Ok(InterfaceRef {
                    name: self.qualified(r[2], r[1])?,
                    scope: self.resolution_scope(r[0])?,
                })
            }
            2 => Ok(InterfaceRef {
                name: "(generic interface instance)".into(),
                scope: Scope::Other,
            }),
            _ => Err(damaged("a bad TypeDefOrRef tag")),
        }
    }

    /// The assembly a TypeRef resolves in; a nested TypeRef (tag 3) in its
    /// enclosing one's.
    fn resolution_scope(&self, mut coded: u32) -> Result<Scope, DotnetError> {
        for _ in 0..MAX_NESTING {
            let (tag, row) = (coded & 0b11, coded >> 2);
            match tag {
                2 => {
                    let r = self.row(ASSEMBLY_REF, row)?;
                    return Ok(Scope::Assembly(self.string(r[6])?));
                }
                3 => coded = self.row(TYPE_REF, row)?[0],
                _ => return Ok(Scope::Other),
            }
        }
        Err(damaged(format!(
            "a type reference nested more than {MAX_NESTING} deep"
        )))
    }

    fn version(row: &[u32]) -> Version {
        Version([row[0], row[1], row[2], row[3]].map(|v| v as u16))
    }

    fn references(&self) -> Result<Vec<AssemblyRef>, DotnetError> {
        (1..=self.rows[ASSEMBLY_REF])
            .map(|r| {
                let row = self.row(ASSEMBLY_REF, r)?;
                let key = self.blob(row[5])?;
                // Flag 0x1: the blob is the full public key, else its token.
                let public_key_token = match (key.is_empty(), row[4] & 1 != 0) {
                    (true, _) => None,
                    (false, true) => Some(key_token(key)),
                    (false, false) => Some(hex(key)),
                };
                Ok(AssemblyRef {
                    name: self.string(row[6])?,
                    version: Self::version(&row[..4]),
                    public_key_token,
                })
            })
            .collect()
    }

    /// The base class (`Extends`) as a TypeDef index of this assembly: a
    /// TypeDef, or a generic instance of one (`class Gate : GateBase<string>`
    /// extends a TypeSpec whose blob is GENERICINST CLASS <TypeDef> ...).
    fn base_type_def(&self, extends: u32, count: usize) -> Option<usize> {
        let typedef = |coded: u32| match (coded & 0b11, (coded >> 2) as usize) {
            (0, row) if row >= 1 && row <= count => Some(row - 1),
            _ => None,
        };
        match extends & 0b11 {
            0 => typedef(extends),
            2 => {
                let spec = self.row(TYPE_SPEC, extends >> 2).ok()?;
                let sig = self.blob(spec[0]).ok()?;
                // ELEMENT_TYPE_GENERICINST, then CLASS or VALUETYPE.
                if sig.len() < 3 || sig[0] != 0x15 || !matches!(sig[1], 0x12 | 0x11) {
                    return None;
                }
                typedef(compressed(&sig[2..])?.0)
            }
            _ => None,
        }
    }

    /// The base class (`Extends`) when it is a TypeRef into another
    /// assembly, other than the framework's (mscorlib, System.*).
    fn external_base(&self, extends: u32) -> Option<InterfaceRef> {
        if extends & 0b11 != 1 || extends >> 2 == 0 {
            return None;
        }
        let base = self.interface_ref(extends).ok()?;
        match &base.scope {
            Scope::Assembly(a) if !is_framework_name(a) => Some(base),
            _ => None,
        }
    }

    /// Which TypeDefs declare a public instance constructor without
    /// parameters (index = TypeDef row - 1).
    fn default_constructors(&self, defs: &[Vec<u32>]) -> Result<Vec<bool>, DotnetError> {
        let methods = self.rows[METHOD_DEF];
        let mut out = vec![false; defs.len()];
        for (i, def) in defs.iter().enumerate() {
            // A type owns the methods from its MethodList up to the next
            // type's (ECMA-335 II.22.37).
            let first = def[5].max(1);
            let end = defs.get(i + 1).map_or(methods + 1, |next| next[5]);
            for m in first..end.min(methods + 1) {
                let row = self.row(METHOD_DEF, m)?;
                let flags = row[2];
                let public_instance = flags & 0x7 == 0x6 && flags & 0x10 == 0;
                if public_instance && self.string(row[3])? == ".ctor" {
                    let sig = self.blob(row[4])?;
                    if sig.len() >= 2 && compressed(&sig[1..]).is_some_and(|(n, _)| n == 0) {
                        out[i] = true;
                        break;
                    }
                }
            }
        }
        Ok(out)
    }

    /// Which TypeDefs have generic parameters of their own.
    fn generic_types(&self, count: usize) -> Result<Vec<bool>, DotnetError> {
        let mut out = vec![false; count];
        for r in 1..=self.rows[GENERIC_PARAM] {
            let owner = self.row(GENERIC_PARAM, r)?[2];
            // TypeOrMethodDef: tag bit 0 clear for a TypeDef.
            if owner & 1 == 0
                && let Some(slot) = out.get_mut(((owner >> 1) as usize).wrapping_sub(1))
            {
                *slot = true;
            }
        }
        Ok(out)
    }

    fn assembly(&self) -> Result<Assembly, DotnetError> {
        let (mut name, mut version, mut public_key_token) = (None, None, None);
        let mut strong_name = StrongName::None;
        if self.rows[ASSEMBLY] > 0 {
            let row = self.row(ASSEMBLY, 1)?;
            name = Some(self.string(row[7])?);
            version = Some(Self::version(&row[1..5]));
            let key = self.blob(row[6])?;
            if !key.is_empty() {
                public_key_token = Some(key_token(key));
                // Signed or delay-signed: read_assembly tells them apart.
                strong_name = StrongName::Signed;
            }
        }
        let references = self.references()?;

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
            let interface = self.interface_ref(row[1])?;
            if let Some(list) = interfaces.get_mut((row[0] as usize).wrapping_sub(1)) {
                list.push(interface);
            }
        }
        let defs: Vec<Vec<u32>> = (1..=self.rows[TYPE_DEF])
            .map(|r| self.row(TYPE_DEF, r))
            .collect::<Result<_, _>>()?;
        let bases: Vec<Option<usize>> = defs
            .iter()
            .map(|d| self.base_type_def(d[3], defs.len()))
            .collect();
        let external: Vec<Option<InterfaceRef>> =
            defs.iter().map(|d| self.external_base(d[3])).collect();
        let constructors = self.default_constructors(&defs)?;
        let generic = self.generic_types(type_count)?;

        let mut types = Vec::with_capacity(type_count);
        for (i, def) in defs.iter().enumerate() {
            let flags = def[0];
            types.push(TypeInfo {
                full_name: self.nested_name(i, &defs, &enclosing)?,
                public: visible(i, &defs, &enclosing),
                is_abstract: flags & 0x80 != 0,
                is_interface: flags & 0x20 != 0,
                is_generic: any_enclosing(i, &enclosing, |at| generic[at]),
                has_default_constructor: constructors[i],
                interfaces: interfaces[i].clone(),
                inherited_interfaces: inherited(i, &bases, &interfaces),
                external_base: first_external_base(i, &bases, &external),
            });
        }
        // `<Module>` is the pseudo-type holding globals.
        types.retain(|t| t.full_name != "<Module>");
        Ok(Assembly {
            name,
            version,
            public_key_token,
            strong_name,
            references,
            types,
            runtime_version: self.runtime_version.clone(),
            platform: Platform::AnyCpu,
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

/// An unsigned compressed integer and the bytes it took (ECMA-335 II.23.2).
fn compressed(b: &[u8]) -> Option<(u32, usize)> {
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

/// The token the CLR shows for a public key: the last 8 bytes of its SHA-1,
/// reversed.
fn key_token(public_key: &[u8]) -> String {
    use sha1::Digest;
    let hash = sha1::Sha1::digest(public_key);
    hash[hash.len() - 8..]
        .iter()
        .rev()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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

/// Whether the type or a type it is nested in (up to the cap) passes `test`.
fn any_enclosing(i: usize, enclosing: &[u32], test: impl Fn(usize) -> bool) -> bool {
    let mut at = i;
    for _ in 0..=MAX_NESTING {
        if test(at) {
            return true;
        }
        match enclosing[at] as usize {
            outer if outer >= 1 && outer <= enclosing.len() => at = outer - 1,
            _ => return false,
        }
    }
    false
}

/// Assembly names of the .NET Framework itself (mscorlib, System,
/// System.*, netstandard...): bases taken from them carry no provider
/// interface, and the CLR finds them without looking in any folder.
pub fn is_framework_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "mscorlib",
        "system",
        "netstandard",
        "windowsbase",
        "microsoft.csharp",
        "microsoft.visualbasic",
    ]
    .contains(&n.as_str())
        || n.starts_with("system.")
        || n.starts_with("presentation")
}

/// The external base reached by walking this type's local bases.
fn first_external_base(
    i: usize,
    bases: &[Option<usize>],
    external: &[Option<InterfaceRef>],
) -> Option<InterfaceRef> {
    let mut at = i;
    for _ in 0..=MAX_INHERITANCE.min(bases.len()) {
        if let Some(e) = &external[at] {
            return Some(e.clone());
        }
        at = bases[at]?;
    }
    None
}

/// Interfaces of base classes defined in this assembly (walk `Extends`).
fn inherited(
    i: usize,
    bases: &[Option<usize>],
    interfaces: &[Vec<InterfaceRef>],
) -> Vec<InterfaceRef> {
    let mut out = Vec::new();
    let mut at = i;
    for _ in 0..MAX_INHERITANCE.min(bases.len()) {
        let Some(base) = bases[at] else { break };
        at = base;
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
        // previous TypeDef (coded index, tag 0); its base is the one before.
        let defs: Vec<Vec<u32>> = (1..=n).map(|r| vec![2, 0, 0, (r - 1) << 2]).collect();
        let enclosing: Vec<u32> = (0..n).collect();
        let i = InterfaceRef {
            name: "I".into(),
            scope: Scope::Here,
        };
        let interfaces = vec![vec![i]; n as usize];
        let bases: Vec<Option<usize>> = (0..n as usize).map(|i| i.checked_sub(1)).collect();
        let last = n as usize - 1;
        assert_eq!(inherited(last, &bases, &interfaces).len(), MAX_INHERITANCE);
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
        let contract = a
            .references
            .iter()
            .find(|r| r.name == "Microsoft.IdentityManagement.PhoneServiceProviderContract")
            .unwrap();
        // The token the fixtures' test key gives (build.sh), as the CLR
        // prints it; the contract's own token must be the same.
        let token = read("Microsoft.IdentityManagement.PhoneServiceProviderContract.dll")
            .unwrap()
            .public_key_token
            .unwrap();
        assert_eq!(contract.public_key_token.as_deref(), Some(token.as_str()));
        assert_eq!(contract.version.to_string(), "0.0.0.0");
        assert_eq!(a.strong_name, StrongName::None);
        assert_eq!(a.platform, Platform::AnyCpu);
        assert_eq!(a.runtime_version, "v4.0.30319");
        let gate = a
            .types
            .iter()
            .find(|t| t.full_name == "Contoso.Mim.CustomPhoneGate")
            .unwrap();
        assert!(gate.is_creatable_class());
        let names: Vec<&str> = gate.interfaces.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, vec!["System.IDisposable", PHONE]);
        assert_eq!(
            gate.interfaces[1].scope,
            Scope::Assembly("Microsoft.IdentityManagement.PhoneServiceProviderContract".into())
        );
        assert!(gate.has_default_constructor && !gate.is_generic);
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
    fn a_base_class_of_another_assembly_is_recorded() {
        let a = read("cross-assembly/DerivedGate.dll").unwrap();
        let t = find(&a, "Contoso.Derived.DerivedGate");
        assert_eq!(
            t.external_base,
            Some(InterfaceRef {
                name: "Contoso.Base.PhoneBase".into(),
                scope: Scope::Assembly("Contoso.Base".into())
            })
        );
        assert!(t.interfaces.is_empty() && t.inherited_interfaces.is_empty());
        // System.Object is the framework's: no external base.
        let good = read("CustomPhoneGate.dll").unwrap();
        assert!(good.types.iter().all(|t| t.external_base.is_none()));
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
        assert_eq!(class(&first)[0].name, sms);
        assert_eq!(class(&second)[1].name, sms);
    }

    fn find<'a>(a: &'a Assembly, name: &str) -> &'a TypeInfo {
        a.types.iter().find(|t| t.full_name == name).unwrap()
    }

    #[test]
    fn a_copied_interface_is_not_the_contract() {
        let a = read("OwnInterfacePhone.dll").unwrap();
        let gate = find(&a, "Contoso.Copied.Gate");
        assert!(gate.is_creatable_class());
        assert!(!gate.implements(PHONE) && gate.implements_local_copy(PHONE));
    }

    #[test]
    fn constructors_and_generics() {
        let a = read("NoDefaultCtorPhone.dll").unwrap();
        for name in ["Contoso.Configured.Gate", "Contoso.Configured.Singleton"] {
            let t = find(&a, name);
            assert!(t.public && !t.has_default_constructor, "{name}");
        }
        let a = read("GenericPhone.dll").unwrap();
        assert!(find(&a, "Contoso.Generic.Gate`1").is_generic);
        assert!(find(&a, "Contoso.Generic.Outer`1+Inner").is_generic);
        let a = read("ClosedGenericPhone.dll").unwrap();
        let gate = find(&a, "Contoso.Closed.Gate");
        assert!(gate.is_creatable_class() && !gate.is_generic);
        assert!(gate.implements(PHONE), "through the generic base class");
        assert!(find(&a, "Contoso.Closed.GateBase`1").is_generic);
    }

    #[test]
    fn platform_strong_name_and_version() {
        assert_eq!(read("X86Phone.dll").unwrap().platform, Platform::X86Only);
        assert_eq!(read("X64Phone.dll").unwrap().platform, Platform::X64);
        let c = read("Microsoft.IdentityManagement.PhoneServiceProviderContract.dll").unwrap();
        assert_eq!(c.strong_name, StrongName::Signed);
        assert_eq!(c.version, Some(Version([0, 0, 0, 0])));
        let net5 = read("targets/Net5Phone.dll").unwrap();
        let runtime = net5
            .references
            .iter()
            .find(|r| r.name == "System.Runtime")
            .unwrap();
        assert_eq!(runtime.version, Version([5, 0, 0, 0]));
        assert_eq!(runtime.public_key_token, None);
    }

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
