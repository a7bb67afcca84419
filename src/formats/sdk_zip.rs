//! Reading the Azure MFA SDK zip safely: never extracted; the two entries
//! mimmfa needs are found by normalised name and read into memory, with
//! every hostile shape refused by name (zip-slip paths, symlinks,
//! encryption, duplicates, bombs that lie about their size).

use crate::formats::bounded::open_regular;
use std::io::{BufReader, Read};
use std::path::Path;

/// No real pf_auth.cs or cert_key.p12 comes near this.
pub const MAX_ENTRY_BYTES: u64 = 4 * 1024 * 1024;

const PF_AUTH: &str = "pf/pf_auth.cs";
const CERT: &str = "pf/certs/cert_key.p12";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    #[error("{path}: cannot read it ({detail}); check the path")]
    Unreadable { path: String, detail: String },
    #[error("{path}: not a zip file, or truncated/damaged ({detail})")]
    NotZip { path: String, detail: String },
    #[error("{0}: the zip is empty")]
    Empty(String),
    #[error("{zip}: entry \"{entry}\" is refused: {why}")]
    BadEntry {
        zip: String,
        entry: String,
        why: String,
    },
    #[error("{zip}: the entry \"{0}\" is listed {1} times in the zip's directory; a zip that hides entries behind others is refused", .name, .count)]
    Listed {
        zip: String,
        name: String,
        count: usize,
    },
    #[error("{zip}: two entries for {role}: \"{first}\" and \"{second}\"; an SDK zip has one")]
    Duplicate {
        zip: String,
        role: &'static str,
        first: String,
        second: String,
    },
    #[error("{zip}: no {role} in the zip; {hint}")]
    Missing {
        zip: String,
        role: &'static str,
        hint: String,
    },
    #[error(
        "{zip}: this is the {language} SDK ({entry}); MIM needs the \"SDK for ASP.net 2.0 C#\" zip (pf/pf_auth.cs and pf/certs/cert_key.p12): download that one from the MFA provider"
    )]
    WrongLanguage {
        zip: String,
        language: &'static str,
        entry: String,
    },
}

/// The two files MIM needs, read from the zip.
#[derive(Debug)]
pub struct SdkFiles {
    pub pf_auth_entry: String,
    pub pf_auth: Vec<u8>,
    pub cert_entry: String,
    pub cert: Vec<u8>,
}

/// `a\b/C.cs` → `a/b/c.cs`, for matching only.
pub fn normalize(name: &str) -> String {
    name.replace('\\', "/").to_ascii_lowercase()
}

/// Does the normalised name end with the path `suffix` (whole components)?
fn ends_with_path(norm: &str, suffix: &str) -> bool {
    norm == suffix || norm.ends_with(&format!("/{suffix}"))
}

/// Why a name may not be used, if it is hostile: absolute, a drive or UNC
/// path, a `..` component, or a control character.
pub fn hostile_name(name: &str) -> Option<&'static str> {
    let n = name.replace('\\', "/");
    let b = n.as_bytes();
    if n.starts_with('/') {
        Some("it is an absolute path")
    } else if b.len() >= 2 && b[1] == b':' {
        Some("it names a drive (C:)")
    } else if n.split('/').any(|c| c == "..") {
        Some("it has a `..` component (zip-slip)")
    } else if n.chars().any(char::is_control) {
        Some("it has control characters")
    } else {
        None
    }
}

