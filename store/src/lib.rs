//! # ucore-store
//!
//! A branded snap store a brand can run: publishing (names, uploads read with
//! `ucore-snap`, revisions with their signed `snap-revision` and `snap-declaration`,
//! channels), device sessions opened with the device's `serial`, snap action, info, find,
//! downloads and the assertions endpoint, compatible with snapd's store client. SQLite is
//! the embedded default; PostgreSQL (cargo feature `postgres`) serves several replicas.
//!
//! ## Running a store
//!
//! In production a store is opened from its configuration file
//! (`Store::open(&StoreConfig::load(path)?)`, see [`config`]) and served with
//! [`http::serve`]. From parts, with the checked-in test-only keys:
//!
//! ```
//! use std::sync::Arc;
//! use ucore_store::open::StoreParts;
//! use ucore_store::upload_policy::UploadPolicy;
//! use ucore_store::{Authority, Blobs, Db, Metrics, Settings, Store};
//! # use ucore_assertions::{AssertionBuilder, AssertionType};
//! # use ucore_signing::{Signer, encode_public_key, sign_assertion};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The store's authority: its key (a test-only key here: never use it for anything
//! // real), and its account and account-key assertions (self-signed here).
//! let key = Arc::new(ucore_signing::RsaPrivateKey::from_pem(
//!     ucore_test_support::keys::ROOT,
//! )?);
//! # let account = sign_assertion(&AssertionBuilder::new(AssertionType::Account)
//! #     .header("authority-id", "my-authority").header("account-id", "my-authority")
//! #     .header("display-name", "My authority").header("validation", "verified")
//! #     .header("timestamp", "2021-01-01T00:00:00Z"), &*key)?;
//! # let account_key = sign_assertion(&AssertionBuilder::new(AssertionType::AccountKey)
//! #     .header("authority-id", "my-authority").header("account-id", "my-authority")
//! #     .header("name", "default").header("public-key-sha3-384", key.key_id().to_string())
//! #     .header("since", "2020-01-01T00:00:00Z")
//! #     .body(encode_public_key(key.public_key())), &*key)?;
//! let dir = tempfile::tempdir()?;
//! let store = Store::open_parts(StoreParts {
//!     settings: Settings::new("my-store", "http://127.0.0.1:8480"),
//!     db: Db::open("sqlite::memory:").await?,
//!     blobs: Blobs::open(dir.path().join("snaps"))?,
//!     authority: Authority::new(key, account, account_key)?,
//!     brands: vec![], // the brands it serves, with their account and account-keys
//!     metrics: Metrics::new(),
//!     policy: UploadPolicy::none(), // no interface review of uploads
//! })
//! .await?;
//!
//! let running = ucore_store::http::serve(store, "127.0.0.1:0".parse()?, false).await?;
//! let url = running.url();
//! let health = tokio::task::spawn_blocking(move || {
//!     ureq::get(&url).call()?.body_mut().read_to_string()
//! })
//! .await??;
//! assert!(health.contains(r#""store-id":"my-store""#));
//! running.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! ## Module map, from the bottom up
//!
//! * [`error`]: [`Error`], codes and statuses.
//! * [`channel`]: [`Channel`], `track/risk/branch`.
//! * [`config`]: [`Settings`], the TOML configuration ([`StoreConfig`]).
//! * [`db`]: [`Db`], names, revisions, releases, assertions, nonces, credentials.
//! * [`blobs`]: [`Blobs`], snap files by SHA3-384.
//! * [`authority`]: [`Authority`], the store's signing account.
//! * [`credential`]: publishing credentials.
//! * [`session`]: device sessions.
//! * [`visibility`]: who is asking, and what they may see.
//! * [`action`]: snap action (honouring the validation sets an action carries), info,
//!   find and fetching assertions, free of HTTP.
//! * [`metrics`]: [`Metrics`], the counters of `/metrics`.
//! * [`upload_policy`]: the interface review of uploads (snapd's installation check
//!   against a snap's snap-declaration and a configured base-declaration).
//! * [`state`]: [`Store`], what handlers share.
//! * [`open`]: [`Store::open`] from a configuration, [`Store::open_parts`] from parts.
//! * [`publish`]: the publishing flow (names, uploads, releases, status, validation
//!   sets).
//! * [`publisher_api`]: the publishing API's bodies.
//! * [`http`]: the HTTP API and the server.
//! * [`init`]: `store init`, a new store directory.
//! * [`publisher_client`]: a blocking client for the publishing API.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod action;
pub mod authority;
pub mod blobs;
pub mod channel;
pub mod config;
pub mod credential;
pub mod db;
pub mod error;
pub mod http;
pub mod init;
pub mod metrics;
pub mod open;
pub mod publish;
pub mod publisher_api;
pub mod publisher_client;
pub mod session;
pub mod state;
pub mod upload_policy;
pub mod visibility;

pub use authority::Authority;
pub use blobs::Blobs;
pub use channel::Channel;
pub use config::{Settings, StoreConfig};
pub use db::Db;
pub use error::Error;
pub use metrics::Metrics;
pub use state::Store;
