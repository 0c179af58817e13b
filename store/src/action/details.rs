//! A revision as the store describes it to snapd (`storeSnap`), from the database's
//! records and the publisher's `account` assertion.

use std::collections::HashMap;

use ucore_assertions::Assertion;
use ucore_assertions::types::Account;
use ucore_store_client::protocol::{Download, Epoch, Publisher, StoreSnap};

use crate::db::{AssertionRecord, RevisionRecord, SnapRecord};
use crate::error::Error;
use crate::state::Store;

/// Revisions by `(snap_id, revision)`.
pub type Revisions = HashMap<(String, u32), RevisionRecord>;

/// The revisions a response describes, and the store's publishers: one query each.
pub async fn load_revisions(
    store: &Store,
    keys: &[(String, u32)],
) -> Result<(Revisions, Publishers), Error> {
    let revisions = store
        .db
        .revisions_by_keys(keys)
        .await?
        .into_iter()
        .map(|r| ((r.data.snap_id.clone(), r.revision), r))
        .collect();
    let publishers = Publishers::from_accounts(&store.db.assertions_of_type("account").await?);
    Ok((revisions, publishers))
}

/// The publishers of a store, by account id, read from the `account` assertions.
#[derive(Clone, Debug, Default)]
pub struct Publishers {
    by_id: HashMap<String, Publisher>,
}

impl Publishers {
    /// From the stored `account` assertions (undecodable ones are skipped).
    pub fn from_accounts(records: &[AssertionRecord]) -> Self {
        let mut by_id = HashMap::with_capacity(records.len());
        for rec in records {
            let Ok(a) = Assertion::decode(rec.text.as_bytes()) else {
                tracing::warn!(key = ?rec.primary_key, "stored account assertion does not decode");
                continue;
            };
            let Ok(account) = Account::from_assertion(&a) else {
                continue;
            };
            let validation = match account.validation {
                "certified" => "verified",
                v => v,
            };
            by_id.insert(
                account.account_id.to_string(),
                Publisher {
                    id: account.account_id.to_string(),
                    username: account.username.unwrap_or(account.account_id).to_string(),
                    display_name: account.display_name.to_string(),
                    validation: validation.to_string(),
                },
            );
        }
        Publishers { by_id }
    }

    /// The publisher `id`; an account without an assertion is shown by its id.
    pub fn get(&self, id: &str) -> Publisher {
        self.by_id.get(id).cloned().unwrap_or_else(|| Publisher {
            id: id.to_string(),
            username: id.to_string(),
            display_name: id.to_string(),
            validation: "unproven".into(),
        })
    }
}

/// The download URL of a revision: `{base_url}/api/v1/snaps/download/{snap_id}_{rev}.snap`.
pub fn download_url(base_url: &str, snap_id: &str, revision: u32) -> String {
    format!("{base_url}/api/v1/snaps/download/{snap_id}_{revision}.snap")
}

/// `storeSnap` for one revision of `snap`.
pub fn store_snap(
    base_url: &str,
    snap: &SnapRecord,
    rev: &RevisionRecord,
    publishers: &Publishers,
) -> StoreSnap {
    let d = &rev.data;
    let epoch: Epoch = serde_json::from_str(&d.epoch).unwrap_or_default();
    StoreSnap {
        architectures: d.architectures.clone(),
        base: d.base.clone(),
        confinement: d.confinement.clone(),
        created_at: d.created_at.to_string(),
        description: d.description.clone(),
        download: Download {
            sha3_384: d.sha3_384.clone(),
            size: d.size,
            url: download_url(base_url, &snap.snap_id, rev.revision),
            deltas: Vec::new(),
        },
        epoch,
        license: d.license.clone(),
        name: snap.name.clone(),
        publisher: publishers.get(&snap.publisher_id),
        revision: rev.revision,
        snap_id: snap.snap_id.clone(),
        snap_yaml: d.snap_yaml.clone(),
        summary: d.summary.clone(),
        title: d.title.clone(),
        snap_type: d.snap_type.clone(),
        version: d.version.clone(),
        ..StoreSnap::default()
    }
}
