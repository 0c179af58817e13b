//! The running store's shared state, handed to every handler.

use std::sync::Arc;

use crate::authority::Authority;
use crate::blobs::Blobs;
use crate::config::Settings;
use crate::db::Db;
use crate::metrics::Metrics;
use crate::session::SessionKeys;
use crate::upload_policy::UploadPolicy;

/// A store: settings, database, snap files, authority, session keys and metrics. Cheap to
/// clone (an `Arc`).
#[derive(Clone, Debug)]
pub struct Store {
    inner: Arc<Inner>,
}

/// What a [`Store`] holds.
#[derive(Debug)]
pub struct Inner {
    /// The settings.
    pub settings: Settings,
    /// The database.
    pub db: Db,
    /// The snap files.
    pub blobs: Blobs,
    /// The signing authority.
    pub authority: Authority,
    /// The device-session token keys.
    pub sessions: SessionKeys,
    /// The counters.
    pub metrics: Metrics,
    /// The interface review of uploads.
    pub policy: UploadPolicy,
}

impl Store {
    /// A store from its parts.
    pub fn from_parts(inner: Inner) -> Self {
        Store {
            inner: Arc::new(inner),
        }
    }
}

impl std::ops::Deref for Store {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}
