//! The crate's error type. Where snapd has a message, `Display` prints snapd's text exactly.

use std::path::PathBuf;

use crate::goquote::quote;
use crate::hash::HashAlgorithm;

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

/// Everything that can go wrong in ucore-signing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- keys ----
    /// A PEM or DER key could not be decoded.
    #[error("cannot decode key: {reason}")]
    Pem {
        /// What the decoder said.
        reason: String,
    },
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
        reason: String,
    },
    /// Key generation failed.
    #[error("cannot generate key: {reason}")]
    KeyGeneration {
        /// Details.
        reason: String,
    },
    /// A signer failed to produce a signature.
    #[error("cannot sign assertion: {reason}")]
    Signing {
        /// Details.
        reason: String,
    },
    /// OpenPGP wire errors with snapd's texts (`cannot decode signature: …`, `expected
    /// signature, got instead: …`, …).
    #[error(transparent)]
    Packet(#[from] ucore_assertions::openpgp::PacketError),
    /// Assertion format errors with snapd's texts.
    #[error(transparent)]
    Assertion(#[from] ucore_assertions::Error),
    /// Bytes left after the one packet of a v1 blob.
    #[error("{what} has spurious trailing data")]
    SpuriousTrailingData {
        /// `signature`, `public key` or `private key`.
        what: &'static str,
    },

    /// snapd's `checkHeaders` refusal of a non-string scalar (Go `%v` of the value).
    #[error("header {}: header values must be strings or nested lists or maps with strings as the only scalars: {value}", quote(.header))]
    HeaderValueType {
        /// The header.
        header: String,
        /// The value as Go prints it (`true`, `<nil>`).
        value: String,
    },
    /// A headers JSON document that is not an object of headers.
    #[error("invalid headers JSON: {reason}")]
    InvalidHeadersJson {
        /// Details.
        reason: String,
    },

    // ---- keypair stores ----
    /// snapd: `key id is empty`.
    #[error("key id is empty")]
    KeyIdEmpty,
    /// snapd: `key id contains unexpected chars: %q`.
    #[error("key id contains unexpected chars: {}", quote(.key_id))]
    KeyIdInvalid {
        /// The offending id.
        key_id: String,
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
    /// The store root is world-writable (snapd refuses these).
    #[error("assert storage root unexpectedly world-writable: {}", .path.display())]
    WorldWritable {
        /// The directory.
        path: PathBuf,
    },
    /// A filesystem operation failed.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The store is read-only (a copied device directory opened for reading).
    #[error("{what} is read-only")]
    ReadOnly {
        /// What refused the write.
        what: &'static str,
    },

    // ---- PKCS#11 ----
    /// A PKCS#11 operation failed.
    #[error("PKCS#11: {reason}")]
    Pkcs11 {
        /// Details.
        reason: String,
    },

    // ---- signatures ----
    /// snapd: `failed signature verification: %v`.
    #[error("failed signature verification: {0}")]
    SignatureVerification(#[source] VerifyFailure),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// snapd's `asserts.IsKeyNotFound`.
    pub fn is_key_not_found(&self) -> bool {
        matches!(self, Error::KeyPairNotFound { .. })
    }
}
