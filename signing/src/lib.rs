//! # ucore-signing
//!
//! The cryptography and the trust decisions of snapd's assertion system, byte for byte
//! compatible with snapd:
//!
//! * **keys** — RSA keys in PEM (PKCS#1 and PKCS#8) and DER, 4096-bit generation, snapd key
//!   ids; Ed25519 as a clearly separate extension (feature `ed25519`; snapd rejects it);
//! * **signing** — [`sign_assertion_at`]: the canonical content from `ucore-assertions`, an
//!   OpenPGP v4 signature packet (RSA PKCS#1 v1.5 over SHA-512, snapd's one creation-time
//!   subpacket), the v1 wrapper; deterministic for a given creation time, so signatures
//!   equal snapd's (the oracle's `--sig-time`);
//! * **verification** — [`verify_signature`]: whatever snapd accepts (any v4 packet shape,
//!   SHA-1 to SHA-512), with snapd's errors (`failed signature verification: openpgp: …`);
//!   RSA through `ring`, with the pure-Rust `rsa` crate as fallback and second opinion;
//! * **signers** — the [`Signer`] trait: in memory ([`RsaPrivateKey`]), key files
//!   ([`FileSigner`]), and PKCS#11 tokens (feature `pkcs11`) where the key never leaves the
//!   HSM;
//! * **keypair stores** — [`MemoryKeypairManager`] and [`FsKeypairManager`] (snapd's
//!   `private-keys-v1/<keyid>` layout, optionally encrypted at rest);
//! * **the trust database** — [`Database`]: trusted and predefined assertions, `check`,
//!   `add`, `find`, `find_many`, revision, validity-window, authority and consistency
//!   rules, memory and filesystem (snapd's `asserts-v0/…` layout) backstores, and the
//!   built-in Canonical roots ([`Database::with_canonical_roots`]).
//!
//! ```
//! use ucore_assertions::{AssertionAccess, AssertionBuilder, AssertionType, Timestamp};
//! use ucore_signing::{sign_assertion_at, verify_signature, RsaPrivateKey};
//!
//! // A checked-in, test-only key (never use it for anything real).
//! # let pem = ucore_test_support::keys::ACME;
//! let key = RsaPrivateKey::from_pem(pem)?;
//! let account = AssertionBuilder::new(AssertionType::Account)
//!     .header("authority-id", "acme")
//!     .header("account-id", "acme")
//!     .header("display-name", "ACME")
//!     .header("validation", "unproven")
//!     .header("timestamp", "2016-12-01T12:00:00Z");
//! // Signed at a fixed time, the bytes are reproducible (and equal snapd's).
//! let at = Timestamp::from_openpgp_time(1_480_593_600); // 2016-12-01T12:00:00Z
//! let signed = sign_assertion_at(&account, &key, at)?;
//! assert_eq!(signed.sign_key_sha3_384(), Some(key.key_id()));
//! verify_signature(&signed, key.public_key())?;
//! # Ok::<(), ucore_signing::Error>(())
//! ```
//!
//! ## Module map
//!
//! The modules form layers: each uses only the ones above it, so the crate reads from the
//! top down.
//!
//! 1. [`hash`] — the hashes signatures name; then the errors ([`Error`] and its concerns:
//!    [`KeyError`], [`KeypairStoreError`], [`DatabaseError`], [`HeadersError`], with
//!    snapd's texts); `backend` — the RSA implementations (ring, `rsa`);
//! 2. [`keys`] — [`RsaPrivateKey`], [`RsaPublicKey`] (and `keys::ed25519`); inside it,
//!    `keys::packet` (OpenPGP packet syntax) and `keys::rsa` do not use each other;
//! 3. [`signer`] — [`Signer`], [`FileSigner`], `signer::pkcs11` (a token's keys);
//! 4. [`signature`] — sign and verify assertions; [`json_headers`] — headers from JSON
//!    (`snap sign` input); [`roots`] — Canonical's trust roots (data);
//! 5. [`keypair`] — keypair managers, the private-key file format, encryption at rest;
//! 6. [`database`] — [`Database`] on top of all of them; inside it, `views` (what the rules
//!    read of assertions) ← `rules` (consistency, over a read-only lookup the database
//!    implements) and the backstores ← the database itself.
//!
//! The oracle's command shapes (`verify`, `sign`, `bench-verify` as JSON lines) are not
//! library API: they live in the examples' shared module (`examples/common/mod.rs`).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod backend;
pub mod database;
mod error;
pub mod hash;
pub mod json_headers;
pub mod keypair;
pub mod keys;
pub mod roots;
pub mod signature;
pub mod signer;
#[cfg(test)]
mod test_keys;

pub use backend::{RsaBackend, SHA512_DIGEST_INFO_PREFIX};
pub use database::{
    AddStreamError, Added, Backstore, CheckTime, Database, DatabaseConfig, FsBackstore,
    MemoryBackstore,
};
pub use error::{
    DatabaseError, Error, HeadersError, Inconsistency, KeyEncodingError, KeyError,
    KeypairStoreError, StorageError, VerifyFailure,
};
pub use hash::HashAlgorithm;
pub use json_headers::{builder_from_json, header_value_from_json};
pub use keypair::{FsKeypairManager, KeypairManager, MemoryKeypairManager};
pub use keys::encode_public_key;
pub use keys::rsa::{RsaPrivateKey, RsaPublicKey};
pub use signature::{
    sign_assertion, sign_assertion_at, sign_content, verify_signature, verify_signature_with,
};
#[cfg(feature = "pkcs11")]
pub use signer::pkcs11::{Pkcs11Signer, Pkcs11Token};
pub use signer::{FileSigner, Signer};
