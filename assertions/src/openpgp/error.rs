//! [`PacketError`]: every way OpenPGP wire data can be refused.
//!
//! Where snapd (or the `golang.org/x/crypto/openpgp/packet` library it uses)
//! has a message, `Display` prints that exact text, so a decoder error can be
//! compared byte for byte with snapd's. Variants whose text is marked *ours*
//! have no snapd counterpart.

use std::fmt;

use serde::Serialize;

/// What a v1 blob holds, as snapd names it in its messages (`%s`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataKind {
    /// An assertion signature: `signature`.
    Signature,
    /// An account-key body or `device-key` header: `public key`.
    PublicKey,
    /// A private-key file of snapd's filesystem keypair manager: `private key`.
    PrivateKey,
}

impl DataKind {
    /// The word snapd uses in its messages.
    pub fn as_str(self) -> &'static str {
        match self {
            DataKind::Signature => "signature",
            DataKind::PublicKey => "public key",
            DataKind::PrivateKey => "private key",
        }
    }
}

impl fmt::Display for DataKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A signature subpacket whose fixed length x/crypto checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckedSubpacket {
    /// Signature expiration time (type 3): `expiration subpacket with bad length`.
    SignatureExpiration,
    /// Key expiration time (type 9): `key expiration subpacket with bad length`.
    KeyExpiration,
    /// Issuer key id (type 16): `issuer subpacket with bad length`.
    Issuer,
    /// Primary user id flag (type 25): `primary user id subpacket with bad length`.
    PrimaryUserId,
}

impl CheckedSubpacket {
    fn name(self) -> &'static str {
        match self {
            CheckedSubpacket::SignatureExpiration => "expiration",
            CheckedSubpacket::KeyExpiration => "key expiration",
            CheckedSubpacket::Issuer => "issuer",
            CheckedSubpacket::PrimaryUserId => "primary user id",
        }
    }
}

