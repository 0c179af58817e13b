//! The vault's storage: signing keys, models, nonces and the signing log (the Serial
//! Vault's tables, created by `manage/database.go` `UpdateDatabase` and used through its
//! `datastore/*manager.go`).
//!
//! [`Store`] is one type over the backends, chosen by the database URL: SQLite (embedded
//! default, one file, created and migrated on open) and, with the cargo feature `postgres`,
//! PostgreSQL (several vault replicas on one database). Both have the same tables and the
//! same semantics; the vault's logic is written once against [`Store`]. Every method is
//! `async` and waits a bounded time ([`DatabaseLimits`]): the SQLite backend runs its
//! statements on its own database threads, fed through bounded queues, never on the async
//! workers; the PostgreSQL pool gives up waiting for a connection after the busy timeout.
//! A database that cannot answer now gives a transient error (503 with `Retry-After`,
//! [`crate::error::transient`]).

#[macro_use]
mod schema;
mod limits;
#[cfg(feature = "postgres")]
mod postgres;
mod records;
mod sqlite;

pub use limits::DatabaseLimits;
pub use records::{
    IssueOutcome, KeypairRecord, LogFilter, ModelRecord, NewLogRow, NewModel, NewSubstore,
    SigningLogRow, SubstoreRecord,
};
pub use sqlite::SqliteStore;

#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;

use std::time::Duration;

use ucore_assertions::Timestamp;

use crate::error::{DatabaseError, Error};
use crate::sync::state::{
    ExportRecord, ImportBatch, ImportRecord, ImportReport, SyncConflict, SyncIdentity,
    TrustedFactory,
};

/// How long [`Store::health`] waits for the database before it reports it stalled.
pub const HEALTH_DEADLINE: Duration = Duration::from_secs(1);

/// A vault database.
#[derive(Clone, Debug)]
pub enum Store {
    /// SQLite.
    Sqlite(SqliteStore),
    /// PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(PostgresStore),
}

/// Calls the SQLite backend with owned arguments (they move to the blocking pool) and the
/// PostgreSQL backend with borrowed ones.
/// A database error on the way out is counted in the metrics
/// ([`crate::metrics::Metrics::database_error`]).
macro_rules! dispatch {
    ($self:ident, $s:ident => $e:expr, $p:ident => $pe:expr) => {
        crate::metrics::count_database_error(match $self {
            Store::Sqlite($s) => $e,
            #[cfg(feature = "postgres")]
            Store::Postgres($p) => $pe,
        })
    };
}

/// Whether `url` names a PostgreSQL database.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

impl Store {
    /// Opens a store from a URL: `sqlite::memory:`, `sqlite://PATH` or a plain path, or
    /// `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (cargo feature `postgres`; without it
    /// a configuration error). Runs the migrations. Default [`DatabaseLimits`].
    pub async fn open(url: &str) -> Result<Self, Error> {
        Self::open_with(url, &DatabaseLimits::default()).await
    }

    /// [`Store::open`] under `limits`.
    pub async fn open_with(url: &str, limits: &DatabaseLimits) -> Result<Self, Error> {
        limits.check()?;
        if is_postgres_url(url) {
            #[cfg(feature = "postgres")]
            return Ok(Store::Postgres(
                PostgresStore::open_with(url, limits).await?,
            ));
            #[cfg(not(feature = "postgres"))]
            return Err(Error::config(
                "this build has no PostgreSQL store (cargo feature `postgres`)",
            ));
        }
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        Ok(Store::Sqlite(SqliteStore::open_with(path, limits).await?))
    }

    /// Whether the database answers (`/v1/health`), within [`HEALTH_DEADLINE`]: a locked
    /// SQLite database, or one that does not answer in time, is a transient error.
    pub async fn health(&self) -> Result<(), Error> {
        let checked = tokio::time::timeout(HEALTH_DEADLINE, async {
            dispatch!(self, s => s.health().await, p => p.health().await)
        })
        .await;
        checked.unwrap_or_else(|_| {
            crate::metrics::count_database_error(Err(Error::db(DatabaseError::Stalled {
                deadline: HEALTH_DEADLINE,
            })))
        })
    }

