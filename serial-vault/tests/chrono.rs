//! The `chrono` feature: the store's nonce clock from `chrono::DateTime<Utc>` values.
#![cfg(feature = "chrono")]

use std::time::Duration;

use chrono::{TimeZone, Utc};
use ucore_assertions::Timestamp;
use ucore_serial_vault::store::Store;

#[tokio::test]
async fn nonces_on_a_chrono_clock() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("vault.db");
    let store = Store::open(url.to_str().unwrap()).await.unwrap();
    let ttl = Duration::from_secs(600);
    let created = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let at = |minutes| Timestamp::try_from(created + chrono::Duration::minutes(minutes)).unwrap();
    store.create_nonce("fresh", at(0), ttl).await.unwrap();
    store.create_nonce("stale", at(0), ttl).await.unwrap();
    assert!(store.consume_nonce("fresh", at(10), ttl).await.unwrap());
    assert!(
        !store.consume_nonce("fresh", at(10), ttl).await.unwrap(),
        "single use"
    );
    assert!(
        !store.consume_nonce("stale", at(11), ttl).await.unwrap(),
        "expired"
    );
}
