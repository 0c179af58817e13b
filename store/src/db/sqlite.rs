//! SQLite backend: one file (WAL journal, created 0600), created and migrated on open.
//!
//! A small pool of connections, each behind its own mutex; a semaphore admits as many
//! statements at once as there are connections, and each runs on tokio's blocking pool.
//! Writes take the write lock when their transaction starts (`BEGIN IMMEDIATE`), so that
//! a waiting writer goes through `busy_timeout` instead of failing on a lock upgrade; if
//! it still times out, the error is `SQLITE_BUSY`, a transient [`Error::Database`].
//! `sqlite::memory:` is one private connection.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, ErrorCode, TransactionBehavior, params, params_from_iter};
use tokio::sync::Semaphore;

use super::records::{
    AssertionRecord, CredentialRecord, NewRevision, ReleaseRecord, RevisionRecord, SnapRecord,
};
use super::schema::{self as s, Row};
use crate::error::Error;

/// Connections to a database file.
const POOL_SIZE: usize = 4;
/// How long a statement waits for another connection's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The SQLite database.
#[derive(Clone)]
pub(super) struct SqliteDb {
    conns: Arc<[Mutex<Connection>]>,
    permits: Arc<Semaphore>,
}

impl std::fmt::Debug for SqliteDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteDb")
            .field("connections", &self.conns.len())
            .finish()
    }
}

/// The error of a statement: transient when the database was busy or locked.
fn sql_err(context: &'static str) -> impl Fn(rusqlite::Error) -> Error {
    move |e| {
        let transient = matches!(
            e.sqlite_error_code(),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
        );
        Error::database(context, transient, Some(Box::new(e) as crate::error::Cause))
    }
}

/// Whether `e` is a UNIQUE or PRIMARY KEY violation.
fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

/// A shared statement in SQLite's placeholders: `$N` becomes `?N` (explicit indexes).
fn q(sql: &str) -> Cow<'_, str> {
    if !sql.contains('$') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

impl Row for rusqlite::Row<'_> {
    fn text(&self, i: usize) -> Result<String, Error> {
        self.get(i).map_err(sql_err("cannot read a column"))
    }
    fn int(&self, i: usize) -> Result<i64, Error> {
        self.get(i).map_err(sql_err("cannot read a column"))
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, Error> {
        self.get(i).map_err(sql_err("cannot read a column"))
    }
}

impl rusqlite::ToSql for s::Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            s::Value::Int(i) => i.to_sql(),
            s::Value::Text(t) => t.to_sql(),
        }
    }
}

/// Runs a query and maps every row.
fn query<T>(
    c: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    map: impl Fn(&rusqlite::Row<'_>) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    let err = sql_err("cannot query the database");
    let mut st = c.prepare_cached(&q(sql)).map_err(&err)?;
    let mut rows = st.query(params).map_err(&err)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(&err)? {
        out.push(map(r)?);
    }
    Ok(out)
}

/// Runs a query for at most one row.
fn query_opt<T>(
    c: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    map: impl Fn(&rusqlite::Row<'_>) -> Result<T, Error>,
) -> Result<Option<T>, Error> {
    Ok(query(c, sql, params, map)?.into_iter().next())
}

/// Runs a statement; the number of rows changed.
fn execute(c: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
    c.prepare_cached(&q(sql))?.execute(params)
}

fn json_list<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string())
}

/// `IN` over a JSON array bound to `?1`.
const IN_JSON: &str = "(SELECT value FROM json_each(?1))";

fn configure(c: &Connection) -> Result<(), Error> {
    let err = sql_err("cannot configure the database connection");
    c.busy_timeout(BUSY_TIMEOUT).map_err(&err)?;
    c.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
        .map_err(&err)
}

fn migrate(c: &mut Connection) -> Result<(), Error> {
    let err = sql_err("cannot migrate the database");
    let tx = c
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(&err)?;
    tx.execute_batch(s::CREATE_SCHEMA_VERSION).map_err(&err)?;
    let version: i64 = tx
        .query_row(s::SCHEMA_VERSION, [], |r| r.get(0))
        .map_err(&err)?;
    let start = usize::try_from(version.max(0)).unwrap_or(usize::MAX);
    for (i, m) in s::MIGRATIONS.iter().enumerate().skip(start) {
        tx.execute_batch(m).map_err(&err)?;
        let v = i64::try_from(i + 1).unwrap_or(i64::MAX);
        tx.execute(&q(s::RECORD_VERSION), [v]).map_err(&err)?;
    }
    tx.commit().map_err(&err)
}

