//! Pushing a `.snap`: the upload is streamed into the blob store's staging area (never
//! held in memory), read with ucore-snap as snapd reads a snap file, reviewed
//! ([`super::review`]), and becomes a new revision of its snap with a `snap-revision`
//! signed by the store's authority; then it is released to the requested channels.
//!
//! An upload never replaces a revision: the same file pushed twice for a snap is
//! [`Error::Conflict`]. The blob is committed before the revision is recorded, so a
//! revision never names a missing file (a failure in between leaves at most an
//! unreferenced blob, never a broken revision).

use std::path::Path;

use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};
use ucore_assertions::Timestamp;
use ucore_snap::container::{self, ContainerError, META_FILE_LIMIT};
use ucore_snap::parse::Sanitizer;
use ucore_snap::read_info::{SnapInfo, read_info};

use super::assertions::store_assertion;
use super::channels::parse_channels;
use super::release::release_revision;
use super::review::{check_policy, review};
use crate::Error;
use crate::Store;
use crate::authority::RevisionFacts;
use crate::blobs::Staged;
use crate::channel::Channel;
use crate::db::{CredentialScope, NewRevision};
use crate::error::Cause;
use crate::publisher_api::Pushed;

/// The name an upload goes by in messages (never the server's staging path).
const UPLOAD_NAME: &str = "the uploaded snap";

/// Pushes the `.snap` that `body` streams, for a publisher `scope` acts for, and releases
/// the new revision to `release` (channel names; checked before the upload is read).
/// [`Error::TooLarge`] past `settings.max_snap_size`; [`Error::InvalidSnap`] when the
/// file is not a valid snap or the review refuses it; [`Error::Conflict`] when the snap
/// already has a revision with this file.
///
/// Counts the upload in the store's metrics, accepted (with its size) or refused.
pub async fn push<S, E>(
    store: &Store,
    scope: &CredentialScope,
    body: S,
    release: &[String],
) -> Result<Pushed, Error>
where
    S: Stream<Item = Result<Bytes, E>> + Send,
    E: Into<Cause>,
{
    let pushed = async {
        let channels = parse_channels(release)?;
        let staged = stage(store, body).await?;
        add_revision(store, scope, staged, &channels).await
    }
    .await;
    match &pushed {
        Ok(p) => store.metrics.upload_accepted(p.size),
        Err(_) => store.metrics.upload_refused(),
    }
    pushed
}

/// The staged upload, read and reviewed, becomes the next revision of its snap, released
/// to `channels`.
async fn add_revision(
    store: &Store,
    scope: &CredentialScope,
    staged: Staged,
    channels: &[Channel],
) -> Result<Pushed, Error> {
    let read = read_staged(staged.staged_path()).await?;
    let info = &read.info;

    let registered = store.db.snap_by_name(&info.name).await?;
    let snap = review(
        info,
        registered.as_ref(),
        scope,
        store.authority.account_id(),
    )?
    .clone();
    check_policy(store, info, &snap).await?;
    let sha3_384 = staged.sha3_384().to_string();
    let digest = decode_hex_digest(&sha3_384)?;
    let size = staged.size();
    let now = Timestamp::now().trunc_to_second();
    let new = NewRevision {
        snap_id: snap.snap_id.clone(),
        sha3_384: sha3_384.clone(),
        size,
        version: info.version.clone(),
        snap_type: info.snap_type().as_str().to_string(),
        architectures: info.architectures.clone(),
        base: info.base.clone(),
        confinement: info.confinement.as_str().to_string(),
        grade: grade(&read.snap_yaml).to_string(),
        epoch: serde_json::to_string(&info.epoch)
            .map_err(|e| Error::BadRequest(format!("cannot encode the epoch: {e}")))?,
        summary: info.summary.clone(),
        description: info.description.clone(),
        title: info.title.clone(),
        license: info.license.clone(),
        snap_yaml: read.snap_yaml.clone(),
        uploaded_by: match scope {
            CredentialScope::Admin => snap.publisher_id.clone(),
            CredentialScope::Publisher(p) => p.clone(),
        },
        created_at: now,
    };
    staged.commit().await?;
    let revision = store.db.add_revision(&new).await?;

    let assertion = store.authority.sign_snap_revision(
        &RevisionFacts {
            sha3_384: &digest,
            size,
            snap_id: &snap.snap_id,
            revision: revision.revision,
            developer_id: &snap.publisher_id,
        },
        now,
    )?;
    store_assertion(store, &assertion, &snap.snap_id).await?;
    tracing::info!(
        name = %snap.name,
        snap_id = %snap.snap_id,
        revision = revision.revision,
        size,
        "snap pushed"
    );
    release_revision(store, &revision, channels).await?;
    Ok(Pushed {
        name: snap.name,
        snap_id: snap.snap_id,
        revision: revision.revision,
        sha3_384,
        size,
        released: channels.iter().map(Channel::full).collect(),
    })
}

