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
//! | [`snap`] | `ucore-snap` | snap.yaml as snapd reads it; `.snap` files read, packed and digested |
//! | [`serial`] | `ucore-serial` | the device side of registration: prepare-device, serial requests, the client |
//! | [`serial_vault`] | `ucore-serial-vault` | the Serial Vault server |
//! | [`store_client`] | `ucore-store-client` | store protocol types and an HTTP client |
//! | [`store`] | `ucore-store` | the branded store server, `store init` and the publishing client |
//! | [`image`] | `ucore-image` | seeds and disk images from a signed model |
//!
//! Decode Canonical's `generic-classic` model and check it as snapd would, against the
//! Canonical trust roots built into `ucore-signing`:
//!
//! ```
//! use ucore::assertions::{Assertion, AssertionAccess};
//! use ucore::signing::Database;
//!
//! let text = include_bytes!("../tests/data/assertions/trust/generic-classic-model.assert");
//! let model = Assertion::decode(text)?;
//! assert_eq!(model.primary_key(), ["16", "generic", "generic-classic"]);
//!
//! let database = Database::with_canonical_roots()?;
//! database.check(&model)?; // signed by generic's models key, itself signed by Canonical's root
//!
//! let view = ucore::model::Model::try_from(&model)?;
//! assert!(view.classic);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use ucore_assertions as assertions;
pub use ucore_gadget_yaml as gadget_yaml;
pub use ucore_image as image;
pub use ucore_model as model;
pub use ucore_serial as serial;
pub use ucore_serial_vault as serial_vault;
pub use ucore_signing as signing;
pub use ucore_snap as snap;
pub use ucore_store as store;
pub use ucore_store_client as store_client;
