//! The assertion fetcher of the seed writer (snapd's `asserts.fetcher` under
//! `seedwriter.MakeRefAssertsFetcher`, spec `snap-image.md` §6.10): an assertion is
//! resolved depth-first, its prerequisites first, then the account-key that signed it,
//! then it is added to the trust database (signature and consistency checked) and
//! recorded. Trusted and predefined assertions are skipped, each assertion is fetched
//! once per seed, and the recorded order is "prerequisites before dependants".

use std::collections::{HashMap, HashSet};
use std::fmt;

use thiserror::Error;
use ucore_assertions::{Assertion, AssertionAccess, AssertionType};
use ucore_signing::Database;

pub use crate::assertion_ref::Ref;

use super::source::{Source, SourceError};

/// The longest chain of prerequisites followed before the fetcher gives up (a source can
/// serve an endless chain of keys and accounts; real chains are four deep at most).
pub const MAX_DEPTH: usize = 32;

/// Why an assertion and its prerequisites could not be fetched; snapd's texts.
#[derive(Debug, Error)]
pub enum FetchError {
    /// The source has no such assertion (snapd's `NotFoundError`).
    #[error("{reference} not found")]
    NotFound {
        /// What was asked for.
        reference: Ref,
    },
    /// The source failed.
    #[error("cannot fetch {reference}: {source}")]
    Source {
        /// What was asked for.
        reference: Ref,
        /// Why.
        #[source]
        source: Box<SourceError>,
    },
    /// The source answered with another assertion than the one asked for.
    #[error("cannot fetch {reference}: the source answered with {got}")]
    Unexpected {
        /// What was asked for.
        reference: Ref,
        /// What came.
        got: Ref,
    },
    /// An assertion depends on itself.
    #[error("circular assertions are not expected: {reference}")]
    Circular {
        /// The assertion met again.
        reference: Ref,
    },
    /// The chain of prerequisites is longer than [`MAX_DEPTH`].
    #[error("cannot fetch {reference}: more than {MAX_DEPTH} levels of prerequisites")]
    TooDeep {
        /// The assertion at the limit.
        reference: Ref,
    },
    /// The trust database refused it (bad signature, unknown key, inconsistency).
    #[error("cannot add assertion {reference}: {source}")]
    Add {
        /// The refused assertion.
        reference: Ref,
        /// Why.
        #[source]
        source: Box<ucore_signing::Error>,
    },
}

impl FetchError {
    /// Whether this is the source not having the assertion `t` itself (not a
    /// prerequisite of another type).
    pub fn is_not_found_of(&self, t: AssertionType) -> bool {
        matches!(self, FetchError::NotFound { reference } if reference.assertion_type == t)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Retrieved,
    Saved,
}

/// One assertion being resolved: its prerequisites and signing key, and how far they are.
struct Frame {
    reference: Ref,
    assertion: Assertion,
    deps: Vec<Ref>,
    next: usize,
}

/// The prerequisites of `a` in snapd's order, then the account-key that signed it.
pub fn prerequisites(a: &Assertion) -> Vec<Ref> {
    let mut out = crate::assertion_ref::prerequisites(a);
    if let Some(key) = a.sign_key_sha3_384() {
        out.push(Ref::new(AssertionType::AccountKey, &[key]));
    }
    out
}

/// snapd's recording fetcher over the seed's trust database.
pub struct Fetcher<'db> {
    db: &'db Database,
    predefined: HashSet<Ref>,
    state: HashMap<Ref, State>,
    recorded: Vec<Assertion>,
}

impl fmt::Debug for Fetcher<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fetcher")
            .field("fetched", &self.state.len())
            .field("recorded", &self.recorded.len())
            .finish_non_exhaustive()
    }
}

impl<'db> Fetcher<'db> {
    /// A fetcher adding to `db`, skipping the `predefined` assertions (the database's
    /// trusted and predefined ones).
    pub fn new(db: &'db Database, predefined: impl IntoIterator<Item = Ref>) -> Fetcher<'db> {
        Fetcher {
            db,
            predefined: predefined.into_iter().collect(),
            state: HashMap::new(),
            recorded: Vec::new(),
        }
    }

    /// The database assertions are added to.
    pub fn database(&self) -> &'db Database {
        self.db
    }

    /// snapd's `Fetch(ref)`: retrieves the assertion from `source` with everything it
    /// needs, unless it is predefined or already fetched.
    pub async fn fetch(&mut self, source: &impl Source, reference: Ref) -> Result<(), FetchError> {
        self.chase(source, reference, None).await
    }

