//! The settings documents one run has parsed, by their bytes: a command
//! looks at the same file many times (its edit, the plan's pointers and
//! invariants, the judge's audits of before and after), and each distinct
//! byte string is parsed once.

use crate::formats::settings_xml::{DocError, SettingsDoc};
use std::sync::{Arc, Mutex};

/// A parse's result, shared by everyone who asks for the same bytes.
pub type Parsed = Result<Arc<SettingsDoc>, DocError>;

/// A run meets a handful of distinct settings files (before, after, one
/// intermediate); `backup list` may walk many, so old ones are dropped.
const KEPT: usize = 8;

#[derive(Debug, Default)]
pub struct SettingsCache {
    docs: Mutex<Vec<(Vec<u8>, Parsed)>>,
}

impl SettingsCache {
    /// The document of `bytes`, parsed on first sight only.
    pub fn get(&self, bytes: &[u8]) -> Parsed {
        let mut docs = self.docs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, parsed)) = docs.iter().find(|(b, _)| b == bytes) {
            return parsed.clone();
        }
        let parsed = SettingsDoc::parse(bytes).map(Arc::new);
        Self::keep(&mut docs, bytes.to_vec(), parsed.clone());
        parsed
    }

    /// Remember `doc`, already parsed from `bytes` (an edit proves its
    /// output by parsing it: that parse is the one of those bytes).
    pub fn insert(&self, bytes: Vec<u8>, doc: SettingsDoc) {
        let mut docs = self.docs.lock().unwrap_or_else(|p| p.into_inner());
        if !docs.iter().any(|(b, _)| *b == bytes) {
            Self::keep(&mut docs, bytes, Ok(Arc::new(doc)));
        }
    }

    fn keep(docs: &mut Vec<(Vec<u8>, Parsed)>, bytes: Vec<u8>, parsed: Parsed) {
        if docs.len() == KEPT {
            docs.drain(..1);
        }
        docs.push((bytes, parsed));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_bytes_give_the_same_document() {
        let cache = SettingsCache::default();
        let a = cache.get(b"<MfaSettings><LOCMFA>true</LOCMFA></MfaSettings>");
        let b = cache.get(b"<MfaSettings><LOCMFA>true</LOCMFA></MfaSettings>");
        assert!(Arc::ptr_eq(&a.unwrap(), &b.unwrap()));
        assert!(cache.get(b"<x>").is_err());
        for i in 0..KEPT + 2 {
            cache.get(format!("<x>{i}</x>").as_bytes()).unwrap();
        }
        assert_eq!(cache.docs.lock().unwrap().len(), KEPT);
    }
}
