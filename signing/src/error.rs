//! The crate's errors, one type per concern (as rustls does): [`KeyError`] for keys and
//! signatures, [`KeypairStoreError`] for keypair stores (files, encrypted files, PKCS#11
//! tokens), [`DatabaseError`] for the trust database's rules and backstores,
//! [`HeadersError`] for headers given as JSON; [`Error`] holds any of them. Where snapd has
//! a message, `Display` prints snapd's text exactly; causes are kept as sources.

use std::path::PathBuf;

use crate::hash::HashAlgorithm;
use ucore_go_text::quote;

/// Why an RSA/OpenPGP signature did not verify. `Display` gives x/crypto's text, which snapd
/// wraps as `failed signature verification: <this>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyFailure {
    /// The first two bytes of the digest differ from the packet's hash tag.
    #[error("openpgp: invalid signature: hash tag doesn't match")]
    HashTagMismatch,
    /// The RSA PKCS#1 v1.5 check failed.
    #[error("openpgp: invalid signature: RSA verification failure")]
    RsaVerification,
    /// The signature's public-key algorithm is not the key's (RSA).
    #[error("openpgp: invalid argument: public key and signature use different algorithms")]
    AlgorithmMismatch {
        /// The signature's public-key algorithm id.
        algorithm: u8,
    },
    /// A hash x/crypto knows but this crate does not compute (MD5, RIPEMD-160). snapd's
    /// binary would panic here; we refuse.
    #[error("openpgp: unsupported feature: hash function {id}")]
    UnsupportedHash {
        /// OpenPGP hash id.
        id: u8,
    },
    /// The forced backend cannot take this key size or hash (only with
    /// [`crate::RsaBackend::Ring`]).
    #[error("ring cannot verify a {bits}-bit key with {hash:?}")]
    BackendUnsupported {
        /// The hash of the signature.
        hash: HashAlgorithm,
        /// The modulus size.
        bits: usize,
    },
    /// An Ed25519 signature did not verify (extension keys only).
    #[error("ed25519: signature verification failure")]
    Ed25519Verification,
    /// The key is not an RSA key (an Ed25519 extension key, for instance).
    #[error("openpgp: invalid argument: public key cannot verify this signature")]
    NotRsa,
}

