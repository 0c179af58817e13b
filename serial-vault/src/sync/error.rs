//! Why a sync step failed: [`SyncError`], each text naming the bundle, the vault and the
//! sequence at fault. Wrapped by [`crate::Error::Sync`].

use thiserror::Error;

use crate::vault::names::NameError;

/// A sync identity, export or import error.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SyncError {
    /// A vault id snapd's account-id rules refuse (vault ids name files and bundles).
    #[error("invalid vault id: {0}")]
    VaultId(#[source] NameError),
    /// This vault has no sync identity yet.
    #[error("this vault has no sync identity: run `vault sync init --vault-id ID` first")]
    NoIdentity,
    /// `sync init` on a vault that already has an identity.
    #[error("this vault already has the sync identity {vault_id} (key {key_id})")]
    AlreadyInitialised {
        /// Its vault id.
        vault_id: String,
        /// Its sync key's id.
        key_id: String,
    },
    /// A factory is already trusted with another key.
    #[error("factory {factory} is already trusted with key {trusted}, not {key_id}")]
    FactoryKeyChanged {
        /// The factory's vault id.
        factory: String,
        /// The key already registered.
        trusted: String,
        /// The key offered now.
        key_id: String,
    },
    /// A vault may not trust itself nor export to itself.
    #[error("vault {vault_id} cannot sync with itself")]
    SelfSync {
        /// The vault id.
        vault_id: String,
    },
    /// A sync key below 2048 bits.
    #[error("sync key {key_id} has {bits} bits: sync keys must have at least 2048 bits")]
    WeakKey {
        /// The key id.
        key_id: String,
        /// Its size.
        bits: usize,
    },
    /// A public key that does not parse.
    #[error("cannot read the public key of factory {factory}: {source}")]
    PublicKey {
        /// The factory's vault id.
        factory: String,
        /// The parser's error.
        #[source]
        source: Box<ucore_signing::KeyError>,
    },
    /// `--max-rows` of 0, or above [`super::bundle::MAX_ROWS`].
    #[error("rows per bundle must be in 1..={max}, not {given}")]
    MaxRows {
        /// The value given.
        given: usize,
        /// The largest allowed.
        max: usize,
    },
    /// A bundle could not be signed.
    #[error("cannot sign bundle {sequence} for {to}: {source}")]
    Sign {
        /// The receiving vault.
        to: String,
        /// The bundle's sequence.
        sequence: u64,
        /// The signer's error.
        #[source]
        source: Box<ucore_signing::Error>,
    },
    /// `--sequence N` names no recorded export.
    #[error("no bundle {sequence} was exported to {to}")]
    NoSuchExport {
        /// The receiving vault.
        to: String,
        /// The sequence asked for.
        sequence: u64,
    },
    /// A rebuilt bundle does not match the digest recorded when it was first exported (the
    /// signing log's rows or the sync key changed since).
    #[error(
        "bundle {sequence} for {to} no longer rebuilds to its recorded digest (the signing log \
         or the sync key changed since it was exported)"
    )]
    RebuildMismatch {
        /// The receiving vault.
        to: String,
        /// The sequence.
        sequence: u64,
    },
    /// Another export recorded this sequence first.
    #[error("bundle {sequence} for {to} was recorded by a concurrent export: run export again")]
    ConcurrentExport {
        /// The receiving vault.
        to: String,
        /// The sequence.
        sequence: u64,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A bundle over [`super::bundle::MAX_BUNDLE_BYTES`].
    #[error("bundle {bundle}: {size} bytes, more than the {limit} a bundle may have")]
    TooLarge {
        /// The bundle (its file name).
        bundle: String,
        /// Its size (or a lower bound).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A bundle that is not laid out as one (magic line, body line, signature).
    #[error("bundle {bundle} is malformed: {reason}")]
    Malformed {
        /// The bundle.
        bundle: String,
        /// What is wrong.
        reason: String,
    },
    /// A bundle whose body is not the JSON of a bundle.
    #[error("bundle {bundle} has an invalid body: {source}")]
    Body {
        /// The bundle.
        bundle: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A bundle format version this vault does not read.
    #[error("bundle {bundle} has format {format}; this vault reads format {supported}")]
    Format {
        /// The bundle.
        bundle: String,
        /// Its format.
        format: u32,
        /// The one supported.
        supported: u32,
    },
    /// A bundle meant for another vault.
    #[error("bundle {bundle} from {from} is for vault {to}, not for this vault {this}")]
    WrongVault {
        /// The bundle.
        bundle: String,
        /// Its sender.
        from: String,
        /// Its receiver.
        to: String,
        /// This vault's id.
        this: String,
    },
    /// A bundle from a factory this vault does not trust.
    #[error(
        "bundle {bundle} is from {from}, a factory this vault does not trust (`vault sync trust`)"
    )]
    UnknownFactory {
        /// The bundle.
        bundle: String,
        /// Its sender.
        from: String,
    },
    /// A bundle signed by another key than the factory's.
    #[error(
        "bundle {bundle} from {from} is signed by key {key_id}, but {from} is trusted with key {trusted}"
    )]
    WrongKey {
        /// The bundle.
        bundle: String,
        /// Its sender.
        from: String,
        /// The key it names.
        key_id: String,
        /// The factory's registered key.
        trusted: String,
    },
    /// A bundle whose signature does not verify (tampered with).
    #[error("bundle {bundle} from {from}, sequence {sequence}: bad signature: {source}")]
    Signature {
        /// The bundle.
        bundle: String,
        /// Its sender.
        from: String,
        /// Its sequence.
        sequence: u64,
        /// The verifier's error.
        #[source]
        source: Box<ucore_signing::KeyError>,
    },
    /// A bundle whose content contradicts itself.
    #[error("bundle {bundle} from {from}, sequence {sequence}: {reason}")]
    Inconsistent {
        /// The bundle.
        bundle: String,
        /// Its sender.
        from: String,
        /// Its sequence.
        sequence: u64,
        /// What is wrong.
        reason: String,
    },
    /// A bundle already imported (a replay): nothing changed.
    #[error("bundle {bundle} from {from}, sequence {sequence}: already imported; nothing changed")]
    AlreadyImported {
        /// The bundle.
        bundle: String,
        /// Its sender.
        from: String,
        /// Its sequence.
        sequence: u64,
    },
    /// A sequence already imported, but with other content: the factory's log forked
    /// (a database restored from a backup, a second factory with the same identity).
    #[error(
        "bundle {bundle} from {from}, sequence {sequence}: differs from the bundle {sequence} \
         already imported (the factory's signing log forked)"
    )]
    Forked {
        /// The bundle.
        bundle: String,
        /// Its sender.
        from: String,
        /// Its sequence.
        sequence: u64,
    },
    /// A bundle that skips ahead: an earlier one is missing.
    #[error("bundle {bundle} from {from}, sequence {sequence}: bundle {expected} expected")]
    Gap {
        /// The bundle.
        bundle: String,
        /// Its sender.
        from: String,
        /// Its sequence.
        sequence: u64,
        /// The next sequence this vault takes from that factory.
        expected: u64,
    },
    /// A bundle that does not continue the chain of those imported before it.
    #[error(
        "bundle {bundle} from {from}, sequence {sequence}: does not follow bundle {previous} ({reason})"
    )]
    Chain {
        /// The bundle.
        bundle: String,
        /// Its sender.
        from: String,
        /// Its sequence.
        sequence: u64,
        /// The last imported sequence.
        previous: u64,
        /// What does not match.
        reason: &'static str,
    },
}

impl SyncError {
    /// [`SyncError::Malformed`].
    pub(crate) fn malformed(bundle: &str, reason: impl Into<String>) -> Self {
        SyncError::Malformed {
            bundle: bundle.to_string(),
            reason: reason.into(),
        }
    }

    /// [`SyncError::File`].
    pub(crate) fn file(path: &std::path::Path, source: std::io::Error) -> Self {
        SyncError::File {
            path: path.display().to_string(),
            source,
        }
    }
}

impl From<SyncError> for crate::Error {
    fn from(e: SyncError) -> Self {
        crate::Error::Sync(Box::new(e))
    }
}
