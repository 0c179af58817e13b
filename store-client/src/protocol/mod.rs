//! The wire protocol of snapd's store API (`../shared/spec/serial-store.md` §3): the JSON
//! bodies of each endpoint as serde types, the header names of each API level, and the
//! `Macaroon` authorization headers. Both ends use them: the client in
//! [`crate::client`] and the `ucore-store` server.
//!
//! Field names are snapd's (`store/details_v2.go`, `store/store_action.go`,
//! `store/auth.go`). Optional fields the store may leave out default when absent, so a
//! body from any store (snapd's fakestore, the real store, ucore-store) reads.

pub mod action;
pub mod authorization;
pub mod error;
pub mod headers;
pub mod info;
pub mod session;
pub mod snap;

pub use action::{
    ActionResult, AssertionQuery, ContextSnap, ResultError, ResultErrorExtra, SnapAction,
    SnapActionRequest, SnapActionResponse, SnapRelease,
};
pub use authorization::{MacaroonAuthorization, WwwAuthenticate};
pub use error::{ErrorEntry, ErrorList, Problem};
pub use headers::{ApiLevel, DeviceHeaders};
pub use info::{ChannelInfo, ChannelMapEntry, FindResponse, FindResult, InfoResponse};
pub use session::{NonceResponse, SessionRequest, SessionResponse};
pub use snap::{Delta, Download, Epoch, Media, Publisher, StoreSnap};
