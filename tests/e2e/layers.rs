//! The rules of the house (docs/design.md, "The layers"), kept by reading
//! the source: formats import nothing of ours above them; checks never
//! write; only commands and output print; no module name twice.

use std::path::{Path, PathBuf};

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Lines of code, comments left out (unit tests count: they live in the
/// layer too).
fn code(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l.to_string()))
        .collect()
}

fn breaches(dir: &str, forbidden: &[&str], allowed: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for file in sources(&src().join(dir)) {
        for (n, line) in code(&file) {
            for bad in forbidden {
                if line.contains(bad) && !allowed.iter().any(|a| line.contains(a)) {
                    out.push(format!("{}:{n}: {}", file.display(), line.trim()));
                }
            }
        }
    }
    out
}

#[test]
fn formats_import_nothing_above_them() {
    let found = breaches("formats", &["crate::"], &["crate::formats::"]);
    assert!(found.is_empty(), "{found:#?}");
}

/// The store reports what it did (change::Outcome); commands say it. The
/// domain floors (the service folder, formats, checks, store) know nothing
/// of the run above them: not its context, command line, output or commands.
#[test]
fn the_domain_knows_nothing_of_the_run() {
    let above = [
        "crate::output",
        "crate::commands",
        "crate::context",
        "crate::cli",
        "Ctx",
    ];
    for layer in ["site", "store", "checks"] {
        let found = breaches(layer, &above, &[]);
        assert!(found.is_empty(), "{layer}: {found:#?}");
    }
}

/// The service folder is the lowest floor above formats: it names no
/// check, store or command (the store finds its handle through it).
#[test]
fn the_service_folder_sits_below_checks_and_store() {
    let found = breaches(
        "site",
        &["crate::"],
        &["crate::formats::", "crate::error::", "crate::site::"],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn checks_never_write() {
    let found = breaches(
        "checks",
        &[
            "fs::write",
            "File::create",
            "OpenOptions",
            "safe_write",
            "store::change",
            "remove_file",
            "rename(",
        ],
        &[],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn only_commands_and_output_print() {
    let printing = [
        "println!",
        "eprintln!",
        "print!(",
        "eprint!(",
        "print_stdout",
        "print_stderr",
        "stdout()",
        "stderr()",
    ];
    let mut found = Vec::new();
    for dir in ["formats", "checks", "store", "site"] {
        found.extend(breaches(dir, &printing, &[]));
    }
    for file in ["context.rs", "error.rs", "cli.rs"] {
        for (n, line) in code(&src().join(file)) {
            if printing.iter().any(|p| line.contains(p)) {
                found.push(format!("{file}:{n}: {}", line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn no_module_name_twice() {
    let mut seen = std::collections::BTreeMap::new();
    for file in sources(&src()) {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        if stem == "mod"
            || file.parent() == Some(src().as_path()) && (stem == "lib" || stem == "main")
        {
            continue;
        }
        if let Some(other) = seen.insert(stem.clone(), file.clone()) {
            panic!(
                "module {stem} twice: {} and {}",
                other.display(),
                file.display()
            );
        }
    }
}

/// Every file read goes through formats/bounded.rs (regular files only,
/// caps counted while reading): a FIFO named like a DLL must not hang a
/// command, nor a sparse 1 GB file fill its memory. Unit tests read their
/// own fixtures and are left out.
#[test]
fn every_read_is_bounded() {
    let reads = ["fs::read(", "fs::read_to_string", "File::open"];
    let allowed_files = ["formats/bounded.rs"];
    // A folder opened only to fsync it after a rename: no byte is read.
    let allowed_lines = ["File::open(dir)"];
    let mut found = Vec::new();
    for file in sources(&src()) {
        let rel = file
            .strip_prefix(src())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if allowed_files.contains(&rel.as_str()) {
            continue;
        }
        for (n, line) in code(&file)
            .into_iter()
            .take_while(|(_, l)| l.trim() != "#[cfg(test)]")
        {
            if reads.iter().any(|r| line.contains(r))
                && !allowed_lines.iter().any(|a| line.contains(a))
            {
                found.push(format!("{rel}:{n}: {}", line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "read through formats::bounded: {found:#?}"
    );
}

/// The crate's modules are private (the compiler then finds what nothing
/// uses); tests and fuzz targets reach in only through `internals`.
#[test]
fn modules_are_private_but_internals() {
    let public: Vec<String> = code(&src().join("lib.rs"))
        .into_iter()
        .filter(|(_, l)| l.starts_with("pub mod ") && l.trim() != "pub mod internals {")
        .map(|(n, l)| format!("lib.rs:{n}: {l}"))
        .collect();
    assert!(public.is_empty(), "{public:#?}");
}

/// What a file depends on is said at its top: a path into the crate is
/// imported by a `use`, never spelled out in the middle of the code.
#[test]
fn imports_are_at_the_top() {
    let mut found = Vec::new();
    for file in sources(&src()) {
        for (n, line) in code(&file) {
            let l = line.trim_start();
            let is_declaration = l.starts_with("use ")
                || l.starts_with("pub use ")
                || l.starts_with("pub(crate) use ")
                || l.starts_with("pub(in crate::");
            // The inner lines of a `use` spread over lines: names and
            // commas, no call, no statement.
            let inside_use = (l.ends_with(',') || l.ends_with("};")) && !l.contains('(');
            if line.contains("crate::") && !is_declaration && !inside_use {
                found.push(format!("{}:{n}: {}", file.display(), l));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

/// A command gives the report facts (a body); the closing line and every
/// line a person reads are made from them (docs/design.md, "How a command
/// answers").
#[test]
fn commands_write_no_text_into_the_report() {
    let found = breaches(
        "commands",
        &[".msg =", ".msg.push", ".human.push", ".line("],
        &[],
    );
    assert!(found.is_empty(), "{found:#?}");
}
