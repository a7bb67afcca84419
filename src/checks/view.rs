//! The Service folder as an audit sees it: the files on disk, or the state a
//! changing command's plan would leave — the planned bytes laid over the
//! real files, with no temp copies (docs/design.md, "Plan, judge, then
//! act"). Every read is bounded (formats::bounded).

use crate::formats::bounded;
use std::io;
use std::path::{Path, PathBuf};

/// What the audit reads through. `View::default()` is the disk as it is.
#[derive(Debug, Default, Clone)]
pub struct View {
    /// Planned contents by absolute path; `None`: the plan removes it.
    planned: Vec<(PathBuf, Option<Vec<u8>>)>,
    /// The plan snapshots the state before and records what it writes: the
    /// state it leaves has a way back (no MFA060).
    pub snapshot_planned: bool,
}

impl View {
    /// The state a plan leaves: `files` (absolute path → bytes, or `None`
    /// for a file it removes) over the disk.
    pub fn planned(files: Vec<(PathBuf, Option<Vec<u8>>)>, snapshot_planned: bool) -> View {
        View {
            planned: files.into_iter().map(|(p, b)| (absolute(&p), b)).collect(),
            snapshot_planned,
        }
    }

    fn overlay(&self, path: &Path) -> Option<&Option<Vec<u8>>> {
        let path = absolute(path);
        // The last word on a path wins (a plan may write a file twice).
        self.planned
            .iter()
            .rev()
            .find(|(p, _)| same(p, &path))
            .map(|(_, b)| b)
    }

    /// The file's bytes, bounded by `cap`, as the planned state has them.
    pub fn read(&self, path: &Path, cap: u64) -> io::Result<Vec<u8>> {
        match self.overlay(path) {
            Some(Some(bytes)) if bytes.len() as u64 > cap => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("it is larger than {cap} bytes, the limit for this kind of file"),
            )),
            Some(Some(bytes)) => Ok(bytes.clone()),
            Some(None) => Err(io::ErrorKind::NotFound.into()),
            None => bounded::read_file(path, cap),
        }
    }

    /// Is there a regular file at `path` in the planned state?
    pub fn is_file(&self, path: &Path) -> bool {
        match self.overlay(path) {
            Some(planned) => planned.is_some(),
            None => path.is_file(),
        }
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Windows names files case-insensitively; elsewhere a byte match.
fn same(a: &Path, b: &Path) -> bool {
    if cfg!(windows) {
        a.to_string_lossy()
            .eq_ignore_ascii_case(&b.to_string_lossy())
    } else {
        a == b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planned_bytes_lie_over_the_disk() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let on_disk = |bytes: &[u8]| {
            let mut f = tempfile::NamedTempFile::new_in(dir.path()).unwrap();
            f.write_all(bytes).unwrap();
            f
        };
        let (a, b) = (on_disk(b"old"), on_disk(b"dll"));
        let (real, gone) = (a.path().to_path_buf(), b.path().to_path_buf());
        let new = dir.path().join("c.p12");
        let view = View::planned(
            vec![
                (real.clone(), Some(b"new".to_vec())),
                (gone.clone(), None),
                (new.clone(), Some(b"fresh".to_vec())),
            ],
            true,
        );
        assert_eq!(view.read(&real, 10).unwrap(), b"new");
        assert!(!view.is_file(&gone));
        assert_eq!(
            view.read(&gone, 10).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
        assert!(view.is_file(&new));
        assert!(
            view.read(&new, 2).is_err(),
            "the cap holds for planned bytes"
        );
        let disk = View::default();
        assert_eq!(disk.read(&real, 10).unwrap(), b"old");
        assert!(!disk.is_file(&new));
    }
}
