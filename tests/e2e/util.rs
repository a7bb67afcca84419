//! A service folder in a temp dir, and a runner for the built binary.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub const EXAMPLE_SETTINGS: &[u8] = include_bytes!("../../examples/service/MfaSettings.xml");
pub const EXAMPLE_CERT: &[u8] = include_bytes!("../../examples/service/MfaCerts/cert_key.p12");
/// The example's made-up secrets: they must never show without --show-secrets.
pub const EXAMPLE_SECRETS: [&str; 3] = [
    "EXMPL0123456",
    "0123456789abcdef0123456789abcdef",
    "EXAMPLEPASSWD123",
];

/// The MIM contract stand-ins of the example Service folder
/// (tests/fixtures/dotnet/build.sh).
pub const EXAMPLE_CONTRACTS: [&str; 2] = [
    "Microsoft.IdentityManagement.PhoneServiceProviderContract.dll",
    "Microsoft.IdentityManagement.SmsServiceProviderContract.dll",
];

pub struct Site {
    pub tmp: tempfile::TempDir,
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", self.stdout))
    }
}

impl Site {
    /// An empty service folder.
    pub fn empty() -> Site {
        Site {
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    /// A service folder holding `settings` as MfaSettings.xml.
    pub fn with(settings: &[u8]) -> Site {
        let s = Site::empty();
        s.write("MfaSettings.xml", settings);
        s
    }

    /// A copy of examples/service: the settings and their certificate.
    pub fn example() -> Site {
        let s = Site::with(EXAMPLE_SETTINGS);
        s.write("MfaCerts/cert_key.p12", EXAMPLE_CERT);
        for contract in EXAMPLE_CONTRACTS {
            let from = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples/service")
                .join(contract);
            fs::copy(&from, s.path(contract)).unwrap();
        }
        s
    }

    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir().join(rel)
    }

    pub fn write(&self, rel: &str, bytes: &[u8]) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        fs::read(self.path(rel)).unwrap()
    }

    pub fn settings(&self) -> Vec<u8> {
        self.read("MfaSettings.xml")
    }

    /// Run mimmfa with `--service-dir` set to this folder.
    pub fn run(&self, args: &[&str]) -> Out {
        let mut full = vec!["--service-dir", self.dir().to_str().unwrap()];
        full.extend_from_slice(args);
        mimmfa(&full)
    }

    /// mimmfa on this folder as the server's own (no mapping on Windows).
    #[cfg(windows)]
    pub fn run_on_server(&self, args: &[&str]) -> Out {
        let mut full = vec!["--service-dir", self.dir().to_str().unwrap()];
        full.extend_from_slice(args);
        run_binary(&full)
    }

    pub fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut full = args.to_vec();
        full.push("--json");
        let out = self.run(&full);
        let v = out.json();
        assert_common_keys(&v);
        (out.code, v)
    }

    /// Every file below the folder with its sha256 and mtime; the lock
    /// file (it records the holder's pid) is left out.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, (String, SystemTime)> {
        let mut map = BTreeMap::new();
        walk(self.dir(), &mut map);
        map
    }
}

fn walk(dir: &Path, map: &mut BTreeMap<PathBuf, (String, SystemTime)>) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, map);
        } else if !p.to_string_lossy().ends_with(".lock") {
            let m = fs::metadata(&p).unwrap().modified().unwrap();
            map.insert(p.clone(), (sha256(&fs::read(&p).unwrap()), m));
        }
    }
}

/// The suite's temp folders stand for the stock Service folder (their
/// settings name stock paths). Off Windows that is the default audit
/// mapping; on Windows, where `-s` is the server's own folder, it is
/// declared with `--windows-service-dir` (an audit of a copy). Tests of the
/// server case (tests/e2e/windows_paths.rs) run without it.
pub const AS_STOCK_COPY: &[&str] = if cfg!(windows) {
    &[
        "--windows-service-dir",
        mimmfa::internals::STOCK_SERVICE_DIR,
    ]
} else {
    &[]
};

/// The binary with `args`, its folders taken as copies of the stock one
/// (AS_STOCK_COPY) unless the args name their own Windows folder.
pub fn mimmfa(args: &[&str]) -> Out {
    let mut full: Vec<&str> = Vec::new();
    if !args.contains(&"--windows-service-dir") {
        full.extend(AS_STOCK_COPY);
    }
    full.extend_from_slice(args);
    run_binary(&full)
}

