//! The publishing API's bodies (`/api/v1/publisher/…`), shared by the server and the
//! `store` command. A publisher authenticates with `Authorization: Macaroon
//! root="<credential id>", discharge="<secret>"`, the header snapd's tooling store sends
//! from `UBUNTU_STORE_AUTH_DATA_FILENAME`, so the same credential file also lets `snap
//! download` and `snap prepare-image` see the publisher's snaps.
//!
//! Routes:
//! * `POST /api/v1/publisher/names` — [`RegisterName`] → [`NameRegistered`];
//! * `POST /api/v1/publisher/snaps[?release=CHANNEL…]` — the raw `.snap` as the body
//!   (`Content-Type: application/octet-stream`) → [`Pushed`];
//! * `POST /api/v1/publisher/releases` — [`Release`] → [`Released`];
//! * `POST /api/v1/publisher/close` — [`Close`] → [`Closed`];
//! * `GET /api/v1/publisher/snaps/{name}` → [`SnapStatus`];
//! * `POST /api/v1/publisher/validation-sets` — a signed `validation-set` assertion as the
//!   body (`Content-Type: application/x.ubuntu.assertion`) → [`ValidationSetPushed`];
//! * `GET /api/v1/publisher/validation-sets[?name=NAME]` → [`ValidationSetList`]: the
//!   latest sequence of each set of the caller's account (every account's for an admin).
//!
//! Errors are `{"error-list": [{"code", "message"}]}` like every other answer.
//!
//! `store init` writes the admin credential twice: `credential.json` ([`CredentialFile`], for
//! the `store` command) and `snap-auth` ([`CredentialFile::tooling_auth`], for snapd's
//! `snap download` and `snap prepare-image` through `UBUNTU_STORE_AUTH_DATA_FILENAME`).

use serde::{Deserialize, Serialize};

/// The credential file `store init` writes: the JSON snapd's tooling store reads
/// (`{"macaroon", "discharges"}`), plus the store URL for the `store` command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialFile {
    /// The credential id.
    pub macaroon: String,
    /// One element: the secret.
    pub discharges: Vec<String>,
    /// The store's URL.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub store: String,
}

impl CredentialFile {
    /// The same credential in the form snapd's tooling store (`snap download`, `snap
    /// prepare-image`) reads from `UBUNTU_STORE_AUTH_DATA_FILENAME` or `UBUNTU_STORE_AUTH`
    /// and sends verbatim: base64 of `{"t": "macaroon", "v": "root=\"ID\",
    /// discharge=\"SECRET\""}` (snapcraft's exported-login shape). The JSON form of this
    /// file is not usable there: snapd reads its `macaroon` and `discharges` as serialised
    /// macaroons and drops them when they are not.
    pub fn tooling_auth(&self) -> String {
        use base64::Engine as _;
        let value =
            self.discharges
                .iter()
                .fold(format!("root=\"{}\"", self.macaroon), |mut v, d| {
                    v.push_str(&format!(", discharge=\"{d}\""));
                    v
                });
        let json = serde_json::json!({"t": "macaroon", "v": value});
        base64::engine::general_purpose::STANDARD.encode(json.to_string())
    }
}

/// Register a snap name for a publisher.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterName {
    /// The snap name.
    pub name: String,
    /// The publishing account (a brand the store serves, or its authority).
    pub publisher: String,
    /// An explicit snap id (to carry a snap over from another store); generated when
    /// absent.
    #[serde(rename = "snap-id", default, skip_serializing_if = "Option::is_none")]
    pub snap_id: Option<String>,
}

/// A registered name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameRegistered {
    /// The snap name.
    pub name: String,
    /// The snap id.
    #[serde(rename = "snap-id")]
    pub snap_id: String,
    /// The publisher.
    pub publisher: String,
}

/// Set the interface rules of a snap's `snap-declaration` (admin only): the `plugs` and
/// `slots` headers in snapd's rule language, as `snap sign` reads JSON headers (strings,
/// lists and maps; numbers as their text). Both replace what the declaration had; an
/// absent one means no rules of that side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetInterfaceRules {
    /// `plugs`: interface name → plug rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugs: Option<serde_json::Value>,
    /// `slots`: interface name → slot rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slots: Option<serde_json::Value>,
}

