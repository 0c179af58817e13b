//! snapd's built-in Canonical trust roots (`asserts/sysdb`): public data, byte-identical to
//! the assertions compiled into snapd (exported by the oracle's `sysdb` command).
//!
//! * trusted: the `canonical` account and the root account-key (RSA-8192, revision 2);
//! * predefined: the `generic` account and the generic `models` account-key;
//! * [`generic_classic_model`]: the `generic-classic` model, which snapd exposes but does
//!   not put in the database.

use ucore_assertions::{Assertion, Error};

/// `account` canonical (trusted).
pub const CANONICAL_ACCOUNT: &[u8] = include_bytes!("canonical-account.assert");
/// `account-key` canonical/root, revision 2, RSA-8192 (trusted).
pub const CANONICAL_ROOT_ACCOUNT_KEY: &[u8] = include_bytes!("canonical-root-account-key.assert");
/// `account` generic (predefined).
pub const GENERIC_ACCOUNT: &[u8] = include_bytes!("generic-account.assert");
/// `account-key` generic/models (predefined).
pub const GENERIC_MODELS_ACCOUNT_KEY: &[u8] = include_bytes!("generic-models-account-key.assert");
/// `model` generic-classic, signed by the generic models key.
pub const GENERIC_CLASSIC_MODEL: &[u8] = include_bytes!("generic-classic-model.assert");

/// The root key's id (`public-key-sha3-384`).
pub const CANONICAL_ROOT_KEY_ID: &str =
    "-CvQKAwRQ5h3Ffn10FILJoEZUXOv6km9FwA80-Rcj-f-6jadQ89VRswHNiEB9Lxk";

/// The trusted set. (The embedded assertions decode; the `Result` is the decoder's.)
pub fn trusted() -> Result<Vec<Assertion>, Error> {
    Ok(vec![
        Assertion::decode(CANONICAL_ACCOUNT)?,
        Assertion::decode(CANONICAL_ROOT_ACCOUNT_KEY)?,
    ])
}

/// The other predefined assertions.
pub fn predefined() -> Result<Vec<Assertion>, Error> {
    Ok(vec![
        Assertion::decode(GENERIC_ACCOUNT)?,
        Assertion::decode(GENERIC_MODELS_ACCOUNT_KEY)?,
    ])
}

/// The `generic-classic` model.
pub fn generic_classic_model() -> Result<Assertion, Error> {
    Assertion::decode(GENERIC_CLASSIC_MODEL)
}
