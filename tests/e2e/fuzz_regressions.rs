//! Every input a fuzzer once crashed on (tests/fixtures/fuzz-regressions/
//! <target>/) is replayed through the same property the fuzz target checks.

#[path = "../fuzz/fuzz_targets/checks.rs"]
mod checks;

#[test]
fn saved_fuzz_crashes_stay_fixed() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-regressions");
    let mut replayed = 0;
    for (target, check) in [
        ("settings", checks::settings as fn(&[u8])),
        ("pf_auth", checks::pf_auth),
        ("zip_names", checks::zip_names),
        ("dotnet", checks::dotnet),
        ("index", checks::index),
    ] {
        for entry in std::fs::read_dir(root.join(target))
            .into_iter()
            .flatten()
            .flatten()
        {
            check(&std::fs::read(entry.path()).unwrap());
            replayed += 1;
        }
    }
    assert!(replayed >= 1, "the saved crash inputs were found");
}