    /// Stores a new nonce created at `now` (kept in whole seconds), purging those older
    /// than `ttl`.
    pub async fn create_nonce(
        &self,
        nonce: &str,
        now: impl Into<Timestamp>,
        ttl: Duration,
    ) -> Result<(), Error> {
        let (now, ttl) = nonce_clock(now.into(), ttl);
        dispatch!(self, s => s.create_nonce(nonce.to_string(), now, ttl).await, p => p.create_nonce(nonce, now, ttl).await)
    }

    /// How many nonces (request-ids) the table holds, expired ones not yet purged
    /// included (the metrics' gauge; one `count(*)` over the nonce table's timestamp index).
    pub async fn nonce_count(&self) -> Result<u64, Error> {
        dispatch!(self, s => s.nonce_count().await, p => p.nonce_count().await)
    }

    /// Whether `nonce` exists and is not expired (created at most `ttl` before `now`),
    /// without consuming it: one read by the primary key.
    pub async fn nonce_exists(
        &self,
        nonce: &str,
        now: impl Into<Timestamp>,
        ttl: Duration,
    ) -> Result<bool, Error> {
        let (now, ttl) = nonce_clock(now.into(), ttl);
        dispatch!(self, s => s.nonce_exists(nonce.to_string(), now, ttl).await, p => p.nonce_exists(nonce, now, ttl).await)
    }

    /// Consumes `nonce`: true if it existed and was not expired (created at most `ttl`
    /// before `now`). Single use.
    pub async fn consume_nonce(
        &self,
        nonce: &str,
        now: impl Into<Timestamp>,
        ttl: Duration,
    ) -> Result<bool, Error> {
        let (now, ttl) = nonce_clock(now.into(), ttl);
        dispatch!(self, s => s.consume_nonce(nonce.to_string(), now, ttl).await, p => p.consume_nonce(nonce, now, ttl).await)
    }

    /// [`Store::consume_nonce`], then, if the nonce was valid, [`Store::model`] (brand,
    /// model): `None` for an invalid nonce. The serial path's first database step: on
    /// SQLite one hand-off to the database thread instead of two.
    pub async fn consume_nonce_for_model(
        &self,
        nonce: &str,
        now: impl Into<Timestamp>,
        ttl: Duration,
        brand_id: &str,
        model: &str,
    ) -> Result<Option<Option<ModelRecord>>, Error> {
        let (now, ttl) = nonce_clock(now.into(), ttl);
        dispatch!(self,
            s => s.consume_nonce_for_model(nonce.to_string(), now, ttl, brand_id.to_string(), model.to_string()).await,
            p => async {
                if !p.consume_nonce(nonce, now, ttl).await? {
                    return Ok(None);
                }
                p.model(brand_id, model).await.map(Some)
            }
            .await)
    }

    /// Every model's API key (compared in constant time by the caller).
    pub async fn api_keys(&self) -> Result<Vec<String>, Error> {
        dispatch!(self, s => s.api_keys().await, p => p.api_keys().await)
    }

    /// The model (brand, model).
    pub async fn model(&self, brand_id: &str, model: &str) -> Result<Option<ModelRecord>, Error> {
        dispatch!(self, s => s.model(brand_id.to_string(), model.to_string()).await, p => p.model(brand_id, model).await)
    }

    /// Every model.
    pub async fn models(&self) -> Result<Vec<ModelRecord>, Error> {
        dispatch!(self, s => s.models().await, p => p.models().await)
    }

    /// Adds a model bound to keypair `key_id`, whose serials the accounts in
    /// `serial_authority` may sign besides its brand.
    pub async fn add_model(
        &self,
        brand_id: &str,
        model: &str,
        key_id: &str,
        api_key: &str,
        serial_authority: &[String],
    ) -> Result<(), Error> {
        let authorities = records::join_authorities(serial_authority);
        dispatch!(self, s => s.add_model(brand_id.to_string(), model.to_string(), key_id.to_string(), api_key.to_string(), authorities).await, p => p.add_model(brand_id, model, key_id, api_key, &authorities).await)
    }

    /// Replaces a model's `serial-authority` (the brand left out).
    pub async fn set_model_serial_authority(
        &self,
        brand_id: &str,
        model: &str,
        serial_authority: &[String],
    ) -> Result<(), Error> {
        let authorities = records::join_authorities(serial_authority);
        dispatch!(self, s => s.set_model_serial_authority(brand_id.to_string(), model.to_string(), authorities).await, p => p.set_model_serial_authority(brand_id, model, &authorities).await)
    }

