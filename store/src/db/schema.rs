//! The schema both backends create, the statements both run (written with PostgreSQL's
//! `$N` placeholders; the SQLite backend reads them as `?N`), and the row mappers both
//! use, over [`Row`] so that each record is decoded by one function.
//!
//! Encodings, the same on both backends:
//! * timestamps are RFC 3339 text (jiff's, nanoseconds kept), except a nonce's expiry:
//!   microseconds from the Unix epoch, compared in SQL;
//! * an assertion's primary key is the JSON array of its components, so that no value of
//!   a component can make two keys collide;
//! * a revision's architectures are a JSON array.

use ucore_assertions::Timestamp;

use super::records::{
    AssertionRecord, CredentialRecord, CredentialScope, NewRevision, ReleaseRecord, RevisionRecord,
    SnapRecord,
};
use crate::error::Error;

/// The migrations, in order; table `schema_version` records how many ran. Types are the
/// ones both databases accept with the same meaning (`TEXT`, `BIGINT`).
pub(super) const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE snaps (
    snap_id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    publisher_id TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    last_revision BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX snaps_publisher_id ON snaps(publisher_id);
CREATE TABLE revisions (
    snap_id TEXT NOT NULL REFERENCES snaps(snap_id),
    revision BIGINT NOT NULL,
    sha3_384 TEXT NOT NULL,
    size BIGINT NOT NULL,
    version TEXT NOT NULL,
    snap_type TEXT NOT NULL,
    architectures TEXT NOT NULL,
    base TEXT NOT NULL,
    confinement TEXT NOT NULL,
    grade TEXT NOT NULL,
    epoch TEXT NOT NULL,
    summary TEXT NOT NULL,
    description TEXT NOT NULL,
    title TEXT NOT NULL,
    license TEXT NOT NULL,
    snap_yaml TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (snap_id, revision),
    UNIQUE (snap_id, sha3_384)
);
CREATE INDEX revisions_sha3_384 ON revisions(sha3_384);
CREATE TABLE releases (
    snap_id TEXT NOT NULL REFERENCES snaps(snap_id),
    architecture TEXT NOT NULL,
    track TEXT NOT NULL,
    risk TEXT NOT NULL,
    branch TEXT NOT NULL,
    revision BIGINT,
    released_at TEXT NOT NULL,
    PRIMARY KEY (snap_id, architecture, track, risk, branch),
    FOREIGN KEY (snap_id, revision) REFERENCES revisions(snap_id, revision)
);
CREATE TABLE assertions (
    assertion_type TEXT NOT NULL,
    primary_key TEXT NOT NULL,
    revision BIGINT NOT NULL,
    snap_id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (assertion_type, primary_key)
);
CREATE INDEX assertions_snap_id ON assertions(snap_id);
CREATE TABLE nonces (
    nonce TEXT PRIMARY KEY,
    expires BIGINT NOT NULL
);
CREATE INDEX nonces_expires ON nonces(expires);
CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    secret_sha3_384 TEXT NOT NULL,
    scope TEXT NOT NULL,
    publisher_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"#];

/// Creates the migrations' bookkeeping table.
pub(super) const CREATE_SCHEMA_VERSION: &str =
    "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)";
/// How many migrations ran.
pub(super) const SCHEMA_VERSION: &str = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
/// Records that migration `$1` ran.
pub(super) const RECORD_VERSION: &str = "INSERT INTO schema_version (version) VALUES ($1)";

// ---- columns, in the order the row mappers read them (macros, for `concat!`) ----------

macro_rules! snap_cols {
    () => {
        "snap_id, name, publisher_id, registered_at"
    };
}
macro_rules! revision_cols {
    () => {
        "revision, snap_id, sha3_384, size, version, snap_type, architectures, base, \
         confinement, grade, epoch, summary, description, title, license, snap_yaml, \
         uploaded_by, created_at"
    };
}
macro_rules! release_cols {
    () => {
        "snap_id, architecture, track, risk, branch, revision, released_at"
    };
}
macro_rules! assertion_cols {
    () => {
        "assertion_type, primary_key, revision, snap_id, body"
    };
}
macro_rules! credential_cols {
    () => {
        "id, secret_sha3_384, scope, publisher_id, created_at"
    };
}

// ---- statements both backends run ----------------------------------------------------------

pub(super) const SETTING: &str = "SELECT value FROM settings WHERE name = $1";
pub(super) const INSERT_SETTING: &str =
    "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";

/// Stores an assertion, or replaces the stored one only when the new revision is higher:
/// one statement, so that concurrent writers cannot lower it.
pub(super) const PUT_ASSERTION: &str = concat!(
    "INSERT INTO assertions (",
    assertion_cols!(),
    ") VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (assertion_type, primary_key) DO UPDATE
     SET revision = excluded.revision, snap_id = excluded.snap_id, body = excluded.body
     WHERE assertions.revision < excluded.revision"
);
pub(super) const ASSERTION: &str = concat!(
    "SELECT ",
    assertion_cols!(),
    " FROM assertions WHERE assertion_type = $1 AND primary_key = $2"
);
pub(super) const ASSERTIONS_OF_TYPE: &str = concat!(
    "SELECT ",
    assertion_cols!(),
    " FROM assertions WHERE assertion_type = $1"
);
/// The members of sequences: assertions of type `$1` whose stored primary key starts with
/// one of the prefixes (see [`sequence_prefix`]) of the list the backend binds after
/// this text (a JSON array in SQLite, a text array in PostgreSQL).
pub(super) const ASSERTIONS_IN_SEQUENCES: &str = concat!(
    "SELECT ",
    assertion_cols!(),
    " FROM assertions WHERE assertion_type = $1 AND EXISTS (SELECT 1 FROM "
);
/// The condition closing [`ASSERTIONS_IN_SEQUENCES`], on the prefix column `p`.
pub(super) const IN_SEQUENCE: &str = " WHERE substr(primary_key, 1, length(p)) = p)";

pub(super) const REGISTER_NAME: &str = concat!(
    "INSERT INTO snaps (",
    snap_cols!(),
    ") VALUES ($1, $2, $3, $4)"
);
pub(super) const SNAP_BY_NAME: &str =
    concat!("SELECT ", snap_cols!(), " FROM snaps WHERE name = $1");
pub(super) const SNAP_BY_ID: &str =
    concat!("SELECT ", snap_cols!(), " FROM snaps WHERE snap_id = $1");

/// The snap by name or by id (`$1`).
pub(super) fn snap_by(by_name: bool) -> &'static str {
    if by_name { SNAP_BY_NAME } else { SNAP_BY_ID }
}

