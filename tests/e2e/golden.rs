//! Golden files: what a person sees from every command, run in order on a
//! copy of the bundled example (examples/), as a newcomer would. A change
//! of wording shows up as a diff of tests/golden/*.txt to review;
//! `MIMMFA_BLESS=1 cargo test golden` rewrites them.
//!
//! Native build only: under Windows the paths are written with `\` and the
//! file-mode findings (MFA050/MFA051) are ACL findings, so the same tour
//! reads differently there (tests/e2e/windows_paths.rs covers it).

use crate::util::{bless_or_compare, output_of};
use std::path::{Path, PathBuf};

/// The tour: one golden file per step, named by what the step shows.
const TOUR: &[(&str, &[&str])] = &[
    ("status-sdk-mode", &["status"]),
    ("validate-sdk-mode", &["validate"]),
    ("backup", &["backup", "--label", "before the change"]),
    ("backup-list", &["backup", "list"]),
    ("sdk-inspect", &["sdk", "inspect", "sdk_aspnet_csharp.zip"]),
    (
        "provider-check",
        &["provider", "check", "CustomPhoneGate.dll"],
    ),
    ("provider-contract", &["provider", "contract"]),
    (
        "provider-set-dry-run",
        &["provider", "set", "CustomPhoneGate.dll", "--dry-run"],
    ),
    ("provider-set", &["provider", "set", "CustomPhoneGate.dll"]),
    (
        "provider-set-again",
        &["provider", "set", "CustomPhoneGate.dll"],
    ),
    ("diff-latest-current", &["diff", "latest", "current"]),
    ("status-custom-provider", &["status"]),
    ("validate-custom-provider", &["validate", "--strict"]),
    ("provider-clear-refused", &["provider", "clear"]),
    ("provider-clear-forced", &["provider", "clear", "--force"]),
    ("validate-no-provider", &["validate"]),
    (
        "sdk-apply",
        &[
            "sdk",
            "apply",
            "sdk_aspnet_csharp.zip",
            "--country-code",
            "1",
            "--username",
            "svc",
        ],
    ),
    (
        "restore-latest-refused",
        &["restore", "latest", "--dry-run"],
    ),
    ("restore-latest", &["restore", "latest", "--force"]),
    ("backup-list-after", &["backup", "list"]),
    ("backup-prune", &["backup", "prune", "--keep", "3"]),
    ("backup-repair", &["backup", "repair"]),
    ("explain", &["explain", "MFA022"]),
    ("explain-unknown", &["explain", "MFA999"]),
    (
        "sdk-inspect-missing-zip",
        &["sdk", "inspect", "missing.zip"],
    ),
    ("setup-without-a-terminal", &["setup"]),
    ("quiet-validate", &["-q", "validate"]),
    ("verbose-status", &["-v", "status"]),
    ("validate-fleet", &["validate", "service", "nowhere"]),
    ("provider-new", &["provider", "new", "ContosoPhoneGate"]),
    (
        "provider-new-again",
        &["provider", "new", "ContosoPhoneGate"],
    ),
    (
        "events-clean",
        &["-v", "events", "events/after-restart.xml"],
    ),
    (
        "events-provider-failed",
        &["events", "events/provider-failed.xml"],
    ),
    ("events-without-a-file", &["events"]),
];

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
            // The same modes on every machine (umask), so MFA050/MFA051 read alike.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
            }
        }
    }
}

/// What differs from run to run becomes a placeholder: the temp folder,
/// backup ids (numbered in order of first appearance) and times of this
/// run (not the example certificate's fixed dates).
struct Scrubber {
    dirs: Vec<String>,
    ids: Vec<String>,
    id: regex::Regex,
    time: regex::Regex,
    started: time::OffsetDateTime,
}

impl Scrubber {
    fn new(dir: &Path) -> Self {
        let mut dirs = vec![dir.display().to_string()];
        if let Ok(real) = dir.canonicalize() {
            dirs.insert(0, real.display().to_string());
        }
        Scrubber {
            dirs,
            ids: Vec::new(),
            id: regex::Regex::new(r"\b\d{8}T\d{6}Z(-\d+)?\b").unwrap(),
            time: regex::Regex::new(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z").unwrap(),
            started: time::OffsetDateTime::now_utc(),
        }
    }

    fn scrub(&mut self, text: &str) -> String {
        let mut text = text.to_string();
        for d in &self.dirs {
            text = text.replace(d.as_str(), "<TMP>");
        }
        let started = self.started;
        let text = self
            .time
            .replace_all(&text, |c: &regex::Captures| {
                let s = &c[0];
                let t =
                    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339);
                match t {
                    Ok(t) if (t - started).whole_hours().abs() < 2 => "<NOW>".to_string(),
                    _ => s.to_string(),
                }
            })
            .into_owned();
        let ids = &mut self.ids;
        let text = self
            .id
            .replace_all(&text, |c: &regex::Captures| {
                let id = c[0].to_string();
                let n = ids.iter().position(|i| *i == id).unwrap_or_else(|| {
                    ids.push(id);
                    ids.len() - 1
                });
                format!("<ID{}>", n + 1)
            })
            .into_owned();
        text.lines().map(unpadded).collect::<Vec<_>>().join("\n") + "\n"
    }
}

/// A table line without its padding: an id is 16 or 18 characters (a
/// second suffix when two are made within one second), which moves every
/// column of its table; the cells are what the golden file is about.
fn unpadded(line: &str) -> String {
    if line.starts_with('│') {
        let cells: Vec<&str> = line.trim_matches('│').split('┆').map(str::trim).collect();
        format!("│ {} │", cells.join(" ┆ "))
    } else if line.starts_with(['┌', '╞', '└']) {
        let mut out = String::new();
        for c in line.chars() {
            if !((c == '─' || c == '═') && out.ends_with(c)) {
                out.push(c);
            }
        }
        out
    } else {
        line.to_string()
    }
}

#[test]
fn every_command_on_the_example_reads_as_committed() {
    use assert_cmd::cargo::CommandCargoExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&root.join("examples"), tmp.path());
    let mut scrubber = Scrubber::new(tmp.path());
    let golden = root.join("tests/golden");
    let mut stale = Vec::new();
    let mut made: Vec<PathBuf> = Vec::new();
    for (n, (name, args)) in TOUR.iter().enumerate() {
        let mut command = std::process::Command::cargo_bin("mimmfa").unwrap();
        command
            .current_dir(tmp.path())
            .args(["-s", "service"])
            .args(*args)
            .env_remove("MIMMFA_SERVICE_DIR")
            .env("NO_COLOR", "1")
            .env("COLUMNS", "200");
        let out = output_of(&mut command);
        let text = format!(
            "$ mimmfa -s service {}\n[exit {}]\n--- stdout\n{}--- stderr\n{}",
            args.join(" "),
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        let path = golden.join(format!("{:02}-{name}.txt", n + 1));
        bless_or_compare(&path, scrubber.scrub(&text).as_bytes(), &mut stale);
        made.push(path);
    }
    // A step removed or renamed leaves no file behind.
    for entry in std::fs::read_dir(&golden).unwrap() {
        let path = entry.unwrap().path();
        if !made.contains(&path) {
            if std::env::var_os("MIMMFA_BLESS").is_some() {
                std::fs::remove_file(&path).unwrap();
            } else {
                stale.push(format!("{} is no step of the tour", path.display()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "human output changed: review, then `MIMMFA_BLESS=1 cargo test golden` and commit:\n{}",
        stale.join("\n")
    );
}
