//! [`ValidationSetStatement`]: the headers of a validation-set written by a brand or a
//! device maker (JSON or YAML), checked with every rule snapd applies before anything is
//! signed, then signed with any [`Signer`].

use serde_json::{Map, Value};
use ucore_assertions::types::ValidationSet;
use ucore_assertions::{Assertion, AssertionBuilder, Timestamp};
use ucore_signing::Signer;

use super::error::{Error, StatementProblem};
use crate::statement::{Gate, ReadError, assemble_unsigned, gate_headers};

fn syntax((format, source): ReadError) -> Error {
    Error::StatementSyntax { format, source }
}

/// Every header a validation-set statement may carry: those snapd's
/// `assembleValidationSet` reads, plus the common ones (`type`, `format`, `revision`).
pub const VALIDATION_SET_HEADERS: &[&str] = &[
    "type",
    "format",
    "authority-id",
    "revision",
    "series",
    "account-id",
    "name",
    "sequence",
    "snaps",
    "timestamp",
];

/// The series written when a statement has none: snapd only ever looks validation sets
/// up in series `16` (`release.Series`), so a set of another series would never be found
/// by a device. Another series may still be written; snapd's checks accept any.
pub const DEFAULT_SERIES: &str = "16";

/// The sequence a statement without one is checked (and, with no earlier revisions,
/// signed) at: the first.
pub const FIRST_SEQUENCE: i64 = 1;

/// A validation-set statement: the headers of a validation-set assertion to be signed.
///
/// Filled in when absent: `type` (`validation-set`), `series` ([`DEFAULT_SERIES`]),
/// `authority-id` (the `account-id`: snapd requires a set to be signed by its account),
/// `sequence` ([`FIRST_SEQUENCE`]; see [`super::sequence`] to place a statement after the
/// set's earlier revisions), and `timestamp` (now). Numbers (`revision: 5`) become their
/// decimal text, as headers are strings. Headers snapd does not know are refused (a typo
/// such as `snap:` would otherwise be signed and ignored) unless
/// [`ValidationSetStatement::allow_unknown_headers`] says otherwise.
///
/// ```
/// use ucore_model::validation_set::ValidationSetStatement;
///
/// let statement = ValidationSetStatement::parse(
///     "account-id: acme\nname: base\nsnaps:\n  - name: hello\n    id: helloidaaaaaaaaaaaaaaaaaaaaaaaaa\n    revision: 5\n",
/// )?;
/// let checked = statement.check()?;
/// let set = checked.view()?;
/// assert_eq!((set.account_id, set.name, set.sequence), ("acme", "base", 1));
/// assert_eq!(set.snaps[0].revision, Some(5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationSetStatement {
    headers: Map<String, Value>,
    allow_unknown: bool,
}

/// Serializes as its headers (the JSON object [`ValidationSetStatement::from_json`] reads).
impl serde::Serialize for ValidationSetStatement {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.headers.serialize(serializer)
    }
}

impl ValidationSetStatement {
    crate::statement::statement_headers!(Error, syntax, "validation-set");

    /// The same statement at `sequence`, revision `revision` (the headers become their
    /// decimal text).
    pub fn at(mut self, sequence: i64, revision: i64) -> Self {
        self.set("sequence", sequence.to_string());
        self.set("revision", revision.to_string());
        self
    }

    /// `account-id`, if it is a string.
    pub fn account_id(&self) -> Option<&str> {
        self.headers.get("account-id").and_then(Value::as_str)
    }

    /// `name`, if it is a string.
    pub fn name(&self) -> Option<&str> {
        self.headers.get("name").and_then(Value::as_str)
    }

    /// The set's key as snapd's conflict texts name it: `account-id/name`.
    pub fn key(&self) -> Option<String> {
        Some(format!("{}/{}", self.account_id()?, self.name()?))
    }

    /// `sequence` as written (a number or its text), `None` when absent.
    pub fn sequence(&self) -> Result<Option<i64>, Error> {
        self.number("sequence")
    }

    /// The assertion `revision` as written, `None` when absent.
    pub fn revision(&self) -> Result<Option<i64>, Error> {
        self.number("revision")
    }

