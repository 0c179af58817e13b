//! A snap as the store describes it (`storeSnap` of `store/details_v2.go`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A snap's epoch on the wire: `{"read": [0], "write": [0]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Epoch {
    /// The epochs this revision can read.
    #[serde(default)]
    pub read: Vec<u32>,
    /// The epochs this revision writes.
    #[serde(default)]
    pub write: Vec<u32>,
}

impl Default for Epoch {
    /// Epoch 0: `{"read": [0], "write": [0]}`.
    fn default() -> Self {
        Epoch {
            read: vec![0],
            write: vec![0],
        }
    }
}

/// The publisher of a snap (`snap.StoreAccount`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publisher {
    /// The account id.
    #[serde(default)]
    pub id: String,
    /// The account's user name.
    #[serde(default)]
    pub username: String,
    /// The name shown to people.
    #[serde(rename = "display-name", default)]
    pub display_name: String,
    /// `verified`, `starred`, `unproven`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub validation: String,
}

/// A delta download.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delta {
    /// `xdelta3`.
    #[serde(default)]
    pub format: String,
    /// SHA3-384 of the delta, hex.
    #[serde(rename = "sha3-384", default)]
    pub sha3_384: String,
    /// Size in bytes.
    #[serde(default)]
    pub size: u64,
    /// The revision the delta applies to.
    #[serde(default)]
    pub source: u32,
    /// The revision the delta makes.
    #[serde(default)]
    pub target: u32,
    /// Where to fetch it.
    #[serde(default)]
    pub url: String,
}

/// Where and what to download.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Download {
    /// SHA3-384 of the whole `.snap` file, **hex** (the snap-revision assertion holds the
    /// same digest in base64url).
    #[serde(rename = "sha3-384", default)]
    pub sha3_384: String,
    /// Size in bytes.
    #[serde(default)]
    pub size: u64,
    /// The download URL.
    #[serde(default)]
    pub url: String,
    /// Deltas, none from ucore-store.
    #[serde(default)]
    pub deltas: Vec<Delta>,
}

/// An icon or a screenshot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Media {
    /// `icon`, `screenshot`, `banner`.
    #[serde(rename = "type", default)]
    pub media_type: String,
    /// Where it is.
    #[serde(default)]
    pub url: String,
    /// Width in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u64>,
    /// Height in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
}

/// One revision of a snap as the store sends it (`storeSnap`). Absent fields read as
/// their defaults, as Go's decoder reads them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StoreSnap {
    /// Architectures the revision runs on (`all` for any).
    #[serde(default)]
    pub architectures: Vec<String>,
    /// The base snap.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub base: String,
    /// `strict`, `classic` or `devmode`.
    #[serde(default)]
    pub confinement: String,
    /// Contact URL or address.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contact: String,
    /// When the revision was uploaded (RFC 3339).
    #[serde(rename = "created-at", default)]
    pub created_at: String,
    /// The description.
    #[serde(default)]
    pub description: String,
    /// What to download.
    #[serde(default)]
    pub download: Download,
    /// The epoch.
    #[serde(default)]
    pub epoch: Epoch,
    /// SPDX license expression.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub license: String,
    /// The snap name.
    #[serde(default)]
    pub name: String,
    /// Prices per currency; free snaps have none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prices: BTreeMap<String, String>,
    /// Whether the snap is private.
    #[serde(default)]
    pub private: bool,
    /// The publisher.
    #[serde(default)]
    pub publisher: Publisher,
    /// The store revision (≥ 1).
    #[serde(default)]
    pub revision: u32,
    /// The snap id.
    #[serde(rename = "snap-id", default)]
    pub snap_id: String,
    /// The revision's `meta/snap.yaml`.
    #[serde(
        rename = "snap-yaml",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub snap_yaml: String,
    /// The summary.
    #[serde(default)]
    pub summary: String,
    /// The title.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// `app`, `gadget`, `kernel`, `base`, `os`, `snapd`.
    #[serde(rename = "type", default)]
    pub snap_type: String,
    /// The version.
    #[serde(default)]
    pub version: String,
    /// Website.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub website: String,
    /// The store page.
    #[serde(
        rename = "store-url",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub store_url: String,
    /// Icons and screenshots.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<Media>,
    /// Common ids (AppStream).
    #[serde(rename = "common-ids", default, skip_serializing_if = "Vec::is_empty")]
    pub common_ids: Vec<String>,
}
