//! Snap channels as the seed writer resolves them (snapd's `snap/channel`:
//! `ParseVerbatim`, `Parse`, `Resolve`, `ResolvePinned`), with snapd's messages
//! (spec `snap-image.md` §6.5.1).
//!
//! ```
//! use ucore_image::channel::{resolve, resolve_pinned};
//!
//! assert_eq!(resolve("latest/stable", "edge")?, "latest/edge");
//! assert_eq!(resolve_pinned("18", "")?, "18");
//! assert_eq!(
//!     resolve_pinned("18", "20/stable").unwrap_err().to_string(),
//!     "cannot switch pinned track"
//! );
//! # Ok::<(), ucore_image::channel::ChannelError>(())
//! ```

use thiserror::Error;

/// The risks, most stable first.
pub const RISKS: [&str; 4] = ["stable", "candidate", "beta", "edge"];

/// A channel: `track/risk/branch` (any part may be empty as written).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Channel {
    /// The track (`latest` is the default track).
    pub track: String,
    /// The risk: `stable`, `candidate`, `beta` or `edge`.
    pub risk: String,
    /// The branch.
    pub branch: String,
}

impl Channel {
    /// Whether only a track was written (`Channel.VerbatimTrackOnly`).
    pub fn is_track_only(&self) -> bool {
        !self.track.is_empty() && self.risk.is_empty() && self.branch.is_empty()
    }

    /// The normalised name (`Channel.Name` after `Clean`): `[track/]risk[/branch]`.
    pub fn name(&self) -> String {
        let mut name = self.risk.clone();
        if !self.track.is_empty() {
            name = format!("{}/{name}", self.track);
        }
        if !self.branch.is_empty() {
            name = format!("{name}/{}", self.branch);
        }
        name
    }
}

/// A channel snapd refuses; the texts are snapd's.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ChannelError {
    /// The empty channel.
    #[error("channel name cannot be empty")]
    Empty,
    /// More than three `/`-separated parts.
    #[error("channel name has too many components: {0}")]
    TooManyComponents(String),
    /// A risk that is none of [`RISKS`].
    #[error("invalid risk in channel name: {0}")]
    InvalidRisk(String),
    /// An empty track.
    #[error("invalid track in channel name: {0}")]
    InvalidTrack(String),
    /// An empty branch.
    #[error("invalid branch in channel name: {0}")]
    InvalidBranch(String),
    /// `ResolvePinned` with a pinned track that is not a track alone.
    #[error("invalid pinned track: {0}")]
    InvalidPinnedTrack(String),
    /// `ResolvePinned` asked to leave the pinned track (`ErrPinnedTrackSwitch`).
    #[error("cannot switch pinned track")]
    PinnedTrackSwitch,
}

fn is_risk(s: &str) -> bool {
    RISKS.contains(&s)
}

/// snapd's `channel.ParseVerbatim(s, arch)`: the parts as written.
pub fn parse_verbatim(s: &str) -> Result<Channel, ChannelError> {
    if s.is_empty() {
        return Err(ChannelError::Empty);
    }
    let parts: Vec<&str> = s.split('/').collect();
    // (track, risk, branch) as written; `None` = not written.
    let (track, risk, branch) = match parts.as_slice() {
        [one] if is_risk(one) => (None, Some(*one), None),
        [one] => (Some(*one), None, None),
        [first, second] if is_risk(first) => (None, Some(*first), Some(*second)),
        [first, second] => (Some(*first), Some(*second), None),
        [t, r, b] => (Some(*t), Some(*r), Some(*b)),
        _ => return Err(ChannelError::TooManyComponents(s.to_string())),
    };
    if let Some(r) = risk
        && !is_risk(r)
    {
        return Err(ChannelError::InvalidRisk(s.to_string()));
    }
    if track == Some("") {
        return Err(ChannelError::InvalidTrack(s.to_string()));
    }
    if branch == Some("") {
        return Err(ChannelError::InvalidBranch(s.to_string()));
    }
    Ok(Channel {
        track: track.unwrap_or_default().to_string(),
        risk: risk.unwrap_or_default().to_string(),
        branch: branch.unwrap_or_default().to_string(),
    })
}

/// snapd's `channel.Parse`: [`parse_verbatim`], then cleaned (track `latest` dropped,
/// risk `stable` when none was written).
pub fn parse(s: &str) -> Result<Channel, ChannelError> {
    let mut ch = parse_verbatim(s)?;
    if ch.track == "latest" {
        ch.track.clear();
    }
    if ch.risk.is_empty() {
        ch.risk = "stable".to_string();
    }
    Ok(ch)
}

/// Whether `s` starts with a risk (`risk` or `risk/branch`).
fn starts_with_risk(s: &str) -> bool {
    is_risk(s.split('/').next().unwrap_or_default())
}

/// snapd's `channel.Resolve(ch, new)`: `new` resolved against `ch`; a risk-first `new`
/// keeps `ch`'s track.
pub fn resolve(ch: &str, new: &str) -> Result<String, ChannelError> {
    if new.is_empty() {
        return Ok(ch.to_string());
    }
    if ch.is_empty() {
        return Ok(new.to_string());
    }
    let base = parse_verbatim(ch)?;
    if starts_with_risk(new) && !base.track.is_empty() {
        return Ok(format!("{}/{new}", base.track));
    }
    Ok(new.to_string())
}

