//! `backup`, `backup list`, `backup prune`, `backup repair`, `backup adopt`.

use crate::context::Ctx;
use crate::error::usage;
use crate::formats::secret::sha256_hex;
use crate::output::{Body, Report, RowSource, Shown, TableSource, Ui, printable};
use crate::store::change;
use crate::store::repair::{self, Loss};
use crate::store::snapshots::{
    BackupEntry, BackupStore, INDEX_FILE, Index, Meta, PrunePlan, Source, State, absolute_display,
    latest_of,
};
use anyhow::Result;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Does snapshot `b` hold exactly `state` (settings and every side file)?
fn holds_state(b: &BackupEntry, state: &State) -> bool {
    b.sha256 == sha256_hex(&state.settings)
        && b.side_files.len() == state.files.len()
        && state.files.iter().all(|s| {
            let (path, sha) = (absolute_display(&s.path), sha256_hex(&s.bytes));
            b.side_files
                .iter()
                .any(|f| f.path == path && f.sha256 == sha)
        })
}

pub fn backup(ctx: &Ctx, label: Option<&str>, dry_run: bool) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = ctx.report();
    report.settings_file = Some(site.settings_display());
    if label.is_some_and(|l| l.chars().any(char::is_control)) {
        return Err(usage(
            "--label may not hold control characters (tabs, line breaks, terminal escapes)",
        ));
    }
    let _lock = super::begin(&site, dry_run, &mut report)?;
    let bytes = site.read_settings()?;
    let state = change::capture(&site, &bytes, &[], &mut report.warnings);
    let store = site.backups();
    // Idempotent: the snapshot `restore latest` would use holds this state
    // already (and no new label is asked for).
    if let Some(same) = store.latest()?
        && holds_state(&same, &state)
        && (label.is_none() || label == same.label.as_deref())
    {
        report.backup_file = Some(store.path_of(&same).display().to_string());
        report.body(
            &ctx.ui,
            &Snapshot {
                snapshot: Some(&same.id),
                taken: Taken::Already(&same),
            },
        );
        return Ok(report);
    }
    report.changed = true;
    if dry_run {
        let settings = site.settings_display();
        let files = state.files.len();
        let into = store.dir();
        report.body(
            &ctx.ui,
            &Snapshot {
                snapshot: None,
                taken: Taken::Would {
                    settings,
                    files,
                    into,
                },
            },
        );
        return Ok(report);
    }
    let (lock, stale) = store.lock()?;
    report
        .warnings
        .extend(stale.iter().map(|t| change::stale_temp_warning(t)));
    let meta = Meta {
        label,
        reason: "manual",
        after_sha256: None,
        before_restore: false,
    };
    let entry = store.snapshot(&lock, &state, meta)?;
    let path = store.path_of(&entry).display().to_string();
    report.files_written.push(path.clone());
    report.backup_file = Some(path.clone());
    report.body(
        &ctx.ui,
        &Snapshot {
            snapshot: Some(&entry.id),
            taken: Taken::New(&entry, store.dir()),
        },
    );
    Ok(report)
}

/// `backup`: the snapshot that holds the state (new, or the one that
/// already did). The message says it to a person.
#[derive(Serialize)]
struct Snapshot<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot: Option<&'a str>,
    #[serde(skip)]
    taken: Taken<'a>,
}

enum Taken<'a> {
    /// A snapshot holds this state already.
    Already(&'a BackupEntry),
    /// A dry run: the settings and how many files besides, into the store.
    Would {
        settings: String,
        files: usize,
        into: &'a Path,
    },
    New(&'a BackupEntry, &'a Path),
}

