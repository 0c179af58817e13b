//! # ucore
//!
//! The Ubuntu Core *advanced production model* in Rust, byte-for-byte compatible with snapd.
//! This root crate re-exports the workspace's libraries under short names and holds the
//! examples and benchmarks; depend on the member crates directly to keep your build small.
//!
//! | module | crate | what it holds |
//! |---|---|---|
//! | [`assertions`] | `ucore-assertions` | the assertion text format, OpenPGP wire packets, key ids, every type |
//! | [`signing`] | `ucore-signing` | RSA / Ed25519 keys, sign, verify, keypair stores, trust database |
//! | [`model`] | `ucore-model` | model statements → signed models, what a model means |
//! | [`gadget_yaml`] | `ucore-gadget-yaml` | gadget.yaml parsing, validation, volume layout |
//! | [`serial`] | `ucore-serial` | serial / serial-request, the Serial Vault, device registration |
//! | [`store_client`] | `ucore-store-client` | store protocol types and an HTTP client |
//!
//! ```
//! let text = std::fs::read(concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/tests/data/ubuntu-core-22-amd64.model"
//! ))
//! .unwrap();
//! let assertion = ucore::assertions::AssertionRef::decode(&text).unwrap();
//! assert_eq!(assertion.assertion_type().name(), "model");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use ucore_assertions as assertions;
pub use ucore_gadget_yaml as gadget_yaml;
pub use ucore_model as model;
pub use ucore_serial as serial;
pub use ucore_signing as signing;
pub use ucore_store_client as store_client;
