//! The checks: what a finding is, the catalogue of codes, the audit of a
//! Service folder, and the rules for provider DLLs and SDK files. Checks
//! read and judge; they never write.

pub mod audit;
pub mod catalogue;
pub mod clr_binding;
pub mod finding;
pub mod pam;
pub mod provider_dll;
pub mod sdk_files;
pub mod side_summary;
pub mod signatures;
pub mod verdict;
pub mod view;
