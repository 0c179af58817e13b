//! Keys: RSA (what snapd signs and verifies with) and, behind the `ed25519` feature,
//! Ed25519 as an extension snapd does not accept.

#[cfg(feature = "ed25519")]
pub mod ed25519;
pub(crate) mod openpgp_key;
pub mod rsa;

pub use openpgp_key::{SNAPD_KEY_CREATION_TIME, encode_public_key};
