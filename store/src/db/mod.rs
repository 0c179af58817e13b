//! The store's database: names, revisions, releases, the assertions it serves, nonces,
//! publishing credentials and settings.
//!
//! [`Db`] is one type over the backends, chosen by the database URL: SQLite (embedded
//! default, one file, created and migrated on open) and, with the cargo feature
//! `postgres`, PostgreSQL (several store replicas on one database). Both have the same
//! schema and the same semantics. Every method is `async`; the SQLite backend runs its
//! statements on tokio's blocking pool, never on the async workers.

mod records;

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
    _private: (),
}

#[allow(unused_variables, clippy::unimplemented)]
impl Db {
    /// Opens a database from a URL: `sqlite::memory:`, `sqlite://PATH` or a plain path,
    /// or `postgres://…` (cargo feature `postgres`). Creates and migrates the schema.
    pub async fn open(url: &str) -> Result<Db, Error> {
        unimplemented!()
    }

    /// Whether the database answers.
    pub async fn health(&self) -> Result<(), Error> {
        unimplemented!()
    }

    // ---- settings ----------------------------------------------------------------------

    /// A setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, Error> {
        unimplemented!()
    }

    /// Stores `value` under `key` unless a value is there already, and returns the value
    /// that is there afterwards (so replicas agree on one, e.g. the session secret).
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, Error> {
        unimplemented!()
    }

    // ---- assertions --------------------------------------------------------------------

    /// Stores an assertion, replacing the stored one with the same type and primary key
    /// only if `rec.revision` is higher. Returns whether it was stored.
    pub async fn put_assertion(&self, rec: &AssertionRecord) -> Result<bool, Error> {
        unimplemented!()
    }

    /// The assertion with this type and (full) primary key.
    pub async fn assertion(
        &self,
        assertion_type: &str,
        primary_key: &[String],
    ) -> Result<Option<AssertionRecord>, Error> {
        unimplemented!()
    }

    /// Every assertion of a type (e.g. every `account-key`), in primary-key order.
    pub async fn assertions_of_type(
        &self,
        assertion_type: &str,
    ) -> Result<Vec<AssertionRecord>, Error> {
        unimplemented!()
    }

    // ---- snap names --------------------------------------------------------------------

    /// Registers a name. [`Error::Conflict`] if the name or the snap id is taken.
    pub async fn register_name(&self, rec: &SnapRecord) -> Result<(), Error> {
        unimplemented!()
    }

    /// The snap registered under `name`.
    pub async fn snap_by_name(&self, name: &str) -> Result<Option<SnapRecord>, Error> {
        unimplemented!()
    }

    /// The snap with this id.
    pub async fn snap_by_id(&self, snap_id: &str) -> Result<Option<SnapRecord>, Error> {
        unimplemented!()
    }

    /// The snaps with these ids (unknown ids are left out), in one query.
    pub async fn snaps_by_ids(&self, snap_ids: &[String]) -> Result<Vec<SnapRecord>, Error> {
        unimplemented!()
    }

    /// The snaps with these names (unknown names are left out), in one query.
    pub async fn snaps_by_names(&self, names: &[String]) -> Result<Vec<SnapRecord>, Error> {
        unimplemented!()
    }

    /// Snaps whose name contains `query` (all when empty), by name, at most `limit`.
    pub async fn search_snaps(&self, query: &str, limit: u32) -> Result<Vec<SnapRecord>, Error> {
        unimplemented!()
    }

    // ---- revisions ---------------------------------------------------------------------

    /// Adds a revision with the next free number of its snap (atomically, also across
    /// replicas). [`Error::Conflict`] if the snap already has a revision with this
    /// sha3-384. A stored revision is never changed.
    pub async fn add_revision(&self, rev: &NewRevision) -> Result<RevisionRecord, Error> {
        unimplemented!()
    }

    /// One revision.
    pub async fn revision(
        &self,
        snap_id: &str,
        revision: u32,
    ) -> Result<Option<RevisionRecord>, Error> {
        unimplemented!()
    }

    /// Every revision of a snap, newest first.
    pub async fn revisions(&self, snap_id: &str) -> Result<Vec<RevisionRecord>, Error> {
        unimplemented!()
    }

    /// These revisions (`(snap_id, revision)` pairs), in one query.
    pub async fn revisions_by_keys(
        &self,
        keys: &[(String, u32)],
    ) -> Result<Vec<RevisionRecord>, Error> {
        unimplemented!()
    }

    /// The revision whose file has this sha3-384 (hex), if any.
    pub async fn revision_by_digest(
        &self,
        sha3_384: &str,
    ) -> Result<Option<RevisionRecord>, Error> {
        unimplemented!()
    }

    // ---- releases ----------------------------------------------------------------------

    /// Releases `revision` of `snap_id` to `channel` for `architecture`, replacing what
    /// was there (an open or a closed channel).
    pub async fn release(
        &self,
        snap_id: &str,
        architecture: &str,
        channel: &Channel,
        revision: u32,
        at: Timestamp,
    ) -> Result<(), Error> {
        unimplemented!()
    }

    /// Closes `channel` of `snap_id` for every architecture.
    pub async fn close(
        &self,
        snap_id: &str,
        channel: &Channel,
        at: Timestamp,
    ) -> Result<(), Error> {
        unimplemented!()
    }

    /// Every release row of these snaps (closed channels included), in one query.
    pub async fn releases(&self, snap_ids: &[String]) -> Result<Vec<ReleaseRecord>, Error> {
        unimplemented!()
    }

    // ---- device-session nonces ---------------------------------------------------------

    /// Records an issued nonce, valid until `expires`.
    pub async fn issue_nonce(&self, nonce: &str, expires: Timestamp) -> Result<(), Error> {
        unimplemented!()
    }

    /// Consumes a nonce: true if it was issued, not yet used and not expired at `now`. A
    /// nonce is consumed at most once, also across replicas. Removes expired nonces.
    pub async fn consume_nonce(&self, nonce: &str, now: Timestamp) -> Result<bool, Error> {
        unimplemented!()
    }

    // ---- publishing credentials --------------------------------------------------------

    /// Stores a credential.
    pub async fn add_credential(&self, rec: &CredentialRecord) -> Result<(), Error> {
        unimplemented!()
    }

    /// The credential with this id.
    pub async fn credential(&self, id: &str) -> Result<Option<CredentialRecord>, Error> {
        unimplemented!()
    }
}
