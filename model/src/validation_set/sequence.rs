//! Sequence and revision management: where a new statement goes after the set's earlier
//! signed revisions ([`SetHistory`], read from files or the store).
//!
//! A validation set is *sequence-forming*: its assertions share `series`, `account-id` and
//! `name` and are ordered by `sequence`; within one sequence a higher assertion `revision`
//! replaces a lower one. A new statement is placed ([`SetHistory::place`]):
//!
//! * with no `sequence` written and [`SequenceChoice::Latest`] (the default): as the next
//!   revision of the latest sequence (sequence 1, revision 0 when there is no history);
//! * with [`SequenceChoice::NewSequence`]: as revision 0 of `latest + 1`;
//! * with a `sequence` written: there, as revision 0 of a sequence not signed yet, or as
//!   the next revision of one that was; a sequence older than the latest is refused
//!   (devices tracking the set would never go back to it).
//!
//! A `revision` written in the statement is kept when it is above the latest revision of
//! its sequence, and refused otherwise.

use serde::Serialize;
use ucore_assertions::types::ValidationSet;
use ucore_assertions::{Assertion, AssertionAccess, AssertionType};

use super::error::Error;
use super::statement::{DEFAULT_SERIES, FIRST_SEQUENCE, ValidationSetStatement};

/// Why a statement cannot follow the earlier revisions of its set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SequenceError {
    /// The statement does not say which set it is (`account-id`, `name`).
    #[error("the statement names no set: \"account-id\" and \"name\" are needed to place it")]
    NoSet,
    /// An earlier assertion is of another set.
    #[error("earlier revision {found} is not of validation set {expected}")]
    OtherSet {
        /// The statement's set, `series/account-id/name`.
        expected: String,
        /// The earlier assertion's primary key, `series/account-id/name/sequence`.
        found: String,
    },
    /// An earlier assertion does not decode as a validation-set.
    #[error("earlier revision {key} of validation set {set} is not valid: {message}")]
    InvalidEarlier {
        /// The set.
        set: String,
        /// The assertion's primary key.
        key: String,
        /// snapd's text.
        message: String,
    },
    /// The statement's sequence is older than the latest signed one.
    #[error(
        "validation set {set}: sequence {stated} is older than the latest signed sequence \
         {latest}"
    )]
    SequenceBehind {
        /// The set, `account-id/name`.
        set: String,
        /// The statement's sequence.
        stated: i64,
        /// The latest signed sequence.
        latest: i64,
    },
    /// The statement's revision is not above the latest signed revision of its sequence.
    #[error(
        "validation set {set}: revision {stated} of sequence {sequence} is not above the \
         latest signed revision {latest}"
    )]
    RevisionNotAbove {
        /// The set, `account-id/name`.
        set: String,
        /// The sequence.
        sequence: i64,
        /// The statement's revision.
        stated: i64,
        /// The latest signed revision of that sequence.
        latest: i64,
    },
    /// A new sequence was asked for, but the statement states an existing one.
    #[error(
        "validation set {set}: a new sequence ({new}) was asked for, but the statement says \
         sequence {stated}"
    )]
    NotNewSequence {
        /// The set, `account-id/name`.
        set: String,
        /// The statement's sequence.
        stated: i64,
        /// The sequence a new one would get.
        new: i64,
    },
    /// The revision would not fit snapd's integers.
    #[error("validation set {set}: no sequence or revision after {after}")]
    Exhausted {
        /// The set, `account-id/name`.
        set: String,
        /// The last number used.
        after: i64,
    },
}

/// Where the new revision goes when the statement does not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SequenceChoice {
    /// The next revision of the latest sequence (the default).
    #[default]
    Latest,
    /// Revision 0 of a new sequence, `latest + 1`.
    NewSequence,
}

/// A sequence and an assertion revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    /// `sequence`.
    pub sequence: i64,
    /// The assertion `revision`.
    pub revision: i64,
}

/// Where a statement was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Placement {
    /// The sequence and revision the statement gets.
    pub next: Position,
    /// The latest signed revision of the set (any sequence), if any.
    pub latest: Option<Position>,
    /// Whether `next` starts a sequence that was never signed.
    pub new_sequence: bool,
}

/// The earlier signed revisions of one validation set.
#[derive(Debug, Clone)]
pub struct SetHistory {
    series: String,
    account_id: String,
    name: String,
    signed: Vec<(Position, Assertion)>,
}

