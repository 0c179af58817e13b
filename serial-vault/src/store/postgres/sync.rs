//! Sync tables on PostgreSQL (factory offline mode, [`crate::sync`]): the same tables and
//! semantics as on SQLite. An import locks its factory's row (`FOR UPDATE`), so two
//! replicas importing bundles of one factory take them one after the other.

/// The PostgreSQL migration adding the sync tables, and the origin of imported rows to the
/// signing log (NULL: signed by this vault).
pub(super) const POSTGRES_MIGRATION: &str = r#"
CREATE TABLE sync_identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    vault_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    sealed_key TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE sync_export (
    to_vault TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    after_row BIGINT NOT NULL,
    last_row BIGINT NOT NULL,
    rows BIGINT NOT NULL,
    created BIGINT NOT NULL,
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
    sequence BIGINT NOT NULL,
    after_row BIGINT NOT NULL,
    last_row BIGINT NOT NULL,
    rows BIGINT NOT NULL,
    conflicts BIGINT NOT NULL,
    digest TEXT NOT NULL,
    imported TEXT NOT NULL,
    PRIMARY KEY (from_vault, sequence)
);
CREATE TABLE sync_conflict (
    id BIGSERIAL PRIMARY KEY,
    origin TEXT NOT NULL,
    origin_row BIGINT NOT NULL,
    sequence BIGINT NOT NULL,
    reason TEXT NOT NULL,
    make TEXT NOT NULL,
    model TEXT NOT NULL,
    serial_number TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    revision BIGINT NOT NULL,
    created TEXT NOT NULL,
    assertion TEXT NOT NULL,
    UNIQUE (origin, origin_row)
);
ALTER TABLE signinglog ADD COLUMN origin TEXT;
ALTER TABLE signinglog ADD COLUMN origin_row BIGINT;
CREATE UNIQUE INDEX signinglog_origin ON signinglog(origin, origin_row) WHERE origin IS NOT NULL;
"#;

use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::{PostgresStore, col};
use crate::error::Error;
use crate::store::SigningLogRow;
use crate::sync::bundle::BundleRow;
use crate::sync::error::SyncError;
use crate::sync::state::{
    ExportRecord, ImportBatch, ImportRecord, ImportReport, LastImport, SyncConflict, SyncIdentity,
    TrustedFactory, check_next, conflict_reason,
};

const EXPORT_COLS: &str = "to_vault, sequence, after_row, last_row, rows, created, digest";

fn export_row(r: &Row) -> Result<ExportRecord, Error> {
    Ok(ExportRecord {
        to_vault: col(r, 0)?,
        sequence: col(r, 1)?,
        after_row: col(r, 2)?,
        last_row: col(r, 3)?,
        rows: col(r, 4)?,
        created: col(r, 5)?,
        digest: col(r, 6)?,
    })
}

fn conflict_row(r: &Row) -> Result<SyncConflict, Error> {
    Ok(SyncConflict {
        origin: col(r, 0)?,
        sequence: col(r, 1)?,
        reason: col(r, 2)?,
        row: BundleRow {
            id: col(r, 3)?,
            brand_id: col(r, 4)?,
            model: col(r, 5)?,
            serial: col(r, 6)?,
            fingerprint: col(r, 7)?,
            revision: col(r, 8)?,
            created: col(r, 9)?,
            assertion: col(r, 10)?,
        },
    })
}

