//! Disk policy: locks, safe writes (temp file and rename), permissions,
//! snapshots of the MFA state, and the write pipeline that ties them
//! together for every changing command.

pub mod change;
pub mod failpoint;
pub mod journal;
pub mod permissions;
pub mod plan;
pub mod repair;
pub mod safe_write;
pub mod side_targets;
pub mod snapshots;