/// Creates the database file readable by its owner only, unless it exists.
fn create_private(path: &str) -> Result<(), Error> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .map(drop)
        .map_err(|e| Error::io(format!("cannot create the database {path}"), e))
}

impl SqliteDb {
    /// Opens (creating and migrating) the database at `path`, or a private in-memory
    /// database for `:memory:`.
    pub(super) async fn open(path: &str) -> Result<Self, Error> {
        let path = path.to_string();
        tokio::task::spawn_blocking(move || Self::open_blocking(&path))
            .await
            .map_err(|e| {
                Error::database("opening the database failed", false, Some(Box::new(e) as _))
            })?
    }

    fn open_blocking(path: &str) -> Result<Self, Error> {
        let err = sql_err("cannot open the database");
        let memory = path == ":memory:";
        let n = if memory { 1 } else { POOL_SIZE };
        if !memory {
            create_private(path)?;
        }
        let mut conns = Vec::with_capacity(n);
        for i in 0..n {
            let mut c = if memory {
                Connection::open_in_memory()
            } else {
                Connection::open(path)
            }
            .map_err(&err)?;
            configure(&c)?;
            if i == 0 {
                migrate(&mut c)?;
            }
            conns.push(Mutex::new(c));
        }
        Ok(SqliteDb {
            conns: conns.into(),
            permits: Arc::new(Semaphore::new(n)),
        })
    }

