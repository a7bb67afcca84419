//! The backup folder: snapshots of the MFA state (MfaSettings.xml and the
//! files it points to), in the order they were taken (`seq`, a counter the
//! store keeps: never the clock) in `index.json`, with the bytes
//! stored once each under content-addressed names (`<stem>.<sha256>.<ext>`).
//!
//! Nothing read from the folder is trusted: every index entry must name a
//! file of the store's own naming scheme, with a 64-hex sha256; bytes are
//! read bounded and checked against their sha256 before use; prune deletes
//! only such files, inside the folder, whose bytes still match. Writes to
//! the folder (and the clean-up of temp files) happen under the folder's
//! own lock, so service folders sharing one backup folder never collide.

mod backup_index;
mod blob_naming;
mod index_trust;
mod snapshot_source;
mod snapshot_time;
mod store_adopt;
mod store_handle;
mod store_prune;
mod store_queries;
mod store_writes;

pub(crate) use backup_index::StoredBytes;
pub use backup_index::{BackupEntry, INDEX_FILE, Index, Role, StoredFile};
pub(crate) use blob_naming::{blob_name, is_blob_name, settings_blob_sha};
pub use index_trust::parse_index;
pub(crate) use index_trust::{check_entry, is_id, is_sha256};
pub use snapshot_source::{Source, absolute_display};
pub(crate) use snapshot_source::{base_name, same_path};
pub use snapshot_time::compact_utc;
pub(crate) use snapshot_time::unused_id;
pub use store_handle::{BackupStore, StoreLock};
pub use store_prune::PrunePlan;
pub use store_queries::{WayBack, latest_of, way_back};
pub use store_writes::{Meta, State, StateFile};

#[cfg(test)]
mod tests {
    use super::snapshot_source::Source;
    use super::*;
    use std::fs;
    use std::path::Path;

    fn store(dir: &Path, settings: &str) -> BackupStore {
        BackupStore::new(
            dir.join("MfaBackups"),
            Source {
                host: "srv1".into(),
                settings_path: settings.into(),
            },
        )
    }

    fn take(s: &BackupStore, bytes: &[u8], files: Vec<StateFile>) -> BackupEntry {
        let (lock, _) = s.lock().unwrap();
        let state = State {
            settings: bytes.to_vec(),
            files,
        };
        let meta = Meta {
            label: None,
            reason: "manual",
            after_sha256: None,
            before_restore: false,
        };
        s.snapshot(&lock, &state, meta).unwrap()
    }

