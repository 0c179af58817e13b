//! # ucore-serial-vault
//!
//! A Serial Vault: the device service that signs `serial` assertions for a brand's devices
//! at first boot, compatible with snapd's registration client and with the Serial Vault's
//! API (`/v1/request-id`, `/v1/serial`, `/v1/version`, `/v1/health`), plus an admin API,
//! SQLite (default) or PostgreSQL storage, and brand keys sealed at rest. The device side
//! is the `ucore-serial` crate.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use ucore_serial_vault::{KeyStore, Settings, Store, Vault};
//! use ucore_signing::RsaPrivateKey;
//!
//! let rt = tokio::runtime::Runtime::new()?;
//! // A vault on a private in-memory SQLite database, with ACME's (test-only) brand key.
//! # let brand_key_pem = ucore_test_support::keys::ACME;
//! let brand = RsaPrivateKey::from_pem(brand_key_pem)?;
//! let running = rt.block_on(async {
//!     let store = Store::open("sqlite::memory:").await?;
//!     let keys = KeyStore::new(*b"a 16+ byte master secret")?;
//!     let vault = Vault::new(store, keys, Settings::default());
//!     vault.add_key("acme", "serials", &brand, None, None).await?;
//!     let model = vault.add_model("acme", "acme-device-1", brand.key_id(), None).await?;
//!     println!("devices send api-key: {}", model.api_key);
//!     let signing_api = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
//!     ucore_serial_vault::serve(vault, signing_api, None, false).await
//! })?;
//! // A gadget's prepare-device hook points devices at this URL.
//! assert!(running.service_url().ends_with("/v1/"));
//! rt.block_on(running.shutdown());
//! # Ok(())
//! # }
//! ```
//!
//! ## Module map, from the bottom up
//!
//! * [`error`]: [`Error`], the Serial Vault's codes and messages, typed causes.
//! * [`store`]: [`Store`], the vault's records; each backend (`sqlite`, `postgres`) holds
//!   all of its own SQL.
//! * [`keystore`]: [`KeyStore`], brand keys sealed at rest, or held by a PKCS#11 token.
//! * [`vault`]: [`Vault`], the operations (request-id, sign a serial, keys, models,
//!   sub-stores, the signing log), free of HTTP.
//! * [`metrics`]: [`Metrics`], the counters `/metrics` renders in Prometheus' format.
//! * [`http`]: the signing and admin APIs on axum, their request ids, logs and metrics,
//!   and [`serve`].
//! * [`sync`]: factory offline mode: signed sync bundles from a factory vault to a
//!   central one ([`Vault::sync_export`], [`Vault::sync_import`]).
//! * [`config`]: [`VaultConfig`], the TOML file of `vault serve --config`; [`token`], the
//!   keys on a PKCS#11 token it may list.
//! * [`admin_client`]: [`AdminClient`], the admin API from a program.
//!
//! ## Cargo features
//!
//! * `postgres`: the PostgreSQL store (several vault replicas on one database).
//! * `pkcs11`: brand keys on a PKCS#11 token (HSM).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod admin_client;
pub mod config;
pub mod error;
pub mod http;
pub mod keystore;
pub mod metrics;
pub mod store;
pub mod sync;
pub mod token;
pub mod vault;

pub use admin_client::AdminClient;
pub use config::VaultConfig;
pub use error::{DatabaseError, Error, RemodelRefusal};
pub use http::{RunningVault, ServerLimits, serve, serve_with};
pub use keystore::KeyStore;
pub use metrics::Metrics;
pub use store::Store;
pub use vault::{Settings, Vault};

/// The async runtime the vault runs on (for callers without their own dependency on it).
pub use tokio;
