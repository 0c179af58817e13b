//! The snap action request snapd sends for an auto-refresh of everything (spec §4.6
//! `refreshCandidates`, §5.1): a context entry per store snap, a refresh action per snap
//! the enforced validation sets let through, with the sets and the required revision.

use std::collections::BTreeMap;

use serde::Serialize;

use super::input::DeviceState;
use super::vs::{PresenceConstraintError, RequiredBy, ValidationSets};
use crate::client::action::default_fields;
use crate::protocol::{ContextSnap, SnapAction, SnapActionRequest};

/// The request, and what the enforced sets decided while building it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct RefreshRequest {
    /// What is sent to the store.
    pub request: SnapActionRequest,
    /// Snaps the sets require, by name: the sets and the revision (unset: any).
    pub required: BTreeMap<String, RequiredBy>,
    /// Snaps left out because they are at the revision the sets require.
    pub at_required: BTreeMap<String, RequiredBy>,
}

/// Why snapd sends no request at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// A snap's presence in the enforced sets stops the whole refresh (snapd: "this
    /// errors out the entire refresh"), e.g. an installed snap the sets declare invalid.
    #[error("{source}")]
    Aborted {
        /// The snap at fault.
        snap: String,
        /// snapd's error.
        #[source]
        source: PresenceConstraintError,
    },
}

/// A store key `16/acct/name/seq` as the action's `validation-sets` entry.
fn split_key(key: &str) -> Vec<String> {
    key.split('/').map(str::to_string).collect()
}

/// The instance key snapd uses for a snap: its id (parallel instances add a hash snapd
/// keeps private; the preview sends the id).
fn instance_key(snap_id: &str) -> String {
    snap_id.to_string()
}

/// Builds the auto-refresh request of `state` under the enforced `sets`.
pub fn refresh_request(
    state: &DeviceState,
    sets: &ValidationSets,
) -> Result<RefreshRequest, RequestError> {
    let mut out = RefreshRequest {
        request: SnapActionRequest {
            fields: default_fields(),
            ..SnapActionRequest::default()
        },
        required: BTreeMap::new(),
        at_required: BTreeMap::new(),
    };
    for snap in state.snaps.iter().filter(|s| s.from_store()) {
        // every store snap is context, also one that gets no action
        let key = instance_key(&snap.snap_id);
        out.request.context.push(ContextSnap {
            snap_id: snap.snap_id.clone(),
            instance_key: key.clone(),
            revision: i32::try_from(snap.revision.0).unwrap_or_default(),
            tracking_channel: snap.tracking_channel().to_string(),
            ignore_validation: snap.ignore_validation,
            ..ContextSnap::default()
        });
        let mut action_revision = None;
        let mut action_sets = Vec::new();
        if !snap.ignore_validation {
            // snapd looks the snap up by instance name only
            let required = sets
                .check_presence_required(&snap.name, "")
                .map_err(|source| RequestError::Aborted {
                    snap: snap.name.clone(),
                    source,
                })?;
            if !required.revision.is_unset() && required.revision == snap.revision {
                out.at_required.insert(snap.name.clone(), required);
                continue;
            }
            if !required.sets.is_empty() {
                action_sets = required.sets.iter().map(|k| split_key(k)).collect();
                action_revision = u32::try_from(required.revision.0).ok().filter(|r| *r > 0);
                out.required.insert(snap.name.clone(), required);
            }
        }
        out.request.actions.push(SnapAction::Refresh {
            instance_key: key,
            snap_id: snap.snap_id.clone(),
            channel: None,
            revision: action_revision,
            cohort_key: None,
            ignore_validation: None,
            validation_sets: action_sets,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preview::input::TrackedSet;
    use crate::preview::sets::enforced_sets;

    const BASE: &str = include_str!("../../../assertions/tests/data/validation-set-base.assert");

    fn state(snaps: &str) -> DeviceState {
        let mut s = DeviceState::from_json(&format!(
            r#"{{"now":"2024-01-01T00:00:00Z","snaps":{snaps}}}"#
        ))
        .unwrap();
        s.validation_sets.push(TrackedSet {
            assertion: BASE.into(),
            mode: crate::preview::TrackingMode::Enforce,
            pinned_at: None,
            current: Some(1),
        });
        s
    }

    #[test]
    fn actions_carry_the_sets_and_the_pinned_revision() {
        let s = state(
            r#"[{"name":"hello","snap-id":"helloidaaaaaaaaaaaaaaaaaaaaaaaaa","revision":4},
                {"name":"world","snap-id":"worldidbbbbbbbbbbbbbbbbbbbbbbbbb","revision":1,"channel":"2/edge"},
                {"name":"mine","revision":"x1"}]"#,
        );
        let sets = enforced_sets(&s).unwrap();
        let r = refresh_request(&s, &sets.sets).unwrap();
        assert_eq!(r.request.context.len(), 2, "local snaps are no context");
        assert_eq!(r.request.context[1].tracking_channel, "2/edge");
        let body = serde_json::to_value(&r.request.actions).unwrap();
        assert_eq!(
            body,
            serde_json::json!([
                {"action":"refresh","instance-key":"helloidaaaaaaaaaaaaaaaaaaaaaaaaa",
                 "snap-id":"helloidaaaaaaaaaaaaaaaaaaaaaaaaa","revision":5,
                 "validation-sets":[["16","acme","base","1"]]},
                {"action":"refresh","instance-key":"worldidbbbbbbbbbbbbbbbbbbbbbbbbb",
                 "snap-id":"worldidbbbbbbbbbbbbbbbbbbbbbbbbb",
                 "validation-sets":[["16","acme","base","1"]]},
            ])
        );
        assert_eq!(r.required["world"].revision.0, 0);
    }

    #[test]
    fn an_installed_invalid_snap_aborts_unless_sticky() {
        let snaps =
            r#"[{"name":"badsnap","snap-id":"badsnapidccccccccccccccccccccccc","revision":2}]"#;
        let s = state(snaps);
        let sets = enforced_sets(&s).unwrap();
        let e = refresh_request(&s, &sets.sets).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"unexpected presence "invalid" for snap "badsnap""#
        );
        let mut sticky = s.clone();
        sticky.snaps[0].ignore_validation = true;
        let r = refresh_request(&sticky, &sets.sets).unwrap();
        assert!(r.request.context[0].ignore_validation);
        assert_eq!(r.request.actions.len(), 1);
    }
}
