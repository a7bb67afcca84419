//! Test hooks for the failures that cannot be made on demand from outside:
//! a full disk at the N-th write, and another program editing a file in the
//! moment between mimmfa's read and its rename. Both are off unless their
//! variable is set; docs/design.md ("Test hooks") names them. They only
//! make a run fail or wait: no hook can make mimmfa write anything else.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// `MIMMFA_TEST_FAIL_WRITE=N`: the N-th atomic write of this run (counting
/// from 1: stored files, the index, side files, the settings, the journal)
/// fails as a full disk would, before its rename.
pub const FAIL_WRITE: &str = "MIMMFA_TEST_FAIL_WRITE";
/// `MIMMFA_TEST_PAUSE_BEFORE_RENAME=FILE`: before the first compared rename
/// of a `MfaSettings.xml` (the commit point), create FILE and wait (up to
/// 30 s) until someone removes it. Once per run.
pub const PAUSE_BEFORE_RENAME: &str = "MIMMFA_TEST_PAUSE_BEFORE_RENAME";

static WRITES: AtomicU64 = AtomicU64::new(0);

pub fn write_fails(target: &Path) -> std::io::Result<()> {
    let n = WRITES.fetch_add(1, Ordering::SeqCst) + 1;
    let fail_at = std::env::var(FAIL_WRITE)
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    if fail_at == Some(n) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            format!(
                "cannot write {}: no space left on device ({FAIL_WRITE}={n})",
                target.display()
            ),
        ));
    }
    Ok(())
}

pub fn pause_before_rename(target: &Path) {
    static PAUSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let Some(marker) = std::env::var_os(PAUSE_BEFORE_RENAME) else {
        return;
    };
    if !target.ends_with("MfaSettings.xml") || PAUSED.swap(true, Ordering::SeqCst) {
        return;
    }
    let marker = Path::new(&marker);
    if std::fs::write(marker, target.display().to_string()).is_err() {
        return;
    }
    let start = Instant::now();
    while marker.exists() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
}
