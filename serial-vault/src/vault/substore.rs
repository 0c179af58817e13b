//! Admin operations on sub-store rows (the Serial Vault's `substore` table, its admin routes
//! in `service/router.go` `AdminRouter`): which device may re-register
//! (remodel) under which model name and store.

use super::{Vault, names};
use crate::error::Error;
use crate::store::{NewSubstore, SubstoreRecord};

impl Vault {
    /// Maps the device (brand, `from_model`, serial) to `model_name` in `store`. The
    /// from-model must exist; one row per (from-model, serial).
    pub async fn add_substore(&self, new: NewSubstore) -> Result<SubstoreRecord, Error> {
        names::check_account_id("brand_id", &new.brand_id)?;
        names::check_model("from_model", &new.from_model)?;
        names::check_serial("serial_number", &new.serial_number)?;
        names::check_model("model_name", &new.model_name)?;
        names::check_store("store", &new.store)?;
        let row = self.inner.store.add_substore(new).await?;
        tracing::info!(brand = %row.brand_id, from = %row.from_model, serial = %row.serial_number, to = %row.model_name, store = %row.store, "sub-store row added");
        Ok(row)
    }

    /// Every sub-store row.
    pub async fn substores(&self) -> Result<Vec<SubstoreRecord>, Error> {
        self.inner.store.substores().await
    }

    /// Deletes sub-store row `id`.
    pub async fn delete_substore(&self, id: i64) -> Result<(), Error> {
        self.inner.store.delete_substore(id).await
    }
}