    /// Changes a model's signing key.
    pub async fn set_model_key(
        &self,
        brand_id: &str,
        model: &str,
        key_id: &str,
    ) -> Result<(), Error> {
        dispatch!(self, s => s.set_model_key(brand_id.to_string(), model.to_string(), key_id.to_string()).await, p => p.set_model_key(brand_id, model, key_id).await)
    }

    /// Replaces a model's API key.
    pub async fn set_model_api_key(
        &self,
        brand_id: &str,
        model: &str,
        api_key: &str,
    ) -> Result<(), Error> {
        dispatch!(self, s => s.set_model_api_key(brand_id.to_string(), model.to_string(), api_key.to_string()).await, p => p.set_model_api_key(brand_id, model, api_key).await)
    }

    /// Adds a keypair row (upsert on key id keeps the existing row).
    pub async fn add_keypair(&self, record: KeypairRecord) -> Result<(), Error> {
        dispatch!(self, s => s.add_keypair(record).await, p => p.add_keypair(&record).await)
    }

    /// The keypair `key_id`.
    pub async fn keypair(&self, key_id: &str) -> Result<Option<KeypairRecord>, Error> {
        dispatch!(self, s => s.keypair(key_id.to_string()).await, p => p.keypair(key_id).await)
    }

    /// Every keypair.
    pub async fn keypairs(&self) -> Result<Vec<KeypairRecord>, Error> {
        dispatch!(self, s => s.keypairs().await, p => p.keypairs().await)
    }

    /// Activates or deactivates a keypair.
    pub async fn set_keypair_active(&self, key_id: &str, active: bool) -> Result<(), Error> {
        dispatch!(self, s => s.set_keypair_active(key_id.to_string(), active).await, p => p.set_keypair_active(key_id, active).await)
    }

    /// The revision the next serial for (brand, model, serial) gets, or a duplicate error
    /// if that serial belongs to another device key and was not released.
    pub async fn next_revision(
        &self,
        brand_id: &str,
        model: &str,
        serial: &str,
        fingerprint: &str,
    ) -> Result<i64, Error> {
        dispatch!(self, s => s.next_revision(brand_id.to_string(), model.to_string(), serial.to_string(), fingerprint.to_string()).await, p => p.next_revision(brand_id, model, serial, fingerprint).await)
    }

    /// Writes a signing-log row for a signed serial, in one statement that applies the
    /// duplicate policy ([`Error::DuplicateSerial`]) and requires `revision` to follow
    /// the last logged one. [`IssueOutcome::RevisionTaken`] when a concurrent request
    /// (or another replica) logged that revision first.
    pub async fn log_serial(&self, row: NewLogRow) -> Result<IssueOutcome, Error> {
        dispatch!(self, s => s.log_serial(row).await, p => p.log_serial(&row).await)
    }

    /// Signing-log rows matching `filter`, newest first.
    pub async fn signing_log(&self, filter: LogFilter) -> Result<Vec<SigningLogRow>, Error> {
        dispatch!(self, s => s.signing_log(filter).await, p => p.signing_log(&filter).await)
    }

    /// Releases (brand, model, serial) for re-provisioning with another device key;
    /// returns how many rows were marked.
    pub async fn release_serial(
        &self,
        brand_id: &str,
        model: &str,
        serial: &str,
    ) -> Result<u64, Error> {
        dispatch!(self, s => s.release_serial(brand_id.to_string(), model.to_string(), serial.to_string()).await, p => p.release_serial(brand_id, model, serial).await)
    }
}

/// Sub-store rows (remodel re-registration).
impl Store {
    /// Adds a sub-store row; [`Error::NotFound`] when the from-model does not exist,
    /// [`Error::InvalidInput`] when that (from-model, serial) already has one.
    pub async fn add_substore(&self, new: NewSubstore) -> Result<SubstoreRecord, Error> {
        dispatch!(self, s => s.add_substore(new).await, p => p.add_substore(&new).await)
    }

    /// Every sub-store row, oldest first.
    pub async fn substores(&self) -> Result<Vec<SubstoreRecord>, Error> {
        dispatch!(self, s => s.substores().await, p => p.substores().await)
    }

    /// The row for (brand, from-model, serial) (the Serial Vault's `GetSubstore`).
    pub async fn substore(
        &self,
        brand_id: &str,
        from_model: &str,
        serial: &str,
    ) -> Result<Option<SubstoreRecord>, Error> {
        dispatch!(self, s => s.substore(brand_id.to_string(), from_model.to_string(), serial.to_string()).await, p => p.substore(brand_id, from_model, serial).await)
    }

