//! SQLite backend: one file (WAL journal), created and migrated on open.
//!
//! Statements never run on the async workers: two database threads ([`worker`]) each own
//! a connection, fed through a bounded queue. The writer runs every call that writes; the
//! reader (a second connection to a file database, `query_only`) runs those that only
//! read, which WAL lets go on while a writer waits for the lock. So a lock another
//! process holds delays only the requests that write, for at most the busy timeout
//! ([`DatabaseLimits`]), after which they are answered 503; `/v1/version` never touches
//! the database, and `/v1/health` reports the stall. An in-memory database is private to
//! its connection: one thread runs everything. Every statement is short (the signing
//! happens outside), so more connections would buy nothing on a two-core factory box.
//! Durability: WAL with `synchronous=NORMAL` loses nothing on a process crash (SIGKILL);
//! only a power cut can drop the last transactions.

mod substore;
mod sync;
mod worker;

use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension, params};

use super::records::{
    IssueOutcome, KeypairRecord, LogFilter, ModelRecord, NewLogRow, SigningLogRow,
    split_authorities,
};
use super::schema::KEYPAIR_COLS;
use crate::error::Error;
use crate::store::DatabaseLimits;
use worker::Lane;

/// The migrations, in order; `user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE keypair (
    id INTEGER PRIMARY KEY,
    authority_id TEXT NOT NULL,
    key_id TEXT NOT NULL UNIQUE,
    key_name TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    sealed_key TEXT NOT NULL,
    account_assertion TEXT,
    account_key_assertion TEXT
);
CREATE TABLE model (
    id INTEGER PRIMARY KEY,
    brand_id TEXT NOT NULL,
    name TEXT NOT NULL,
    keypair_id INTEGER NOT NULL REFERENCES keypair(id),
    api_key TEXT NOT NULL,
    UNIQUE (brand_id, name)
);
CREATE INDEX model_api_key ON model(api_key);
CREATE TABLE devicenonce (
    nonce TEXT PRIMARY KEY,
    timestamp INTEGER NOT NULL
);
CREATE INDEX devicenonce_timestamp ON devicenonce(timestamp);
CREATE TABLE signinglog (
    id INTEGER PRIMARY KEY,
    make TEXT NOT NULL,
    model TEXT NOT NULL,
    serial_number TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    revision INTEGER NOT NULL,
    created TEXT NOT NULL,
    released INTEGER NOT NULL DEFAULT 0,
    assertion TEXT NOT NULL,
    UNIQUE (make, model, serial_number, revision)
);
CREATE INDEX signinglog_fingerprint ON signinglog(fingerprint);
CREATE INDEX signinglog_created ON signinglog(created);
"#,
    substore::SQLITE_MIGRATION,
    // 3: the models' `serial-authority` ([`ModelRecord::serial_authority`]).
    "ALTER TABLE model ADD COLUMN serial_authority TEXT NOT NULL DEFAULT '';",
    sync::SQLITE_MIGRATION,
];

/// The SQLite store.
#[derive(Clone)]
pub struct SqliteStore {
    /// Runs the calls that write.
    writer: Lane,
    /// Runs the calls that only read (the writer itself for an in-memory database).
    reader: Lane,
    /// The connections' busy timeout.
    busy_timeout: Duration,
}

/// How long the health check waits for the write lock before it reports the database
/// locked.
const HEALTH_LOCK_WAIT: Duration = Duration::from_millis(100);

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

fn migrate(conn: &mut Connection) -> Result<(), Error> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(Error::db)?;
    let start = usize::try_from(version.max(0)).unwrap_or(usize::MAX);
    for (i, m) in MIGRATIONS.iter().enumerate().skip(start) {
        let tx = conn.transaction().map_err(Error::db)?;
        tx.execute_batch(m).map_err(Error::db)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))
            .map_err(Error::db)?;
        tx.commit().map_err(Error::db)?;
    }
    Ok(())
}