impl Body for Snapshot<'_> {
    fn message(&self) -> String {
        match &self.taken {
            Taken::Already(same) => format!(
                "already backed up as {} ({}, {}): nothing to do",
                same.id,
                same.created,
                same.holds()
            ),
            Taken::Would {
                settings,
                files,
                into,
            } => format!(
                "dry run: would back up {settings} (and the {files} file(s) it points to) into {}",
                into.display()
            ),
            Taken::New(entry, into) => format!(
                "backed up as {} ({}) in {}",
                entry.id,
                entry.holds(),
                into.display()
            ),
        }
    }
}

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
        self.entries().is_empty()
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
    let rows = Rows {
        current: site.read_settings().ok().map(|b| sha256_hex(&b)),
        latest: latest_of(&store.own(&index)).map(|b| b.id),
        store: Arc::clone(&store),
        index,
        all,
        intact: Mutex::default(),
    };
    let count = rows.entries().len();
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

/// `backup prune`: the snapshots it deletes (or would), named in JSON, and
/// a dry run's stored files; a person gets the plan (a dry run, `-v`) and
/// the count in the message.
#[derive(Serialize)]
struct Pruned<'a> {
    deleted: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    would_delete: Option<Vec<String>>,
    #[serde(skip)]
    plan: &'a PrunePlan,
    #[serde(skip)]
    store_dir: &'a Path,
    #[serde(skip)]
    show_plan: bool,
    /// Snapshots before, how many kept at most, and whether this ran.
    #[serde(skip)]
    total: usize,
    #[serde(skip)]
    keep: usize,
    #[serde(skip)]
    dry_run: bool,
}

impl Body for Pruned<'_> {
    fn message(&self) -> String {
        let (removed, total) = (self.deleted.len(), self.total);
        if self.dry_run {
            format!(
                "dry run: would delete {removed} of {total} backup(s), keeping the newest {}",
                total - removed
            )
        } else if removed == 0 {
            format!(
                "nothing to delete: {total} backup(s), keeping up to {}",
                self.keep
            )
        } else {
            format!(
                "deleted {removed} of {total} backup(s), kept the newest {}",
                total - removed
            )
        }
    }

    /// The plan, step by step: the index first, then each stored file.
    fn human(&self, _: &Ui) -> String {
        if !self.show_plan || self.plan.removed.is_empty() {
            return String::new();
        }
        let mut out = format!(
            "plan:\n  1. write {} without backup(s) {}\n     why: older than the newest kept; the way back (`restore latest`) is never pruned\n",
            printable(&self.store_dir.join(INDEX_FILE).display().to_string()),
            self.deleted.join(", ")
        );
        for (n, (file, sha)) in self.plan.files.iter().enumerate() {
            let by: Vec<&str> = self
                .plan
                .removed
                .iter()
                .filter(|b| &b.file == file || b.side_files.iter().any(|f| &f.file == file))
                .map(|b| b.id.as_str())
                .collect();
            out.push_str(&format!(
                "  {}. delete {}\n     why: stored for {} only; no snapshot left names it\n     evidence: deleted only while its bytes are sha256:{}\n",
                n + 2,
                printable(&self.store_dir.join(file).display().to_string()),
                by.join(", "),
                &sha[..sha.len().min(16)]
            ));
        }
        out
    }
}

pub fn prune(ctx: &Ctx, keep: usize, dry_run: bool) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = ctx.report();
    report.settings_file = Some(site.settings_display());
    let _locks = super::begin(&site, dry_run, &mut report)?;
    let store = site.backups();
    let total = store.list()?.len();
    // A real run plans under the store's lock and executes exactly that.
    let lock = if dry_run { None } else { Some(store.lock()?.0) };
    let plan = store.plan_prune(keep)?;
    report.changed = !plan.removed.is_empty();
    let pruned = Pruned {
        deleted: plan.removed.iter().map(|b| b.id.as_str()).collect(),
        would_delete: dry_run.then(|| {
            plan.files
                .iter()
                .map(|(f, _)| store.dir().join(f).display().to_string())
                .collect()
        }),
        plan: &plan,
        store_dir: store.dir(),
        show_plan: dry_run || ctx.ui.verbose,
        total,
        keep,
        dry_run,
    };
    let Some(lock) = lock.filter(|_| !plan.removed.is_empty()) else {
        report.body(&ctx.ui, &pruned);
        return Ok(report);
    };
    for file in store.prune(&lock, &plan)? {
        report.warn(format!(
            "left {file} in place: it is not a stored file whose bytes match its record"
        ));
    }
    report.body(&ctx.ui, &pruned);
    Ok(report)
}

