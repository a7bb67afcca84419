//! Every reader is linear in its input: a guard that a quadratic path
//! cannot come back. A ratio of times in one run, not an absolute time:
//! 16× the input should take about 16× the time; more than 64× fails
//! (quadratic is 256×; a debug build measures 20-25×, from cache misses on
//! the bigger file; a release build 11-12×). The times are the test thread's CPU time: a
//! CI machine busy with the rest of the suite had made a wall-clock ratio
//! 49× while the CPU work was linear.

use serde_json::Value;

/// The timing guard runs in the native build only: the parser is the same
/// code in the Windows build, and under Wine (with the rest of the suite in
/// parallel) its timings were too uneven for a ratio to mean anything.
#[cfg(not(windows))]
mod timing {
    use mimmfa::internals::Site as MSite;
    use std::time::Duration;

    /// CPU time this thread has used (not wall time: waiting for a core
    /// while other tests run is not the parser's cost).
    fn thread_cpu() -> Duration {
        let mut t = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes one timespec into `t`, which lives
        // for the call.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
        assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
        Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
    }

    /// A settings file of about `size` bytes: the stock entries, then many
    /// unknown elements, one per line or all on one line.
    fn bloated(size: usize, one_line: bool) -> Vec<u8> {
        let sep = if one_line { "" } else { "\r\n  " };
        let mut s = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<MfaSettings>{sep}<Username>svc</Username>{sep}<DefaultCountryCode>1</DefaultCountryCode>"
        );
        let mut n = 0;
        while s.len() < size - 100 {
            s.push_str(&format!("{sep}<Extra{n}>value {n}</Extra{n}>"));
            n += 1;
        }
        s.push_str(&format!("{sep}</MfaSettings>\r\n"));
        s.into_bytes()
    }

    /// The fastest of five audits of `bytes` (CPU time) (what `validate` and `status` run).
    fn audit_time(site: &MSite, bytes: &[u8]) -> Duration {
        (0..5)
            .map(|_| {
                let start = thread_cpu();
                let audit = mimmfa::internals::audit_read(
                    site,
                    Ok(bytes.to_vec()),
                    mimmfa::internals::Options::default(),
                );
                assert!(
                    !audit.findings.is_empty(),
                    "the unknown elements are reported"
                );
                thread_cpu() - start
            })
            .min()
            .unwrap()
    }

    #[test]
    fn validate_time_grows_linearly_with_the_settings_file() {
        let dir = tempfile::tempdir().unwrap();
        let site = MSite::new(
            dir.path().to_path_buf(),
            dir.path().join("MfaSettings.xml"),
            dir.path().join("MfaBackups"),
            mimmfa::internals::PathMapper::new(dir.path().to_path_buf(), None, vec![]),
        );
        for one_line in [false, true] {
            let small = bloated(64 << 10, one_line);
            let big = bloated(1 << 20, one_line);
            assert!(big.len() <= mimmfa::internals::SETTINGS_CAP as usize);
            let (t_small, t_big) = (audit_time(&site, &small), audit_time(&site, &big));
            let ratio = t_big.as_secs_f64() / t_small.as_secs_f64().max(1e-6);
            println!(
                "linear guard (one line: {one_line}): 64 KiB {t_small:?}, 1 MiB {t_big:?}, ratio {ratio:.1}"
            );
            assert!(
                ratio <= 64.0,
                "1 MiB took {ratio:.1}× the 64 KiB file (one line: {one_line}): a quadratic path"
            );
        }
    }
}

/// `validate` verifies the newest snapshots of this settings file on every
/// run (what a roll-back reaches for); `--deep` verifies the whole store.
/// Hashing every backup on every run made `validate` grow with history.
#[test]
fn validate_verifies_the_newest_snapshots_and_deep_verifies_all() {
    let site = crate::util::Site::example();
    let n = mimmfa::internals::VERIFIED_SNAPSHOTS + 2;
    for i in 0..n {
        let settings = String::from_utf8(crate::util::EXAMPLE_SETTINGS.to_vec())
            .unwrap()
            .replace(
                "</MfaSettings>",
                &format!("<!-- take {i} --></MfaSettings>"),
            );
        site.write("MfaSettings.xml", settings.as_bytes());
        let (code, v) = site.json(&["backup", "--label", &format!("take {i}")]);
        assert_eq!(code, 0, "{v}");
    }
    let (_, list) = site.json(&["backup", "list"]);
    let rows = list["backups"].as_array().expect("backups listed");
    assert_eq!(rows.len(), n);
    let stored = |row: &Value| site.path(&format!("MfaBackups/{}", row["file"].as_str().unwrap()));
    let codes = |args: &[&str]| crate::util::finding_codes(&site.json(args).1);

    // The oldest snapshot damaged: not looked at by default, found by --deep.
    std::fs::write(stored(&rows[n - 1]), b"tampered").unwrap();
    // (An older snapshot's damage is MFA063, a warning: not the way back.)
    assert!(!codes(&["validate"]).contains(&"MFA063".to_string()));
    assert!(codes(&["validate", "--deep"]).contains(&"MFA063".to_string()));
    // The newest damaged: found on every run.
    std::fs::write(stored(&rows[0]), b"tampered").unwrap();
    assert!(codes(&["validate"]).contains(&"MFA061".to_string()));
}