/// The snap-declaration signed with new interface rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterfaceRulesSet {
    /// The snap name.
    pub name: String,
    /// The snap id.
    #[serde(rename = "snap-id")]
    pub snap_id: String,
    /// The snap-declaration's new revision.
    pub revision: i64,
    /// Its `format` (the lowest that covers the rules' features).
    pub format: i64,
}

/// An upload's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pushed {
    /// The snap name.
    pub name: String,
    /// The snap id.
    #[serde(rename = "snap-id")]
    pub snap_id: String,
    /// The new revision.
    pub revision: u32,
    /// SHA3-384 of the file, hex.
    #[serde(rename = "sha3-384")]
    pub sha3_384: String,
    /// Size in bytes.
    pub size: u64,
    /// The channels it was released to (full names).
    #[serde(default)]
    pub released: Vec<String>,
}

/// Release a revision to channels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// The snap name.
    pub name: String,
    /// The revision.
    pub revision: u32,
    /// The channels.
    pub channels: Vec<String>,
}

/// A release's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Released {
    /// The snap name.
    pub name: String,
    /// The revision.
    pub revision: u32,
    /// The channels (full names).
    pub channels: Vec<String>,
}

/// Close a channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Close {
    /// The snap name.
    pub name: String,
    /// The channel.
    pub channel: String,
}

/// A close's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closed {
    /// The snap name.
    pub name: String,
    /// The channel closed (full name).
    pub channel: String,
}

/// One revision in a status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionStatus {
    /// The revision.
    pub revision: u32,
    /// Its version.
    pub version: String,
    /// Its architectures.
    pub architectures: Vec<String>,
    /// SHA3-384, hex.
    #[serde(rename = "sha3-384")]
    pub sha3_384: String,
    /// Size in bytes.
    pub size: u64,
    /// When it was uploaded.
    #[serde(rename = "created-at")]
    pub created_at: String,
}

/// One channel in a status: what a device following it gets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelStatus {
    /// The architecture.
    pub architecture: String,
    /// The channel (full name).
    pub channel: String,
    /// The revision released there, `None` if closed or never released.
    pub revision: Option<u32>,
    /// `open`, `closed`, or `tracking` (follows a more stable risk).
    pub state: String,
    /// For `tracking`: the channel it follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follows: Option<String>,
}

/// `store status NAME`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapStatus {
    /// The snap name.
    pub name: String,
    /// The snap id.
    #[serde(rename = "snap-id")]
    pub snap_id: String,
    /// The publisher.
    pub publisher: String,
    /// Revisions, newest first.
    pub revisions: Vec<RevisionStatus>,
    /// The channel map.
    #[serde(rename = "channel-map")]
    pub channel_map: Vec<ChannelStatus>,
}

/// A validation set as the store keeps it: the latest stored revision of one sequence
/// member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationSetSummary {
    /// The signing (and owning) account.
    #[serde(rename = "account-id")]
    pub account_id: String,
    /// The set's name.
    pub name: String,
    /// The sequence.
    pub sequence: u32,
    /// The assertion revision.
    pub revision: i64,
    /// The set's `timestamp`.
    pub timestamp: String,
    /// How many snaps it constrains.
    pub snaps: usize,
}

/// A pushed validation set's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationSetPushed {
    /// The set as stored.
    #[serde(flatten)]
    pub set: ValidationSetSummary,
    /// True when this very assertion was stored already (a resubmission: nothing
    /// changed).
    pub unchanged: bool,
}

/// `GET /api/v1/publisher/validation-sets`: the latest sequence of each set, by account
/// and name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationSetList {
    /// The sets.
    #[serde(rename = "validation-sets")]
    pub validation_sets: Vec<ValidationSetSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use ucore_store_client::protocol::MacaroonAuthorization;

    #[test]
    fn the_tooling_form_is_the_header_snapd_sends() {
        let c = CredentialFile {
            macaroon: "id-1".into(),
            discharges: vec!["s3cret".into()],
            store: "http://127.0.0.1:1".into(),
        };
        let raw = base64::engine::general_purpose::STANDARD
            .decode(c.tooling_auth())
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        assert_eq!(v["t"], "macaroon");
        // snapd sends `Authorization: Macaroon <v>`.
        let header = format!("Macaroon {}", v["v"].as_str().unwrap());
        let parsed = MacaroonAuthorization::parse(&header).unwrap();
        assert_eq!(parsed.root, "id-1");
        assert_eq!(parsed.discharges, ["s3cret"]);
    }
}
