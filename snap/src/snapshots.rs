//! `meta/snapshots.yaml` (snapd's `snap/snapshots.go`).
//!
//! STUB: H2 fills this in.

use serde::Serialize;
use thiserror::Error;

/// A snap's snapshot options.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SnapshotOptions {
    /// The `exclude` paths.
    pub exclude: Vec<String>,
}

/// Why snapshots.yaml is refused; Display is snapd's text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SnapshotsError {
    /// `cannot read snapshot manifest: <err>`.
    #[error("cannot read snapshot manifest: {0}")]
    Read(String),
}

/// Reads and validates `meta/snapshots.yaml`.
pub fn read_snapshots_yaml(_text: &[u8]) -> Result<SnapshotOptions, SnapshotsError> {
    Ok(SnapshotOptions::default())
}
