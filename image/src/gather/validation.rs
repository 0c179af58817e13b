//! The model's validation sets, enforced while gathering (`ValidationMode::Enforce`):
//! each set fetched (at its pinned sequence, else the latest) and checked in the trust
//! database, then combined as snapd combines them
//! ([`ucore_assertions::validation_sets`]): sets in conflict are refused, a pinned revision
//! is the one taken, an `invalid` snap is refused before it is fetched, and the finished
//! seed must meet every set, as upstream snapd's seed writer checks it
//! (`CheckValidationSets`: the sets' installed-snaps check over the seed's snaps).

use thiserror::Error;
use ucore_assertions::AssertionType;
use ucore_assertions::types::{Model, ValidationSet};
use ucore_assertions::validation_sets::{
    self as combined, AddError, ConflictError, InstalledError, InstalledSnap, Presence,
    PresenceConstraintError, SnapRevision,
};
use ucore_go_text::quote;

use super::fetcher::{FetchError, Fetcher};
use super::source::{Source, SourceError};
use crate::snaps::{PlannedSnap, SeedContents, SeedSnap};

/// Why the validation sets of the model cannot be met.
#[derive(Debug, Error)]
pub enum ValidationError {
    /// The source does not have the set (at the pinned sequence).
    #[error("cannot find validation set {set}{}", sequence.map(|n| format!(" at sequence {n}")).unwrap_or_default())]
    NotFound {
        /// `ACCOUNT/NAME`.
        set: String,
        /// The sequence the model pins.
        sequence: Option<i64>,
    },
    /// The source failed.
    #[error("cannot fetch validation set {set}: {source}")]
    Source {
        /// `ACCOUNT/NAME`.
        set: String,
        /// Why.
        #[source]
        source: Box<SourceError>,
    },
    /// The set or its chain did not check.
    #[error("cannot fetch validation set {set}: {source}")]
    Fetch {
        /// `ACCOUNT/NAME`.
        set: String,
        /// Why.
        #[source]
        source: Box<FetchError>,
    },
    /// The source answered with another set, or the assertion does not read as one.
    #[error("cannot fetch validation set {set}: the source answered with {got}")]
    Unexpected {
        /// `ACCOUNT/NAME`.
        set: String,
        /// What came.
        got: String,
    },
    /// A snap the seed would hold is `invalid` in the sets (upstream snapd's text).
    #[error("snap {} is invalid in validation sets: {}", quote(.name), .sets.join(","))]
    Invalid {
        /// The snap.
        name: String,
        /// The sets that say so, `SERIES/ACCOUNT/NAME/SEQUENCE`.
        sets: Vec<String>,
    },
    /// The snap's presence is not what the query expects (invalid through two optional
    /// revisions, say).
    #[error(transparent)]
    Presence(#[from] PresenceConstraintError),
    /// A revision a set pins is beyond what a store revision can be.
    #[error("snap {} is pinned at revision {revision}, beyond any store revision", quote(.name))]
    RevisionRange {
        /// The snap.
        name: String,
        /// The revision.
        revision: SnapRevision,
    },
    /// A snap of the seed is not at the revision the sets pin.
    #[error("snap {} is at revision {got}, validation sets {} require revision {want}", quote(.name), .sets.join(","))]
    WrongRevision {
        /// The snap.
        name: String,
        /// Its revision.
        got: String,
        /// The pinned one.
        want: SnapRevision,
        /// The sets, `SERIES/ACCOUNT/NAME/SEQUENCE`.
        sets: Vec<String>,
    },
    /// Two sets of one account and name.
    #[error(transparent)]
    Add(#[from] AddError),
    /// The sets contradict each other (snapd's text).
    #[error(transparent)]
    Conflict(#[from] ConflictError),
    /// The seed's snaps do not meet the sets (snapd's text).
    #[error(transparent)]
    NotMet(#[from] InstalledError),
}

/// The model's validation sets, fetched and combined.
#[derive(Debug, Clone, Default)]
pub struct ValidationSets {
    sets: Vec<String>,
    combined: combined::ValidationSets,
}

impl ValidationSets {
    /// No sets: nothing constrained.
    pub fn none() -> ValidationSets {
        ValidationSets::default()
    }

    /// Fetches the validation sets `model` names from `source` through `fetcher` (each
    /// checked in the database) and combines them.
    pub async fn fetch(
        model: &Model<'_>,
        source: &impl Source,
        fetcher: &mut Fetcher<'_>,
    ) -> Result<ValidationSets, ValidationError> {
        let mut out = ValidationSets::none();
        for wanted in &model.validation_sets {
            let set = format!("{}/{}", wanted.account_id, wanted.name);
            let a = source
                .sequence_assertion(
                    AssertionType::ValidationSet,
                    &["16", wanted.account_id, wanted.name],
                    wanted.sequence,
                )
                .await
                .map_err(|source| ValidationError::Source {
                    set: set.clone(),
                    source: Box::new(source),
                })?
                .ok_or_else(|| ValidationError::NotFound {
                    set: set.clone(),
                    sequence: wanted.sequence,
                })?;
            {
                let vs = ValidationSet::try_from(&a).map_err(|_| ValidationError::Unexpected {
                    set: set.clone(),
                    got: super::fetcher::Ref::of(&a).to_string(),
                })?;
                if vs.account_id != wanted.account_id
                    || vs.name != wanted.name
                    || wanted.sequence.is_some_and(|n| n != vs.sequence)
                {
                    return Err(ValidationError::Unexpected {
                        set: set.clone(),
                        got: format!("{}/{} sequence {}", vs.account_id, vs.name, vs.sequence),
                    });
                }
            }
            fetcher
                .save(source, a.clone())
                .await
                .map_err(|source| ValidationError::Fetch {
                    set: set.clone(),
                    source: Box::new(source),
                })?;
            let vs = ValidationSet::try_from(&a).map_err(|_| ValidationError::Unexpected {
                set: set.clone(),
                got: super::fetcher::Ref::of(&a).to_string(),
            })?;
            out.add(&set, &vs)?;
        }
        Ok(out)
    }

    fn add(&mut self, set: &str, vs: &ValidationSet<'_>) -> Result<(), ValidationError> {
        self.combined.add(vs)?;
        self.combined.conflict()?;
        self.sets.push(set.to_string());
        Ok(())
    }

    /// The sets, as `ACCOUNT/NAME`.
    pub fn sets(&self) -> &[String] {
        &self.sets
    }

    /// The combined sets.
    pub fn combined(&self) -> &combined::ValidationSets {
        &self.combined
    }

    /// Refuses a snap the sets make invalid; else the revision they pin, if any.
    fn pinned(&self, name: &str) -> Result<Option<(SnapRevision, Vec<String>)>, ValidationError> {
        if self.combined.presence(name, "") == Some(Presence::Invalid) {
            return Err(ValidationError::Invalid {
                name: name.to_string(),
                sets: self.combined.check_presence_invalid(name, "")?,
            });
        }
        let required = self.combined.check_presence_required(name, "")?;
        Ok((!required.revision.is_unset()).then_some((required.revision, required.sets)))
    }

    /// Before a snap is fetched: refuses an invalid one, pins its revision.
    pub fn plan(&self, planned: &mut PlannedSnap) -> Result<(), ValidationError> {
        if let Some((revision, _)) = self.pinned(&planned.name)? {
            let pinned = i32::try_from(revision.0).map_err(|_| ValidationError::RevisionRange {
                name: planned.name.clone(),
                revision,
            })?;
            planned.pinned_revision = Some(pinned);
        }
        Ok(())
    }

    /// Once a snap is fetched (or read from a local file): not invalid, at the pinned
    /// revision.
    pub fn check(&self, snap: &SeedSnap) -> Result<(), ValidationError> {
        match self.pinned(&snap.info.name)? {
            Some((want, sets)) if i64::from(snap.revision.0) != want.0 => {
                Err(ValidationError::WrongRevision {
                    name: snap.info.name.clone(),
                    got: snap.revision.to_string(),
                    want,
                    sets,
                })
            }
            _ => Ok(()),
        }
    }

    /// The whole seed meets the sets: snapd's installed-snaps check over the seed's snaps.
    pub fn check_complete(&self, contents: &SeedContents) -> Result<(), ValidationError> {
        let seeded: Vec<InstalledSnap> = contents
            .model_snaps
            .iter()
            .chain(&contents.extra_snaps)
            .map(|s| {
                InstalledSnap::new(
                    s.info.name.clone(),
                    s.snap_id.clone().unwrap_or_default(),
                    SnapRevision(i64::from(s.revision.0)),
                )
            })
            .collect();
        self.combined
            .check_installed(&seeded, &Default::default())
            .map_err(ValidationError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ucore_assertions::Assertion;

    const KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    /// A validation set (its signature is not checked here) with `snaps` lines.
    fn set(name: &str, snaps: &str) -> Assertion {
        let text = format!(
            "type: validation-set\nauthority-id: acme\nseries: 16\naccount-id: acme\nname: {name}\nsequence: 1\nsnaps:\n{snaps}timestamp: 2026-01-01T00:00:00Z\nsign-key-sha3-384: {KEY}\n\nAXNpZw=="
        );
        Assertion::decode(text.as_bytes()).unwrap()
    }

    fn entry(name: &str, extra: &str) -> String {
        format!("  -\n    name: {name}\n    id: {name:x<32}\n{extra}")
    }

    fn sets(list: &[(&str, String)]) -> Result<ValidationSets, ValidationError> {
        let mut out = ValidationSets::none();
        for (name, snaps) in list {
            let a = set(name, snaps);
            let vs = ValidationSet::try_from(&a).unwrap();
            out.add(&format!("acme/{name}"), &vs)?;
        }
        Ok(out)
    }

    #[test]
    fn sets_that_contradict_each_other_are_refused() {
        let pin = |r: &str| entry("hello", &format!("    revision: {r}\n"));
        let err = sets(&[("a", pin("1")), ("b", pin("2"))]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "validation sets are in conflict:\n- cannot constrain snap \"hello\" at different revisions 1 (acme/a), 2 (acme/b)"
        );
        sets(&[("a", pin("1")), ("b", pin("1"))]).unwrap();
        let err = sets(&[
            ("a", entry("hello", "    presence: required\n")),
            ("b", entry("hello", "    presence: invalid\n")),
        ])
        .unwrap_err();
        assert!(matches!(err, ValidationError::Conflict { .. }), "{err}");
    }

    #[test]
    fn a_pin_is_planned_and_an_invalid_snap_refused() {
        let s = sets(&[(
            "a",
            entry("hello", "    revision: 3\n") + &entry("bad", "    presence: invalid\n"),
        )])
        .unwrap();
        let mut p = PlannedSnap {
            name: "hello".into(),
            snap_id: None,
            model_type: None,
            essential: false,
            required: false,
            modes: vec!["run".into()],
            channel: "stable".into(),
            pinned_revision: None,
            local: None,
            origin: crate::snaps::SnapOrigin::Extra,
        };
        s.plan(&mut p).unwrap();
        assert_eq!(p.pinned_revision, Some(3));
        p.name = "bad".into();
        assert_eq!(
            s.plan(&mut p).unwrap_err().to_string(),
            r#"snap "bad" is invalid in validation sets: 16/acme/a/1"#
        );
        p.name = "other".into();
        p.pinned_revision = None;
        s.plan(&mut p).unwrap();
        assert_eq!(p.pinned_revision, None);
    }
}
