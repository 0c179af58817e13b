//! PostgreSQL backend (cargo feature `postgres`): the schema and semantics of the SQLite
//! database, for several store replicas on one database.
//!
//! A `deadpool-postgres` pool of `tokio-postgres` connections (plain TCP: run the database
//! on the store's host or a private network). Migrations run on open under a
//! transaction-scoped advisory lock, so that replicas starting together migrate once.
//! Replica safety comes from single statements: a revision number is taken with `UPDATE
//! snaps SET last_revision = last_revision + 1 … RETURNING` (the row lock orders
//! concurrent uploads; the insert runs in the same transaction, so a refused file gives
//! its number back), a nonce is consumed with `DELETE … RETURNING` (exactly one of
//! concurrent deletes gets the row), and an assertion is replaced with `ON CONFLICT … DO
//! UPDATE … WHERE` the revision is higher. Connection and pool failures, serialization
//! failures and deadlocks are transient [`Error::Database`]s.

use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;

use super::records::{
    AssertionRecord, CredentialRecord, NewRevision, ReleaseRecord, RevisionRecord, SnapRecord,
};
use super::schema::{self as s, Row};
use crate::error::Error;

/// Advisory-lock key serialising migrations across replicas ("ucstore" in ASCII).
const MIGRATION_LOCK: i64 = 0x0075_6373_746f_7265;

/// Connections per store process.
const POOL_SIZE: usize = 16;

/// The PostgreSQL database.
#[derive(Clone)]
pub(super) struct PostgresDb {
    pool: Pool,
}

impl std::fmt::Debug for PostgresDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: not shown.
        f.debug_struct("PostgresDb").finish_non_exhaustive()
    }
}

/// Whether retrying may help: the connection, the server's state, or a lost race.
fn transient(e: &tokio_postgres::Error) -> bool {
    match e.code() {
        None => true,
        Some(c) => {
            c.code().starts_with("08")
                || c.code().starts_with("57P")
                || *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED
                || *c == SqlState::TOO_MANY_CONNECTIONS
                || *c == SqlState::LOCK_NOT_AVAILABLE
        }
    }
}

/// The server's message joined to tokio-postgres' own (which says only `db error`).
fn pg_err(context: &'static str) -> impl Fn(tokio_postgres::Error) -> Error {
    move |e| {
        let message = match e.as_db_error() {
            Some(db) => format!("{context}: {}", db.message()),
            None => context.to_string(),
        };
        let t = transient(&e);
        Error::database(message, t, Some(Box::new(e) as crate::error::Cause))
    }
}

