//! Assertions read from a seed, added to a trust database in prerequisite order (snapd's
//! `asserts.Batch` with `CommitTo`, and the `asserts.Fetcher` that sorts it): duplicates of
//! the same revision are dropped, trusted assertions are never re-added, a prerequisite
//! neither in the batch nor in the database stops the commit, and the database's refusals
//! are collected into one error.

use std::collections::{HashMap, HashSet};

use thiserror::Error;
use ucore_assertions::rules::RuleLanguage;
use ucore_assertions::{Assertion, AssertionAccess, AssertionType};
use ucore_signing::Database;

pub use crate::assertion_ref::Ref;
use crate::assertion_ref::prerequisites;
use ucore_signing::DatabaseError;

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
    /// The rule language streams are decoded in.
    language: RuleLanguage,
}

impl Batch {
    /// An empty batch whose streams are decoded with declarations' rules in `language`.
    pub fn in_language(language: RuleLanguage) -> Batch {
        Batch {
            language,
            ..Batch::default()
        }
    }

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
        for a in ucore_assertions::Decoder::new(input).with_rule_language(self.language) {
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
