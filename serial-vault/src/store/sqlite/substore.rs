//! Sub-store rows on SQLite: the remodel mapping a device (brand, model A, serial S) to a
//! model B in a brand sub-store (the Serial Vault's `datastore/substore.go`).

use rusqlite::{OptionalExtension, params};

use super::SqliteStore;
use crate::error::Error;
use crate::store::records::{
    ModelRecord, NewSubstore, SubstoreRecord, substore_exists, substore_missing_model,
    substore_missing_row,
};
use crate::store::schema::{FROM_MODEL_SELECT, SUBSTORE_SELECT};

/// The SQLite migration adding the table (runs on open, on an existing database too).
pub(super) const SQLITE_MIGRATION: &str = r#"
CREATE TABLE substore (
    id INTEGER PRIMARY KEY,
    from_model_id INTEGER NOT NULL REFERENCES model(id) ON DELETE CASCADE,
    serial_number TEXT NOT NULL,
    model_name TEXT NOT NULL,
    store TEXT NOT NULL,
    UNIQUE (from_model_id, serial_number)
);
CREATE INDEX substore_model_serial ON substore(model_name, serial_number);
"#;

fn sqlite_substore(r: &rusqlite::Row<'_>) -> rusqlite::Result<SubstoreRecord> {
    Ok(SubstoreRecord {
        id: r.get(0)?,
        brand_id: r.get(1)?,
        from_model: r.get(2)?,
        serial_number: r.get(3)?,
        model_name: r.get(4)?,
        store: r.get(5)?,
    })
}

impl SqliteStore {
    pub(in crate::store) async fn add_substore(
        &self,
        n: NewSubstore,
    ) -> Result<SubstoreRecord, Error> {
        self.with(move |c| {
            let inserted = c
                .execute(
                    "INSERT INTO substore (from_model_id, serial_number, model_name, store)
                     SELECT id, ?3, ?4, ?5 FROM model WHERE brand_id = ?1 AND name = ?2",
                    params![
                        n.brand_id,
                        n.from_model,
                        n.serial_number,
                        n.model_name,
                        n.store
                    ],
                )
                .map_err(|e| match e {
                    rusqlite::Error::SqliteFailure(f, _)
                        if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                    {
                        substore_exists(&n)
                    }
                    e => Error::db(e),
                })?;
            if inserted == 0 {
                return Err(substore_missing_model(&n));
            }
            let id = c.last_insert_rowid();
            c.query_row(
                &format!("{SUBSTORE_SELECT} WHERE s.id = ?1"),
                [id],
                sqlite_substore,
            )
            .map_err(Error::db)
        })
        .await
    }

    pub(in crate::store) async fn substores(&self) -> Result<Vec<SubstoreRecord>, Error> {
        self.read(|c| {
            let mut st = c
                .prepare(&format!("{SUBSTORE_SELECT} ORDER BY s.id"))
                .map_err(Error::db)?;
            let rows = st.query_map([], sqlite_substore).map_err(Error::db)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(Error::db)
        })
        .await
    }

    pub(in crate::store) async fn substore(
        &self,
        brand_id: String,
        from_model: String,
        serial: String,
    ) -> Result<Option<SubstoreRecord>, Error> {
        self.read(move |c| {
            c.query_row(
                &format!(
                    "{SUBSTORE_SELECT} WHERE m.brand_id = ?1 AND m.name = ?2 AND s.serial_number = ?3"
                ),
                params![brand_id, from_model, serial],
                sqlite_substore,
            )
            .optional()
            .map_err(Error::db)
        })
        .await
    }

    pub(in crate::store) async fn substore_from_models(
        &self,
        brand_id: String,
        model_name: String,
        serial: String,
    ) -> Result<Vec<ModelRecord>, Error> {
        self.read(move |c| {
            let mut st = c
                .prepare(&format!(
                    "{FROM_MODEL_SELECT} WHERE m.brand_id = ?1 AND s.model_name = ?2 AND s.serial_number = ?3 ORDER BY s.id"
                ))
                .map_err(Error::db)?;
            let rows = st
                .query_map(params![brand_id, model_name, serial], super::model_row)
                .map_err(Error::db)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(Error::db)
        })
        .await
    }

    pub(in crate::store) async fn delete_substore(&self, id: i64) -> Result<(), Error> {
        self.with(move |c| {
            let n = c
                .execute("DELETE FROM substore WHERE id = ?1", [id])
                .map_err(Error::db)?;
            if n == 0 {
                return Err(substore_missing_row(id));
            }
            Ok(())
        })
        .await
    }
}
