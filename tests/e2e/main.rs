//! End-to-end tests: the real `mimmfa` binary on real files in temp folders.

mod clr_oracle;
mod console;
#[cfg(unix)]
mod docs_commands;
mod events;
mod fuzz_regressions;
mod generated;
#[cfg(not(windows))]
mod golden;
mod hostile;
mod json_schema;
mod layers;
mod linear;
mod plan_judge;
mod provider;
mod provider_new;
mod reliability;
mod rollback;
mod safe_changes;
mod sdk;
mod secrets;
mod settings_properties;
#[cfg(unix)]
mod setup;
mod store_model;
mod store_trust;
mod util;
mod validate;
mod verdicts;
mod windows_paths;
#[cfg(unix)]
mod xml_oracle;