impl PostgresStore {
    pub(in crate::store) async fn sync_identity(&self) -> Result<Option<SyncIdentity>, Error> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                "SELECT vault_id, key_id, sealed_key, created FROM sync_identity WHERE id = 1",
                &[],
            )
            .await
            .map_err(Error::db)?;
        row.map(|r| {
            Ok(SyncIdentity {
                vault_id: col(&r, 0)?,
                key_id: col(&r, 1)?,
                sealed_key: col(&r, 2)?,
                created: col(&r, 3)?,
            })
        })
        .transpose()
    }

    pub(in crate::store) async fn sync_set_identity(
        &self,
        i: &SyncIdentity,
    ) -> Result<bool, Error> {
        let c = self.client().await?;
        let n = c
            .execute(
                "INSERT INTO sync_identity (id, vault_id, key_id, sealed_key, created)
                 VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
                &[&i.vault_id, &i.key_id, &i.sealed_key, &i.created],
            )
            .await
            .map_err(Error::db)?;
        Ok(n == 1)
    }

    pub(in crate::store) async fn sync_add_factory(&self, f: &TrustedFactory) -> Result<(), Error> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO sync_factory (vault_id, key_id, public_key, added) VALUES ($1, $2, $3, $4)
             ON CONFLICT (vault_id) DO NOTHING",
            &[&f.vault_id, &f.key_id, &f.public_key, &f.added],
        )
        .await
        .map_err(Error::db)?;
        Ok(())
    }

    pub(in crate::store) async fn sync_factories(&self) -> Result<Vec<TrustedFactory>, Error> {
        let c = self.client().await?;
        c.query(
            "SELECT vault_id, key_id, public_key, added FROM sync_factory ORDER BY vault_id",
            &[],
        )
        .await
        .map_err(Error::db)?
        .iter()
        .map(|r| {
            Ok(TrustedFactory {
                vault_id: col(r, 0)?,
                key_id: col(r, 1)?,
                public_key: col(r, 2)?,
                added: col(r, 3)?,
            })
        })
        .collect()
    }

    pub(in crate::store) async fn sync_export(
        &self,
        to: &str,
        sequence: Option<i64>,
    ) -> Result<Option<ExportRecord>, Error> {
        let c = self.client().await?;
        c.query_opt(
            &format!(
                "SELECT {EXPORT_COLS} FROM sync_export WHERE to_vault = $1
                 AND ($2::BIGINT IS NULL OR sequence = $2) ORDER BY sequence DESC LIMIT 1"
            ),
            &[&to, &sequence],
        )
        .await
        .map_err(Error::db)?
        .map(|r| export_row(&r))
        .transpose()
    }

    pub(in crate::store) async fn sync_record_export(
        &self,
        e: &ExportRecord,
    ) -> Result<bool, Error> {
        let c = self.client().await?;
        let n = c
            .execute(
                &format!(
                    "INSERT INTO sync_export ({EXPORT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (to_vault, sequence) DO NOTHING"
                ),
                &[
                    &e.to_vault,
                    &e.sequence,
                    &e.after_row,
                    &e.last_row,
                    &e.rows,
                    &e.created,
                    &e.digest,
                ],
            )
            .await
            .map_err(Error::db)?;
        Ok(n == 1)
    }

    pub(in crate::store) async fn sync_own_rows(
        &self,
        after: i64,
        upto: Option<i64>,
        limit: i64,
    ) -> Result<Vec<SigningLogRow>, Error> {
        let c = self.client().await?;
        c.query(
            "SELECT id, make, model, serial_number, fingerprint, revision, created, released, assertion
             FROM signinglog WHERE origin IS NULL AND id > $1 AND ($2::BIGINT IS NULL OR id <= $2)
             ORDER BY id LIMIT $3",
            &[&after, &upto, &limit],
        )
        .await
        .map_err(Error::db)?
        .iter()
        .map(super::log_row)
        .collect()
    }

    pub(in crate::store) async fn sync_import(
        &self,
        batch: &ImportBatch,
    ) -> Result<ImportReport, Error> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(Error::db)?;
        let r = &batch.record;
        // The factory's row, locked: imports of one factory take turns.
        let trusted = tx
            .query_opt(
                "SELECT 1 FROM sync_factory WHERE vault_id = $1 FOR UPDATE",
                &[&r.from_vault],
            )
            .await
            .map_err(Error::db)?;
        if trusted.is_none() {
            return Err(SyncError::UnknownFactory {
                bundle: batch.bundle.clone(),
                from: r.from_vault.clone(),
            }
            .into());
        }
        let last = tx
            .query_opt(
                "SELECT sequence, digest, last_row FROM sync_import WHERE from_vault = $1
                 ORDER BY sequence DESC LIMIT 1",
                &[&r.from_vault],
            )
            .await
            .map_err(Error::db)?
            .map(|row| {
                Ok::<_, Error>(LastImport {
                    sequence: col(&row, 0)?,
                    digest: col(&row, 1)?,
                    last_row: col(&row, 2)?,
                })
            })
            .transpose()?;
        // The digest of an imported sequence, read before the check (a replay's only).
        let replayed = match &last {
            Some(l) if r.sequence <= l.sequence => tx
                .query_opt(
                    "SELECT digest FROM sync_import WHERE from_vault = $1 AND sequence = $2",
                    &[&r.from_vault, &r.sequence],
                )
                .await
                .map_err(Error::db)?
                .map(|row| col::<String>(&row, 0))
                .transpose()?,
            _ => None,
        };
        check_next(batch, last.as_ref(), |_| Ok(replayed))?;
        let clash_st = tx
            .prepare_cached(
                "SELECT revision = $4 FROM signinglog
                 WHERE make = $1 AND model = $2 AND serial_number = $3
                   AND (revision = $4 OR (fingerprint <> $5 AND NOT released
                        AND (origin IS NULL OR origin <> $6)))
                 ORDER BY revision = $4 DESC LIMIT 1",
            )
            .await
            .map_err(Error::db)?;
        let insert_st = tx
            .prepare_cached(
                "INSERT INTO signinglog (make, model, serial_number, fingerprint, revision,
                 created, assertion, origin, origin_row) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .await
            .map_err(Error::db)?;
        let conflict_st = tx
            .prepare_cached(
                "INSERT INTO sync_conflict (origin, origin_row, sequence, reason, make, model,
                 serial_number, fingerprint, revision, created, assertion)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .await
            .map_err(Error::db)?;
        let mut conflicts = Vec::new();
        for row in &batch.rows {
            let clash = tx
                .query_opt(
                    &clash_st,
                    &[
                        &row.brand_id,
                        &row.model,
                        &row.serial,
                        &row.revision,
                        &row.fingerprint,
                        &r.from_vault,
                    ],
                )
                .await
                .map_err(Error::db)?
                .map(|x| col::<bool>(&x, 0))
                .transpose()?;
            match clash {
                None => {
                    tx.execute(
                        &insert_st,
                        &[
                            &row.brand_id,
                            &row.model,
                            &row.serial,
                            &row.fingerprint,
                            &row.revision,
                            &row.created,
                            &row.assertion,
                            &r.from_vault,
                            &row.id,
                        ],
                    )
                    .await
                    .map_err(Error::db)?;
                }
                Some(same_revision) => {
                    let reason = conflict_reason(row, same_revision);
                    tx.execute(
                        &conflict_st,
                        &[
                            &r.from_vault,
                            &row.id,
                            &r.sequence,
                            &reason,
                            &row.brand_id,
                            &row.model,
                            &row.serial,
                            &row.fingerprint,
                            &row.revision,
                            &row.created,
                            &row.assertion,
                        ],
                    )
                    .await
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
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &record.from_vault,
                &record.sequence,
                &record.after_row,
                &record.last_row,
                &record.rows,
                &record.conflicts,
                &record.digest,
                &record.imported,
            ],
        )
        .await
        .map_err(Error::db)?;
        tx.commit().await.map_err(Error::db)?;
        Ok(ImportReport { record, conflicts })
    }

    pub(in crate::store) async fn sync_imports(&self) -> Result<Vec<ImportRecord>, Error> {
        let c = self.client().await?;
        c.query(
            "SELECT from_vault, sequence, after_row, last_row, rows, conflicts, digest, imported
             FROM sync_import ORDER BY from_vault, sequence",
            &[],
        )
        .await
        .map_err(Error::db)?
        .iter()
        .map(|r| {
            Ok(ImportRecord {
                from_vault: col(r, 0)?,
                sequence: col(r, 1)?,
                after_row: col(r, 2)?,
                last_row: col(r, 3)?,
                rows: col(r, 4)?,
                conflicts: col(r, 5)?,
                digest: col(r, 6)?,
                imported: col(r, 7)?,
            })
        })
        .collect()
    }

    pub(in crate::store) async fn sync_conflicts(&self) -> Result<Vec<SyncConflict>, Error> {
        let c = self.client().await?;
        c.query(
            "SELECT origin, sequence, reason, origin_row, make, model, serial_number, fingerprint,
             revision, created, assertion FROM sync_conflict ORDER BY id",
            &[],
        )
        .await
        .map_err(Error::db)?
        .iter()
        .map(conflict_row)
        .collect()
    }
}
