//! The pieces of OpenPGP packet syntax the secret-key files need beyond what
//! `ucore_assertions::openpgp` provides: MPI and new-format header writers, and the v1
//! wrapper. A leaf: it knows no key type (the keys build on it, not the other way round).

use ucore_assertions::openpgp;

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

/// `decodeV1` up to the packet bytes, with snapd's messages.
pub(crate) fn decode_v1(
    text: &[u8],
    kind: openpgp::DataKind,
) -> Result<Vec<u8>, openpgp::PacketError> {
    openpgp::v1::decode_v1_bytes(text, kind)
}

/// `encodeV1`: standard base64 of `0x01 ‖ packet` in 76-column lines.
pub(crate) fn encode_v1(packet: &[u8]) -> String {
    openpgp::encode_v1(packet)
}

#[cfg(test)]
mod tests {
    use super::*;

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
