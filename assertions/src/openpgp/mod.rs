//! The OpenPGP wire format of snapd assertions: signatures, public keys and
//! key ids, without any RSA arithmetic.
//!
//! snapd stores OpenPGP packets (RFC 4880) in its "v1" wrapper — base64 of
//! `0x01 ‖ packet` — as assertion signatures, account-key bodies and
//! `device-key` headers. This module reads and writes those packets byte for
//! byte as snapd (through `golang.org/x/crypto/openpgp/packet`) does, and gives
//! a signer or verifier the exact bytes to hash; the RSA operations themselves
//! live in the signing crate.
//!
//! Computing the key id of an account-key body (its `public-key-sha3-384`):
//!
//! ```
//! use ucore_assertions::openpgp::{decode_public_key, encode_public_key};
//!
//! // The body of an account-key assertion (an RSA-2048 key).
//! let body = "\
//! AcbATQRWhcGAAQgAxNJ6/Im3VFsq79EdMbsF5i2PemUZNO4F92mXprdxJ68GpGE87e7W8zhh3QUh
//! EHE4nx0ubO8a5yj3yzMSwBXjcod+aX02vo/8x7IbN3if0o7QAQ0AUtLdWCCEyGsKzW/3/oe5FIW5
//! Izl/L10r2lhAYD03JfHXbh6vRrkN8IA7JXXxbVao3PsOiiMWmLOZ6OsHfGCg8ZP1fJqdUihci01e
//! pVs6oPuUUWz7IKPV7KNrf2JHDEokc+/lc7FdLwZ9V3wR5TmJe0/t5T6b6Iedu0CFd1AVKvESG3S9
//! Dj7uF6r87JE6EQDFf6RC92VM1MCZLX5/HLknGhhfXl/QZcB4mPrnswARAQAB";
//!
//! let key = decode_public_key(body.as_bytes())?;
//! assert_eq!(
//!     key.key_id().as_str(),
//!     "dKgGLvNmYhvRaJM33UC9mpIVjQvGqdmwzpKv85BOrpO7QhXgYetYUCKYYf8-V6E6"
//! );
//! assert_eq!(key.rsa().map(|k| k.bits()), Some(2048));
//! // snapd's own encoding of a key is canonical: it gives the body back.
//! assert_eq!(encode_public_key(&key), body);
//! # Ok::<(), ucore_assertions::openpgp::PacketError>(())
//! ```
//!
//! The parts, from the outside in:
//! * [`v1`]: the base64 wrapper ([`encode_v1`], and Go-compatible decoding);
//! * [`decode_v1`] in `packet`: one [`Packet`] with snapd's six checks;
//! * `framing`: packet headers, all length forms, and how much input Go reads;
//! * [`Signature`] (v4) with its [`Subpacket`]s, [`PublicKey`] (v4) with
//!   [`RsaKeyMaterial`] or, as an extension snapd does not accept,
//!   [`Ed25519PublicKey`]; packets snapd only refuses ([`SignatureV3`], …);
//! * snapd's entry points: [`decode_signature`], [`decode_public_key`],
//!   [`encode_public_key`], [`encode_digest`], and [`KeyId`].
//!
//! Every error is a [`PacketError`] whose text is snapd's.

mod error;
mod framing;
mod legacy;
mod mpi;
mod packet;
mod public_key;
mod signature;
mod snapd;
pub mod v1;

pub use error::{CheckedSubpacket, DataKind, PacketError};
pub use legacy::{PublicKeyV3, SignatureV3, UserId};
pub use mpi::Mpi;
pub use packet::{Packet, decode_v1, decode_v1_extended};
pub use public_key::{
    ED25519_OID, Ed25519PublicKey, KeyId, PublicKey, PublicKeyAlgorithm, PublicKeyMaterial,
    RsaKeyMaterial, SNAPD_KEY_CREATION_TIME, TAG_PUBLIC_KEY, TAG_PUBLIC_SUBKEY,
};
pub use signature::{
    HashAlgorithm, MAX_EMBEDDED_DEPTH, SUBPACKET_CREATION_TIME, SUBPACKET_ISSUER,
    SUBPACKET_ISSUER_FINGERPRINT, Signature, SignatureValue, Subpacket, TAG_SIGNATURE,
};
pub use snapd::{
    decode_public_key, decode_public_key_extended, decode_signature, encode_digest,
    encode_public_key,
};
pub use v1::encode_v1;