/// The snaps by names or by ids, by name, `list` being the backend's `IN` operand that
/// holds the names or ids (bound to `$1`).
pub(super) fn snaps_by(by_name: bool, list: &str) -> String {
    let column = if by_name { "name" } else { "snap_id" };
    format!(
        concat!(
            "SELECT ",
            snap_cols!(),
            " FROM snaps WHERE {} IN {} ORDER BY name"
        ),
        column, list
    )
}
/// Every snap; each backend adds its substring test and the order.
pub(super) const SEARCH_SNAPS_SELECT: &str = concat!("SELECT ", snap_cols!(), " FROM snaps");

/// The next revision number of a snap, taken atomically.
pub(super) const NEXT_REVISION: &str =
    "UPDATE snaps SET last_revision = last_revision + 1 WHERE snap_id = $1 RETURNING last_revision";
pub(super) const INSERT_REVISION: &str = concat!(
    "INSERT INTO revisions (",
    revision_cols!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
);
pub(super) const REVISION: &str = concat!(
    "SELECT ",
    revision_cols!(),
    " FROM revisions WHERE snap_id = $1 AND revision = $2"
);
pub(super) const REVISIONS: &str = concat!(
    "SELECT ",
    revision_cols!(),
    " FROM revisions WHERE snap_id = $1 ORDER BY revision DESC"
);
pub(super) const REVISION_BY_DIGEST: &str = concat!(
    "SELECT ",
    revision_cols!(),
    " FROM revisions WHERE sha3_384 = $1 ORDER BY snap_id, revision LIMIT 1"
);
/// Revisions by `(snap_id, revision)`; the pairs' collection follows.
pub(super) const REVISIONS_BY_KEYS: &str = concat!(
    "SELECT ",
    revision_cols!(),
    " FROM revisions WHERE (snap_id, revision) IN "
);

