//! Sub-store rows on PostgreSQL: the remodel mapping a device (brand, model A, serial S)
//! to a model B in a brand sub-store (the Serial Vault's `datastore/substore.go`).

/// The PostgreSQL migration adding the table.
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

use deadpool_postgres::GenericClient;
use tokio_postgres::Row;
use tokio_postgres::error::SqlState;

use super::{PostgresStore, col};
use crate::error::Error;
use crate::store::records::{
    ModelRecord, NewSubstore, SubstoreRecord, substore_exists, substore_missing_model,
    substore_missing_row,
};
use crate::store::schema::{FROM_MODEL_SELECT, SUBSTORE_SELECT};

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
    pub(in crate::store) async fn add_substore(
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
                    substore_exists(n)
                } else {
                    Error::db(e)
                }
            })?
            .ok_or_else(|| substore_missing_model(n))?;
        let id: i64 = col(&row, 0)?;
        let r = c
            .query_one(&format!("{SUBSTORE_SELECT} WHERE s.id = $1"), &[&id])
            .await
            .map_err(Error::db)?;
        pg_substore(&r)
    }

    pub(in crate::store) async fn substores(&self) -> Result<Vec<SubstoreRecord>, Error> {
        let c = self.client().await?;
        c.query(&format!("{SUBSTORE_SELECT} ORDER BY s.id"), &[])
            .await
            .map_err(Error::db)?
            .iter()
            .map(pg_substore)
            .collect()
    }

    pub(in crate::store) async fn substore(
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
        .map_err(Error::db)?
        .as_ref()
        .map(pg_substore)
        .transpose()
    }

    pub(in crate::store) async fn substore_from_models(
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
        .map_err(Error::db)?
        .iter()
        .map(super::model_row)
        .collect()
    }

    pub(in crate::store) async fn delete_substore(&self, id: i64) -> Result<(), Error> {
        let c = self.client().await?;
        let n = c
            .execute("DELETE FROM substore WHERE id = $1", &[&id])
            .await
            .map_err(Error::db)?;
        if n == 0 {
            return Err(substore_missing_row(id));
        }
        Ok(())
    }
}