    fn number(&self, field: &str) -> Result<Option<i64>, Error> {
        let parsed = match self.headers.get(field) {
            None => return Ok(None),
            Some(Value::String(s)) => s.parse::<i64>().ok(),
            Some(Value::Number(n)) => n.as_i64(),
            Some(_) => None,
        };
        match parsed {
            Some(n) => Ok(Some(n)),
            None => Err(Error::Statement {
                field: field.to_owned(),
                reason: StatementProblem::NotANumber {
                    value: self
                        .headers
                        .get(field)
                        .map(Value::to_string)
                        .unwrap_or_default(),
                },
            }),
        }
    }

    /// Checks the statement as of now (`timestamp`, when absent, is now).
    pub fn check(&self) -> Result<CheckedValidationSet, Error> {
        self.check_at(Timestamp::now())
    }

    /// Checks the statement; a missing `timestamp` becomes `now` (whole seconds, UTC).
    /// Every check snapd makes when it signs (and when a device decodes) a validation-set
    /// runs here, in snapd's order, so the first error is snapd's.
    pub fn check_at(&self, now: impl Into<Timestamp>) -> Result<CheckedValidationSet, Error> {
        let mut headers = self.headers.clone();
        gate_headers(
            &mut headers,
            "validation-set",
            VALIDATION_SET_HEADERS,
            self.allow_unknown,
        )
        .map_err(|(field, problem)| Error::Statement {
            field,
            reason: match problem {
                Gate::WrongType(found) => StatementProblem::NotValidationSetType { found },
                Gate::SetBySigner => StatementProblem::SetBySigner,
                Gate::Unknown => StatementProblem::UnknownHeader,
            },
        })?;
        if !headers.contains_key("series") {
            headers.insert("series".into(), Value::String(DEFAULT_SERIES.into()));
        }
        if !headers.contains_key("authority-id")
            && let Some(account) = headers.get("account-id").cloned()
        {
            headers.insert("authority-id".into(), account);
        }
        if !headers.contains_key("sequence") {
            headers.insert("sequence".into(), Value::String(FIRST_SEQUENCE.to_string()));
        }
        let (builder, unsigned) = assemble_unsigned(headers, now).map_err(Error::from_signing)?;
        ValidationSet::from_assertion(&unsigned).map_err(Error::rejected)?;
        Ok(CheckedValidationSet { builder, unsigned })
    }

    /// Checks and signs the statement with `signer` now, at the sequence and revision it
    /// states (sequence 1, revision 0 when absent: place it after the set's earlier
    /// revisions with [`super::sequence::SetHistory::place`] first).
    pub fn sign(&self, signer: &dyn Signer) -> Result<Assertion, Error> {
        self.check()?.sign(signer)
    }

    /// Checks and signs at `now` (the default `timestamp` and the signature's creation
    /// time): reproducible byte for byte.
    pub fn sign_at(
        &self,
        signer: &dyn Signer,
        now: impl Into<Timestamp>,
    ) -> Result<Assertion, Error> {
        let now = now.into();
        self.check_at(now)?.sign_at(signer, now)
    }
}

/// A statement that passed every check: only the signature is missing.
#[derive(Debug, Clone)]
pub struct CheckedValidationSet {
    builder: AssertionBuilder,
    /// The content, signed by a placeholder key with a placeholder signature: what the
    /// typed view, the diff and the conflict check read.
    unsigned: Assertion,
}