pub fn read_sdk(path: &Path) -> Result<SdkFiles, ZipError> {
    let zip = path.display().to_string();
    // A FIFO or device named *.zip is refused, not waited on. The zip is
    // not read whole (a download with media in it can be hundreds of MB):
    // the directory is walked by seeking, and only the two entries are read,
    // each capped.
    let not_zip = |e: &dyn std::fmt::Display| ZipError::NotZip {
        path: zip.clone(),
        detail: e.to_string(),
    };
    let mut file = open_regular(path).map_err(|e| ZipError::Unreadable {
        path: zip.clone(),
        detail: e.to_string(),
    })?;
    let repeated = repeated_name(&mut file);
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| not_zip(&e))?;
    if archive.is_empty() {
        return Err(ZipError::Empty(zip));
    }
    // The zip crate indexes entries by name, so a second entry of the same
    // name (say a symlink, then a file) would vanish from its view: read the
    // names from the central directory itself.
    if let Some((name, count)) = repeated {
        return Err(ZipError::Listed { zip, name, count });
    }
    let mut pf_auth: Option<(usize, String)> = None;
    let mut cert: Option<(usize, String)> = None;
    let mut other_language: Option<(&'static str, String)> = None;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| ZipError::NotZip {
            path: zip.clone(),
            detail: format!("entry {i}: {e}"),
        })?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let norm = normalize(&name);
        if entry.is_dir() {
            continue;
        }
        let role = if ends_with_path(&norm, PF_AUTH) {
            Some((&mut pf_auth, PF_AUTH))
        } else if ends_with_path(&norm, CERT) {
            Some((&mut cert, CERT))
        } else {
            if other_language.is_none() {
                other_language = sdk_language(&norm).map(|l| (l, name.clone()));
            }
            None
        };
        let Some((slot, role)) = role else { continue };
        let bad = |why: String| ZipError::BadEntry {
            zip: zip.clone(),
            entry: name.clone(),
            why,
        };
        if let Some(why) = hostile_name(&name) {
            return Err(bad(why.into()));
        }
        if entry.is_symlink() {
            return Err(bad("it is a symbolic link".into()));
        }
        if entry.encrypted() {
            return Err(bad(
                "it is encrypted; the SDK zip is not, so download it again".into(),
            ));
        }
        if entry.size() > MAX_ENTRY_BYTES {
            return Err(bad(format!(
                "it declares {} bytes, more than the {} MiB limit",
                entry.size(),
                MAX_ENTRY_BYTES >> 20
            )));
        }
        if let Some((_, first)) = slot {
            return Err(ZipError::Duplicate {
                zip: zip.clone(),
                role,
                first: first.clone(),
                second: name,
            });
        }
        *slot = Some((i, name));
    }
    let missing = |role: &'static str, hint: &str| ZipError::Missing {
        zip: zip.clone(),
        role,
        hint: hint.into(),
    };
    let (pf_index, pf_name) = match (pf_auth, &other_language) {
        (Some(found), _) => found,
        (None, Some((language, entry))) => {
            return Err(ZipError::WrongLanguage {
                zip,
                language,
                entry: entry.clone(),
            });
        }
        (None, None) => {
            return Err(missing(
                PF_AUTH,
                "is this the Azure MFA \"SDK for ASP.net 2.0 C#\" zip?",
            ));
        }
    };
    let (cert_index, cert_name) =
        cert.ok_or_else(|| missing(CERT, "the SDK zip holds the client certificate there"))?;
    Ok(SdkFiles {
        pf_auth: read_capped(&mut archive, pf_index, &zip, &pf_name)?,
        pf_auth_entry: pf_name,
        cert: read_capped(&mut archive, cert_index, &zip, &cert_name)?,
        cert_entry: cert_name,
    })
}

/// Does the file at `path` look like an SDK zip: a zip with an entry whose
/// name ends with `pf/certs/cert_key.p12` (the audit's MFA052, keying
/// material left lying about)? Only the directory is read, nothing is
/// inflated; anything unreadable or not a zip is not one.
pub fn holds_sdk_certificate(path: &Path) -> bool {
    let Ok(file) = open_regular(path) else {
        return false;
    };
    let Ok(mut z) = zip::ZipArchive::new(BufReader::new(file)) else {
        return false;
    };
    // A plain suffix, not whole components as `read_sdk` matches: any
    // entry that merely ends so is worth the warning.
    (0..z.len()).any(|i| {
        z.by_index_raw(i)
            .is_ok_and(|e| normalize(&String::from_utf8_lossy(e.name_raw())).ends_with(CERT))
    })
}

/// Read one entry, counting bytes as they come: a zip bomb's declared size
/// is a lie, so the limit is enforced on what is actually inflated.
fn read_capped<R: std::io::Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    index: usize,
    zip: &str,
    name: &str,
) -> Result<Vec<u8>, ZipError> {
    let bad = |why: String| ZipError::BadEntry {
        zip: zip.to_string(),
        entry: name.to_string(),
        why,
    };
    let entry = archive
        .by_index(index)
        .map_err(|e| bad(format!("it cannot be read: {e}")))?;
    let mut out = Vec::new();
    entry
        .take(MAX_ENTRY_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| bad(format!("it is damaged: {e}")))?;
    if out.len() as u64 > MAX_ENTRY_BYTES {
        return Err(bad(format!(
            "it inflates past the {} MiB limit (a zip bomb?)",
            MAX_ENTRY_BYTES >> 20
        )));
    }
    Ok(out)
}