    #[test]
    fn snapshots_are_points_in_time_with_bytes_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path(), "/srv/MfaSettings.xml");
        let a = take(
            &s,
            b"one",
            vec![StateFile {
                role: Role::Certificate,
                path: "/srv/MfaCerts/cert_key.p12".into(),
                bytes: b"cert".to_vec(),
            }],
        );
        let b = take(&s, b"two", vec![]);
        let c = take(&s, b"one", vec![]);
        assert_ne!(a.id, c.id, "the same bytes later are a new point in time");
        assert_eq!(a.file, c.file, "stored once");
        assert_eq!(s.latest().unwrap().unwrap().id, c.id);
        assert_eq!(s.find(&b.id).unwrap(), b);
        assert!(s.find("").is_err());
        assert_eq!(s.read_verified(&a).unwrap(), b"one");
        assert_eq!(s.read_side(&a.side_files[0]).unwrap(), b"cert");
        assert_eq!(a.holds(), "settings + cert_key.p12");
        // Prune keeps the newest; a file still used by a kept one stays.
        let (lock, _) = s.lock().unwrap();
        let plan = s.plan_prune(1).unwrap();
        assert_eq!(plan.removed.len(), 2);
        assert_eq!(plan.files.len(), 2, "b's settings and a's cert: {plan:?}");
        let skipped = s.prune(&lock, &plan).unwrap();
        assert!(skipped.is_empty());
        assert!(s.path_of(&c).exists(), "c still uses the bytes a had");
        assert!(!s.dir().join(&a.side_files[0].file).exists());
        assert!(!s.path_of(&b).exists());
    }

    #[test]
    fn other_sources_are_apart() {
        let dir = tempfile::tempdir().unwrap();
        let one = store(dir.path(), "/srv1/MfaSettings.xml");
        let two = store(dir.path(), "/srv2/MfaSettings.xml");
        let a = take(&one, b"one", vec![]);
        take(&two, b"two", vec![]);
        // A store is one run's view: the next run of srv1 sees srv2's too.
        let one = store(dir.path(), "/srv1/MfaSettings.xml");
        assert_eq!(one.latest().unwrap().unwrap().id, a.id);
        assert_eq!(one.list().unwrap().len(), 1);
        assert_eq!(one.load().unwrap().newest_first().count(), 2);
        let other = two.list().unwrap()[0].id.clone();
        let e = one.find(&other).unwrap_err().to_string();
        assert!(e.contains("/srv2/MfaSettings.xml"), "{e}");
    }

    #[test]
    fn index_entries_are_checked() {
        let good = "a".repeat(64);
        let entry = |file: &str, sha: &str| {
            let stored = StoredBytes {
                file: file.into(),
                sha256: sha.into(),
                size: 0,
            };
            BackupEntry::new(
                "20261123T140501Z".into(),
                stored,
                String::new(),
                String::new(),
            )
        };
        assert!(check_entry(&entry(&format!("MfaSettings.{good}.xml"), &good)).is_ok());
        assert!(check_entry(&entry("MfaSettings.20261123T140501Z.xml", &good)).is_ok());
        for bad in [
            "../MfaSettings.xml",
            "/etc/passwd",
            "MfaSettings.xml",
            "a/b.xml",
        ] {
            assert!(check_entry(&entry(bad, &good)).is_err(), "{bad}");
        }
        assert!(check_entry(&entry(&format!("x.{good}.xml"), "zz")).is_err());
        assert!(is_id("20261123T140501Z-2") && !is_id("2026") && !is_id(""));
        assert_eq!(blob_name("Contoso.Gate.dll", "ab"), "Contoso_Gate.ab.dll");
        assert_eq!(blob_name("../../x", "ab"), "____.ab.bin");
    }

    #[test]
    fn schemas_1_2_and_3_read_through_one_path() {
        let sha = "a".repeat(64);
        let one = |schema: u32, more: &str| {
            format!(
                r#"{{"id":"20261123T140501Z","file":"MfaSettings.{}.xml","created":"2026-11-23T14:05:01Z","sha256":"{sha}","size":3,"label":null,"reason":"manual","tool_version":"0.1.0"{more}}}"#,
                if schema == 1 {
                    "20261123T140501Z"
                } else {
                    &sha
                }
            )
        };
        let index = |schema: u32, entries: &[String]| {
            format!(
                r#"{{"schema_version":{schema},{}"backups":[{}]}}"#,
                if schema == 3 { r#""last_seq":1,"# } else { "" },
                entries.join(",")
            )
        };
        let v2_fields = r#","host":"srv1","settings_path":"/srv/MfaSettings.xml","side_files":[],"after_sha256":null,"before_restore":false"#;
        let v3 = one(3, &format!(r#"{v2_fields},"seq":1"#));
        let cases = [
            (index(1, &[one(1, "")]), true),
            (index(2, &[one(2, v2_fields)]), true),
            (index(3, std::slice::from_ref(&v3)), true),
            (index(3, &[v3.clone(), v3]), false),
        ];
        for (json, good) in cases {
            let dir = tempfile::tempdir().unwrap();
            let s = store(dir.path(), "/srv/MfaSettings.xml");
            fs::create_dir_all(s.dir()).unwrap();
            fs::write(s.dir().join(INDEX_FILE), &json).unwrap();
            let parsed = parse_index(json.as_bytes());
            let loaded = s.load();
            assert_eq!(parsed.is_ok(), good, "{json}");
            assert_eq!(loaded.is_ok(), good, "{json}");
            if let (Err(why), Err(e)) = (parsed, loaded) {
                assert!(why.contains("ids must be unique"), "{why}");
                assert!(e.to_string().contains(&why), "{e} / {why}");
            }
        }
    }

    #[test]
    fn an_index_read_and_saved_again_is_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path(), "/srv/MfaSettings.xml");
        take(&s, b"one", vec![]);
        take(&s, b"two", vec![]);
        let before = fs::read(s.dir().join(INDEX_FILE)).unwrap();
        let again = store(dir.path(), "/srv/MfaSettings.xml");
        again.save(again.load_owned().unwrap()).unwrap();
        assert_eq!(fs::read(s.dir().join(INDEX_FILE)).unwrap(), before);
    }

    #[test]
    fn tampered_bytes_are_refused_and_rewritten_on_the_next_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path(), "/srv/MfaSettings.xml");
        let a = take(&s, b"one", vec![]);
        fs::write(s.path_of(&a), b"evil").unwrap();
        assert!(s.read_verified(&a).is_err());
        let b = take(&s, b"one", vec![]);
        assert_eq!(s.read_verified(&b).unwrap(), b"one");
    }

    #[test]
    fn compact_time_format() {
        let t = time::macros::datetime!(2026-11-23 14:05:01 UTC);
        assert_eq!(compact_utc(t), "20261123T140501Z");
    }
}
