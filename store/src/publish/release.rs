//! Releasing a revision to channels, and closing a channel.

use ucore_assertions::Timestamp;

use super::channels::parse_channels;
use super::scope::managed_snap;
use crate::Error;
use crate::Store;
use crate::channel::Channel;
use crate::db::{CredentialScope, RevisionRecord};
use crate::publisher_api::{Close, Closed, Release, Released};

/// Releases `req.revision` of `req.name` to `req.channels`, for each architecture of the
/// revision. The snap must be one `scope` manages, the revision must exist, and there must
/// be at least one channel.
pub async fn release(
    store: &Store,
    scope: &CredentialScope,
    req: &Release,
) -> Result<Released, Error> {
    let snap = managed_snap(store, scope, &req.name).await?;
    let channels = parse_channels(&req.channels)?;
    if channels.is_empty() {
        return Err(Error::BadRequest("no channel to release to".to_string()));
    }
    let revision = store
        .db
        .revision(&snap.snap_id, req.revision)
        .await?
        .ok_or_else(|| {
            Error::NotFound(format!(
                "snap {:?} has no revision {}",
                req.name, req.revision
            ))
        })?;
    release_revision(store, &revision, &channels).await?;
    Ok(Released {
        name: snap.name,
        revision: revision.revision,
        channels: channels.iter().map(Channel::full).collect(),
    })
}

/// Releases a stored revision to `channels`, for each of its architectures.
pub(crate) async fn release_revision(
    store: &Store,
    revision: &RevisionRecord,
    channels: &[Channel],
) -> Result<(), Error> {
    let now = Timestamp::now().trunc_to_second();
    let snap_id = &revision.data.snap_id;
    for channel in channels {
        for arch in &revision.data.architectures {
            store
                .db
                .release(snap_id, arch, channel, revision.revision, now)
                .await?;
        }
        tracing::info!(%snap_id, revision = revision.revision, %channel, "released");
    }
    Ok(())
}

/// Closes `req.channel` of `req.name` for every architecture: devices following it move
/// to the next more stable risk (a branch has none).
pub async fn close(store: &Store, scope: &CredentialScope, req: &Close) -> Result<Closed, Error> {
    let snap = managed_snap(store, scope, &req.name).await?;
    let channel = Channel::parse(&req.channel).map_err(|e| Error::BadRequest(e.to_string()))?;
    store
        .db
        .close(&snap.snap_id, &channel, Timestamp::now().trunc_to_second())
        .await?;
    tracing::info!(snap_id = %snap.snap_id, %channel, "closed");
    Ok(Closed {
        name: snap.name,
        channel: channel.full(),
    })
}
