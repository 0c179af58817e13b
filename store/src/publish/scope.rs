//! Who a publishing credential may act for, and who publishes in this store.

use crate::Error;
use crate::Store;
use crate::db::{CredentialScope, SnapRecord};

/// Whether `scope` may act for `publisher`: an admin for everyone, a publisher for
/// itself.
pub fn may_act_for(scope: &CredentialScope, publisher: &str) -> bool {
    match scope {
        CredentialScope::Admin => true,
        CredentialScope::Publisher(p) => p == publisher,
    }
}

/// [`Error::Forbidden`] unless `scope` may act for `publisher`.
pub fn check_may_act_for(scope: &CredentialScope, publisher: &str) -> Result<(), Error> {
    if may_act_for(scope, publisher) {
        Ok(())
    } else {
        Err(Error::Forbidden(format!(
            "this credential cannot act for publisher {publisher:?}"
        )))
    }
}

/// The snap registered as `name`, if `scope` may manage it: [`Error::NotFound`] when no
/// such name is registered, [`Error::Forbidden`] when it belongs to a publisher `scope`
/// does not act for.
pub async fn managed_snap(
    store: &Store,
    scope: &CredentialScope,
    name: &str,
) -> Result<SnapRecord, Error> {
    ucore_snap::naming::validate_snap_name(name).map_err(|e| Error::BadRequest(e.to_string()))?;
    let snap = store
        .db
        .snap_by_name(name)
        .await?
        .ok_or_else(|| Error::NotFound(format!("snap {name:?} is not registered")))?;
    check_may_act_for(scope, &snap.publisher_id)?;
    Ok(snap)
}

/// [`Error::NotFound`] unless `publisher` publishes in this store: the store's authority,
/// or an account whose `account` assertion is in the database (the brands the store
/// serves).
pub async fn check_known_publisher(store: &Store, publisher: &str) -> Result<(), Error> {
    if publisher == store.authority.account_id() {
        return Ok(());
    }
    let key = [publisher.to_string()];
    match store.db.assertion("account", &key).await? {
        Some(_) => Ok(()),
        None => Err(Error::NotFound(format!(
            "account {publisher:?} is not a publisher of this store"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_admin_acts_for_all_a_publisher_for_itself() {
        let brand = CredentialScope::Publisher("acme".into());
        assert!(may_act_for(&CredentialScope::Admin, "acme"));
        assert!(may_act_for(&brand, "acme"));
        assert!(!may_act_for(&brand, "other"));
        assert_eq!(
            check_may_act_for(&brand, "other").unwrap_err().to_string(),
            "this credential cannot act for publisher \"other\""
        );
    }
}