/// `backup repair`: what the rebuilt index holds, and what is lost (a
/// person reads one line each).
#[derive(Serialize)]
struct Repaired<'a> {
    kept: usize,
    recovered: usize,
    dropped: usize,
    /// Snapshots lost whole, and why.
    lost_snapshots: &'a [Loss],
    /// Side files kept snapshots lose, and why.
    lost_files: &'a [Loss],
    /// Stored files moved into `quarantine/`.
    quarantined: &'a [String],
    /// What was salvaged differently from what the index said.
    notes: &'a [String],
    /// Snapshots of unknown origin (restored only by id).
    origin_unknown: &'a [String],
    #[serde(skip)]
    total: usize,
    #[serde(skip)]
    rebuild: Rebuild,
}

/// What `backup repair` does with the index it plans.
#[derive(Clone, Copy)]
enum Rebuild {
    DryRun,
    /// `kept_old`: a damaged index was there, and is kept beside the new.
    Done {
        kept_old: bool,
    },
}

/// `backup repair` with nothing to repair.
#[derive(Serialize)]
struct Sound<'a> {
    #[serde(skip)]
    store_dir: &'a Path,
    /// The store exists (its index is sound and every file matches).
    #[serde(skip)]
    exists: bool,
}

impl Body for Sound<'_> {
    fn message(&self) -> String {
        if self.exists {
            format!(
                "{} is sound and every stored file matches: nothing to repair",
                self.store_dir.join(INDEX_FILE).display()
            )
        } else {
            format!(
                "there is no backup folder {}: nothing to repair",
                self.store_dir.display()
            )
        }
    }
}

impl Body for Repaired<'_> {
    fn human(&self, _: &Ui) -> String {
        let mut out = String::new();
        for l in self.lost_snapshots {
            out.push_str(&format!(
                "backup {} is lost: {} ({})\n",
                Shown(&l.backup),
                Shown(&l.why),
                Shown(&l.file)
            ));
        }
        for l in self.lost_files {
            out.push_str(&format!(
                "backup {} loses {}: {}\n",
                Shown(&l.backup),
                Shown(&l.file),
                Shown(&l.why)
            ));
        }
        for q in self.quarantined {
            out.push_str(&format!(
                "quarantine: {} (it no longer matches its sha256)\n",
                Shown(q)
            ));
        }
        for id in self.origin_unknown {
            out.push_str(&format!(
                "backup {id}: recovered, origin unknown: nobody's `latest`; `mimmfa restore {id}` or `mimmfa backup adopt` if it is yours\n"
            ));
        }
        for n in self.notes {
            out.push_str(&format!("note: {}\n", Shown(n)));
        }
        out
    }

    fn message(&self) -> String {
        let summary = format!(
            "{} snapshot(s): {} kept, {} recovered from stored settings files (origin unknown), {} lost, {} side file(s) lost",
            self.total,
            self.kept,
            self.recovered,
            self.dropped,
            self.lost_files.len()
        );
        match self.rebuild {
            Rebuild::DryRun => {
                format!("dry run: would rebuild the backup index ({summary}); nothing was written")
            }
            Rebuild::Done { kept_old } => format!(
                "rebuilt the backup index: {summary}{}",
                if kept_old {
                    "; the old index is kept beside it as index.json.damaged-*"
                } else {
                    ""
                }
            ),
        }
    }
}

