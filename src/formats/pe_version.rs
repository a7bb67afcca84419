//! The file version of a Windows executable: the VS_FIXEDFILEINFO of its
//! VERSIONINFO resource, which Explorer shows as "File version" and which
//! Microsoft's MIM hotfix notes quote (4.5.202.0 and so on).

use object::FileKind;
use object::LittleEndian as LE;
use object::pe::{ImageNtHeaders32, ImageNtHeaders64, RT_VERSION};
use object::read::pe::{ImageNtHeaders, PeFile, ResourceDirectoryEntryData, ResourceNameOrId};

use crate::formats::win_version::Version;

/// The file version, or `None` for a file that is no PE or has no version
/// resource (or a damaged one): never an error, the caller says "unknown".
pub fn file_version(data: &[u8]) -> Option<Version> {
    match FileKind::parse(data).ok()? {
        FileKind::Pe32 => version_of::<ImageNtHeaders32>(data),
        FileKind::Pe64 => version_of::<ImageNtHeaders64>(data),
        _ => None,
    }
}

fn version_of<H: ImageNtHeaders>(data: &[u8]) -> Option<Version> {
    let pe = PeFile::<H>::parse(data).ok()?;
    let sections = pe.section_table();
    let resources = pe
        .data_directories()
        .resource_directory(data, &sections)
        .ok()??;
    // Type RT_VERSION → the first name → the first language → the data.
    let root = resources.root().ok()?;
    let by_type = root
        .entries
        .iter()
        .find(|e| matches!(e.name_or_id(), ResourceNameOrId::Id(id) if id == RT_VERSION))?;
    let mut entry = by_type.data(resources).ok()?;
    for _ in 0..2 {
        entry = match entry {
            ResourceDirectoryEntryData::Table(t) => t.entries.first()?.data(resources).ok()?,
            ResourceDirectoryEntryData::Data(_) => break,
        };
    }
    let ResourceDirectoryEntryData::Data(leaf) = entry else {
        return None;
    };
    let rva = leaf.offset_to_data.get(LE);
    let size = leaf.size.get(LE) as usize;
    let bytes = sections.pe_data_at(data, rva)?;
    fixed_file_info(&bytes[..size.min(bytes.len())])
}

/// VS_VERSIONINFO: a header, the key "VS_VERSION_INFO" in UTF-16, padding
/// to 4 bytes, then VS_FIXEDFILEINFO, which starts with its signature.
fn fixed_file_info(info: &[u8]) -> Option<Version> {
    const SIGNATURE: [u8; 4] = 0xFEEF_04BDu32.to_le_bytes();
    let at = (0..info.len().saturating_sub(16))
        .step_by(4)
        .find(|i| info[*i..*i + 4] == SIGNATURE)?;
    let word = |i: usize| u32::from_le_bytes(info[i..i + 4].try_into().unwrap());
    let (ms, ls) = (word(at + 8), word(at + 12));
    Some(Version([
        (ms >> 16) as u16,
        ms as u16,
        (ls >> 16) as u16,
        ls as u16,
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mim-build/");

    fn read(rel: &str) -> Vec<u8> {
        std::fs::read(format!("{FIX}{rel}")).unwrap()
    }

    #[test]
    fn reads_the_version_mcs_writes_from_assembly_file_version() {
        let exe = read("4.5.202.0/Microsoft.ResourceManagement.Service.exe");
        assert_eq!(file_version(&exe), Some(Version([4, 5, 202, 0])));
        let exe = read("4.4.1459.0/Microsoft.ResourceManagement.Service.exe");
        assert_eq!(file_version(&exe).unwrap().to_string(), "4.4.1459.0");
    }

    #[test]
    fn no_version_resource_is_none_not_an_error() {
        let exe = read("no-version/Microsoft.ResourceManagement.Service.exe");
        assert_eq!(file_version(&exe), None);
        assert_eq!(file_version(b"MZ junk"), None);
        let good = read("4.5.202.0/Microsoft.ResourceManagement.Service.exe");
        for cut in (0..good.len()).step_by(13) {
            let _ = file_version(&good[..cut]);
        }
        for i in (0..good.len()).step_by(5) {
            let mut bad = good.clone();
            bad[i] ^= 0xFF;
            let _ = file_version(&bad);
        }
    }
}
