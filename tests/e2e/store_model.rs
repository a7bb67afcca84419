//! A property against a model: two servers sharing one backup folder, random
//! sequences of hand edits, changes, backups, restores, prunes, index damage
//! with repairs, and killed changes. After each step, `restore latest` on a
//! server must give that server's state before its most recent change
//! (the server's files are put back after each check).
//! Size: MIMMFA_MODEL_CASES (default 3) sequences of up to 10 steps.

use crate::store_trust::gate;
use crate::util::*;
use proptest::prelude::*;
use std::fs;

#[derive(Debug, Clone)]
enum Op {
    Edit(usize, u8),
    Backup(usize),
    ProviderSet(usize),
    RestoreLatest(usize),
    Prune(usize, u8),
    DamageThenRepair(usize),
    KilledProviderSet(usize, u16),
}

fn op() -> impl Strategy<Value = Op> {
    let s = 0..2usize;
    prop_oneof![
        (s.clone(), 1..99u8).prop_map(|(s, c)| Op::Edit(s, c)),
        s.clone().prop_map(Op::Backup),
        s.clone().prop_map(Op::ProviderSet),
        s.clone().prop_map(Op::RestoreLatest),
        (s.clone(), 1..4u8).prop_map(|(s, k)| Op::Prune(s, k)),
        s.clone().prop_map(Op::DamageThenRepair),
        (s, 0..4000u16).prop_map(|(s, us)| Op::KilledProviderSet(s, us)),
    ]
}

struct World {
    backups: tempfile::TempDir,
    sites: [Site; 2],
    /// What `restore latest` may give each server (several after a kill;
    /// None: no snapshot of it yet, exit 3).
    latest: [Vec<Option<Vec<u8>>>; 2],
}

impl World {
    fn run(&self, s: usize, args: &[&str]) -> Out {
        let mut full = vec!["--backup-dir", self.backups.path().to_str().unwrap()];
        full.extend_from_slice(args);
        self.sites[s].run(&full)
    }

    /// A change through mimmfa: its snapshot is the state before.
    fn changed(&mut self, s: usize, before: Vec<u8>, out: &Out) {
        if out.code == 0 && self.sites[s].settings() != before {
            self.latest[s] = vec![Some(before)];
        }
    }

    /// `restore latest` on server `s`, then its files put back as they were.
    fn check(&self, s: usize) -> Result<(), TestCaseError> {
        // The server's files are put back after the check (the restore's
        // own snapshot stays: it is marked before_restore, which latest skips).
        let keep = self.sites[s].snapshot_files();
        let out = self.run(s, &["restore", "latest"]);
        let got = self.sites[s].settings();
        let result = if out.code == 3 {
            prop_assert!(self.latest[s].contains(&None), "server {s}: {}", out.stderr);
            Ok(())
        } else {
            prop_assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
            prop_assert!(
                self.latest[s].contains(&Some(got)),
                "server {s}: restore latest gave another state"
            );
            Ok(())
        };
        for (rel, bytes) in keep {
            self.sites[s].write(&rel, &bytes);
        }
        result
    }
}

impl Site {
    /// The settings and the Service folder's files (not the backups).
    fn snapshot_files(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = vec![("MfaSettings.xml".to_string(), self.settings())];
        for rel in ["MfaCerts/cert_key.p12", "CustomPhoneGate.dll"] {
            if let Ok(b) = fs::read(self.path(rel)) {
                out.push((rel.to_string(), b));
            }
        }
        out
    }
}

fn step(w: &mut World, op: &Op) -> Result<(), TestCaseError> {
    match *op {
        Op::Edit(s, cc) => {
            let text = String::from_utf8(w.sites[s].settings()).unwrap();
            let at = text.find("<DefaultCountryCode>").unwrap() + 20;
            let end = at + text[at..].find('<').unwrap();
            let edited = format!("{}{cc}{}", &text[..at], &text[end..]);
            w.sites[s].write("MfaSettings.xml", edited.as_bytes());
        }
        Op::Backup(s) => {
            let out = w.run(s, &["backup"]);
            prop_assert_eq!(out.code, 0, "{}", out.stderr);
            w.latest[s] = vec![Some(w.sites[s].settings())];
        }
        Op::ProviderSet(s) => {
            let before = w.sites[s].settings();
            let out = w.run(s, &["provider", "set", &gate()]);
            prop_assert_eq!(out.code, 0, "{}", out.stderr);
            w.changed(s, before, &out);
        }
        Op::RestoreLatest(s) => {
            // A restore's snapshot is skipped by latest: the model stays.
            let out = w.run(s, &["restore", "latest"]);
            prop_assert!(matches!(out.code, 0 | 1 | 3), "{}", out.stderr);
        }
        Op::Prune(s, keep) => {
            let out = w.run(s, &["backup", "prune", "--keep", &keep.to_string()]);
            prop_assert_eq!(out.code, 0, "{}", out.stderr);
        }
        Op::DamageThenRepair(s) => {
            let path = w.backups.path().join("index.json");
            if let Ok(text) = fs::read_to_string(&path) {
                let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
                v["backups"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!({"id": "planted", "file": "../x"}));
                fs::write(&path, v.to_string()).unwrap();
                prop_assert_eq!(w.run(s, &["backup", "list"]).code, 3);
                let out = w.run(s, &["backup", "repair"]);
                prop_assert_eq!(out.code, 0, "{}", out.stderr);
            }
        }
        Op::KilledProviderSet(s, us) => {
            let before = w.sites[s].settings();
            let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mimmfa"))
                .args(AS_STOCK_COPY)
                .arg("--backup-dir")
                .arg(w.backups.path())
                .arg("-s")
                .arg(w.sites[s].dir())
                .args(["provider", "set", &gate()])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_micros(us as u64 * 10));
            let _ = child.kill();
            child.wait().unwrap();
            let before = Some(before);
            if Some(w.sites[s].settings()) != before {
                w.latest[s] = vec![before];
            } else if !w.latest[s].contains(&before) {
                // Killed before or after its snapshot: either may be latest.
                w.latest[s].push(before);
            }
        }
    }
    Ok(())
}

#[test]
fn restore_latest_on_each_of_two_servers_gives_its_own_state_before_its_last_change() {
    let cases = std::env::var("MIMMFA_MODEL_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(ops in proptest::collection::vec(op(), 1..10))| {
        let mut w = World {
            backups: tempfile::tempdir().unwrap(),
            sites: [Site::example(), Site::example()],
            latest: [vec![None], vec![None]],
        };
        // Server two differs from server one from the start.
        step(&mut w, &Op::Edit(1, 44))?;
        for op in &ops {
            step(&mut w, op)?;
            for s in 0..2 {
                w.check(s)?;
            }
        }
    });
}
