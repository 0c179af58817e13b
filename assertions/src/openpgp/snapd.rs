//! snapd's entry points on top of the packets: `decodeSignature`,
//! `DecodePublicKey`, `EncodePublicKey`, `EncodeDigest`.

use base64::Engine as _;

use super::error::{DataKind, PacketError};
use super::packet::{Packet, decode_v1, decode_v1_extended};
use super::public_key::PublicKey;
use super::signature::Signature;
use super::v1::encode_v1;

/// Decodes an assertion signature (v1 text), as snapd's `decodeSignature`:
/// the v1 checks, then `expected signature, got instead: %T`.
pub fn decode_signature(text: &[u8]) -> Result<Signature, PacketError> {
    match decode_v1(text, DataKind::Signature)? {
        Packet::Signature(sig) => Ok(sig),
        other => Err(PacketError::ExpectedSignature {
            go_type: other.go_type(),
        }),
    }
}

/// Decodes a public key (an account-key body, a `device-key` header), as
/// snapd's `DecodePublicKey`: RSA only. The key is returned as written;
/// [`PublicKey::key_id`] normalizes it.
pub fn decode_public_key(text: &[u8]) -> Result<PublicKey, PacketError> {
    let key = expect_public_key(decode_v1(text, DataKind::PublicKey)?)?;
    if key.rsa().is_none() {
        return Err(PacketError::ExpectedRsaPublicKey {
            go_type: key.material().go_type(),
        });
    }
    Ok(key)
}

/// Like [`decode_public_key`] but also accepts Ed25519 keys (this crate's
/// extension; snapd refuses them). Other non-RSA keys are still refused.
pub fn decode_public_key_extended(text: &[u8]) -> Result<PublicKey, PacketError> {
    let key = expect_public_key(decode_v1_extended(text, DataKind::PublicKey)?)?;
    if key.rsa().is_none() && key.ed25519().is_none() {
        return Err(PacketError::ExpectedRsaPublicKey {
            go_type: key.material().go_type(),
        });
    }
    Ok(key)
}

fn expect_public_key(packet: Packet) -> Result<PublicKey, PacketError> {
    match packet {
        Packet::PublicKey(key) => Ok(key),
        other => Err(PacketError::ExpectedPublicKey {
            go_type: other.go_type(),
        }),
    }
}

/// snapd's `EncodePublicKey`: the v1 text of the key's canonical packet
/// (creation time 2016-01-01, minimal MPIs, `0xC6` header) — an account-key body.
pub fn encode_public_key(key: &PublicKey) -> String {
    encode_v1(&key.canonical().to_bytes())
}

/// snapd's `EncodeDigest`: unpadded base64url of `digest`, for `sha512` or
/// `sha3-384`, checking its length.
pub fn encode_digest(hash: &str, digest: &[u8]) -> Result<String, PacketError> {
    let (name, expected) = match hash {
        "sha512" => ("sha512", 64),
        "sha3-384" => ("sha3-384", 48),
        other => {
            return Err(PacketError::UnsupportedDigestHash {
                hash: other.to_owned(),
            });
        }
    };
    if digest.len() != expected {
        return Err(PacketError::DigestLength {
            hash: name,
            expected,
            actual: digest.len(),
        });
    }
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_errors() {
        assert_eq!(
            encode_digest("md5", &[]).unwrap_err().to_string(),
            "unsupported hash"
        );
        assert_eq!(
            encode_digest("sha512", &[0; 48]).unwrap_err().to_string(),
            "hash digest by sha512 should be 64 bytes"
        );
        assert_eq!(
            encode_digest("sha3-384", &[0; 64]).unwrap_err().to_string(),
            "hash digest by sha3-384 should be 48 bytes"
        );
        assert_eq!(encode_digest("sha3-384", &[0xFF; 48]).unwrap().len(), 64);
        assert_eq!(
            encode_digest("sha512", &[0xFB; 64]).unwrap(),
            "-_v7".repeat(21) + "-w"
        );
    }
}
