//! Sync tables on SQLite (factory offline mode, [`crate::sync`]): this vault's identity,
//! its exports, the factories it trusts, their imported bundles and conflicting rows.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::SqliteStore;
use crate::error::Error;
use crate::store::SigningLogRow;
use crate::sync::bundle::BundleRow;
use crate::sync::state::{
    ExportRecord, ImportBatch, ImportRecord, ImportReport, LastImport, SyncConflict, SyncIdentity,
    TrustedFactory, check_next, conflict_reason,
};

/// The SQLite migration adding the sync tables, and the origin of imported rows to the
/// signing log (NULL: signed by this vault).
pub(super) const SQLITE_MIGRATION: &str = r#"
CREATE TABLE sync_identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    vault_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    sealed_key TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE sync_export (
    to_vault TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    after_row INTEGER NOT NULL,
    last_row INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    created INTEGER NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (to_vault, sequence)
);
CREATE TABLE sync_factory (
    vault_id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    added TEXT NOT NULL
);
CREATE TABLE sync_import (
    from_vault TEXT NOT NULL REFERENCES sync_factory(vault_id),
    sequence INTEGER NOT NULL,
    after_row INTEGER NOT NULL,
    last_row INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    conflicts INTEGER NOT NULL,
    digest TEXT NOT NULL,
    imported TEXT NOT NULL,
    PRIMARY KEY (from_vault, sequence)
);
CREATE TABLE sync_conflict (
    id INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    origin_row INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    reason TEXT NOT NULL,
    make TEXT NOT NULL,
    model TEXT NOT NULL,
    serial_number TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    revision INTEGER NOT NULL,
    created TEXT NOT NULL,
    assertion TEXT NOT NULL,
    UNIQUE (origin, origin_row)
);
ALTER TABLE signinglog ADD COLUMN origin TEXT;
ALTER TABLE signinglog ADD COLUMN origin_row INTEGER;
CREATE UNIQUE INDEX signinglog_origin ON signinglog(origin, origin_row) WHERE origin IS NOT NULL;
"#;

const EXPORT_COLS: &str = "to_vault, sequence, after_row, last_row, rows, created, digest";
const CONFLICT_SELECT: &str = "SELECT origin, sequence, reason, origin_row, make, model, serial_number, fingerprint, revision, created, assertion FROM sync_conflict";

fn export_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ExportRecord> {
    Ok(ExportRecord {
        to_vault: r.get(0)?,
        sequence: r.get(1)?,
        after_row: r.get(2)?,
        last_row: r.get(3)?,
        rows: r.get(4)?,
        created: r.get(5)?,
        digest: r.get(6)?,
    })
}

fn factory_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TrustedFactory> {
    Ok(TrustedFactory {
        vault_id: r.get(0)?,
        key_id: r.get(1)?,
        public_key: r.get(2)?,
        added: r.get(3)?,
    })
}

fn conflict_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SyncConflict> {
    Ok(SyncConflict {
        origin: r.get(0)?,
        sequence: r.get(1)?,
        reason: r.get(2)?,
        row: BundleRow {
            id: r.get(3)?,
            brand_id: r.get(4)?,
            model: r.get(5)?,
            serial: r.get(6)?,
            fingerprint: r.get(7)?,
            revision: r.get(8)?,
            created: r.get(9)?,
            assertion: r.get(10)?,
        },
    })
}

