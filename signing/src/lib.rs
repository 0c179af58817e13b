//! # ucore-signing
//!
//! The cryptography and the trust decisions of snapd's assertion system.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod backend;
pub mod database;
mod error;
mod goquote;
pub mod hash;
pub mod json_headers;
pub mod keys;
pub mod roots;
pub mod signature;
pub mod signer;
#[cfg(test)]
mod test_keys;

pub use backend::{RsaBackend, SHA512_DIGEST_INFO_PREFIX};
pub use error::{Error, VerifyFailure};
pub use hash::HashAlgorithm;
pub use keys::rsa::{RsaPrivateKey, RsaPublicKey};
#[cfg(feature = "pkcs11")]
pub use signer::pkcs11::{Pkcs11Signer, Pkcs11Token};
pub use signer::{FileSigner, Signer};
pub mod keypair;
pub use database::{
    AddOutcome, Backstore, CheckTime, Database, DatabaseConfig, FsBackstore, MemoryBackstore,
};
pub use error::Inconsistency;
pub use json_headers::builder_from_json;
pub use keypair::{FsKeypairManager, KeypairManager, MemoryKeypairManager};
pub use signature::{
    now_unix, sign_assertion, sign_assertion_at, sign_content, verify_signature,
    verify_signature_with,
};
