//! One module per command; each returns a `Report`. `pipeline` is the
//! write pipeline they share.

pub mod backup;
pub mod diff;
pub mod events;
#[cfg(windows)]
pub mod events_live;
pub mod explain;
mod pipeline;
pub mod provider;
pub mod provider_new;
pub mod restore;
pub mod sdk;
pub mod setup;
pub mod status;
pub mod validate;

use pipeline::{
    Committed, FileChanges, begin, commit, done, plan_text, say_windows_path, warn_if_guessed,
};
