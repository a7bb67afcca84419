//! The PE side of an assembly: the CLR header the COM descriptor directory
//! points at (PE headers and sections come from the `object` crate), the
//! metadata block it locates, and the platform its flags and the PE
//! machine give.

use object::pe::{
    IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR, IMAGE_FILE_MACHINE_AMD64, IMAGE_FILE_MACHINE_I386,
};
use object::read::pe::{ImageNtHeaders, PeFile};

use super::metadata_cursor::Cursor;
use super::{DotnetError, Platform, damaged};

const COMIMAGE_FLAGS_ILONLY: u32 = 0x1;
const COMIMAGE_FLAGS_32BITREQUIRED: u32 = 0x2;
const COMIMAGE_FLAGS_STRONGNAMESIGNED: u32 = 0x8;
const COMIMAGE_FLAGS_32BITPREFERRED: u32 = 0x2_0000;

pub(super) struct Clr<'a> {
    pub(super) metadata: &'a [u8],
    flags: u32,
    machine: u16,
}

impl Clr<'_> {
    pub(super) fn platform(&self) -> Platform {
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

    /// The image was signed with its key (not only delay-signed).
    pub(super) fn strong_name_signed(&self) -> bool {
        self.flags & COMIMAGE_FLAGS_STRONGNAMESIGNED != 0
    }
}

/// The metadata block the CLR header points at, and the header's flags.
pub(super) fn clr_metadata<H: ImageNtHeaders>(data: &[u8]) -> Result<Clr<'_>, DotnetError> {
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
