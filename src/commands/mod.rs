//! One module per command; each returns a `Report`.

pub mod backup;
pub mod provider;
pub mod sdk;
pub mod setup;
pub mod status;
pub mod validate;
