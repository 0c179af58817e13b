//! Snap action (`POST v2/snaps/refresh`, `store/store_action.go`): install, refresh,
//! download and fetch-assertions in one request, with a result per action.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::ErrorEntry;
use super::snap::{Epoch, StoreSnap};

/// An installed snap, as the request's `context` lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextSnap {
    /// The snap id.
    #[serde(rename = "snap-id")]
    pub snap_id: String,
    /// The snap id, or for a parallel instance `snap-id:<hash>`.
    #[serde(rename = "instance-key")]
    pub instance_key: String,
    /// The installed revision. snapd sends its signed revision: a local (unasserted) snap
    /// has a negative one (`x1` is `-1`), which no store revision equals.
    pub revision: i32,
    /// The channel the device tracks (`stable` when unset).
    #[serde(rename = "tracking-channel", default)]
    pub tracking_channel: String,
    /// The installed revision's epoch.
    #[serde(default)]
    pub epoch: Epoch,
    /// When the snap was last refreshed (RFC 3339).
    #[serde(
        rename = "refreshed-date",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub refreshed_date: Option<String>,
    /// Whether validation sets are ignored for this snap.
    #[serde(
        rename = "ignore-validation",
        default,
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub ignore_validation: bool,
    /// The cohort.
    #[serde(
        rename = "cohort-key",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub cohort_key: String,
    /// The validation sets enforced for this snap: `[series, account-id, name(, sequence)]`.
    #[serde(
        rename = "validation-sets",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub validation_sets: Vec<Vec<String>>,
    /// Holds: `{"by": ["system", …]}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<serde_json::Value>,
}

/// One assertion asked for by a `fetch-assertions` action: by primary key
/// (`if-newer-than`), or by sequence key for sequence-forming types.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssertionQuery {
    /// The assertion type.
    #[serde(rename = "type")]
    pub assertion_type: String,
    /// The primary key, for a plain type.
    #[serde(rename = "primary-key", default, skip_serializing_if = "Vec::is_empty")]
    pub primary_key: Vec<String>,
    /// The sequence key, for a sequence-forming type.
    #[serde(
        rename = "sequence-key",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub sequence_key: Vec<String>,
    /// A pinned sequence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u32>,
    /// Only if the store has a newer revision than this.
    #[serde(
        rename = "if-newer-than",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub if_newer_than: Option<i64>,
    /// Only if the store's sequence is at least this.
    #[serde(
        rename = "if-sequence-equal-or-newer-than",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub if_sequence_equal_or_newer_than: Option<u32>,
    /// Only if the store's sequence is newer than this.
    #[serde(
        rename = "if-sequence-newer-than",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub if_sequence_newer_than: Option<u32>,
}

/// One action of a snap action request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum SnapAction {
    /// Refresh an installed snap (one of the context's), by snap id.
    Refresh {
        /// Matches a context entry.
        #[serde(rename = "instance-key")]
        instance_key: String,
        /// The snap id.
        #[serde(rename = "snap-id")]
        snap_id: String,
        /// A channel other than the tracked one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
        /// A specific revision.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        revision: Option<u32>,
        /// A cohort.
        #[serde(
            rename = "cohort-key",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        cohort_key: Option<String>,
        /// Ignore validation sets (only when forced).
        #[serde(
            rename = "ignore-validation",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        ignore_validation: Option<bool>,
        /// Validation sets to honour for this action.
        #[serde(
            rename = "validation-sets",
            default,
            skip_serializing_if = "Vec::is_empty"
        )]
        validation_sets: Vec<Vec<String>>,
    },
    /// Install a snap by name (`install-N`).
    Install {
        /// `install-N`, echoed in the result.
        #[serde(rename = "instance-key")]
        instance_key: String,
        /// The snap name.
        name: String,
        /// The channel (`stable` when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
        /// A specific revision.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        revision: Option<u32>,
        /// A cohort.
        #[serde(
            rename = "cohort-key",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        cohort_key: Option<String>,
        /// `null` unless amending.
        #[serde(default)]
        epoch: Option<Epoch>,
        /// Ignore validation sets (only when forced).
        #[serde(
            rename = "ignore-validation",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        ignore_validation: Option<bool>,
        /// Validation sets to honour for this action.
        #[serde(
            rename = "validation-sets",
            default,
            skip_serializing_if = "Vec::is_empty"
        )]
        validation_sets: Vec<Vec<String>>,
    },
    /// Download a snap by name (`download-N`), as `snap download` and images do.
    Download {
        /// `download-N`, echoed in the result.
        #[serde(rename = "instance-key")]
        instance_key: String,
        /// The snap name.
        name: String,
        /// The channel (`stable` when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<String>,
        /// A specific revision.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        revision: Option<u32>,
        /// A cohort.
        #[serde(
            rename = "cohort-key",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        cohort_key: Option<String>,
        /// `null` unless amending.
        #[serde(default)]
        epoch: Option<Epoch>,
        /// Ignore validation sets (`snap prepare-image` sends it: `true` unless
        /// `--validation=enforce`).
        #[serde(
            rename = "ignore-validation",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        ignore_validation: Option<bool>,
        /// Validation sets to honour for this action.
        #[serde(
            rename = "validation-sets",
            default,
            skip_serializing_if = "Vec::is_empty"
        )]
        validation_sets: Vec<Vec<String>>,
    },
    /// Fetch assertions: the result lists stream URLs to GET.
    FetchAssertions {
        /// Echoed in the result.
        key: String,
        /// What to fetch.
        #[serde(default)]
        assertions: Vec<AssertionQuery>,
    },
}

