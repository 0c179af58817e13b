//! Snap info (`GET /v2/snaps/info/{name}`: the channel map) and find
//! (`GET /v2/snaps/find`), for what the viewer may see.

use std::collections::HashMap;

use ucore_store_client::protocol::{
    ChannelInfo, ChannelMapEntry, FindResponse, FindResult, InfoResponse, StoreSnap,
};

use super::details::{load_revisions, store_snap};
use super::resolve::{self, ARCH_ALL, runs_on};
use crate::channel::Channel;
use crate::db::{RevisionRecord, SnapRecord};
use crate::error::Error;
use crate::state::Store;
use crate::visibility::Viewer;

/// The most results find gives.
pub const FIND_LIMIT: u32 = 100;

fn not_found(name: &str) -> Error {
    Error::NotFound(format!("snap not found: {name:?}"))
}

/// Snap info: every open channel of `name` for `arch` (`None`: every architecture), with
/// its revision. Not found when the snap does not exist, the viewer may not see it, or
/// nothing is released for the architecture.
pub async fn info(
    store: &Store,
    viewer: &Viewer,
    name: &str,
    arch: Option<&str>,
) -> Result<InfoResponse, Error> {
    let snap = store
        .db
        .snap_by_name(name)
        .await?
        .filter(|s| viewer.sees(s, store.authority.account_id()))
        .ok_or_else(|| not_found(name))?;
    let releases = store
        .db
        .releases(std::slice::from_ref(&snap.snap_id))
        .await?;
    let mut rows: Vec<_> = releases
        .iter()
        .filter(|r| r.revision.is_some())
        .filter(|r| arch.is_none_or(|a| r.architecture == a || r.architecture == ARCH_ALL))
        .collect();
    if rows.is_empty() {
        return Err(not_found(name));
    }
    rows.sort_by_key(|r| (r.architecture.clone(), r.channel(), r.revision));
    let keys: Vec<(String, u32)> = rows
        .iter()
        .filter_map(|r| r.revision.map(|rev| (snap.snap_id.clone(), rev)))
        .collect();
    let (revisions, publishers) = load_revisions(store, &keys).await?;
    let base = &store.settings.base_url;
    let mut channel_map = Vec::with_capacity(rows.len());
    let mut newest: Option<&RevisionRecord> = None;
    for r in rows {
        let Some(rev) = r
            .revision
            .and_then(|n| revisions.get(&(snap.snap_id.clone(), n)))
        else {
            continue;
        };
        if newest.is_none_or(|n| rev.revision > n.revision) {
            newest = Some(rev);
        }
        let c = r.channel();
        channel_map.push(ChannelMapEntry {
            snap: store_snap(base, &snap, rev, &publishers),
            channel: ChannelInfo {
                architecture: match arch {
                    Some(a) => a.to_string(),
                    None => r.architecture.clone(),
                },
                name: c.full(),
                risk: c.risk.clone(),
                track: c.track.clone(),
                released_at: r.released_at.to_string(),
            },
        });
    }
    let newest = newest.ok_or_else(|| not_found(name))?;
    Ok(InfoResponse {
        channel_map,
        snap: snap_wide(store_snap(base, &snap, newest, &publishers)),
        name: snap.name.clone(),
        snap_id: snap.snap_id.clone(),
    })
}

/// The snap-wide part of a `storeSnap` (what info's and find's `snap` field holds): the
/// revision-specific download left out.
fn snap_wide(mut s: StoreSnap) -> StoreSnap {
    s.download = Default::default();
    s.snap_yaml = String::new();
    s
}

/// What find looks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FindQuery {
    /// `q`: a part of the name (all snaps when empty).
    pub q: String,
    /// `name`: exactly this name.
    pub name: Option<String>,
    /// `channel`: where the revision must be (`stable` when absent).
    pub channel: Option<String>,
}

/// Find: the snaps the viewer may see whose name matches, each with the revision the
/// channel gives a device of `arch`; snaps with nothing there are left out.
pub async fn find(
    store: &Store,
    viewer: &Viewer,
    query: &FindQuery,
    arch: Option<&str>,
) -> Result<FindResponse, Error> {
    let channel = Channel::parse(query.channel.as_deref().unwrap_or("stable"))
        .map_err(|e| Error::BadRequest(e.to_string()))?;
    let authority = store.authority.account_id();
    let candidates: Vec<SnapRecord> = match &query.name {
        Some(name) => store.db.snap_by_name(name).await?.into_iter().collect(),
        // Over-fetch, since invisible snaps are dropped after the query.
        None => store.db.search_snaps(&query.q, FIND_LIMIT * 10).await?,
    };
    let snaps: Vec<SnapRecord> = candidates
        .into_iter()
        .filter(|s| viewer.sees(s, authority))
        .collect();
    if snaps.is_empty() {
        return Ok(FindResponse::default());
    }
    let ids: Vec<String> = snaps.iter().map(|s| s.snap_id.clone()).collect();
    let mut releases: HashMap<String, Vec<_>> = HashMap::new();
    for r in store.db.releases(&ids).await? {
        releases.entry(r.snap_id.clone()).or_default().push(r);
    }
    let mut chosen = Vec::new();
    for s in &snaps {
        let rows = releases.get(&s.snap_id).map(Vec::as_slice).unwrap_or(&[]);
        if let Some(r) = resolve::resolve(rows, &channel, arch) {
            chosen.push((s, r));
        }
        if chosen.len() >= FIND_LIMIT as usize {
            break;
        }
    }
    let keys: Vec<(String, u32)> = chosen
        .iter()
        .map(|(s, r)| (s.snap_id.clone(), r.revision))
        .collect();
    let (revisions, publishers) = load_revisions(store, &keys).await?;
    let base = &store.settings.base_url;
    let mut results = Vec::with_capacity(chosen.len());
    for (s, r) in chosen {
        let Some(rev) = revisions
            .get(&(s.snap_id.clone(), r.revision))
            .filter(|rev| runs_on(&rev.data.architectures, arch))
        else {
            continue;
        };
        let full = store_snap(base, s, rev, &publishers);
        // A StoreSnap always renders (string keys, no failing serializer).
        let mut revision = serde_json::to_value(&full).unwrap_or_default();
        if let Some(obj) = revision.as_object_mut() {
            obj.insert("channel".into(), r.channel.short().into());
        }
        results.push(FindResult {
            name: s.name.clone(),
            snap_id: s.snap_id.clone(),
            snap: snap_wide(full),
            revision,
        });
    }
    Ok(FindResponse { results })
}
