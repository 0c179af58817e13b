//! Sets in conflict (snapd's `ValidationSetsConflictError`): which sets disagree about
//! which snap, in snapd's words.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use ucore_go_text::quote;

use super::sets::{SnapConstraints, ValidationSets};
use super::{Presence, SnapRevision};
use crate::types::ValidationSetPresence;

/// What the sets say about one snap they disagree on: the sets (`ACCOUNT/NAME`, sorted)
/// per revision, where revision `-1` gathers the sets that say `invalid` and the unset
/// revision the sets that require it at any revision (sets that only allow it are left
/// out there, as snapd leaves them out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapConflict {
    /// The snap's name (in the first set that named it).
    pub name: String,
    /// Its snap-id.
    pub snap_id: String,
    /// Revision → sets.
    pub revisions: BTreeMap<SnapRevision, Vec<String>>,
}

impl SnapConflict {
    pub(crate) fn of(c: &SnapConstraints) -> Option<SnapConflict> {
        if c.presence != Presence::Conflict {
            return None;
        }
        let mut revisions: BTreeMap<SnapRevision, Vec<String>> = BTreeMap::new();
        for e in &c.entries {
            let bucket = e.bucket();
            let listed = match bucket.0 {
                -1 => e.presence == ValidationSetPresence::Invalid,
                0 => e.presence == ValidationSetPresence::Required,
                _ => true,
            };
            if listed {
                revisions.entry(bucket).or_default().push(e.set.clone());
            }
        }
        for sets in revisions.values_mut() {
            sets.sort();
        }
        Some(SnapConflict {
            name: c.name.clone(),
            snap_id: c.snap_id.clone(),
            revisions,
        })
    }
}

impl fmt::Display for SnapConflict {
    /// snapd's line: `cannot constrain snap "NAME"[ as both invalid (S) and required][ at
    /// revision R (S)| at different revisions R1 (S1), R2 (S2)][ or][ [required ]at any
    /// revision (S)]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot constrain snap {}", quote(&self.name))?;
        let invalid = self.revisions.get(&SnapRevision(-1));
        if let Some(sets) = invalid {
            write!(f, " as both invalid ({}) and required", sets.join(","))?;
        }
        let pinned: Vec<(&SnapRevision, &Vec<String>)> =
            self.revisions.iter().filter(|(r, _)| r.0 >= 1).collect();
        match pinned.as_slice() {
            [] => {}
            [(r, sets)] => write!(f, " at revision {r} ({})", sets.join(","))?,
            many => {
                f.write_str(" at different revisions ")?;
                for (i, (r, sets)) in many.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{r} ({})", sets.join(","))?;
                }
            }
        }
        if let Some(sets) = self.revisions.get(&SnapRevision::UNSET) {
            if !pinned.is_empty() {
                f.write_str(" or")?;
            }
            if invalid.is_some() {
                write!(f, " at any revision ({})", sets.join(","))?;
            } else {
                write!(f, " required at any revision ({})", sets.join(","))?;
            }
        }
        Ok(())
    }
}

/// Sets in conflict: per snap-id what they disagree on, and every set involved.
///
/// Its text is snapd's, `validation sets are in conflict:` then a line `- …` per snap.
/// snapd writes those lines in Go's random map order; they come here sorted by snap name
/// (then snap-id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ConflictError {
    /// snap-id → the conflict.
    pub snaps: BTreeMap<String, SnapConflict>,
    /// Every set (`ACCOUNT/NAME`) named in a conflict.
    pub sets: BTreeSet<String>,
}

impl ConflictError {
    /// The conflicts, in the order of the text: by snap name, then snap-id.
    pub fn sorted(&self) -> Vec<&SnapConflict> {
        let mut v: Vec<&SnapConflict> = self.snaps.values().collect();
        v.sort_by(|a, b| (&a.name, &a.snap_id).cmp(&(&b.name, &b.snap_id)));
        v
    }
}

impl fmt::Display for ConflictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("validation sets are in conflict:")?;
        for c in self.sorted() {
            write!(f, "\n- {c}")?;
        }
        Ok(())
    }
}

impl ValidationSets {
    /// snapd's `Conflict()`: whether the sets contradict each other about any snap (two
    /// required revisions, required and invalid, …).
    pub fn conflict(&self) -> Result<(), ConflictError> {
        let mut snaps = BTreeMap::new();
        let mut sets = BTreeSet::new();
        for c in self.all() {
            if let Some(conflict) = SnapConflict::of(c) {
                for s in conflict.revisions.values().flatten() {
                    sets.insert(s.clone());
                }
                snaps.insert(c.snap_id.clone(), conflict);
            }
        }
        if snaps.is_empty() {
            Ok(())
        } else {
            Err(ConflictError { snaps, sets })
        }
    }
}
