//! Validation sets combined, as snapd's `asserts/snapasserts` combines them: which snaps
//! the sets require, allow or forbid, at which revisions, whether they contradict each
//! other, and whether a device's installed snaps meet them.
//!
//! ```
//! use std::collections::BTreeSet;
//! use ucore_assertions::validation_sets::{InstalledSnap, Presence, SnapRevision, ValidationSets};
//! use ucore_assertions::{AssertionRef, types::ValidationSet};
//!
//! // acme/base: hello required at revision 5, world required, badsnap invalid;
//! // acme/extra: world optional at revision 7.
//! let base = AssertionRef::decode(include_bytes!("../../tests/data/validation-set-base.assert"))?;
//! let extra = AssertionRef::decode(include_bytes!("../../tests/data/validation-set-extra.assert"))?;
//! let mut sets = ValidationSets::new();
//! sets.add(&ValidationSet::try_from(&base)?)?;
//! sets.add(&ValidationSet::try_from(&extra)?)?;
//! sets.conflict()?; // they agree
//!
//! // What snapd would ask the store for when refreshing `world`.
//! let required = sets.check_presence_required("world", "")?;
//! assert_eq!(required.sets, ["16/acme/base/1", "16/acme/extra/3"]);
//! assert_eq!(required.revision, SnapRevision(7));
//! assert_eq!(sets.presence("badsnap", ""), Some(Presence::Invalid));
//!
//! // A device with hello at 4 and the invalid snap installed locally.
//! let installed = [
//!     InstalledSnap::new("hello", "helloidaaaaaaaaaaaaaaaaaaaaaaaaa", SnapRevision(4)),
//!     InstalledSnap::new("badsnap", "", "x1".parse()?),
//! ];
//! let err = sets.check_installed(&installed, &BTreeSet::new()).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "validation sets assertions are not met:\n\
//!      - missing required snaps:\n  \
//!      - world (required at any revision by sets acme/base, at revision 7 by sets acme/extra)\n\
//!      - invalid snaps:\n  \
//!      - badsnap (invalid for sets acme/base)\n\
//!      - snaps at wrong revisions:\n  \
//!      - hello (required at revision 5 by sets acme/base)"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Two forms of a set's name appear, as in snapd: `ACCOUNT/NAME` in the texts of
//! conflicts and of the installed check, `SERIES/ACCOUNT/NAME/SEQUENCE` in presence
//! queries (and in the `validation-sets` of store requests).
//!
//! snapd prints the lines of a conflict or of an installed check in Go's random map order;
//! here they are sorted by snap name. Components (upstream's per-component constraints)
//! are not combined: snapd 2.57 has none.
//!
//! * [`revision`](SnapRevision) — `unset`, `5`, `x1`.
//! * [`InstalledSnap`] — what a device has.
//! * [`ValidationSets`] — adding sets ([`AddError`]), the combined [`Presence`] of each
//!   snap, presence queries ([`RequiredBy`], [`PresenceConstraintError`]).
//! * [`ConflictError`] and [`SnapConflict`] — sets that contradict each other.
//! * [`InstalledError`] — installed snaps that do not meet the sets.

mod check;
mod conflict;
mod error;
mod installed;
mod revision;
mod sets;

pub use check::{InstalledError, RevisionSets};
pub use conflict::{ConflictError, SnapConflict};
pub use error::{AddError, PresenceConstraintError};
pub use installed::InstalledSnap;
pub use revision::{RevisionParseError, SnapRevision};
pub use sets::{Presence, RequiredBy, SetEntry, ValidationSets};
