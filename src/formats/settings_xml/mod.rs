//! MfaSettings.xml as a lossless document.
//!
//! The file is parsed with quick-xml only to learn where each setting
//! element sits (byte spans). Edits splice new bytes into the original at
//! those spans, so every byte the edit does not target — BOM, declaration,
//! CRLF, comments, attributes, unknown elements, order — stays as it was.

mod element_scan;
mod mim_names;
mod parse_fault;
mod settings_doc;
mod settings_read;
mod splice_edit;

pub use element_scan::resolve_ref;
pub use mim_names::*;
pub use parse_fault::{DocError, Fault, line_col};
#[cfg(test)]
pub(crate) use settings_doc::parses_on_this_thread;
pub use settings_doc::{Element, SettingsDoc};
pub use settings_read::read_settings_file;
pub use splice_edit::{Edit, EditError};
