//! Sub-store rows (spec §1.5 `substore`, §1.8): a device registered as (brand, model A,
//! serial S) may re-register (remodel) as model B in a brand sub-store. One row per
//! (from-model, serial), holding the new model name and the store.
//!
//! The same queries on both backends; the rows reference the from-model, so deleting a
//! model deletes its rows.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::records::ModelRecord;
use super::{SqliteStore, Store};
use crate::error::Error;

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

/// The PostgreSQL migration adding the table.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub(super) const POSTGRES_MIGRATION: &str = r#"
CREATE TABLE substore (
    id BIGSERIAL PRIMARY KEY,
    from_model_id BIGINT NOT NULL REFERENCES model(id) ON DELETE CASCADE,
    serial_number TEXT NOT NULL,
    model_name TEXT NOT NULL,
    store TEXT NOT NULL,
    UNIQUE (from_model_id, serial_number)
);
CREATE INDEX substore_model_serial ON substore(model_name, serial_number);
"#;

/// A sub-store row: the device (brand, `from_model`, `serial_number`) may re-register as
/// `model_name` in `store`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SubstoreRecord {
    /// Row id.
    pub id: i64,
    /// The brand-id (of both models).
    pub brand_id: String,
    /// The model the device was registered with.
    pub from_model: String,
    /// The device's serial number.
    pub serial_number: String,
    /// The model name the device re-registers as.
    pub model_name: String,
    /// The sub-store.
    pub store: String,
}

/// A new sub-store row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct NewSubstore {
    /// The brand-id.
    pub brand_id: String,
    /// The model the device was registered with (must exist).
    pub from_model: String,
    /// The device's serial number.
    pub serial_number: String,
    /// The new model name.
    pub model_name: String,
    /// The sub-store.
    pub store: String,
}

const SUBSTORE_SELECT: &str = "SELECT s.id, m.brand_id, m.name, s.serial_number, s.model_name, s.store FROM substore s JOIN model m ON m.id = s.from_model_id";
/// The from-model rows of sub-store entries, as the model row mappers read them.
const FROM_MODEL_SELECT: &str = concat!(
    "SELECT ",
    model_columns!(),
    " FROM substore s JOIN model m ON m.id = s.from_model_id JOIN keypair k ON k.id = m.keypair_id"
);

fn exists_error(n: &NewSubstore) -> Error {
    Error::InvalidInput {
        reason: format!(
            "a sub-store row for {}/{} serial {} already exists",
            n.brand_id, n.from_model, n.serial_number
        ),
    }
}

fn no_model(n: &NewSubstore) -> Error {
    Error::NotFound {
        what: format!("model {}/{}", n.brand_id, n.from_model),
    }
}

fn no_row(id: i64) -> Error {
    Error::NotFound {
        what: format!("sub-store row {id}"),
    }
}

impl Store {
    /// Adds a sub-store row; [`Error::NotFound`] when the from-model does not exist,
    /// [`Error::InvalidInput`] when that (from-model, serial) already has one.
    pub async fn add_substore(&self, new: NewSubstore) -> Result<SubstoreRecord, Error> {
        match self {
            Store::Sqlite(s) => s.add_substore(new).await,
            #[cfg(feature = "postgres")]
            Store::Postgres(p) => p.add_substore(&new).await,
        }
    }

    /// Every sub-store row, oldest first.
    pub async fn substores(&self) -> Result<Vec<SubstoreRecord>, Error> {
        match self {
            Store::Sqlite(s) => s.substores().await,
            #[cfg(feature = "postgres")]
            Store::Postgres(p) => p.substores().await,
        }
    }

    /// The row for (brand, from-model, serial) (the Serial Vault's `GetSubstore`).
    pub async fn substore(
        &self,
        brand_id: &str,
        from_model: &str,
        serial: &str,
    ) -> Result<Option<SubstoreRecord>, Error> {
        let (b, m, s) = (
            brand_id.to_string(),
            from_model.to_string(),
            serial.to_string(),
        );
        match self {
            Store::Sqlite(st) => st.substore(b, m, s).await,
            #[cfg(feature = "postgres")]
            Store::Postgres(p) => p.substore(&b, &m, &s).await,
        }
    }

    /// The from-models of the rows mapping (brand, serial) to `model_name` (the Serial
    /// Vault's `GetSubstoreModel`); the caller matches the API key.
    pub async fn substore_from_models(
        &self,
        brand_id: &str,
        model_name: &str,
        serial: &str,
    ) -> Result<Vec<ModelRecord>, Error> {
        let (b, m, s) = (
            brand_id.to_string(),
            model_name.to_string(),
            serial.to_string(),
        );
        match self {
            Store::Sqlite(st) => st.substore_from_models(b, m, s).await,
            #[cfg(feature = "postgres")]
            Store::Postgres(p) => p.substore_from_models(&b, &m, &s).await,
        }
    }

