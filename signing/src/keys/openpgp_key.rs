//! The canonical OpenPGP v4 public-key packet snapd derives key ids from (spec §3.2), and
//! the pieces of packet syntax the secret-key files share with it.
//!
//! The packet itself comes from `ucore_assertions::openpgp`; this module adds the header
//! and MPI writers the secret-key files need.

use ucore_assertions::openpgp;
pub use ucore_assertions::openpgp::SNAPD_KEY_CREATION_TIME;

use super::rsa::RsaPublicKey;

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

/// The snapd-canonical OpenPGP form of `key` (creation time 2016-01-01, algorithm RSA).
pub(crate) fn to_openpgp(key: &RsaPublicKey) -> openpgp::PublicKey {
    key.openpgp().clone()
}

/// The body of the v4 RSA public-key packet: version, creation time, algorithm 1, n, e.
pub(crate) fn public_key_body(key: &RsaPublicKey) -> Vec<u8> {
    to_openpgp(key).body()
}

/// snapd's key id: unpadded base64url of SHA3-384(0x01 ‖ packet).
pub(crate) fn key_id(key: &RsaPublicKey) -> String {
    to_openpgp(key).key_id().as_str().to_string()
}

/// The account-key body (or `device-key` header) snapd writes for a key
/// (`asserts.EncodePublicKey`).
pub fn encode_public_key(key: &RsaPublicKey) -> String {
    openpgp::encode_public_key(&to_openpgp(key))
}

/// `decodeV1` up to the packet bytes, with snapd's messages.
pub(crate) fn decode_v1(text: &[u8], kind: openpgp::DataKind) -> Result<Vec<u8>, crate::Error> {
    Ok(openpgp::v1::decode_v1_bytes(text, kind)?)
}

/// `encodeV1`: standard base64 of `0x01 ‖ packet` in 76-column lines.
pub(crate) fn encode_v1(packet: &[u8]) -> String {
    openpgp::encode_v1(packet)
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
        let kind = openpgp::DataKind::PublicKey;
        assert_eq!(decode_v1(text.as_bytes(), kind).unwrap(), vec![9u8; 100]);
        assert_eq!(
            decode_v1(b"", openpgp::DataKind::PrivateKey)
                .unwrap_err()
                .to_string(),
            "cannot decode private key: no data"
        );
        assert!(decode_v1(b"AA==", kind).is_err());
    }
}
