//! The hash algorithms an OpenPGP signature may name (RFC 4880 §9.4), and which of them we
//! can compute.

use serde::Serialize;
use sha2::Digest as _;

/// A hash algorithm named by an OpenPGP signature packet.
///
/// snapd signs with SHA-512 only, but verifies whatever hash the signature names (x/crypto
/// decides), so verification here accepts SHA-1, SHA-224, SHA-256, SHA-384 and SHA-512.
/// MD5 and RIPEMD-160 are recognised but not computed (snapd's Go binary would panic on
/// them): they verify as [`crate::VerifyFailure::UnsupportedHash`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HashAlgorithm {
    /// MD5 (id 1): recognised, never computed.
    Md5,
    /// SHA-1 (id 2).
    Sha1,
    /// RIPEMD-160 (id 3): recognised, never computed.
    Ripemd160,
    /// SHA-256 (id 8).
    Sha256,
    /// SHA-384 (id 9).
    Sha384,
    /// SHA-512 (id 10): what snapd signs with.
    Sha512,
    /// SHA-224 (id 11).
    Sha224,
}

impl HashAlgorithm {
    /// The algorithm for an OpenPGP hash id, or `None` for an id x/crypto does not know.
    pub fn from_openpgp_id(id: u8) -> Option<Self> {
        Some(match id {
            1 => Self::Md5,
            2 => Self::Sha1,
            3 => Self::Ripemd160,
            8 => Self::Sha256,
            9 => Self::Sha384,
            10 => Self::Sha512,
            11 => Self::Sha224,
            _ => return None,
        })
    }

    /// The OpenPGP hash id.
    pub fn openpgp_id(self) -> u8 {
        match self {
            Self::Md5 => 1,
            Self::Sha1 => 2,
            Self::Ripemd160 => 3,
            Self::Sha256 => 8,
            Self::Sha384 => 9,
            Self::Sha512 => 10,
            Self::Sha224 => 11,
        }
    }

    /// Whether this crate can compute the hash.
    pub fn is_supported(self) -> bool {
        !matches!(self, Self::Md5 | Self::Ripemd160)
    }

    /// Hashes the concatenation of `parts`, or `None` for an unsupported hash.
    pub fn digest(self, parts: &[&[u8]]) -> Option<Vec<u8>> {
        fn run<D: sha2::Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut h = D::new();
            for p in parts {
                h.update(p);
            }
            h.finalize().to_vec()
        }
        Some(match self {
            Self::Sha1 => run::<sha1::Sha1>(parts),
            Self::Sha224 => run::<sha2::Sha224>(parts),
            Self::Sha256 => run::<sha2::Sha256>(parts),
            Self::Sha384 => run::<sha2::Sha384>(parts),
            Self::Sha512 => run::<sha2::Sha512>(parts),
            Self::Md5 | Self::Ripemd160 => return None,
        })
    }
}

/// SHA-512 of `data`.
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
    fn ids_round_trip() {
        for id in 0..=255u8 {
            if let Some(h) = HashAlgorithm::from_openpgp_id(id) {
                assert_eq!(h.openpgp_id(), id);
            }
        }
        assert_eq!(HashAlgorithm::from_openpgp_id(4), None);
    }

    #[test]
    fn digest_lengths() {
        assert_eq!(
            HashAlgorithm::Sha1.digest(&[b"x"]).map(|d| d.len()),
            Some(20)
        );
        assert_eq!(
            HashAlgorithm::Sha224.digest(&[b"x"]).map(|d| d.len()),
            Some(28)
        );
        assert_eq!(
            HashAlgorithm::Sha512.digest(&[b"a", b"b"]),
            Some(sha512(&[b"ab"]).to_vec())
        );
        assert_eq!(HashAlgorithm::Md5.digest(&[b"x"]), None);
    }
}
