//! Combining validation sets (snapd's `snapasserts.ValidationSets`): what every set says
//! about each snap, and the presence that results.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Serialize;

use super::SnapRevision;
use super::error::{AddError, PresenceConstraintError};
use crate::types::{ValidationSet, ValidationSetPresence};

/// A snap's presence once every set that names it is combined: the presences a set may
/// state, or `conflict` when the sets contradict each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Presence {
    /// It must be installed.
    Required,
    /// It may be installed.
    Optional,
    /// It must not be installed (also: optional at two different revisions).
    Invalid,
    /// The sets contradict each other about it.
    Conflict,
}

impl Presence {
    /// The name snapd uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Required => "required",
            Presence::Optional => "optional",
            Presence::Invalid => "invalid",
            Presence::Conflict => "conflict",
        }
    }
}

impl From<ValidationSetPresence> for Presence {
    fn from(p: ValidationSetPresence) -> Presence {
        match p {
            ValidationSetPresence::Required => Presence::Required,
            ValidationSetPresence::Optional => Presence::Optional,
            ValidationSetPresence::Invalid => Presence::Invalid,
        }
    }
}

impl fmt::Display for Presence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one set says about one snap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetEntry {
    /// The set, `ACCOUNT/NAME` (the form of snapd's conflict and installed-check texts).
    pub set: String,
    /// The set's primary key, `SERIES/ACCOUNT/NAME/SEQUENCE` (the form of snapd's presence
    /// queries and of the `validation-sets` of store requests).
    pub key: String,
    /// The snap's name in that set.
    pub name: String,
    /// The snap-id in that set.
    pub snap_id: String,
    /// The presence the set states.
    pub presence: ValidationSetPresence,
    /// The revision it pins, if any.
    pub revision: Option<i64>,
}

impl SetEntry {
    /// The revision this entry groups under in snapd: `-1` for `invalid`, the pinned one,
    /// or 0 (unset).
    pub(crate) fn bucket(&self) -> SnapRevision {
        if self.presence == ValidationSetPresence::Invalid {
            SnapRevision(-1)
        } else {
            SnapRevision(self.revision.unwrap_or(0))
        }
    }
}

/// Every entry on one snap-id, and the combined presence.
#[derive(Debug, Clone)]
pub(crate) struct SnapConstraints {
    /// The name in the first set that named the snap-id.
    pub(crate) name: String,
    pub(crate) snap_id: String,
    pub(crate) presence: Presence,
    /// In the order the sets were added.
    pub(crate) entries: Vec<SetEntry>,
}

impl SnapConstraints {
    /// The number of distinct revisions pinned (or `invalid`), unset not counted.
    fn distinct_revisions(&self) -> usize {
        let mut seen: Vec<SnapRevision> = Vec::new();
        for e in &self.entries {
            let b = e.bucket();
            if !b.is_unset() && !seen.contains(&b) {
                seen.push(b);
            }
        }
        seen.len()
    }

    /// Folds one more entry into the combined presence, as snapd does: the same presence
    /// (or an optional one) keeps it unless two revisions are now pinned (required: a
    /// conflict; optional or invalid: invalid); an optional presence takes the new one;
    /// required against invalid is a conflict.
    fn fold(&mut self, entry: SetEntry) {
        let presence = Presence::from(entry.presence);
        self.entries.push(entry);
        if self.presence == Presence::Conflict {
            return;
        }
        if self.presence == Presence::Optional {
            self.presence = presence;
        }
        if self.presence == presence || presence == Presence::Optional {
            if self.distinct_revisions() > 1 {
                self.presence = if self.presence == Presence::Required {
                    Presence::Conflict
                } else {
                    Presence::Invalid
                };
            }
        } else {
            self.presence = Presence::Conflict;
        }
    }
}

/// What [`ValidationSets::check_presence_required`] answers for a required snap: the sets
/// that name it (`SERIES/ACCOUNT/NAME/SEQUENCE`, sorted) and the revision they pin
/// ([`SnapRevision::UNSET`] for any).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RequiredBy {
    /// The sets, sorted.
    pub sets: Vec<String>,
    /// The pinned revision, or unset.
    pub revision: SnapRevision,
}

/// A combination of validation sets (snapd's `snapasserts.ValidationSets`).
///
/// ```
/// use ucore_assertions::validation_sets::{InstalledSnap, SnapRevision, ValidationSets};
/// use ucore_assertions::{AssertionRef, types::ValidationSet};
///
/// # let text = include_bytes!("../../tests/data/validation-set-base.assert");
/// let assertion = AssertionRef::decode(text)?; // acme/base: hello required at 5, …
/// let mut sets = ValidationSets::new();
/// sets.add(&ValidationSet::try_from(&assertion)?)?;
/// sets.conflict()?;
///
/// let installed = [InstalledSnap::new("hello", "helloidaaaaaaaaaaaaaaaaaaaaaaaaa", SnapRevision(4))];
/// let err = sets.check_installed(&installed, &Default::default()).unwrap_err();
/// assert!(err.to_string().contains("  - hello (required at revision 5 by sets acme/base)"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ValidationSets {
    /// `ACCOUNT/NAME` → the set's primary key joined with `/`.
    sets: BTreeMap<String, String>,
    /// In the order snap-ids were first seen.
    snaps: Vec<SnapConstraints>,
    /// snap-id → index in `snaps`.
    by_id: HashMap<String, usize>,
}

impl ValidationSets {
    /// No sets.
    pub fn new() -> ValidationSets {
        ValidationSets::default()
    }

