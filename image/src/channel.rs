//! Snap channels as the seed writer resolves them (snapd's `snap/channel`:
//! `ParseVerbatim`, `Parse`, `Resolve`, `ResolvePinned`), with snapd's messages
//! (spec `snap-image.md` §6.5.1).

use thiserror::Error;

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

/// A channel snapd refuses; the texts are snapd's.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ChannelError {
    /// Placeholder until the module is written.
    #[error("channel name cannot be empty")]
    Empty,
}

/// snapd's `channel.ParseVerbatim(s, arch)`: the parts as written.
pub fn parse_verbatim(_s: &str) -> Result<Channel, ChannelError> {
    unimplemented!("channel::parse_verbatim")
}

/// snapd's `channel.Resolve(ch, new)`.
pub fn resolve(_ch: &str, _new: &str) -> Result<String, ChannelError> {
    unimplemented!("channel::resolve")
}

/// snapd's `channel.ResolvePinned(track, new)`.
pub fn resolve_pinned(_track: &str, _new: &str) -> Result<String, ChannelError> {
    unimplemented!("channel::resolve_pinned")
}
