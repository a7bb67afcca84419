//! Who may read mimmfa's files, per OS: mode bits on Unix, the DACL on
//! Windows. Reading it for MFA050/MFA051 (Everyone, Users, Authenticated
//! Users); keeping a replaced file's ACL; making the backup folder private.

use std::path::Path;

/// Who must read a file that others can read (MFA050, MFA051): that decides
/// the fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The MIM service account must keep reading it (settings, certificate).
    MimService,
    /// Nobody but an admin (a backup): fix its folder, which it inherits from.
    AdminsOnly,
}

/// The next step for a file others can read. On Windows: icacls commands
/// with well-known SIDs (group names like "Users" are translated on
/// non-English Windows; `*S-1-5-32-545` is not).
#[cfg(windows)]
pub fn fix_hint(path: &Path, reader: Reader) -> String {
    match reader {
        Reader::MimService => {
            let p = path.display();
            format!(
                "let only admins, SYSTEM and the MIM service account read it: \
                 `icacls \"{p}\" /inheritance:d`, \
                 `icacls \"{p}\" /grant \"<MIM service account>:R\"` (`sc.exe qc FIMService` names it), \
                 `icacls \"{p}\" /remove:g *S-1-5-32-545 *S-1-5-11 *S-1-1-0` \
                 (Users, Authenticated Users, Everyone); mimmfa keeps this ACL when it rewrites the file"
            )
        }
        Reader::AdminsOnly => {
            let dir = path.parent().unwrap_or(path).display();
            format!(
                "make the backup folder admins-only (its backups inherit it): \
                 `icacls \"{dir}\" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F` \
                 (Administrators, SYSTEM)"
            )
        }
    }
}

#[cfg(not(windows))]
pub fn fix_hint(path: &Path, _reader: Reader) -> String {
    format!(
        "`chmod 600 '{}'` (mimmfa writes its files owner-only)",
        path.display()
    )
}

/// Who besides the owner can read the file, if anyone.
#[cfg(unix)]
pub fn readable_by_others(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    match (mode & 0o040 != 0, mode & 0o004 != 0) {
        (_, true) => Some("every user (mode o+r)".into()),
        (true, false) => Some("the file's group (mode g+r)".into()),
        _ => None,
    }
}

#[cfg(windows)]
pub fn readable_by_others(path: &Path) -> Option<String> {
    windows_acl::broad_readers(path)
}

#[cfg(not(any(unix, windows)))]
pub fn readable_by_others(_path: &Path) -> Option<String> {
    None
}

/// Give `fresh` (a temp file about to replace `target`) the access rules of
/// `target`. On Windows a temp file gets the folder's inherited ACL, so
/// without this a rename would silently undo an ACL an admin narrowed (the
/// MFA050 hint asks for exactly that). Nothing to do if `target` does not
/// exist, or on Unix, where `write_atomic` sets the mode itself.
#[cfg(windows)]
pub fn keep_access(target: &Path, fresh: &Path) -> std::io::Result<()> {
    windows_acl::copy_dacl(target, fresh)
}