/// Streams `body` into a staging file of the blob store, hashing it as it goes.
async fn stage<S, E>(store: &Store, body: S) -> Result<Staged, Error>
where
    S: Stream<Item = Result<Bytes, E>> + Send,
    E: Into<Cause>,
{
    let mut stage = store.blobs.stage(store.settings.max_snap_size).await?;
    let mut body = std::pin::pin!(body);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| body_error(e.into(), store.settings.max_snap_size))?;
        stage.write(&chunk).await?;
    }
    stage.finish().await
}

/// A body that failed to arrive: over a length limit a layer enforces, or cut off.
fn body_error(e: Cause, limit: u64) -> Error {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e.as_ref());
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return Error::TooLarge { limit };
        }
        source = s.source();
    }
    Error::BadRequest(format!("cannot read the upload: {e}"))
}

/// A snap read from its staged file, with its `meta/snap.yaml` as text.
struct ReadSnap {
    info: ucore_snap::Info,
    snap_yaml: String,
}

/// Reads the staged file as snapd reads a snap file (on the blocking pool): the
/// container, then `meta/snap.yaml` with the builtin interface sanitizer, validated.
async fn read_staged(path: &Path) -> Result<ReadSnap, Error> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || read_snap(&path))
        .await
        .map_err(|e| Error::io("cannot read the uploaded snap", std::io::Error::other(e)))?
}

fn read_snap(path: &Path) -> Result<ReadSnap, Error> {
    let hide = |message: String| message.replace(&path.display().to_string(), UPLOAD_NAME);
    let invalid = |e: Cause| Error::InvalidSnap {
        message: hide(e.to_string()),
        source: Some(e),
    };
    let opened = match container::open(path) {
        Ok(opened) => opened,
        Err(ContainerError::NotASnap(_)) => {
            return Err(Error::InvalidSnap {
                message: format!("{UPLOAD_NAME} is not a snap (not a squashfs image)"),
                source: None,
            });
        }
        Err(e) => return Err(invalid(e.into())),
    };
    let c = opened.container();
    let SnapInfo { info, .. } = read_info(c, Sanitizer::Builtin).map_err(|e| invalid(e.into()))?;
    let yaml = container::read_snap_yaml(c, META_FILE_LIMIT).map_err(|e| invalid(e.into()))?;
    let snap_yaml = String::from_utf8(yaml).map_err(|e| invalid(e.into()))?;
    Ok(ReadSnap { info, snap_yaml })
}

/// `grade` as snap.yaml states it at the top level (snapcraft writes it; snapd ignores
/// it): `devel`, or `stable` when it says anything else or nothing.
fn grade(snap_yaml: &str) -> &'static str {
    let stated = snap_yaml
        .lines()
        .find_map(|line| line.strip_prefix("grade:"));
    match stated.map(|v| v.trim().trim_matches(|c| c == '"' || c == '\'')) {
        Some("devel") => "devel",
        _ => "stable",
    }
}

/// The 48 bytes of a 96-digit hex SHA3-384.
fn decode_hex_digest(hex: &str) -> Result<[u8; 48], Error> {
    let bad = || Error::assertion("invalid blob digest", format!("{hex:?} is not a SHA3-384"));
    let bytes = hex.as_bytes();
    if bytes.len() != 96 {
        return Err(bad());
    }
    let mut out = [0u8; 48];
    for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let text = std::str::from_utf8(pair).map_err(|_| bad())?;
        *o = u8::from_str_radix(text, 16).map_err(|_| bad())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_is_read_from_the_top_level_only() {
        assert_eq!(grade("name: a\ngrade: devel\n"), "devel");
        assert_eq!(grade("name: a\ngrade: 'devel'\n"), "devel");
        assert_eq!(grade("name: a\ngrade: stable\n"), "stable");
        assert_eq!(grade("name: a\napps:\n  x:\n    grade: devel\n"), "stable");
        assert_eq!(grade("name: a\n"), "stable");
    }

    #[test]
    fn hex_digests_decode_strictly() {
        let d = ucore_snap::digest::digest_bytes(b"snap");
        assert_eq!(decode_hex_digest(&d.sha3_384_hex()).unwrap(), d.sha3_384);
        assert!(decode_hex_digest("00").is_err());
        assert!(decode_hex_digest(&"zz".repeat(48)).is_err());
        assert!(decode_hex_digest(&"é".repeat(48)).is_err());
    }

    #[test]
    fn a_length_limit_is_too_large_and_other_body_errors_are_bad_requests() {
        use http_body_util::BodyExt as _;
        let body = http_body_util::Limited::new(http_body_util::Full::new(Bytes::from("abc")), 1);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let limited: Cause = rt.block_on(body.collect()).unwrap_err();
        assert!(matches!(
            body_error(limited, 7),
            Error::TooLarge { limit: 7 }
        ));
        let cut: Cause = "connection reset".into();
        assert_eq!(
            body_error(cut, 7).to_string(),
            "cannot read the upload: connection reset"
        );
    }
}