/// Releases a revision to a channel for an architecture, replacing the row there; inserts
/// nothing when the snap has no such revision.
pub(super) const RELEASE: &str = concat!(
    "INSERT INTO releases (",
    release_cols!(),
    ") SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS TEXT),
              CAST($5 AS TEXT), CAST($6 AS BIGINT), CAST($7 AS TEXT)
     WHERE EXISTS (SELECT 1 FROM revisions WHERE snap_id = $1 AND revision = $6)
     ON CONFLICT (snap_id, architecture, track, risk, branch) DO UPDATE
     SET revision = excluded.revision, released_at = excluded.released_at"
);
/// Closes a channel for every architecture the snap has releases for.
pub(super) const CLOSE: &str = concat!(
    "INSERT INTO releases (",
    release_cols!(),
    ") SELECT DISTINCT snap_id, architecture, CAST($2 AS TEXT), CAST($3 AS TEXT),
              CAST($4 AS TEXT), CAST(NULL AS BIGINT), CAST($5 AS TEXT)
     FROM releases WHERE snap_id = $1
     ON CONFLICT (snap_id, architecture, track, risk, branch) DO UPDATE
     SET revision = NULL, released_at = excluded.released_at"
);
/// Release rows; the snap ids' collection follows.
pub(super) const RELEASES: &str = concat!(
    "SELECT ",
    release_cols!(),
    " FROM releases WHERE snap_id IN "
);
/// The order of [`RELEASES`]'s rows.
pub(super) const RELEASES_ORDER: &str = " ORDER BY snap_id, architecture, track, risk, branch";

pub(super) const ISSUE_NONCE: &str = "INSERT INTO nonces (nonce, expires) VALUES ($1, $2)";
/// Consumes a live nonce: of concurrent deletes of the row, exactly one returns it.
pub(super) const CONSUME_NONCE: &str =
    "DELETE FROM nonces WHERE nonce = $1 AND expires > $2 RETURNING nonce";
pub(super) const PURGE_NONCES: &str = "DELETE FROM nonces WHERE expires <= $1";

pub(super) const ADD_CREDENTIAL: &str = concat!(
    "INSERT INTO credentials (",
    credential_cols!(),
    ") VALUES ($1, $2, $3, $4, $5)"
);
pub(super) const CREDENTIAL: &str = concat!(
    "SELECT ",
    credential_cols!(),
    " FROM credentials WHERE id = $1"
);

// ---- encodings -----------------------------------------------------------------------------

/// A column a backend could not read, or a stored value that does not decode.
pub(super) fn corrupt(what: impl Into<String>) -> Error {
    Error::database(format!("stored {}", what.into()), false, None)
}

/// A timestamp as stored.
pub(super) fn ts_text(t: Timestamp) -> String {
    t.as_jiff().to_string()
}

fn ts_parse(s: &str) -> Result<Timestamp, Error> {
    s.parse::<jiff::Timestamp>()
        .map(Timestamp::from)
        .map_err(|e| corrupt(format!("timestamp {s:?} is invalid: {e}")))
}

/// A nonce's expiry as stored: microseconds from the Unix epoch (saturating).
pub(super) fn ts_micros(t: Timestamp) -> i64 {
    t.as_second()
        .saturating_mul(1_000_000)
        .saturating_add(i64::from(t.subsec_nanosecond() / 1_000))
}

