//! The two RSA implementations behind [`crate::RsaPublicKey`] and [`crate::RsaPrivateKey`]:
//! `ring` (constant time, fast; PKCS#1 v1.5 with SHA-256/384/512, moduli 2048–8192 bits to
//! verify and 2048–4096 to sign) and `rsa` (pure Rust; every hash, every size, prehashed
//! digests, key generation). `Auto` picks ring whenever it can take the job.

use ring::signature::{self, RsaPublicKeyComponents};
use serde::Serialize;

use crate::error::{KeyError, VerifyFailure};
use crate::hash::HashAlgorithm;

/// Which RSA implementation does the arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RsaBackend {
    /// ring where it supports the key size and hash, `rsa` otherwise (the default).
    #[default]
    Auto,
    /// ring only; a key size or hash ring does not support is an error.
    Ring,
    /// The pure-Rust `rsa` crate only.
    RustCrypto,
}

/// The DER DigestInfo prefix of SHA-512 (RFC 8017 §9.2 note 1): what a raw PKCS#1 v1.5
/// signer (PKCS#11 `CKM_RSA_PKCS`, snapd's external key helpers in `RSA-PKCS` mode) must be
/// given in front of the digest.
pub const SHA512_DIGEST_INFO_PREFIX: [u8; 19] = [
    0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05,
    0x00, 0x04, 0x40,
];

/// Left-pads `sig` with zeros to `k` bytes, as x/crypto's `padToKeySize` does (an MPI drops
/// leading zero bytes). Longer input is returned unchanged and fails verification.
pub(crate) fn pad_to_key_size(sig: &[u8], k: usize) -> Vec<u8> {
    if sig.len() >= k {
        return sig.to_vec();
    }
    let mut out = vec![0u8; k - sig.len()];
    out.extend_from_slice(sig);
    out
}

fn ring_algorithm(hash: HashAlgorithm, bits: usize) -> Option<&'static signature::RsaParameters> {
    if !(2048..=8192).contains(&bits) {
        return None;
    }
    match hash {
        HashAlgorithm::Sha256 => Some(&signature::RSA_PKCS1_2048_8192_SHA256),
        HashAlgorithm::Sha384 => Some(&signature::RSA_PKCS1_2048_8192_SHA384),
        HashAlgorithm::Sha512 => Some(&signature::RSA_PKCS1_2048_8192_SHA512),
        _ => None,
    }
}

/// Whether ring can verify this combination.
pub(crate) fn ring_verifies(hash: HashAlgorithm, bits: usize) -> bool {
    ring_algorithm(hash, bits).is_some()
}

pub(crate) fn ring_verify(
    n: &[u8],
    e: &[u8],
    hash: HashAlgorithm,
    message: &[u8],
    sig: &[u8],
) -> Result<(), VerifyFailure> {
    let bits = n.len() * 8 - n.first().map_or(8, |b| b.leading_zeros() as usize);
    let alg = ring_algorithm(hash, bits).ok_or(VerifyFailure::BackendUnsupported { hash, bits })?;
    RsaPublicKeyComponents { n, e }
        .verify(alg, message, sig)
        .map_err(|_| VerifyFailure::RsaVerification)
}

pub(crate) fn ring_sign_sha512(
    kp: &ring::rsa::KeyPair,
    message: &[u8],
) -> Result<Vec<u8>, KeyError> {
    let mut sig = vec![0u8; kp.public().modulus_len()];
    kp.sign(
        &signature::RSA_PKCS1_SHA512,
        &ring::rand::SystemRandom::new(),
        message,
        &mut sig,
    )
    .map_err(|_| KeyError::RingSigning)?;
    Ok(sig)
}

pub(crate) fn rustcrypto_verify_prehash(
    key: &rsa::PublicKey,
    hash: HashAlgorithm,
    digest: &[u8],
    sig: &[u8],
) -> Result<(), VerifyFailure> {
    let r = match hash {
        HashAlgorithm::Sha1 => key.pkcs1v15_verify_prehash::<sha1::Sha1>(digest, sig),
        HashAlgorithm::Sha224 => key.pkcs1v15_verify_prehash::<sha2::Sha224>(digest, sig),
        HashAlgorithm::Sha256 => key.pkcs1v15_verify_prehash::<sha2::Sha256>(digest, sig),
        HashAlgorithm::Sha384 => key.pkcs1v15_verify_prehash::<sha2::Sha384>(digest, sig),
        HashAlgorithm::Sha512 => key.pkcs1v15_verify_prehash::<sha2::Sha512>(digest, sig),
        HashAlgorithm::Md5 | HashAlgorithm::Ripemd160 => {
            return Err(VerifyFailure::UnsupportedHash { id: hash.id() });
        }
    };
    r.map_err(|_| VerifyFailure::RsaVerification)
}

/// Signs a prehashed digest with any supported hash (tests and cross-checks only; snapd
/// signs SHA-512).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn rustcrypto_sign_prehash(
    key: &rsa::PrivateKey,
    hash: HashAlgorithm,
    digest: &[u8],
) -> Result<Vec<u8>, KeyError> {
    let r = match hash {
        HashAlgorithm::Sha1 => key.pkcs1v15_sign_prehash::<sha1::Sha1>(digest),
        HashAlgorithm::Sha224 => key.pkcs1v15_sign_prehash::<sha2::Sha224>(digest),
        HashAlgorithm::Sha256 => key.pkcs1v15_sign_prehash::<sha2::Sha256>(digest),
        HashAlgorithm::Sha384 => key.pkcs1v15_sign_prehash::<sha2::Sha384>(digest),
        HashAlgorithm::Sha512 => key.pkcs1v15_sign_prehash::<sha2::Sha512>(digest),
        HashAlgorithm::Md5 | HashAlgorithm::Ripemd160 => {
            return Err(KeyError::SigningUnsupported {
                reason: "unsupported hash".into(),
            });
        }
    };
    r.map_err(KeyError::RsaSigning)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_info_prefix_matches_rsa_crate() {
        // PKCS#1 v1.5 signing of prefix‖digest with an unprefixed scheme must equal the
        // prefixed SHA-512 signature.
        let k = crate::test_keys::acme();
        let digest = crate::hash::sha512(&[b"abc"]);
        let mut info = SHA512_DIGEST_INFO_PREFIX.to_vec();
        info.extend_from_slice(&digest);
        let raw = k
            .rustcrypto()
            .sign(rsa::Pkcs1v15Sign::new_unprefixed(), &info)
            .unwrap();
        assert_eq!(raw, k.sign_sha512(b"abc").unwrap());
    }

    #[test]
    fn padding() {
        assert_eq!(pad_to_key_size(&[1, 2], 4), vec![0, 0, 1, 2]);
        assert_eq!(pad_to_key_size(&[1, 2, 3, 4, 5], 4), vec![1, 2, 3, 4, 5]);
    }
}