impl fmt::Display for CheckedSubpacket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An error decoding or encoding OpenPGP wire data.
///
/// Three layers, as in snapd:
/// * the v1 wrapper (`cannot decode %s: no data`, …, `%s has spurious trailing data`);
/// * the packet parser, whose x/crypto texts appear inside
///   [`PacketError::Decode`] (`cannot decode public key: unexpected EOF`);
/// * snapd's type checks (`expected signature, got instead: *packet.SignatureV3`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PacketError {
    // ---- v1 wrapper (snapd `decodeV1`) ----
    /// The v1 text is empty.
    #[error("cannot decode {kind}: no data")]
    NoData {
        /// What was being decoded.
        kind: DataKind,
    },
    /// The v1 text is not valid standard base64 (Go's `CorruptInputError`).
    #[error("cannot decode {kind}: illegal base64 data at input byte {offset}")]
    Base64 {
        /// What was being decoded.
        kind: DataKind,
        /// Offset of the offending byte in the text as given (line breaks included).
        offset: usize,
    },
    /// The base64 text decodes to zero bytes.
    #[error("cannot decode {kind}: base64 without data")]
    Base64WithoutData {
        /// What was being decoded.
        kind: DataKind,
    },
    /// The first decoded byte is not the v1 marker `0x01`.
    #[error("unsupported {kind} format version: {version}")]
    UnsupportedFormatVersion {
        /// What was being decoded.
        kind: DataKind,
        /// The first decoded byte.
        version: u8,
    },
    /// The packet after the v1 marker does not parse; `cause` is the packet-level error.
    #[error("cannot decode {kind}: {cause}")]
    Decode {
        /// What was being decoded.
        kind: DataKind,
        /// The packet-level error (x/crypto's text).
        cause: Box<PacketError>,
    },
    /// Bytes follow the packet.
    #[error("{kind} has spurious trailing data")]
    SpuriousTrailingData {
        /// What was being decoded.
        kind: DataKind,
    },

    // ---- snapd type checks ----
    /// A v1 signature holds another packet type (`go_type` is Go's `%T`, e.g.
    /// `*packet.SignatureV3`).
    #[error("expected signature, got instead: {go_type}")]
    ExpectedSignature {
        /// Go's name of the packet type found.
        go_type: &'static str,
    },
    /// A v1 public key holds another packet type.
    #[error("expected public key, got instead: {go_type}")]
    ExpectedPublicKey {
        /// Go's name of the packet type found.
        go_type: &'static str,
    },
    /// A v1 public key holds a non-RSA key (`go_type` e.g. `*dsa.PublicKey`).
    #[error("expected RSA public key, got instead: {go_type}")]
    ExpectedRsaPublicKey {
        /// Go's name of the key type found.
        go_type: &'static str,
    },

    // ---- digests (snapd `EncodeDigest`) ----
    /// `encode_digest` with a hash other than `sha512` / `sha3-384`.
    #[error("unsupported hash")]
    UnsupportedDigestHash {
        /// The hash name given.
        hash: String,
    },
    /// `encode_digest` with a digest of the wrong length.
    #[error("hash digest by {hash} should be {expected} bytes")]
    DigestLength {
        /// `sha512` or `sha3-384`.
        hash: &'static str,
        /// The digest size of that hash.
        expected: usize,
        /// The length given.
        actual: usize,
    },

    // ---- packet level (x/crypto texts) ----
    /// No packet at all (Go's `io.EOF`).
    #[error("EOF")]
    Eof,
    /// The data ends inside a packet (Go's `io.ErrUnexpectedEOF`).
    #[error("unexpected EOF")]
    UnexpectedEof,
    /// The first byte of a packet lacks the 0x80 bit.
    #[error("openpgp: invalid data: tag byte does not have MSB set")]
    TagWithoutMsb {
        /// The byte found.
        byte: u8,
    },
    /// A packet tag x/crypto does not know.
    #[error("openpgp: unknown packet type: {tag}")]
    UnknownPacketType {
        /// The packet tag.
        tag: u8,
    },
    /// *Ours*: a packet type x/crypto knows but this crate does not parse
    /// (encryption, compression, literal data, …). snapd would parse it and then
    /// refuse it with a type error or a parse error of its own.
    #[error("openpgp: packet type {tag} is not supported by this decoder")]
    UnsupportedPacketType {
        /// The packet tag.
        tag: u8,
    },
    /// A public-key packet with a version x/crypto does not parse.
    #[error("openpgp: unsupported feature: public key version")]
    UnsupportedPublicKeyVersion {
        /// The version byte.
        version: u8,
    },
    /// A public-key packet with an unknown algorithm.
    #[error("openpgp: unsupported feature: public key type: {algorithm}")]
    UnsupportedPublicKeyType {
        /// The algorithm byte.
        algorithm: u8,
    },
    /// RSA public exponent longer than 3 bytes.
    #[error("openpgp: unsupported feature: large public exponent")]
    LargePublicExponent {
        /// Length of the exponent in bytes.
        len: usize,
    },
    /// A v3 public key whose modulus is shorter than 8 bytes.
    #[error("openpgp: invalid data: v3 public key modulus is too short")]
    V3ModulusTooShort,
    /// Elliptic-curve OID longer than 8 bytes.
    #[error("openpgp: unsupported feature: invalid oid length: {len}")]
    InvalidOidLength {
        /// The OID length byte.
        len: u8,
    },
    /// An ECDSA/ECDH curve OID x/crypto does not know (`%x` of the OID).
    #[error("openpgp: unsupported feature: unsupported oid: {oid_hex}")]
    UnsupportedOid {
        /// The OID in lower-case hex.
        oid_hex: String,
    },
    /// An ECDSA/ECDH point that is not an uncompressed point of the curve's size.
    #[error("openpgp: unsupported feature: failed to parse EC point")]
    InvalidEcPoint,
    /// ECDH KDF parameters shorter than 3 bytes.
    #[error("openpgp: unsupported feature: Unsupported ECDH KDF length: {len}")]
    EcdhKdfLength {
        /// The length byte.
        len: u8,
    },
    /// ECDH KDF parameters whose reserved byte is not 1.
    #[error("openpgp: unsupported feature: Unsupported KDF reserved field: {reserved}")]
    EcdhKdfReserved {
        /// The reserved byte.
        reserved: u8,
    },
    /// *Ours* (extension): an EdDSA key that is not Ed25519 (OID
    /// 1.3.6.1.4.1.11591.15.1, point `0x40 ‖ 32 bytes`).
    #[error("openpgp: unsupported feature: EdDSA key is not a native Ed25519 key")]
    UnsupportedEddsaKey,
    /// A signature packet with a version other than 4 (or 2/3 for v3 packets).
    #[error("openpgp: unsupported feature: signature packet version {version}")]
    UnsupportedSignatureVersion {
        /// The version byte.
        version: u8,
    },
    /// A v3 signature whose hashed-material length byte is not 5.
    #[error("openpgp: unsupported feature: invalid hashed material length {len}")]
    InvalidHashedMaterialLength {
        /// The length byte.
        len: u8,
    },
    /// A signature by a public-key algorithm x/crypto does not verify.
    #[error("openpgp: unsupported feature: public key algorithm {algorithm}")]
    UnsupportedSignatureAlgorithm {
        /// The algorithm byte.
        algorithm: u8,
    },
    /// A signature hash algorithm x/crypto does not know. For v3 packets
    /// x/crypto prints an unrelated byte (the third issuer key-id byte); `shown`
    /// is what it prints, `algorithm` the real hash id.
    #[error("openpgp: unsupported feature: hash function {shown}")]
    UnsupportedHashFunction {
        /// The hash algorithm byte.
        algorithm: u8,
        /// The number x/crypto prints.
        shown: u8,
    },
    /// The hashed subpackets carry no creation time.
    #[error("openpgp: invalid data: no creation time in signature")]
    NoCreationTime,
    /// A creation-time subpacket in the unhashed area.
    #[error("openpgp: invalid data: signature creation time in non-hashed area")]
    UnhashedCreationTime,
    /// A creation-time subpacket that is not 4 bytes long.
    #[error("openpgp: invalid data: signature creation time not four bytes")]
    CreationTimeLength {
        /// The data length found.
        len: usize,
    },
    /// A subpacket of length 0 (no type byte).
    #[error("openpgp: invalid data: zero length signature subpacket")]
    ZeroLengthSubpacket,
    /// A subpacket whose length runs past its area.
    #[error("openpgp: invalid data: signature subpacket truncated")]
    SubpacketTruncated,
    /// A subpacket with a fixed size has another size.
    #[error("openpgp: invalid data: {subpacket} subpacket with bad length")]
    SubpacketBadLength {
        /// Which subpacket.
        subpacket: CheckedSubpacket,
        /// The data length found.
        len: usize,
    },
    /// An empty key-flags subpacket (type 27) in the hashed area.
    #[error("openpgp: invalid data: empty key flags subpacket")]
    EmptyKeyFlags,
    /// An empty reason-for-revocation subpacket (type 29) in the hashed area.
    #[error("openpgp: invalid data: empty revocation reason subpacket")]
    EmptyRevocationReason,
    /// Two embedded-signature subpackets (type 32).
    #[error("openpgp: invalid data: Cannot have multiple embedded signatures")]
    MultipleEmbeddedSignatures,
    /// An embedded signature that is not a primary-key binding (0x19).
    #[error("openpgp: invalid data: cross-signature has unexpected type {sig_type}")]
    CrossSignatureType {
        /// The embedded signature's type.
        sig_type: u8,
    },
    /// *Ours*: embedded signatures nested deeper than [`MAX_EMBEDDED_DEPTH`](crate::openpgp::MAX_EMBEDDED_DEPTH).
    #[error("openpgp: invalid data: embedded signatures nested too deeply")]
    EmbeddedSignatureTooDeep,
    /// An unknown subpacket type with the critical bit set.
    #[error(
        "openpgp: unsupported feature: unknown critical signature subpacket type {subpacket_type}"
    )]
    UnknownCriticalSubpacket {
        /// The subpacket type (critical bit removed).
        subpacket_type: u8,
    },

    // ---- encoding (ours) ----
    /// *Ours*: a multiprecision integer too long for its 16-bit bit count.
    #[error("openpgp: MPI of {len} bytes is too long")]
    MpiTooLong {
        /// Length in bytes.
        len: usize,
    },
    /// *Ours*: a subpacket area longer than 65535 bytes.
    #[error("openpgp: subpacket area of {len} bytes is too long")]
    SubpacketAreaTooLong {
        /// Length in bytes.
        len: usize,
    },
}

impl PacketError {
    /// Wraps a packet-level error the way snapd's `decodeV1` does.
    pub(crate) fn decoding(kind: DataKind, cause: PacketError) -> PacketError {
        PacketError::Decode {
            kind,
            cause: Box::new(cause),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapper_texts() {
        let k = DataKind::PublicKey;
        assert_eq!(
            PacketError::NoData { kind: k }.to_string(),
            "cannot decode public key: no data"
        );
        assert_eq!(
            PacketError::UnsupportedFormatVersion {
                kind: DataKind::Signature,
                version: 2
            }
            .to_string(),
            "unsupported signature format version: 2"
        );
        assert_eq!(
            PacketError::SpuriousTrailingData {
                kind: DataKind::Signature
            }
            .to_string(),
            "signature has spurious trailing data"
        );
        assert_eq!(
            PacketError::decoding(DataKind::PrivateKey, PacketError::UnexpectedEof).to_string(),
            "cannot decode private key: unexpected EOF"
        );
        assert_eq!(
            PacketError::SubpacketBadLength {
                subpacket: CheckedSubpacket::KeyExpiration,
                len: 3
            }
            .to_string(),
            "openpgp: invalid data: key expiration subpacket with bad length"
        );
    }
}