fn keypair_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<KeypairRecord> {
    Ok(KeypairRecord {
        authority_id: r.get(0)?,
        key_id: r.get(1)?,
        key_name: r.get(2)?,
        active: r.get(3)?,
        sealed_key: r.get(4)?,
        account_assertion: r.get(5)?,
        account_key_assertion: r.get(6)?,
    })
}

pub(super) fn model_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ModelRecord> {
    Ok(ModelRecord {
        brand_id: r.get(0)?,
        model: r.get(1)?,
        key_id: r.get(2)?,
        key_active: r.get(3)?,
        api_key: r.get(4)?,
        serial_authority: split_authorities(&r.get::<_, String>(5)?),
    })
}

/// A signing-log row, its columns in the order of the signing-log selects.
pub(super) fn log_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SigningLogRow> {
    Ok(SigningLogRow {
        id: r.get(0)?,
        make: r.get(1)?,
        model: r.get(2)?,
        serial_number: r.get(3)?,
        fingerprint: r.get(4)?,
        revision: r.get(5)?,
        created: r.get(6)?,
        released: r.get(7)?,
        assertion: r.get(8)?,
    })
}

const MODEL_SELECT: &str = model_select!();
/// The model row a serial request names (hot path).
const MODEL_BY_NAME: &str = concat!(model_select!(), " WHERE m.brand_id = ?1 AND m.name = ?2");
/// The last signing-log row of a serial (hot path: the duplicate policy).
const LAST_LOG_ROW: &str = "SELECT fingerprint, released, revision FROM signinglog
     WHERE make = ?1 AND model = ?2 AND serial_number = ?3
     ORDER BY revision DESC LIMIT 1";
/// The signing-log row, written only if the revision is the next one and the duplicate
/// policy allows it (hot path).
const LOG_SERIAL: &str =
    "INSERT INTO signinglog (make, model, serial_number, fingerprint, revision, created, assertion)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
     WHERE (SELECT COALESCE(MAX(revision), 0) FROM signinglog
            WHERE make = ?1 AND model = ?2 AND serial_number = ?3) = ?5 - 1
       AND NOT EXISTS (SELECT 1 FROM signinglog
            WHERE make = ?1 AND model = ?2 AND serial_number = ?3
              AND revision = ?5 - 1 AND fingerprint <> ?4 AND released = 0)";
/// A model's new API key.
const SET_API_KEY: &str = "UPDATE model SET api_key = ?3 WHERE brand_id = ?1 AND name = ?2";
/// A model's new `serial-authority`.
const SET_SERIAL_AUTHORITY: &str =
    "UPDATE model SET serial_authority = ?3 WHERE brand_id = ?1 AND name = ?2";
/// Expired nonces go when a request-id is made (hot path).
const PURGE_NONCES: &str = "DELETE FROM devicenonce WHERE timestamp < ?1";
/// A new nonce (hot path).
const INSERT_NONCE: &str = "INSERT INTO devicenonce (nonce, timestamp) VALUES (?1, ?2)";
/// A nonce's creation time, read before the costly checks of `/v1/serial` (hot path).
const NONCE_CREATED: &str = "SELECT timestamp FROM devicenonce WHERE nonce = ?1";

/// Whether `nonce` was live (created at most `ttl` before `now`), by `sql`: a statement
/// returning its creation time ([`NONCE_CREATED`] reads it, [`CONSUME_NONCE`] consumes it).
fn nonce_live(c: &Connection, sql: &str, nonce: &str, now: i64, ttl: i64) -> Result<bool, Error> {
    let created: Option<i64> = c
        .prepare_cached(sql)
        .and_then(|mut st| st.query_row([nonce], |r| r.get(0)).optional())
        .map_err(Error::db)?;
    Ok(created.is_some_and(|t| t >= now - ttl))
}
/// A nonce consumed, whatever its age (hot path).
const CONSUME_NONCE: &str = "DELETE FROM devicenonce WHERE nonce = ?1 RETURNING timestamp";

