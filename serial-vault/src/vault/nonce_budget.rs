//! The bound on the nonce table: `POST /v1/request-id` is refused while the table holds
//! `max_nonces` request-ids ([`Error::NonceTableFull`], 503 with `Retry-After`, as a rate
//! limit: see [`super::rate_limit`] for why 503).
//!
//! Cheap per request: the vault keeps a count in memory, read from the store
//! ([`crate::Store::nonce_count`], one `count(*)` over the nonce table's index) at the first
//! request-id and then at most every [`REFRESH_EVERY`], and in between counted up for each
//! request-id made and down for each one consumed. The read corrects what the count cannot
//! see: nonces purged as expired, and those made or consumed by other replicas on the same
//! PostgreSQL database. So the bound is exact for one process and, with several, each may
//! overshoot it by what the others made since its last read. When the count says the table
//! is full, it is read again first (at most once a second), so that a refusal is based on a
//! fresh count.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use super::rate_limit::{Scope, retry_after_secs};
use crate::error::Error;
use crate::metrics::{Endpoint, Metrics};
use crate::store::Store;

/// How often the count is read from the store while the table is not full.
pub const REFRESH_EVERY: Duration = Duration::from_secs(10);
/// How often, at most, it is read while the table is full.
const REFRESH_WHEN_FULL: Duration = Duration::from_secs(1);
/// What a refused client is told to wait: snapd's own retry interval. The table frees up
/// as request-ids are used or expire.
const RETRY_AFTER: Duration = Duration::from_secs(60);

/// The nonce table's count and its bound, for one vault process.
#[derive(Debug)]
pub struct NonceBudget {
    /// The most request-ids the table may hold; 0 for no bound.
    max: u64,
    /// Request-ids in the table, as this process knows it.
    live: AtomicU64,
    /// When the count was last read from the store (`None`: never). Held while reading,
    /// so that one request reads while the others go on with the count they have.
    read_at: tokio::sync::Mutex<Option<Instant>>,
}

impl NonceBudget {
    /// A bound of `max` request-ids (0: none).
    pub fn new(max: u64) -> Self {
        NonceBudget {
            max,
            live: AtomicU64::new(0),
            read_at: tokio::sync::Mutex::new(None),
        }
    }

    /// Makes room for one request-id, or refuses with [`Error::NonceTableFull`]. On
    /// success the request-id is counted: the caller gives it back with
    /// [`NonceBudget::not_made`] if it could not store it.
    pub async fn reserve(&self, store: &Store) -> Result<(), Error> {
        if self.max == 0 {
            return Ok(());
        }
        self.refresh(store, REFRESH_EVERY).await;
        if self.try_take() {
            return Ok(());
        }
        self.refresh(store, REFRESH_WHEN_FULL).await;
        if self.try_take() {
            return Ok(());
        }
        Metrics::global().rate_limited(Endpoint::RequestId, Scope::Nonces);
        Err(Error::NonceTableFull {
            max: self.max,
            retry_after: retry_after_secs(RETRY_AFTER),
        })
    }

    /// One more request-id, unless the table is full.
    fn try_take(&self) -> bool {
        self.live
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .is_ok()
    }

    /// A request-id reserved but not stored.
    pub fn not_made(&self) {
        self.release();
    }

    /// A request-id was consumed (it left the table).
    pub fn consumed(&self) {
        self.release();
    }

    fn release(&self) {
        let _ = self
            .live
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
    }

    /// Request-ids in the table, as this process knows it.
    pub fn live(&self) -> u64 {
        self.live.load(Ordering::Acquire)
    }

    /// Reads the count from the store if the last read is older than `age` (and no other
    /// request is reading it). A failed read keeps the count (the database's error is
    /// counted and logged by the store; the request goes on and meets it there).
    async fn refresh(&self, store: &Store, age: Duration) {
        let Ok(mut read_at) = self.read_at.try_lock() else {
            return;
        };
        if read_at.is_some_and(|at| at.elapsed() < age) {
            return;
        }
        match store.nonce_count().await {
            Ok(n) => self.live.store(n, Ordering::Release),
            Err(e) => tracing::warn!(error = %e, "cannot count the request-ids"),
        }
        *read_at = Some(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ucore_assertions::Timestamp;

    #[tokio::test]
    async fn the_bound_holds_and_frees_up() {
        let store = Store::open("sqlite::memory:").await.unwrap();
        let ttl = Duration::from_secs(600);
        let b = NonceBudget::new(3);
        for i in 0..3 {
            b.reserve(&store).await.unwrap();
            store
                .create_nonce(&format!("n{i}"), Timestamp::now(), ttl)
                .await
                .unwrap();
        }
        let e = b.reserve(&store).await.unwrap_err();
        assert_eq!(e.code(), "too-many-nonces");
        assert_eq!(e.http_status(), 503);
        assert_eq!(
            e.to_string(),
            "Too many request-ids are waiting to be used (3): retry in 60 s"
        );
        // One used: room for one.
        assert!(
            store
                .consume_nonce("n0", Timestamp::now(), ttl)
                .await
                .unwrap()
        );
        b.consumed();
        b.reserve(&store).await.unwrap();
        assert!(b.reserve(&store).await.is_err());
        b.not_made();
        b.reserve(&store).await.unwrap();
    }

    #[tokio::test]
    async fn the_count_is_read_from_the_store() {
        let store = Store::open("sqlite::memory:").await.unwrap();
        let ttl = Duration::from_secs(600);
        // Another replica made two request-ids before this process started.
        for n in ["a", "b"] {
            store.create_nonce(n, Timestamp::now(), ttl).await.unwrap();
        }
        let b = NonceBudget::new(3);
        b.reserve(&store).await.unwrap();
        assert_eq!(b.live(), 3);
        assert!(b.reserve(&store).await.is_err());
        // The other replica's request-ids are used there; a second later a full table is
        // read again.
        for n in ["a", "b"] {
            assert!(store.consume_nonce(n, Timestamp::now(), ttl).await.unwrap());
        }
        assert!(b.reserve(&store).await.is_err());
        tokio::time::sleep(REFRESH_WHEN_FULL).await;
        b.reserve(&store).await.unwrap();
        assert_eq!(b.live(), 1);
    }

    #[tokio::test]
    async fn zero_is_no_bound() {
        let store = Store::open("sqlite::memory:").await.unwrap();
        let b = NonceBudget::new(0);
        for _ in 0..100 {
            b.reserve(&store).await.unwrap();
        }
    }
}
