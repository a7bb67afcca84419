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

/// The `index` corpus: every seed holds the property, and the tampered
/// ones (side-file paths, duplicate ids, control characters, unknown roles)
/// are refused whole.
#[test]
fn the_index_corpus_holds_and_tampered_indexes_are_refused() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/corpus/index");
    let mut refused = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        checks::index(&bytes);
        let name = entry.file_name().to_string_lossy().into_owned();
        let ok = mimmfa::internals::parse_index(&bytes).is_ok();
        assert_eq!(
            ok,
            name == "valid.json" || name == "schema3-seq.json",
            "{name}"
        );
        if !ok {
            refused.push(name);
        }
    }
    assert!(refused.len() >= 6, "{refused:?}");
}