/// Everything that can go wrong in ucore-signing: one of the concerns' errors. Functions
/// that touch one concern only return its error type; those that cross concerns (signing an
/// assertion, checking one against the database) return this.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Keys and signatures.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// Keypair stores.
    #[error(transparent)]
    KeypairStore(#[from] KeypairStoreError),
    /// The trust database.
    #[error(transparent)]
    Database(#[from] DatabaseError),
    /// Headers given as JSON.
    #[error(transparent)]
    Headers(#[from] HeadersError),
    /// Assertion format errors with snapd's texts.
    #[error(transparent)]
    Assertion(#[from] ucore_assertions::Error),
}

impl From<ucore_assertions::openpgp::PacketError> for Error {
    fn from(e: ucore_assertions::openpgp::PacketError) -> Self {
        Error::Key(KeyError::Packet(e))
    }
}

impl From<Inconsistency> for Error {
    fn from(e: Inconsistency) -> Self {
        Error::Database(DatabaseError::Inconsistent(e))
    }
}

impl From<StorageError> for Error {
    fn from(e: StorageError) -> Self {
        Error::Database(DatabaseError::Storage(e))
    }
}

/// A key encoding (PEM or DER) the RustCrypto decoders refused, or could not write.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyEncodingError {
    /// PKCS#1.
    #[error(transparent)]
    Pkcs1(#[from] rsa::pkcs1::Error),
    /// PKCS#8.
    #[error(transparent)]
    Pkcs8(#[from] rsa::pkcs8::Error),
    /// SubjectPublicKeyInfo.
    #[error(transparent)]
    Spki(#[from] rsa::pkcs8::spki::Error),
}

/// Keys and signatures: parsing, generation, signing, verification.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Text that holds no PEM block, or a malformed one.
    #[error("cannot decode key: {reason}")]
    Pem {
        /// What is wrong with the text.
        reason: &'static str,
    },
    /// A PEM or DER key could not be decoded (or encoded).
    #[error("cannot decode key: {0}")]
    Encoding(#[source] KeyEncodingError),
    /// A PEM block of a kind we do not read.
    #[error("unsupported PEM block {}: expected RSA PRIVATE KEY, PRIVATE KEY, RSA PUBLIC KEY or PUBLIC KEY", quote(.label))]
    UnsupportedPem {
        /// The block's label.
        label: String,
    },
    /// An RSA modulus outside the sizes this crate handles.
    #[error("unsupported RSA key size: {bits} bits")]
    UnsupportedKeySize {
        /// Modulus size in bits.
        bits: usize,
    },
    /// Inconsistent or malformed key material.
    #[error("invalid key: {reason}")]
    InvalidKey {
        /// Details.
        reason: &'static str,
    },
    /// An OpenPGP public key of another algorithm than RSA.
    #[error("invalid key: expected RSA public key, got instead: {algorithm}")]
    NotRsa {
        /// The key's material, as Go names its type (`*ecdsa.PublicKey`).
        algorithm: String,
    },
    /// RSA components the `rsa` crate refused.
    #[error("invalid key: {0}")]
    Components(#[source] rsa::Error),
    /// An Ed25519 public key that is not a curve point (feature `ed25519`).
    #[cfg(feature = "ed25519")]
    #[error("invalid key: {0}")]
    Ed25519Key(#[source] ed25519_dalek::SignatureError),
    /// Key generation failed.
    #[error("cannot generate key: {0}")]
    Generation(#[source] rsa::Error),
    /// ring refused to sign (ring says no more than that).
    #[error("cannot sign assertion: ring RSA signing failed")]
    RingSigning,
    /// `rsa` refused to sign.
    #[error("cannot sign assertion: {0}")]
    RsaSigning(#[source] rsa::Error),
    /// A signature asked of a backend that cannot make it.
    #[error("cannot sign assertion: {reason}")]
    SigningUnsupported {
        /// Details.
        reason: String,
    },
    /// A signer returned more bytes than its key's size.
    #[error("cannot sign assertion: signer returned {len} bytes for a {size}-byte key")]
    SignatureTooLong {
        /// Bytes returned.
        len: usize,
        /// The key size in bytes.
        size: usize,
    },
    /// A signature creation time outside the OpenPGP packet's 32 bits (before 1970 or
    /// after 2106-02-07T06:28:15Z).
    #[error("cannot sign assertion: {0}")]
    CreationTime(#[source] ucore_assertions::TimestampError),
    /// OpenPGP wire errors with snapd's texts (`cannot decode signature: …`, `expected
    /// signature, got instead: …`, …).
    #[error(transparent)]
    Packet(#[from] ucore_assertions::openpgp::PacketError),
    /// Bytes left after the one packet of a v1 blob.
    #[error("{what} has spurious trailing data")]
    SpuriousTrailingData {
        /// `signature`, `public key` or `private key`.
        what: &'static str,
    },
    /// snapd: `failed signature verification: %v`.
    #[error("failed signature verification: {0}")]
    Verification(#[source] VerifyFailure),
}

/// Filesystem trouble of a store (keypair store or backstore).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// A filesystem operation failed.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The store root is world-writable (snapd refuses these).
    #[error("assert storage root unexpectedly world-writable: {}", .path.display())]
    WorldWritable {
        /// The directory.
        path: PathBuf,
    },
    /// The store is read-only (a copied device directory opened for reading), or its lock
    /// was poisoned.
    #[error("{what} is read-only")]
    ReadOnly {
        /// What refused the write.
        what: &'static str,
    },
}

impl StorageError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StorageError::Io {
            path: path.into(),
            source,
        }
    }
}

/// Keypair stores: memory, files (snapd's `private-keys-v1`, optionally encrypted) and
/// PKCS#11 tokens.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeypairStoreError {
    /// snapd: `key id is empty`.
    #[error("key id is empty")]
    KeyIdEmpty,
    /// snapd: `key id contains unexpected chars: %q`.
    #[error("key id contains unexpected chars: {}", quote(.key_id))]
    KeyIdInvalid {
        /// The offending id.
        key_id: String,
    },
    /// A key name outside `[A-Za-z0-9._-]{1,128}` (or starting with `.` or `-`).
    #[error("invalid key: invalid key name {}", quote(.name))]
    KeyNameInvalid {
        /// The offending name.
        name: String,
    },
    /// snapd: `key pair with given key id already exists`.
    #[error("key pair with given key id already exists")]
    KeyPairExists {
        /// The id.
        key_id: String,
    },
    /// snapd: `cannot find key pair` (`asserts.IsKeyNotFound`).
    #[error("cannot find key pair")]
    KeyPairNotFound {
        /// The id looked up (or the name, for name lookups).
        key_id: String,
    },
    /// A private-key file whose contents do not decode.
    #[error("cannot decode private key: {reason}")]
    PrivateKeyFile {
        /// Details.
        reason: String,
    },
    /// An encrypted key file could not be opened: wrong passphrase or damaged file.
    #[error("cannot decrypt private key: wrong passphrase or corrupted file")]
    Decrypt,
    /// A key could not be encrypted for storage.
    #[error("cannot encrypt private key")]
    Encrypt,
    /// The manager's lock was poisoned by a panic elsewhere.
    #[error("invalid key: keypair manager lock poisoned")]
    Poisoned,
    /// A stored key that is not a valid key.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The store's files.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A PKCS#11 operation failed.
    #[cfg(feature = "pkcs11")]
    #[error("PKCS#11: {0}")]
    Pkcs11(#[source] cryptoki::error::Error),
    /// A token that does not behave as this crate needs (no modulus exposed, a poisoned
    /// session lock).
    #[error("PKCS#11: {reason}")]
    Pkcs11Token {
        /// What went wrong.
        reason: &'static str,
    },
    /// No token with this label is present.
    #[error("PKCS#11: no token labelled {label:?}")]
    NoToken {
        /// The label asked for.
        label: String,
    },
}

/// The trust database: its rules (snapd's `asserts.Database`) and its backstores.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DatabaseError {
    /// snapd `UnsupportedFormatError`.
    #[error("proposed {} assertion has format {format} but {max} is latest supported{}", quote(.assertion_type), if *.update { " (current not updated)" } else { "" })]
    UnsupportedFormat {
        /// Type name.
        assertion_type: String,
        /// The assertion's format.
        format: i64,
        /// The newest format this implementation knows.
        max: i64,
        /// Whether a current revision exists (and stays).
        update: bool,
    },
    /// No account-key with the signing key id is known.
    #[error("no matching public key {} for signature by {}", quote(.key_id), quote(.authority_id))]
    NoMatchingPublicKey {
        /// `sign-key-sha3-384`.
        key_id: String,
        /// `authority-id`.
        authority_id: String,
    },
    /// The signing key belongs to another account.
    #[error("error finding matching public key for signature: found public key {} from {} but expected it from: {authority_id}", quote(.key_id), quote(.account_id))]
    PublicKeyOfOtherAccount {
        /// `sign-key-sha3-384`.
        key_id: String,
        /// The account the key belongs to.
        account_id: String,
        /// `authority-id`.
        authority_id: String,
    },
    /// A no-authority type the database cannot check (serial-request, …).
    #[error("cannot check no-authority assertion type {}", quote(.assertion_type))]
    CannotCheckNoAuthority {
        /// Type name.
        assertion_type: String,
    },
    /// The signing key is outside its validity window at check time.
    #[error("assertion is signed with expired public key {} from {}: current time is {now} but key is valid {}", quote(.key_id), quote(.account_id), match .until { Some(u) => format!("during [{}, {u})", .since), None => format!("from {}", .since) })]
    ExpiredKey {
        /// The key id.
        key_id: String,
        /// Its account.
        account_id: String,
        /// The check time (Go RFC 3339).
        now: String,
        /// `since` (Go RFC 3339).
        since: String,
        /// `until` (Go RFC 3339), if any.
        until: Option<String>,
    },
    /// `authority-id` differs from the key's account.
    #[error("assertion authority {} does not match public key from {}", quote(.authority_id), quote(.account_id))]
    AuthorityMismatch {
        /// `authority-id`.
        authority_id: String,
        /// The key's account.
        account_id: String,
    },
    /// The account-key's `constraints` do not allow this assertion.
    #[error("assertion does not match signing constraints for public key {} from {}", quote(.key_id), quote(.account_id))]
    ConstraintsMismatch {
        /// The key id.
        key_id: String,
        /// Its account.
        account_id: String,
    },
    /// A timestamp outside the signing key's validity (Go `%q` of `time.Time`).
    #[error("{assertion_type} assertion timestamp \"{timestamp}\" outside of signing key validity (key valid since \"{since}\"{})", .until.as_ref().map(|u| format!(" until \"{u}\"")).unwrap_or_default())]
    TimestampOutsideKeyValidity {
        /// Type name.
        assertion_type: String,
        /// The timestamp, as Go's `Time.String()`.
        timestamp: String,
        /// Key `since`, as Go's `Time.String()`.
        since: String,
        /// Key `until`, as Go's `Time.String()`.
        until: Option<String>,
    },
    /// A cross-assertion consistency rule failed (snapd's `checkConsistency`).
    #[error(transparent)]
    Inconsistent(#[from] Inconsistency),
    /// The primary key is taken by a trusted or predefined assertion.
    #[error("cannot add {} assertion with primary key clashing with a {set} assertion: [{}]", quote(.assertion_type), .primary_key.join(" "))]
    PrimaryKeyClash {
        /// Type name.
        assertion_type: String,
        /// `trusted` or `predefined`.
        set: &'static str,
        /// The primary key.
        primary_key: Vec<String>,
    },
    /// snapd `RevisionError` (`IsUnaccceptedUpdate`).
    #[error("{}", revision_message(*.used, *.current))]
    Revision {
        /// The revision offered.
        used: i64,
        /// The current revision.
        current: i64,
    },
    /// snapd `NotFoundError`.
    #[error("{description} not found")]
    NotFound {
        /// `model (m; series:16 brand-id:b)` or `model assertion`.
        description: String,
    },
    /// A lookup without a full primary key.
    #[error("must provide primary key: {name}")]
    MissingPrimaryKey {
        /// The missing key.
        name: String,
    },
    /// Trusted assertions must be accounts or account-keys.
    #[error(
        "cannot predefine trusted assertions that are not account-key or account: {assertion_type}"
    )]
    InvalidTrusted {
        /// Type name.
        assertion_type: String,
    },
    /// A type with no primary key cannot be stored.
    #[error("internal error: assertion type {} has no primary key", quote(.assertion_type))]
    NoPrimaryKey {
        /// Type name.
        assertion_type: String,
    },
    /// A stored assertion that does not decode.
    #[error(transparent)]
    Assertion(#[from] ucore_assertions::Error),
    /// The backstore's files.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Headers given as JSON (`snap sign` input) that do not make an assertion.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HeadersError {
    /// snapd's `checkHeaders` refusal of a non-string scalar (Go `%v` of the value).
    #[error("header {}: header values must be strings or nested lists or maps with strings as the only scalars: {value}", quote(.header))]
    ValueType {
        /// The header.
        header: String,
        /// The value as Go prints it (`true`, `<nil>`).
        value: String,
    },
    /// Text that is not JSON.
    #[error("invalid headers JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// JSON that is not an object of headers.
    #[error("invalid headers JSON: {reason}")]
    Shape {
        /// What is wrong.
        reason: &'static str,
    },
}

fn revision_message(used: i64, current: i64) -> String {
    if used < 0 || current < 0 {
        "assertion revision is unknown".to_string()
    } else if used == current {
        format!("revision {used} is already the current revision")
    } else if used < current {
        format!("revision {used} is older than current revision {current}")
    } else {
        format!("revision {used} is more recent than current revision {current}")
    }
}

/// A cross-assertion consistency failure (snapd's `checkConsistency`), with snapd's text.
/// `subject` is snapd's description of the assertion (`account-key assertion for "acme"`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Inconsistency {
    /// The authority is not a trusted account.
    #[error("{subject} is not signed by a directly trusted authority: {authority_id}")]
    NotDirectlyTrusted {
        /// snapd's description of the assertion.
        subject: String,
        /// `authority-id`.
        authority_id: String,
    },
    /// A referenced account is missing.
    #[error("{subject} does not have a matching account assertion{}", .role.map(|r| format!(" for the {r} {}", quote(.account_id))).unwrap_or_default())]
    MissingAccount {
        /// snapd's description of the assertion.
        subject: String,
        /// `operator`, `publisher`, `developer`, or none.
        role: Option<&'static str>,
        /// The account id.
        account_id: String,
    },
    /// A referenced assertion of another type is missing.
    #[error("{subject} does not have a matching {prerequisite} assertion")]
    MissingPrerequisite {
        /// snapd's description of the assertion.
        subject: String,
        /// The missing type.
        prerequisite: &'static str,
    },
    /// A snap-revision by someone who is neither the store nor a revision authority.
    #[error("{subject} is not signed by a store: {authority_id}")]
    NotSignedByStore {
        /// snapd's description of the assertion.
        subject: String,
        /// `authority-id`.
        authority_id: String,
    },
    /// A snap-revision whose provenance/revision no revision-authority allows.
    #[error("snap-revision assertion with provenance {} for snap id {} is not signed by an authorized authority: {authority_id}", quote(.provenance), quote(.snap_id))]
    RevisionAuthority {
        /// The provenance.
        provenance: String,
        /// The snap id.
        snap_id: String,
        /// `authority-id`.
        authority_id: String,
    },
    /// Two keys of one account with the same name.
    #[error("account-key assertion for {} with ID {} has the same name {} as existing ID {}", quote(.account_id), quote(.key_id), quote(.name), quote(.existing_key_id))]
    DuplicateKeyName {
        /// The account.
        account_id: String,
        /// The new key.
        key_id: String,
        /// The shared name.
        name: String,
        /// The key already there.
        existing_key_id: String,
    },
    /// A serial signed by someone the model does not list in `serial-authority`.
    #[error("serial with authority {} different from brand {} without model assertion with serial-authority set to to allow for them", quote(.authority_id), quote(.brand_id))]
    SerialAuthority {
        /// `authority-id`.
        authority_id: String,
        /// `brand-id`.
        brand_id: String,
    },
    /// A validation whose approved snap has no declaration.
    #[error("validation assertion by snap-id {} does not have a matching snap-declaration assertion for approved-snap-id {}", quote(.snap_id), quote(.approved_snap_id))]
    MissingApprovedDeclaration {
        /// The gating snap.
        snap_id: String,
        /// The approved snap.
        approved_snap_id: String,
    },
    /// A validation not signed by the gating snap's publisher.
    #[error("validation assertion by snap {} (id {}) not signed by its publisher", quote(.snap_name), quote(.snap_id))]
    ValidationNotByPublisher {
        /// The gating snap's name.
        snap_name: String,
        /// The gating snap's id.
        snap_id: String,
    },
    /// A snap-developer signed by neither its publisher nor a trusted authority.
    #[error("snap-developer must be signed by the publisher or a trusted authority but got authority {} and publisher {}", quote(.authority_id), quote(.publisher_id))]
    SnapDeveloperAuthority {
        /// `authority-id`.
        authority_id: String,
        /// `publisher-id`.
        publisher_id: String,
    },
    /// A no-authority assertion whose signing device key cannot be found.
    #[error("{subject} does not have a matching serial assertion")]
    MissingSerial {
        /// snapd's description of the assertion.
        subject: String,
    },
}

impl Error {
    /// snapd's `asserts.IsUnaccceptedUpdate`: a revision that is not newer than the current
    /// one (callers usually treat re-adding as benign).
    pub fn is_unaccepted_update(&self) -> bool {
        matches!(self, Error::Database(e) if e.is_unaccepted_update())
    }

    /// snapd's `asserts.IsKeyNotFound`.
    pub fn is_key_not_found(&self) -> bool {
        matches!(self, Error::KeypairStore(e) if e.is_key_not_found())
    }
}

impl DatabaseError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StorageError::io(path, source).into()
    }

    /// snapd's `asserts.IsUnaccceptedUpdate`.
    pub fn is_unaccepted_update(&self) -> bool {
        matches!(
            self,
            DatabaseError::Revision { .. } | DatabaseError::UnsupportedFormat { update: true, .. }
        )
    }
}

impl KeypairStoreError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StorageError::io(path, source).into()
    }

    /// snapd's `asserts.IsKeyNotFound`.
    pub fn is_key_not_found(&self) -> bool {
        matches!(self, KeypairStoreError::KeyPairNotFound { .. })
    }
}
