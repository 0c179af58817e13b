//! The device API snapd's store client speaks. Placeholder until the device API lands
//! (helper H-device owns this module): no routes yet.

use axum::Router;

use crate::state::Store;

/// The device API's routes (none yet).
pub fn router(store: Store) -> Router {
    Router::new().with_state(store)
}
