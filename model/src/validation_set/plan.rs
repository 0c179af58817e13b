//! [`SignPlan`]: a statement placed after its set's earlier revisions, checked, and
//! compared with the last of them: what signing would make, before it is signed (a dry run
//! shows the plan; signing refuses a plan that changes nothing unless forced).

use serde::Serialize;
use ucore_assertions::types::ValidationSet;
use ucore_assertions::{Assertion, Timestamp};
use ucore_signing::Signer;

use super::diff::SetDiff;
use super::error::Error;
use super::sequence::{Placement, SequenceChoice, SetHistory};
use super::statement::{CheckedValidationSet, ValidationSetStatement};

/// How to place and sign a statement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SignOptions {
    /// Where the new revision goes when the statement does not say.
    pub sequence: SequenceChoice,
    /// Sign even when the statement says what the last signed revision says.
    pub force: bool,
}

/// What signing a statement would make.
#[derive(Debug, Clone)]
pub struct SignPlan {
    placement: Placement,
    checked: CheckedValidationSet,
    diff: SetDiff,
    force: bool,
}

impl SignPlan {
    /// Places `statement` after `history` (which must be the history of the statement's
    /// set: see [`SetHistory::for_statement`]), checks it at `now` and compares it with the
    /// latest signed revision.
    pub fn new(
        statement: &ValidationSetStatement,
        history: &SetHistory,
        options: SignOptions,
        now: impl Into<Timestamp>,
    ) -> Result<Self, Error> {
        let now = now.into();
        // snapd's texts first: a statement with a bad sequence is reported as snapd would.
        statement.check_at(now)?;
        let placement = history.place(statement, options.sequence)?;
        let placed = statement
            .clone()
            .at(placement.next.sequence, placement.next.revision);
        let checked = placed.check_at(now)?;
        let diff = {
            let next = checked.view()?;
            match history.latest() {
                Some(latest) => {
                    let set = ValidationSet::from_assertion(latest).map_err(Error::rejected)?;
                    SetDiff::between(
                        Some((latest, &set)),
                        (checked.unsigned(), &next),
                        &placement,
                    )
                }
                None => {
                    SetDiff::between::<Assertion, _>(None, (checked.unsigned(), &next), &placement)
                }
            }
        };
        Ok(Self {
            placement,
            checked,
            diff,
            force: options.force,
        })
    }

    /// Where the statement goes.
    pub fn placement(&self) -> &Placement {
        &self.placement
    }

    /// The difference from the last signed revision.
    pub fn diff(&self) -> &SetDiff {
        &self.diff
    }

    /// The checked statement at its place.
    pub fn checked(&self) -> &CheckedValidationSet {
        &self.checked
    }

    fn refuse_unchanged(&self) -> Result<(), Error> {
        match self.diff.previous {
            Some(p) if self.diff.is_unchanged() && !self.force => Err(Error::Unchanged {
                set: self.diff.set.clone(),
                sequence: p.sequence,
                revision: p.revision,
            }),
            _ => Ok(()),
        }
    }

    /// Signs with `signer` now; [`Error::Unchanged`] when nothing changed (unless forced).
    pub fn sign(&self, signer: &dyn Signer) -> Result<Assertion, Error> {
        self.refuse_unchanged()?;
        self.checked.sign(signer)
    }

    /// Signs with `signer`, signature creation time `at`.
    pub fn sign_at(
        &self,
        signer: &dyn Signer,
        at: impl Into<Timestamp>,
    ) -> Result<Assertion, Error> {
        self.refuse_unchanged()?;
        self.checked.sign_at(signer, at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ucore_assertions::AssertionAccess;
    use ucore_signing::RsaPrivateKey;

    const STATEMENT: &str = "account-id: acme\nname: base\ntimestamp: 2024-01-01T00:00:00Z\n\
        snaps:\n  - name: hello\n    id: helloidaaaaaaaaaaaaaaaaaaaaaaaaa\n    revision: 5\n";

    fn now() -> Timestamp {
        "2024-02-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn next_revision_is_signed_and_unchanged_refused() {
        let key = RsaPrivateKey::from_pem(ucore_test_support::keys::ACME).unwrap();
        let statement = ValidationSetStatement::parse(STATEMENT).unwrap();
        let mut history = SetHistory::for_statement(&statement).unwrap();
        let first = SignPlan::new(&statement, &history, SignOptions::default(), now())
            .unwrap()
            .sign_at(&key, now())
            .unwrap();
        assert_eq!((first.revision(), first.primary_key()[3]), (0, "1"));
        history.add(first).unwrap();

        let plan = SignPlan::new(&statement, &history, SignOptions::default(), now()).unwrap();
        assert!(plan.diff().is_unchanged());
        let e = plan.sign_at(&key, now()).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Unchanged {
                    sequence: 1,
                    revision: 0,
                    ..
                }
            ),
            "{e}"
        );
        let forced = SignOptions {
            force: true,
            ..SignOptions::default()
        };
        let again = SignPlan::new(&statement, &history, forced, now())
            .unwrap()
            .sign_at(&key, now())
            .unwrap();
        assert_eq!(again.revision(), 1);

        let new_sequence = SignOptions {
            sequence: SequenceChoice::NewSequence,
            force: true,
        };
        let plan = SignPlan::new(&statement, &history, new_sequence, now()).unwrap();
        assert_eq!(
            (
                plan.placement().next.sequence,
                plan.placement().next.revision
            ),
            (2, 0)
        );
    }
}
