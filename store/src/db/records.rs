//! The rows of the store's database, as plain data.

use serde::{Deserialize, Serialize};
use ucore_assertions::Timestamp;

/// A registered snap name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapRecord {
    /// The snap id (32 characters; unique).
    pub snap_id: String,
    /// The snap name (unique).
    pub name: String,
    /// The account that publishes it (a brand, or the store's authority).
    pub publisher_id: String,
    /// When the name was registered.
    pub registered_at: Timestamp,
}

/// A revision to add; the database allocates its number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRevision {
    /// The snap.
    pub snap_id: String,
    /// SHA3-384 of the `.snap` file, hex (the blob's name).
    pub sha3_384: String,
    /// Size of the `.snap` file in bytes.
    pub size: u64,
    /// `version` from snap.yaml.
    pub version: String,
    /// `type` from snap.yaml (`app`, `gadget`, `kernel`, `base`, `os`, `snapd`).
    pub snap_type: String,
    /// `architectures` from snap.yaml (`all` when it says so).
    pub architectures: Vec<String>,
    /// `base` from snap.yaml, empty when none.
    pub base: String,
    /// `confinement` from snap.yaml.
    pub confinement: String,
    /// `grade` from snap.yaml.
    pub grade: String,
    /// The epoch as the store sends it (`{"read": […], "write": […]}`), JSON text.
    pub epoch: String,
    /// `summary`.
    pub summary: String,
    /// `description`.
    pub description: String,
    /// `title`.
    pub title: String,
    /// `license`.
    pub license: String,
    /// The whole `meta/snap.yaml`.
    pub snap_yaml: String,
    /// Who uploaded it (an account id).
    pub uploaded_by: String,
    /// When.
    pub created_at: Timestamp,
}

/// A stored revision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionRecord {
    /// The store revision, ≥ 1, allocated per snap.
    pub revision: u32,
    /// Everything uploaded with it.
    #[serde(flatten)]
    pub data: NewRevision,
}

/// A release: a revision in a channel, for one architecture. `revision: None` marks a
/// closed channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseRecord {
    /// The snap.
    pub snap_id: String,
    /// The architecture (`amd64`, …; `all` for architecture-independent revisions).
    pub architecture: String,
    /// The track (`latest`, …).
    pub track: String,
    /// The risk (`stable`, `candidate`, `beta`, `edge`).
    pub risk: String,
    /// The branch, empty when none.
    pub branch: String,
    /// The revision, or `None` when the channel is closed.
    pub revision: Option<u32>,
    /// When it was released (or closed).
    pub released_at: Timestamp,
}

impl ReleaseRecord {
    /// The row's channel.
    pub fn channel(&self) -> crate::channel::Channel {
        crate::channel::Channel {
            track: self.track.clone(),
            risk: self.risk.clone(),
            branch: self.branch.clone(),
        }
    }

    /// A row of snap `id` at the Unix epoch, for unit tests.
    #[cfg(test)]
    pub(crate) fn for_test(architecture: &str, channel: &str, revision: Option<u32>) -> Self {
        let c = crate::channel::Channel::parse(channel).expect("a test channel parses");
        ReleaseRecord {
            snap_id: "id".into(),
            architecture: architecture.into(),
            track: c.track,
            risk: c.risk,
            branch: c.branch,
            revision,
            released_at: Timestamp::UNIX_EPOCH,
        }
    }
}

/// An assertion the store serves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssertionRecord {
    /// The type (`account`, `account-key`, `snap-declaration`, `snap-revision`, …).
    pub assertion_type: String,
    /// Its primary key, in the type's order, defaults filled in.
    pub primary_key: Vec<String>,
    /// Its revision.
    pub revision: i64,
    /// For snap-declaration and snap-revision: the snap id it is about (for visibility);
    /// empty otherwise.
    pub snap_id: String,
    /// The encoded assertion.
    pub text: String,
}

/// Who a publishing credential speaks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CredentialScope {
    /// The store's operator: may act for every publisher.
    Admin,
    /// One publisher account.
    Publisher(String),
}

/// A publishing credential: an id, and the SHA3-384 of its secret (the secret itself is
/// only in the credential file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialRecord {
    /// The credential's public id.
    pub id: String,
    /// SHA3-384 of the secret, hex.
    pub secret_sha3_384: String,
    /// Who it speaks for.
    pub scope: CredentialScope,
    /// When it was made.
    pub created_at: Timestamp,
}
