//! The backup store of this settings file (docs/checks.md "backups"): its
//! index, the stored files (private, intact), where snapshots would put
//! their side files, and whether there is a way back (MFA051, MFA060–MFA063).

use super::{Audit, Options, VERIFIED_SNAPSHOTS};
use crate::checks::catalogue as check;
use crate::formats::secret::sha256_hex;
use crate::store::permissions::{Reader, fix_hint, readable_by_others};
use crate::store::side_targets::targets;
use crate::store::snapshots::{
    BackupEntry, BackupStore, INDEX_FILE, Index, WayBack, latest_of, way_back,
};
use std::collections::HashSet;
use std::iter;
use std::sync::Arc;

/// The store's index; an unreadable one is MFA062 and an empty index.
pub(super) fn load_index(a: &mut Audit<'_>, store: &BackupStore) -> Arc<Index> {
    match store.load() {
        Ok(index) => index,
        Err(e) => {
            a.push(
                check::MFA062.finding(format!("{e:#}"))
                    .file(store.dir().join(INDEX_FILE).display().to_string())
                    .hint("`mimmfa backup repair` (until then no command can snapshot, so none will change anything)"),
            );
            Default::default()
        }
    }
}

/// The snapshots a run verifies: every one with `--deep`, else this
/// file's newest ones (the ones a roll-back reaches for).
fn verified<'i>(
    opts: Options,
    deep: impl FnOnce() -> Vec<&'i BackupEntry>,
    own: &[&'i BackupEntry],
) -> Vec<&'i BackupEntry> {
    if opts.deep {
        deep()
    } else {
        own.iter().take(VERIFIED_SNAPSHOTS).copied().collect()
    }
}

/// Every stored file of the verified snapshots once (snapshots share
/// them): private (MFA051), and intact (MFA061 for the way back, else
/// MFA063). Hashing the whole store on every run would grow with its history.
pub(super) fn stored_files(
    a: &mut Audit<'_>,
    store: &BackupStore,
    index: &Index,
    own: &[&BackupEntry],
    opts: Options,
) {
    let checked = verified(opts, || index.newest_first().collect(), own);
    let restores = latest_of(own);
    let way_back_files: HashSet<&str> = restores
        .iter()
        .flat_map(|b| {
            iter::once(b.file.as_str()).chain(b.side_files.iter().map(|f| f.file.as_str()))
        })
        .collect();
    let mut seen = HashSet::new();
    for b in checked {
        let files = iter::once((&b.file, &b.sha256))
            .chain(b.side_files.iter().map(|f| (&f.file, &f.sha256)));
        for (file, sha) in files {
            if !seen.insert(file.as_str()) {
                continue;
            }
            let path = store.dir().join(file);
            if let Some(who) = readable_by_others(&path) {
                a.push(
                    check::MFA051
                        .finding(format!("backup {} is readable by {who}", path.display()))
                        .file(path.display().to_string())
                        .hint(fix_hint(&path, Reader::AdminsOnly)),
                );
            }
            if !store.verifies(file, sha) {
                // An error only when it is the way back (the snapshot
                // `restore latest` uses); an older snapshot's is a warning.
                let finding = match &restores {
                    Some(latest) if way_back_files.contains(file.as_str()) => check::MFA061
                        .finding(format!("backup {} (the one `restore latest` uses): {} is missing or does not match its recorded sha256 (changed or damaged)", latest.id, file)),
                    _ => check::MFA063.finding(format!("backup {}: {} is missing or does not match its recorded sha256 (changed or damaged)", b.id, file)),
                };
                a.push(finding
                    .file(path.display().to_string())
                    .hint("do not restore it; `mimmfa backup repair` quarantines the file and says which backups lose what"));
            }
        }
    }
}

/// Where each verified snapshot of this file would put its side files:
/// only where its own settings say (store::side_targets), else MFA062.
pub(super) fn side_targets(
    a: &mut Audit<'_>,
    store: &BackupStore,
    own: &[&BackupEntry],
    opts: Options,
) {
    let reached = verified(opts, || own.to_vec(), own);
    for b in reached.into_iter().filter(|b| !b.side_files.is_empty()) {
        let Ok(settings) = store.read_verified(b) else {
            continue; // MFA061 above
        };
        for (_, target) in targets(a.site, b, &settings) {
            if let Err(r) = target {
                a.push(
                    check::MFA062
                        .finding(r.to_string())
                        .file(store.dir().join(INDEX_FILE).display().to_string())
                        .hint("`mimmfa backup repair` (drops what cannot be trusted); `mimmfa restore` of that backup refuses until then"),
                );
            }
        }
    }
}

/// MFA060, "no way back": no snapshot of this settings file, or it was
/// changed outside mimmfa since the newest one (mimmfa records what it
/// wrote after each snapshot). A plan snapshots the state before and
/// records what it writes, so a planned state has its way back.
pub(super) fn way_back_check(a: &mut Audit<'_>, own: &[&BackupEntry], current: Option<&[u8]>) {
    let Some(bytes) = current.filter(|_| !a.view.snapshot_planned) else {
        return;
    };
    let finding = match way_back(own, &sha256_hex(bytes)) {
        WayBack::NoSnapshot => Some(
            check::MFA060.finding("no backup of this settings file yet: no way back from a change")
                .hint("`mimmfa backup`"),
        ),
        WayBack::ChangedSince(id) => Some(
            check::MFA060.finding(format!("the settings file was changed outside mimmfa since the newest backup ({id}); no backup holds it"),
            )
            .hint("`mimmfa backup` (`mimmfa diff` shows what changed)"),
        ),
        WayBack::Held(_) | WayBack::WrittenAfter(_) => None,
    };
    if let Some(f) = finding {
        let f = f.file(&a.file);
        a.push(f);
    }
}
