//! Rows of the vault's tables, as the admin API shows them.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A signing key (`keypair` table). The sealed key never leaves the store through the
/// admin API (`sealed_key` is skipped when serialised).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeypairRecord {
    /// The account the key belongs to (`authority-id` of what it signs).
    pub authority_id: String,
    /// snapd key id (`sign-key-sha3-384`).
    pub key_id: String,
    /// A human name.
    pub key_name: String,
    /// Whether the key may sign.
    pub active: bool,
    /// The private key sealed with the vault's master secret (AEAD), or `external:` plus a
    /// label for keys held by an HSM / registered at run time.
    #[serde(skip_serializing, default)]
    pub sealed_key: String,
    /// The brand's `account` assertion, if imported (sent with `serial-stream`).
    pub account_assertion: Option<String>,
    /// The key's `account-key` assertion, if imported (sent with `serial-stream`).
    pub account_key_assertion: Option<String>,
}

/// A model the vault signs serials for (`model` table).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ModelRecord {
    /// `brand-id`.
    pub brand_id: String,
    /// `model`.
    pub model: String,
    /// The signing key's id.
    pub key_id: String,
    /// Whether that key is active.
    pub key_active: bool,
    /// The API key devices send in the `api-key` header.
    pub api_key: String,
    /// The accounts besides the brand whose keys may sign this model's serials: the
    /// model assertion's `serial-authority` (the serial's `authority-id` is then the key's
    /// account). Empty: the brand's keys only.
    #[serde(default)]
    pub serial_authority: Vec<String>,
}

/// A model to add ([`crate::Vault::create_model`], `POST /admin/v1/models`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct NewModel {
    /// brand-id.
    pub brand_id: String,
    /// model.
    pub model: String,
    /// The signing key id: a key of the brand, or of an account in `serial_authority`.
    pub key_id: String,
    /// The API key (random when absent).
    #[serde(default)]
    pub api_key: Option<String>,
    /// The model assertion's `serial-authority`, the brand left out (see
    /// [`ModelRecord::serial_authority`]).
    #[serde(default)]
    pub serial_authority: Vec<String>,
}

/// How a model's `serial_authority` is stored: account ids (which hold no blank), one
/// space between each.
pub(crate) fn join_authorities(ids: &[String]) -> String {
    ids.join(" ")
}

/// A model's stored `serial_authority` column, as a list.
pub(crate) fn split_authorities(column: &str) -> Vec<String> {
    column.split_whitespace().map(str::to_string).collect()
}

/// A signing-log row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SigningLogRow {
    /// Row id.
    pub id: i64,
    /// brand-id (`make` in the Serial Vault).
    pub make: String,
    /// model.
    pub model: String,
    /// The serial number.
    pub serial_number: String,
    /// Device key id.
    pub fingerprint: String,
    /// Revision of the serial assertion.
    pub revision: i64,
    /// When it was signed (RFC 3339, UTC).
    pub created: String,
    /// Whether an operator released the serial for re-provisioning.
    pub released: bool,
    /// The signed serial assertion, as returned to the device.
    pub assertion: String,
}

/// A row to log.
#[derive(Debug, Clone)]
pub struct NewLogRow {
    /// brand-id.
    pub make: String,
    /// model.
    pub model: String,
    /// serial number.
    pub serial_number: String,
    /// device key id.
    pub fingerprint: String,
    /// revision of the signed serial.
    pub revision: i64,
    /// RFC 3339 UTC time.
    pub created: String,
    /// the signed serial.
    pub assertion: String,
}

/// What [`super::Store::log_serial`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueOutcome {
    /// Logged.
    Logged,
    /// Another request logged this revision first: sign again with a new revision.
    RevisionTaken,
}

/// Filters and paging for the signing log.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LogFilter {
    /// Only this brand.
    pub brand_id: Option<String>,
    /// Only this model.
    pub model: Option<String>,
    /// Only this serial number.
    pub serial: Option<String>,
    /// Rows to skip.
    pub offset: Option<i64>,
    /// Page size (default 50, at most 10 000).
    pub limit: Option<i64>,
}

impl LogFilter {
    /// The page size to use.
    pub fn page_size(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, 10_000)
    }
}

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

/// `invalid-input`: that (from-model, serial) already has a sub-store row.
pub(crate) fn substore_exists(n: &NewSubstore) -> Error {
    Error::invalid_input(format!(
        "a sub-store row for {}/{} serial {} already exists",
        n.brand_id, n.from_model, n.serial_number
    ))
}

pub(crate) fn substore_missing_model(n: &NewSubstore) -> Error {
    Error::NotFound {
        what: format!("model {}/{}", n.brand_id, n.from_model),
    }
}

pub(crate) fn substore_missing_row(id: i64) -> Error {
    Error::NotFound {
        what: format!("sub-store row {id}"),
    }
}
