//! The interface rules of a snap: the store's operator grants a snap interfaces beyond
//! the base-declaration (snapd's `plugs` and `slots` rule language) by signing a new
//! revision of its `snap-declaration` with those rules.
//!
//! Only an admin credential may: a publisher granting itself `docker-support` would
//! defeat the rules. The rules are compiled as snapd compiles them when it decodes the
//! declaration, so a rule snapd would refuse is refused here, with snapd's text, before
//! anything is stored. Uploads are then reviewed against the new rules
//! ([`super::review`]).

use ucore_assertions::{AssertionAccess as _, HeaderValue, Timestamp};

use super::assertions::store_assertion;
use super::scope::managed_snap;
use crate::Error;
use crate::Store;
use crate::authority::{DeclarationFacts, InterfaceRuleHeaders, SERIES};
use crate::db::CredentialScope;
use crate::publisher_api::{InterfaceRulesSet, SetInterfaceRules};

/// Signs and stores a new revision of the `snap-declaration` of the snap registered as
/// `name`, with `req`'s rules. [`Error::Forbidden`] unless `scope` is an admin;
/// [`Error::BadRequest`] with snapd's text when a rule does not compile;
/// [`Error::Conflict`] when another change to the declaration won meanwhile.
pub async fn set_interface_rules(
    store: &Store,
    scope: &CredentialScope,
    name: &str,
    req: &SetInterfaceRules,
) -> Result<InterfaceRulesSet, Error> {
    if *scope != CredentialScope::Admin {
        return Err(Error::Forbidden(
            "only the store's operator (an admin credential) sets the interface rules of a snap"
                .to_string(),
        ));
    }
    let rules = InterfaceRuleHeaders {
        plugs: header("plugs", req.plugs.as_ref())?,
        slots: header("slots", req.slots.as_ref())?,
    };
    let snap = managed_snap(store, scope, name).await?;
    let key = [SERIES.to_string(), snap.snap_id.clone()];
    let current = store
        .db
        .assertion("snap-declaration", &key)
        .await?
        .map_or(-1, |d| d.revision);
    let revision = u32::try_from(current + 1).map_err(|_| {
        Error::Conflict(format!(
            "the snap-declaration of {name:?} is at revision {current}, the last one"
        ))
    })?;
    let facts = DeclarationFacts {
        snap_id: &snap.snap_id,
        snap_name: &snap.name,
        publisher_id: &snap.publisher_id,
        revision,
        rules: &rules,
        rule_language: store.policy.rule_language(),
    };
    let now = Timestamp::now().trunc_to_second();
    let declaration = store
        .authority
        .sign_snap_declaration_with_rules(&facts, now)?;
    if !store_assertion(store, &declaration, &snap.snap_id).await? {
        return Err(Error::Conflict(format!(
            "the snap-declaration of {name:?} changed meanwhile; read it again and retry"
        )));
    }
    tracing::info!(
        %name,
        snap_id = %snap.snap_id,
        revision = declaration.revision(),
        "snap-declaration interface rules set"
    );
    Ok(InterfaceRulesSet {
        name: snap.name,
        snap_id: snap.snap_id,
        revision: declaration.revision(),
        format: declaration.format(),
    })
}

/// A rules header from its JSON, read as `snap sign` reads JSON headers.
fn header(
    name: &str,
    value: Option<&serde_json::Value>,
) -> Result<Option<HeaderValue<'static>>, Error> {
    value
        .map(|v| {
            ucore_signing::header_value_from_json(name, v)
                .map_err(|e| Error::BadRequest(e.to_string()))
        })
        .transpose()
}
