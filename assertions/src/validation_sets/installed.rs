//! An installed snap, as a device reports it to the check.

use serde::{Deserialize, Serialize};

use super::SnapRevision;

/// A snap installed on a device (snapd's `snapasserts.InstalledSnap`): its name, its
/// snap-id (empty for a local snap) and its revision.
///
/// Its JSON is the oracle's `--installed` shape:
///
/// ```
/// use ucore_assertions::validation_sets::{InstalledSnap, SnapRevision};
///
/// let list: Vec<InstalledSnap> = serde_json::from_str(
///     r#"[{"name": "hello", "snap-id": "helloidaaaaaaaaaaaaaaaaaaaaaaaaa", "revision": 4},
///         {"name": "mine", "snap-id": "", "revision": "x1"}]"#,
/// )?;
/// assert_eq!(list[1].revision, SnapRevision(-1));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstalledSnap {
    /// The (instance) name.
    pub name: String,
    /// The snap-id; empty for a local snap.
    #[serde(rename = "snap-id", default)]
    pub snap_id: String,
    /// The revision.
    #[serde(default)]
    pub revision: SnapRevision,
}

impl InstalledSnap {
    /// An installed snap.
    pub fn new(
        name: impl Into<String>,
        snap_id: impl Into<String>,
        revision: SnapRevision,
    ) -> InstalledSnap {
        InstalledSnap {
            name: name.into(),
            snap_id: snap_id.into(),
            revision,
        }
    }
}