    /// snapd's `Save(a)`: fetches what `a` needs, then adds `a`.
    pub async fn save(&mut self, source: &impl Source, a: Assertion) -> Result<(), FetchError> {
        self.chase(source, Ref::of(&a), Some(a)).await
    }

    /// The assertions saved since the last call, in save order (snapd's recorded refs).
    pub fn take_recorded(&mut self) -> Vec<Assertion> {
        std::mem::take(&mut self.recorded)
    }

    fn skip(&self, reference: &Ref) -> Result<bool, FetchError> {
        if self.predefined.contains(reference) {
            return Ok(true);
        }
        match self.state.get(reference) {
            Some(State::Saved) => Ok(true),
            Some(State::Retrieved) => Err(FetchError::Circular {
                reference: reference.clone(),
            }),
            None => Ok(false),
        }
    }

    async fn retrieve(
        &self,
        source: &impl Source,
        reference: &Ref,
    ) -> Result<Assertion, FetchError> {
        let a = source
            .assertion(reference)
            .await
            .map_err(|source| FetchError::Source {
                reference: reference.clone(),
                source: Box::new(source),
            })?
            .ok_or_else(|| FetchError::NotFound {
                reference: reference.clone(),
            })?;
        let got = Ref::of(&a);
        if got != *reference {
            return Err(FetchError::Unexpected {
                reference: reference.clone(),
                got,
            });
        }
        Ok(a)
    }

    /// Depth-first with an explicit stack (bounded by [`MAX_DEPTH`]).
    async fn chase(
        &mut self,
        source: &impl Source,
        reference: Ref,
        given: Option<Assertion>,
    ) -> Result<(), FetchError> {
        if self.skip(&reference)? {
            return Ok(());
        }
        let assertion = match given {
            Some(a) => a,
            None => self.retrieve(source, &reference).await?,
        };
        self.state.insert(reference.clone(), State::Retrieved);
        let mut stack = vec![Frame {
            deps: prerequisites(&assertion),
            reference,
            assertion,
            next: 0,
        }];
        while let Some(top) = stack.last_mut() {
            if let Some(dep) = top.deps.get(top.next).cloned() {
                top.next += 1;
                if self.skip(&dep)? {
                    continue;
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(FetchError::TooDeep { reference: dep });
                }
                let assertion = self.retrieve(source, &dep).await?;
                self.state.insert(dep.clone(), State::Retrieved);
                stack.push(Frame {
                    deps: prerequisites(&assertion),
                    reference: dep,
                    assertion,
                    next: 0,
                });
                continue;
            }
            let Some(done) = stack.pop() else { break };
            self.add(done.reference, done.assertion)?;
        }
        Ok(())
    }

    fn add(&mut self, reference: Ref, a: Assertion) -> Result<(), FetchError> {
        match self.db.add(a.clone()) {
            Ok(()) => {}
            // snapd: an older or equal revision already there is accepted silently
            Err(ucore_signing::Error::Database(e)) if e.is_unaccepted_update() => {}
            Err(source) => {
                return Err(FetchError::Add {
                    reference,
                    source: Box::new(source),
                });
            }
        }
        self.state.insert(reference, State::Saved);
        self.recorded.push(a);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_print_as_snapd_prints_them() {
        let key = "XCIC_Wvj9_hiAt0b10sDon74oGr3a6xGODkMZqrj63ZzNYUD5N87-ojjPoeN7f1Y";
        assert_eq!(
            Ref::new(AssertionType::AccountKey, &[key]).to_string(),
            format!("account-key ({key})")
        );
        assert_eq!(
            Ref::new(AssertionType::SnapDeclaration, &["16", "abc"]).to_string(),
            "snap-declaration (abc; series:16)"
        );
        let rev = Ref::new(AssertionType::SnapRevision, &["d"]);
        assert_eq!(rev.primary_key, ["d", "global-upload"]);
        assert_eq!(rev.to_string(), "snap-revision (d;)");
        assert_eq!(
            Ref::new(AssertionType::SnapRevision, &["d", "other"]).to_string(),
            "snap-revision (d; provenance:other)"
        );
        assert_eq!(
            Ref::new(AssertionType::Model, &["16", "b", "m"]).to_string(),
            "model (m; series:16 brand-id:b)"
        );
    }
}
