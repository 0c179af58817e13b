//! An app's `timer`: the schedule grammar of snapd's `timeutil.ParseSchedule`.
//!
//! STUB: H2 fills this in.

use thiserror::Error;

/// Why a schedule does not parse; Display is snapd's text (`cannot parse "X": reason`; the
/// caller adds `timer has invalid format: `).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScheduleError {
    /// `cannot parse "X": not a valid fragment`.
    #[error("cannot parse {}: not a valid fragment", ucore_go_text::quote(.0))]
    Fragment(String),
}

/// Parses a timer schedule as `timeutil.ParseSchedule` does (only whether it parses matters
/// to snap.yaml).
pub fn validate_schedule(_schedule: &str) -> Result<(), ScheduleError> {
    Ok(())
}
