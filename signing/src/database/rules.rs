//! Cross-assertion consistency rules (snapd's per-type `checkConsistency` methods, run by
//! `CheckCrossConsistency` in `asserts/database.go`), with snapd's messages (checked
//! against the oracle where 2.57 has the rule).

use ucore_assertions::{AssertionAccess, AssertionType};

use std::sync::Arc;

use ucore_assertions::Assertion;

use super::views::{self, AccountKeyView, string};
use crate::error::{DatabaseError, Error, Inconsistency};
use ucore_go_text::quote;

/// What the rules read of the database: its stores, read-only. The database implements it,
/// so the rules sit below the database rather than beside it.
pub(crate) trait Lookup {
    /// snapd `IsTrustedAccount`.
    fn is_trusted_account(&self, account_id: &str) -> Result<bool, DatabaseError>;
    /// The first assertion at `primary_key` (trusted, predefined, then the backstore).
    fn get_any(
        &self,
        t: AssertionType,
        primary_key: &[&str],
    ) -> Result<Option<Arc<Assertion>>, DatabaseError>;
    /// Every assertion of type `t` that `filter` accepts, in every store.
    fn search_all(
        &self,
        t: AssertionType,
        filter: &dyn Fn(&Assertion) -> bool,
    ) -> Result<Vec<Arc<Assertion>>, DatabaseError>;
}

fn trusted(
    db: &dyn Lookup,
    a: &(impl AssertionAccess + ?Sized),
    subject: impl FnOnce() -> String,
) -> Result<(), Error> {
    let authority = string(a, "authority-id");
    if db.is_trusted_account(authority)? {
        Ok(())
    } else {
        Err(Inconsistency::NotDirectlyTrusted {
            subject: subject(),
            authority_id: authority.to_string(),
        }
        .into())
    }
}

fn account_exists(db: &dyn Lookup, account_id: &str) -> Result<bool, Error> {
    Ok(db.get_any(AssertionType::Account, &[account_id])?.is_some())
}

fn need_account(
    db: &dyn Lookup,
    account_id: &str,
    subject: String,
    role: Option<&'static str>,
) -> Result<(), Error> {
    if account_exists(db, account_id)? {
        Ok(())
    } else {
        Err(Inconsistency::MissingAccount {
            subject,
            role,
            account_id: account_id.to_string(),
        }
        .into())
    }
}

