//! # ucore-serial
//!
//! Both ends of the factory's device registration (spec `serial-store.md` §1, §2):
//!
//! * [`vault`] — a Serial Vault: the signing API snapd devices call (`/v1/request-id`,
//!   `/v1/serial`, `/v1/version`, `/v1/health`), the admin API, SQLite (default) or
//!   PostgreSQL ([`store`]) storage, brand keys sealed at rest ([`keystore`]);
//! * [`device`] — what snapd does at first boot: request-id, the serial-request signed by
//!   the device key, the POST with the model, 200/201/202 handling, retries, and the checks
//!   on the returned serial;
//! * [`factory`] — the factory job: register many devices against a local vault.
//!
//! ```
//! # fn main() -> Result<(), ucore_serial::Error> {
//! use ucore_serial::{device, keystore::KeyStore, store::Store, vault};
//! use ucore_signing::RsaPrivateKey;
//!
//! let rt = tokio::runtime::Runtime::new().unwrap();
//! // A vault on a private in-memory SQLite database, with ACME's (test) brand key.
//! let brand = RsaPrivateKey::from_pem(include_str!("../tests/data/test-only-acme.pem"))
//!     .map_err(ucore_signing::Error::from)?;
//! let (running, api_key) = rt.block_on(async {
//!     let store = Store::open("sqlite::memory:").await?;
//!     let v = vault::Vault::new(store, KeyStore::new(*b"a 16+ byte master secret")?, Default::default());
//!     v.add_key("acme", "serials", &brand, None, None).await?;
//!     let model = v.add_model("acme", "acme-device-1", brand.key_id(), None).await?;
//!     let running = vault::serve(v, "127.0.0.1:0".parse().unwrap(), None, false).await?;
//!     Ok::<_, ucore_serial::Error>((running, model.api_key))
//! })?;
//!
//! // A device with its model and a (test, 2048-bit) device key registers.
//! let model = ucore_assertions::Assertion::decode(include_bytes!("../tests/data/model.assert"))?;
//! let key = RsaPrivateKey::from_pem(include_str!("../tests/data/test-only-device.pem"))
//!     .map_err(ucore_signing::Error::from)?;
//! let config = device::DeviceServiceConfig::new(running.service_url())
//!     .header("api-key", &api_key)
//!     .proposed_serial("A0001");
//! let registered = device::Registration::new(config).register(&model, &key, &mut |_| {})?;
//! assert_eq!(registered.serial_number, "A0001");
//!
//! // The serial verifies against the brand's key.
//! ucore_signing::verify_signature(&registered.serial, brand.public_key())
//!     .map_err(ucore_signing::Error::from)?;
//! rt.block_on(running.shutdown());
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod admin_client;
pub mod config;
pub mod device;
mod error;
pub mod factory;
pub mod keystore;
pub mod store;
pub mod vault;

pub use error::{Error, RemodelRefusal};

/// The async runtime the vault runs on (for callers without their own dependency on it).
pub use tokio;
/// The HTTP client the device side uses.
pub use ureq;
