//! PostgreSQL backend (cargo feature `postgres`): the same tables and semantics as the
//! SQLite store, for several vault replicas behind a load balancer on one database.
//!
//! A `deadpool-postgres` pool of `tokio-postgres` connections (plain TCP: run the database
//! on the vault's host or a private network, or put TLS in a sidecar). Migrations run on
//! open under a transaction-scoped advisory lock, so replicas starting together migrate
//! once. Replica safety:
//!
//! * a nonce is consumed with one `DELETE … RETURNING`: of two replicas deleting the same
//!   row, exactly one gets it back;
//! * the signing log's `UNIQUE (make, model, serial_number, revision)` decides which of two
//!   concurrent signings of one serial number wins; the loser re-checks the duplicate policy
//!   and signs again ([`IssueOutcome::RevisionTaken`]);
//! * a row is committed before the vault returns the serial.

mod substore;
mod sync;

use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::error::SqlState;
use tokio_postgres::{NoTls, Row};

use super::records::{
    IssueOutcome, KeypairRecord, LogFilter, ModelRecord, NewLogRow, SigningLogRow,
    split_authorities,
};
use super::schema::KEYPAIR_COLS;
use crate::error::Error;
use crate::store::DatabaseLimits;

/// The migrations, in order; table `ucore_schema` records how many ran.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE keypair (
    id BIGSERIAL PRIMARY KEY,
    authority_id TEXT NOT NULL,
    key_id TEXT NOT NULL UNIQUE,
    key_name TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    sealed_key TEXT NOT NULL,
    account_assertion TEXT,
    account_key_assertion TEXT
);
CREATE TABLE model (
    id BIGSERIAL PRIMARY KEY,
    brand_id TEXT NOT NULL,
    name TEXT NOT NULL,
    keypair_id BIGINT NOT NULL REFERENCES keypair(id),
    api_key TEXT NOT NULL,
    UNIQUE (brand_id, name)
);
CREATE INDEX model_api_key ON model(api_key);
CREATE TABLE devicenonce (
    nonce TEXT PRIMARY KEY,
    timestamp BIGINT NOT NULL
);
CREATE INDEX devicenonce_timestamp ON devicenonce(timestamp);
CREATE TABLE signinglog (
    id BIGSERIAL PRIMARY KEY,
    make TEXT NOT NULL,
    model TEXT NOT NULL,
    serial_number TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    revision BIGINT NOT NULL,
    created TEXT NOT NULL,
    released BOOLEAN NOT NULL DEFAULT FALSE,
    assertion TEXT NOT NULL,
    UNIQUE (make, model, serial_number, revision)
);
CREATE INDEX signinglog_fingerprint ON signinglog(fingerprint);
CREATE INDEX signinglog_created ON signinglog(created);
"#,
    substore::POSTGRES_MIGRATION,
    // 3: the models' `serial-authority` ([`ModelRecord::serial_authority`]).
    "ALTER TABLE model ADD COLUMN serial_authority TEXT NOT NULL DEFAULT '';",
    sync::POSTGRES_MIGRATION,
];

/// Advisory-lock key serialising migrations across replicas ("ucoreser" in ASCII).
const MIGRATION_LOCK: i64 = 0x7563_6f72_6573_6572;

/// Connections per vault process.
const POOL_SIZE: usize = 16;

/// The PostgreSQL store.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: not shown.
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}

/// Column `i` of `r`.
pub(super) fn col<'r, T: tokio_postgres::types::FromSql<'r>>(
    r: &'r Row,
    i: usize,
) -> Result<T, Error> {
    r.try_get(i).map_err(Error::db)
}

