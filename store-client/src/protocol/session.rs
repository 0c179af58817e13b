//! Device sessions (`store/auth.go`): the nonce, the session request, the session.

use serde::{Deserialize, Serialize};

/// `POST api/v1/snaps/auth/nonces` answers `{"nonce": "…"}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonceResponse {
    /// The nonce the device puts in its `device-session-request`.
    #[serde(default)]
    pub nonce: String,
}

/// The body of `POST api/v1/snaps/auth/sessions`: three encoded assertions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRequest {
    /// The `device-session-request`, signed by the device key.
    #[serde(rename = "device-session-request", default)]
    pub device_session_request: String,
    /// The device's `serial`.
    #[serde(rename = "serial-assertion", default)]
    pub serial_assertion: String,
    /// The device's `model`.
    #[serde(rename = "model-assertion", default)]
    pub model_assertion: String,
}

/// A session: `{"macaroon": "…"}`, opaque to the device, which sends it back verbatim in
/// `Macaroon root="…"`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionResponse {
    /// The session token.
    #[serde(default)]
    pub macaroon: String,
}
