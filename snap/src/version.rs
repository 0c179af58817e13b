//! A snap's `version` (snapd's `snap.ValidateVersion`).
//!
//! STUB: H2 fills this in.

use thiserror::Error;

/// A version that breaks the rule; Display is snapd's whole text
/// (`invalid snap version "V": …`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VersionError {
    /// `invalid snap version: cannot be empty`.
    #[error("invalid snap version: cannot be empty")]
    Empty,
}

/// Checks a snap version as `snap.ValidateVersion` does.
pub fn validate_version(_version: &str) -> Result<(), VersionError> {
    Ok(())
}
