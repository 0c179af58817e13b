//! Preview of an auto-refresh on a device under its validation sets and holds (issue 18,
//! spec update-control.md §3–§6, §7.4): what snapd would ask the store, and per snap what
//! happens and why.
//!
//! Layers, each using only those above it:
//! * [`input`] — [`DeviceState`], the JSON a user writes or a tool exports;
//! * [`sets`] — which tracked sets are enforced, combined;
//! * [`holds`] — the system hold (2.57's 95-day cap, today's `forever`) and per-snap holds;
//! * [`request`] — the snap action request of an auto-refresh of everything;
//! * [`offline`] — a store's answer computed from the revisions it offers;
//! * [`evaluate`](mod@evaluate) — per snap a [`Decision`], and the device-level findings (pure);
//! * [`report`] — [`Preview`] (JSON) and its table.
//!
//! ```
//! use ucore_store_client::preview::{DeviceState, Preview, StoreRevisions};
//!
//! let state = DeviceState::from_json(r#"{"now": "2024-06-01T00:00:00Z",
//!     "snaps": [{"name": "hello", "snap-id": "hellohellohellohellohellohello00", "revision": 3}]}"#)?;
//! let store: StoreRevisions = serde_json::from_str(r#"{"hello": [3, 5]}"#)?;
//! let preview = Preview::offline(&state, &store)?;
//! assert_eq!(preview.snap("hello").unwrap().decision.name(), "refresh");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod evaluate;
pub mod holds;
pub mod input;
pub mod offline;
pub mod report;
pub mod request;
pub mod sets;

/// The validation-set logic the preview uses.
pub use ucore_assertions::validation_sets as vs;

pub use evaluate::{Decision, Finding, FindingKind, HoldBy, Prepared, SnapPreview, evaluate};
pub use holds::SystemHold;
pub use input::{
    DeviceSnap, DeviceState, HoldUntil, InputError, SnapdBehaviour, TrackedSet, TrackingMode,
};
pub use offline::StoreRevisions;
pub use report::Preview;
pub use request::{RefreshRequest, RequestError, refresh_request};
pub use sets::{EnforcedSets, enforced_sets};

use crate::client::{ActionOptions, StoreClient};
use crate::error::Error;
use crate::protocol::SnapActionResponse;

/// Why no preview could be made.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    /// The device state cannot be read.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The store could not be asked, or answered nonsense.
    #[error(transparent)]
    Store(#[from] Error),
}

impl StoreClient {
    /// Previews the auto-refresh of `state`: builds the request snapd would send, sends
    /// it as an auto-refresh (`Snap-Refresh-Reason: scheduled`) and evaluates the answer.
    /// Per-snap store errors are results, not errors.
    pub async fn preview(&self, state: &DeviceState) -> Result<Preview, PreviewError> {
        let prepared = Prepared::new(state)?;
        let response = match prepared.to_send() {
            Some(r) => {
                let options = ActionOptions {
                    auto_refresh: true,
                    ..ActionOptions::default()
                };
                self.snap_action(&r.request, &options).await?
            }
            None => SnapActionResponse::default(),
        };
        Ok(evaluate(state, &prepared, &response)?)
    }
}

impl Preview {
    /// Previews the auto-refresh of `state` against a store offering `available` (no
    /// network): see [`offline::answer`].
    pub fn offline(
        state: &DeviceState,
        available: &StoreRevisions,
    ) -> Result<Preview, PreviewError> {
        let prepared = Prepared::new(state)?;
        let response = match prepared.to_send() {
            Some(r) => offline::answer(state, &r.request, available),
            None => SnapActionResponse::default(),
        };
        Ok(evaluate(state, &prepared, &response)?)
    }
}
