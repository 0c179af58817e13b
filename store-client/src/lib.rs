//! # ucore-store-client
//!
//! The protocol types of snapd's store API ([`protocol`]) and a client for it: device
//! sessions opened with the device's `serial`, snap action (refresh, install, download,
//! fetch-assertions), info, find, the assertions endpoint and downloads checked by
//! SHA3-384.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod protocol;
