//! Where a seed's snaps and assertions come from: a store ([`StoreSource`]) or a directory
//! ([`DirectorySource`]). Both answer the same three questions: an assertion by reference
//! (or the member of a sequence), which revision of each snap of a round to take, and its
//! file, copied into staging with its digest taken on the way.
//!
//! [`StoreSource`]: super::store::StoreSource
//! [`DirectorySource`]: super::directory::DirectorySource

use std::future::Future;
use std::path::{Path, PathBuf};

use thiserror::Error;
use ucore_assertions::{Assertion, AssertionType};
use ucore_store_client::protocol::Download;

use super::download::FileDigest;
use super::fetcher::Ref;
use crate::fsio::IoError;
use crate::progress::Progress;
use crate::snaps::{PlannedSnap, SeedSnap};

/// Why a source could not answer.
#[derive(Debug, Error)]
pub enum SourceError {
    /// The store failed (transport, status, its own error text).
    #[error(transparent)]
    Store(Box<ucore_store_client::Error>),
    /// The store credential is in none of the forms snapd's tooling reads.
    #[error("invalid auth credentials: not a recognizable format")]
    Credential,
    /// The store refused the snap (not found, no such revision or channel); snapd's
    /// `cannot download snap "NAME": …`.
    #[error("cannot download snap {name:?}: {source}")]
    Refused {
        /// The snap.
        name: String,
        /// The store's reason.
        #[source]
        source: ucore_store_client::SnapError,
    },
    /// The store's answer has no result for a snap it was asked for (snapd 2.57 panics).
    #[error("cannot download snap {name:?}: the store's answer has no result for it")]
    MissingResult {
        /// The snap.
        name: String,
    },
    /// The store's result for a snap is not usable.
    #[error("cannot download snap {name:?}: invalid store result: {detail}")]
    BadResult {
        /// The snap.
        name: String,
        /// What is wrong.
        detail: String,
    },
    /// The directory has no snap-declaration naming the snap.
    #[error("cannot find snap {name:?} in {dir:?}: no snap-declaration names it")]
    NoDeclaration {
        /// The snap.
        name: String,
        /// The directory.
        dir: PathBuf,
    },
    /// Two snap-declarations of the directory name the snap.
    #[error(
        "cannot find snap {name:?} in {dir:?}: snap-declarations of {first} and {second} both name it"
    )]
    AmbiguousDeclaration {
        /// The snap.
        name: String,
        /// The directory.
        dir: PathBuf,
        /// One snap-id.
        first: String,
        /// Another.
        second: String,
    },
    /// No snap file of the directory is a revision the directory's assertions describe.
    #[error("cannot find snap {name:?} in {dir:?}: no file matches a snap-revision of {snap_id}{}", pinned.map(|r| format!(" at revision {r}")).unwrap_or_default())]
    NoFile {
        /// The snap.
        name: String,
        /// Its snap-id.
        snap_id: String,
        /// The revision a validation set pins, if any.
        pinned: Option<i32>,
        /// The directory.
        dir: PathBuf,
    },
    /// An assertion file of the directory does not decode.
    #[error("cannot read assertions from {path:?}: {source}")]
    BadAssertions {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<ucore_assertions::Error>,
    },
    /// A file could not be read, written or listed.
    #[error(transparent)]
    Io(#[from] IoError),
}

impl From<ucore_store_client::Error> for SourceError {
    fn from(e: ucore_store_client::Error) -> Self {
        SourceError::Store(Box::new(e))
    }
}

impl SourceError {
    /// An I/O error on `path`.
    pub fn io(op: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let at = IoError::at(op, path);
        move |source| SourceError::Io(at(source))
    }
}

/// Where a resolved snap's file is.
#[derive(Debug, Clone)]
pub enum Locator {
    /// A store download.
    Download(Download),
    /// A file already copied into staging (its digest taken then).
    Staged {
        /// The staged copy.
        path: PathBuf,
        /// Its digest, taken during the copy.
        digest: FileDigest,
    },
}

/// A snap of a round as the source resolved it, before its file is fetched.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The snap name.
    pub name: String,
    /// Its snap-id.
    pub snap_id: String,
    /// The revision chosen.
    pub revision: i32,
    /// The channel the store redirects the snap to, if it does.
    pub redirect_channel: Option<String>,
    /// The file's expected size.
    pub size: u64,
    /// The file's expected SHA3-384 (base64url, as `snap-sha3-384`).
    pub sha3_384: String,
    /// The store's contact for the snap.
    pub contact: Option<String>,
    /// The store's `private` flag.
    pub private: bool,
    /// Where its file is.
    pub locator: Locator,
}

/// A source of snaps and assertions. The futures are `Send` so that a build can run on
/// any runtime thread.
pub trait Source: Sync {
    /// The assertion `reference` names; `None` when the source does not have it.
    fn assertion(
        &self,
        reference: &Ref,
    ) -> impl Future<Output = Result<Option<Assertion>, SourceError>> + Send;

    /// The member of the sequence `key` (the primary key without its sequence) at
    /// `sequence`, or the latest one; `None` when the source does not have it.
    fn sequence_assertion(
        &self,
        t: AssertionType,
        key: &[&str],
        sequence: Option<i64>,
    ) -> impl Future<Output = Result<Option<Assertion>, SourceError>> + Send;

    /// The revisions to take for the snaps of a round (in the round's order);
    /// `fetched` are the snaps already gathered (the store's request context).
    fn resolve(
        &self,
        round: &[PlannedSnap],
        fetched: &[SeedSnap],
    ) -> impl Future<Output = Result<Vec<Resolved>, SourceError>> + Send;

    /// Brings the file of `snap` to `dest` (a new file in staging), its digest taken
    /// while it is written, reporting bytes to `progress` as `what`.
    fn fetch(
        &self,
        snap: &Resolved,
        dest: &Path,
        progress: &dyn Progress,
        what: &str,
    ) -> impl Future<Output = Result<FileDigest, SourceError>> + Send;

    /// Whether files come over the network (a download cache helps).
    fn is_remote(&self) -> bool;
}