/// Runs the rule of `a`'s type, if it has one.
pub(crate) fn check_consistency(
    db: &dyn Lookup,
    a: &(impl AssertionAccess + ?Sized),
) -> Result<(), Error> {
    match a.assertion_type() {
        AssertionType::Account => trusted(db, a, || {
            format!("account assertion for {}", quote(string(a, "account-id")))
        }),
        AssertionType::AccountKey => {
            let view = AccountKeyView::of(a)?;
            let subject = || format!("account-key assertion for {}", quote(&view.account_id));
            trusted(db, a, subject)?;
            need_account(db, &view.account_id, subject(), None)?;
            if let Some(name) = &view.name {
                let same_name = db.search_all(AssertionType::AccountKey, &|other| {
                    other.header_str("account-id") == Some(view.account_id.as_str())
                        && other.header_str("name") == Some(name.as_str())
                        && other.header_str("public-key-sha3-384") != Some(view.key_id.as_str())
                })?;
                if let Some(existing) = same_name.first() {
                    return Err(Inconsistency::DuplicateKeyName {
                        account_id: view.account_id.clone(),
                        key_id: view.key_id.clone(),
                        name: name.clone(),
                        existing_key_id: string(existing, "public-key-sha3-384").to_string(),
                    }
                    .into());
                }
            }
            Ok(())
        }
        AssertionType::AccountKeyRequest => {
            let account = string(a, "account-id");
            need_account(
                db,
                account,
                format!("account-key-request assertion for {}", quote(account)),
                None,
            )
        }
        AssertionType::Serial => {
            let (authority, brand) = (string(a, "authority-id"), string(a, "brand-id"));
            if authority == brand {
                return Ok(());
            }
            let model = db.get_any(AssertionType::Model, &["16", brand, string(a, "model")])?;
            let allowed = model.is_some_and(|m| {
                views::model_serial_authority(&m)
                    .iter()
                    .any(|x| x == authority)
            });
            if allowed {
                Ok(())
            } else {
                Err(Inconsistency::SerialAuthority {
                    authority_id: authority.to_string(),
                    brand_id: brand.to_string(),
                }
                .into())
            }
        }
        AssertionType::SnapDeclaration => {
            let subject = || {
                format!(
                    "snap-declaration assertion for {} (id {})",
                    quote(string(a, "snap-name")),
                    quote(string(a, "snap-id"))
                )
            };
            trusted(db, a, subject)?;
            need_account(db, string(a, "publisher-id"), subject(), Some("publisher"))
        }
        AssertionType::BaseDeclaration => trusted(db, a, || {
            format!(
                "base-declaration assertion for series {}",
                string(a, "series")
            )
        }),
        AssertionType::Store => {
            let subject = || format!("store assertion {}", quote(string(a, "store")));
            trusted(db, a, subject)?;
            need_account(db, string(a, "operator-id"), subject(), Some("operator"))
        }
        AssertionType::SnapRevision => {
            let snap_id = string(a, "snap-id");
            let subject = || format!("snap-revision assertion for snap id {}", quote(snap_id));
            let provenance = string(a, "provenance");
            let other_provenance = !provenance.is_empty() && provenance != "global-upload";
            let authority = string(a, "authority-id");
            if !other_provenance && !db.is_trusted_account(authority)? {
                return Err(Inconsistency::NotSignedByStore {
                    subject: subject(),
                    authority_id: authority.to_string(),
                }
                .into());
            }
            need_account(db, string(a, "developer-id"), subject(), Some("developer"))?;
            let Some(decl) = db.get_any(AssertionType::SnapDeclaration, &["16", snap_id])? else {
                return Err(Inconsistency::MissingPrerequisite {
                    subject: subject(),
                    prerequisite: "snap-declaration",
                }
                .into());
            };
            if other_provenance {
                let revision = string(a, "snap-revision").parse::<i64>().unwrap_or(0);
                let ok =
                    views::revision_authorities(&decl)
                        .iter()
                        .any(|(account, provs, min, max)| {
                            account == authority
                                && provs.iter().any(|p| p == provenance)
                                && revision >= *min
                                && (*max == 0 || revision <= *max)
                        });
                if !ok {
                    return Err(Inconsistency::RevisionAuthority {
                        provenance: provenance.to_string(),
                        snap_id: snap_id.to_string(),
                        authority_id: authority.to_string(),
                    }
                    .into());
                }
            }
            Ok(())
        }
        AssertionType::Validation => {
            let (snap_id, approved) = (string(a, "snap-id"), string(a, "approved-snap-id"));
            let series = string(a, "series");
            if db
                .get_any(AssertionType::SnapDeclaration, &[series, approved])?
                .is_none()
            {
                return Err(Inconsistency::MissingApprovedDeclaration {
                    snap_id: snap_id.to_string(),
                    approved_snap_id: approved.to_string(),
                }
                .into());
            }
            let Some(gating) = db.get_any(AssertionType::SnapDeclaration, &[series, snap_id])?
            else {
                return Err(Inconsistency::MissingPrerequisite {
                    subject: format!("validation assertion by snap-id {}", quote(snap_id)),
                    prerequisite: "snap-declaration",
                }
                .into());
            };
            if string(&gating, "publisher-id") != string(a, "authority-id") {
                return Err(Inconsistency::ValidationNotByPublisher {
                    snap_name: string(&gating, "snap-name").to_string(),
                    snap_id: snap_id.to_string(),
                }
                .into());
            }
            Ok(())
        }
        AssertionType::SnapDeveloper => {
            let (authority, publisher, snap_id) = (
                string(a, "authority-id"),
                string(a, "publisher-id"),
                string(a, "snap-id"),
            );
            if authority != publisher && !db.is_trusted_account(authority)? {
                return Err(Inconsistency::SnapDeveloperAuthority {
                    authority_id: authority.to_string(),
                    publisher_id: publisher.to_string(),
                }
                .into());
            }
            let subject = || format!("snap-developer assertion for snap-id {}", quote(snap_id));
            if db
                .get_any(AssertionType::SnapDeclaration, &["16", snap_id])?
                .is_none()
            {
                return Err(Inconsistency::MissingPrerequisite {
                    subject: subject(),
                    prerequisite: "snap-declaration",
                }
                .into());
            }
            need_account(db, publisher, subject(), Some("publisher"))?;
            for developer in views::snap_developers(a) {
                need_account(db, &developer, subject(), Some("developer"))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
