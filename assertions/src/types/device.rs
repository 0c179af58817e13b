//! The device a policy applies to, read from its model and store assertions
//! ([`DeviceModel`], [`DeviceStore`] of [`crate::policy`]).

use crate::rules::{DeviceModel, DeviceStore};

use super::{Model, Store};

impl From<&Model<'_>> for DeviceModel {
    fn from(m: &Model<'_>) -> Self {
        DeviceModel {
            brand_id: m.brand_id.to_owned(),
            model: m.model.to_owned(),
            store: m.store.unwrap_or_default().to_owned(),
        }
    }
}

impl From<&Store<'_>> for DeviceStore {
    fn from(s: &Store<'_>) -> Self {
        DeviceStore {
            store: s.store.to_owned(),
            friendly_stores: s.friendly_stores.iter().map(|f| (*f).to_owned()).collect(),
        }
    }
}
