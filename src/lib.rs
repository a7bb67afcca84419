//! mimmfa: safe, repeatable MFA configuration for MIM 2016.

pub mod error;
pub mod secret;
pub mod settings;
pub mod backup;
pub mod paths;
pub mod safe_write;