impl CheckedValidationSet {
    /// The typed view of the set to be signed.
    pub fn view(&self) -> Result<ValidationSet<'_>, Error> {
        ValidationSet::from_assertion(&self.unsigned).map_err(Error::rejected)
    }

    /// The unsigned assertion (placeholder key id and signature): for diffs and conflict
    /// checks, never for a device.
    pub fn unsigned(&self) -> &Assertion {
        &self.unsigned
    }

    /// The canonical content that will be signed with key `key_id`.
    pub fn content(&self, key_id: &str) -> Result<Vec<u8>, Error> {
        self.builder.content(key_id).map_err(Error::rejected)
    }

    /// Signs with `signer`, signature creation time now.
    pub fn sign(&self, signer: &dyn Signer) -> Result<Assertion, Error> {
        ucore_signing::sign_assertion(&self.builder, signer).map_err(Error::from_signing)
    }

    /// Signs with `signer`, signature creation time `at`.
    pub fn sign_at(
        &self,
        signer: &dyn Signer,
        at: impl Into<Timestamp>,
    ) -> Result<Assertion, Error> {
        ucore_signing::sign_assertion_at(&self.builder, signer, at).map_err(Error::from_signing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ucore_assertions::AssertionAccess;

    const NOW: &str = "2024-01-01T00:00:00Z";

    fn base() -> Value {
        serde_json::json!({
            "account-id": "brand-id1",
            "name": "baz-3000-good",
            "sequence": 2,
            "snaps": [{"name": "baz-linux", "id": "bazlinuxidididididididididididid",
                       "presence": "optional", "revision": 99}],
        })
    }

    fn check(v: Value) -> Result<CheckedValidationSet, Error> {
        let Value::Object(m) = v else { panic!() };
        ValidationSetStatement::from_headers(m).check_at(NOW.parse::<Timestamp>().unwrap())
    }

    fn error(mutate: impl FnOnce(&mut Map<String, Value>)) -> String {
        let Value::Object(mut m) = base() else {
            panic!()
        };
        mutate(&mut m);
        check(Value::Object(m)).unwrap_err().to_string()
    }

    #[test]
    fn defaults_are_filled_in() {
        let checked = check(base()).unwrap();
        let set = checked.view().unwrap();
        assert_eq!(set.series, "16");
        assert_eq!(set.sequence, 2);
        assert_eq!(checked.unsigned().headers().get_str("timestamp"), Some(NOW));
        assert_eq!(
            checked.unsigned().headers().get_str("authority-id"),
            Some("brand-id1")
        );
    }

    #[test]
    fn snapd_texts_come_before_signing() {
        let e = error(|m| {
            m.insert("authority-id".into(), "random".into());
        });
        assert_eq!(
            e,
            "cannot assemble assertion validation-set: authority-id and account-id must match, \
             validation-set assertions are expected to be signed by the issuer account: \
             \"random\" != \"brand-id1\""
        );
        let e = error(|m| {
            m.insert("sequence".into(), 0.into());
        });
        assert_eq!(
            e,
            "cannot assemble assertion validation-set: \"sequence\" must be >=1: 0"
        );
        let e = error(|m| {
            m.insert("name".into(), "baz/3000".into());
        });
        assert_eq!(e, "\"name\" primary key header cannot contain '/'");
        let e = error(|m| {
            m["snaps"][0]["presence"] = "invalid".into();
        });
        assert_eq!(
            e,
            "cannot assemble assertion validation-set: cannot specify revision of snap \
             \"baz-linux\" at the same time as stating its presence is invalid"
        );
    }

    #[test]
    fn unknown_and_signer_headers_are_refused() {
        let e = check({
            let mut v = base();
            v["snap"] = "x".into();
            v
        })
        .unwrap_err();
        assert_eq!(e.field(), Some("snap"));
        let e = check({
            let mut v = base();
            v["type"] = "model".into();
            v
        })
        .unwrap_err();
        assert_eq!(e.field(), Some("type"));
        let e = check({
            let mut v = base();
            v["body-length"] = "0".into();
            v
        })
        .unwrap_err();
        assert_eq!(e.field(), Some("body-length"));
    }

    #[test]
    fn serializes_as_its_headers() {
        let s = ValidationSetStatement::parse("name: base\nsequence: 3\n").unwrap();
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json, serde_json::json!({"name": "base", "sequence": 3}));
        assert_eq!(
            ValidationSetStatement::from_json(&json.to_string()).unwrap(),
            s
        );
    }

    #[test]
    fn numbers_read_from_text_or_numbers() {
        let s = ValidationSetStatement::parse("sequence: 3\nrevision: \"4\"\n").unwrap();
        assert_eq!(s.sequence().unwrap(), Some(3));
        assert_eq!(s.revision().unwrap(), Some(4));
        let s = ValidationSetStatement::parse("sequence: three\n").unwrap();
        assert_eq!(s.sequence().unwrap_err().field(), Some("sequence"));
        assert_eq!(s.revision().unwrap(), None);
    }
}
