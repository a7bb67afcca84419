//! `backup list`: every snapshot of this settings file (`--all`: of every
//! one), written row by row.

use crate::context::Ctx;
use crate::formats::secret::sha256_hex;
use crate::output::{Body, Report, RowSource, Shown, TableSource, printable};
use crate::store::snapshots::{BackupEntry, BackupStore, Index, latest_of};
use anyhow::Result;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    entry: &'a BackupEntry,
    matches_current: bool,
    intact: bool,
    /// The one `restore latest` would use.
    latest: bool,
}

/// `backup list`'s rows, made as they are written (10,000 snapshots are not
/// held twice), each stored file hashed once though snapshots share them.
struct Rows {
    store: Arc<BackupStore>,
    index: Arc<Index>,
    all: bool,
    current: Option<String>,
    latest: Option<String>,
    intact: Mutex<HashMap<String, bool>>,
    /// How many rows `entries` gives (counted once).
    count: usize,
}

impl Rows {
    fn entries(&self) -> Vec<&BackupEntry> {
        if self.all {
            self.index.newest_first().collect()
        } else {
            self.store.own(&self.index)
        }
    }

    fn each(&self, f: &mut dyn FnMut(Row<'_>)) {
        let mut seen = self.intact.lock().unwrap_or_else(|e| e.into_inner());
        let mut verified = |file: &str, sha: &str| -> bool {
            *seen
                .entry(file.to_string())
                .or_insert_with(|| self.store.verifies(file, sha))
        };
        for b in self.entries() {
            let intact = verified(&b.file, &b.sha256)
                && b.side_files.iter().all(|f| verified(&f.file, &f.sha256));
            f(Row {
                entry: b,
                matches_current: self.current.as_deref() == Some(b.sha256.as_str()),
                intact,
                latest: self.latest.as_deref() == Some(b.id.as_str()),
            });
        }
    }
}

impl TableSource for Rows {
    fn header(&self) -> Vec<&'static str> {
        let mut h = vec![
            "id", "created", "holds", "sha256", "label", "reason", "current",
        ];
        if self.all {
            h.insert(1, "host");
        }
        h
    }

    /// The id is what a person types back; the time is in it, so
    /// `created` goes first on a narrow console, then the hash, then holds.
    fn fixed(&self) -> Vec<usize> {
        vec![0]
    }

    fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn optional(&self) -> Vec<usize> {
        let created = if self.all { 2 } else { 1 };
        vec![created, created + 2, created + 1]
    }

    fn rows(&self, each: &mut dyn FnMut(Vec<String>)) {
        self.each(&mut |r| {
            let e = r.entry;
            let mut cells = vec![
                format!(
                    "{}{}",
                    Shown(&e.id),
                    if r.latest { " (latest)" } else { "" }
                ),
                printable(&e.created),
                printable(&e.holds()),
                format!(
                    "{}{}",
                    e.sha256.get(..12).unwrap_or_default(),
                    if r.intact { "" } else { " DAMAGED" }
                ),
                printable(e.label.as_deref().unwrap_or_default()),
                printable(&e.reason),
                if r.matches_current {
                    "yes".into()
                } else {
                    String::new()
                },
            ];
            if self.all {
                let host = match (&e.host, e.origin_known()) {
                    (Some(h), _) => printable(h),
                    (None, true) => "(schema 1)".into(),
                    (None, false) => "(origin unknown)".into(),
                };
                cells.insert(1, host);
            }
            each(cells)
        });
    }
}

impl RowSource for Rows {
    fn values(&self, each: &mut dyn FnMut(serde_json::Value)) {
        self.each(&mut |row| each(serde_json::to_value(&row).unwrap_or_default()));
    }
}

pub fn list(ctx: &Ctx, all: bool) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = ctx.report();
    report.settings_file = Some(site.settings_display());
    let store = site.backups();
    let index = store.load()?;
    let mut rows = Rows {
        current: site.read_settings().ok().map(|b| sha256_hex(&b)),
        latest: latest_of(&store.own(&index)).map(|b| b.id),
        store: Arc::clone(&store),
        index,
        all,
        intact: Mutex::default(),
        count: 0,
    };
    rows.count = rows.entries().len();
    let count = rows.count;
    let index = Arc::clone(&rows.index);
    report.stream("backups", rows);
    let listed = Listed {
        count,
        of: (!all).then(|| site.settings_display()),
        store_dir: store.dir(),
        unknown_origin: if all {
            0
        } else {
            index.newest_first().filter(|b| !b.origin_known()).count()
        },
    };
    report.body(&ctx.ui, &listed);
    Ok(report)
}

/// `backup list`'s closing line (its rows are streamed).
#[derive(Serialize)]
struct Listed<'a> {
    #[serde(skip)]
    count: usize,
    /// The settings file whose snapshots these are; none with `--all`.
    #[serde(skip)]
    of: Option<String>,
    #[serde(skip)]
    store_dir: &'a Path,
    /// Not listed: snapshots `backup repair` recovered, nobody's.
    #[serde(skip)]
    unknown_origin: usize,
}

impl Body for Listed<'_> {
    fn message(&self) -> String {
        let whose = self
            .of
            .as_ref()
            .map(|f| format!(" of {f}"))
            .unwrap_or_default();
        let mut msg = format!(
            "{} backup(s){whose} in {}",
            self.count,
            self.store_dir.display()
        );
        if self.unknown_origin > 0 {
            msg.push_str(&format!(
                "; {} more of unknown origin (recovered by repair): `mimmfa backup list --all`, restored only by id",
                self.unknown_origin
            ));
        }
        msg
    }
}
