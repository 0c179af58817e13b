//! The model's validation sets, enforced while gathering (`ValidationMode::Enforce`):
//! each set fetched (at its pinned sequence, else the latest) and checked in the trust
//! database, then its constraints applied: a pinned revision is the one taken, an
//! `invalid` snap is refused before it is fetched, a `required` snap must end up in the
//! seed. Sets that contradict each other are refused.

use std::collections::BTreeMap;

use thiserror::Error;
use ucore_assertions::AssertionType;
use ucore_assertions::types::{Model, ValidationSet, ValidationSetPresence};

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
    /// A snap the seed would hold is `invalid` in a set.
    #[error("cannot use snap {name:?}: it is invalid according to validation set {set}")]
    Invalid {
        /// The snap.
        name: String,
        /// `ACCOUNT/NAME`.
        set: String,
    },
    /// A snap `required` by a set is not in the seed.
    #[error("snap {name:?} required by validation set {set} is not in the seed")]
    Missing {
        /// The snap.
        name: String,
        /// `ACCOUNT/NAME`.
        set: String,
    },
    /// A snap of the seed is not at the revision a set pins.
    #[error("snap {name:?} is at revision {got}, validation set {set} requires revision {want}")]
    WrongRevision {
        /// The snap.
        name: String,
        /// Its revision.
        got: String,
        /// The pinned one.
        want: i32,
        /// `ACCOUNT/NAME`.
        set: String,
    },
    /// Two sets say contradicting things about a snap.
    #[error("validation sets {first} and {second} conflict about snap {name:?}: {detail}")]
    Conflict {
        /// The snap.
        name: String,
        /// One set.
        first: String,
        /// The other.
        second: String,
        /// What they disagree on.
        detail: String,
    },
}

/// What the sets say about one snap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Constraint {
    /// A set that makes it invalid.
    invalid: Option<String>,
    /// A set that requires it.
    required: Option<String>,
    /// The revision pinned, and by which set.
    pinned: Option<(i32, String)>,
}

/// The model's validation sets, fetched, and what they say about each snap (by name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationSets {
    sets: Vec<String>,
    snaps: BTreeMap<String, Constraint>,
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
        self.sets.push(set.to_string());
        for snap in &vs.snaps {
            let c = self.snaps.entry(snap.name.to_string()).or_default();
            let conflict = |first: &str, detail: String| ValidationError::Conflict {
                name: snap.name.to_string(),
                first: first.to_string(),
                second: set.to_string(),
                detail,
            };
            match snap.presence {
                ValidationSetPresence::Invalid => {
                    if let Some(other) = &c.required {
                        return Err(conflict(other, "required and invalid".into()));
                    }
                    c.invalid.get_or_insert_with(|| set.to_string());
                }
                ValidationSetPresence::Required => {
                    if let Some(other) = &c.invalid {
                        return Err(conflict(other, "invalid and required".into()));
                    }
                    c.required.get_or_insert_with(|| set.to_string());
                }
                _ => {}
            }
            if let Some(rev) = snap.revision {
                let rev = i32::try_from(rev)
                    .map_err(|_| conflict(set, format!("revision {rev} is out of range")))?;
                match &c.pinned {
                    Some((other_rev, other)) if *other_rev != rev => {
                        return Err(conflict(
                            other,
                            format!("revision {other_rev} and revision {rev}"),
                        ));
                    }
                    Some(_) => {}
                    None => c.pinned = Some((rev, set.to_string())),
                }
            }
        }
        Ok(())
    }

    /// The sets, as `ACCOUNT/NAME`.
    pub fn sets(&self) -> &[String] {
        &self.sets
    }

    /// Before a snap is fetched: refuses an invalid one, pins its revision.
    pub fn plan(&self, planned: &mut PlannedSnap) -> Result<(), ValidationError> {
        let Some(c) = self.snaps.get(&planned.name) else {
            return Ok(());
        };
        if let Some(set) = &c.invalid {
            return Err(ValidationError::Invalid {
                name: planned.name.clone(),
                set: set.clone(),
            });
        }
        if let Some((rev, _)) = &c.pinned {
            planned.pinned_revision = Some(*rev);
        }
        Ok(())
    }

    /// Once a snap is fetched (or read from a local file): not invalid, at the pinned
    /// revision.
    pub fn check(&self, snap: &SeedSnap) -> Result<(), ValidationError> {
        let Some(c) = self.snaps.get(&snap.info.name) else {
            return Ok(());
        };
        if let Some(set) = &c.invalid {
            return Err(ValidationError::Invalid {
                name: snap.info.name.clone(),
                set: set.clone(),
            });
        }
        match &c.pinned {
            Some((want, set)) if snap.revision.0 != *want => Err(ValidationError::WrongRevision {
                name: snap.info.name.clone(),
                got: snap.revision.to_string(),
                want: *want,
                set: set.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// The whole seed: every required snap is in it.
    pub fn check_complete(&self, contents: &SeedContents) -> Result<(), ValidationError> {
        let present = |name: &str| {
            contents
                .model_snaps
                .iter()
                .chain(&contents.extra_snaps)
                .any(|s| s.info.name == name)
        };
        for (name, c) in &self.snaps {
            if let Some(set) = &c.required
                && !present(name)
            {
                return Err(ValidationError::Missing {
                    name: name.clone(),
                    set: set.clone(),
                });
            }
        }
        Ok(())
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
            r#"validation sets acme/a and acme/b conflict about snap "hello": revision 1 and revision 2"#
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
            r#"cannot use snap "bad": it is invalid according to validation set acme/a"#
        );
        p.name = "other".into();
        p.pinned_revision = None;
        s.plan(&mut p).unwrap();
        assert_eq!(p.pinned_revision, None);
    }
}