#[cfg(not(windows))]
pub fn keep_access(_target: &Path, _fresh: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Make a folder mimmfa created for itself (the backups) private: mode 0700
/// on Unix; on Windows a protected DACL for its owner, Administrators and
/// SYSTEM, inherited by the files in it. The MIM service account never
/// reads backups, so it needs no entry.
#[cfg(unix)]
pub fn make_dir_private(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

#[cfg(windows)]
pub fn make_dir_private(dir: &Path) -> std::io::Result<()> {
    windows_acl::make_private(dir)
}

#[cfg(not(any(unix, windows)))]
pub fn make_dir_private(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(windows)]
mod windows_acl {
    use std::io;
    use std::os::windows::ffi::OsStrExt;
    use std::path::Path;
    use std::ptr::null_mut;
    use windows_sys::Win32::Foundation::{GENERIC_ALL, GENERIC_READ, LocalFree};
    use windows_sys::Win32::Security::Authorization::{
        GetNamedSecurityInfoW, SE_FILE_OBJECT, SetNamedSecurityInfoW,
    };
    use windows_sys::Win32::Security::{
        ACCESS_ALLOWED_ACE, ACE_HEADER, ACL, ACL_REVISION, ACL_SIZE_INFORMATION,
        AclSizeInformation, AddAccessAllowedAceEx, CONTAINER_INHERIT_ACE, CreateWellKnownSid,
        DACL_SECURITY_INFORMATION, EqualSid, GetAce, GetAclInformation,
        GetSecurityDescriptorControl, INHERITED_ACE, InitializeAcl, OBJECT_INHERIT_ACE,
        OWNER_SECURITY_INFORMATION, PROTECTED_DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR,
        PSID, SE_DACL_PROTECTED, SECURITY_MAX_SID_SIZE, UNPROTECTED_DACL_SECURITY_INFORMATION,
        WELL_KNOWN_SID_TYPE, WinAuthenticatedUserSid, WinBuiltinAdministratorsSid,
        WinBuiltinUsersSid, WinLocalSystemSid, WinWorldSid,
    };
    use windows_sys::Win32::Storage::FileSystem::{FILE_ALL_ACCESS, FILE_READ_DATA};

    const ACCESS_ALLOWED_ACE_TYPE: u8 = 0;
    const ERROR_INVALID_FUNCTION: u32 = 1;
    const ERROR_FILE_NOT_FOUND: u32 = 2;
    const ERROR_PATH_NOT_FOUND: u32 = 3;
    const ERROR_NOT_SUPPORTED: u32 = 50;

    fn wide(path: &Path) -> Vec<u16> {
        path.as_os_str().encode_wide().chain([0]).collect()
    }

    fn os_error(rc: u32) -> io::Error {
        io::Error::from_raw_os_error(rc as i32)
    }

    /// A security descriptor from GetNamedSecurityInfoW, freed on drop.
    struct Descriptor(PSECURITY_DESCRIPTOR);

    impl Drop for Descriptor {
        fn drop(&mut self) {
            // SAFETY: allocated by GetNamedSecurityInfoW, freed once.
            unsafe { LocalFree(self.0 as _) };
        }
    }

    /// The DACL of `path` (null: no DACL) with its descriptor, which owns
    /// it; `None` if the file does not exist or its volume keeps no ACLs.
    fn dacl_of(path: &Path) -> io::Result<Option<(*mut ACL, Descriptor)>> {
        let mut dacl: *mut ACL = null_mut();
        let mut sd: PSECURITY_DESCRIPTOR = null_mut();
        // SAFETY: valid NUL-terminated path; out-pointers point at locals.
        let rc = unsafe {
            GetNamedSecurityInfoW(
                wide(path).as_ptr(),
                SE_FILE_OBJECT,
                DACL_SECURITY_INFORMATION,
                null_mut(),
                null_mut(),
                &mut dacl,
                null_mut(),
                &mut sd,
            )
        };
        match rc {
            0 => Ok(Some((dacl, Descriptor(sd)))),
            // Missing, or on a volume or share that keeps no ACLs.
            ERROR_FILE_NOT_FOUND
            | ERROR_PATH_NOT_FOUND
            | ERROR_INVALID_FUNCTION
            | ERROR_NOT_SUPPORTED => Ok(None),
            _ => Err(os_error(rc)),
        }
    }

    /// Copy `from`'s DACL onto `to`: protected if `from`'s is (inheritance
    /// disabled), else inheriting from the folder as `from` did (the system
    /// then recomputes the inherited entries).
    pub fn copy_dacl(from: &Path, to: &Path) -> io::Result<()> {
        let Some((dacl, sd)) = dacl_of(from)? else {
            return Ok(());
        };
        if dacl.is_null() {
            // No DACL: everyone may do anything. The ACL the temp file
            // inherits can only be narrower.
            return Ok(());
        }
        let mut control = 0u16;
        let mut revision = 0u32;
        // SAFETY: `sd` is a live descriptor.
        let protected = unsafe { GetSecurityDescriptorControl(sd.0, &mut control, &mut revision) }
            != 0
            && control & SE_DACL_PROTECTED != 0;
        // Our own copy, so that a protected DACL can have its "inherited"
        // marks cleared: the system may drop marked entries from a protected
        // DACL, and an empty DACL would lock the MIM Service out.
        // SAFETY: `dacl` points at a valid ACL inside `sd`.
        let (size, aces) = unsafe { ((*dacl).AclSize as usize, (*dacl).AceCount) };
        let mut copy = vec![0u64; size.div_ceil(8)];
        // SAFETY: both regions are `size` bytes long and do not overlap.
        unsafe { std::ptr::copy_nonoverlapping(dacl as *const u8, copy.as_mut_ptr().cast(), size) };
        let acl: *mut ACL = copy.as_mut_ptr().cast();
        if protected {
            for i in 0..aces {
                let mut ace: *mut core::ffi::c_void = null_mut();
                // SAFETY: `acl` is our valid copy; `ace` points inside it.
                unsafe {
                    if GetAce(acl, i as u32, &mut ace) != 0 && !ace.is_null() {
                        (*(ace as *mut ACE_HEADER)).AceFlags &= !(INHERITED_ACE as u8);
                    }
                }
            }
        }
        let how = if protected {
            PROTECTED_DACL_SECURITY_INFORMATION
        } else {
            UNPROTECTED_DACL_SECURITY_INFORMATION
        };
        // SAFETY: valid NUL-terminated path; `acl` is our valid copy.
        let rc = unsafe {
            SetNamedSecurityInfoW(
                wide(to).as_ptr(),
                SE_FILE_OBJECT,
                DACL_SECURITY_INFORMATION | how,
                null_mut(),
                null_mut(),
                acl,
                null_mut(),
            )
        };
        if rc != 0 {
            return Err(os_error(rc));
        }
        // A safety net: never put a file nobody can read where one stood
        // that somebody could.
        if aces > 0
            && let Some((after, _sd)) = dacl_of(to)?
            && !after.is_null()
            // SAFETY: `after` points into `_sd`, alive here.
            && unsafe { (*after).AceCount } == 0
        {
            return Err(io::Error::other("the copied ACL came out empty"));
        }
        Ok(())
    }

    /// A protected DACL: full control for the folder's owner, Administrators
    /// and SYSTEM, inherited by files and subfolders.
    pub fn make_private(dir: &Path) -> io::Result<()> {
        let path = wide(dir);
        let mut owner: PSID = null_mut();
        let mut sd: PSECURITY_DESCRIPTOR = null_mut();
        // SAFETY: valid NUL-terminated path; out-pointers point at locals.
        let rc = unsafe {
            GetNamedSecurityInfoW(
                path.as_ptr(),
                SE_FILE_OBJECT,
                OWNER_SECURITY_INFORMATION,
                &mut owner,
                null_mut(),
                null_mut(),
                null_mut(),
                &mut sd,
            )
        };
        if rc != 0 {
            return Err(os_error(rc));
        }
        let _owns_owner = Descriptor(sd);
        let mut admins = [0u8; SECURITY_MAX_SID_SIZE as usize];
        let mut system = [0u8; SECURITY_MAX_SID_SIZE as usize];
        let mut buf = [0u64; 128]; // 1 KiB, 8-aligned: three ACEs need ~100 bytes
        let acl = buf.as_mut_ptr() as *mut ACL;
        let inherit = OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE;
        // SAFETY: local buffers sized as the APIs require; `owner` points
        // into the descriptor, alive until the end of this function.
        let built = unsafe {
            well_known(WinBuiltinAdministratorsSid, &mut admins)
                && well_known(WinLocalSystemSid, &mut system)
                && InitializeAcl(acl, size_of_val(&buf) as u32, ACL_REVISION) != 0
                && [
                    owner,
                    admins.as_mut_ptr().cast(),
                    system.as_mut_ptr().cast(),
                ]
                .into_iter()
                .all(|sid| {
                    AddAccessAllowedAceEx(acl, ACL_REVISION, inherit, FILE_ALL_ACCESS, sid) != 0
                })
        };
        if !built {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: valid NUL-terminated path and the ACL just built.
        let rc = unsafe {
            SetNamedSecurityInfoW(
                path.as_ptr(),
                SE_FILE_OBJECT,
                DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                null_mut(),
                null_mut(),
                acl,
                null_mut(),
            )
        };
        if rc == 0 { Ok(()) } else { Err(os_error(rc)) }
    }

    /// SAFETY: `buf` is SECURITY_MAX_SID_SIZE bytes.
    unsafe fn well_known(
        kind: WELL_KNOWN_SID_TYPE,
        buf: &mut [u8; SECURITY_MAX_SID_SIZE as usize],
    ) -> bool {
        let mut len = SECURITY_MAX_SID_SIZE;
        unsafe { CreateWellKnownSid(kind, null_mut(), buf.as_mut_ptr().cast(), &mut len) != 0 }
    }

    const BROAD: [(WELL_KNOWN_SID_TYPE, &str); 3] = [
        (WinWorldSid, "Everyone"),
        (WinBuiltinUsersSid, "Users"),
        (WinAuthenticatedUserSid, "Authenticated Users"),
    ];

    /// Names of the broad groups an allow-ACE grants read access to.
    pub fn broad_readers(path: &Path) -> Option<String> {
        let (dacl, _sd) = dacl_of(path).ok()??;
        if dacl.is_null() {
            return Some("everyone (the file has no DACL)".to_string());
        }
        // SAFETY: `dacl` points into `_sd`, alive until the end of this function.
        unsafe { scan(dacl) }
    }

    unsafe fn scan(dacl: *mut ACL) -> Option<String> {
        let mut info: ACL_SIZE_INFORMATION = unsafe { std::mem::zeroed() };
        let ok = unsafe {
            GetAclInformation(
                dacl,
                (&mut info as *mut ACL_SIZE_INFORMATION).cast(),
                size_of::<ACL_SIZE_INFORMATION>() as u32,
                AclSizeInformation,
            )
        };
        if ok == 0 {
            return None;
        }
        let sids: Vec<([u8; SECURITY_MAX_SID_SIZE as usize], &str)> = BROAD
            .iter()
            .filter_map(|(kind, name)| {
                let mut buf = [0u8; SECURITY_MAX_SID_SIZE as usize];
                unsafe { well_known(*kind, &mut buf) }.then_some((buf, *name))
            })
            .collect();
        let read_bits = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL;
        let mut names: Vec<&str> = Vec::new();
        for i in 0..info.AceCount {
            let mut ace: *mut core::ffi::c_void = null_mut();
            if unsafe { GetAce(dacl, i, &mut ace) } == 0 || ace.is_null() {
                continue;
            }
            let allowed = ace as *const ACCESS_ALLOWED_ACE;
            let (kind, mask) = unsafe { ((*allowed).Header.AceType, (*allowed).Mask) };
            if kind != ACCESS_ALLOWED_ACE_TYPE || mask & read_bits == 0 {
                continue;
            }
            let sid: PSID = unsafe { std::ptr::addr_of!((*allowed).SidStart) as PSID };
            for (buf, name) in &sids {
                if unsafe { EqualSid(sid, buf.as_ptr() as PSID) } != 0 && !names.contains(name) {
                    names.push(name);
                }
            }
        }
        (!names.is_empty()).then(|| names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fix_names_the_file_and_the_command() {
        let settings = Path::new(if cfg!(windows) {
            r"C:\Program Files\Microsoft Forefront Identity Manager\2010\Service\MfaSettings.xml"
        } else {
            "/srv/Service copy/MfaSettings.xml"
        });
        let hint = fix_hint(settings, Reader::MimService);
        assert!(hint.contains(&settings.display().to_string()), "{hint}");
        if cfg!(windows) {
            // Language-independent SIDs, and the account not to lock out.
            assert!(hint.contains("/inheritance:d"), "{hint}");
            assert!(hint.contains("*S-1-5-32-545 *S-1-5-11 *S-1-1-0"), "{hint}");
            assert!(hint.contains("sc.exe qc FIMService"), "{hint}");
            let backup = fix_hint(Path::new(r"C:\S\MfaBackups\b.xml"), Reader::AdminsOnly);
            assert!(
                backup.contains(r#"icacls "C:\S\MfaBackups" /inheritance:r"#),
                "{backup}"
            );
            assert!(
                backup.contains("*S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F"),
                "{backup}"
            );
        } else {
            assert!(
                hint.contains("chmod 600 '/srv/Service copy/MfaSettings.xml'"),
                "{hint}"
            );
        }
    }
}
