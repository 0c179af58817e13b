//! The store the store benchmarks run against, shared by `benches/store.rs` and the
//! `store_load` example (both include this file with `#[path]`).
//!
//! A store directory holds `store.db` (SQLite) and `snaps/` (the snap files). The store's
//! authority is `benchauth` with the test-only root key; it serves one brand, `acme`
//! (the test-only ACME key), whose devices are of the model `bench-device`. Everything
//! is signed at a fixed time, so a second process opening the directory ([`open`]) builds
//! the same authority. Keys are the checked-in test-only ones of `ucore-test-support`:
//! no key is generated.

#![allow(dead_code)] // each includer uses its part

use std::path::Path;
use std::sync::Arc;

use sha3::{Digest, Sha3_384};
use ucore::assertions::{Assertion, Timestamp};
use ucore::signing::{RsaPrivateKey, builder_from_json, sign_assertion_at};
use ucore_store::db::{NewRevision, SnapRecord};
use ucore_store::open::{BrandAssertions, StoreParts};
use ucore_store::{Authority, Blobs, Channel, Db, Settings, Store};
use ucore_store_client::protocol::{ContextSnap, SnapAction, SnapActionRequest};
use ucore_test_support::keys;

/// The store id, as the bench model names it.
pub const STORE_ID: &str = "bench-store";
/// The store's authority account.
pub const AUTHORITY: &str = "benchauth";
/// The brand the store serves, and publisher of the bench snaps.
pub const BRAND: &str = "acme";
/// The brand's model.
pub const MODEL: &str = "bench-device";

/// 2016-12-01T12:00:00Z: when every bench assertion and record is made.
const T: Timestamp = Timestamp::from_openpgp_time(1_480_593_600);

/// A checked-in test-only key.
pub fn key(pem: &str) -> RsaPrivateKey {
    RsaPrivateKey::from_pem(pem).expect("a test-only key")
}

fn signed(by: &RsaPrivateKey, headers: serde_json::Value, body: Option<String>) -> Assertion {
    let builder = builder_from_json(&headers.to_string(), body.map(String::into_bytes))
        .expect("bench assertion headers");
    sign_assertion_at(&builder, by, T).expect("a bench signature")
}

/// The `account` of `id`, signed by the authority.
fn account(id: &str) -> Assertion {
    signed(
        &key(keys::ROOT),
        serde_json::json!({"type": "account", "authority-id": AUTHORITY, "account-id": id,
            "display-name": id, "username": id, "validation": "verified",
            "timestamp": "2016-01-01T00:00:00Z"}),
        None,
    )
}

/// The `account-key` of `id` for `of`, signed by the authority.
fn account_key(id: &str, of: &RsaPrivateKey) -> Assertion {
    signed(
        &key(keys::ROOT),
        serde_json::json!({"type": "account-key", "authority-id": AUTHORITY, "account-id": id,
            "name": "bench", "public-key-sha3-384": of.key_id(),
            "since": "2016-01-01T00:00:00Z"}),
        Some(of.public_key().to_snapd_text()),
    )
}

/// The brand's model, for this store.
pub fn model() -> Assertion {
    signed(
        &key(keys::ACME),
        serde_json::json!({"type": "model", "authority-id": BRAND, "brand-id": BRAND,
            "series": "16", "model": MODEL, "architecture": "amd64", "gadget": "pc",
            "kernel": "pc-kernel", "store": STORE_ID, "timestamp": "2016-12-01T00:00:00Z"}),
        None,
    )
}

/// The `serial` `number` of the model, for `device_key`, signed by the brand.
pub fn serial(number: &str, device_key: &RsaPrivateKey) -> Assertion {
    signed(
        &key(keys::ACME),
        serde_json::json!({"type": "serial", "authority-id": BRAND, "brand-id": BRAND,
            "model": MODEL, "serial": number,
            "device-key": device_key.public_key().to_snapd_text(),
            "device-key-sha3-384": device_key.key_id(), "timestamp": "2016-12-01T00:00:00Z"}),
        None,
    )
}

/// The device keys the bench devices take in turn: test-only keys, reused (the serial
/// numbers differ).
pub fn device_keys() -> Vec<Arc<RsaPrivateKey>> {
    [keys::DEVICE, keys::SPARE, keys::REQUESTER]
        .into_iter()
        .map(|pem| Arc::new(key(pem)))
        .collect()
}

/// The database URL of the store in `dir`.
fn database(dir: &Path) -> String {
    dir.join("store.db").display().to_string()
}

/// Opens the store in `dir`, created on first use, to be reached at `base_url`: as a
/// configured store opens ([`Store::open_parts`]: the brand checked against the
/// authority, both their assertions stored).
pub async fn open(dir: &Path, base_url: &str) -> Store {
    let root = key(keys::ROOT);
    let acme = key(keys::ACME);
    let authority = Authority::new_at(
        Arc::new(root.clone()),
        account(AUTHORITY),
        account_key(AUTHORITY, &root),
        T,
    )
    .expect("the bench authority");
    Store::open_parts(StoreParts {
        settings: Settings::new(STORE_ID, base_url),
        db: Db::open(&database(dir)).await.expect("the bench database"),
        blobs: Blobs::open(dir.join("snaps")).expect("the bench snap directory"),
        authority,
        brands: vec![BrandAssertions {
            id: BRAND.into(),
            assertions: vec![account(BRAND), account_key(BRAND, &acme)],
        }],
        metrics: Default::default(),
        policy: Default::default(),
    })
    .await
    .expect("the bench store")
}

