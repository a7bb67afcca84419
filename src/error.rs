//! The exit codes (docs/guide.md, "Exit codes"), mapped in one place.

use std::process::ExitCode;

/// Errors that carry their own exit code. Any other `anyhow::Error` is a
/// refused/failed operation (exit 3).
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Exit 2: unknown flag, missing argument, a prompt needed but no terminal.
    #[error("{0}")]
    Usage(String),
    /// Exit 3: the operation was refused or failed; nothing was changed.
    #[error("{0}")]
    Refused(String),
    /// Exit 4: another mimmfa holds the lock.
    #[error("{0}")]
    Busy(String),
}

pub mod exit {
    pub const OK: u8 = 0;
    pub const FINDINGS: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const REFUSED: u8 = 3;
    pub const BUSY: u8 = 4;
}

/// The exit code an error maps to.
pub fn exit_code_of(err: &anyhow::Error) -> u8 {
    match err.downcast_ref::<Failure>() {
        Some(Failure::Usage(_)) => exit::USAGE,
        Some(Failure::Busy(_)) => exit::BUSY,
        Some(Failure::Refused(_)) | None => exit::REFUSED,
    }
}

pub fn to_exit(code: u8) -> ExitCode {
    ExitCode::from(code)
}

/// Shorthand for a usage error.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    Failure::Usage(msg.into()).into()
}

/// Shorthand for a refusal.
pub fn refused(msg: impl Into<String>) -> anyhow::Error {
    Failure::Refused(msg.into()).into()
}