impl SnapAction {
    /// The key results are matched by: `instance-key`, or `key` for fetch-assertions.
    pub fn key(&self) -> &str {
        match self {
            SnapAction::Refresh { instance_key, .. }
            | SnapAction::Install { instance_key, .. }
            | SnapAction::Download { instance_key, .. } => instance_key,
            SnapAction::FetchAssertions { key, .. } => key,
        }
    }
}

/// The body of `POST v2/snaps/refresh`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SnapActionRequest {
    /// Every installed store snap.
    #[serde(default)]
    pub context: Vec<ContextSnap>,
    /// What to do.
    #[serde(default)]
    pub actions: Vec<SnapAction>,
    /// The `storeSnap` fields wanted.
    #[serde(default)]
    pub fields: Vec<String>,
    /// The highest format of each assertion type the device reads (only when fetching
    /// assertions).
    #[serde(
        rename = "assertion-max-formats",
        default,
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub assertion_max_formats: BTreeMap<String, u32>,
}

/// Where a snap is released, in a `revision-not-found` error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapRelease {
    /// The architecture.
    #[serde(default)]
    pub architecture: String,
    /// The channel.
    #[serde(default)]
    pub channel: String,
}

/// Extra facts in an error result.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultErrorExtra {
    /// Where the snap is released (`revision-not-found`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub releases: Vec<SnapRelease>,
}

/// The error of one action: `revision-not-found`, `id-not-found`, `name-not-found`,
/// `device-authorization-needs-refresh`, …
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultError {
    /// The code.
    pub code: String,
    /// The message.
    pub message: String,
    /// Extra facts.
    #[serde(default)]
    pub extra: ResultErrorExtra,
}

/// One result of a snap action response. `result` is `refresh`, `install`, `download`,
/// `fetch-assertions` or `error`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActionResult {
    /// What kind of result this is.
    pub result: String,
    /// The action's `instance-key`.
    #[serde(
        rename = "instance-key",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub instance_key: String,
    /// The snap id.
    #[serde(rename = "snap-id", default, skip_serializing_if = "String::is_empty")]
    pub snap_id: String,
    /// The snap name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The revision chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snap: Option<StoreSnap>,
    /// The channel the revision came from (when it differs from the one asked for).
    #[serde(
        rename = "effective-channel",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub effective_channel: String,
    /// The channel the device should track from now on.
    #[serde(
        rename = "redirect-channel",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub redirect_channel: String,
    /// The error, for `result: error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ResultError>,
    /// The fetch-assertions action's `key`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// Assertion stream URLs to GET (fetch-assertions).
    #[serde(
        rename = "assertion-stream-urls",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub assertion_stream_urls: Vec<String>,
    /// Per-assertion errors (fetch-assertions).
    #[serde(rename = "error-list", default, skip_serializing_if = "Vec::is_empty")]
    pub error_list: Vec<ErrorEntry>,
}

/// The body of a snap action answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SnapActionResponse {
    /// One result per action that has one.
    #[serde(default)]
    pub results: Vec<ActionResult>,
    /// Errors about the request as a whole.
    #[serde(rename = "error-list", default, skip_serializing_if = "Vec::is_empty")]
    pub error_list: Vec<ErrorEntry>,
}
