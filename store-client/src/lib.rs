//! # ucore-store-client
//!
//! The protocol types of snapd's store API ([`protocol`]) and a client for it: device
//! sessions opened with the device's `serial`, snap action (refresh, install, download,
//! fetch-assertions), info, find, the assertions endpoint and downloads checked by
//! SHA3-384. The client behaves as snapd 2.57's `store` package: the same headers per API
//! level, the same session refreshes and retries, the same error texts.
//!
//! ```no_run
//! use std::path::Path;
//! use ucore_store_client::{Config, DownloadOptions, StoreClient};
//!
//! # async fn run() -> Result<(), ucore_store_client::Error> {
//! let client = StoreClient::new(Config::parse("http://127.0.0.1:11028/")?)?;
//! let result = client.download_action("hello-oracle", Some("stable"), None).await?;
//! let snap = result.snap.expect("a download result has a snap");
//! let dest = Path::new("/tmp/hello-oracle.snap");
//! client
//!     .download(&snap.name, &snap.download, dest, &DownloadOptions::default(), None)
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! The protocol types read and write the bodies both ends exchange:
//!
//! ```
//! use ucore_store_client::protocol::{SnapAction, SnapActionRequest, SnapActionResponse};
//! use ucore_store_client::{SnapActionError, client::action::interpret};
//!
//! let request = SnapActionRequest {
//!     actions: vec![SnapAction::Install {
//!         instance_key: "install-1".into(),
//!         name: "foo".into(),
//!         channel: Some("stable".into()),
//!         revision: None,
//!         cohort_key: None,
//!         epoch: None,
//!         ignore_validation: None,
//!         validation_sets: vec![],
//!     }],
//!     ..Default::default()
//! };
//! let body = serde_json::to_value(&request)?;
//! assert_eq!(body["actions"][0]["epoch"], serde_json::Value::Null);
//!
//! let answer: SnapActionResponse = serde_json::from_str(
//!     r#"{"results":[{"result":"error","instance-key":"install-1","name":"foo",
//!         "error":{"code":"name-not-found","message":"no such snap"}}]}"#,
//! )?;
//! let outcome = interpret(&request, &answer).expect("a valid answer");
//! assert_eq!(outcome.errors.to_string(), r#"cannot install snap "foo": snap not found"#);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! ## Module map
//!
//! * [`protocol`] — the wire: JSON bodies, header names per API level, `Macaroon`
//!   authorization (shared with the `ucore-store` server).
//! * [`client`] — the async [`StoreClient`]: [`client::config`] (base URLs, device
//!   headers, User-Agent, retry policy), [`client::identity`] (model, serial, device key),
//!   [`client::retry`] (snapd's strategies), [`client::action`] (snap action and its
//!   conveniences), [`client::download`] (resumable, digest-checked downloads); device
//!   sessions, TLS (rustls over ring), info/find and assertions inside.
//! * [`preview`] — an auto-refresh previewed for a device: its enforced validation sets,
//!   holds and the store's answers, per snap a decision and why.
//! * [`blocking`] — the same calls on a private current-thread runtime, for scripts.
//! * [`error`] — [`Error`] and its parts, with snapd's texts.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod blocking;
pub mod client;
pub mod error;
pub mod preview;
pub mod protocol;

pub use client::{
    ActionOptions, AssertionBatch, ClientBuilder, Config, DeviceIdentity, DownloadOptions,
    FindQuery, Progress, RefreshOutcome, RetryPolicy, StoreClient,
};
pub use error::{DownloadError, Error, SessionError, SnapActionError, SnapError};
