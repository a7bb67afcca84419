//! Crash safety (kills at random moments) and concurrency (many
//! writers on one folder). The counts are printed; run with --nocapture.

use crate::provider::dll;
use crate::sdk::sdk_zip;
use crate::util::*;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn temp_files(site: &Site) -> Vec<String> {
    let mut found = Vec::new();
    for dir in [
        site.dir().to_path_buf(),
        site.path("MfaCerts"),
        site.path("MfaBackups"),
    ] {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.ends_with(".tmp") {
                found.push(name);
            }
        }
    }
    found
}

fn spawn(site: &Site, args: &[&str]) -> std::process::Child {
    Command::new(assert_cmd::cargo::cargo_bin("mimmfa"))
        .args(AS_STOCK_COPY)
        .arg("--service-dir")
        .arg(site.dir())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn killing_sdk_apply_and_restore_at_random_moments_never_tears_the_file() {
    let rounds = if under_wine() { 60 } else { 500 };
    // A working provider folder, so that a restore of it passes its checks.
    let site = Site::with(format!("<MfaSettings>\r\n  <Username>svc</Username>\r\n  <DefaultCountryCode>1</DefaultCountryCode>\r\n  <CustomPhoneProvider>{}\\Gate.dll</CustomPhoneProvider>\r\n</MfaSettings>\r\n", mimmfa::internals::STOCK_SERVICE_DIR).as_bytes());
    site.write(
        "Gate.dll",
        &std::fs::read(dll("CustomPhoneGate.dll")).unwrap(),
    );
    let provider_version = sha256(&site.settings());
    let zip_dir = tempfile::tempdir().unwrap();
    let zip = sdk_zip(zip_dir.path(), "legacy-rc2-3des.p12");
    let zip = zip.to_str().unwrap();
    // One clean run of each, to learn the two valid versions and the backup id.
    assert_eq!(site.run(&["sdk", "apply", zip]).code, 0);
    let sdk_version = sha256(&site.settings());
    let (_, list) = site.json(&["backup", "list"]);
    let provider_backup = list["backups"][0]["id"].as_str().unwrap().to_string();

    let mut rng = Lcg(0x5eed);
    let (mut kills, mut torn, mut completed, mut leftovers) = (0, 0, 0, 0);
    for round in 0..rounds {
        let args: Vec<&str> = if round % 2 == 0 {
            vec!["restore", &provider_backup]
        } else {
            vec!["sdk", "apply", zip]
        };
        let mut child = spawn(&site, &args);
        // Most runs take 2-4 ms here: kill somewhere in 0-4 ms.
        std::thread::sleep(Duration::from_micros(rng.next() % 4000));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        let status = child.wait().unwrap();
        let now = sha256(&site.settings());
        if now != provider_version && now != sdk_version {
            torn += 1;
        }
        if status.success() {
            completed += 1;
            // A run that finished removed what killed runs left behind.
            if !temp_files(&site).is_empty() {
                leftovers += 1;
            }
        }
    }
    // The folder is still usable: a last run succeeds and leaves nothing.
    assert_eq!(site.run(&["restore", &provider_backup]).code, 0);
    assert!(temp_files(&site).is_empty(), "{:?}", temp_files(&site));
    let (code, v) = site.json(&["backup", "list"]);
    assert_eq!(code, 0);
    assert!(
        v["backups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["intact"] == true),
        "{v}"
    );
    println!(
        "crash safety: {rounds} runs, {kills} killed mid-run, {completed} completed, {torn} torn files, {leftovers} temp files left after a completed run"
    );
    assert_eq!(torn, 0);
    assert_eq!(leftovers, 0);
    assert!(
        kills > rounds / 10,
        "the kills must land while the runs work ({kills} of {rounds})"
    );
}

#[test]
fn eight_writers_at_once_get_0_or_4_and_leave_a_valid_folder() {
    let (writers, rounds) = if under_wine() { (4, 8) } else { (8, 50) };
    let site = Site::example();
    site.json(&["backup"]);
    let gate = dll("CustomPhoneGate.dll");
    let gate = gate.to_str().unwrap().to_string();
    let dir = site.dir().to_str().unwrap().to_string();
    let outcomes: Vec<Vec<i32>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let (gate, dir) = (gate.clone(), dir.clone());
                s.spawn(move || {
                    (0..rounds)
                        .map(|r| {
                            let args: Vec<&str> = if (w + r) % 2 == 0 {
                                vec!["--service-dir", &dir, "provider", "set", &gate]
                            } else {
                                vec!["--service-dir", &dir, "restore", "latest"]
                            };
                            mimmfa(&args).code
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let all: Vec<i32> = outcomes.into_iter().flatten().collect();
    let ok = all.iter().filter(|c| **c == 0).count();
    let busy = all.iter().filter(|c| **c == 4).count();
    println!(
        "concurrency: {writers} writers x {rounds} rounds = {} runs: {ok} exit 0, {busy} exit 4 (busy), {} other",
        all.len(),
        all.len() - ok - busy
    );
    assert_eq!(ok + busy, all.len(), "every exit is 0 or 4: {all:?}");
    assert!(ok > 0);
    // The file is valid, and every listed backup exists and matches its sha256.
    let (code, _) = site.json(&["status"]);
    assert_eq!(code, 0);
    let (_, list) = site.json(&["backup", "list"]);
    for b in list["backups"].as_array().unwrap() {
        let bytes =
            std::fs::read(site.path("MfaBackups").join(b["file"].as_str().unwrap())).unwrap();
        assert_eq!(sha256(&bytes), b["sha256"].as_str().unwrap());
    }
    assert!(temp_files(&site).is_empty());
}

/// The error codes that mean "the settings and the files they name
/// disagree": a missing certificate, one that does not open with the
/// password, a missing provider DLL.
const DISAGREE: [&str; 3] = ["MFA022", "MFA023", "MFA040"];

fn disagreements(site: &Site) -> Vec<String> {
    let (_, v) = site.json(&["validate"]);
    finding_codes(&v)
        .into_iter()
        .filter(|c| DISAGREE.contains(&c.as_str()))
        .collect()
}

/// Files a killed run may leave that nothing names: after the next
/// changing run (which finishes or undoes it) there must be none. `start`
/// is the folder's file names before the run.
fn orphans(site: &Site, start: &std::collections::BTreeSet<String>) -> Vec<String> {
    let mut found = temp_files(site);
    if site.path("MfaSettings.xml.journal").exists() {
        found.push("MfaSettings.xml.journal".into());
    }
    let settings = String::from_utf8_lossy(&site.settings()).into_owned();
    let named = |name: &str| settings.contains(name);
    for dir in ["", "MfaCerts"] {
        for e in std::fs::read_dir(site.path(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = e.file_name().to_string_lossy().into_owned();
            let rel = if dir.is_empty() {
                name.clone()
            } else {
                format!("{dir}/{name}")
            };
            let side = name.ends_with(".p12") || name.ends_with(".dll");
            if side && !named(&name) && !start.contains(&rel) {
                found.push(rel);
            }
        }
    }
    // Every stored file belongs to an index entry.
    let index = std::fs::read(site.path("MfaBackups/index.json")).unwrap_or_default();
    let index = String::from_utf8_lossy(&index);
    for e in std::fs::read_dir(site.path("MfaBackups"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with("index.json") && !index.contains(&format!("\"{name}\"")) {
            found.push(format!("MfaBackups/{name}"));
        }
    }
    found
}

fn names(site: &Site) -> std::collections::BTreeSet<String> {
    site.snapshot()
        .keys()
        .map(|p| {
            p.strip_prefix(site.dir())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

/// Kill `args` at random moments in fresh folders made by `fresh` (which
/// gives the folder and the command to run in it); count folders that
/// `validate` then finds inconsistent, and those where the next changing
/// run leaves an orphan or a snapshot of a change that never happened.
fn kill_at_random(
    label: &str,
    rounds: usize,
    fresh: &dyn Fn() -> (Site, Vec<String>),
) -> (usize, usize, usize) {
    // Clean runs learn how long the command takes here (the fastest of 3:
    // the first run pays for cold caches).
    let mut took = u64::MAX;
    for _ in 0..3 {
        let (probe, args) = fresh();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert!(
            disagreements(&probe).is_empty(),
            "{label}: the start state is sound"
        );
        let start = std::time::Instant::now();
        let code = probe.run(&args).code;
        assert!(
            code == 0 || code == 1,
            "{label}: a clean run works ({code})"
        );
        took = took.min(start.elapsed().as_micros() as u64);
        assert!(
            disagreements(&probe).is_empty(),
            "{label}: the end state is sound"
        );
    }
    let mut rng = Lcg(0xC0FFEE ^ took);
    let (mut kills, mut inconsistent, mut completed, mut orphaned) = (0, 0, 0, 0);
    for _ in 0..rounds {
        let (site, args) = fresh();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let start_names = names(&site);
        let start_entries = entries(&site);
        let start_settings = site.settings();
        let mut child = spawn(&site, &args);
        // The writes come last: kill anywhere in the second half of a run,
        // and a little past it.
        std::thread::sleep(Duration::from_micros(
            took / 2 + rng.next() % (took * 3 / 4 + 1),
        ));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
            took = took * 51 / 50;
        } else {
            // Done before the kill: runs are faster now than when timed
            // (a machine whose load changed). The aim follows: earlier after
            // a run that finished, a little later after each kill, so about
            // one run in six completes whatever the load does.
            took = took * 9 / 10;
        }
        if child.wait().unwrap().code().is_some_and(|c| c <= 1) {
            completed += 1;
        }
        let found = disagreements(&site);
        if !found.is_empty() {
            inconsistent += 1;
            eprintln!("{label}: inconsistent after a kill: {found:?}");
        }
        // The next changing run finishes or undoes what was half done.
        let next = site.run(&["backup", "prune", "--keep", "1000"]);
        assert_eq!(next.code, 0, "{label}: {}", next.stderr);
        let mut left = orphans(&site, &start_names);
        let new_entries = entries(&site) - start_entries;
        let happened = site.settings() != start_settings;
        if new_entries != usize::from(happened) {
            left.push(format!(
                "{new_entries} new backup entries for a change that happened: {happened}"
            ));
        }
        if !left.is_empty() {
            orphaned += 1;
            eprintln!("{label}: after the next run: {left:?}");
        }
    }
    println!(
        "crash consistency, {label}: {rounds} runs (a clean run takes {took} µs), {kills} killed mid-run, {completed} completed, {inconsistent} inconsistent folders, {orphaned} with orphans after the next run"
    );
    (kills, completed, inconsistent + orphaned)
}

fn entries(site: &Site) -> usize {
    let (_, v) = site.json(&["backup", "list"]);
    v["backups"].as_array().map_or(0, Vec::len)
}

/// Kill rounds per command: 300 natively, fewer under Wine (a process
/// start there costs ~100× more); `MIMMFA_KILL_ROUNDS` overrides.
fn kill_rounds() -> usize {
    std::env::var("MIMMFA_KILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if under_wine() { 20 } else { 300 })
}

/// Kills must land while the runs work (under Wine a process's run time
/// varies too much to aim them well: there one landing is enough).
fn assert_kills_landed(label: &str, kills: usize, rounds: usize) {
    let min = if under_wine() { 0 } else { rounds / 5 };
    assert!(
        kills > min || (under_wine() && rounds < 10),
        "{label}: the kills must land while the runs work ({kills} of {rounds})"
    );
}

#[test]
fn killing_sdk_apply_of_another_certificate_leaves_no_disagreement_or_orphan() {
    // The old settings name cert_key.p12 with the old password.
    let zip_dir = tempfile::tempdir().unwrap();
    let zip = sdk_zip(zip_dir.path(), "aes256.p12").display().to_string();
    let rounds = kill_rounds();
    let fresh = || {
        (
            Site::example(),
            vec!["sdk".into(), "apply".into(), zip.clone()],
        )
    };
    let (kills, _, bad) = kill_at_random("sdk apply", rounds, &fresh);
    assert_eq!(bad, 0);
    assert_kills_landed("sdk apply", kills, rounds);
}

#[test]
fn killing_provider_set_of_a_new_build_leaves_no_disagreement_or_orphan() {
    let update = tempfile::tempdir().unwrap();
    let new_gate = update.path().join("Gate.dll");
    std::fs::write(&new_gate, std::fs::read(dll("InheritedPhone.dll")).unwrap()).unwrap();
    let new_gate = new_gate.display().to_string();
    let fresh = || {
        let site = Site::with(
            format!(
                "<MfaSettings>\r\n  <Username>svc</Username>\r\n  <CustomPhoneProvider>{}\\Gate.dll</CustomPhoneProvider>\r\n</MfaSettings>\r\n",
                mimmfa::internals::STOCK_SERVICE_DIR
            )
            .as_bytes(),
        );
        site.write(
            "Gate.dll",
            &std::fs::read(dll("CustomPhoneGate.dll")).unwrap(),
        );
        (
            site,
            vec!["provider".into(), "set".into(), new_gate.clone()],
        )
    };
    let rounds = kill_rounds();
    let (kills, _, bad) = kill_at_random("provider set", rounds, &fresh);
    assert_eq!(bad, 0);
    assert_kills_landed("provider set", kills, rounds);
}

#[test]
fn killing_provider_clear_leaves_no_disagreement_or_orphan() {
    let fresh = || {
        let site = Site::example();
        site.run(&[
            "provider",
            "set",
            &dll("CustomPhoneGate.dll").display().to_string(),
        ]);
        (
            site,
            vec!["provider".into(), "clear".into(), "--force".into()],
        )
    };
    let rounds = kill_rounds();
    let (kills, _, bad) = kill_at_random("provider clear", rounds, &fresh);
    assert_eq!(bad, 0);
    assert_kills_landed("provider clear", kills, rounds);
}

#[test]
fn killing_a_restore_whose_certificate_and_password_differ_leaves_no_disagreement() {
    // SDK(A) → provider set → sdk apply of zip B → restore the snapshot
    // before provider set: cert_key.p12 must go from B's bytes back to A's
    // together with A's password.
    let zip_dir = tempfile::tempdir().unwrap();
    let zip_b = sdk_zip(zip_dir.path(), "aes256.p12").display().to_string();
    let gate = dll("CustomPhoneGate.dll").display().to_string();
    let fresh = || {
        let site = Site::example();
        let (_, v) = site.json(&["provider", "set", &gate]);
        let id = v["snapshot"].as_str().unwrap().to_string();
        let (code, v) = site.json(&["sdk", "apply", &zip_b]);
        assert_eq!(code, 0, "{v}");
        (site, vec!["restore".into(), id])
    };
    let rounds = kill_rounds();
    let (kills, _, bad) = kill_at_random("restore", rounds, &fresh);
    assert_eq!(bad, 0);
    assert_kills_landed("restore", kills, rounds);
}
