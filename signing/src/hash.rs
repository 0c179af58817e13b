//! Computing the hashes an OpenPGP signature may name ([`HashAlgorithm`] is
//! `ucore_assertions::openpgp::HashAlgorithm`).
//!
//! snapd signs with SHA-512 only, but verifies whatever hash the signature names (x/crypto
//! decides), so verification here computes SHA-1, SHA-224, SHA-256, SHA-384 and SHA-512.
//! MD5 and RIPEMD-160 are recognised but not computed (snapd's Go binary would panic on
//! them): they fail as [`crate::VerifyFailure::UnsupportedHash`].

use sha2::Digest as _;
pub use ucore_assertions::openpgp::HashAlgorithm;

/// Whether this crate can compute `hash`.
pub fn is_supported(hash: HashAlgorithm) -> bool {
    !matches!(hash, HashAlgorithm::Md5 | HashAlgorithm::Ripemd160)
}

/// Hashes the concatenation of `parts`, or `None` for an unsupported hash.
pub fn digest(hash: HashAlgorithm, parts: &[&[u8]]) -> Option<Vec<u8>> {
    fn run<D: sha2::Digest>(parts: &[&[u8]]) -> Vec<u8> {
        let mut h = D::new();
        for p in parts {
            h.update(p);
        }
        h.finalize().to_vec()
    }
    Some(match hash {
        HashAlgorithm::Sha1 => run::<sha1::Sha1>(parts),
        HashAlgorithm::Sha224 => run::<sha2::Sha224>(parts),
        HashAlgorithm::Sha256 => run::<sha2::Sha256>(parts),
        HashAlgorithm::Sha384 => run::<sha2::Sha384>(parts),
        HashAlgorithm::Sha512 => run::<sha2::Sha512>(parts),
        HashAlgorithm::Md5 | HashAlgorithm::Ripemd160 => return None,
    })
}

/// SHA-512 of the concatenation of `parts`.
pub(crate) fn sha512(parts: &[&[u8]]) -> [u8; 64] {
    let mut h = sha2::Sha512::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_lengths_match_the_table() {
        for id in 0..=255u8 {
            if let Some(h) = HashAlgorithm::from_id(id) {
                match digest(h, &[b"x"]) {
                    Some(d) => assert_eq!(d.len(), h.digest_len(), "{h:?}"),
                    None => assert!(!is_supported(h)),
                }
            }
        }
        assert_eq!(
            digest(HashAlgorithm::Sha512, &[b"a", b"b"]),
            Some(sha512(&[b"ab"]).to_vec())
        );
    }
}
