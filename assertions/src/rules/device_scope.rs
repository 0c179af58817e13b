//! Device scope, `on-store` / `on-brand` / `on-model` (policy.md §4.6): which devices a
//! constraint set (or a snap-declaration's `revision-authority`) applies to, by the
//! device's model and store assertions.

use serde::Serialize;

use crate::headers::{HeaderMap, HeaderValue};

use super::error::DeviceScopeError;

/// The three keys, in the bytewise order ucore checks them. snapd checks them in Go's
/// random map order, so when two are bad, which error it reports varies; ucore always
/// reports the first in this order.
pub(crate) const DEVICE_SCOPE_KEYS: [&str; 3] = ["on-brand", "on-model", "on-store"];

/// What device scope checks of a device: its model and, optionally, its store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Device {
    /// The model assertion (snapd always has one; without, device scope never matches).
    pub model: Option<DeviceModel>,
    /// The store assertion named by the model's `store`, if known.
    pub store: Option<DeviceStore>,
}

/// The parts of a model assertion device scope reads (`From<&types::Model>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceModel {
    /// `brand-id`.
    pub brand_id: String,
    /// `model`.
    pub model: String,
    /// `store` (empty when absent).
    pub store: String,
}

/// The parts of a store assertion device scope reads (`From<&types::Store>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceStore {
    /// `store`.
    pub store: String,
    /// `friendly-stores`.
    pub friendly_stores: Vec<String>,
}

/// A compiled device scope (snapd's `DeviceScopeConstraint`); the keys are ANDed, an
/// empty list is no constraint. Serializes as the oracle prints it (`null` for empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeviceScopeConstraint {
    /// `on-store`: store names.
    #[serde(rename = "on-store", serialize_with = "super::serialize_list_or_null")]
    pub store: Vec<String>,
    /// `on-brand`: account ids.
    #[serde(rename = "on-brand", serialize_with = "super::serialize_list_or_null")]
    pub brand: Vec<String>,
    /// `on-model`: `<brand-id>/<model>`.
    #[serde(rename = "on-model", serialize_with = "super::serialize_list_or_null")]
    pub model: Vec<String>,
}

/// `^[-A-Z0-9a-z_]+$`.
fn is_store_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// An account id: `^(?:[a-z0-9A-Z]{32}|[-a-z0-9]{2,28})$`.
pub(crate) fn is_account_id(s: &str) -> bool {
    (s.len() == 32 && s.bytes().all(|b| b.is_ascii_alphanumeric()))
        || ((2..=28).contains(&s.len())
            && s.bytes()
                .all(|b| b == b'-' || b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// A model name: `^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$`.
fn is_model_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// `<brand>/<model>`.
fn is_brand_model(s: &str) -> bool {
    s.split_once('/')
        .is_some_and(|(brand, model)| is_account_id(brand) && is_model_name(model))
}

impl DeviceScopeConstraint {
    /// Compiles the device scope of `m` (`None` if it has none of the keys); `context`
    /// is the subrule context text or `revision-authority`.
    pub fn compile(m: &HeaderMap<'_>, context: &str) -> Result<Option<Self>, DeviceScopeError> {
        if !DEVICE_SCOPE_KEYS.iter().any(|k| m.contains_key(k)) {
            return Ok(None);
        }
        let mut c = DeviceScopeConstraint::default();
        for key in DEVICE_SCOPE_KEYS {
            let (valid, out): (fn(&str) -> bool, _) = match key {
                "on-store" => (is_store_name, &mut c.store),
                "on-brand" => (is_account_id, &mut c.brand),
                _ => (is_brand_model, &mut c.model),
            };
            let Some(value) = m.get(key) else { continue };
            let not_list = || DeviceScopeError::NotStringList {
                key,
                context: context.to_owned(),
            };
            let HeaderValue::List(items) = value else {
                return Err(not_list());
            };
            for item in items {
                let s = item.as_str().ok_or_else(not_list)?;
                if !valid(s) {
                    return Err(DeviceScopeError::InvalidElement {
                        key,
                        context: context.to_owned(),
                        element: s.to_owned(),
                    });
                }
                out.push(s.to_owned());
            }
        }
        Ok(Some(c))
    }

    /// Checks `device` (snapd's `Check` with friendly stores, as the policy uses it):
    /// the model is required, a given store must be the model's, then `on-store`
    /// (the model's store, or a friendly store of the store assertion), `on-brand` and
    /// `on-model`.
    pub fn check(&self, device: &Device) -> Result<(), String> {
        let Some(model) = &device.model else {
            return Err("cannot match on-store/on-brand/on-model without model".to_owned());
        };
        if let Some(store) = &device.store
            && store.store != model.store
        {
            return Err("store assertion and model store must match".to_owned());
        }
        if !self.store.is_empty() && !self.store.contains(&model.store) {
            let friendly = device
                .store
                .as_ref()
                .is_some_and(|s| self.store.iter().any(|x| s.friendly_stores.contains(x)));
            if !friendly {
                return Err("on-store mismatch".to_owned());
            }
        }
        if !self.brand.is_empty() && !self.brand.contains(&model.brand_id) {
            return Err("on-brand mismatch".to_owned());
        }
        if !self.model.is_empty()
            && !self
                .model
                .iter()
                .any(|m| m.split_once('/') == Some((&model.brand_id, &model.model)))
        {
            return Err("on-model mismatch".to_owned());
        }
        Ok(())
    }
}