/// The import transaction's body (see [`crate::sync`]): checks the chain, writes rows or
/// conflicts, then the import record.
fn import(c: &mut Connection, batch: ImportBatch) -> Result<ImportReport, Error> {
    // IMMEDIATE: the write lock from the start, so two imports of one factory serialise.
    let tx = c
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(Error::db)?;
    let r = &batch.record;
    let last = tx
        .query_row(
            "SELECT sequence, digest, last_row FROM sync_import WHERE from_vault = ?1
             ORDER BY sequence DESC LIMIT 1",
            [&r.from_vault],
            |row| {
                Ok(LastImport {
                    sequence: row.get(0)?,
                    digest: row.get(1)?,
                    last_row: row.get(2)?,
                })
            },
        )
        .optional()
        .map_err(Error::db)?;
    check_next(&batch, last.as_ref(), |seq| {
        tx.query_row(
            "SELECT digest FROM sync_import WHERE from_vault = ?1 AND sequence = ?2",
            params![r.from_vault, seq],
            |row| row.get(0),
        )
        .optional()
        .map_err(Error::db)
    })?;
    let mut conflicts = Vec::new();
    for row in &batch.rows {
        let clash: Option<bool> = tx
            .prepare_cached(
                "SELECT revision = ?4 FROM signinglog
                 WHERE make = ?1 AND model = ?2 AND serial_number = ?3
                   AND (revision = ?4 OR (fingerprint <> ?5 AND released = 0
                        AND (origin IS NULL OR origin <> ?6)))
                 ORDER BY revision = ?4 DESC LIMIT 1",
            )
            .and_then(|mut st| {
                st.query_row(
                    params![
                        row.brand_id,
                        row.model,
                        row.serial,
                        row.revision,
                        row.fingerprint,
                        r.from_vault
                    ],
                    |x| x.get(0),
                )
                .optional()
            })
            .map_err(Error::db)?;
        match clash {
            None => {
                tx.prepare_cached(
                    "INSERT INTO signinglog (make, model, serial_number, fingerprint, revision,
                     created, assertion, origin, origin_row) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .and_then(|mut st| {
                    st.execute(params![
                        row.brand_id,
                        row.model,
                        row.serial,
                        row.fingerprint,
                        row.revision,
                        row.created,
                        row.assertion,
                        r.from_vault,
                        row.id
                    ])
                })
                .map_err(Error::db)?;
            }
            Some(same_revision) => {
                let reason = conflict_reason(row, same_revision);
                tx.prepare_cached(
                    "INSERT INTO sync_conflict (origin, origin_row, sequence, reason, make, model,
                     serial_number, fingerprint, revision, created, assertion)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )
                .and_then(|mut st| {
                    st.execute(params![
                        r.from_vault,
                        row.id,
                        r.sequence,
                        reason,
                        row.brand_id,
                        row.model,
                        row.serial,
                        row.fingerprint,
                        row.revision,
                        row.created,
                        row.assertion
                    ])
                })
                .map_err(Error::db)?;
                conflicts.push(SyncConflict {
                    origin: r.from_vault.clone(),
                    sequence: r.sequence,
                    reason,
                    row: row.clone(),
                });
            }
        }
    }
    let mut record = batch.record.clone();
    record.conflicts = conflicts.len() as i64;
    tx.execute(
        "INSERT INTO sync_import (from_vault, sequence, after_row, last_row, rows, conflicts, digest, imported)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            record.from_vault,
            record.sequence,
            record.after_row,
            record.last_row,
            record.rows,
            record.conflicts,
            record.digest,
            record.imported
        ],
    )
    .map_err(Error::db)?;
    tx.commit().map_err(Error::db)?;
    Ok(ImportReport { record, conflicts })
}

