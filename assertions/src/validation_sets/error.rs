//! The small errors of combining sets and asking about one snap.

use thiserror::Error;
use ucore_go_text::quote;

use super::Presence;

/// A second set under the same `ACCOUNT/NAME` (snapd's text).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("cannot add a second validation-set under {}", quote(.set))]
pub struct AddError {
    /// `ACCOUNT/NAME`.
    pub set: String,
}

/// A presence query met another presence than it asks about (snapd's
/// `PresenceConstraintError`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unexpected presence {} for snap {}", quote(.presence.as_str()), quote(.snap))]
pub struct PresenceConstraintError {
    /// The snap, as asked.
    pub snap: String,
    /// Its combined presence.
    pub presence: Presence,
}
