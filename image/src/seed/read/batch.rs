//! Assertions read from a seed, added to a trust database in prerequisite order (snapd's
//! `asserts.Batch` with `CommitTo`, and the `asserts.Fetcher` that sorts it): duplicates of
//! the same revision are dropped, trusted assertions are never re-added, a prerequisite
//! neither in the batch nor in the database stops the commit, and the database's refusals
//! are collected into one error.

use std::collections::{HashMap, HashSet};
use std::fmt;

use thiserror::Error;
use ucore_assertions::{Assertion, AssertionAccess, AssertionType};
use ucore_signing::Database;
use ucore_signing::DatabaseError;

/// A reference to an assertion: its type and primary key, optional keys filled in with
/// their defaults (snapd's `asserts.Ref`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ref {
    /// The type.
    pub assertion_type: AssertionType,
    /// The primary key, complete.
    pub primary_key: Vec<String>,
}

impl Ref {
    /// A reference from a type and the leading part of its primary key: missing optional
    /// keys get their defaults.
    pub fn new(assertion_type: AssertionType, primary_key: &[&str]) -> Ref {
        let primary_key = assertion_type
            .primary_key()
            .iter()
            .enumerate()
            .map(|(i, k)| match primary_key.get(i) {
                Some(v) => (*v).to_string(),
                None => k.default.unwrap_or("").to_string(),
            })
            .collect();
        Ref {
            assertion_type,
            primary_key,
        }
    }

    /// The reference of an assertion.
    pub fn of(a: &impl AssertionAccess) -> Ref {
        Ref::new(a.assertion_type(), &a.primary_key())
    }

    /// The assertion it names, from `db` (`None`: not there).
    pub fn resolve(
        &self,
        db: &Database,
    ) -> Result<Option<std::sync::Arc<Assertion>>, DatabaseError> {
        let headers: Vec<(&str, &str)> = self
            .assertion_type
            .primary_key()
            .iter()
            .zip(&self.primary_key)
            .map(|(k, v)| (k.name, v.as_str()))
            .collect();
        match db.find(self.assertion_type, &headers) {
            Ok(a) => Ok(Some(a)),
            Err(DatabaseError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl fmt::Display for Ref {
    /// snapd's `Ref.String`: `account (acme)`, `snap-declaration (ID; series:16)`; optional
    /// keys only when they differ from their default.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = self.assertion_type.primary_key();
        let mandatory = keys.iter().take_while(|k| k.default.is_none()).count();
        let Some(last) = mandatory
            .checked_sub(1)
            .and_then(|i| self.primary_key.get(i))
        else {
            return write!(f, "{} (-)", self.assertion_type.name());
        };
        if keys.len() == 1 {
            return write!(f, "{} ({last})", self.assertion_type.name());
        }
        let mut parts = vec![format!("{last};")];
        for (k, v) in keys.iter().zip(&self.primary_key).take(mandatory - 1) {
            parts.push(format!("{}:{v}", k.name));
        }
        for (k, v) in keys.iter().zip(&self.primary_key).skip(mandatory) {
            if Some(v.as_str()) != k.default {
                parts.push(format!("{}:{v}", k.name));
            }
        }
        write!(f, "{} ({})", self.assertion_type.name(), parts.join(" "))
    }
}

/// Why assertions could not be added to the batch or committed (snapd's texts).
#[derive(Debug, Error)]
pub enum BatchError {
    /// A stream did not decode.
    #[error(transparent)]
    Decode(Box<ucore_assertions::Error>),
    /// An assertion of a format this implementation does not know.
    #[error("proposed {} assertion has format {format} but {max} is latest supported", ucore_go_text::quote(.assertion_type.name()))]
    UnsupportedFormat {
        /// Its type.
        assertion_type: AssertionType,
        /// Its format.
        format: i64,
        /// The newest format known.
        max: i64,
    },
    /// Assertions that require each other.
    #[error("circular assertions are not expected: {0}")]
    Circular(Ref),
    /// A chain of prerequisites longer than [`MAX_DEPTH`] (this reader's bound; snapd has
    /// none).
    #[error("cannot resolve prerequisite assertion: {0}: chain of prerequisites too long")]
    TooDeep(Ref),
    /// A prerequisite neither in the batch nor in the database.
    #[error("cannot resolve prerequisite assertion: {missing}{}", .cause.as_ref().map(|c| format!(": {c}")).unwrap_or_default())]
    Unresolved {
        /// The prerequisite.
        missing: Ref,
        /// Why the database could not tell, if it failed.
        #[source]
        cause: Option<Box<DatabaseError>>,
    },
    /// An assertion signed by another account than its authority: its
    /// `authority-delegation` (a type this implementation does not know) is missing.
    #[error(
        "cannot resolve prerequisite assertion: authority-delegation ({signatory}; account-id:{authority})"
    )]
    NoDelegation {
        /// `authority-id`.
        authority: String,
        /// `signatory-id`.
        signatory: String,
    },
    /// The database refused some assertions.
    #[error("cannot accept some assertions:{}", .0.iter().map(|e| format!("\n - {e}")).collect::<String>())]
    Rejected(Vec<ucore_signing::Error>),
}

/// Assertions waiting to be committed.
#[derive(Debug, Default)]
pub struct Batch {
    current: HashMap<Ref, Assertion>,
    added: Vec<Assertion>,
}

impl Batch {
    /// Adds one assertion: an equal or older revision of one already added is dropped.
    pub fn add(&mut self, a: Assertion) -> Result<(), BatchError> {
        if !a.supported_format() {
            return Err(BatchError::UnsupportedFormat {
                assertion_type: a.assertion_type(),
                format: a.format(),
                max: a.assertion_type().max_supported_format(),
            });
        }
        let r = Ref::of(&a);
        if self
            .current
            .get(&r)
            .is_some_and(|cur| cur.revision() >= a.revision())
        {
            return Ok(());
        }
        self.current.insert(r, a.clone());
        self.added.push(a);
        Ok(())
    }