/// An assertion's primary key as stored (a JSON array: unambiguous whatever the values).
pub(super) fn key_text(primary_key: &[String]) -> String {
    serde_json::Value::from(primary_key).to_string()
}

/// What the stored primary key of every member of the sequence `sequence_key` (the
/// primary key without its last value, the sequence) starts with: its JSON array text
/// open after the last value and a comma (`["16","acme","set",`).
pub(super) fn sequence_prefix(sequence_key: &[String]) -> String {
    let mut text = key_text(sequence_key);
    text.pop(); // the closing `]`
    if !sequence_key.is_empty() {
        text.push(',');
    }
    text
}

/// A list of strings as stored.
pub(super) fn list_text(list: &[String]) -> String {
    key_text(list)
}

fn list_parse(s: &str) -> Result<Vec<String>, Error> {
    serde_json::from_str(s).map_err(|e| corrupt(format!("list {s:?} is invalid: {e}")))
}

/// A size as stored.
pub(super) fn size_int(size: u64) -> Result<i64, Error> {
    i64::try_from(size).map_err(|_| Error::BadRequest(format!("size {size} is too large")))
}

fn revision_u32(n: i64) -> Result<u32, Error> {
    u32::try_from(n).map_err(|_| corrupt(format!("revision {n} is out of range")))
}

/// A credential's scope as stored: `(scope, publisher_id)`.
pub(super) fn scope_cols(scope: &CredentialScope) -> (&'static str, &str) {
    match scope {
        CredentialScope::Admin => ("admin", ""),
        CredentialScope::Publisher(id) => ("publisher", id),
    }
}

// ---- rows ----------------------------------------------------------------------------------

/// A result row of either backend.
pub(super) trait Row {
    /// A text column.
    fn text(&self, i: usize) -> Result<String, Error>;
    /// An integer column.
    fn int(&self, i: usize) -> Result<i64, Error>;
    /// A nullable integer column.
    fn opt_int(&self, i: usize) -> Result<Option<i64>, Error>;
}

pub(super) fn snap_row(r: &impl Row) -> Result<SnapRecord, Error> {
    Ok(SnapRecord {
        snap_id: r.text(0)?,
        name: r.text(1)?,
        publisher_id: r.text(2)?,
        registered_at: ts_parse(&r.text(3)?)?,
    })
}

pub(super) fn revision_row(r: &impl Row) -> Result<RevisionRecord, Error> {
    let size = r.int(3)?;
    Ok(RevisionRecord {
        revision: revision_u32(r.int(0)?)?,
        data: NewRevision {
            snap_id: r.text(1)?,
            sha3_384: r.text(2)?,
            size: u64::try_from(size).map_err(|_| corrupt(format!("size {size}")))?,
            version: r.text(4)?,
            snap_type: r.text(5)?,
            architectures: list_parse(&r.text(6)?)?,
            base: r.text(7)?,
            confinement: r.text(8)?,
            grade: r.text(9)?,
            epoch: r.text(10)?,
            summary: r.text(11)?,
            description: r.text(12)?,
            title: r.text(13)?,
            license: r.text(14)?,
            snap_yaml: r.text(15)?,
            uploaded_by: r.text(16)?,
            created_at: ts_parse(&r.text(17)?)?,
        },
    })
}

pub(super) fn release_row(r: &impl Row) -> Result<ReleaseRecord, Error> {
    Ok(ReleaseRecord {
        snap_id: r.text(0)?,
        architecture: r.text(1)?,
        track: r.text(2)?,
        risk: r.text(3)?,
        branch: r.text(4)?,
        revision: r.opt_int(5)?.map(revision_u32).transpose()?,
        released_at: ts_parse(&r.text(6)?)?,
    })
}

pub(super) fn assertion_row(r: &impl Row) -> Result<AssertionRecord, Error> {
    Ok(AssertionRecord {
        assertion_type: r.text(0)?,
        primary_key: list_parse(&r.text(1)?)?,
        revision: r.int(2)?,
        snap_id: r.text(3)?,
        text: r.text(4)?,
    })
}

