//! Publishing validation sets: a brand pushes a `validation-set` assertion it signed, the
//! store checks it and keeps it in its assertions table, where the assertions endpoint
//! (`GET /v2/assertions/validation-set/16/ACCT/NAME?sequence=…`) and snap action's
//! `fetch-assertions` serve it to devices, and where snap action reads the sets devices
//! enforce ([`crate::action::validation`]).
//!
//! A push is checked in this order, each refusal a [`ValidationSetError`]:
//! 1. the body is exactly one assertion, a valid `validation-set` (snapd's checks);
//! 2. the credential acts for its `account-id` (an admin for every account);
//! 3. the account publishes in this store: a brand whose `account` the store holds, or the
//!    store's authority;
//! 4. the series is `16`, the only one snapd asks for;
//! 5. the signature checks against the store's trust database: Canonical's roots, the
//!    store's authority, and the brand's `account` and the `account-key` that signed the
//!    set, as the store holds them (checked when the store opened); the key must be valid
//!    at the set's timestamp;
//! 6. every snap it names is in this store under that snap id *and* that name, whatever
//!    its presence;
//! 7. every pinned revision exists for its snap (in any channel, or in none);
//! 8. sequence and revision: the same sequence member (series, account, name, sequence)
//!    at the same revision with the same bytes again is accepted and changes nothing
//!    (`unchanged: true`); the same or a lower revision with other content is refused
//!    ("revision N of sequence S of acme/set already exists; the next is N+1"); a higher
//!    revision replaces the member. Sequences may be any number ≥ 1: a new sequence may
//!    skip numbers, and an older sequence may still be pushed after a newer one (devices
//!    that pin it can fetch it), as the assertion database has no order across
//!    sequences.

use std::collections::{BTreeMap, HashMap, HashSet};

use ucore_assertions::stream::decode_slice;
use ucore_assertions::types::ValidationSet;
use ucore_assertions::{Assertion, AssertionAccess, AssertionType};

use super::scope::{check_known_publisher, may_act_for};
use super::validation_set_error::ValidationSetError;
use crate::authority::SERIES;
use crate::db::{AssertionRecord, CredentialScope};
use crate::publisher_api::{ValidationSetList, ValidationSetPushed, ValidationSetSummary};
use crate::{Error, Store};

/// The validation-set assertion type's name.
const VALIDATION_SET: &str = "validation-set";

/// Checks and stores the validation set in `body` (see the module documentation).
pub async fn push_validation_set(
    store: &Store,
    scope: &CredentialScope,
    body: &[u8],
) -> Result<ValidationSetPushed, Error> {
    let outcome = push(store, scope, body).await;
    match &outcome {
        Ok(pushed) => {
            if !pushed.unchanged {
                store.metrics.validation_set_published();
            }
            tracing::info!(
                account = %pushed.set.account_id,
                name = %pushed.set.name,
                sequence = pushed.set.sequence,
                revision = pushed.set.revision,
                unchanged = pushed.unchanged,
                "validation set published"
            );
        }
        Err(e) if e.http_status() < 500 => {
            store.metrics.validation_set_refused();
            tracing::info!(error = %e, "validation set refused");
        }
        Err(_) => {}
    }
    outcome
}

/// The one assertion of `body`.
fn decode_one(body: &[u8]) -> Result<Assertion, Error> {
    let mut all = Vec::new();
    for a in decode_slice(body) {
        all.push(a.map_err(ValidationSetError::Decode)?);
        if all.len() > 1 {
            return Err(ValidationSetError::Count(2).into());
        }
    }
    match all.pop() {
        Some(a) if all.is_empty() => Ok(a.into_owned()),
        _ => Err(ValidationSetError::Count(0).into()),
    }
}

async fn push(
    store: &Store,
    scope: &CredentialScope,
    body: &[u8],
) -> Result<ValidationSetPushed, Error> {
    let assertion = decode_one(body)?;
    if assertion.assertion_type() != AssertionType::ValidationSet {
        return Err(
            ValidationSetError::WrongType(assertion.assertion_type().name().to_string()).into(),
        );
    }
    let set = ValidationSet::from_assertion(&assertion).map_err(ValidationSetError::Decode)?;
    let label = format!("{}/{}", set.account_id, set.name);
    if !may_act_for(scope, set.account_id) {
        return Err(ValidationSetError::NotYours {
            account: set.account_id.to_string(),
        }
        .into());
    }
    match check_known_publisher(store, set.account_id).await {
        Ok(()) => {}
        Err(Error::NotFound(_)) => {
            return Err(ValidationSetError::NotABrand {
                account: set.account_id.to_string(),
            }
            .into());
        }
        Err(e) => return Err(e),
    }
    if set.series != SERIES {
        return Err(ValidationSetError::Series {
            set: label,
            series: set.series.to_string(),
        }
        .into());
    }
    verify_signature(store, &assertion, set.account_id, &label).await?;
    check_snaps(store, &set, &label).await?;

    let record = AssertionRecord {
        assertion_type: VALIDATION_SET.to_string(),
        primary_key: assertion
            .primary_key()
            .into_iter()
            .map(str::to_string)
            .collect(),
        revision: assertion.revision(),
        snap_id: String::new(),
        text: String::from_utf8_lossy(&assertion.encode()).into_owned(),
    };
    let summary = summary(&set, assertion.revision())?;
    // Twice at most: a concurrent push may store this member between the look and the
    // write; the second look sees it.
    for _ in 0..2 {
        if let Some(stored) = store
            .db
            .assertion(VALIDATION_SET, &record.primary_key)
            .await?
            && stored.revision >= record.revision
        {
            if stored.revision == record.revision && stored.text == record.text {
                return Ok(ValidationSetPushed {
                    set: summary,
                    unchanged: true,
                });
            }
            return Err(ValidationSetError::RevisionExists {
                set: label,
                sequence: set.sequence,
                revision: stored.revision,
                next: stored.revision.saturating_add(1),
            }
            .into());
        }
        if store.db.put_assertion(&record).await? {
            return Ok(ValidationSetPushed {
                set: summary,
                unchanged: false,
            });
        }
    }
    Err(Error::Conflict(format!(
        "validation set {label} sequence {} changed while it was pushed; push again",
        set.sequence
    )))
}