/// Runs a hot-path statement through the connection's statement cache, so that
/// SQLite parses and plans it once per connection rather than once per request.
fn cached_execute(
    c: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<usize, Error> {
    c.prepare_cached(sql)
        .and_then(|mut st| st.execute(params))
        .map_err(Error::db)
}

/// The duplicate policy: the next revision for the serial, or
/// [`Error::DuplicateSerial`] when its last row belongs to another key and was not released.
fn check_duplicate(
    tx: &Connection,
    make: &str,
    model: &str,
    serial: &str,
    fingerprint: &str,
) -> Result<i64, Error> {
    let last: Option<(String, bool, i64)> = tx
        .prepare_cached(LAST_LOG_ROW)
        .and_then(|mut st| {
            st.query_row(params![make, model, serial], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
        })
        .map_err(Error::db)?;
    match last {
        None => Ok(1),
        Some((fp, released, rev)) => {
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

/// Consumes `nonce`: whether it existed and was created at `now - ttl` or later. One
/// statement, as on PostgreSQL: the row is deleted (consumed) whatever its age, and an
/// expired one is refused. Expired rows nobody presents are purged when request-ids are
/// made (`create_nonce`).
fn consume(c: &Connection, nonce: &str, now: i64, ttl: i64) -> Result<bool, Error> {
    nonce_live(c, CONSUME_NONCE, nonce, now, ttl)
}

/// The model row (brand, model).
fn model_by_name(
    c: &Connection,
    brand_id: &str,
    model: &str,
) -> Result<Option<ModelRecord>, Error> {
    c.prepare_cached(MODEL_BY_NAME)
        .and_then(|mut st| st.query_row(params![brand_id, model], model_row).optional())
        .map_err(Error::db)
}

/// Creates the database file `path`, readable and writable by the vault's user only
/// (0600), if it does not exist yet: SQLite then gives its `-wal` and `-shm` files the
/// same mode. An existing file keeps its mode.
fn create_private(path: &str) -> Result<(), Error> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::io(format!("cannot create {path}"), e)),
    }
}

/// Sets up a connection: its busy timeout, foreign keys, and the query-planner stability
/// guarantee.
fn configure(conn: &Connection, busy_timeout: Duration) -> Result<(), Error> {
    conn.busy_timeout(busy_timeout).map_err(Error::db)?;
    conn.execute_batch("PRAGMA foreign_keys=ON;")
        .map_err(Error::db)?;
    // The bundled SQLite is built with STAT4, under which binding a new value to a
    // cached statement can expire it, so that each execution parsed and planned it
    // again (three statements a serial, ~130 K instructions each under callgrind).
    // The query-planner stability guarantee plans without looking at bound values.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
        .map_err(Error::db)?;
    Ok(())
}

impl SqliteStore {
    /// Opens (creating and migrating) the database at `path`; `:memory:` for a private
    /// in-memory database. Default [`DatabaseLimits`].
    pub async fn open(path: &str) -> Result<Self, Error> {
        Self::open_with(path, &DatabaseLimits::default()).await
    }

    /// [`SqliteStore::open`] under `limits`.
    pub async fn open_with(path: &str, limits: &DatabaseLimits) -> Result<Self, Error> {
        let path = path.to_string();
        let limits = *limits;
        tokio::task::spawn_blocking(move || Self::open_blocking_with(&path, &limits))
            .await
            .map_err(|e| Error::db(crate::error::DatabaseError::Task(e)))?
    }

    /// [`SqliteStore::open`] without a runtime.
    pub fn open_blocking(path: &str) -> Result<Self, Error> {
        Self::open_blocking_with(path, &DatabaseLimits::default())
    }

    /// [`SqliteStore::open_with`] without a runtime.
    pub fn open_blocking_with(path: &str, limits: &DatabaseLimits) -> Result<Self, Error> {
        limits.check()?;
        let busy = limits.busy_timeout;
        let memory = path == ":memory:" || path == "sqlite::memory:";
        let file = path.to_string();
        let writer = Lane::start("writer", limits, move || {
            let mut conn = if memory {
                Connection::open_in_memory()
            } else {
                create_private(&file)?;
                Connection::open(&file)
            }
            .map_err(Error::db)?;
            configure(&conn, busy)?;
            conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
                .map_err(Error::db)?;
            migrate(&mut conn)?;
            Ok(conn)
        })?;
        let reader = if memory {
            writer.clone()
        } else {
            let file = path.to_string();
            Lane::start("reader", limits, move || {
                let conn = Connection::open(&file).map_err(Error::db)?;
                configure(&conn, busy)?;
                conn.execute_batch("PRAGMA query_only=ON;")
                    .map_err(Error::db)?;
                Ok(conn)
            })?
        };
        Ok(Self {
            writer,
            reader,
            busy_timeout: busy,
        })
    }

    /// Runs `f`, which may write, on the writer thread.
    pub(super) async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        self.writer.run(f).await
    }

    /// Runs `f`, which only reads, on the reader thread.
    pub(super) async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        self.reader.run(f).await
    }

    /// Whether the database reads, and can take its write lock now: a lock another
    /// process holds is reported (`database is locked`) instead of waited for.
    pub(super) async fn health(&self) -> Result<(), Error> {
        self.read(|c| c.query_row("SELECT 1", [], |_| Ok(())).map_err(Error::db))
            .await?;
        let busy = self.busy_timeout;
        self.with(move |c| {
            c.busy_timeout(HEALTH_LOCK_WAIT).map_err(Error::db)?;
            let probe = c.execute_batch("BEGIN IMMEDIATE; ROLLBACK;");
            let restored = c.busy_timeout(busy);
            probe.map_err(Error::db)?;
            restored.map_err(Error::db)
        })
        .await
    }

    pub(super) async fn nonce_count(&self) -> Result<u64, Error> {
        self.read(|c| {
            c.query_row("SELECT count(*) FROM devicenonce", [], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(Error::db)
        })
        .await
        .map(|n| u64::try_from(n).unwrap_or(0))
    }

    pub(super) async fn create_nonce(
        &self,
        nonce: String,
        now: i64,
        ttl: i64,
    ) -> Result<(), Error> {
        self.with(move |c| {
            let tx = c.transaction().map_err(Error::db)?;
            cached_execute(&tx, PURGE_NONCES, [now - ttl])?;
            cached_execute(&tx, INSERT_NONCE, params![nonce, now])?;
            tx.commit().map_err(Error::db)
        })
        .await
    }

    pub(super) async fn nonce_exists(
        &self,
        nonce: String,
        now: i64,
        ttl: i64,
    ) -> Result<bool, Error> {
        self.read(move |c| nonce_live(c, NONCE_CREATED, &nonce, now, ttl))
            .await
    }

    pub(super) async fn consume_nonce(
        &self,
        nonce: String,
        now: i64,
        ttl: i64,
    ) -> Result<bool, Error> {
        self.with(move |c| consume(c, &nonce, now, ttl)).await
    }

    /// [`SqliteStore::consume_nonce`], then, if the nonce was valid, [`SqliteStore::model`]:
    /// one call to the writer thread instead of two.
    pub(super) async fn consume_nonce_for_model(
        &self,
        nonce: String,
        now: i64,
        ttl: i64,
        brand_id: String,
        model: String,
    ) -> Result<Option<Option<ModelRecord>>, Error> {
        self.with(move |c| {
            if !consume(c, &nonce, now, ttl)? {
                return Ok(None);
            }
            model_by_name(c, &brand_id, &model).map(Some)
        })
        .await
    }

    pub(super) async fn api_keys(&self) -> Result<Vec<String>, Error> {
        self.read(|c| {
            let mut st = c
                .prepare_cached("SELECT DISTINCT api_key FROM model")
                .map_err(Error::db)?;
            let rows = st.query_map([], |r| r.get(0)).map_err(Error::db)?;
            rows.collect::<Result<Vec<String>, _>>().map_err(Error::db)
        })
        .await
    }

    pub(super) async fn model(
        &self,
        brand_id: String,
        model: String,
    ) -> Result<Option<ModelRecord>, Error> {
        self.read(move |c| model_by_name(c, &brand_id, &model))
            .await
    }

    pub(super) async fn models(&self) -> Result<Vec<ModelRecord>, Error> {
        self.read(|c| {
            let mut st = c
                .prepare(&format!("{MODEL_SELECT} ORDER BY m.brand_id, m.name"))
                .map_err(Error::db)?;
            let rows = st.query_map([], model_row).map_err(Error::db)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(Error::db)
        })
        .await
    }

    pub(super) async fn add_model(
        &self,
        brand_id: String,
        model: String,
        key_id: String,
        api_key: String,
        serial_authority: String,
    ) -> Result<(), Error> {
        self.with(move |c| {
            let kp: Option<i64> = c
                .query_row("SELECT id FROM keypair WHERE key_id = ?1", [&key_id], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(Error::db)?;
            let kp = kp.ok_or_else(|| Error::NotFound {
                what: format!("key {key_id}"),
            })?;
            c.execute(
                "INSERT INTO model (brand_id, name, keypair_id, api_key, serial_authority)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![brand_id, model, kp, api_key, serial_authority],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Error::invalid_input(format!("model {brand_id}/{model} already exists"))
                }
                e => Error::db(e),
            })?;
            Ok(())
        })
        .await
    }

    pub(super) async fn set_model_key(
        &self,
        brand_id: String,
        model: String,
        key_id: String,
    ) -> Result<(), Error> {
        self.with(move |c| {
            let n = c
                .execute(
                    "UPDATE model SET keypair_id = (SELECT id FROM keypair WHERE key_id = ?3)
                     WHERE brand_id = ?1 AND name = ?2 AND EXISTS (SELECT 1 FROM keypair WHERE key_id = ?3)",
                    params![brand_id, model, key_id],
                )
                .map_err(Error::db)?;
            if n == 0 {
                return Err(Error::NotFound { what: format!("model {brand_id}/{model} or key {key_id}") });
            }
            Ok(())
        })
        .await
    }

    pub(super) async fn set_model_serial_authority(
        &self,
        brand_id: String,
        model: String,
        serial_authority: String,
    ) -> Result<(), Error> {
        self.update_model(SET_SERIAL_AUTHORITY, brand_id, model, serial_authority)
            .await
    }

    pub(super) async fn set_model_api_key(
        &self,
        brand_id: String,
        model: String,
        api_key: String,
    ) -> Result<(), Error> {
        self.update_model(SET_API_KEY, brand_id, model, api_key)
            .await
    }

    /// Runs `sql`, an update of one model row (`?1` brand, `?2` model, `?3` the value);
    /// [`Error::NotFound`] when there is no such model.
    async fn update_model(
        &self,
        sql: &'static str,
        brand_id: String,
        model: String,
        value: String,
    ) -> Result<(), Error> {
        self.with(move |c| {
            let n = c
                .execute(sql, params![brand_id, model, value])
                .map_err(Error::db)?;
            if n == 0 {
                return Err(Error::NotFound {
                    what: format!("model {brand_id}/{model}"),
                });
            }
            Ok(())
        })
        .await
    }

    pub(super) async fn add_keypair(&self, k: KeypairRecord) -> Result<(), Error> {
        self.with(move |c| {
            c.execute(
                &format!("INSERT INTO keypair ({KEYPAIR_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (key_id) DO NOTHING"),
                params![k.authority_id, k.key_id, k.key_name, k.active, k.sealed_key, k.account_assertion, k.account_key_assertion],
            )
            .map_err(Error::db)?;
            Ok(())
        })
        .await
    }

    pub(super) async fn keypair(&self, key_id: String) -> Result<Option<KeypairRecord>, Error> {
        self.read(move |c| {
            c.prepare_cached(&format!(
                "SELECT {KEYPAIR_COLS} FROM keypair WHERE key_id = ?1"
            ))
            .and_then(|mut st| st.query_row([key_id], keypair_row).optional())
            .map_err(Error::db)
        })
        .await
    }

    pub(super) async fn keypairs(&self) -> Result<Vec<KeypairRecord>, Error> {
        self.read(|c| {
            let mut st = c
                .prepare(&format!("SELECT {KEYPAIR_COLS} FROM keypair ORDER BY id"))
                .map_err(Error::db)?;
            let rows = st.query_map([], keypair_row).map_err(Error::db)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(Error::db)
        })
        .await
    }

    pub(super) async fn set_keypair_active(
        &self,
        key_id: String,
        active: bool,
    ) -> Result<(), Error> {
        self.with(move |c| {
            let n = c
                .execute(
                    "UPDATE keypair SET active = ?2 WHERE key_id = ?1",
                    params![key_id, active],
                )
                .map_err(Error::db)?;
            if n == 0 {
                return Err(Error::NotFound {
                    what: format!("key {key_id}"),
                });
            }
            Ok(())
        })
        .await
    }

    pub(super) async fn next_revision(
        &self,
        make: String,
        model: String,
        serial: String,
        fingerprint: String,
    ) -> Result<i64, Error> {
        self.read(move |c| check_duplicate(c, &make, &model, &serial, &fingerprint))
            .await
    }

    pub(super) async fn log_serial(&self, row: NewLogRow) -> Result<IssueOutcome, Error> {
        self.with(move |c| {
            // One statement: the row goes in only if `revision` follows the last logged
            // one and the duplicate policy allows it (UNIQUE (make, model, serial_number,
            // revision) backs it).
            let inserted = c.prepare_cached(LOG_SERIAL).and_then(|mut st| {
                st.execute(params![
                    row.make,
                    row.model,
                    row.serial_number,
                    row.fingerprint,
                    row.revision,
                    row.created,
                    row.assertion
                ])
            });
            match inserted {
                Ok(1) => Ok(IssueOutcome::Logged),
                // Refused: say why (the duplicate policy's error, or a revision taken).
                Ok(_) => {
                    check_duplicate(
                        c,
                        &row.make,
                        &row.model,
                        &row.serial_number,
                        &row.fingerprint,
                    )?;
                    Ok(IssueOutcome::RevisionTaken)
                }
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
                {
                    Ok(IssueOutcome::RevisionTaken)
                }
                Err(e) => Err(Error::db(e)),
            }
        })
        .await
    }

    pub(super) async fn signing_log(&self, f: LogFilter) -> Result<Vec<SigningLogRow>, Error> {
        self.read(move |c| {
            let mut st = c
                .prepare(
                    "SELECT id, make, model, serial_number, fingerprint, revision, created, released, assertion
                     FROM signinglog
                     WHERE (?1 IS NULL OR make = ?1) AND (?2 IS NULL OR model = ?2) AND (?3 IS NULL OR serial_number = ?3)
                     ORDER BY id DESC LIMIT ?4 OFFSET ?5",
                )
                .map_err(Error::db)?;
            let rows = st
                .query_map(
                    params![f.brand_id, f.model, f.serial, f.page_size(), f.offset.unwrap_or(0).max(0)],
                    log_row,
                )
                .map_err(Error::db)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(Error::db)
        })
        .await
    }

    pub(super) async fn release_serial(
        &self,
        make: String,
        model: String,
        serial: String,
    ) -> Result<u64, Error> {
        self.with(move |c| {
            let n = c
                .execute(
                    "UPDATE signinglog SET released = 1 WHERE make = ?1 AND model = ?2 AND serial_number = ?3",
                    params![make, model, serial],
                )
                .map_err(Error::db)?;
            Ok(n as u64)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// While another connection holds the write lock, reads go on (on the reader), a write
    /// fails after the busy timeout with a transient error, and the health check says
    /// the database is locked at once; all is well again once the lock goes.
    #[test]
    fn an_outside_lock_delays_writes_only() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.db");
        let limits = DatabaseLimits {
            busy_timeout: Duration::from_millis(300),
            ..DatabaseLimits::default()
        };
        let store = SqliteStore::open_blocking_with(path.to_str().unwrap(), &limits).unwrap();
        let outside = Connection::open(&path).unwrap();
        outside.execute_batch("BEGIN IMMEDIATE").unwrap();
        rt.block_on(async {
            let start = std::time::Instant::now();
            assert_eq!(store.api_keys().await.unwrap(), Vec::<String>::new());
            assert!(start.elapsed() < Duration::from_millis(250));
            let e = store.health().await.unwrap_err();
            assert!(e.is_transient(), "{e}");
            assert_eq!(e.to_string(), "database: database is locked");
            let start = std::time::Instant::now();
            let e = store.create_nonce("n".into(), 1000, 60).await.unwrap_err();
            assert!(e.is_transient(), "{e}");
            assert!(start.elapsed() >= Duration::from_millis(300));
        });
        outside.execute_batch("COMMIT").unwrap();
        rt.block_on(async {
            store.health().await.unwrap();
            store.create_nonce("n".into(), 1000, 60).await.unwrap();
            assert_eq!(store.nonce_count().await.unwrap(), 1);
        });
    }

    /// Binding new values must not expire a cached hot-path statement: under the bundled
    /// SQLite's STAT4 it did, and every request parsed and planned the statement again,
    /// until the store turned on the query-planner stability guarantee.
    #[test]
    fn hot_statements_are_prepared_once() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.db");
        let store = SqliteStore::open_blocking(path.to_str().unwrap()).unwrap();
        rt.block_on(async {
            store
                .add_keypair(KeypairRecord {
                    authority_id: "acme".into(),
                    key_id: "key".into(),
                    key_name: "serials".into(),
                    active: true,
                    sealed_key: String::new(),
                    account_assertion: None,
                    account_key_assertion: None,
                })
                .await
                .unwrap();
            store
                .add_model(
                    "acme".into(),
                    "m".into(),
                    "key".into(),
                    "api".into(),
                    String::new(),
                )
                .await
                .unwrap();
            for i in 0..4i64 {
                store
                    .create_nonce(format!("n{i}"), 1000 + i, 60)
                    .await
                    .unwrap();
                assert!(
                    store
                        .nonce_exists(format!("n{i}"), 1000 + i, 60)
                        .await
                        .unwrap()
                );
                assert!(
                    store
                        .consume_nonce(format!("n{i}"), 1000 + i, 60)
                        .await
                        .unwrap()
                );
                assert!(
                    store
                        .model("acme".into(), "m".into())
                        .await
                        .unwrap()
                        .is_some()
                );
                assert!(
                    store
                        .model("acme".into(), format!("other{i}"))
                        .await
                        .unwrap()
                        .is_none()
                );
                let serial = format!("S{i}");
                let revision = store
                    .next_revision("acme".into(), "m".into(), serial.clone(), "fp".into())
                    .await
                    .unwrap();
                let row = NewLogRow {
                    make: "acme".into(),
                    model: "m".into(),
                    serial_number: serial,
                    fingerprint: "fp".into(),
                    revision,
                    created: "2026-11-29T00:00:00Z".into(),
                    assertion: String::new(),
                };
                assert_eq!(store.log_serial(row).await.unwrap(), IssueOutcome::Logged);
            }
        });
        // The cache hands back the statement the store ran, on the thread that ran it;
        // SQLite counts its re-preparations.
        let reprepared = |lane: &Lane, statements: &'static [&'static str]| {
            rt.block_on(lane.run(move |c| {
                Ok(statements
                    .iter()
                    .map(|sql| {
                        let st = c.prepare_cached(sql).unwrap();
                        (*sql, st.get_status(rusqlite::StatementStatus::RePrepare))
                    })
                    .collect::<Vec<_>>())
            }))
            .unwrap()
        };
        let writes: &[&str] = &[LOG_SERIAL, PURGE_NONCES, INSERT_NONCE, CONSUME_NONCE];
        let reads: &[&str] = &[MODEL_BY_NAME, LAST_LOG_ROW, NONCE_CREATED];
        for (sql, n) in reprepared(&store.writer, writes)
            .into_iter()
            .chain(reprepared(&store.reader, reads))
        {
            assert_eq!(n, 0, "re-prepared: {sql}");
        }
    }
}