    /// Runs `f` on a free connection, on the blocking pool.
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|e| {
                Error::database("the database is closed", false, Some(Box::new(e) as _))
            })?;
        let conns = Arc::clone(&self.conns);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut guard = free_connection(&conns);
            f(&mut guard)
        })
        .await
        .map_err(|e| Error::database("a database task failed", false, Some(Box::new(e) as _)))?
    }

    /// Runs `f` in a transaction that holds the write lock from its start.
    async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        self.with(move |c| {
            let err = sql_err("cannot write to the database");
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(&err)?;
            let out = f(&tx)?;
            tx.commit().map_err(&err)?;
            Ok(out)
        })
        .await
    }

    pub(super) async fn health(&self) -> Result<(), Error> {
        self.with(|c| {
            c.query_row("SELECT 1", [], |_| Ok(()))
                .map_err(sql_err("the database does not answer"))
        })
        .await
    }

    pub(super) async fn setting(&self, key: String) -> Result<Option<String>, Error> {
        self.with(move |c| query_opt(c, s::SETTING, [key], |r| r.text(0)))
            .await
    }

    pub(super) async fn setting_or_insert(
        &self,
        key: String,
        value: String,
    ) -> Result<String, Error> {
        self.write(move |tx| {
            execute(tx, s::INSERT_SETTING, [&key, &value])
                .map_err(sql_err("cannot store a setting"))?;
            query_opt(tx, s::SETTING, [&key], |r| r.text(0))?
                .ok_or_else(|| s::corrupt(format!("setting {key} vanished")))
        })
        .await
    }

    pub(super) async fn put_assertion(&self, rec: AssertionRecord) -> Result<bool, Error> {
        self.with(move |c| {
            let n = execute(
                c,
                s::PUT_ASSERTION,
                params![
                    rec.assertion_type,
                    s::key_text(&rec.primary_key),
                    rec.revision,
                    rec.snap_id,
                    rec.text
                ],
            )
            .map_err(sql_err("cannot store an assertion"))?;
            Ok(n > 0)
        })
        .await
    }

    pub(super) async fn assertion(
        &self,
        assertion_type: String,
        primary_key: String,
    ) -> Result<Option<AssertionRecord>, Error> {
        self.with(move |c| {
            query_opt(c, s::ASSERTION, [assertion_type, primary_key], |r| {
                s::assertion_row(r)
            })
        })
        .await
    }

    pub(super) async fn assertions_of_type(
        &self,
        assertion_type: String,
    ) -> Result<Vec<AssertionRecord>, Error> {
        self.with(move |c| {
            query(c, s::ASSERTIONS_OF_TYPE, [assertion_type], |r| {
                s::assertion_row(r)
            })
        })
        .await
        .map(s::sort_by_key)
    }

    pub(super) async fn assertions_in_sequences(
        &self,
        assertion_type: String,
        prefixes: Vec<String>,
    ) -> Result<Vec<AssertionRecord>, Error> {
        let sql = format!(
            "{}(SELECT value AS p FROM json_each(?2)){}",
            s::ASSERTIONS_IN_SEQUENCES,
            s::IN_SEQUENCE
        );
        let prefixes = json_list(&prefixes);
        self.with(move |c| query(c, &sql, [assertion_type, prefixes], |r| s::assertion_row(r)))
            .await
            .map(s::sort_by_key)
    }

    pub(super) async fn register_name(&self, rec: SnapRecord) -> Result<(), Error> {
        self.write(move |tx| {
            let at = s::ts_text(rec.registered_at);
            match execute(
                tx,
                s::REGISTER_NAME,
                params![rec.snap_id, rec.name, rec.publisher_id, at],
            ) {
                Ok(_) => Ok(()),
                Err(e) if is_unique_violation(&e) => {
                    let name_taken =
                        query_opt(tx, s::SNAP_BY_NAME, [&rec.name], |r| s::snap_row(r))?.is_some();
                    Err(s::name_conflict(&rec, name_taken))
                }
                Err(e) => Err(sql_err("cannot register a name")(e)),
            }
        })
        .await
    }

    pub(super) async fn snap_by(
        &self,
        by_name: bool,
        key: String,
    ) -> Result<Option<SnapRecord>, Error> {
        let sql = s::snap_by(by_name);
        self.with(move |c| query_opt(c, sql, [key], |r| s::snap_row(r)))
            .await
    }

    pub(super) async fn snaps_by(
        &self,
        by_name: bool,
        keys: &[String],
    ) -> Result<Vec<SnapRecord>, Error> {
        let sql = s::snaps_by(by_name, IN_JSON);
        let keys = json_list(&keys);
        self.with(move |c| query(c, &sql, [keys], |r| s::snap_row(r)))
            .await
    }

    pub(super) async fn search_snaps(
        &self,
        needle: String,
        limit: u32,
    ) -> Result<Vec<SnapRecord>, Error> {
        let sql = format!(
            "{} WHERE instr(name, ?1) > 0 ORDER BY name LIMIT ?2",
            s::SEARCH_SNAPS_SELECT
        );
        self.with(move |c| query(c, &sql, params![needle, limit], |r| s::snap_row(r)))
            .await
    }

    pub(super) async fn add_revision(&self, rev: NewRevision) -> Result<RevisionRecord, Error> {
        s::size_int(rev.size)?;
        self.write(move |tx| {
            let n: i64 = query_opt(tx, s::NEXT_REVISION, [&rev.snap_id], |r| r.int(0))?
                .ok_or_else(|| s::no_snap(&rev.snap_id))?;
            let revision = s::allocated_revision(n, &rev.snap_id)?;
            let values = s::revision_values(n, &rev)?;
            match execute(tx, s::INSERT_REVISION, params_from_iter(values.iter())) {
                Ok(_) => Ok(RevisionRecord {
                    revision,
                    data: rev,
                }),
                Err(e) if is_unique_violation(&e) => Err(s::digest_conflict(&rev)),
                Err(e) => Err(sql_err("cannot add a revision")(e)),
            }
        })
        .await
    }

    pub(super) async fn revision(
        &self,
        snap_id: String,
        revision: u32,
    ) -> Result<Option<RevisionRecord>, Error> {
        self.with(move |c| {
            query_opt(c, s::REVISION, params![snap_id, revision], |r| {
                s::revision_row(r)
            })
        })
        .await
    }

    pub(super) async fn revisions(&self, snap_id: String) -> Result<Vec<RevisionRecord>, Error> {
        self.with(move |c| query(c, s::REVISIONS, [snap_id], |r| s::revision_row(r)))
            .await
    }

    pub(super) async fn revisions_by_keys(
        &self,
        keys: &[(String, u32)],
    ) -> Result<Vec<RevisionRecord>, Error> {
        let sql = format!(
            "{}(SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1)) \
             ORDER BY snap_id, revision",
            s::REVISIONS_BY_KEYS
        );
        let keys = json_list(&keys);
        self.with(move |c| query(c, &sql, [keys], |r| s::revision_row(r)))
            .await
    }

    pub(super) async fn revision_by_digest(
        &self,
        sha3_384: String,
    ) -> Result<Option<RevisionRecord>, Error> {
        self.with(move |c| query_opt(c, s::REVISION_BY_DIGEST, [sha3_384], |r| s::revision_row(r)))
            .await
    }

    pub(super) async fn release(
        &self,
        key: [String; 5],
        revision: u32,
        at: String,
    ) -> Result<(), Error> {
        self.with(move |c| {
            let [snap_id, arch, track, risk, branch] = &key;
            let n = execute(
                c,
                s::RELEASE,
                params![snap_id, arch, track, risk, branch, revision, at],
            )
            .map_err(sql_err("cannot release a revision"))?;
            if n == 0 {
                return Err(s::no_revision(snap_id, revision));
            }
            Ok(())
        })
        .await
    }

    pub(super) async fn close(&self, key: [String; 4], at: String) -> Result<(), Error> {
        self.with(move |c| {
            let [snap_id, track, risk, branch] = &key;
            execute(c, s::CLOSE, params![snap_id, track, risk, branch, at])
                .map_err(sql_err("cannot close a channel"))?;
            Ok(())
        })
        .await
    }

    pub(super) async fn releases(&self, snap_ids: &[String]) -> Result<Vec<ReleaseRecord>, Error> {
        let sql = format!("{}{IN_JSON}{}", s::RELEASES, s::RELEASES_ORDER);
        let ids = json_list(&snap_ids);
        self.with(move |c| query(c, &sql, [ids], |r| s::release_row(r)))
            .await
    }

    pub(super) async fn issue_nonce(&self, nonce: String, expires: i64) -> Result<(), Error> {
        self.with(
            move |c| match execute(c, s::ISSUE_NONCE, params![nonce, expires]) {
                Ok(_) => Ok(()),
                Err(e) if is_unique_violation(&e) => {
                    Err(Error::Conflict("the nonce exists".into()))
                }
                Err(e) => Err(sql_err("cannot store a nonce")(e)),
            },
        )
        .await
    }

    pub(super) async fn consume_nonce(&self, nonce: String, now: i64) -> Result<bool, Error> {
        self.write(move |tx| {
            let live =
                query_opt(tx, s::CONSUME_NONCE, params![nonce, now], |r| r.text(0))?.is_some();
            execute(tx, s::PURGE_NONCES, [now]).map_err(sql_err("cannot purge nonces"))?;
            Ok(live)
        })
        .await
    }

    pub(super) async fn add_credential(&self, rec: CredentialRecord) -> Result<(), Error> {
        self.with(move |c| {
            let (scope, publisher) = s::scope_cols(&rec.scope);
            let at = s::ts_text(rec.created_at);
            match execute(
                c,
                s::ADD_CREDENTIAL,
                params![rec.id, rec.secret_sha3_384, scope, publisher, at],
            ) {
                Ok(_) => Ok(()),
                Err(e) if is_unique_violation(&e) => {
                    Err(Error::Conflict(format!("credential {:?} exists", rec.id)))
                }
                Err(e) => Err(sql_err("cannot store a credential")(e)),
            }
        })
        .await
    }

    pub(super) async fn credential(&self, id: String) -> Result<Option<CredentialRecord>, Error> {
        self.with(move |c| query_opt(c, s::CREDENTIAL, [id], |r| s::credential_row(r)))
            .await
    }
}

