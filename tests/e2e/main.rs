//! End-to-end tests: the real `mimmfa` binary on real files in temp folders.

mod clr_oracle;
mod console;
#[cfg(unix)]
mod docs_commands;
mod document;
mod foundation;
mod fuzz_regressions;
mod generated;
#[cfg(not(windows))]
mod golden;
mod hostile;
mod json_schema;
mod layers;
mod linear;
#[cfg(unix)]
mod oracle;
mod provider;
mod reliability;
mod rollback;
mod sdk;
mod secrets;
#[cfg(unix)]
mod setup;
mod util;
mod validate;
mod windows_truth;
