//! The properties the fuzz targets check, shared with the regression test
//! (`tests/e2e/fuzz_regressions.rs`), which replays every saved crash input.

use mimmfa::internals::SettingsDoc;

/// The pf_auth.cs reader never panics on any text.
pub fn pf_auth(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = mimmfa::internals::read_keys(&text) {
        let _ = e.to_string();
    }
}

/// Parse never panics; an edit then its reverse gives the original bytes;
/// an insert leaves every other element as it was; every edited output
/// parses again.
pub fn settings(data: &[u8]) {
    let Ok(doc) = SettingsDoc::parse(data) else {
        return;
    };
    for el in doc.elements().iter().take(4) {
        let name = el.name.clone();
        let Some((start, end)) = el.content else {
            continue;
        };
        if el.has_children || doc.find_all(&name).len() != 1 {
            continue;
        }
        // Exact when the original text is what minimal escaping of its value
        // writes (no `&gt;`, character references, CDATA or comments).
        let raw = &data[start..end];
        let canonical = quick_xml::escape::minimal_escape(el.value.as_str()).into_owned();
        let mut edit = doc.edit();
        edit.set(&name, "fuzz & <value>")
            .expect("a unique text element can be set");
        let changed = edit.finish().expect("an edited document parses again");
        let doc2 = SettingsDoc::parse(&changed).expect("finish() output parses");
        let values: Vec<&str> = doc2
            .find_all(&name)
            .iter()
            .map(|e| e.value.as_str())
            .collect();
        assert_eq!(values, vec!["fuzz & <value>"]);
        let mut back = doc2.edit();
        back.set(&name, &el.value).expect("set back");
        let restored = back.finish().expect("parses again");
        if raw == canonical.as_bytes() {
            assert_eq!(
                restored, data,
                "edit then reverse must give the original bytes"
            );
        }
    }
    if doc.get("FuzzInserted").is_none() {
        let mut edit = doc.edit();
        if edit.set("FuzzInserted", "x").is_ok()
            && let Ok(out) = edit.finish()
        {
            let doc2 = SettingsDoc::parse(&out).expect("insert output parses");
            // The insert touches nothing else: every other element reads
            // as it did, in the same order.
            let others: Vec<_> = doc2
                .elements()
                .iter()
                .filter(|e| e.name != "FuzzInserted")
                .map(|e| (&e.name, &e.value))
                .collect();
            let before: Vec<_> = doc.elements().iter().map(|e| (&e.name, &e.value)).collect();
            assert_eq!(others, before);
        }
    }
}

/// A zip entry name not judged hostile can never climb out of a folder or
/// name a drive, whatever its slashes.
pub fn zip_names(data: &[u8]) {
    use mimmfa::internals::{hostile_name, normalize};
    let name = String::from_utf8_lossy(data);
    let norm = normalize(&name);
    if hostile_name(&name).is_none() {
        assert!(!norm.starts_with('/'), "absolute: {name:?}");
        assert!(!norm.split('/').any(|c| c == ".."), "dot-dot: {name:?}");
        let b = norm.as_bytes();
        assert!(!(b.len() >= 2 && b[1] == b':'), "drive: {name:?}");
        assert!(!norm.chars().any(char::is_control), "control: {name:?}");
    }
}

/// The .NET metadata reader: an error, never a panic or an out-of-bounds read.
pub fn dotnet(data: &[u8]) {
    if let Ok(asm) = mimmfa::internals::read_assembly(data) {
        for t in &asm.types {
            let _ = t.is_creatable_class();
        }
    }
}

/// Parsing a backup index never panics, and an accepted index names only
/// plain files inside the backup folder, with 64-hex sha256s.
pub fn index(data: &[u8]) {
    use mimmfa::internals::Role;
    let Ok(index) = mimmfa::internals::parse_index(data) else {
        return;
    };
    let plain = |name: &str| {
        !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', ':', '\0'])
    };
    let hex = |s: &str| s.len() == 64 && s.bytes().all(|c| c.is_ascii_hexdigit());
    let clean = |s: &str| !s.chars().any(char::is_control);
    let mut ids = std::collections::HashSet::new();
    let mut last = None;
    for e in index.newest_first() {
        assert!(plain(&e.file), "{:?}", e.file);
        assert!(hex(&e.sha256), "{:?}", e.sha256);
        // No id twice (prune would delete by it), newest first by seq.
        assert!(ids.insert(e.id.clone()), "duplicate id {}", e.id);
        if let (Some(prev), Some(seq)) = (last, e.seq) {
            assert!(seq < prev, "order");
        }
        last = e.seq.or(last);
        // Nothing that reaches a terminal holds a control character.
        for t in [&e.id, &e.created, &e.reason, &e.tool_version]
            .into_iter()
            .chain(e.label.iter())
            .chain(e.host.iter())
            .chain(e.settings_path.iter())
        {
            assert!(clean(t), "{t:?}");
        }
        for f in &e.side_files {
            assert!(plain(&f.file) && hex(&f.sha256), "{f:?}");
            assert!(f.role != Role::Unknown, "{f:?}");
            assert!(clean(&f.path), "{f:?}");
            // A side file's recorded path never climbs out, and never names
            // the SMS gate, Microsoft's files or the store's own.
            let parts: Vec<&str> = f.path.split(['/', '\\']).collect();
            assert!(
                !parts
                    .iter()
                    .any(|p| !p.is_empty() && p.trim_end_matches(['.', ' ']).is_empty()),
                "{f:?}"
            );
            let name = parts.last().unwrap_or(&"").to_ascii_lowercase();
            assert!(
                !name.ends_with(".exe") && !name.ends_with(".config"),
                "{f:?}"
            );
            assert!(
                !(name.starts_with("microsoft.") && name.ends_with(".dll")),
                "{f:?}"
            );
            assert!(name != "index.json" && !name.ends_with(".lock"), "{f:?}");
            assert!(
                (name.trim_end_matches(['.', ' ']) == "smsserviceprovider.dll")
                    == (f.role == Role::Sms),
                "{f:?}"
            );
        }
    }
}
