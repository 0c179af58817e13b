//! Where the database keeps assertions (snapd's `Backstore`), and the in-memory one.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use ucore_assertions::{Assertion, AssertionAccess, AssertionType};

use crate::error::{DatabaseError, StorageError};

/// Storage for assertions, by type and primary key, one slot per format.
pub trait Backstore: Send + Sync {
    /// Stores `assertion`; [`DatabaseError::Revision`] unless its revision is greater than the
    /// current one (among formats the type supports).
    fn put(&self, assertion: Arc<Assertion>) -> Result<(), DatabaseError>;
    /// The assertion with the highest format ≤ `max_format` at `primary_key` (all values,
    /// optional ones included).
    fn get(
        &self,
        assertion_type: AssertionType,
        primary_key: &[&str],
        max_format: i64,
    ) -> Result<Option<Arc<Assertion>>, DatabaseError>;
    /// Every assertion of the type (highest format ≤ `max_format` per primary key) that
    /// `filter` accepts.
    fn search(
        &self,
        assertion_type: AssertionType,
        filter: &dyn Fn(&Assertion) -> bool,
        max_format: i64,
    ) -> Result<Vec<Arc<Assertion>>, DatabaseError>;
}

type Leaf = BTreeMap<i64, Arc<Assertion>>;

/// Assertions in memory (snapd's `membackstore.go`).
#[derive(Debug, Default)]
pub struct MemoryBackstore {
    entries: RwLock<HashMap<AssertionType, BTreeMap<Vec<String>, Leaf>>>,
}

impl MemoryBackstore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

fn poisoned() -> DatabaseError {
    DatabaseError::from(StorageError::ReadOnly {
        what: "poisoned memory backstore",
    })
}

fn current(leaf: &Leaf, max_format: i64) -> Option<&Arc<Assertion>> {
    leaf.range(..=max_format).next_back().map(|(_, a)| a)
}

/// The revision rule every backstore applies.
pub(crate) fn check_revision(
    current: Option<&Assertion>,
    new: &Assertion,
) -> Result<(), DatabaseError> {
    match current {
        Some(cur) if cur.revision() >= new.revision() => Err(DatabaseError::Revision {
            used: new.revision(),
            current: cur.revision(),
        }),
        _ => Ok(()),
    }
}

impl Backstore for MemoryBackstore {
    fn put(&self, assertion: Arc<Assertion>) -> Result<(), DatabaseError> {
        let t = assertion.assertion_type();
        let key: Vec<String> = assertion
            .primary_key()
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut entries = self.entries.write().map_err(|_| poisoned())?;
        let leaf = entries.entry(t).or_default().entry(key).or_default();
        check_revision(
            current(leaf, t.max_supported_format()).map(|a| &**a),
            &assertion,
        )?;
        leaf.insert(assertion.format(), assertion);
        Ok(())
    }

    fn get(
        &self,
        assertion_type: AssertionType,
        primary_key: &[&str],
        max_format: i64,
    ) -> Result<Option<Arc<Assertion>>, DatabaseError> {
        let entries = self.entries.read().map_err(|_| poisoned())?;
        let key: Vec<String> = primary_key.iter().map(|s| s.to_string()).collect();
        Ok(entries
            .get(&assertion_type)
            .and_then(|m| m.get(&key))
            .and_then(|leaf| current(leaf, max_format))
            .cloned())
    }

    fn search(
        &self,
        assertion_type: AssertionType,
        filter: &dyn Fn(&Assertion) -> bool,
        max_format: i64,
    ) -> Result<Vec<Arc<Assertion>>, DatabaseError> {
        let entries = self.entries.read().map_err(|_| poisoned())?;
        Ok(entries
            .get(&assertion_type)
            .into_iter()
            .flat_map(|m| m.values())
            .filter_map(|leaf| current(leaf, max_format))
            .filter(|a| filter(a))
            .cloned()
            .collect())
    }
}

/// snapd's `Ref.String()`: `type (last; k1:v1 k2:v2)`.
pub(crate) fn ref_string(t: AssertionType, pk: &[&str]) -> String {
    let names: Vec<&str> = t.primary_key().iter().map(|k| k.name).collect();
    let n = names.len();
    let s = if n != pk.len() {
        "???".to_string()
    } else if n == 0 {
        "-".to_string()
    } else {
        let last = pk[n - 1];
        if n == 1 {
            last.to_string()
        } else {
            let mut parts = vec![format!("{last};")];
            for (k, v) in names.iter().zip(pk).take(n - 1) {
                parts.push(format!("{k}:{v}"));
            }
            parts.join(" ")
        }
    };
    format!("{} ({s})", t.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_strings() {
        assert_eq!(
            ref_string(AssertionType::Model, &["16", "acme", "m"]),
            "model (m; series:16 brand-id:acme)"
        );
        assert_eq!(
            ref_string(AssertionType::Account, &["acme"]),
            "account (acme)"
        );
        assert_eq!(ref_string(AssertionType::Account, &[]), "account (???)");
    }
}
