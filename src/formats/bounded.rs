//! Every file mimmfa reads goes through here: only regular files (a FIFO
//! would hang the read, a device such as `/dev/zero` never ends), and a
//! size cap counted while reading, never taken from metadata (which a
//! symlink to a device or a growing file makes meaningless).

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

/// The stock MfaSettings.xml is about 1 KB; past this it is not one.
pub const SETTINGS_CAP: u64 = 1 << 20;
/// A settings file being replaced by `restore` may be damaged or bloated:
/// its bytes are kept in the snapshot as they are, up to this.
pub const DAMAGED_SETTINGS_CAP: u64 = 64 << 20;
/// The certificate of an SDK download is a few KB.
pub const P12_CAP: u64 = 1 << 20;
/// A provider DLL (Microsoft's own contract DLLs are under 100 KB).
pub const DLL_CAP: u64 = 64 << 20;
/// The backup index: about 700 bytes a snapshot.
pub const INDEX_CAP: u64 = 64 << 20;

/// Read `path` whole, refusing anything but a regular file (symlinks are
/// followed) and anything longer than `cap` bytes.
pub fn read_file(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    read_capped(open_regular(path)?, cap)
}

/// Read a stream whole (a file, or stdin for `--dirs-from -`), refusing
/// anything longer than `cap` bytes.
pub fn read_capped(input: impl Read, cap: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    input.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("it is larger than {cap} bytes, the limit for this kind of file"),
        ));
    }
    Ok(bytes)
}

/// Open `path` for reading if it is a regular file (symlinks followed), for
/// readers that seek rather than read whole (an SDK zip may be large).
pub fn open_regular(path: &Path) -> io::Result<File> {
    // Judge the type before opening: opening a FIFO for reading blocks.
    regular(&fs::metadata(path)?)?;
    let file = File::open(path)?;
    // And again on the open handle, in case the path was swapped meanwhile.
    regular(&file.metadata()?)?;
    Ok(file)
}

/// A regular file to read as a stream (a parser that need not hold the
/// whole file), failing once it yields more than `cap` bytes.
pub fn open_capped(path: &Path, cap: u64) -> io::Result<Capped> {
    Ok(Capped {
        inner: io::BufReader::new(open_regular(path)?),
        left: cap,
        cap,
    })
}

pub struct Capped {
    inner: io::BufReader<File>,
    left: u64,
    cap: u64,
}

impl Read for Capped {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // One byte past the cap is enough to know the file is too large.
        let want = buf
            .len()
            .min(usize::try_from(self.left + 1).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > self.left {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "it is larger than {} bytes, the limit for this kind of file",
                    self.cap
                ),
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// `Ok` for a regular file; otherwise an error naming what it is.
pub fn regular(meta: &fs::Metadata) -> io::Result<()> {
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {}, not a regular file", kind_name(&kind)),
    ))
}

fn kind_name(kind: &fs::FileType) -> &'static str {
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    "a special file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_are_counted_while_reading() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        fs::write(&p, vec![b'x'; 100]).unwrap();
        assert_eq!(read_file(&p, 100).unwrap().len(), 100);
        let e = read_file(&p, 99).unwrap_err();
        assert!(e.to_string().contains("larger than 99"), "{e}");
        let e = read_file(dir.path(), 99).unwrap_err();
        assert!(e.to_string().contains("a folder"), "{e}");
        // The same cap when read as a stream.
        let mut all = Vec::new();
        open_capped(&p, 100).unwrap().read_to_end(&mut all).unwrap();
        assert_eq!(all.len(), 100);
        let e = open_capped(&p, 99)
            .unwrap()
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        assert!(e.to_string().contains("larger than 99"), "{e}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn devices_are_refused_even_behind_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("MfaSettings.xml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let e = read_file(&link, SETTINGS_CAP).unwrap_err();
        assert!(e.to_string().contains("a device"), "{e}");
    }
}
