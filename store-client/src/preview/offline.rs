//! The store's answers without a store: given the revisions a store offers per snap, the
//! snap action response it would send to a refresh request (for tests, CI and previews
//! off the network). The highest revision is the tracked channel's; a required revision
//! the store does not have is `revision-not-found`, as a store answers.

use std::collections::{BTreeMap, BTreeSet};

use crate::protocol::{
    ActionResult, ResultError, SnapAction, SnapActionRequest, SnapActionResponse, StoreSnap,
};

use super::input::DeviceState;
use super::vs::SnapRevision;

/// Per snap name, the revisions a store offers on the tracked channel (JSON:
/// `{"hello": [3, 5]}`).
pub type StoreRevisions = BTreeMap<String, BTreeSet<SnapRevision>>;

/// The answer a store with `available` gives to `request`'s refresh actions: the
/// required revision or the channel's newest, `revision-not-found` when it has neither.
pub fn answer(
    state: &DeviceState,
    request: &SnapActionRequest,
    available: &StoreRevisions,
) -> SnapActionResponse {
    let mut out = SnapActionResponse::default();
    for action in &request.actions {
        let SnapAction::Refresh {
            instance_key,
            snap_id,
            revision,
            ..
        } = action
        else {
            continue;
        };
        let Some(name) = state
            .snaps
            .iter()
            .find(|s| s.snap_id == *snap_id)
            .map(|s| s.name.clone())
        else {
            continue;
        };
        let offers = available.get(&name);
        let chosen = match revision {
            Some(r) => offers.and_then(|o| o.iter().copied().find(|o| o.0 == i64::from(*r))),
            None => offers.and_then(|o| o.iter().next_back().copied()),
        };
        out.results
            .push(match chosen.and_then(|c| u32::try_from(c.0).ok()) {
                Some(rev) => ActionResult {
                    result: "refresh".into(),
                    instance_key: instance_key.clone(),
                    snap_id: snap_id.clone(),
                    name: name.clone(),
                    snap: Some(StoreSnap {
                        name,
                        snap_id: snap_id.clone(),
                        revision: rev,
                        ..StoreSnap::default()
                    }),
                    ..ActionResult::default()
                },
                None => ActionResult {
                    result: "error".into(),
                    instance_key: instance_key.clone(),
                    snap_id: snap_id.clone(),
                    name,
                    error: Some(ResultError {
                        code: "revision-not-found".into(),
                        message: "The requested revision is not available".into(),
                        ..ResultError::default()
                    }),
                    ..ActionResult::default()
                },
            });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preview::request::refresh_request;
    use crate::preview::vs::ValidationSets;

    #[test]
    fn the_newest_or_the_asked_revision_or_not_found() {
        let state = DeviceState::from_json(
            r#"{"now":"2024-01-01T00:00:00Z","snaps":[
                {"name":"a","snap-id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","revision":1},
                {"name":"b","snap-id":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","revision":1}]}"#,
        )
        .unwrap();
        let mut req = refresh_request(&state, &ValidationSets::new())
            .unwrap()
            .request;
        if let Some(SnapAction::Refresh { revision, .. }) = req.actions.get_mut(1) {
            *revision = Some(9);
        }
        let available: StoreRevisions = serde_json::from_str(r#"{"a":[1,4,2],"b":[3]}"#).unwrap();
        let answer = answer(&state, &req, &available);
        assert_eq!(answer.results[0].snap.as_ref().map(|s| s.revision), Some(4));
        assert_eq!(answer.results[1].result, "error");
        assert_eq!(
            answer.results[1].error.as_ref().map(|e| e.code.as_str()),
            Some("revision-not-found")
        );
    }
}
