//! "Readable by other users" (MFA050, MFA051), per OS: mode bits on Unix,
//! the file's DACL on Windows (Everyone, Users, Authenticated Users).

use std::path::Path;

#[cfg(unix)]
pub const FIX_HINT: &str = "chmod 600 the file (mimmfa writes it owner-only)";
#[cfg(windows)]
pub const FIX_HINT: &str =
    "remove Everyone, Users and Authenticated Users from the file's ACL (Properties → Security)";
#[cfg(not(any(unix, windows)))]
pub const FIX_HINT: &str = "make the file readable by its owner only";

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

#[cfg(windows)]
mod windows_acl {
    use std::os::windows::ffi::OsStrExt;
    use std::path::Path;
    use std::ptr::null_mut;
    use windows_sys::Win32::Foundation::{GENERIC_ALL, GENERIC_READ, LocalFree};
    use windows_sys::Win32::Security::Authorization::{GetNamedSecurityInfoW, SE_FILE_OBJECT};
    use windows_sys::Win32::Security::{
        ACCESS_ALLOWED_ACE, ACL, ACL_SIZE_INFORMATION, AclSizeInformation, CreateWellKnownSid,
        DACL_SECURITY_INFORMATION, EqualSid, GetAce, GetAclInformation, PSECURITY_DESCRIPTOR, PSID,
        SECURITY_MAX_SID_SIZE, WELL_KNOWN_SID_TYPE, WinAuthenticatedUserSid, WinBuiltinUsersSid,
        WinWorldSid,
    };
    use windows_sys::Win32::Storage::FileSystem::FILE_READ_DATA;

    const ACCESS_ALLOWED_ACE_TYPE: u8 = 0;
    const BROAD: [(WELL_KNOWN_SID_TYPE, &str); 3] = [
        (WinWorldSid, "Everyone"),
        (WinBuiltinUsersSid, "Users"),
        (WinAuthenticatedUserSid, "Authenticated Users"),
    ];

    /// Names of the broad groups an allow-ACE grants read access to.
    pub fn broad_readers(path: &Path) -> Option<String> {
        let wide: Vec<u16> = path.as_os_str().encode_wide().chain([0]).collect();
        let mut dacl: *mut ACL = null_mut();
        let mut sd: PSECURITY_DESCRIPTOR = null_mut();
        // SAFETY: valid NUL-terminated path; out-pointers point at locals;
        // `sd` is freed below with LocalFree as the API requires.
        let rc = unsafe {
            GetNamedSecurityInfoW(
                wide.as_ptr(),
                SE_FILE_OBJECT,
                DACL_SECURITY_INFORMATION,
                null_mut(),
                null_mut(),
                &mut dacl,
                null_mut(),
                &mut sd,
            )
        };
        if rc != 0 {
            return None;
        }
        let found = if dacl.is_null() {
            Some("everyone (the file has no DACL)".to_string())
        } else {
            // SAFETY: `dacl` points into `sd`, alive until LocalFree below.
            unsafe { scan(dacl) }
        };
        // SAFETY: `sd` was allocated by GetNamedSecurityInfoW.
        unsafe { LocalFree(sd as _) };
        found
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
                let mut len = SECURITY_MAX_SID_SIZE;
                let ok = unsafe {
                    CreateWellKnownSid(*kind, null_mut(), buf.as_mut_ptr().cast(), &mut len)
                };
                (ok != 0).then_some((buf, *name))
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