    /// Adds every assertion of a stream, read as it is decoded; returns the references of
    /// those it added.
    pub fn add_stream(&mut self, input: impl std::io::Read) -> Result<Vec<Ref>, BatchError> {
        let start = self.added.len();
        for a in ucore_assertions::Decoder::new(input) {
            self.add(a.map_err(|e| BatchError::Decode(Box::new(e)))?)?;
        }
        Ok(self.added.iter().skip(start).map(Ref::of).collect())
    }

    /// Commits to `db` in prerequisite order (snapd's `CommitTo`). `trusted` are the
    /// references of the database's trusted and predefined assertions, which are never
    /// added again.
    pub fn commit(self, db: &Database, trusted: &HashSet<Ref>) -> Result<(), BatchError> {
        let mut sorter = Sorter {
            batch: &self.current,
            db,
            trusted,
            progress: HashMap::new(),
            ordered: Vec::new(),
        };
        for a in &self.added {
            sorter.fetch(&Ref::of(a), 0)?;
        }
        let mut errors = Vec::new();
        for a in sorter.ordered {
            match db.add(a) {
                Ok(()) => {}
                Err(ucore_signing::Error::Database(DatabaseError::Revision { used, current }))
                    if used <= current => {}
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(BatchError::Rejected(errors))
        }
    }
}

/// How far the sort got with one assertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Progress {
    Retrieved,
    Saved,
}

/// Deepest chain of prerequisites followed (snapd has no bound; real chains are < 10).
pub const MAX_DEPTH: usize = 64;

/// snapd's fetcher as `Batch.prereqSort` runs it: each assertion after its prerequisites
/// and its signing key (and the authority's delegation, if another account signed it).
struct Sorter<'a> {
    batch: &'a HashMap<Ref, Assertion>,
    db: &'a Database,
    trusted: &'a HashSet<Ref>,
    progress: HashMap<Ref, Progress>,
    ordered: Vec<Assertion>,
}

