//! Which revision a channel gives a device: the release rows of one snap, read for a
//! channel and an architecture, with the fallback of a risk to more stable ones.

use ucore_store_client::protocol::SnapRelease;

use crate::channel::Channel;
use crate::db::ReleaseRecord;

/// The architecture of revisions that run anywhere.
pub const ARCH_ALL: &str = "all";

/// A revision a channel gives, and the channel it really came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The revision.
    pub revision: u32,
    /// The channel the revision is released in (after falling back).
    pub channel: Channel,
}

/// Whether a revision built for `architectures` runs on `arch` (`None`: any).
pub fn runs_on(architectures: &[String], arch: Option<&str>) -> bool {
    match arch {
        None => true,
        Some(arch) => architectures.iter().any(|a| a == arch || a == ARCH_ALL),
    }
}

/// Whether a release row for `row_arch` serves a device of `arch` (`None`: any).
fn serves(row_arch: &str, arch: Option<&str>) -> bool {
    arch.is_none_or(|a| row_arch == a || row_arch == ARCH_ALL)
}

fn in_channel(r: &ReleaseRecord, c: &Channel) -> bool {
    r.track == c.track && r.risk == c.risk && r.branch == c.branch
}

/// The revision `channel` gives a device of `arch` among one snap's release rows: the
/// channel itself, else (for a risk without a branch) the next more stable risk of the
/// track; a closed channel, like an empty one, follows the more stable risk. A row for
/// the device's own architecture wins over one for `all`. `None` when nothing is
/// released on the way.
pub fn resolve<'a>(
    releases: impl IntoIterator<Item = &'a ReleaseRecord> + Clone,
    channel: &Channel,
    arch: Option<&str>,
) -> Option<Resolved> {
    for c in channel.fallbacks() {
        let mut found: Option<&ReleaseRecord> = None;
        for r in releases.clone() {
            if !in_channel(r, &c) || !serves(&r.architecture, arch) {
                continue;
            }
            let better = match found {
                None => true,
                // The device's own architecture over `all`.
                Some(f) => f.architecture == ARCH_ALL && r.architecture != ARCH_ALL,
            };
            if better {
                found = Some(r);
            }
        }
        if let Some(revision) = found.and_then(|r| r.revision) {
            return Some(Resolved {
                revision,
                channel: c,
            });
        }
    }
    None
}

/// Where a snap is released for devices of `arch` (every open channel), for a
/// `revision-not-found` error's `extra.releases`.
pub fn open_releases<'a>(
    releases: impl IntoIterator<Item = &'a ReleaseRecord>,
    arch: Option<&str>,
) -> Vec<SnapRelease> {
    let mut out: Vec<SnapRelease> = releases
        .into_iter()
        .filter(|r| r.revision.is_some())
        .map(|r| SnapRelease {
            architecture: match arch {
                Some(a) if r.architecture == ARCH_ALL => a.to_string(),
                _ => r.architecture.clone(),
            },
            channel: r.channel().full(),
        })
        .collect();
    out.sort_by(|a, b| (&a.architecture, &a.channel).cmp(&(&b.architecture, &b.channel)));
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(arch: &str, channel: &str, revision: Option<u32>) -> ReleaseRecord {
        ReleaseRecord::for_test(arch, channel, revision)
    }

    fn pick(rows: &[ReleaseRecord], channel: &str, arch: Option<&str>) -> Option<(u32, String)> {
        resolve(rows, &Channel::parse(channel).unwrap(), arch)
            .map(|r| (r.revision, r.channel.full()))
    }

    #[test]
    fn risks_fall_back_and_closed_channels_follow() {
        let rows = [
            row("amd64", "stable", Some(1)),
            row("amd64", "beta", Some(3)),
            row("amd64", "candidate", None),
        ];
        assert_eq!(
            pick(&rows, "stable", Some("amd64")),
            Some((1, "latest/stable".into()))
        );
        assert_eq!(
            pick(&rows, "candidate", Some("amd64")),
            Some((1, "latest/stable".into()))
        );
        assert_eq!(
            pick(&rows, "edge", Some("amd64")),
            Some((3, "latest/beta".into()))
        );
        assert_eq!(pick(&rows, "beta/fix", Some("amd64")), None);
        assert_eq!(pick(&rows, "2.0/stable", Some("amd64")), None);
        assert_eq!(pick(&rows, "stable", Some("arm64")), None);
        assert_eq!(
            pick(&rows, "stable", None),
            Some((1, "latest/stable".into()))
        );
    }

    #[test]
    fn all_serves_every_architecture_and_loses_to_the_own_one() {
        let rows = [
            row("all", "stable", Some(2)),
            row("arm64", "stable", Some(5)),
        ];
        assert_eq!(
            pick(&rows, "stable", Some("amd64")),
            Some((2, "latest/stable".into()))
        );
        assert_eq!(
            pick(&rows, "stable", Some("arm64")),
            Some((5, "latest/stable".into()))
        );
        assert!(runs_on(&["all".into()], Some("riscv64")));
        assert!(!runs_on(&["amd64".into()], Some("arm64")));
    }

    #[test]
    fn open_releases_list_where_a_snap_is() {
        let rows = [
            row("all", "beta", Some(2)),
            row("amd64", "edge", None),
            row("arm64", "stable", Some(1)),
        ];
        let got = open_releases(&rows, Some("amd64"));
        let got: Vec<_> = got
            .iter()
            .map(|r| (r.architecture.as_str(), r.channel.as_str()))
            .collect();
        assert_eq!(got, [("amd64", "latest/beta"), ("arm64", "latest/stable")]);
    }
}
