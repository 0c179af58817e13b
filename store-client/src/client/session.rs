//! Device sessions (`store/auth.go`): `POST api/v1/snaps/auth/nonces` for a nonce, a
//! `device-session-request` signed by the device key, `POST api/v1/snaps/auth/sessions`
//! for the session, kept in memory and sent back verbatim in `Macaroon root="…"`.

use std::sync::Mutex;

use reqwest::{Method, StatusCode};
use ucore_assertions::{AssertionAccess, Timestamp};

use super::{Request, StoreClient};
use crate::error::{Error, SessionError, SessionFailure};
use crate::protocol::{
    ApiLevel, MacaroonAuthorization, NonceResponse, SessionRequest, SessionResponse,
};

/// The nonce endpoint.
pub const NONCES_PATH: &str = "api/v1/snaps/auth/nonces";
/// The session endpoint.
pub const SESSIONS_PATH: &str = "api/v1/snaps/auth/sessions";
/// How much of a refused session's body the error keeps (snapd: 1 MB).
const SESSION_ERROR_BODY: usize = 1_000_000;

/// The current session, and a lock so that one refresh runs at a time.
#[derive(Debug)]
pub(super) struct Sessions {
    current: Mutex<Option<String>>,
    refreshing: tokio::sync::Mutex<()>,
}

impl Sessions {
    pub(super) fn new(initial: Option<String>) -> Self {
        Sessions {
            current: Mutex::new(initial.filter(|s| !s.is_empty())),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    fn get(&self) -> Option<String> {
        self.current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn set(&self, session: String) {
        *self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(session);
    }
}

impl StoreClient {
    /// The current device session, if one is open.
    pub fn session(&self) -> Option<String> {
        self.inner.sessions.get()
    }

    /// snapd's `EnsureDeviceSession`: the session, opened first if there is none; `None`
    /// for a client without a device identity (requests then go without device auth).
    pub async fn ensure_session(&self) -> Result<Option<String>, Error> {
        if self.inner.device.is_none() {
            return Ok(None);
        }
        if let Some(s) = self.inner.sessions.get() {
            return Ok(Some(s));
        }
        self.refresh_session(None).await?;
        Ok(self.inner.sessions.get())
    }

    /// Opens a new session, sending the current one as the previous session.
    pub async fn open_session(&self) -> Result<String, Error> {
        let seen = self.inner.sessions.get();
        self.refresh_session(seen.as_deref()).await?;
        self.inner
            .sessions
            .get()
            .ok_or(Error::Session(SessionError::Session(
                SessionFailure::EmptySession,
            )))
    }

    /// Replaces the session `seen`, unless another task already did.
    pub(super) async fn refresh_session(&self, seen: Option<&str>) -> Result<(), Error> {
        let Some(device) = &self.inner.device else {
            return Ok(());
        };
        let _one_at_a_time = self.inner.sessions.refreshing.lock().await;
        let previous = self.inner.sessions.get();
        if previous.as_deref() != seen {
            return Ok(());
        }
        let nonce = self.request_nonce().await?;
        let request = ucore_serial::build_device_session_request(
            device.serial(),
            device.key(),
            &nonce,
            Timestamp::now(),
        )
        .map_err(SessionError::Sign)?;
        let body = SessionRequest {
            device_session_request: text(request.encode()),
            serial_assertion: text(device.serial().encode()),
            model_assertion: text(device.model().encode()),
        };
        let session = self.request_session(&body, previous.as_deref()).await?;
        tracing::info!(serial = ?device.serial().header_str("serial"), "opened a device session");
        self.inner.sessions.set(session);
        Ok(())
    }

    async fn request_nonce(&self) -> Result<String, Error> {
        let fail = |f| Error::Session(SessionError::Nonce(f));
        let url = self.inner.config.endpoint(NONCES_PATH)?;
        let req = Request::new(Method::POST, url, ApiLevel::V1, "get nonce")
            .accept("application/json")
            .bare();
        let answer = self.request_bare(&req).await.map_err(|e| match e {
            Error::Transport { source, .. } => fail(SessionFailure::Transport(source)),
            other => other,
        })?;
        if answer.status != StatusCode::OK {
            return Err(fail(SessionFailure::Status(answer.status.as_u16())));
        }
        let nonce: NonceResponse = serde_json::from_slice(&answer.body)
            .map_err(|e| fail(SessionFailure::Decode(e.to_string())))?;
        if nonce.nonce.is_empty() {
            return Err(fail(SessionFailure::EmptyNonce));
        }
        Ok(nonce.nonce)
    }

    async fn request_session(
        &self,
        body: &SessionRequest,
        previous: Option<&str>,
    ) -> Result<String, Error> {
        let fail = |f| Error::Session(SessionError::Session(f));
        let url = self.inner.config.endpoint(SESSIONS_PATH)?;
        let json =
            serde_json::to_vec(body).map_err(|e| fail(SessionFailure::Decode(e.to_string())))?;
        let mut req = Request::new(Method::POST, url, ApiLevel::V1, "get device session")
            .accept("application/json")
            .json(json)
            .bare();
        if let Some(p) = previous {
            req = req.header(
                ApiLevel::V1.device_authorization(),
                MacaroonAuthorization::device(p).to_header(),
            );
        }
        let answer = self.request_bare(&req).await.map_err(|e| match e {
            Error::Transport { source, .. } => fail(SessionFailure::Transport(source)),
            other => other,
        })?;
        if answer.status != StatusCode::OK && answer.status != StatusCode::ACCEPTED {
            let end = answer.body.len().min(SESSION_ERROR_BODY);
            return Err(fail(SessionFailure::StatusBody {
                status: answer.status.as_u16(),
                body: answer.body.get(..end).unwrap_or_default().to_vec(),
            }));
        }
        let session: SessionResponse = serde_json::from_slice(&answer.body)
            .map_err(|e| fail(SessionFailure::Decode(e.to_string())))?;
        if session.macaroon.is_empty() {
            return Err(fail(SessionFailure::EmptySession));
        }
        Ok(session.macaroon)
    }
}

/// An encoded assertion as the JSON string snapd sends (its text is ASCII/UTF-8).
fn text(encoded: impl AsRef<[u8]>) -> String {
    String::from_utf8_lossy(encoded.as_ref()).into_owned()
}
