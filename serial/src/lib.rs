//! # ucore-serial
//!
//! *Not built yet: this crate is the subject of the ucore-serial issue.* It will hold both
//! ends of the factory's device registration: the Serial Vault server (`/v1/request-id`,
//! `/v1/serial`, admin API, SQLite and PostgreSQL stores, signing keys behind a `Signer`) and
//! the device side (what snapd does at first boot: device key, nonce, signed
//! serial-request, retries, checks on the returned serial).
#![forbid(unsafe_code)]
#![warn(missing_docs)]
