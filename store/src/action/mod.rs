//! Snap action (`POST /v2/snaps/refresh`), info, find and the assertions a device may
//! fetch, free of HTTP.
//!
//! A snap action request is answered with a fixed number of database queries, however
//! many snaps it names: the snaps by id and by name, their release rows, the chosen
//! revisions, and the publishers' accounts, one query each ([`snap_action`]). A refresh
//! with nothing newer answers the revision the device already has, as snapd's stores do
//! (snapd reads it as "no update"; a request whose results were all left out would read
//! as "no results" instead).
//!
//! * [`resolve`](mod@resolve): which revision a channel gives an architecture (risk fallbacks, closed
//!   channels, `all`).
//! * [`details`]: `storeSnap` from the records.
//! * [`info`]: snap info (the channel map) and find.
//! * [`assertions`]: the assertions endpoint's lookup and `fetch-assertions`, with the
//!   visibility of snap-declarations and snap-revisions.
//! * [`validation`]: the validation sets an action carries (pinned revisions, invalid
//!   snaps, conflicts), read for the whole request in one more query.

pub mod assertions;
pub mod details;
pub mod info;
pub mod resolve;
pub mod validation;

use std::collections::HashMap;

use ucore_store_client::protocol::{
    ActionResult, ContextSnap, ResultError, ResultErrorExtra, SnapAction, SnapActionRequest,
    SnapActionResponse,
};

use crate::channel::Channel;
use crate::db::{ReleaseRecord, SnapRecord};
use crate::error::Error;
use crate::state::Store;
use crate::visibility::Viewer;

pub use details::{Publishers, download_url, store_snap};
pub use resolve::{Resolved, resolve, runs_on};

/// The most actions one request may carry.
pub const MAX_ACTIONS: usize = 2000;

/// The snaps a request names that the viewer may see, with their release rows.
#[derive(Debug, Default)]
struct Visible {
    by_id: HashMap<String, SnapRecord>,
    id_by_name: HashMap<String, String>,
    releases: HashMap<String, Vec<ReleaseRecord>>,
}

impl Visible {
    async fn load(
        store: &Store,
        viewer: &Viewer,
        ids: Vec<String>,
        names: Vec<String>,
    ) -> Result<Visible, Error> {
        let mut snaps = if ids.is_empty() {
            Vec::new()
        } else {
            store.db.snaps_by_ids(&ids).await?
        };
        if !names.is_empty() {
            snaps.extend(store.db.snaps_by_names(&names).await?);
        }
        let authority = store.authority.account_id();
        let mut v = Visible::default();
        for s in snaps {
            if viewer.sees(&s, authority) {
                v.id_by_name.insert(s.name.clone(), s.snap_id.clone());
                v.by_id.insert(s.snap_id.clone(), s);
            }
        }
        if !v.by_id.is_empty() {
            let ids: Vec<String> = v.by_id.keys().cloned().collect();
            for r in store.db.releases(&ids).await? {
                v.releases.entry(r.snap_id.clone()).or_default().push(r);
            }
        }
        Ok(v)
    }

