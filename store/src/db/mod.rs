//! The store's database: names, revisions, releases, the assertions it serves, nonces,
//! publishing credentials and settings.
//!
//! [`Db`] is one type over the backends, chosen by the database URL: SQLite (embedded
//! default, one file, created and migrated on open) and, with the cargo feature
//! `postgres`, PostgreSQL (several store replicas on one database). Both have the same
//! schema and the same semantics. Every method is `async`; the SQLite backend runs its
//! statements on tokio's blocking pool, never on the async workers.

#[macro_use]
mod schema;
#[cfg(feature = "postgres")]
mod postgres;
mod records;
mod sqlite;

pub use records::{
    AssertionRecord, CredentialRecord, CredentialScope, NewRevision, ReleaseRecord, RevisionRecord,
    SnapRecord,
};

use ucore_assertions::Timestamp;

use crate::channel::Channel;
use crate::error::Error;

/// A store database.
#[derive(Clone, Debug)]
pub struct Db {
    backend: Backend,
}

#[derive(Clone, Debug)]
enum Backend {
    Sqlite(sqlite::SqliteDb),
    #[cfg(feature = "postgres")]
    Postgres(postgres::PostgresDb),
}

/// Calls the SQLite backend (with owned arguments: they move to the blocking pool) or the
/// PostgreSQL one.
macro_rules! dispatch {
    ($self:ident, $s:ident => $e:expr, $p:ident => $pe:expr) => {
        match &$self.backend {
            Backend::Sqlite($s) => $e,
            #[cfg(feature = "postgres")]
            Backend::Postgres($p) => $pe,
        }
    };
}

/// Whether `url` names a PostgreSQL database.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

