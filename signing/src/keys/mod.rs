//! Keys: RSA (what snapd signs and verifies with) and, behind the `ed25519` feature,
//! Ed25519 as an extension snapd does not accept.
//!
//! Layers: `packet` (OpenPGP packet syntax, a leaf) ← [`rsa`] (keys, key ids, PKCS#1 v1.5);
//! `ed25519` stands alone.

#[cfg(feature = "ed25519")]
pub mod ed25519;
pub(crate) mod packet;
pub mod rsa;

pub use rsa::encode_public_key;
pub use ucore_assertions::openpgp::SNAPD_KEY_CREATION_TIME;
