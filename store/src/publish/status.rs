//! A snap's status: its revisions and its channel map, per architecture.
//!
//! In the channel map every risk of every track that has a release row is listed, each
//! with one state:
//! * `open`: a revision is released there;
//! * `tracking`: nothing is (never released, or closed), and a device following it gets
//!   the nearest more stable risk that is open (`follows`);
//! * `closed`: nothing is, and no more stable risk is open either (a branch, which has
//!   no fallback, is `open` or `closed`).

use std::collections::{BTreeMap, BTreeSet};

use super::scope::managed_snap;
use crate::Error;
use crate::Store;
use crate::channel::{Channel, RISKS};
use crate::db::{CredentialScope, ReleaseRecord};
use crate::publisher_api::{ChannelStatus, RevisionStatus, SnapStatus};

/// The status of `name`, which `scope` must manage.
pub async fn status(
    store: &Store,
    scope: &CredentialScope,
    name: &str,
) -> Result<SnapStatus, Error> {
    let snap = managed_snap(store, scope, name).await?;
    let revisions = store.db.revisions(&snap.snap_id).await?;
    let releases = store
        .db
        .releases(std::slice::from_ref(&snap.snap_id))
        .await?;
    Ok(SnapStatus {
        name: snap.name,
        snap_id: snap.snap_id,
        publisher: snap.publisher_id,
        revisions: revisions
            .into_iter()
            .map(|r| RevisionStatus {
                revision: r.revision,
                version: r.data.version,
                architectures: r.data.architectures,
                sha3_384: r.data.sha3_384,
                size: r.data.size,
                created_at: r.data.created_at.to_string(),
            })
            .collect(),
        channel_map: channel_map(&releases),
    })
}

/// Where a release row lives: architecture, track, risk, branch.
type Slot<'a> = (&'a str, &'a str, &'a str, &'a str);

/// The channel map of one snap's release rows (see the module docs).
pub(crate) fn channel_map(releases: &[ReleaseRecord]) -> Vec<ChannelStatus> {
    let rows: BTreeMap<Slot<'_>, Option<u32>> = releases
        .iter()
        .map(|r| {
            let slot = (
                r.architecture.as_str(),
                r.track.as_str(),
                r.risk.as_str(),
                r.branch.as_str(),
            );
            (slot, r.revision)
        })
        .collect();
    let tracks: BTreeSet<(&str, bool, &str)> = rows
        .keys()
        .map(|(arch, track, _, _)| (*arch, *track != "latest", *track))
        .collect();
    let mut out = Vec::new();
    for (arch, _, track) in tracks {
        for (at, risk) in RISKS.iter().enumerate() {
            let channel = |risk: &str, branch: &str| Channel {
                track: track.to_string(),
                risk: risk.to_string(),
                branch: branch.to_string(),
            };
            let open = |risk: &str| rows.get(&(arch, track, risk, "")).copied().flatten();
            let entry = match open(risk) {
                Some(revision) => status_entry(arch, &channel(risk, ""), Some(revision), None),
                None => {
                    let follows = RISKS[..at].iter().rev().find(|r| open(r).is_some());
                    status_entry(
                        arch,
                        &channel(risk, ""),
                        None,
                        follows.map(|r| channel(r, "")),
                    )
                }
            };
            out.push(entry);
            let branches = rows
                .range((arch, track, *risk, "")..)
                .take_while(|((a, t, r, _), _)| (*a, *t, *r) == (arch, track, *risk))
                .filter(|((_, _, _, b), _)| !b.is_empty());
            for ((_, _, _, branch), revision) in branches {
                out.push(status_entry(arch, &channel(risk, branch), *revision, None));
            }
        }
    }
    out
}

fn status_entry(
    arch: &str,
    channel: &Channel,
    revision: Option<u32>,
    follows: Option<Channel>,
) -> ChannelStatus {
    let state = match (revision, &follows) {
        (Some(_), _) => "open",
        (None, Some(_)) => "tracking",
        (None, None) => "closed",
    };
    ChannelStatus {
        architecture: arch.to_string(),
        channel: channel.full(),
        revision,
        state: state.to_string(),
        follows: follows.as_ref().map(Channel::full),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(arch: &str, channel: &str, revision: Option<u32>) -> ReleaseRecord {
        ReleaseRecord::for_test(arch, channel, revision)
    }

    fn show(map: &[ChannelStatus]) -> Vec<String> {
        map.iter()
            .map(|c| {
                let rev = c.revision.map_or("-".to_string(), |r| r.to_string());
                let follows = c.follows.as_deref().unwrap_or("");
                format!(
                    "{} {} {} {} {}",
                    c.architecture, c.channel, c.state, rev, follows
                )
                .trim_end()
                .to_string()
            })
            .collect()
    }

    #[test]
    fn risks_track_the_nearest_more_stable_open_one() {
        let rows = [
            row("amd64", "beta", Some(3)),
            row("amd64", "stable", None),
            row("amd64", "edge/fix", Some(4)),
            row("arm64", "2.0/candidate", Some(1)),
            row("amd64", "stable", None),
        ];
        assert_eq!(
            show(&channel_map(&rows)),
            [
                "amd64 latest/stable closed -",
                "amd64 latest/candidate closed -",
                "amd64 latest/beta open 3",
                "amd64 latest/edge tracking - latest/beta",
                "amd64 latest/edge/fix open 4",
                "arm64 2.0/stable closed -",
                "arm64 2.0/candidate open 1",
                "arm64 2.0/beta tracking - 2.0/candidate",
                "arm64 2.0/edge tracking - 2.0/candidate",
            ]
        );
    }

    #[test]
    fn latest_comes_first_and_no_rows_no_map() {
        assert!(channel_map(&[]).is_empty());
        let rows = [
            row("all", "1.0/stable", Some(1)),
            row("all", "stable", Some(2)),
        ];
        let map = channel_map(&rows);
        assert_eq!(map[0].channel, "latest/stable");
        assert_eq!(map[4].channel, "1.0/stable");
    }
}