fn unique_violation(e: &tokio_postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

fn keypair_row(r: &Row) -> Result<KeypairRecord, Error> {
    Ok(KeypairRecord {
        authority_id: col(r, 0)?,
        key_id: col(r, 1)?,
        key_name: col(r, 2)?,
        active: col(r, 3)?,
        sealed_key: col(r, 4)?,
        account_assertion: col(r, 5)?,
        account_key_assertion: col(r, 6)?,
    })
}

pub(super) fn model_row(r: &Row) -> Result<ModelRecord, Error> {
    Ok(ModelRecord {
        brand_id: col(r, 0)?,
        model: col(r, 1)?,
        key_id: col(r, 2)?,
        key_active: col(r, 3)?,
        api_key: col(r, 4)?,
        serial_authority: split_authorities(&col::<String>(r, 5)?),
    })
}

fn log_row(r: &Row) -> Result<SigningLogRow, Error> {
    Ok(SigningLogRow {
        id: col(r, 0)?,
        make: col(r, 1)?,
        model: col(r, 2)?,
        serial_number: col(r, 3)?,
        fingerprint: col(r, 4)?,
        revision: col(r, 5)?,
        created: col(r, 6)?,
        released: col(r, 7)?,
        assertion: col(r, 8)?,
    })
}

const MODEL_SELECT: &str = model_select!();
/// The model row a serial request names (hot path).
const MODEL_BY_NAME: &str = concat!(model_select!(), " WHERE m.brand_id = $1 AND m.name = $2");

/// The duplicate policy (as the SQLite store): the next revision for the serial, or
/// [`Error::DuplicateSerial`] when its last row belongs to another key and was not released.
async fn check_duplicate(
    c: &impl GenericClient,
    make: &str,
    model: &str,
    serial: &str,
    fingerprint: &str,
) -> Result<i64, Error> {
    // Hot-path statements are prepared once per connection (`prepare_cached`): a plain
    // string query costs a Parse/Describe round trip before each Bind/Execute.
    let st = c
        .prepare_cached(
            "SELECT fingerprint, released, revision FROM signinglog
             WHERE make = $1 AND model = $2 AND serial_number = $3
             ORDER BY revision DESC LIMIT 1",
        )
        .await
        .map_err(Error::db)?;
    let last = c
        .query_opt(&st, &[&make, &model, &serial])
        .await
        .map_err(Error::db)?;
    match last {
        None => Ok(1),
        Some(r) => {
            let fp: String = col(&r, 0)?;
            let released: bool = col(&r, 1)?;
            let rev: i64 = col(&r, 2)?;
            if fp != fingerprint && !released {
                return Err(Error::DuplicateSerial {
                    brand_id: make.to_string(),
                    model: model.to_string(),
                    serial: serial.to_string(),
                });
            }
            Ok(rev + 1)
        }
    }
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`, or libpq's
    /// `key=value` form) and runs the migrations. Default [`DatabaseLimits`].
    pub async fn open(url: &str) -> Result<Self, Error> {
        Self::open_with(url, &DatabaseLimits::default()).await
    }

    /// [`PostgresStore::open`] under `limits`: a call waits at most the busy timeout for a
    /// pooled connection, to open a new one (the connect timeout too, unless the URL sets
    /// one) and to check an idle one, then fails with a transient error instead of hanging
    /// on a dead server.
    pub async fn open_with(url: &str, limits: &DatabaseLimits) -> Result<Self, Error> {
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| Error::config(format!("bad PostgreSQL URL: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(limits.busy_timeout);
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let wait = Some(limits.busy_timeout);
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(wait)
            .create_timeout(wait)
            .recycle_timeout(wait)
            .build()
            .map_err(Error::db)?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    pub(super) async fn client(&self) -> Result<deadpool_postgres::Object, Error> {
        self.pool.get().await.map_err(Error::db)
    }

    async fn migrate(&self) -> Result<(), Error> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(Error::db)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(Error::db)?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS ucore_schema (version BIGINT NOT NULL)")
            .await
            .map_err(Error::db)?;
        let version: i64 = match tx
            .query_opt("SELECT version FROM ucore_schema", &[])
            .await
            .map_err(Error::db)?
        {
            Some(r) => col(&r, 0)?,
            None => {
                tx.execute("INSERT INTO ucore_schema (version) VALUES (0)", &[])
                    .await
                    .map_err(Error::db)?;
                0
            }
        };
        let start = usize::try_from(version.max(0)).unwrap_or(usize::MAX);
        for (i, m) in MIGRATIONS.iter().enumerate().skip(start) {
            tx.batch_execute(m).await.map_err(Error::db)?;
            let v = i64::try_from(i + 1).unwrap_or(i64::MAX);
            tx.execute("UPDATE ucore_schema SET version = $1", &[&v])
                .await
                .map_err(Error::db)?;
        }
        tx.commit().await.map_err(Error::db)
    }

    pub(super) async fn health(&self) -> Result<(), Error> {
        self.client()
            .await?
            .query_one("SELECT 1", &[])
            .await
            .map_err(Error::db)?;
        Ok(())
    }

    pub(super) async fn nonce_count(&self) -> Result<u64, Error> {
        let row = self
            .client()
            .await?
            .query_one("SELECT count(*) FROM devicenonce", &[])
            .await
            .map_err(Error::db)?;
        let n: i64 = col(&row, 0)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    pub(super) async fn create_nonce(&self, nonce: &str, now: i64, ttl: i64) -> Result<(), Error> {
        let c = self.client().await?;
        let purge = c
            .prepare_cached("DELETE FROM devicenonce WHERE timestamp < $1")
            .await
            .map_err(Error::db)?;
        c.execute(&purge, &[&(now - ttl)])
            .await
            .map_err(Error::db)?;
        let insert = c
            .prepare_cached("INSERT INTO devicenonce (nonce, timestamp) VALUES ($1, $2)")
            .await
            .map_err(Error::db)?;
        c.execute(&insert, &[&nonce, &now])
            .await
            .map_err(Error::db)?;
        Ok(())
    }

    pub(super) async fn nonce_exists(
        &self,
        nonce: &str,
        now: i64,
        ttl: i64,
    ) -> Result<bool, Error> {
        const READ: &str = "SELECT timestamp FROM devicenonce WHERE nonce = $1";
        self.nonce_live(READ, nonce, now, ttl).await
    }

    pub(super) async fn consume_nonce(
        &self,
        nonce: &str,
        now: i64,
        ttl: i64,
    ) -> Result<bool, Error> {
        // One statement: of concurrent deletes of the row, exactly one returns it. An
        // expired nonce is consumed too, and refused.
        const CONSUME: &str = "DELETE FROM devicenonce WHERE nonce = $1 RETURNING timestamp";
        self.nonce_live(CONSUME, nonce, now, ttl).await
    }

    /// Whether `nonce` was live (created at most `ttl` before `now`), by `sql`: a
    /// statement returning its creation time (a read, or the delete that consumes it).
    async fn nonce_live(&self, sql: &str, nonce: &str, now: i64, ttl: i64) -> Result<bool, Error> {
        let c = self.client().await?;
        let st = c.prepare_cached(sql).await.map_err(Error::db)?;
        let row = c.query_opt(&st, &[&nonce]).await.map_err(Error::db)?;
        match row {
            None => Ok(false),
            Some(r) => {
                let created: i64 = col(&r, 0)?;
                Ok(created >= now - ttl)
            }
        }
    }

    pub(super) async fn api_keys(&self) -> Result<Vec<String>, Error> {
        let c = self.client().await?;
        let st = c
            .prepare_cached("SELECT DISTINCT api_key FROM model")
            .await
            .map_err(Error::db)?;
        let rows = c.query(&st, &[]).await.map_err(Error::db)?;
        rows.iter().map(|r| col(r, 0)).collect()
    }

    pub(super) async fn model(
        &self,
        brand_id: &str,
        model: &str,
    ) -> Result<Option<ModelRecord>, Error> {
        let c = self.client().await?;
        let st = c.prepare_cached(MODEL_BY_NAME).await.map_err(Error::db)?;
        c.query_opt(&st, &[&brand_id, &model])
            .await
            .map_err(Error::db)?
            .as_ref()
            .map(model_row)
            .transpose()
    }

    pub(super) async fn models(&self) -> Result<Vec<ModelRecord>, Error> {
        let c = self.client().await?;
        let rows = c
            .query(&format!("{MODEL_SELECT} ORDER BY m.brand_id, m.name"), &[])
            .await
            .map_err(Error::db)?;
        rows.iter().map(model_row).collect()
    }

    pub(super) async fn add_model(
        &self,
        brand_id: &str,
        model: &str,
        key_id: &str,
        api_key: &str,
        serial_authority: &str,
    ) -> Result<(), Error> {
        let c = self.client().await?;
        let keypair = c
            .query_opt("SELECT id FROM keypair WHERE key_id = $1", &[&key_id])
            .await
            .map_err(Error::db)?
            .ok_or_else(|| Error::NotFound {
                what: format!("key {key_id}"),
            })?;
        let kp: i64 = col(&keypair, 0)?;
        c.execute(
            "INSERT INTO model (brand_id, name, keypair_id, api_key, serial_authority)
             VALUES ($1, $2, $3, $4, $5)",
            &[&brand_id, &model, &kp, &api_key, &serial_authority],
        )
        .await
        .map_err(|e| {
            if unique_violation(&e) {
                Error::invalid_input(format!("model {brand_id}/{model} already exists"))
            } else {
                Error::db(e)
            }
        })?;
        Ok(())
    }

    pub(super) async fn set_model_key(
        &self,
        brand_id: &str,
        model: &str,
        key_id: &str,
    ) -> Result<(), Error> {
        let n = self
            .client()
            .await?
            .execute(
                "UPDATE model SET keypair_id = k.id FROM keypair k
                 WHERE model.brand_id = $1 AND model.name = $2 AND k.key_id = $3",
                &[&brand_id, &model, &key_id],
            )
            .await
            .map_err(Error::db)?;
        if n == 0 {
            return Err(Error::NotFound {
                what: format!("model {brand_id}/{model} or key {key_id}"),
            });
        }
        Ok(())
    }

    pub(super) async fn set_model_api_key(
        &self,
        brand_id: &str,
        model: &str,
        api_key: &str,
    ) -> Result<(), Error> {
        self.update_model(
            "UPDATE model SET api_key = $3 WHERE brand_id = $1 AND name = $2",
            brand_id,
            model,
            api_key,
        )
        .await
    }

    pub(super) async fn set_model_serial_authority(
        &self,
        brand_id: &str,
        model: &str,
        serial_authority: &str,
    ) -> Result<(), Error> {
        self.update_model(
            "UPDATE model SET serial_authority = $3 WHERE brand_id = $1 AND name = $2",
            brand_id,
            model,
            serial_authority,
        )
        .await
    }

    /// Runs `sql`, an update of one model row (`$1` brand, `$2` model, `$3` the value);
    /// [`Error::NotFound`] when there is no such model.
    async fn update_model(
        &self,
        sql: &str,
        brand_id: &str,
        model: &str,
        value: &str,
    ) -> Result<(), Error> {
        let n = self
            .client()
            .await?
            .execute(sql, &[&brand_id, &model, &value])
            .await
            .map_err(Error::db)?;
        if n == 0 {
            return Err(Error::NotFound {
                what: format!("model {brand_id}/{model}"),
            });
        }
        Ok(())
    }

    pub(super) async fn add_keypair(&self, k: &KeypairRecord) -> Result<(), Error> {
        self.client()
            .await?
            .execute(
                &format!(
                    "INSERT INTO keypair ({KEYPAIR_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (key_id) DO NOTHING"
                ),
                &[
                    &k.authority_id,
                    &k.key_id,
                    &k.key_name,
                    &k.active,
                    &k.sealed_key,
                    &k.account_assertion,
                    &k.account_key_assertion,
                ],
            )
            .await
            .map_err(Error::db)?;
        Ok(())
    }

    pub(super) async fn keypair(&self, key_id: &str) -> Result<Option<KeypairRecord>, Error> {
        let c = self.client().await?;
        let st = c
            .prepare_cached(&format!(
                "SELECT {KEYPAIR_COLS} FROM keypair WHERE key_id = $1"
            ))
            .await
            .map_err(Error::db)?;
        c.query_opt(&st, &[&key_id])
            .await
            .map_err(Error::db)?
            .as_ref()
            .map(keypair_row)
            .transpose()
    }

    pub(super) async fn keypairs(&self) -> Result<Vec<KeypairRecord>, Error> {
        let rows = self
            .client()
            .await?
            .query(
                &format!("SELECT {KEYPAIR_COLS} FROM keypair ORDER BY id"),
                &[],
            )
            .await
            .map_err(Error::db)?;
        rows.iter().map(keypair_row).collect()
    }

    pub(super) async fn set_keypair_active(&self, key_id: &str, active: bool) -> Result<(), Error> {
        let n = self
            .client()
            .await?
            .execute(
                "UPDATE keypair SET active = $2 WHERE key_id = $1",
                &[&key_id, &active],
            )
            .await
            .map_err(Error::db)?;
        if n == 0 {
            return Err(Error::NotFound {
                what: format!("key {key_id}"),
            });
        }
        Ok(())
    }

    pub(super) async fn next_revision(
        &self,
        make: &str,
        model: &str,
        serial: &str,
        fingerprint: &str,
    ) -> Result<i64, Error> {
        let c = self.client().await?;
        check_duplicate(&c, make, model, serial, fingerprint).await
    }

    pub(super) async fn log_serial(&self, row: &NewLogRow) -> Result<IssueOutcome, Error> {
        // One statement, one round trip: the row goes in only if `revision` follows the
        // last logged one and the duplicate policy allows it; UNIQUE (make, model,
        // serial_number, revision) settles two replicas inserting the same revision.
        let c = self.client().await?;
        let insert = c
            .prepare_cached(
                "INSERT INTO signinglog (make, model, serial_number, fingerprint, revision, created, assertion)
                 SELECT $1::TEXT, $2::TEXT, $3::TEXT, $4::TEXT, $5::BIGINT, $6::TEXT, $7::TEXT
                 WHERE (SELECT COALESCE(MAX(revision), 0) FROM signinglog
                        WHERE make = $1 AND model = $2 AND serial_number = $3) = $5 - 1
                   AND NOT EXISTS (SELECT 1 FROM signinglog
                        WHERE make = $1 AND model = $2 AND serial_number = $3
                          AND revision = $5 - 1 AND fingerprint <> $4 AND NOT released)",
            )
            .await
            .map_err(Error::db)?;
        let inserted = c
            .execute(
                &insert,
                &[
                    &row.make,
                    &row.model,
                    &row.serial_number,
                    &row.fingerprint,
                    &row.revision,
                    &row.created,
                    &row.assertion,
                ],
            )
            .await;
        match inserted {
            Ok(1) => Ok(IssueOutcome::Logged),
            // Refused: say why (the duplicate policy's error, or a revision taken).
            Ok(_) => {
                check_duplicate(
                    &c,
                    &row.make,
                    &row.model,
                    &row.serial_number,
                    &row.fingerprint,
                )
                .await?;
                Ok(IssueOutcome::RevisionTaken)
            }
            Err(e) if unique_violation(&e) => Ok(IssueOutcome::RevisionTaken),
            Err(e) => Err(Error::db(e)),
        }
    }

    pub(super) async fn signing_log(&self, f: &LogFilter) -> Result<Vec<SigningLogRow>, Error> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT id, make, model, serial_number, fingerprint, revision, created, released, assertion
                 FROM signinglog
                 WHERE ($1::TEXT IS NULL OR make = $1) AND ($2::TEXT IS NULL OR model = $2)
                   AND ($3::TEXT IS NULL OR serial_number = $3)
                 ORDER BY id DESC LIMIT $4 OFFSET $5",
                &[
                    &f.brand_id,
                    &f.model,
                    &f.serial,
                    &f.page_size(),
                    &f.offset.unwrap_or(0).max(0),
                ],
            )
            .await
            .map_err(Error::db)?;
        rows.iter().map(log_row).collect()
    }

    pub(super) async fn release_serial(
        &self,
        make: &str,
        model: &str,
        serial: &str,
    ) -> Result<u64, Error> {
        self.client()
            .await?
            .execute(
                "UPDATE signinglog SET released = TRUE
                 WHERE make = $1 AND model = $2 AND serial_number = $3",
                &[&make, &model, &serial],
            )
            .await
            .map_err(Error::db)
    }
}