    fn releases(&self, snap_id: &str) -> &[ReleaseRecord] {
        self.releases.get(snap_id).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// What one action asks for, once its snap is known.
#[derive(Debug)]
enum Want {
    /// A revision from a channel.
    Channel(Channel),
    /// A specific revision.
    Revision(u32),
}

/// One install/refresh/download action, decided up to the revision record.
#[derive(Debug)]
struct Pending {
    index: usize,
    result: &'static str,
    instance_key: String,
    snap_id: String,
    revision: u32,
    /// The channel it came from; `None` for an explicit revision.
    channel: Option<Channel>,
}

fn action_error(
    key: &str,
    snap_id: &str,
    name: &str,
    code: &str,
    message: String,
    extra: ResultErrorExtra,
) -> ActionResult {
    ActionResult {
        result: "error".into(),
        instance_key: key.to_string(),
        snap_id: snap_id.to_string(),
        name: name.to_string(),
        error: Some(ResultError {
            code: code.into(),
            message,
            extra,
        }),
        ..ActionResult::default()
    }
}

/// Counts each action's outcome in the store's metrics.
fn count(
    store: &Store,
    actions: &[SnapAction],
    slots: &[Option<ActionResult>],
    unchanged: &[bool],
) {
    use crate::metrics::{ActionKind, ActionResult as Outcome};
    store.metrics.snap_action_request();
    for (i, (a, slot)) in actions.iter().zip(slots).enumerate() {
        let kind = match a {
            SnapAction::Refresh { .. } => ActionKind::Refresh,
            SnapAction::Install { .. } => ActionKind::Install,
            SnapAction::Download { .. } => ActionKind::Download,
            SnapAction::FetchAssertions { .. } => ActionKind::FetchAssertions,
        };
        let outcome = match slot {
            _ if unchanged.get(i).copied().unwrap_or(false) => Outcome::Unchanged,
            None => Outcome::Unchanged,
            Some(r) if r.result == "error" || !r.error_list.is_empty() => Outcome::Error,
            Some(_) => Outcome::Ok,
        };
        store.metrics.snap_action(kind, outcome);
    }
}

/// Answers a snap action request for `viewer`, a device of `arch` (`None`: any
/// architecture). Errors of single actions are results (`name-not-found`,
/// `id-not-found`, `revision-not-found` with where the snap is released,
/// `invalid-channel`, and the `validation-set-*` refusals of [`validation`]); only a
/// failing database fails the whole request.
pub async fn snap_action(
    store: &Store,
    viewer: &Viewer,
    arch: Option<&str>,
    req: &SnapActionRequest,
) -> Result<SnapActionResponse, Error> {
    if req.actions.len() > MAX_ACTIONS || req.context.len() > MAX_ACTIONS {
        return Err(Error::BadRequest(format!(
            "too many actions or context entries (at most {MAX_ACTIONS})"
        )));
    }
    let context: HashMap<&str, &ContextSnap> = req
        .context
        .iter()
        .map(|c| (c.instance_key.as_str(), c))
        .collect();
    let mut ids = Vec::new();
    let mut names = Vec::new();
    for a in &req.actions {
        match a {
            SnapAction::Refresh { snap_id, .. } => ids.push(snap_id.clone()),
            SnapAction::Install { name, .. } | SnapAction::Download { name, .. } => {
                names.push(name.clone())
            }
            SnapAction::FetchAssertions { .. } => {}
        }
    }
    let visible = Visible::load(store, viewer, ids, names).await?;
    let mut enforcement = validation::Enforcement::load(store, &req.actions, &context).await?;

    // Decide every action up to its revision number.
    let mut slots: Vec<Option<ActionResult>> = vec![None; req.actions.len()];
    let mut pending = Vec::new();
    let mut fetches = Vec::new();
    let mut unchanged = vec![false; req.actions.len()];
    for (index, a) in req.actions.iter().enumerate() {
        let (result, key, snap, want, installed) = match a {
            SnapAction::FetchAssertions { key, assertions } => {
                fetches.push((index, key.clone(), assertions));
                continue;
            }
            SnapAction::Refresh {
                instance_key,
                snap_id,
                channel,
                revision,
                ..
            } => {
                let Some(snap) = visible.by_id.get(snap_id) else {
                    slots[index] = Some(action_error(
                        instance_key,
                        snap_id,
                        "",
                        "id-not-found",
                        format!("No snap with id {snap_id:?} found"),
                        ResultErrorExtra::default(),
                    ));
                    continue;
                };
                let ctx = context.get(instance_key.as_str());
                let tracking = ctx
                    .map(|c| c.tracking_channel.as_str())
                    .filter(|c| !c.is_empty());
                let want = match (revision, channel.as_deref().or(tracking)) {
                    (Some(r), _) => Ok(Want::Revision(*r)),
                    (None, c) => Channel::parse(c.unwrap_or("stable")).map(Want::Channel),
                };
                (
                    "refresh",
                    instance_key,
                    snap,
                    want,
                    ctx.and_then(|c| u32::try_from(c.revision).ok()),
                )
            }
            SnapAction::Install {
                instance_key,
                name,
                channel,
                revision,
                ..
            }
            | SnapAction::Download {
                instance_key,
                name,
                channel,
                revision,
                ..
            } => {
                let result = if matches!(a, SnapAction::Install { .. }) {
                    "install"
                } else {
                    "download"
                };
                let Some(snap) = visible
                    .id_by_name
                    .get(name)
                    .and_then(|id| visible.by_id.get(id))
                else {
                    slots[index] = Some(action_error(
                        instance_key,
                        "",
                        name,
                        "name-not-found",
                        format!("No snap named {name:?} found"),
                        ResultErrorExtra::default(),
                    ));
                    continue;
                };
                let want = match revision {
                    Some(r) => Ok(Want::Revision(*r)),
                    None => {
                        Channel::parse(channel.as_deref().unwrap_or("stable")).map(Want::Channel)
                    }
                };
                (result, instance_key, snap, want, None)
            }
        };
        let requested = match a {
            SnapAction::Refresh { revision, .. }
            | SnapAction::Install { revision, .. }
            | SnapAction::Download { revision, .. } => *revision,
            SnapAction::FetchAssertions { .. } => None,
        };
        let want = match enforcement.decide(index, result, snap, requested) {
            validation::Decision::Free => want,
            validation::Decision::Pinned(r) => Ok(Want::Revision(r)),
            validation::Decision::Refuse(refusal) => {
                store.metrics.validation_refusal();
                tracing::debug!(snap = %snap.name, code = refusal.code, message = %refusal.message,
                    "action refused by validation sets");
                slots[index] = Some(action_error(
                    key,
                    &snap.snap_id,
                    &snap.name,
                    refusal.code,
                    refusal.message,
                    ResultErrorExtra::default(),
                ));
                continue;
            }
        };
        let releases = visible.releases(&snap.snap_id);
        let not_found = |what: String| {
            action_error(
                key,
                &snap.snap_id,
                &snap.name,
                "revision-not-found",
                what,
                ResultErrorExtra {
                    releases: resolve::open_releases(releases, arch),
                },
            )
        };
        let (revision, channel) = match want {
            Err(e) => {
                slots[index] = Some(action_error(
                    key,
                    &snap.snap_id,
                    &snap.name,
                    "invalid-channel",
                    e.to_string(),
                    ResultErrorExtra::default(),
                ));
                continue;
            }
            Ok(Want::Revision(r)) => (r, None),
            Ok(Want::Channel(c)) => match resolve::resolve(releases, &c, arch) {
                Some(r) => (r.revision, Some(r.channel)),
                None => {
                    slots[index] = Some(not_found(format!(
                        "No revision of {:?} in channel {} for {}",
                        snap.name,
                        c.short(),
                        arch.unwrap_or("any architecture")
                    )));
                    continue;
                }
            },
        };
        if installed == Some(revision) {
            unchanged[index] = true;
        }
        pending.push(Pending {
            index,
            result,
            instance_key: key.clone(),
            snap_id: snap.snap_id.clone(),
            revision,
            channel,
        });
    }

    // The chosen revisions and their publishers, one query each.
    if !pending.is_empty() {
        let keys: Vec<(String, u32)> = pending
            .iter()
            .map(|p| (p.snap_id.clone(), p.revision))
            .collect();
        let (revisions, publishers) = details::load_revisions(store, &keys).await?;
        for p in pending {
            let Some(snap) = visible.by_id.get(&p.snap_id) else {
                continue;
            };
            let rev = revisions
                .get(&(p.snap_id.clone(), p.revision))
                .filter(|r| runs_on(&r.data.architectures, arch));
            let Some(rev) = rev else {
                slots[p.index] = Some(action_error(
                    &p.instance_key,
                    &snap.snap_id,
                    &snap.name,
                    "revision-not-found",
                    format!(
                        "No revision {} of {:?} for {}",
                        p.revision,
                        snap.name,
                        arch.unwrap_or("any architecture")
                    ),
                    ResultErrorExtra {
                        releases: resolve::open_releases(visible.releases(&snap.snap_id), arch),
                    },
                ));
                continue;
            };
            slots[p.index] = Some(ActionResult {
                result: p.result.into(),
                instance_key: p.instance_key,
                snap_id: snap.snap_id.clone(),
                name: snap.name.clone(),
                snap: Some(store_snap(&store.settings.base_url, snap, rev, &publishers)),
                effective_channel: p.channel.map(|c| c.short()).unwrap_or_default(),
                ..ActionResult::default()
            });
        }
    }

    for (index, key, queries) in fetches {
        slots[index] = Some(
            assertions::fetch(store, viewer, &key, queries, &req.assertion_max_formats).await?,
        );
    }

    count(store, &req.actions, &slots, &unchanged);
    Ok(SnapActionResponse {
        results: slots.into_iter().flatten().collect(),
        error_list: Vec::new(),
    })
}