impl Db {
    /// Opens a database from a URL: `sqlite::memory:`, `sqlite://PATH` or a plain path,
    /// or `postgres://…` (cargo feature `postgres`). Creates and migrates the schema.
    /// A new SQLite file is created readable by its owner only.
    pub async fn open(url: &str) -> Result<Db, Error> {
        if is_postgres_url(url) {
            #[cfg(feature = "postgres")]
            return Ok(Db {
                backend: Backend::Postgres(postgres::PostgresDb::open(url).await?),
            });
            #[cfg(not(feature = "postgres"))]
            return Err(Error::Config(
                "this build has no PostgreSQL database (cargo feature `postgres`)".into(),
            ));
        }
        let path = match url {
            "sqlite::memory:" | ":memory:" => ":memory:",
            _ => url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url),
        };
        if path.is_empty() {
            return Err(Error::Config("the database URL names no file".into()));
        }
        Ok(Db {
            backend: Backend::Sqlite(sqlite::SqliteDb::open(path).await?),
        })
    }

    /// The backend's name: `sqlite` or `postgres` (for logs and metrics).
    pub fn kind(&self) -> &'static str {
        dispatch!(self, _s => "sqlite", _p => "postgres")
    }

    /// Whether the database answers.
    pub async fn health(&self) -> Result<(), Error> {
        dispatch!(self, s => s.health().await, p => p.health().await)
    }

    // ---- settings ----------------------------------------------------------------------

    /// A setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, Error> {
        dispatch!(self, s => s.setting(key.to_string()).await, p => p.setting(key).await)
    }

    /// Stores `value` under `key` unless a value is there already, and returns the value
    /// that is there afterwards (so replicas agree on one, e.g. the session secret).
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, Error> {
        dispatch!(self,
            s => s.setting_or_insert(key.to_string(), value.to_string()).await,
            p => p.setting_or_insert(key, value).await)
    }

    // ---- assertions --------------------------------------------------------------------

    /// Stores an assertion, replacing the stored one with the same type and primary key
    /// only if `rec.revision` is higher. Returns whether it was stored.
    pub async fn put_assertion(&self, rec: &AssertionRecord) -> Result<bool, Error> {
        dispatch!(self, s => s.put_assertion(rec.clone()).await, p => p.put_assertion(rec).await)
    }

    /// The assertion with this type and (full) primary key.
    pub async fn assertion(
        &self,
        assertion_type: &str,
        primary_key: &[String],
    ) -> Result<Option<AssertionRecord>, Error> {
        let key = schema::key_text(primary_key);
        dispatch!(self,
            s => s.assertion(assertion_type.to_string(), key).await,
            p => p.assertion(assertion_type, &key).await)
    }

    /// Every assertion of a type (e.g. every `account-key`), in primary-key order.
    pub async fn assertions_of_type(
        &self,
        assertion_type: &str,
    ) -> Result<Vec<AssertionRecord>, Error> {
        dispatch!(self,
            s => s.assertions_of_type(assertion_type.to_string()).await,
            p => p.assertions_of_type(assertion_type).await)
    }

    /// Every stored member of these sequences (each a primary key without its last value,
    /// the sequence: `["16", "acme", "set"]` for validation sets), of type
    /// `assertion_type`, in one query, in primary-key order.
    pub async fn assertions_in_sequences(
        &self,
        assertion_type: &str,
        sequence_keys: &[Vec<String>],
    ) -> Result<Vec<AssertionRecord>, Error> {
        if sequence_keys.is_empty() {
            return Ok(Vec::new());
        }
        let prefixes: Vec<String> = sequence_keys
            .iter()
            .map(|k| schema::sequence_prefix(k))
            .collect();
        dispatch!(self,
            s => s.assertions_in_sequences(assertion_type.to_string(), prefixes).await,
            p => p.assertions_in_sequences(assertion_type, &prefixes).await)
    }

    // ---- snap names --------------------------------------------------------------------

    /// Registers a name. [`Error::Conflict`] if the name or the snap id is taken.
    pub async fn register_name(&self, rec: &SnapRecord) -> Result<(), Error> {
        dispatch!(self, s => s.register_name(rec.clone()).await, p => p.register_name(rec).await)
    }

    /// The snap registered under `name`.
    pub async fn snap_by_name(&self, name: &str) -> Result<Option<SnapRecord>, Error> {
        dispatch!(self, s => s.snap_by(true, name.to_string()).await, p => p.snap_by(true, name).await)
    }

    /// The snap with this id.
    pub async fn snap_by_id(&self, snap_id: &str) -> Result<Option<SnapRecord>, Error> {
        dispatch!(self, s => s.snap_by(false, snap_id.to_string()).await, p => p.snap_by(false, snap_id).await)
    }

    /// The snaps with these ids (unknown ids are left out), in one query, by name.
    pub async fn snaps_by_ids(&self, snap_ids: &[String]) -> Result<Vec<SnapRecord>, Error> {
        dispatch!(self, s => s.snaps_by(false, snap_ids).await, p => p.snaps_by(false, snap_ids).await)
    }

    /// The snaps with these names (unknown names are left out), in one query, by name.
    pub async fn snaps_by_names(&self, names: &[String]) -> Result<Vec<SnapRecord>, Error> {
        dispatch!(self, s => s.snaps_by(true, names).await, p => p.snaps_by(true, names).await)
    }

    /// Snaps whose name contains `query` (all when empty; names are lower case, so is
    /// the query made), by name, at most `limit`.
    pub async fn search_snaps(&self, query: &str, limit: u32) -> Result<Vec<SnapRecord>, Error> {
        let needle = query.to_lowercase();
        dispatch!(self, s => s.search_snaps(needle, limit).await, p => p.search_snaps(&needle, limit).await)
    }

    // ---- revisions ---------------------------------------------------------------------

    /// Adds a revision with the next free number of its snap (atomically, also across
    /// replicas). [`Error::Conflict`] if the snap already has a revision with this
    /// sha3-384 (the number is not used up then), [`Error::NotFound`] if the snap is not
    /// registered. A stored revision is never changed.
    pub async fn add_revision(&self, rev: &NewRevision) -> Result<RevisionRecord, Error> {
        dispatch!(self, s => s.add_revision(rev.clone()).await, p => p.add_revision(rev).await)
    }

    /// One revision.
    pub async fn revision(
        &self,
        snap_id: &str,
        revision: u32,
    ) -> Result<Option<RevisionRecord>, Error> {
        dispatch!(self,
            s => s.revision(snap_id.to_string(), revision).await,
            p => p.revision(snap_id, revision).await)
    }

    /// Every revision of a snap, newest first.
    pub async fn revisions(&self, snap_id: &str) -> Result<Vec<RevisionRecord>, Error> {
        dispatch!(self, s => s.revisions(snap_id.to_string()).await, p => p.revisions(snap_id).await)
    }

    /// These revisions (`(snap_id, revision)` pairs), in one query, by snap id and
    /// revision; unknown pairs are left out.
    pub async fn revisions_by_keys(
        &self,
        keys: &[(String, u32)],
    ) -> Result<Vec<RevisionRecord>, Error> {
        dispatch!(self, s => s.revisions_by_keys(keys).await, p => p.revisions_by_keys(keys).await)
    }

    /// The revision whose file has this sha3-384 (hex), if any (the first by snap id and
    /// revision when several snaps share the file).
    pub async fn revision_by_digest(
        &self,
        sha3_384: &str,
    ) -> Result<Option<RevisionRecord>, Error> {
        dispatch!(self,
            s => s.revision_by_digest(sha3_384.to_string()).await,
            p => p.revision_by_digest(sha3_384).await)
    }

    // ---- releases ----------------------------------------------------------------------

    /// Releases `revision` of `snap_id` to `channel` for `architecture`, replacing what
    /// was there (an open or a closed channel). [`Error::NotFound`] if the snap has no
    /// such revision.
    pub async fn release(
        &self,
        snap_id: &str,
        architecture: &str,
        channel: &Channel,
        revision: u32,
        at: Timestamp,
    ) -> Result<(), Error> {
        let key = [
            snap_id.to_string(),
            architecture.to_string(),
            channel.track.clone(),
            channel.risk.clone(),
            channel.branch.clone(),
        ];
        let at = schema::ts_text(at);
        dispatch!(self, s => s.release(key, revision, at).await, p => p.release(&key, revision, &at).await)
    }

    /// Closes `channel` of `snap_id` for every architecture the snap has releases for
    /// (in any channel): each gets a closed row there. A snap with no releases has
    /// nothing to close.
    pub async fn close(
        &self,
        snap_id: &str,
        channel: &Channel,
        at: Timestamp,
    ) -> Result<(), Error> {
        let key = [
            snap_id.to_string(),
            channel.track.clone(),
            channel.risk.clone(),
            channel.branch.clone(),
        ];
        let at = schema::ts_text(at);
        dispatch!(self, s => s.close(key, at).await, p => p.close(&key, &at).await)
    }

    /// Every release row of these snaps (closed channels included), in one query, by
    /// snap id, architecture, track, risk and branch.
    pub async fn releases(&self, snap_ids: &[String]) -> Result<Vec<ReleaseRecord>, Error> {
        dispatch!(self, s => s.releases(snap_ids).await, p => p.releases(snap_ids).await)
    }

    // ---- device-session nonces ---------------------------------------------------------

    /// Records an issued nonce, valid until `expires` (excluded). [`Error::Conflict`] if
    /// the nonce exists.
    pub async fn issue_nonce(&self, nonce: &str, expires: Timestamp) -> Result<(), Error> {
        let expires = schema::ts_micros(expires);
        dispatch!(self,
            s => s.issue_nonce(nonce.to_string(), expires).await,
            p => p.issue_nonce(nonce, expires).await)
    }

    /// Consumes a nonce: true if it was issued, not yet used and not expired at `now`
    /// (`now < expires`). A nonce is consumed at most once, also across replicas.
    /// Removes expired nonces.
    pub async fn consume_nonce(&self, nonce: &str, now: Timestamp) -> Result<bool, Error> {
        let now = schema::ts_micros(now);
        dispatch!(self,
            s => s.consume_nonce(nonce.to_string(), now).await,
            p => p.consume_nonce(nonce, now).await)
    }

    // ---- publishing credentials --------------------------------------------------------

    /// Stores a credential. [`Error::Conflict`] if the id exists.
    pub async fn add_credential(&self, rec: &CredentialRecord) -> Result<(), Error> {
        dispatch!(self, s => s.add_credential(rec.clone()).await, p => p.add_credential(rec).await)
    }

    /// The credential with this id.
    pub async fn credential(&self, id: &str) -> Result<Option<CredentialRecord>, Error> {
        dispatch!(self, s => s.credential(id.to_string()).await, p => p.credential(id).await)
    }
}