impl SqliteStore {
    pub(in crate::store) async fn sync_identity(&self) -> Result<Option<SyncIdentity>, Error> {
        self.with(|c| {
            c.query_row(
                "SELECT vault_id, key_id, sealed_key, created FROM sync_identity WHERE id = 1",
                [],
                |r| {
                    Ok(SyncIdentity {
                        vault_id: r.get(0)?,
                        key_id: r.get(1)?,
                        sealed_key: r.get(2)?,
                        created: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(Error::db)
        })
        .await
    }

    pub(in crate::store) async fn sync_set_identity(&self, i: SyncIdentity) -> Result<bool, Error> {
        self.with(move |c| {
            let n = c
                .execute(
                    "INSERT INTO sync_identity (id, vault_id, key_id, sealed_key, created)
                     VALUES (1, ?1, ?2, ?3, ?4) ON CONFLICT (id) DO NOTHING",
                    params![i.vault_id, i.key_id, i.sealed_key, i.created],
                )
                .map_err(Error::db)?;
            Ok(n == 1)
        })
        .await
    }

    pub(in crate::store) async fn sync_add_factory(&self, f: TrustedFactory) -> Result<(), Error> {
        self.with(move |c| {
            c.execute(
                "INSERT INTO sync_factory (vault_id, key_id, public_key, added) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (vault_id) DO NOTHING",
                params![f.vault_id, f.key_id, f.public_key, f.added],
            )
            .map_err(Error::db)?;
            Ok(())
        })
        .await
    }

    pub(in crate::store) async fn sync_factories(&self) -> Result<Vec<TrustedFactory>, Error> {
        self.with(|c| {
            let mut st = c
                .prepare("SELECT vault_id, key_id, public_key, added FROM sync_factory ORDER BY vault_id")
                .map_err(Error::db)?;
            let rows = st.query_map([], factory_row).map_err(Error::db)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(Error::db)
        })
        .await
    }

    pub(in crate::store) async fn sync_export(
        &self,
        to: String,
        sequence: Option<i64>,
    ) -> Result<Option<ExportRecord>, Error> {
        self.with(move |c| {
            c.query_row(
                &format!(
                    "SELECT {EXPORT_COLS} FROM sync_export WHERE to_vault = ?1
                     AND (?2 IS NULL OR sequence = ?2) ORDER BY sequence DESC LIMIT 1"
                ),
                params![to, sequence],
                export_row,
            )
            .optional()
            .map_err(Error::db)
        })
        .await
    }

    pub(in crate::store) async fn sync_record_export(
        &self,
        e: ExportRecord,
    ) -> Result<bool, Error> {
        self.with(move |c| {
            let n = c
                .execute(
                    &format!(
                        "INSERT INTO sync_export ({EXPORT_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                         ON CONFLICT (to_vault, sequence) DO NOTHING"
                    ),
                    params![
                        e.to_vault,
                        e.sequence,
                        e.after_row,
                        e.last_row,
                        e.rows,
                        e.created,
                        e.digest
                    ],
                )
                .map_err(Error::db)?;
            Ok(n == 1)
        })
        .await
    }

    pub(in crate::store) async fn sync_own_rows(
        &self,
        after: i64,
        upto: Option<i64>,
        limit: i64,
    ) -> Result<Vec<SigningLogRow>, Error> {
        self.with(move |c| {
            let mut st = c
                .prepare(
                    "SELECT id, make, model, serial_number, fingerprint, revision, created, released, assertion
                     FROM signinglog WHERE origin IS NULL AND id > ?1 AND (?2 IS NULL OR id <= ?2)
                     ORDER BY id LIMIT ?3",
                )
                .map_err(Error::db)?;
            let rows = st
                .query_map(params![after, upto, limit], super::log_row)
                .map_err(Error::db)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(Error::db)
        })
        .await
    }

    pub(in crate::store) async fn sync_import(
        &self,
        batch: ImportBatch,
    ) -> Result<ImportReport, Error> {
        self.with(move |c| import(c, batch)).await
    }

    pub(in crate::store) async fn sync_imports(&self) -> Result<Vec<ImportRecord>, Error> {
        self.with(|c| {
            let mut st = c
                .prepare(
                    "SELECT from_vault, sequence, after_row, last_row, rows, conflicts, digest, imported
                     FROM sync_import ORDER BY from_vault, sequence",
                )
                .map_err(Error::db)?;
            let rows = st
                .query_map([], |r| {
                    Ok(ImportRecord {
                        from_vault: r.get(0)?,
                        sequence: r.get(1)?,
                        after_row: r.get(2)?,
                        last_row: r.get(3)?,
                        rows: r.get(4)?,
                        conflicts: r.get(5)?,
                        digest: r.get(6)?,
                        imported: r.get(7)?,
                    })
                })
                .map_err(Error::db)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(Error::db)
        })
        .await
    }

    pub(in crate::store) async fn sync_conflicts(&self) -> Result<Vec<SyncConflict>, Error> {
        self.with(|c| {
            let mut st = c
                .prepare(&format!("{CONFLICT_SELECT} ORDER BY id"))
                .map_err(Error::db)?;
            let rows = st.query_map([], conflict_row).map_err(Error::db)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(Error::db)
        })
        .await
    }
}