    /// Adds a set. Two sets with the same account and name (two sequences of one set, say)
    /// cannot be combined: snapd's `cannot add a second validation-set under "ACCOUNT/NAME"`.
    pub fn add(&mut self, set: &ValidationSet<'_>) -> Result<(), AddError> {
        let set_key = format!("{}/{}", set.account_id, set.name);
        if self.sets.contains_key(&set_key) {
            return Err(AddError { set: set_key });
        }
        let key = format!(
            "{}/{}/{}/{}",
            set.series, set.account_id, set.name, set.sequence
        );
        for snap in &set.snaps {
            let entry = SetEntry {
                set: set_key.clone(),
                key: key.clone(),
                name: snap.name.to_string(),
                snap_id: snap.snap_id.to_string(),
                presence: snap.presence,
                revision: snap.revision,
            };
            match self.by_id.get(snap.snap_id) {
                Some(&i) => {
                    if let Some(c) = self.snaps.get_mut(i) {
                        c.fold(entry);
                    }
                }
                None => {
                    self.by_id
                        .insert(snap.snap_id.to_string(), self.snaps.len());
                    self.snaps.push(SnapConstraints {
                        name: snap.name.to_string(),
                        snap_id: snap.snap_id.to_string(),
                        presence: Presence::from(snap.presence),
                        entries: vec![entry],
                    });
                }
            }
        }
        self.sets.insert(set_key, key);
        Ok(())
    }

    /// Whether no set was added.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// The number of sets added.
    pub fn len(&self) -> usize {
        self.sets.len()
    }

    /// The primary keys (`SERIES/ACCOUNT/NAME/SEQUENCE`) of the sets added, sorted by
    /// `ACCOUNT/NAME`.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.sets.values().map(String::as_str)
    }

    /// Whether a set `ACCOUNT/NAME` was added.
    pub fn contains_set(&self, account_name: &str) -> bool {
        self.sets.contains_key(account_name)
    }

    /// Every snap some set names, in the order first seen.
    pub(crate) fn all(&self) -> &[SnapConstraints] {
        &self.snaps
    }

    /// The snap's constraints, found as snapd finds them: by snap-id when one is given,
    /// else by name (the first snap-id seen with that name).
    pub(crate) fn find(&self, name: &str, snap_id: &str) -> Option<&SnapConstraints> {
        if !snap_id.is_empty() {
            return self.by_id.get(snap_id).and_then(|&i| self.snaps.get(i));
        }
        self.snaps.iter().find(|c| c.name == name)
    }

    /// The combined presence of a snap (found by snap-id if given, else by name); `None`
    /// when no set names it.
    pub fn presence(&self, name: &str, snap_id: &str) -> Option<Presence> {
        self.find(name, snap_id).map(|c| c.presence)
    }

    /// What every set says about a snap (found as [`ValidationSets::presence`] finds it),
    /// in the order the sets were added.
    pub fn constraints(&self, name: &str, snap_id: &str) -> Option<&[SetEntry]> {
        self.find(name, snap_id).map(|c| c.entries.as_slice())
    }

    /// snapd's `CheckPresenceRequired`. For a required snap: every set that names it (also
    /// those where it is optional) and the revision one of them pins. A snap no set names,
    /// an optional one or one in conflict: nothing. An invalid one: an error.
    pub fn check_presence_required(
        &self,
        name: &str,
        snap_id: &str,
    ) -> Result<RequiredBy, PresenceConstraintError> {
        let Some(c) = self.find(name, snap_id) else {
            return Ok(RequiredBy::default());
        };
        match c.presence {
            Presence::Invalid => Err(PresenceConstraintError {
                snap: name.to_string(),
                presence: c.presence,
            }),
            Presence::Required => {
                let mut sets: Vec<String> = c.entries.iter().map(|e| e.key.clone()).collect();
                sets.sort();
                let revision = c
                    .entries
                    .iter()
                    .map(SetEntry::bucket)
                    .find(|r| !r.is_unset())
                    .unwrap_or_default();
                Ok(RequiredBy { sets, revision })
            }
            Presence::Optional | Presence::Conflict => Ok(RequiredBy::default()),
        }
    }

    /// snapd's `CheckPresenceInvalid`: the sets (`SERIES/ACCOUNT/NAME/SEQUENCE`, sorted)
    /// that say an invalid snap is invalid — none when it is invalid only because two sets
    /// allow it at different revisions. Any other presence: an error.
    pub fn check_presence_invalid(
        &self,
        name: &str,
        snap_id: &str,
    ) -> Result<Vec<String>, PresenceConstraintError> {
        let Some(c) = self.find(name, snap_id) else {
            return Ok(Vec::new());
        };
        if c.presence != Presence::Invalid {
            return Err(PresenceConstraintError {
                snap: name.to_string(),
                presence: c.presence,
            });
        }
        let mut sets: Vec<String> = c
            .entries
            .iter()
            .filter(|e| e.presence == ValidationSetPresence::Invalid)
            .map(|e| e.key.clone())
            .collect();
        sets.sort();
        Ok(sets)
    }

    /// The revision every snap is pinned at (upstream snapd's `Revisions()`), by the name
    /// the first set gave it; snaps at any revision and invalid ones are left out. Sets in
    /// conflict have no such answer.
    pub fn revisions(&self) -> Result<BTreeMap<String, SnapRevision>, super::ConflictError> {
        self.conflict()?;
        let mut out = BTreeMap::new();
        for c in &self.snaps {
            if c.presence == Presence::Invalid {
                continue;
            }
            if let Some(r) = c.entries.iter().map(SetEntry::bucket).find(|r| r.0 > 0) {
                out.insert(c.name.clone(), r);
            }
        }
        Ok(out)
    }
}
