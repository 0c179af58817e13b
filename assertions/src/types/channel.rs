//! Snap channels (`track/risk/branch`) as the model's `default-channel` reads
//! them (snapd `channel.ParseVerbatim`), with snapd's messages.

use serde::Serialize;

/// The risk levels, most stable first.
pub const RISKS: [&str; 4] = ["stable", "candidate", "beta", "edge"];

/// A parsed channel; the parts are as written (no `latest` filled in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Channel<'a> {
    /// The track, empty when the channel names only a risk.
    pub track: &'a str,
    /// The risk (`stable` when only a track is given).
    pub risk: &'a str,
    /// The branch, empty when none.
    pub branch: &'a str,
}

impl<'a> Channel<'a> {
    /// Parses `s` as snapd's `channel.ParseVerbatim`; the error is snapd's text.
    pub fn parse(s: &'a str) -> Result<Self, String> {
        if s.is_empty() {
            return Err("channel name cannot be empty".to_owned());
        }
        let mut split = s.splitn(4, '/');
        let parts = [split.next(), split.next(), split.next(), split.next()];
        let is_risk = |p: &str| RISKS.contains(&p);
        let (track, risk, branch, has_track, has_branch) = match parts {
            [Some(one), None, ..] if is_risk(one) => ("", one, "", false, false),
            [Some(one), None, ..] => (one, "stable", "", true, false),
            [Some(first), Some(second), None, _] if is_risk(first) => {
                ("", first, second, false, true)
            }
            [Some(first), Some(second), None, _] => (first, second, "", true, false),
            [Some(t), Some(r), Some(b), None] => (t, r, b, true, true),
            _ => return Err(format!("channel name has too many components: {s}")),
        };
        if !is_risk(risk) {
            return Err(format!("invalid risk in channel name: {s}"));
        }
        if has_track && track.is_empty() {
            return Err(format!("invalid track in channel name: {s}"));
        }
        if has_branch && branch.is_empty() {
            return Err(format!("invalid branch in channel name: {s}"));
        }
        Ok(Channel {
            track,
            risk,
            branch,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_snapd() {
        assert_eq!(
            Channel::parse("20/stable").unwrap(),
            Channel {
                track: "20",
                risk: "stable",
                branch: ""
            }
        );
        assert_eq!(Channel::parse("stable/hotfix").unwrap().track, "");
        assert_eq!(Channel::parse("x/edge/y").unwrap().branch, "y");
        assert_eq!(Channel::parse("20").unwrap().risk, "stable");
        // Texts observed with the oracle.
        for (s, e) in [
            ("a/b/c/d", "channel name has too many components: a/b/c/d"),
            ("a//b", "invalid risk in channel name: a//b"),
            ("/stable", "invalid track in channel name: /stable"),
            ("latest/", "invalid risk in channel name: latest/"),
            (
                "latest/stable/",
                "invalid branch in channel name: latest/stable/",
            ),
            ("edge/x/y", "invalid risk in channel name: edge/x/y"),
        ] {
            assert_eq!(Channel::parse(s).unwrap_err(), e, "{s}");
        }
    }
}
