//! # ucore-store
//!
//! A branded snap store a brand can run: publishing (names, uploads read with
//! `ucore-snap`, revisions with their signed `snap-revision` and `snap-declaration`,
//! channels), device sessions opened with the device's `serial`, snap action, info, find,
//! downloads and the assertions endpoint, compatible with snapd's store client. SQLite is
//! the embedded default; PostgreSQL (cargo feature `postgres`) serves several replicas.
//!
//! ## Module map, from the bottom up
//!
//! * [`error`]: [`Error`], codes and statuses.
//! * [`channel`]: [`Channel`], `track/risk/branch`.
//! * [`config`]: [`Settings`], the TOML configuration.
//! * [`db`]: [`Db`], names, revisions, releases, assertions, nonces, credentials.
//! * [`blobs`]: [`Blobs`], snap files by SHA3-384.
//! * [`authority`]: [`Authority`], the store's signing account.
//! * [`credential`]: publishing credentials.
//! * [`session`]: device sessions.
//! * [`visibility`]: who is asking, and what they may see.
//! * [`action`]: snap action, info, find and fetching assertions, free of HTTP.
//! * [`state`]: [`Store`], what handlers share.
//! * [`publish`]: the publishing flow (names, uploads, releases, status).
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
pub mod publish;
pub mod publisher_api;
pub mod publisher_client;
pub mod session;
pub mod state;
pub mod visibility;

pub use authority::Authority;
pub use blobs::Blobs;
pub use channel::Channel;
pub use config::Settings;
pub use db::Db;
pub use error::Error;
pub use state::Store;