/// The binary with exactly `args`.
pub fn run_binary(args: &[&str]) -> Out {
    use assert_cmd::cargo::CommandCargoExt;
    let mut command = std::process::Command::cargo_bin("mimmfa").unwrap();
    command
        .args(args)
        .env_remove("MIMMFA_SERVICE_DIR")
        .env("NO_COLOR", "1");
    let out = output_of(&mut command);
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `command` to its end. Wine's CreateProcess sometimes fails with
/// ERROR_INTERNAL_ERROR (1359) when several tests start processes at once
/// (a CI run saw it in the eight-writers test): the child never started, so
/// starting it again is safe. Only a failed start is retried, a few times,
/// and only under Wine; a child that ran is never run twice.
pub fn output_of(command: &mut std::process::Command) -> std::process::Output {
    use std::process::Stdio;
    // As `Command::output` does: no stdin, both outputs captured.
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut attempt = 0;
    let child = loop {
        match command.spawn() {
            Ok(child) => break child,
            Err(e) if under_wine() && attempt < 5 => {
                attempt += 1;
                eprintln!("wine: starting {command:?} failed ({e}); try {attempt} of 5 again");
                std::thread::sleep(std::time::Duration::from_millis(200 * attempt));
            }
            Err(e) => panic!("cannot start {command:?}: {e}"),
        }
    };
    child.wait_with_output().unwrap()
}

pub const COMMON_KEYS: [&str; 12] = [
    "schema_version",
    "command",
    "changed",
    "failed",
    "msg",
    "settings_file",
    "backup_file",
    "files_written",
    "diff",
    "findings",
    "warnings",
    "schema_version",
];

pub fn assert_common_keys(v: &Value) {
    for k in COMMON_KEYS {
        assert!(v.get(k).is_some(), "JSON lacks common key {k}: {v}");
    }
    assert_eq!(v["schema_version"], 1);
}

pub fn assert_no_secrets(out: &Out, secrets: &[&str]) {
    for s in secrets {
        assert!(
            !out.stdout.contains(s),
            "secret leaked on stdout:\n{}",
            out.stdout
        );
        assert!(
            !out.stderr.contains(s),
            "secret leaked on stderr:\n{}",
            out.stderr
        );
    }
}

pub fn sha256(bytes: &[u8]) -> String {
    mimmfa::internals::sha256_hex(bytes)
}

/// Make a file readable by its owner only: on Unix mode 0600; on Windows a
/// protected DACL with one allow-ACE for the file's owner (what an admin
/// does in Properties → Security → Advanced → Disable inheritance).
pub fn owner_only(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600)).unwrap();
    }
    #[cfg(windows)]
    windows_set_dacl(path, false, false);
}

/// Make a file readable by everyone: on Unix mode 0644; on Windows a
/// protected DACL with the owner's ACE plus read for Everyone. A file in a
/// Windows user's temp folder is not readable by others by default.
pub fn readable_by_all(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o644)).unwrap();
    }
    #[cfg(windows)]
    windows_set_dacl(path, true, false);
}

/// Make a folder like `C:\Program Files` is: Everyone may read it and,
/// by inheritance, every file in it that has no protected ACL of its own.
#[cfg(windows)]
pub fn readable_by_all_inherited(dir: &Path) {
    windows_set_dacl(dir, true, true);
}