impl SetHistory {
    /// An empty history of the set `account_id/name` in series 16.
    pub fn new(account_id: &str, name: &str) -> Self {
        Self {
            series: DEFAULT_SERIES.to_owned(),
            account_id: account_id.to_owned(),
            name: name.to_owned(),
            signed: Vec::new(),
        }
    }

    /// The (empty) history of the set a statement names (its series, default 16).
    pub fn for_statement(statement: &ValidationSetStatement) -> Result<Self, SequenceError> {
        let (Some(account), Some(name)) = (statement.account_id(), statement.name()) else {
            return Err(SequenceError::NoSet);
        };
        let mut h = Self::new(account, name);
        if let Some(series) = statement.headers().get("series") {
            h.series = match series {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
        }
        Ok(h)
    }

    /// The set, `account-id/name`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.account_id, self.name)
    }

    /// Adds the validation-set assertions of `assertions`; assertions of other types (the
    /// account and account-keys of a store stream) are skipped, validation sets of
    /// another set refused.
    pub fn extend<'a>(
        &mut self,
        assertions: impl IntoIterator<Item = &'a Assertion>,
    ) -> Result<(), SequenceError> {
        for a in assertions {
            if a.assertion_type() == AssertionType::ValidationSet {
                self.add(a.clone())?;
            }
        }
        Ok(())
    }

    /// Adds one earlier validation-set assertion of this set.
    pub fn add(&mut self, assertion: Assertion) -> Result<(), SequenceError> {
        let expected = format!("{}/{}/{}", self.series, self.account_id, self.name);
        let found = assertion.primary_key().join("/");
        let position = {
            let set = ValidationSet::from_assertion(&assertion).map_err(|e| {
                SequenceError::InvalidEarlier {
                    set: self.key(),
                    key: found.clone(),
                    message: e.to_string(),
                }
            })?;
            if (set.series, set.account_id, set.name)
                != (&*self.series, &*self.account_id, &*self.name)
            {
                return Err(SequenceError::OtherSet { expected, found });
            }
            Position {
                sequence: set.sequence,
                revision: assertion.revision(),
            }
        };
        self.signed.push((position, assertion));
        Ok(())
    }

    /// Whether nothing was signed before.
    pub fn is_empty(&self) -> bool {
        self.signed.is_empty()
    }

    /// The latest signed assertion: the highest revision of the highest sequence.
    pub fn latest(&self) -> Option<&Assertion> {
        self.signed.iter().max_by_key(|(p, _)| *p).map(|(_, a)| a)
    }

    /// The latest signed revision of `sequence`.
    pub fn latest_of(&self, sequence: i64) -> Option<&Assertion> {
        self.signed
            .iter()
            .filter(|(p, _)| p.sequence == sequence)
            .max_by_key(|(p, _)| *p)
            .map(|(_, a)| a)
    }

    fn latest_position(&self) -> Option<Position> {
        self.signed.iter().map(|(p, _)| *p).max()
    }

    fn latest_revision_of(&self, sequence: i64) -> Option<i64> {
        self.signed
            .iter()
            .filter(|(p, _)| p.sequence == sequence)
            .map(|(p, _)| p.revision)
            .max()
    }

    /// Where `statement` goes after the signed revisions (see the module doc).
    pub fn place(
        &self,
        statement: &ValidationSetStatement,
        choice: SequenceChoice,
    ) -> Result<Placement, Error> {
        let set = self.key();
        let stated_sequence = statement.sequence()?;
        let stated_revision = statement.revision()?;
        let latest = self.latest_position();
        let latest_sequence = latest.map(|p| p.sequence);
        let after = |n: i64| {
            n.checked_add(1).ok_or(SequenceError::Exhausted {
                set: set.clone(),
                after: n,
            })
        };
        let new = match latest_sequence {
            Some(l) => after(l)?,
            None => FIRST_SEQUENCE,
        };
        let sequence = match (stated_sequence, choice) {
            (Some(s), SequenceChoice::NewSequence) if s != new => {
                return Err(SequenceError::NotNewSequence {
                    set,
                    stated: s,
                    new,
                }
                .into());
            }
            (Some(s), _) => {
                if let Some(l) = latest_sequence.filter(|l| s < *l) {
                    return Err(SequenceError::SequenceBehind {
                        set,
                        stated: s,
                        latest: l,
                    }
                    .into());
                }
                s
            }
            (None, SequenceChoice::NewSequence) => new,
            (None, SequenceChoice::Latest) => latest_sequence.unwrap_or(FIRST_SEQUENCE),
        };
        let revision = match (self.latest_revision_of(sequence), stated_revision) {
            (None, stated) => stated.unwrap_or(0),
            (Some(l), Some(r)) if r <= l => {
                return Err(SequenceError::RevisionNotAbove {
                    set,
                    sequence,
                    stated: r,
                    latest: l,
                }
                .into());
            }
            (Some(_), Some(r)) => r,
            (Some(l), None) => after(l)?,
        };
        Ok(Placement {
            next: Position { sequence, revision },
            latest,
            new_sequence: self.latest_revision_of(sequence).is_none(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(extra: &str) -> ValidationSetStatement {
        ValidationSetStatement::parse(&format!("account-id: acme\nname: base\n{extra}")).unwrap()
    }

    /// A history with these (sequence, revision) positions, from unsigned assertions.
    fn history(positions: &[(i64, i64)]) -> SetHistory {
        let mut h = SetHistory::new("acme", "base");
        for (s, r) in positions {
            let st =
                statement("snaps:\n  - name: hello\n    id: helloidaaaaaaaaaaaaaaaaaaaaaaaaa\n")
                    .at(*s, *r);
            h.add(st.check().unwrap().unsigned().clone()).unwrap();
        }
        h
    }

    fn place(h: &SetHistory, extra: &str, choice: SequenceChoice) -> Result<Position, String> {
        h.place(&statement(extra), choice)
            .map(|p| p.next)
            .map_err(|e| e.to_string())
    }

    fn at(sequence: i64, revision: i64) -> Result<Position, String> {
        Ok(Position { sequence, revision })
    }

    #[test]
    fn no_history_starts_at_sequence_one() {
        let h = history(&[]);
        assert_eq!(place(&h, "", SequenceChoice::Latest), at(1, 0));
        assert_eq!(place(&h, "", SequenceChoice::NewSequence), at(1, 0));
        assert_eq!(
            place(&h, "sequence: 4\nrevision: 2\n", SequenceChoice::Latest),
            at(4, 2)
        );
    }

    #[test]
    fn latest_sequence_gets_the_next_revision() {
        let h = history(&[(1, 0), (2, 0), (2, 3), (1, 7)]);
        assert_eq!(h.latest().map(|a| a.revision()), Some(3));
        assert_eq!(place(&h, "", SequenceChoice::Latest), at(2, 4));
        assert_eq!(place(&h, "", SequenceChoice::NewSequence), at(3, 0));
        assert_eq!(place(&h, "sequence: 2\n", SequenceChoice::Latest), at(2, 4));
        assert_eq!(
            place(&h, "sequence: 2\nrevision: 9\n", SequenceChoice::Latest),
            at(2, 9)
        );
        assert_eq!(place(&h, "sequence: 5\n", SequenceChoice::Latest), at(5, 0));
        assert_eq!(
            place(&h, "sequence: 3\n", SequenceChoice::NewSequence),
            at(3, 0)
        );
    }

    #[test]
    fn going_backwards_is_refused() {
        let h = history(&[(1, 0), (2, 3)]);
        assert_eq!(
            place(&h, "sequence: 1\n", SequenceChoice::Latest),
            Err(
                "validation set acme/base: sequence 1 is older than the latest signed sequence 2"
                    .into()
            )
        );
        assert_eq!(
            place(&h, "revision: 3\n", SequenceChoice::Latest),
            Err(
                "validation set acme/base: revision 3 of sequence 2 is not above the latest \
                 signed revision 3"
                    .into()
            )
        );
        assert_eq!(
            place(&h, "sequence: 2\n", SequenceChoice::NewSequence),
            Err(
                "validation set acme/base: a new sequence (3) was asked for, but the statement \
                 says sequence 2"
                    .into()
            )
        );
    }

    #[test]
    fn other_sets_are_refused() {
        let mut h = SetHistory::new("acme", "other");
        let a = statement("snaps:\n  - name: hello\n    id: helloidaaaaaaaaaaaaaaaaaaaaaaaaa\n")
            .check()
            .unwrap()
            .unsigned()
            .clone();
        assert_eq!(
            h.add(a).unwrap_err(),
            SequenceError::OtherSet {
                expected: "16/acme/other".into(),
                found: "16/acme/base/1".into(),
            }
        );
        assert!(h.is_empty());
    }
}
