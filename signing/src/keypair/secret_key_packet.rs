//! The private-key file snapd writes and reads (`asserts/fskeypairmgr.go`): `encodeV1` of
//! an x/crypto OpenPGP v4 **secret-key packet** (tag 5, new format), creation time
//! 2016-01-01, algorithm RSA, no encryption (S2K usage 0), MPIs `d, p, q, u` and a 16-bit
//! checksum (sum of the MPI bytes mod 65536).

use zeroize::Zeroizing;

use crate::error::{KeyError, KeypairStoreError};
use crate::keys::packet::{decode_v1, encode_v1, push_mpi, push_new_header};
use crate::keys::rsa::RsaPrivateKey;

const TAG_SECRET_KEY: u8 = 5;

fn bad(reason: impl Into<String>) -> KeypairStoreError {
    KeypairStoreError::PrivateKeyFile {
        reason: reason.into(),
    }
}

/// Encodes `key` as snapd's private-key file contents (no trailing newline).
pub fn encode(key: &RsaPrivateKey) -> Result<Zeroizing<String>, KeypairStoreError> {
    let [d, p, q, u] = key.openpgp_secret_mpis()?;
    let mut secret = Zeroizing::new(Vec::new());
    for m in [&d, &p, &q, &u] {
        push_mpi(&mut secret, m);
    }
    let checksum = secret
        .iter()
        .fold(0u16, |acc, &b| acc.wrapping_add(u16::from(b)));
    let mut body = Zeroizing::new(key.public_key().openpgp().body());
    body.push(0); // S2K usage: not encrypted
    body.extend_from_slice(&secret);
    body.extend_from_slice(&checksum.to_be_bytes());
    let mut packet = Zeroizing::new(Vec::with_capacity(body.len() + 6));
    push_new_header(&mut packet, TAG_SECRET_KEY, body.len());
    packet.extend_from_slice(&body);
    Ok(Zeroizing::new(encode_v1(&packet)))
}

struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], KeypairStoreError> {
        if self.buf.len() < n {
            return Err(bad("unexpected EOF"));
        }
        let (a, b) = self.buf.split_at(n);
        self.buf = b;
        Ok(a)
    }
    fn byte(&mut self) -> Result<u8, KeypairStoreError> {
        Ok(self.take(1)?[0])
    }
    fn mpi(&mut self) -> Result<&'a [u8], KeypairStoreError> {
        let bits = u16::from_be_bytes([self.byte()?, self.byte()?]) as usize;
        self.take(bits.div_ceil(8))
    }
}

/// Reads the packet framing (new or old format) and returns the tag and body.
fn read_packet(input: &[u8]) -> Result<(u8, &[u8], &[u8]), KeypairStoreError> {
    let mut r = Reader { buf: input };
    let h = r.byte()?;
    if h & 0x80 == 0 {
        return Err(bad("openpgp: invalid data: tag byte does not have MSB set"));
    }
    let (tag, len) = if h & 0x40 != 0 {
        let tag = h & 0x3f;
        let l0 = r.byte()? as usize;
        let len = match l0 {
            0..=191 => l0,
            192..=223 => ((l0 - 192) << 8) + r.byte()? as usize + 192,
            255 => {
                let b = r.take(4)?;
                u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
            }
            _ => return Err(bad("partial body lengths are not supported")),
        };
        (tag, len)
    } else {
        let tag = (h >> 2) & 0x0f;
        let len = match h & 3 {
            0 => r.byte()? as usize,
            1 => u16::from_be_bytes([r.byte()?, r.byte()?]) as usize,
            2 => {
                let b = r.take(4)?;
                u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
            }
            _ => return Err(bad("indeterminate packet lengths are not supported")),
        };
        (tag, len)
    };
    let body = r.take(len)?;
    Ok((tag, body, r.buf))
}

/// Decodes snapd's private-key file contents.
pub fn decode(text: &[u8]) -> Result<RsaPrivateKey, KeypairStoreError> {
    let packet = Zeroizing::new(
        decode_v1(text, ucore_assertions::openpgp::DataKind::PrivateKey)
            .map_err(KeyError::Packet)?,
    );
    let (tag, body, rest) = read_packet(&packet)?;
    if tag != TAG_SECRET_KEY {
        return Err(bad(format!(
            "expected private key, got instead a packet with tag {tag}"
        )));
    }
    if !rest.is_empty() {
        return Err(KeyError::SpuriousTrailingData {
            what: "private key",
        }
        .into());
    }
    let mut r = Reader { buf: body };
    if r.byte()? != 4 {
        return Err(bad("only version 4 private keys are supported"));
    }
    r.take(4)?; // creation time: ignored, as snapd does
    let algo = r.byte()?;
    if algo != 1 && algo != 3 {
        return Err(bad(format!(
            "expected RSA private key, got instead algorithm {algo}"
        )));
    }
    let n = r.mpi()?;
    let e = r.mpi()?;
    let s2k = r.byte()?;
    if s2k != 0 {
        return Err(bad("encrypted OpenPGP private keys are not supported"));
    }
    let secret_start = r.buf;
    let d = r.mpi()?;
    let p = r.mpi()?;
    let q = r.mpi()?;
    let _u = r.mpi()?;
    let secret_len = secret_start.len() - r.buf.len();
    let want = secret_start[..secret_len]
        .iter()
        .fold(0u16, |acc, &b| acc.wrapping_add(u16::from(b)));
    let got = r.take(2)?;
    if u16::from_be_bytes([got[0], got[1]]) != want {
        return Err(bad("openpgp: invalid data: private key checksum failure"));
    }
    Ok(RsaPrivateKey::from_components(n, e, d, p, q)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for k in [crate::test_keys::acme(), crate::test_keys::root()] {
            let text = encode(k).unwrap();
            assert!(text.starts_with("Ac")); // 0x01 0xC5 …
            let back = decode(text.as_bytes()).unwrap();
            assert_eq!(back.public_key(), k.public_key());
            assert_eq!(
                back.sign_sha512(b"x").unwrap(),
                k.sign_sha512(b"x").unwrap()
            );
        }
    }

    #[test]
    fn damage_is_detected() {
        let text = encode(crate::test_keys::acme()).unwrap();
        let mut raw = decode_v1(
            text.as_bytes(),
            ucore_assertions::openpgp::DataKind::PrivateKey,
        )
        .unwrap();
        let n = raw.len();
        raw[n - 3] ^= 1; // inside u
        assert!(decode(encode_v1(&raw).as_bytes()).is_err());
        raw.truncate(n - 40);
        assert!(decode(encode_v1(&raw).as_bytes()).is_err());
        assert!(decode(b"").is_err());
        assert!(decode(b"AgAA").is_err());
        // every truncation fails cleanly
        let raw = decode_v1(
            text.as_bytes(),
            ucore_assertions::openpgp::DataKind::PrivateKey,
        )
        .unwrap();
        for cut in 0..raw.len() {
            assert!(decode(encode_v1(&raw[..cut]).as_bytes()).is_err());
        }
    }
}