/// A name the central directory lists more than once, with its count.
/// `None` also when the directory cannot be walked here (the zip crate has
/// already accepted the archive, and judges it further).
fn repeated_name(f: &mut std::fs::File) -> Option<(String, usize)> {
    use std::io::{Seek, SeekFrom};
    let len = f.seek(SeekFrom::End(0)).ok()?;
    // End of central directory: in the last 64 KiB + 22 bytes (the comment).
    let tail_len = len.min(65_557);
    f.seek(SeekFrom::Start(len - tail_len)).ok()?;
    let mut tail = vec![0u8; tail_len as usize];
    f.read_exact(&mut tail).ok()?;
    let eocd = tail.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let le16 = |b: &[u8], at: usize| u16::from_le_bytes([b[at], b[at + 1]]) as u64;
    let le32 =
        |b: &[u8], at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as u64;
    let le64 =
        |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or_default());
    let e = tail.get(eocd..eocd + 22)?;
    let (mut count, mut size, mut offset) = (le16(e, 10), le32(e, 12), le32(e, 16));
    if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        // Zip64: the locator sits just before the EOCD and points at the record.
        let loc = tail.get(eocd.checked_sub(20)?..eocd)?;
        if &loc[..4] != b"PK\x06\x07" {
            return None;
        }
        let mut rec = [0u8; 56];
        f.seek(SeekFrom::Start(le64(loc, 8))).ok()?;
        f.read_exact(&mut rec).ok()?;
        (count, size, offset) = (le64(&rec, 32), le64(&rec, 40), le64(&rec, 48));
    }
    if size > 64 << 20 || offset.checked_add(size)? > len {
        return None;
    }
    let mut cd = vec![0u8; size as usize];
    f.seek(SeekFrom::Start(offset)).ok()?;
    f.read_exact(&mut cd).ok()?;
    let mut seen: std::collections::HashMap<&[u8], usize> = std::collections::HashMap::new();
    let mut at = 0usize;
    for _ in 0..count {
        let h = cd.get(at..at + 46)?;
        if &h[..4] != b"PK\x01\x02" {
            return None;
        }
        let (n, m, k) = (
            le16(h, 28) as usize,
            le16(h, 30) as usize,
            le16(h, 32) as usize,
        );
        let name = cd.get(at + 46..at + 46 + n)?;
        *seen.entry(name).or_default() += 1;
        at += 46 + n + m + k;
    }
    let mut repeated: Vec<(&[u8], usize)> = seen.into_iter().filter(|(_, c)| *c > 1).collect();
    repeated.sort();
    repeated
        .first()
        .map(|(n, c)| (String::from_utf8_lossy(n).into_owned(), *c))
}

/// The other PhoneFactor SDK languages, by their main file.
fn sdk_language(norm: &str) -> Option<&'static str> {
    let file = norm.rsplit('/').next().unwrap_or(norm);
    Some(match file {
        "pf_auth.php" => "PHP",
        "pf_auth.vb" => "VB.NET",
        "pf_auth.pl" | "pf_auth.pm" => "Perl",
        "pf_auth.rb" => "Ruby",
        "pfauth.java" | "pf_auth.java" => "Java",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names() {
        for n in [
            "../pf/pf_auth.cs",
            "..\\pf\\pf_auth.cs",
            "/pf/pf_auth.cs",
            "C:\\pf\\pf_auth.cs",
            "C:/x",
            "a/../../b",
            "\\\\srv\\share\\x",
        ] {
            assert!(hostile_name(n).is_some(), "{n}");
        }
        for n in ["pf/pf_auth.cs", "sdk/pf/certs/cert_key.p12", "a..b/c"] {
            assert!(hostile_name(n).is_none(), "{n}");
        }
    }

    #[test]
    fn names_match_by_whole_components_any_case_or_slash() {
        assert!(ends_with_path(&normalize("SDK\\PF\\Pf_Auth.cs"), PF_AUTH));
        assert!(ends_with_path(&normalize("pf/pf_auth.cs"), PF_AUTH));
        assert!(!ends_with_path(&normalize("xpf/pf_auth.cs"), PF_AUTH));
    }
}