    /// Deletes row `id`; [`Error::NotFound`] when there is none.
    pub async fn delete_substore(&self, id: i64) -> Result<(), Error> {
        match self {
            Store::Sqlite(s) => s.delete_substore(id).await,
            #[cfg(feature = "postgres")]
            Store::Postgres(p) => p.delete_substore(id).await,
        }
    }
}

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
    async fn add_substore(&self, n: NewSubstore) -> Result<SubstoreRecord, Error> {
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
                        exists_error(&n)
                    }
                    e => Error::db(e),
                })?;
            if inserted == 0 {
                return Err(no_model(&n));
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

    async fn substores(&self) -> Result<Vec<SubstoreRecord>, Error> {
        self.with(|c| {
            let mut st = c
                .prepare(&format!("{SUBSTORE_SELECT} ORDER BY s.id"))
                .map_err(Error::db)?;
            let rows = st.query_map([], sqlite_substore).map_err(Error::db)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(Error::db)
        })
        .await
    }

    async fn substore(
        &self,
        brand_id: String,
        from_model: String,
        serial: String,
    ) -> Result<Option<SubstoreRecord>, Error> {
        self.with(move |c| {
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

    async fn substore_from_models(
        &self,
        brand_id: String,
        model_name: String,
        serial: String,
    ) -> Result<Vec<ModelRecord>, Error> {
        self.with(move |c| {
            let mut st = c
                .prepare(&format!(
                    "{FROM_MODEL_SELECT} WHERE m.brand_id = ?1 AND s.model_name = ?2 AND s.serial_number = ?3 ORDER BY s.id"
                ))
                .map_err(Error::db)?;
            let rows = st
                .query_map(params![brand_id, model_name, serial], super::sqlite::model_row)
                .map_err(Error::db)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(Error::db)
        })
        .await
    }

    async fn delete_substore(&self, id: i64) -> Result<(), Error> {
        self.with(move |c| {
            let n = c
                .execute("DELETE FROM substore WHERE id = ?1", [id])
                .map_err(Error::db)?;
            if n == 0 {
                return Err(no_row(id));
            }
            Ok(())
        })
        .await
    }
}

#[cfg(feature = "postgres")]
mod pg {
    use deadpool_postgres::GenericClient;
    use tokio_postgres::Row;
    use tokio_postgres::error::SqlState;

    use super::super::PostgresStore;
    use super::super::postgres::col;
    use super::*;

    fn pg_substore(r: &Row) -> Result<SubstoreRecord, Error> {
        Ok(SubstoreRecord {
            id: col(r, 0)?,
            brand_id: col(r, 1)?,
            from_model: col(r, 2)?,
            serial_number: col(r, 3)?,
            model_name: col(r, 4)?,
            store: col(r, 5)?,
        })
    }

    impl PostgresStore {
        pub(in super::super) async fn add_substore(
            &self,
            n: &NewSubstore,
        ) -> Result<SubstoreRecord, Error> {
            let c = self.client().await?;
            let row = c
                .query_opt(
                    "INSERT INTO substore (from_model_id, serial_number, model_name, store)
                     SELECT id, $3, $4, $5 FROM model WHERE brand_id = $1 AND name = $2
                     RETURNING id",
                    &[
                        &n.brand_id,
                        &n.from_model,
                        &n.serial_number,
                        &n.model_name,
                        &n.store,
                    ],
                )
                .await
                .map_err(|e| {
                    if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                        exists_error(n)
                    } else {
                        Error::db_chain(e)
                    }
                })?
                .ok_or_else(|| no_model(n))?;
            let id: i64 = col(&row, 0)?;
            let r = c
                .query_one(&format!("{SUBSTORE_SELECT} WHERE s.id = $1"), &[&id])
                .await
                .map_err(Error::db_chain)?;
            pg_substore(&r)
        }

        pub(in super::super) async fn substores(&self) -> Result<Vec<SubstoreRecord>, Error> {
            let c = self.client().await?;
            c.query(&format!("{SUBSTORE_SELECT} ORDER BY s.id"), &[])
                .await
                .map_err(Error::db_chain)?
                .iter()
                .map(pg_substore)
                .collect()
        }

        pub(in super::super) async fn substore(
            &self,
            brand_id: &str,
            from_model: &str,
            serial: &str,
        ) -> Result<Option<SubstoreRecord>, Error> {
            let c = self.client().await?;
            c.query_opt(
                &format!(
                    "{SUBSTORE_SELECT} WHERE m.brand_id = $1 AND m.name = $2 AND s.serial_number = $3"
                ),
                &[&brand_id, &from_model, &serial],
            )
            .await
            .map_err(Error::db_chain)?
            .as_ref()
            .map(pg_substore)
            .transpose()
        }

        pub(in super::super) async fn substore_from_models(
            &self,
            brand_id: &str,
            model_name: &str,
            serial: &str,
        ) -> Result<Vec<ModelRecord>, Error> {
            let c = self.client().await?;
            c.query(
                &format!(
                    "{FROM_MODEL_SELECT} WHERE m.brand_id = $1 AND s.model_name = $2 AND s.serial_number = $3 ORDER BY s.id"
                ),
                &[&brand_id, &model_name, &serial],
            )
            .await
            .map_err(Error::db_chain)?
            .iter()
            .map(super::super::postgres::model_row)
            .collect()
        }

        pub(in super::super) async fn delete_substore(&self, id: i64) -> Result<(), Error> {
            let c = self.client().await?;
            let n = c
                .execute("DELETE FROM substore WHERE id = $1", &[&id])
                .await
                .map_err(Error::db_chain)?;
            if n == 0 {
                return Err(no_row(id));
            }
            Ok(())
        }
    }
}