fn is_unique_violation(e: &tokio_postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

impl Row for tokio_postgres::Row {
    fn text(&self, i: usize) -> Result<String, Error> {
        self.try_get(i).map_err(pg_err("cannot read a column"))
    }
    fn int(&self, i: usize) -> Result<i64, Error> {
        self.try_get(i).map_err(pg_err("cannot read a column"))
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, Error> {
        self.try_get(i).map_err(pg_err("cannot read a column"))
    }
}

type Params<'a> = [&'a (dyn ToSql + Sync)];

/// Runs a (cached) query and maps every row.
async fn query<T>(
    c: &impl GenericClient,
    sql: &str,
    params: &Params<'_>,
    map: impl Fn(&tokio_postgres::Row) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    let err = pg_err("cannot query the database");
    let st = c.prepare_cached(sql).await.map_err(&err)?;
    let rows = c.query(&st, params).await.map_err(&err)?;
    rows.iter().map(map).collect()
}

async fn query_opt<T>(
    c: &impl GenericClient,
    sql: &str,
    params: &Params<'_>,
    map: impl Fn(&tokio_postgres::Row) -> Result<T, Error>,
) -> Result<Option<T>, Error> {
    Ok(query(c, sql, params, map).await?.into_iter().next())
}

/// Runs a (cached) statement; the number of rows changed.
async fn execute(
    c: &impl GenericClient,
    sql: &str,
    params: &Params<'_>,
) -> Result<u64, tokio_postgres::Error> {
    let st = c.prepare_cached(sql).await?;
    c.execute(&st, params).await
}

/// `IN` over a text array bound to `$1`.
const IN_ARRAY: &str = "(SELECT unnest(CAST($1 AS TEXT[])))";

impl PostgresDb {
    /// Connects to `url` (`postgres://user:password@host:port/database`) and runs the
    /// migrations.
    pub(super) async fn open(url: &str) -> Result<Self, Error> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| Error::Config(format!("bad PostgreSQL URL: {e}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|e| Error::Config(format!("cannot make the PostgreSQL pool: {e}")))?;
        let db = PostgresDb { pool };
        db.migrate().await?;
        Ok(db)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, Error> {
        self.pool.get().await.map_err(|e| {
            Error::database(
                format!("cannot connect to the database: {e}"),
                true,
                Some(Box::new(e) as crate::error::Cause),
            )
        })
    }

    async fn migrate(&self) -> Result<(), Error> {
        let err = pg_err("cannot migrate the database");
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(&err)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(&err)?;
        tx.batch_execute(s::CREATE_SCHEMA_VERSION)
            .await
            .map_err(&err)?;
        let version: i64 = tx
            .query_one(s::SCHEMA_VERSION, &[])
            .await
            .map_err(&err)?
            .int(0)?;
        let start = usize::try_from(version.max(0)).unwrap_or(usize::MAX);
        for (i, m) in s::MIGRATIONS.iter().enumerate().skip(start) {
            tx.batch_execute(m).await.map_err(&err)?;
            let v = i64::try_from(i + 1).unwrap_or(i64::MAX);
            tx.execute(s::RECORD_VERSION, &[&v]).await.map_err(&err)?;
        }
        tx.commit().await.map_err(&err)
    }

    pub(super) async fn health(&self) -> Result<(), Error> {
        self.client()
            .await?
            .query_one("SELECT 1", &[])
            .await
            .map_err(pg_err("the database does not answer"))?;
        Ok(())
    }

    pub(super) async fn setting(&self, key: &str) -> Result<Option<String>, Error> {
        let c = self.client().await?;
        query_opt(&c, s::SETTING, &[&key], |r| r.text(0)).await
    }

    pub(super) async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, Error> {
        let c = self.client().await?;
        execute(&c, s::INSERT_SETTING, &[&key, &value])
            .await
            .map_err(pg_err("cannot store a setting"))?;
        query_opt(&c, s::SETTING, &[&key], |r| r.text(0))
            .await?
            .ok_or_else(|| s::corrupt(format!("setting {key} vanished")))
    }

    pub(super) async fn put_assertion(&self, rec: &AssertionRecord) -> Result<bool, Error> {
        let c = self.client().await?;
        let key = s::key_text(&rec.primary_key);
        let n = execute(
            &c,
            s::PUT_ASSERTION,
            &[
                &rec.assertion_type,
                &key,
                &rec.revision,
                &rec.snap_id,
                &rec.text,
            ],
        )
        .await
        .map_err(pg_err("cannot store an assertion"))?;
        Ok(n > 0)
    }

    pub(super) async fn assertion(
        &self,
        assertion_type: &str,
        primary_key: &str,
    ) -> Result<Option<AssertionRecord>, Error> {
        let c = self.client().await?;
        query_opt(
            &c,
            s::ASSERTION,
            &[&assertion_type, &primary_key],
            s::assertion_row,
        )
        .await
    }

    pub(super) async fn assertions_of_type(
        &self,
        assertion_type: &str,
    ) -> Result<Vec<AssertionRecord>, Error> {
        let c = self.client().await?;
        query(
            &c,
            s::ASSERTIONS_OF_TYPE,
            &[&assertion_type],
            s::assertion_row,
        )
        .await
        .map(s::sort_by_key)
    }

    pub(super) async fn assertions_in_sequences(
        &self,
        assertion_type: &str,
        prefixes: &[String],
    ) -> Result<Vec<AssertionRecord>, Error> {
        let sql = format!(
            "{}(SELECT unnest(CAST($2 AS TEXT[])) AS p) AS prefixes{}",
            s::ASSERTIONS_IN_SEQUENCES,
            s::IN_SEQUENCE
        );
        let c = self.client().await?;
        query(&c, &sql, &[&assertion_type, &prefixes], s::assertion_row)
            .await
            .map(s::sort_by_key)
    }

    pub(super) async fn register_name(&self, rec: &SnapRecord) -> Result<(), Error> {
        let c = self.client().await?;
        let at = s::ts_text(rec.registered_at);
        match execute(
            &c,
            s::REGISTER_NAME,
            &[&rec.snap_id, &rec.name, &rec.publisher_id, &at],
        )
        .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => {
                let name_taken = query_opt(&c, s::SNAP_BY_NAME, &[&rec.name], s::snap_row)
                    .await?
                    .is_some();
                Err(s::name_conflict(rec, name_taken))
            }
            Err(e) => Err(pg_err("cannot register a name")(e)),
        }
    }

    pub(super) async fn snap_by(
        &self,
        by_name: bool,
        key: &str,
    ) -> Result<Option<SnapRecord>, Error> {
        let sql = s::snap_by(by_name);
        let c = self.client().await?;
        query_opt(&c, sql, &[&key], s::snap_row).await
    }

    pub(super) async fn snaps_by(
        &self,
        by_name: bool,
        keys: &[String],
    ) -> Result<Vec<SnapRecord>, Error> {
        let sql = s::snaps_by(by_name, IN_ARRAY);
        let c = self.client().await?;
        query(&c, &sql, &[&keys], s::snap_row).await
    }

    pub(super) async fn search_snaps(
        &self,
        needle: &str,
        limit: u32,
    ) -> Result<Vec<SnapRecord>, Error> {
        let sql = format!(
            "{} WHERE strpos(name, $1) > 0 ORDER BY name LIMIT $2",
            s::SEARCH_SNAPS_SELECT
        );
        let c = self.client().await?;
        query(&c, &sql, &[&needle, &i64::from(limit)], s::snap_row).await
    }

    pub(super) async fn add_revision(&self, rev: &NewRevision) -> Result<RevisionRecord, Error> {
        s::size_int(rev.size)?;
        let err = pg_err("cannot add a revision");
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(&err)?;
        let n: i64 = query_opt(&tx, s::NEXT_REVISION, &[&rev.snap_id], |r| r.int(0))
            .await?
            .ok_or_else(|| s::no_snap(&rev.snap_id))?;
        let revision = s::allocated_revision(n, &rev.snap_id)?;
        let values = s::revision_values(n, rev)?;
        let params: Vec<&(dyn ToSql + Sync)> = values
            .iter()
            .map(|v| match v {
                s::Value::Int(i) => i as &(dyn ToSql + Sync),
                s::Value::Text(t) => t,
            })
            .collect();
        match execute(&tx, s::INSERT_REVISION, &params).await {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(s::digest_conflict(rev)),
            Err(e) => return Err(err(e)),
        }
        tx.commit().await.map_err(&err)?;
        Ok(RevisionRecord {
            revision,
            data: rev.clone(),
        })
    }

    pub(super) async fn revision(
        &self,
        snap_id: &str,
        revision: u32,
    ) -> Result<Option<RevisionRecord>, Error> {
        let c = self.client().await?;
        query_opt(
            &c,
            s::REVISION,
            &[&snap_id, &i64::from(revision)],
            s::revision_row,
        )
        .await
    }

    pub(super) async fn revisions(&self, snap_id: &str) -> Result<Vec<RevisionRecord>, Error> {
        let c = self.client().await?;
        query(&c, s::REVISIONS, &[&snap_id], s::revision_row).await
    }

    pub(super) async fn revisions_by_keys(
        &self,
        keys: &[(String, u32)],
    ) -> Result<Vec<RevisionRecord>, Error> {
        let ids: Vec<&str> = keys.iter().map(|(id, _)| id.as_str()).collect();
        let revisions: Vec<i64> = keys.iter().map(|(_, r)| i64::from(*r)).collect();
        let sql = format!(
            "{}(SELECT * FROM unnest(CAST($1 AS TEXT[]), CAST($2 AS BIGINT[]))) \
             ORDER BY snap_id, revision",
            s::REVISIONS_BY_KEYS
        );
        let c = self.client().await?;
        query(&c, &sql, &[&ids, &revisions], s::revision_row).await
    }

    pub(super) async fn revision_by_digest(
        &self,
        sha3_384: &str,
    ) -> Result<Option<RevisionRecord>, Error> {
        let c = self.client().await?;
        query_opt(&c, s::REVISION_BY_DIGEST, &[&sha3_384], s::revision_row).await
    }

    pub(super) async fn release(
        &self,
        key: &[String; 5],
        revision: u32,
        at: &str,
    ) -> Result<(), Error> {
        let [snap_id, arch, track, risk, branch] = key;
        let c = self.client().await?;
        let n = execute(
            &c,
            s::RELEASE,
            &[
                snap_id,
                arch,
                track,
                risk,
                branch,
                &i64::from(revision),
                &at,
            ],
        )
        .await
        .map_err(pg_err("cannot release a revision"))?;
        if n == 0 {
            return Err(s::no_revision(snap_id, revision));
        }
        Ok(())
    }

    pub(super) async fn close(&self, key: &[String; 4], at: &str) -> Result<(), Error> {
        let [snap_id, track, risk, branch] = key;
        let c = self.client().await?;
        execute(&c, s::CLOSE, &[snap_id, track, risk, branch, &at])
            .await
            .map_err(pg_err("cannot close a channel"))?;
        Ok(())
    }

    pub(super) async fn releases(&self, snap_ids: &[String]) -> Result<Vec<ReleaseRecord>, Error> {
        let sql = format!("{}{IN_ARRAY}{}", s::RELEASES, s::RELEASES_ORDER);
        let c = self.client().await?;
        query(&c, &sql, &[&snap_ids], s::release_row).await
    }

    pub(super) async fn issue_nonce(&self, nonce: &str, expires: i64) -> Result<(), Error> {
        let c = self.client().await?;
        match execute(&c, s::ISSUE_NONCE, &[&nonce, &expires]).await {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(Error::Conflict("the nonce exists".into())),
            Err(e) => Err(pg_err("cannot store a nonce")(e)),
        }
    }

    pub(super) async fn consume_nonce(&self, nonce: &str, now: i64) -> Result<bool, Error> {
        let c = self.client().await?;
        let live = query_opt(&c, s::CONSUME_NONCE, &[&nonce, &now], |r| r.text(0))
            .await?
            .is_some();
        execute(&c, s::PURGE_NONCES, &[&now])
            .await
            .map_err(pg_err("cannot purge nonces"))?;
        Ok(live)
    }

    pub(super) async fn add_credential(&self, rec: &CredentialRecord) -> Result<(), Error> {
        let (scope, publisher) = s::scope_cols(&rec.scope);
        let at = s::ts_text(rec.created_at);
        let c = self.client().await?;
        match execute(
            &c,
            s::ADD_CREDENTIAL,
            &[&rec.id, &rec.secret_sha3_384, &scope, &publisher, &at],
        )
        .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => {
                Err(Error::Conflict(format!("credential {:?} exists", rec.id)))
            }
            Err(e) => Err(pg_err("cannot store a credential")(e)),
        }
    }

    pub(super) async fn credential(&self, id: &str) -> Result<Option<CredentialRecord>, Error> {
        let c = self.client().await?;
        query_opt(&c, s::CREDENTIAL, &[&id], s::credential_row).await
    }
}
