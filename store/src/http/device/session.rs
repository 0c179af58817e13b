//! `POST /api/v1/snaps/auth/nonces` and `POST /api/v1/snaps/auth/sessions`.

use axum::Json;
use axum::extract::State;
use ucore_store_client::protocol::{NonceResponse, SessionRequest, SessionResponse};

use super::extract::JsonBody;
use crate::error::Error;
use crate::session;
use crate::state::Store;

/// A fresh nonce.
pub async fn nonce(State(store): State<Store>) -> Result<Json<NonceResponse>, Error> {
    let nonce = session::issue_nonce(&store).await?;
    store.metrics.nonce_issued();
    Ok(Json(NonceResponse { nonce }))
}

/// A session for a checked device-session request.
pub async fn open(
    State(store): State<Store>,
    JsonBody(req): JsonBody<SessionRequest>,
) -> Result<Json<SessionResponse>, Error> {
    match session::open_session(&store, &req).await {
        Ok(macaroon) => {
            tracing::debug!("device session opened");
            store.metrics.session_opened();
            Ok(Json(SessionResponse { macaroon }))
        }
        Err(e) => {
            tracing::info!(error = %e, "device session refused");
            store.metrics.session_refused();
            Err(e)
        }
    }
}
