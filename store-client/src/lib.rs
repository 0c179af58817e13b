//! # ucore-store-client
//!
//! *Not built yet: this crate is the subject of a later issue.* It will hold the protocol
//! types of the branded snap store and an HTTP client (rustls over ring): device sessions
//! opened with the device's serial, snap refreshes and assertion fetching.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