pub fn repair(ctx: &Ctx, dry_run: bool) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = ctx.report();
    report.settings_file = Some(site.settings_display());
    let _lock = super::begin(&site, dry_run, &mut report)?;
    let store = site.backups();
    let index_path = store.dir().join(INDEX_FILE);
    let sound = |exists| Sound {
        store_dir: store.dir(),
        exists,
    };
    if !store.dir().is_dir() {
        report.body(&ctx.ui, &sound(false));
        return Ok(report);
    }
    let plan = repair::plan(
        &store,
        &|bytes| change::pointers(&site, bytes),
        &store.source().settings_path,
    )?;
    if !plan.needed() {
        report.body(&ctx.ui, &sound(true));
        return Ok(report);
    }
    report.changed = true;
    let lock = if dry_run { None } else { Some(store.lock()?.0) };
    let rebuild = match lock {
        None => Rebuild::DryRun,
        Some(_) => Rebuild::Done {
            kept_old: index_path.exists(),
        },
    };
    report.body(
        &ctx.ui,
        &Repaired {
            kept: plan.kept,
            recovered: plan.recovered.len(),
            dropped: plan.dropped.len(),
            lost_snapshots: &plan.dropped,
            lost_files: &plan.losses,
            quarantined: &plan.quarantine,
            notes: &plan.notes,
            origin_unknown: &plan.recovered,
            total: plan.total(),
            rebuild,
        },
    );
    let Some(lock) = lock else {
        return Ok(report);
    };
    let stuck = repair::apply(&store, &lock, plan)?;
    for f in stuck {
        report.warn(format!(
            "could not move {f} into quarantine: it stays, and no snapshot names it"
        ));
    }
    report.files_written.push(index_path.display().to_string());
    Ok(report)
}

/// `backup adopt`: the snapshots claimed for this settings file.
#[derive(Serialize)]
struct Adopted<'a> {
    adopted: &'a [String],
    /// Whose they were ("PATH on HOST"), and whose they become.
    #[serde(skip)]
    from: String,
    #[serde(skip)]
    to: &'a Source,
    #[serde(skip)]
    dry_run: bool,
}

impl Body for Adopted<'_> {
    fn message(&self) -> String {
        let (n, from) = (self.adopted.len(), &self.from);
        let (path, host) = (&self.to.settings_path, &self.to.host);
        if n == 0 {
            format!(
                "no backup of {from} to adopt (`mimmfa backup list --all` shows every backup with its host)"
            )
        } else if self.dry_run {
            format!(
                "dry run: would adopt {n} backup(s) of {from} for {path} on {host}; nothing was written"
            )
        } else {
            format!(
                "adopted {n} backup(s) of {from}: they are now {path}'s on {host} (`mimmfa restore latest` uses them)"
            )
        }
    }
}

pub fn adopt(ctx: &Ctx, from_host: &str, from_path: Option<&str>, dry_run: bool) -> Result<Report> {
    let site = ctx.site()?;
    let mut report = ctx.report();
    report.settings_file = Some(site.settings_display());
    let _lock = super::begin(&site, dry_run, &mut report)?;
    let store = site.backups();
    let from_path = from_path
        .unwrap_or(&store.source().settings_path)
        .to_string();
    let ids = store.adoptable(from_host, &from_path)?;
    let adopted = Adopted {
        adopted: &ids,
        from: format!("{} on {}", Shown(&from_path), Shown(from_host)),
        to: store.source(),
        dry_run,
    };
    if ids.is_empty() || dry_run {
        report.changed = !ids.is_empty();
        report.body(&ctx.ui, &adopted);
        return Ok(report);
    }
    report.changed = true;
    let (lock, _) = store.lock()?;
    store.adopt(&lock, from_host, &from_path)?;
    report
        .files_written
        .push(store.dir().join(INDEX_FILE).display().to_string());
    report.body(&ctx.ui, &adopted);
    Ok(report)
}
