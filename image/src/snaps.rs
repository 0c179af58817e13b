//! The snaps of a seed, as the plan asks for them ([`PlannedSnap`]) and as they are once
//! gathered ([`SeedSnap`]), and the whole of what a seed holds ([`SeedContents`]).

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;
use ucore_assertions::Assertion;
use ucore_assertions::types::SnapType as ModelSnapType;

/// A snap revision as a seed names it: store revisions are positive; a local snap
/// without assertions gets the local revision `x1` (`-1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Revision(pub i32);

impl Revision {
    /// The local revision `x1` of unasserted local snaps.
    pub const LOCAL: Revision = Revision(-1);

    /// Whether this is a local revision (`xN`).
    pub fn is_local(self) -> bool {
        self.0 < 0
    }
}

impl fmt::Display for Revision {
    /// `N`, or `xN` for a local revision (snapd's `snap.Revision.String`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 < 0 {
            write!(f, "x{}", -i64::from(self.0))
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// Why a snap is in the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SnapOrigin {
    /// The model names it (the system snap, an essential snap, or another model snap).
    Model,
    /// The policy added it (UC16/18: `core` for snaps without a base).
    Implicit,
    /// A `--snap` option not in the model.
    Extra,
}

/// A snap the plan needs, before it is fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedSnap {
    /// The snap name.
    pub name: String,
    /// The snap id the model gives (UC20+), if any.
    pub snap_id: Option<String>,
    /// The type the model requires (`None`: any but kernel and gadget on UC16/18, or an
    /// extra snap).
    pub model_type: Option<ModelSnapType>,
    /// Whether the model makes it essential (snapd, base, kernel, gadget).
    pub essential: bool,
    /// Whether the model requires it (`presence: required`, essential snaps, UC16/18
    /// `required-snaps`).
    pub required: bool,
    /// The modes the model gives it (UC20+; `run` for UC16/18 and extra snaps).
    pub modes: Vec<String>,
    /// The resolved channel to fetch it from (§6.5 of the spec); empty for local
    /// unasserted snaps.
    pub channel: String,
    /// A revision a validation set pins, if any.
    pub pinned_revision: Option<i32>,
    /// A local file (`--snap PATH`) that provides it.
    pub local: Option<PathBuf>,
    /// Why it is in the seed.
    pub origin: SnapOrigin,
}

/// A snap once gathered: its file staged, its `snap.yaml` read, its assertions checked.
#[derive(Debug, Clone)]
pub struct SeedSnap {
    /// What the plan asked for (its `channel` updated by a store redirect).
    pub planned: PlannedSnap,
    /// What its `meta/snap.yaml` says.
    pub info: ucore_snap::Info,
    /// Its revision (`x1` when unasserted).
    pub revision: Revision,
    /// Its snap id (`None`: unasserted).
    pub snap_id: Option<String>,
    /// The publisher's account id (from its snap-declaration), if asserted.
    pub publisher_id: Option<String>,
    /// Where the file is now (staged; the seed writer moves it into place).
    pub file: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA3-384 digest, base64url as in a snap-revision's `snap-sha3-384`.
    pub sha3_384: String,
    /// The assertions first fetched for it, in fetch order (prerequisites first): its
    /// snap-declaration and snap-revision, and any account or account-key not already
    /// fetched for an earlier snap (snapd's `ARefs`).
    pub assertions: Vec<Assertion>,
    /// The store's `contact` for it, if any.
    pub contact: Option<String>,
    /// The store's `private` flag.
    pub private: bool,
}

impl SeedSnap {
    /// Whether the snap comes with assertions.
    pub fn is_asserted(&self) -> bool {
        self.snap_id.is_some()
    }
}

/// Everything a seed holds, in the order the writer writes it.
#[derive(Debug, Clone)]
pub struct SeedContents {
    /// The model.
    pub model: Assertion,
    /// The model's prerequisites and the store assertion chain, in fetch order (the
    /// model itself excluded).
    pub model_refs: Vec<Assertion>,
    /// The model's snaps: the system snap, the essential snaps, the others, in model
    /// order, then the implicit ones.
    pub model_snaps: Vec<SeedSnap>,
    /// Snaps from `--snap` options the model does not name.
    pub extra_snaps: Vec<SeedSnap>,
    /// The UC20+ system label (`None` for UC16/18).
    pub label: Option<String>,
    /// Warnings to show (snapd's texts, without `WARNING: `).
    pub warnings: Vec<String>,
}
