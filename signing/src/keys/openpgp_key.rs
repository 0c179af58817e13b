//! The canonical OpenPGP v4 public-key packet snapd derives key ids from (spec §3.2), and
//! the pieces of packet syntax the secret-key files share with it.
//!
//! Once `ucore_assertions::openpgp` exposes the same encoding, [`key_id`] is cross-checked
//! against it in the tests.

use base64::Engine as _;
use sha3::Digest as _;

use super::rsa::RsaPublicKey;

/// Creation time every snapd key packet carries: 2016-01-01T00:00:00Z.
pub const SNAPD_KEY_CREATION_TIME: u32 = 0x5685_C180;

/// Appends an OpenPGP MPI (bit count, then minimal big-endian bytes).
pub(crate) fn push_mpi(out: &mut Vec<u8>, bytes: &[u8]) {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let bytes = &bytes[first..];
    let bits = match bytes.first() {
        None => 0,
        Some(&top) => (bytes.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
    };
    out.extend_from_slice(&(bits as u16).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Appends a new-format packet header for `tag` and a body of `len` bytes.
pub(crate) fn push_new_header(out: &mut Vec<u8>, tag: u8, len: usize) {
    out.push(0xC0 | tag);
    if len < 192 {
        out.push(len as u8);
    } else if len < 8384 {
        let l = len - 192;
        out.push(((l >> 8) + 192) as u8);
        out.push((l & 0xff) as u8);
    } else {
        out.push(0xFF);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
}

/// The body of the v4 RSA public-key packet: version, creation time, algorithm 1, n, e.
pub(crate) fn public_key_body(key: &RsaPublicKey) -> Vec<u8> {
    let mut body = Vec::with_capacity(key.size() + 16);
    body.push(4);
    body.extend_from_slice(&SNAPD_KEY_CREATION_TIME.to_be_bytes());
    body.push(1);
    push_mpi(&mut body, key.n());
    push_mpi(&mut body, key.e());
    body
}

/// The full packet (tag 6, new format).
pub(crate) fn public_key_packet(key: &RsaPublicKey) -> Vec<u8> {
    let body = public_key_body(key);
    let mut out = Vec::with_capacity(body.len() + 6);
    push_new_header(&mut out, 6, body.len());
    out.extend_from_slice(&body);
    out
}

/// snapd's key id: unpadded base64url of SHA3-384(0x01 ‖ packet).
pub(crate) fn key_id(key: &RsaPublicKey) -> String {
    let mut h = sha3::Sha3_384::new();
    h.update([1u8]);
    h.update(public_key_packet(key));
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(h.finalize())
}

/// `encodeV1`: standard base64 of `0x01 ‖ packet`, 76-column lines joined by `\n`, no final
/// newline.
pub(crate) fn encode_v1(packet: &[u8]) -> String {
    let mut raw = Vec::with_capacity(packet.len() + 1);
    raw.push(1);
    raw.extend_from_slice(packet);
    let b64 = base64::engine::general_purpose::STANDARD.encode(&raw);
    let mut out = String::with_capacity(b64.len() + b64.len() / 76 + 1);
    for (i, chunk) in b64.as_bytes().chunks(76).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // base64 output is ASCII, chunks are valid UTF-8
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
    }
    out
}

/// The account-key body snapd writes for a key (`asserts.EncodePublicKey`).
pub fn encode_public_key(key: &RsaPublicKey) -> String {
    encode_v1(&public_key_packet(key))
}

/// `decodeV1` up to the packet bytes: base64 (ignoring `\r`/`\n`), the version byte.
/// `what` names the thing for snapd's messages (`signature`, `public key`, `private key`).
pub(crate) fn decode_v1(text: &[u8], what: &'static str) -> Result<Vec<u8>, crate::Error> {
    use crate::Error;
    if text.is_empty() {
        return Err(Error::DecodeV1 {
            what,
            reason: "no data".into(),
        });
    }
    let clean: Vec<u8> = text
        .iter()
        .copied()
        .filter(|&b| b != b'\n' && b != b'\r')
        .collect();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(&clean)
        .map_err(|e| Error::DecodeV1 {
            what,
            reason: e.to_string(),
        })?;
    match raw.split_first() {
        None => Err(Error::DecodeV1 {
            what,
            reason: "base64 without data".into(),
        }),
        Some((1, rest)) => Ok(rest.to_vec()),
        Some((v, _)) => Err(Error::UnsupportedFormatVersion { what, version: *v }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oracle_key_ids() {
        // `snapd-oracle keyid` of the selfmade test keys.
        assert_eq!(
            crate::test_keys::acme().key_id(),
            "dKgGLvNmYhvRaJM33UC9mpIVjQvGqdmwzpKv85BOrpO7QhXgYetYUCKYYf8-V6E6"
        );
    }

    #[test]
    fn header_lengths() {
        for (len, want) in [
            (10usize, vec![0xC6, 10]),
            (530, vec![0xC6, 0xC1, 0x52]),
            (9000, vec![0xC6, 0xFF, 0, 0, 0x23, 0x28]),
        ] {
            let mut v = Vec::new();
            push_new_header(&mut v, 6, len);
            assert_eq!(v, want);
        }
    }

    #[test]
    fn v1_round_trip() {
        let text = encode_v1(&[9u8; 100]);
        assert!(text.lines().all(|l| l.len() <= 76));
        assert_eq!(
            decode_v1(text.as_bytes(), "public key").unwrap(),
            vec![9u8; 100]
        );
        assert!(decode_v1(b"", "public key").is_err());
        assert!(decode_v1(b"AA==", "public key").is_err());
    }
}