/// snapd's `channel.ResolvePinned(track, new)`: `new` may only add a risk (and branch) to
/// the pinned `track`, or name that track itself.
pub fn resolve_pinned(track: &str, new: &str) -> Result<String, ChannelError> {
    if track.is_empty() {
        return Ok(new.to_string());
    }
    match parse_verbatim(track) {
        Ok(ch) if ch.is_track_only() => {}
        _ => return Err(ChannelError::InvalidPinnedTrack(track.to_string())),
    }
    if new.is_empty() {
        return Ok(track.to_string());
    }
    if starts_with_risk(new) {
        return Ok(format!("{track}/{new}"));
    }
    if new != track && !new.starts_with(&format!("{track}/")) {
        return Err(ChannelError::PinnedTrackSwitch);
    }
    Ok(new.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(t: &str, r: &str, b: &str) -> Channel {
        Channel {
            track: t.into(),
            risk: r.into(),
            branch: b.into(),
        }
    }

    #[test]
    fn parse_verbatim_keeps_the_parts_as_written() {
        assert_eq!(parse_verbatim("edge").unwrap(), ch("", "edge", ""));
        assert_eq!(parse_verbatim("18").unwrap(), ch("18", "", ""));
        assert_eq!(
            parse_verbatim("stable/hotfix").unwrap(),
            ch("", "stable", "hotfix")
        );
        assert_eq!(parse_verbatim("20/beta").unwrap(), ch("20", "beta", ""));
        assert_eq!(
            parse_verbatim("latest/edge/fix").unwrap(),
            ch("latest", "edge", "fix")
        );
        assert!(parse_verbatim("18").unwrap().is_track_only());
        assert!(!parse_verbatim("18/stable").unwrap().is_track_only());
    }

    #[test]
    fn parse_verbatim_texts_are_snapds() {
        for (s, e) in [
            ("", "channel name cannot be empty"),
            ("a/b/c/d", "channel name has too many components: a/b/c/d"),
            ("a/b", "invalid risk in channel name: a/b"),
            ("a//b", "invalid risk in channel name: a//b"),
            ("/stable", "invalid track in channel name: /stable"),
            ("latest/", "invalid risk in channel name: latest/"),
            ("stable/", "invalid branch in channel name: stable/"),
            ("x/stable/", "invalid branch in channel name: x/stable/"),
            (
                "invalid/channel/",
                "invalid risk in channel name: invalid/channel/",
            ),
        ] {
            assert_eq!(parse_verbatim(s).unwrap_err().to_string(), e, "{s:?}");
        }
    }

    #[test]
    fn parse_cleans() {
        assert_eq!(parse("latest/edge").unwrap(), ch("", "edge", ""));
        assert_eq!(parse("18").unwrap(), ch("18", "stable", ""));
        assert_eq!(parse("18").unwrap().name(), "18/stable");
        assert_eq!(parse("latest").unwrap().name(), "stable");
        assert_eq!(parse("edge/x").unwrap().name(), "edge/x");
    }

    #[test]
    fn resolve_keeps_the_track_for_a_risk() {
        assert_eq!(resolve("stable", "").unwrap(), "stable");
        assert_eq!(resolve("", "edge").unwrap(), "edge");
        // [obs] UC16 --snap hello-oracle=beta → beta; UC20 hello20=edge → latest/edge.
        assert_eq!(resolve("stable", "beta").unwrap(), "beta");
        assert_eq!(resolve("latest/stable", "edge").unwrap(), "latest/edge");
        assert_eq!(resolve("20/stable", "edge/fix").unwrap(), "20/edge/fix");
        assert_eq!(resolve("20/stable", "22/edge").unwrap(), "22/edge");
        assert_eq!(resolve("20/stable", "22").unwrap(), "22");
        assert_eq!(
            resolve("a/b/c/d", "edge").unwrap_err(),
            ChannelError::TooManyComponents("a/b/c/d".into())
        );
    }

    #[test]
    fn resolve_pinned_stays_on_the_track() {
        assert_eq!(resolve_pinned("", "edge").unwrap(), "edge");
        assert_eq!(resolve_pinned("18", "").unwrap(), "18");
        assert_eq!(resolve_pinned("18", "edge").unwrap(), "18/edge");
        assert_eq!(resolve_pinned("18", "beta/fix").unwrap(), "18/beta/fix");
        assert_eq!(resolve_pinned("18", "18").unwrap(), "18");
        assert_eq!(
            resolve_pinned("18", "18/candidate").unwrap(),
            "18/candidate"
        );
        assert_eq!(
            resolve_pinned("18", "20/stable").unwrap_err(),
            ChannelError::PinnedTrackSwitch
        );
        assert_eq!(
            resolve_pinned("18", "180").unwrap_err(),
            ChannelError::PinnedTrackSwitch
        );
        assert_eq!(
            resolve_pinned("18/stable", "edge").unwrap_err().to_string(),
            "invalid pinned track: 18/stable"
        );
        assert_eq!(
            resolve_pinned("edge", "").unwrap_err().to_string(),
            "invalid pinned track: edge"
        );
    }
}