pub(super) fn credential_row(r: &impl Row) -> Result<CredentialRecord, Error> {
    let scope = r.text(2)?;
    Ok(CredentialRecord {
        id: r.text(0)?,
        secret_sha3_384: r.text(1)?,
        scope: match scope.as_str() {
            "admin" => CredentialScope::Admin,
            "publisher" => CredentialScope::Publisher(r.text(3)?),
            other => return Err(corrupt(format!("credential scope {other:?}"))),
        },
        created_at: ts_parse(&r.text(4)?)?,
    })
}

/// A value bound to a statement, of either kind the schema uses.
pub(super) enum Value {
    /// `BIGINT`.
    Int(i64),
    /// `TEXT`.
    Text(String),
}

/// The values of a new revision row, in [`INSERT_REVISION`]'s order.
pub(super) fn revision_values(revision: i64, rev: &NewRevision) -> Result<Vec<Value>, Error> {
    use Value::{Int, Text};
    Ok(vec![
        Int(revision),
        Text(rev.snap_id.clone()),
        Text(rev.sha3_384.clone()),
        Int(size_int(rev.size)?),
        Text(rev.version.clone()),
        Text(rev.snap_type.clone()),
        Text(list_text(&rev.architectures)),
        Text(rev.base.clone()),
        Text(rev.confinement.clone()),
        Text(rev.grade.clone()),
        Text(rev.epoch.clone()),
        Text(rev.summary.clone()),
        Text(rev.description.clone()),
        Text(rev.title.clone()),
        Text(rev.license.clone()),
        Text(rev.snap_yaml.clone()),
        Text(rev.uploaded_by.clone()),
        Text(ts_text(rev.created_at)),
    ])
}

/// A revision number the snaps table handed out, as a revision.
pub(super) fn allocated_revision(n: i64, snap_id: &str) -> Result<u32, Error> {
    u32::try_from(n)
        .map_err(|_| Error::Conflict(format!("snap {snap_id} has no revision numbers left")))
}

/// Sorts assertions by primary key (component-wise, not by their stored JSON).
pub(super) fn sort_by_key(mut v: Vec<AssertionRecord>) -> Vec<AssertionRecord> {
    v.sort_by(|a, b| a.primary_key.cmp(&b.primary_key));
    v
}

/// The conflict error when a name or snap id is taken.
pub(super) fn name_conflict(rec: &SnapRecord, name_taken: bool) -> Error {
    if name_taken {
        Error::Conflict(format!("snap name {:?} is already registered", rec.name))
    } else {
        Error::Conflict(format!("snap id {:?} is already in use", rec.snap_id))
    }
}

/// The conflict error when a snap already has a revision with this file.
pub(super) fn digest_conflict(rev: &NewRevision) -> Error {
    Error::Conflict(format!(
        "snap {} already has a revision with sha3-384 {}",
        rev.snap_id, rev.sha3_384
    ))
}

/// The error when a snap id is unknown.
pub(super) fn no_snap(snap_id: &str) -> Error {
    Error::NotFound(format!("no snap with id {snap_id:?}"))
}

/// The error when a revision is unknown.
pub(super) fn no_revision(snap_id: &str, revision: u32) -> Error {
    Error::NotFound(format!("snap {snap_id:?} has no revision {revision}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_keys_do_not_collide() {
        let a = key_text(&["a/b".into(), "c".into()]);
        let b = key_text(&["a".into(), "b/c".into()]);
        let c = key_text(&["a\",\"b".into()]);
        let d = key_text(&["a".into(), "b".into()]);
        assert_ne!(a, b);
        assert_ne!(c, d);
        assert_eq!(list_parse(&c).unwrap(), vec!["a\",\"b".to_string()]);
    }

    #[test]
    fn timestamps_round_trip_with_nanoseconds() {
        let t = Timestamp::new(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(ts_parse(&ts_text(t)).unwrap(), t);
        assert_eq!(ts_micros(t), 1_700_000_000_123_456);
    }
}