    /// The from-models of the rows mapping (brand, serial) to `model_name` (the Serial
    /// Vault's `GetSubstoreModel`); the caller matches the API key.
    pub async fn substore_from_models(
        &self,
        brand_id: &str,
        model_name: &str,
        serial: &str,
    ) -> Result<Vec<ModelRecord>, Error> {
        dispatch!(self, s => s.substore_from_models(brand_id.to_string(), model_name.to_string(), serial.to_string()).await, p => p.substore_from_models(brand_id, model_name, serial).await)
    }

    /// Deletes row `id`; [`Error::NotFound`] when there is none.
    pub async fn delete_substore(&self, id: i64) -> Result<(), Error> {
        dispatch!(self, s => s.delete_substore(id).await, p => p.delete_substore(id).await)
    }
}

/// The nonce tables' clock: Unix seconds, the time-to-live capped so that `now - ttl`
/// cannot overflow.
fn nonce_clock(now: Timestamp, ttl: Duration) -> (i64, i64) {
    let ttl = i64::try_from(ttl.as_secs()).map_or(i64::MAX / 2, |t| t.min(i64::MAX / 2));
    (now.as_second(), ttl)
}

/// Sync tables (factory offline mode, [`crate::sync`]).
impl Store {
    /// This vault's sync identity, if it has one.
    pub async fn sync_identity(&self) -> Result<Option<SyncIdentity>, Error> {
        dispatch!(self, s => s.sync_identity().await, p => p.sync_identity().await)
    }

    /// Records the sync identity; false (nothing written) when the vault already has one.
    pub async fn sync_set_identity(&self, identity: SyncIdentity) -> Result<bool, Error> {
        dispatch!(self, s => s.sync_set_identity(identity).await, p => p.sync_set_identity(&identity).await)
    }

    /// Registers a factory (nothing written when that vault id is registered already).
    pub async fn sync_add_factory(&self, factory: TrustedFactory) -> Result<(), Error> {
        dispatch!(self, s => s.sync_add_factory(factory).await, p => p.sync_add_factory(&factory).await)
    }

    /// The factories this vault imports from.
    pub async fn sync_factories(&self) -> Result<Vec<TrustedFactory>, Error> {
        dispatch!(self, s => s.sync_factories().await, p => p.sync_factories().await)
    }

    /// The export record of bundle `sequence` to `to`, or the last one when `None`.
    pub async fn sync_export(
        &self,
        to: &str,
        sequence: Option<i64>,
    ) -> Result<Option<ExportRecord>, Error> {
        dispatch!(self, s => s.sync_export(to.to_string(), sequence).await, p => p.sync_export(to, sequence).await)
    }

    /// Records an export; false (nothing written) when that sequence is recorded already.
    pub async fn sync_record_export(&self, record: ExportRecord) -> Result<bool, Error> {
        dispatch!(self, s => s.sync_record_export(record).await, p => p.sync_record_export(&record).await)
    }

    /// At most `limit` rows this vault signed itself (not imported), with ids in
    /// `(after, upto]` (`upto` unbounded when `None`), in id order.
    pub async fn sync_own_rows(
        &self,
        after: i64,
        upto: Option<i64>,
        limit: i64,
    ) -> Result<Vec<SigningLogRow>, Error> {
        dispatch!(self, s => s.sync_own_rows(after, upto, limit).await, p => p.sync_own_rows(after, upto, limit).await)
    }

    /// Imports a verified bundle's rows in one transaction (see [`crate::sync`]).
    pub async fn sync_import(&self, batch: ImportBatch) -> Result<ImportReport, Error> {
        dispatch!(self, s => s.sync_import(batch).await, p => p.sync_import(&batch).await)
    }

    /// Every imported bundle, by factory and sequence.
    pub async fn sync_imports(&self) -> Result<Vec<ImportRecord>, Error> {
        dispatch!(self, s => s.sync_imports().await, p => p.sync_imports().await)
    }

    /// Every imported row kept as a conflict, oldest first.
    pub async fn sync_conflicts(&self) -> Result<Vec<SyncConflict>, Error> {
        dispatch!(self, s => s.sync_conflicts().await, p => p.sync_conflicts().await)
    }
}
