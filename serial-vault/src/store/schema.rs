//! The columns both backends read, in the order their row mappers expect them (the
//! tables are the same on both; each backend's migrations create them).

/// The columns each backend's keypair row mapper reads, in its order.
pub(crate) const KEYPAIR_COLS: &str =
    "authority_id, key_id, key_name, active, sealed_key, account_assertion, account_key_assertion";

/// The columns each backend's model row mapper reads, in its order, over `model m` joined
/// with its `keypair k` (macros, so that `concat!` builds constant statements on them, and
/// `#[macro_use]` on this module makes them visible to the backends).
macro_rules! model_columns {
    () => {
        "m.brand_id, m.name, k.key_id, k.active, m.api_key, m.serial_authority"
    };
}

/// The model rows with their key's id and state.
macro_rules! model_select {
    () => {
        concat!(
            "SELECT ",
            model_columns!(),
            " FROM model m JOIN keypair k ON k.id = m.keypair_id"
        )
    };
}

pub(crate) const SUBSTORE_SELECT: &str = "SELECT s.id, m.brand_id, m.name, s.serial_number, s.model_name, s.store FROM substore s JOIN model m ON m.id = s.from_model_id";
/// The from-model rows of sub-store entries, as the model row mappers read them.
pub(crate) const FROM_MODEL_SELECT: &str = concat!(
    "SELECT ",
    model_columns!(),
    " FROM substore s JOIN model m ON m.id = s.from_model_id JOIN keypair k ON k.id = m.keypair_id"
);
