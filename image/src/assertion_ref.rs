//! A reference to an assertion (snapd's `asserts.Ref`): its type and full primary key,
//! printed as snapd prints it, and the prerequisites each type names. The seed writer's
//! fetcher and the seed reader's batch both walk assertions by these.

use std::fmt;

use ucore_assertions::{Assertion, AssertionAccess, AssertionType};
use ucore_signing::{Database, DatabaseError};

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

    /// The primary key as string slices.
    pub fn key(&self) -> Vec<&str> {
        self.primary_key.iter().map(String::as_str).collect()
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

/// snapd's `Prerequisites()` of each type (series `16` for snap assertions).
pub fn prerequisites(a: &Assertion) -> Vec<Ref> {
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