/// The summary of `set` at assertion revision `revision`.
fn summary(set: &ValidationSet<'_>, revision: i64) -> Result<ValidationSetSummary, Error> {
    Ok(ValidationSetSummary {
        account_id: set.account_id.to_string(),
        name: set.name.to_string(),
        sequence: u32::try_from(set.sequence)
            .map_err(|_| Error::BadRequest(format!("sequence {} is out of range", set.sequence)))?,
        revision,
        timestamp: set.timestamp.to_string(),
        snaps: set.snaps.len(),
    })
}

/// Checks the set's signature against the store's trust database, holding the brand's
/// account and the account-key that signed it (see the module documentation).
async fn verify_signature(
    store: &Store,
    assertion: &Assertion,
    account: &str,
    label: &str,
) -> Result<(), Error> {
    let refuse = |source| ValidationSetError::Signature {
        set: label.to_string(),
        source,
    };
    let (trust, trusted) = crate::open::trust_database(&store.authority)?;
    let mut chain = Vec::new();
    if let Some(rec) = store
        .db
        .assertion("account", &[account.to_string()])
        .await?
    {
        chain.push(rec);
    }
    if let Some(key_id) = assertion.sign_key_sha3_384()
        && let Some(rec) = store
            .db
            .assertion("account-key", &[key_id.to_string()])
            .await?
    {
        chain.push(rec);
    }
    for rec in chain {
        let a = Assertion::decode(rec.text.as_bytes())
            .map_err(|e| Error::assertion("cannot decode a stored assertion", e))?;
        if trusted.iter().any(|t| crate::open::same_assertion(t, &a)) {
            continue;
        }
        trust.add(a).map_err(refuse)?;
    }
    trust.check(assertion).map_err(refuse)?;
    Ok(())
}

/// Every snap the set names is in the store under that id and name, and every pinned
/// revision exists.
async fn check_snaps(store: &Store, set: &ValidationSet<'_>, label: &str) -> Result<(), Error> {
    let ids: Vec<String> = set.snaps.iter().map(|s| s.snap_id.to_string()).collect();
    let registered: HashMap<String, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        store
            .db
            .snaps_by_ids(&ids)
            .await?
            .into_iter()
            .map(|s| (s.snap_id, s.name))
            .collect()
    };
    let mut pinned = Vec::new();
    for snap in &set.snaps {
        match registered.get(snap.snap_id) {
            None => {
                return Err(ValidationSetError::UnknownSnap {
                    set: label.to_string(),
                    name: snap.name.to_string(),
                    snap_id: snap.snap_id.to_string(),
                }
                .into());
            }
            Some(name) if name != snap.name => {
                return Err(ValidationSetError::NameMismatch {
                    set: label.to_string(),
                    name: snap.name.to_string(),
                    snap_id: snap.snap_id.to_string(),
                    registered: name.clone(),
                }
                .into());
            }
            Some(_) => {}
        }
        if let Some(revision) = snap.revision {
            pinned.push((snap, revision));
        }
    }
    let keys: Vec<(String, u32)> = pinned
        .iter()
        .filter_map(|(s, r)| Some((s.snap_id.to_string(), u32::try_from(*r).ok()?)))
        .collect();
    let found: HashSet<(String, u32)> = if keys.is_empty() {
        HashSet::new()
    } else {
        store
            .db
            .revisions_by_keys(&keys)
            .await?
            .into_iter()
            .map(|r| (r.data.snap_id, r.revision))
            .collect()
    };
    for (snap, revision) in pinned {
        let exists =
            u32::try_from(revision).is_ok_and(|r| found.contains(&(snap.snap_id.to_string(), r)));
        if !exists {
            return Err(ValidationSetError::UnknownRevision {
                set: label.to_string(),
                name: snap.name.to_string(),
                revision,
            }
            .into());
        }
    }
    Ok(())
}

/// The latest sequence of each validation set `scope` may manage (every account's for an
/// admin), optionally only those named `name`, by account and name.
pub async fn validation_sets(
    store: &Store,
    scope: &CredentialScope,
    name: Option<&str>,
) -> Result<ValidationSetList, Error> {
    let mut latest: BTreeMap<(String, String), (u32, AssertionRecord)> = BTreeMap::new();
    for rec in store.db.assertions_of_type(VALIDATION_SET).await? {
        let [_series, account, set_name, sequence] = rec.primary_key.as_slice() else {
            continue;
        };
        if !may_act_for(scope, account) || name.is_some_and(|n| n != set_name) {
            continue;
        }
        let Ok(sequence) = sequence.parse::<u32>() else {
            continue;
        };
        let key = (account.clone(), set_name.clone());
        if latest.get(&key).is_none_or(|(s, _)| sequence > *s) {
            latest.insert(key, (sequence, rec));
        }
    }
    let mut out = ValidationSetList::default();
    for (_, (_, rec)) in latest {
        let assertion = Assertion::decode(rec.text.as_bytes())
            .map_err(|e| Error::assertion("cannot decode a stored validation set", e))?;
        let set = ValidationSet::from_assertion(&assertion)
            .map_err(|e| Error::assertion("cannot read a stored validation set", e))?;
        out.validation_sets
            .push(summary(&set, assertion.revision())?);
    }
    Ok(out)
}