/// Replace a file's or folder's DACL (protected, so nothing is inherited)
/// with full control for its owner and, if `everyone_reads`, read for
/// Everyone; with `inheritable`, files and folders inside inherit both.
#[cfg(windows)]
fn windows_set_dacl(path: &Path, everyone_reads: bool, inheritable: bool) {
    use std::os::windows::ffi::OsStrExt;
    use std::ptr::null_mut;
    use windows_sys::Win32::Foundation::{GENERIC_ALL, GENERIC_READ, LocalFree};
    use windows_sys::Win32::Security::Authorization::{
        GetNamedSecurityInfoW, SE_FILE_OBJECT, SetNamedSecurityInfoW,
    };
    use windows_sys::Win32::Security::{
        ACL, ACL_REVISION, AddAccessAllowedAceEx, CONTAINER_INHERIT_ACE, CreateWellKnownSid,
        DACL_SECURITY_INFORMATION, InitializeAcl, OBJECT_INHERIT_ACE, OWNER_SECURITY_INFORMATION,
        PROTECTED_DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, PSID, SECURITY_MAX_SID_SIZE,
        WinWorldSid,
    };
    let wide: Vec<u16> = path.as_os_str().encode_wide().chain([0]).collect();
    // SAFETY: test-only FFI with valid, NUL-terminated inputs and local buffers.
    unsafe {
        let mut owner: PSID = null_mut();
        let mut sd: PSECURITY_DESCRIPTOR = null_mut();
        let rc = GetNamedSecurityInfoW(
            wide.as_ptr(),
            SE_FILE_OBJECT,
            OWNER_SECURITY_INFORMATION,
            &mut owner,
            null_mut(),
            null_mut(),
            null_mut(),
            &mut sd,
        );
        assert_eq!(rc, 0, "GetNamedSecurityInfoW");
        let mut buf = [0u64; 64]; // 512 bytes, 8-aligned, plenty for two ACEs
        let acl = buf.as_mut_ptr() as *mut ACL;
        assert_ne!(InitializeAcl(acl, 512, ACL_REVISION), 0);
        let flags = if inheritable {
            OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE
        } else {
            0
        };
        assert_ne!(
            AddAccessAllowedAceEx(acl, ACL_REVISION, flags, GENERIC_ALL, owner),
            0
        );
        let mut everyone = [0u8; SECURITY_MAX_SID_SIZE as usize];
        if everyone_reads {
            let mut len = SECURITY_MAX_SID_SIZE;
            assert_ne!(
                CreateWellKnownSid(
                    WinWorldSid,
                    null_mut(),
                    everyone.as_mut_ptr().cast(),
                    &mut len
                ),
                0
            );
            assert_ne!(
                AddAccessAllowedAceEx(
                    acl,
                    ACL_REVISION,
                    flags,
                    GENERIC_READ,
                    everyone.as_mut_ptr().cast()
                ),
                0
            );
        }
        let rc = SetNamedSecurityInfoW(
            wide.as_ptr() as *mut u16,
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            null_mut(),
            null_mut(),
            acl,
            null_mut(),
        );
        LocalFree(sd as _);
        assert_eq!(rc, 0, "SetNamedSecurityInfoW");
    }
}

/// Running as a Windows program under Wine (its Z: drive is the Unix root).
pub fn under_wine() -> bool {
    cfg!(windows) && Path::new(r"Z:\proc\self").exists()
}

/// The finding codes of a JSON document, in order.
pub fn finding_codes(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// A C# test oracle compiled by `mcs` into a temp folder, run with `mono`
/// (Debian's mono-mcs, installed by .ci/run). `None`, said loudly, where
/// they are missing; in CI their absence fails the test (on Linux: the
/// Windows build under Wine has no mono to call).
pub fn mono_oracle(source: &Path) -> Option<(tempfile::TempDir, PathBuf)> {
    let have = |tool: &str| {
        std::process::Command::new(tool)
            .arg("--version")
            .output()
            .is_ok()
    };
    if !have("mcs") || !have("mono") {
        assert!(
            cfg!(windows) || std::env::var_os("CI").is_none(),
            "mcs and mono are needed in CI (apt-get install mono-mcs; .ci/run does)"
        );
        eprintln!(
            "SKIPPED: the oracle {} needs mcs and mono (apt-get install mono-mcs)",
            source.display()
        );
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("oracle.exe");
    let built = std::process::Command::new("mcs")
        .arg("-nologo")
        .arg(format!("-out:{}", exe.display()))
        .arg(source)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "mcs: {}",
        String::from_utf8_lossy(&built.stdout)
    );
    Some((dir, exe))
}

/// A committed file that must equal what the code makes now. With
/// `MIMMFA_BLESS=1` it is rewritten instead; otherwise a difference is
/// recorded in `stale` (the path, and a diff when both are text).
pub fn bless_or_compare(path: &Path, fresh: &[u8], stale: &mut Vec<String>) {
    if std::env::var_os("MIMMFA_BLESS").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, fresh).unwrap();
        return;
    }
    let committed = fs::read(path).unwrap_or_default();
    if committed == fresh {
        return;
    }
    let diff = match (std::str::from_utf8(&committed), std::str::from_utf8(fresh)) {
        (Ok(old), Ok(new)) => similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .header("committed", "now")
            .to_string(),
        _ => String::new(),
    };
    stale.push(format!("{}\n{diff}", path.display()));
}
