//! Command lines printed in the docs run as written, from the folder they
//! say (the repository's root): the README's tour here; docs/providers.md's
//! walk-through in clr_oracle.rs; the Ansible playbook's header in
//! .ci/ansible-test.

use std::path::Path;

/// The README's tour block, line by line in one bash (`set -e`): every
/// command succeeds, and the second `sdk apply` finds nothing to change.
/// Its first line builds and installs mimmfa; the binary under test is put
/// on the PATH instead.
#[test]
fn the_readme_tour_runs_as_written() {
    let readme = include_str!("../../README.md");
    let block = readme
        .split("```sh\ncargo build --release && export PATH")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README's tour block");
    let script: Vec<&str> = block.lines().skip(1).collect();
    assert!(script.len() > 15, "{block}");
    let bin = assert_cmd::cargo::cargo_bin("mimmfa");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script.join("\n")])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env_remove("MIMMFA_SERVICE_DIR")
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("nothing to change"), "{stdout}");
    assert!(stdout.contains("MFA012 (warning)"), "{stdout}");
    let sarif = std::fs::read_to_string("/tmp/mimmfa-tour/mimmfa.sarif").unwrap();
    assert!(sarif.contains("\"version\": \"2.1.0\""));
}