/// A connection no other statement holds. The semaphore admits at most as many callers
/// as there are connections, so one is free; should none be, the first is waited for.
fn free_connection(conns: &[Mutex<Connection>]) -> MutexGuard<'_, Connection> {
    for m in conns {
        match m.try_lock() {
            Ok(g) => return g,
            // A statement panicked while holding it: its transaction rolled back when
            // it unwound, so the connection is sound.
            Err(std::sync::TryLockError::Poisoned(p)) => return p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {}
        }
    }
    #[allow(clippy::indexing_slicing)] // a pool has at least one connection
    conns[0]
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_sqlite_ones() {
        assert_eq!(q("a = $1 AND b = $12"), "a = ?1 AND b = ?12");
        assert_eq!(
            q("json_extract(value, '$[0]')"),
            "json_extract(value, '$[0]')"
        );
    }

    #[tokio::test]
    async fn busy_database_is_transient() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let path = path.to_str().unwrap();
        let db = SqliteDb::open(path).await.unwrap();
        let other = Connection::open(path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let e = db
            .with(|c| {
                c.busy_timeout(Duration::from_millis(10)).unwrap();
                let r = execute(c, s::INSERT_SETTING, ["k", "v"]).map_err(sql_err("x"));
                c.busy_timeout(BUSY_TIMEOUT).unwrap();
                r
            })
            .await
            .unwrap_err();
        assert!(
            e.http_status() == 503 && e.code() == "service-unavailable",
            "{e:?}"
        );
    }

    #[tokio::test]
    async fn file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        SqliteDb::open(path.to_str().unwrap()).await.unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