/// A snap id of 32 letters and digits for `name`.
pub fn snap_id(name: &str) -> String {
    let digest = Sha3_384::digest(name.as_bytes());
    digest
        .iter()
        .map(|b| char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"[usize::from(b % 32)]))
        .take(32)
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Registers `name` for `publisher`.
async fn register(store: &Store, name: &str, publisher: &str) -> String {
    let id = snap_id(name);
    store
        .db
        .register_name(&SnapRecord {
            snap_id: id.clone(),
            name: name.into(),
            publisher_id: publisher.into(),
            registered_at: T,
        })
        .await
        .expect("registered");
    id
}

/// A revision's record: an app for every architecture.
fn revision(snap_id: &str, name: &str, sha3_384: String, size: u64, version: &str) -> NewRevision {
    let yaml = format!("name: {name}\nversion: '{version}'\nbase: core22\n");
    NewRevision {
        title: name.into(),
        summary: format!("{name}, a bench snap"),
        description: format!("The bench snap {name}, one of many in a branded store."),
        license: "MIT".into(),
        snap_yaml: yaml,
        version: version.into(),
        architectures: vec!["all".into()],
        epoch: r#"{"read":[0],"write":[0]}"#.into(),
        snap_id: snap_id.into(),
        base: "core22".into(),
        sha3_384,
        snap_type: "app".into(),
        size,
        confinement: "strict".into(),
        uploaded_by: BRAND.into(),
        grade: "stable".into(),
        created_at: T,
    }
}

/// Adds `count` brand snaps, `bench-app-N`, each with revision 1 in `beta` and revision
/// 2 in `stable` (records only: the refresh answer does not read their files). Their
/// snap ids, by name order of N.
pub async fn add_snaps(store: &Store, count: usize) -> Vec<String> {
    let mut ids = Vec::with_capacity(count);
    for n in 0..count {
        let name = format!("bench-app-{n}");
        let id = register(store, &name, BRAND).await;
        for (rev, risk) in [(1, "beta"), (2, "stable")] {
            let digest = hex(&Sha3_384::digest(format!("{name} revision {rev}")));
            let added = store
                .db
                .add_revision(&revision(
                    &id,
                    &name,
                    digest,
                    4096 * 1024,
                    &format!("{rev}.0"),
                ))
                .await
                .expect("revision added");
            assert_eq!(added.revision, rev);
            store
                .db
                .release(&id, "all", &Channel::parse(risk).expect("risk"), rev, T)
                .await
                .expect("released");
        }
        ids.push(id);
    }
    ids
}

/// Adds the snap `name` of the store's authority (public: any device sees it) with one
/// revision in `stable`, a file of `size` pseudo-random bytes (written through the
/// store's staging, hashed on the way); its SHA3-384.
pub async fn add_big_snap(store: &Store, name: &str, size: u64) -> String {
    let id = register(store, name, AUTHORITY).await;
    let mut stage = store.blobs.stage(size).await.expect("a stage");
    let mut chunk = vec![0u8; 1 << 20];
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut left = size;
    while left > 0 {
        for word in chunk.chunks_exact_mut(8) {
            // xorshift64: incompressible, cheap
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        let n = usize::try_from(left.min(chunk.len() as u64)).unwrap_or(chunk.len());
        stage.write(&chunk[..n]).await.expect("staged");
        left -= n as u64;
    }
    let staged = stage.finish().await.expect("staged");
    let digest = staged.sha3_384().to_string();
    staged.commit().await.expect("committed");
    store
        .db
        .add_revision(&revision(&id, name, digest.clone(), size, "1.0"))
        .await
        .expect("revision added");
    store
        .db
        .release(&id, "all", &Channel::parse("stable").expect("risk"), 1, T)
        .await
        .expect("released");
    digest
}

/// A device's refresh request with `snap_ids` installed at `revision`, tracking `stable`,
/// each with a refresh action, and the fields snapd asks for.
pub fn refresh_request(snap_ids: &[String], revision: i32) -> SnapActionRequest {
    SnapActionRequest {
        context: snap_ids
            .iter()
            .map(|id| ContextSnap {
                snap_id: id.clone(),
                instance_key: id.clone(),
                revision,
                tracking_channel: "stable".into(),
                refreshed_date: Some("2016-12-01T12:00:00Z".into()),
                ..Default::default()
            })
            .collect(),
        actions: snap_ids
            .iter()
            .map(|id| SnapAction::Refresh {
                instance_key: id.clone(),
                snap_id: id.clone(),
                channel: None,
                revision: None,
                cohort_key: None,
                ignore_validation: None,
                validation_sets: vec![],
            })
            .collect(),
        fields: ucore_store_client::client::action::default_fields(),
        ..Default::default()
    }
}
