//! mimmfa: safe, repeatable MFA configuration for MIM 2016.

pub mod error;
pub mod secret;
pub mod settings;
