//! # ucore-signing
//!
//! *Not built yet: this crate is the subject of the ucore-signing issue.* It will hold the
//! cryptography and the trust decisions of snapd's assertion system: RSA keys (snapd's
//! scheme: RSA-4096, PKCS#1 v1.5 over SHA-512 inside an OpenPGP v4 signature packet) and
//! Ed25519 keys as an extension, signing and verification of assertions, a `Signer` trait with
//! in-memory, file and PKCS#11 backends, keypair stores in snapd's on-disk layout, and the
//! trust database (`Database`: trusted and predefined assertions, `add`, `check`, `find`,
//! revision, validity-window and authority rules) with the built-in Canonical trust roots.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
