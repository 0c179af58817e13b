//! Channels: `track/risk/branch` (snapd's `snap/channel`), and how a risk falls back to a
//! more stable one when nothing is released there.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The four risks, most stable first.
pub const RISKS: [&str; 4] = ["stable", "candidate", "beta", "edge"];

/// A channel, normalised: `track` defaults to `latest`, `risk` to `stable`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Channel {
    /// The track.
    pub track: String,
    /// The risk, one of [`RISKS`].
    pub risk: String,
    /// The branch, empty when none.
    pub branch: String,
}

/// Why a channel name is refused (snapd's `channel.Parse` texts).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// Empty name.
    #[error("channel name cannot be empty")]
    Empty,
    /// Bad shape.
    #[error("channel name has too many components: {0}")]
    TooManyComponents(String),
    /// A risk that does not exist where one is required.
    #[error("invalid risk in channel name: {0}")]
    InvalidRisk(String),
    /// An empty or malformed track or branch.
    #[error("invalid channel name: {0}")]
    Invalid(String),
}

fn is_risk(s: &str) -> bool {
    RISKS.contains(&s)
}

fn valid_part(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !s.starts_with('.')
}

impl Channel {
    /// Parses `risk`, `track`, `track/risk`, `risk/branch` or `track/risk/branch`, as
    /// snapd's `channel.ParseVerbatim` + `Clean` read them.
    pub fn parse(name: &str) -> Result<Channel, ChannelError> {
        if name.is_empty() {
            return Err(ChannelError::Empty);
        }
        let parts: Vec<&str> = name.split('/').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(ChannelError::Invalid(name.to_string()));
        }
        let (track, risk, branch) = match parts.as_slice() {
            [one] if is_risk(one) => ("latest", *one, ""),
            [one] => (*one, "stable", ""),
            [a, b] if is_risk(a) => ("latest", *a, *b),
            [a, b] if is_risk(b) => (*a, *b, ""),
            [_, _] => return Err(ChannelError::InvalidRisk(name.to_string())),
            [t, r, b] if is_risk(r) => (*t, *r, *b),
            [_, _, _] => return Err(ChannelError::InvalidRisk(name.to_string())),
            _ => return Err(ChannelError::TooManyComponents(name.to_string())),
        };
        if !valid_part(track) || (!branch.is_empty() && !valid_part(branch)) {
            return Err(ChannelError::Invalid(name.to_string()));
        }
        Ok(Channel {
            track: track.to_string(),
            risk: risk.to_string(),
            branch: branch.to_string(),
        })
    }

    /// The full name, `track/risk[/branch]`.
    pub fn full(&self) -> String {
        self.to_string()
    }

    /// The name snapd shows: `latest/` dropped (`stable`, `beta/fix-1`, `2.0/edge`).
    pub fn short(&self) -> String {
        let mut s = if self.track == "latest" {
            self.risk.clone()
        } else {
            format!("{}/{}", self.track, self.risk)
        };
        if !self.branch.is_empty() {
            s.push('/');
            s.push_str(&self.branch);
        }
        s
    }

    /// The risks a device following this channel may get, in the order to try: a risk
    /// with nothing released (or closed) follows the next more stable one. A branch has
    /// no fallback.
    pub fn fallbacks(&self) -> Vec<Channel> {
        if !self.branch.is_empty() {
            return vec![self.clone()];
        }
        let at = RISKS.iter().position(|r| *r == self.risk).unwrap_or(0);
        RISKS[..=at]
            .iter()
            .rev()
            .map(|r| Channel {
                track: self.track.clone(),
                risk: (*r).to_string(),
                branch: String::new(),
            })
            .collect()
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.track, self.risk)?;
        if !self.branch.is_empty() {
            write!(f, "/{}", self.branch)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise() {
        let c = |s| Channel::parse(s).unwrap().full();
        assert_eq!(c("stable"), "latest/stable");
        assert_eq!(c("edge/fix-1"), "latest/edge/fix-1");
        assert_eq!(c("2.0"), "2.0/stable");
        assert_eq!(c("2.0/beta"), "2.0/beta");
        assert_eq!(c("2.0/beta/x"), "2.0/beta/x");
        assert_eq!(Channel::parse("latest/beta").unwrap().short(), "beta");
        assert!(Channel::parse("").is_err());
        assert!(Channel::parse("a/b").is_err());
        assert!(Channel::parse("a/b/c/d").is_err());
        assert!(Channel::parse("../stable").is_err());
        assert!(Channel::parse("latest/stable/").is_err());
    }

    #[test]
    fn risks_fall_back_to_more_stable_ones() {
        let f: Vec<String> = Channel::parse("beta")
            .unwrap()
            .fallbacks()
            .iter()
            .map(Channel::full)
            .collect();
        assert_eq!(f, ["latest/beta", "latest/candidate", "latest/stable"]);
        assert_eq!(Channel::parse("beta/x").unwrap().fallbacks().len(), 1);
    }
}