impl Sorter<'_> {
    fn fetch(&mut self, r: &Ref, depth: usize) -> Result<(), BatchError> {
        if self.trusted.contains(r) {
            return Ok(());
        }
        match self.progress.get(r) {
            Some(Progress::Saved) => return Ok(()),
            Some(Progress::Retrieved) => return Err(BatchError::Circular(r.clone())),
            None => {}
        }
        if depth > MAX_DEPTH {
            return Err(BatchError::TooDeep(r.clone()));
        }
        let a = match self.batch.get(r) {
            Some(a) => a.clone(),
            None => match r.resolve(self.db) {
                Ok(Some(a)) => (*a).clone(),
                Ok(None) => {
                    return Err(BatchError::Unresolved {
                        missing: r.clone(),
                        cause: None,
                    });
                }
                Err(e) => {
                    return Err(BatchError::Unresolved {
                        missing: r.clone(),
                        cause: Some(Box::new(e)),
                    });
                }
            },
        };
        self.progress.insert(r.clone(), Progress::Retrieved);
        for pre in prerequisites(&a) {
            self.fetch(&pre, depth + 1)?;
        }
        let key_id = a.sign_key_sha3_384().unwrap_or("");
        self.fetch(&Ref::new(AssertionType::AccountKey, &[key_id]), depth + 1)?;
        let authority = a.authority_id().unwrap_or("");
        let signatory = a.header_str("signatory-id").unwrap_or(authority);
        if signatory != authority {
            // authority-delegation assertions are not known here: none can be in the batch.
            return Err(BatchError::NoDelegation {
                authority: authority.to_string(),
                signatory: signatory.to_string(),
            });
        }
        self.ordered.push(a);
        self.progress.insert(r.clone(), Progress::Saved);
        Ok(())
    }
}

/// snapd's `Prerequisites()` of each type (series `16` for snap assertions).
fn prerequisites(a: &Assertion) -> Vec<Ref> {
    let h = |name| a.header_str(name).unwrap_or("");
    let account = |id| Ref::new(AssertionType::Account, &[id]);
    let declaration = |id| Ref::new(AssertionType::SnapDeclaration, &["16", id]);
    match a.assertion_type() {
        AssertionType::AccountKey | AssertionType::AccountKeyRequest => {
            vec![account(h("account-id"))]
        }
        AssertionType::SnapDeclaration => vec![account(h("publisher-id"))],
        AssertionType::SnapRevision => {
            vec![declaration(h("snap-id")), account(h("developer-id"))]
        }
        AssertionType::Validation => vec![
            Ref::new(AssertionType::SnapDeclaration, &[h("series"), h("snap-id")]),
            Ref::new(
                AssertionType::SnapDeclaration,
                &[h("series"), h("approved-snap-id")],
            ),
        ],
        AssertionType::SnapDeveloper => {
            vec![declaration(h("snap-id")), account(h("publisher-id"))]
        }
        AssertionType::Store => vec![account(h("operator-id"))],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_print_as_snapd_prints_them() {
        assert_eq!(
            Ref::new(AssertionType::Account, &["acme"]).to_string(),
            "account (acme)"
        );
        assert_eq!(
            Ref::new(AssertionType::SnapDeclaration, &["16", "ID"]).to_string(),
            "snap-declaration (ID; series:16)"
        );
        assert_eq!(
            Ref::new(AssertionType::SnapRevision, &["D"]).to_string(),
            "snap-revision (D;)"
        );
        assert_eq!(
            Ref::new(AssertionType::SnapRevision, &["D", "other"]).to_string(),
            "snap-revision (D; provenance:other)"
        );
        assert_eq!(
            Ref::new(AssertionType::Model, &["16", "b", "m"]).to_string(),
            "model (m; series:16 brand-id:b)"
        );
    }
}
