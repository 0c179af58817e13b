//! Admin API for sub-store rows: `GET|POST /admin/v1/substores`,
//! `DELETE /admin/v1/substores/{id}`.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::extract::{AdminAuth, JsonInput, PathInput as Path};
use crate::error::Error;
use crate::store::NewSubstore;
use crate::vault::Vault;

pub(super) async fn list(State(v): State<Vault>, _: AdminAuth) -> Result<Response, Error> {
    Ok(Json(v.substores().await?).into_response())
}

pub(super) async fn add(
    State(v): State<Vault>,
    _: AdminAuth,
    JsonInput(b): JsonInput<NewSubstore>,
) -> Result<Response, Error> {
    Ok(Json(v.add_substore(b).await?).into_response())
}

pub(super) async fn delete(
    State(v): State<Vault>,
    _: AdminAuth,
    Path(id): Path<i64>,
) -> Result<Response, Error> {
    v.delete_substore(id).await?;
    Ok(Json(serde_json::json!({"success": true})).into_response())
}
