//! Admin API for sub-store rows: `GET|POST /admin/v1/substores`,
//! `DELETE /admin/v1/substores/{id}`.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::{auth, json_input};
use crate::error::Error;
use crate::store::NewSubstore;
use crate::vault::Vault;

pub(super) async fn list(State(v): State<Vault>, h: HeaderMap) -> Result<Response, Error> {
    auth(&v, &h)?;
    Ok(Json(v.substores().await?).into_response())
}

pub(super) async fn add(
    State(v): State<Vault>,
    h: HeaderMap,
    body: Result<Json<NewSubstore>, JsonRejection>,
) -> Result<Response, Error> {
    auth(&v, &h)?;
    let b = json_input(body)?;
    Ok(Json(v.add_substore(b).await?).into_response())
}

pub(super) async fn delete(
    State(v): State<Vault>,
    h: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, Error> {
    auth(&v, &h)?;
    v.delete_substore(id).await?;
    Ok(Json(serde_json::json!({"success": true})).into_response())
}
