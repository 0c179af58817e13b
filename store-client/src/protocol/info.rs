//! Snap info (`GET v2/snaps/info/{name}`) and find (`GET v2/snaps/find`).

use serde::{Deserialize, Serialize};

use super::snap::StoreSnap;

/// A channel in the info channel map.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelInfo {
    /// The architecture.
    #[serde(default)]
    pub architecture: String,
    /// The channel's full name (`latest/stable`, `2.0/beta/fix-1`).
    #[serde(default)]
    pub name: String,
    /// The risk.
    #[serde(default)]
    pub risk: String,
    /// The track.
    #[serde(default)]
    pub track: String,
    /// When the revision was released there (RFC 3339).
    #[serde(rename = "released-at", default)]
    pub released_at: String,
}

/// One entry of the channel map: a revision and where it is released.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChannelMapEntry {
    /// The revision.
    #[serde(flatten)]
    pub snap: StoreSnap,
    /// The channel.
    pub channel: ChannelInfo,
}

/// The answer of snap info.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InfoResponse {
    /// Every channel with a revision; empty means not found.
    #[serde(rename = "channel-map", default)]
    pub channel_map: Vec<ChannelMapEntry>,
    /// Snap-wide facts.
    #[serde(default)]
    pub snap: StoreSnap,
    /// The snap name.
    #[serde(default)]
    pub name: String,
    /// The snap id.
    #[serde(rename = "snap-id", default)]
    pub snap_id: String,
}

/// One hit of find.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FindResult {
    /// The snap name.
    #[serde(default)]
    pub name: String,
    /// The snap id.
    #[serde(rename = "snap-id", default)]
    pub snap_id: String,
    /// Snap-wide facts.
    #[serde(default)]
    pub snap: StoreSnap,
    /// The revision in the channel searched, with `"channel"` set.
    #[serde(default)]
    pub revision: serde_json::Value,
}

/// The answer of find.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FindResponse {
    /// The hits.
    #[serde(default)]
    pub results: Vec<FindResult>,
}
