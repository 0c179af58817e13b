//! The publishing API. Placeholder until the publishing API lands (helper H-publish owns
//! this module): no routes yet.

use axum::Router;

use crate::state::Store;

/// The publishing API's routes (none yet).
pub fn router(store: Store) -> Router {
    Router::new().with_state(store)
}
