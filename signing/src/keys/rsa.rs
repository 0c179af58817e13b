//! RSA keys: PEM/DER in and out (PKCS#1 and PKCS#8/SPKI), 4096-bit generation, snapd key ids,
//! and PKCS#1 v1.5 signing and verification through `ring` with `rsa` as the fallback.

use std::fmt;
use std::sync::OnceLock;

use rsa::BoxedUint;
use rsa::pkcs1::{
    DecodeRsaPrivateKey, DecodeRsaPublicKey, EncodeRsaPrivateKey, EncodeRsaPublicKey,
};
use rsa::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::backend::{self, RsaBackend};
use crate::error::{KeyEncodingError, KeyError, VerifyFailure};
use crate::hash::HashAlgorithm;

/// The key size snapd generates (`asserts.GenerateKey`): RSA-4096.
pub const SNAPD_KEY_BITS: usize = 4096;

/// Smallest modulus this crate accepts at all (snapd has no minimum; its tests use
/// 752-bit keys).
pub const MIN_KEY_BITS: usize = 512;
/// Largest modulus this crate accepts (Canonical's root key is RSA-8192).
pub const MAX_KEY_BITS: usize = 16384;

/// An RSA public key, kept as its OpenPGP MPIs (minimal big-endian `n` and `e`).
#[derive(Clone)]
pub struct RsaPublicKey {
    n: Vec<u8>,
    e: Vec<u8>,
    key_id: OnceLock<String>,
    openpgp: ucore_assertions::openpgp::PublicKey,
    rustcrypto: OnceLock<Option<rsa::PublicKey>>,
}

impl PartialEq for RsaPublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.n == other.n && self.e == other.e
    }
}

impl Eq for RsaPublicKey {}

impl std::hash::Hash for RsaPublicKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.n.hash(state);
        self.e.hash(state);
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaPublicKey")
            .field("bits", &self.bits())
            .field("key_id", &self.key_id())
            .finish()
    }
}

impl Serialize for RsaPublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("RsaPublicKey", 3)?;
        st.serialize_field("key-id", self.key_id())?;
        st.serialize_field("bits", &self.bits())?;
        st.serialize_field("pem", &self.to_spki_pem().unwrap_or_default())?;
        st.end()
    }
}

fn strip_zeros(b: &[u8]) -> Vec<u8> {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    b[first..].to_vec()
}

fn bit_len(b: &[u8]) -> usize {
    match b.first() {
        None => 0,
        Some(&top) => (b.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
    }
}

impl RsaPublicKey {
    /// Builds a key from its modulus and public exponent (big-endian, leading zeros allowed).
    ///
    /// The modulus must be odd and between [`MIN_KEY_BITS`] and [`MAX_KEY_BITS`]; the
    /// exponent odd, at least 3, and at most 3 bytes long (x/crypto refuses longer exponents:
    /// `large public exponent`).
    pub fn from_components(n: &[u8], e: &[u8]) -> Result<Self, KeyError> {
        let n = strip_zeros(n);
        let e = strip_zeros(e);
        let bits = bit_len(&n);
        if !(MIN_KEY_BITS..=MAX_KEY_BITS).contains(&bits) {
            return Err(KeyError::UnsupportedKeySize { bits });
        }
        if n.last().is_none_or(|b| b & 1 == 0) {
            return Err(KeyError::InvalidKey {
                reason: "RSA modulus is even",
            });
        }
        if e.len() > 3 {
            return Err(KeyError::InvalidKey {
                reason: "large public exponent",
            });
        }
        if e.last().is_none_or(|b| b & 1 == 0) || (e.len() == 1 && e[0] < 3) {
            return Err(KeyError::InvalidKey {
                reason: "invalid RSA public exponent",
            });
        }
        let openpgp = ucore_assertions::openpgp::PublicKey::new_snapd_rsa(&n, &e)?;
        Ok(Self {
            n,
            e,
            key_id: OnceLock::new(),
            openpgp,
            rustcrypto: OnceLock::new(),
        })
    }

    fn from_rsa(k: &rsa::PublicKey) -> Result<Self, KeyError> {
        Self::from_components(&k.n_bytes(), &k.e_bytes())
    }

    pub(crate) fn openpgp(&self) -> &ucore_assertions::openpgp::PublicKey {
        &self.openpgp
    }

    /// The modulus, big-endian without leading zeros.
    pub fn n(&self) -> &[u8] {
        &self.n
    }

    /// The public exponent, big-endian without leading zeros.
    pub fn e(&self) -> &[u8] {
        &self.e
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        bit_len(&self.n)
    }

    /// The modulus size in bytes (`k` in RFC 8017): the length of every signature.
    pub fn size(&self) -> usize {
        self.n.len()
    }

    /// snapd's key id (`public-key-sha3-384`, `sign-key-sha3-384`): unpadded base64url of
    /// SHA3-384 over the v1-wrapped canonical OpenPGP public-key packet (creation time fixed
    /// at 2016-01-01).
    pub fn key_id(&self) -> &str {
        self.key_id
            .get_or_init(|| self.openpgp.key_id().as_str().to_string())
    }

    /// The key of an OpenPGP public-key packet (RSA only, as snapd).
    pub fn from_openpgp(key: &ucore_assertions::openpgp::PublicKey) -> Result<Self, KeyError> {
        let rsa = key.rsa().ok_or_else(|| KeyError::NotRsa {
            algorithm: key.material().go_type().to_string(),
        })?;
        Self::from_components(rsa.n.value(), rsa.e.value())
    }

    /// The snapd-canonical OpenPGP public-key packet of this key.
    pub fn to_openpgp(&self) -> ucore_assertions::openpgp::PublicKey {
        self.openpgp.clone()
    }

    /// Decodes snapd's v1 text of a public key (an account-key body, a `device-key`
    /// header), with snapd's errors.
    pub fn from_snapd_text(text: &[u8]) -> Result<Self, KeyError> {
        Self::from_openpgp(&ucore_assertions::openpgp::decode_public_key(text)?)
    }

    /// snapd's v1 text of this key (`asserts.EncodePublicKey`): an account-key body.
    pub fn to_snapd_text(&self) -> String {
        ucore_assertions::openpgp::encode_public_key(&self.openpgp)
    }

    /// Parses a PEM public key: PKCS#1 (`RSA PUBLIC KEY`) or SPKI (`PUBLIC KEY`).
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let label = pem_label(pem)?;
        let k = match label.as_str() {
            "RSA PUBLIC KEY" => rsa::PublicKey::from_pkcs1_pem(pem).map_err(encoding)?,
            "PUBLIC KEY" => rsa::PublicKey::from_public_key_pem(pem).map_err(encoding)?,
            _ => return Err(KeyError::UnsupportedPem { label }),
        };
        Self::from_rsa(&k)
    }

    /// Parses a DER SubjectPublicKeyInfo (what PKCS#11 tokens and snapd's external key
    /// helpers hand out).
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let k = rsa::PublicKey::from_public_key_der(der).map_err(encoding)?;
        Self::from_rsa(&k)
    }

    fn rustcrypto(&self) -> Option<&rsa::PublicKey> {
        self.rustcrypto
            .get_or_init(|| {
                let n = BoxedUint::from_be_slice_vartime(&self.n);
                let e = BoxedUint::from_be_slice_vartime(&self.e);
                rsa::PublicKey::new_with_size_limits(n, e, MIN_KEY_BITS..=MAX_KEY_BITS).ok()
            })
            .as_ref()
    }

    fn rustcrypto_or_err(&self) -> Result<&rsa::PublicKey, KeyError> {
        self.rustcrypto().ok_or(KeyError::InvalidKey {
            reason: "RSA public key rejected",
        })
    }

    /// PKCS#1 PEM (`RSA PUBLIC KEY`).
    pub fn to_pkcs1_pem(&self) -> Result<String, KeyError> {
        self.rustcrypto_or_err()?
            .to_pkcs1_pem(LineEnding::LF)
            .map_err(encoding)
    }

    /// SPKI PEM (`PUBLIC KEY`).
    pub fn to_spki_pem(&self) -> Result<String, KeyError> {
        self.rustcrypto_or_err()?
            .to_public_key_pem(LineEnding::LF)
            .map_err(encoding)
    }

    /// SPKI DER.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, KeyError> {
        Ok(self
            .rustcrypto_or_err()?
            .to_public_key_der()
            .map_err(encoding)?
            .into_vec())
    }

    /// Verifies an RSA PKCS#1 v1.5 signature over `message` hashed with `hash`, the way
    /// x/crypto does: the signature is left-padded to the key size first.
    pub fn verify(
        &self,
        hash: HashAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), VerifyFailure> {
        self.verify_with(RsaBackend::Auto, hash, message, signature)
    }

    /// [`RsaPublicKey::verify`] with a chosen backend.
    pub fn verify_with(
        &self,
        backend: RsaBackend,
        hash: HashAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), VerifyFailure> {
        let sig = backend::pad_to_key_size(signature, self.size());
        let use_ring = match backend {
            RsaBackend::Ring => true,
            RsaBackend::RustCrypto => false,
            RsaBackend::Auto => backend::ring_verifies(hash, self.bits()),
        };
        if use_ring {
            backend::ring_verify(&self.n, &self.e, hash, message, &sig)
        } else {
            let key = self.rustcrypto().ok_or(VerifyFailure::RsaVerification)?;
            let digest = crate::hash::digest(hash, &[message])
                .ok_or(VerifyFailure::UnsupportedHash { id: hash.id() })?;
            backend::rustcrypto_verify_prehash(key, hash, &digest, &sig)
        }
    }

    /// Verifies a PKCS#1 v1.5 signature given the already computed digest (rsa backend).
    pub fn verify_prehash(
        &self,
        hash: HashAlgorithm,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<(), VerifyFailure> {
        let key = self.rustcrypto().ok_or(VerifyFailure::RsaVerification)?;
        let sig = backend::pad_to_key_size(signature, self.size());
        backend::rustcrypto_verify_prehash(key, hash, digest, &sig)
    }
}

/// An RSA private key.
pub struct RsaPrivateKey {
    inner: rsa::PrivateKey,
    ring: Option<ring::rsa::KeyPair>,
    public: RsaPublicKey,
}

impl fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaPrivateKey")
            .field("bits", &self.public.bits())
            .field("key_id", &self.public.key_id())
            .finish_non_exhaustive()
    }
}

impl Clone for RsaPrivateKey {
    fn clone(&self) -> Self {
        // Re-deriving the ring key pair from DER cannot fail for a key that loaded before.
        match Self::from_rsa(self.inner.clone()) {
            Ok(k) => k,
            Err(_) => Self {
                inner: self.inner.clone(),
                ring: None,
                public: self.public.clone(),
            },
        }
    }
}

impl RsaPrivateKey {
    fn from_rsa(inner: rsa::PrivateKey) -> Result<Self, KeyError> {
        let public = RsaPublicKey::from_rsa(inner.as_public_key())?;
        // ring signs moduli of 2048..=4096 bits with e >= 65537; other keys sign with `rsa`.
        let ring = inner
            .to_pkcs1_der()
            .ok()
            .and_then(|der| ring::rsa::KeyPair::from_der(der.as_bytes()).ok());
        Ok(Self {
            inner,
            ring,
            public,
        })
    }

    /// Generates a new RSA key of `bits` bits with e = 65537 (snapd uses
    /// [`SNAPD_KEY_BITS`]). Slow: about 1 s for 4096 bits in an optimised build.
    pub fn generate(bits: usize) -> Result<Self, KeyError> {
        if !(1024..=MAX_KEY_BITS).contains(&bits) {
            return Err(KeyError::UnsupportedKeySize { bits });
        }
        let mut rng = rand::rng();
        let k = rsa::PrivateKey::new(&mut rng, bits).map_err(KeyError::Generation)?;
        Self::from_rsa(k)
    }

    /// Generates a 4096-bit key, as snapd does.
    pub fn generate_snapd() -> Result<Self, KeyError> {
        Self::generate(SNAPD_KEY_BITS)
    }

    /// Parses a PEM private key: PKCS#1 (`RSA PRIVATE KEY`) or unencrypted PKCS#8
    /// (`PRIVATE KEY`), the two forms the oracle's `sign` accepts.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let label = pem_label(pem)?;
        let k = match label.as_str() {
            "RSA PRIVATE KEY" => rsa::PrivateKey::from_pkcs1_pem(pem).map_err(encoding)?,
            "PRIVATE KEY" => rsa::PrivateKey::from_pkcs8_pem(pem).map_err(encoding)?,
            _ => return Err(KeyError::UnsupportedPem { label }),
        };
        Self::from_rsa(k)
    }

    /// Parses a PKCS#1 DER private key.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        Self::from_rsa(rsa::PrivateKey::from_pkcs1_der(der).map_err(encoding)?)
    }

    /// Parses a PKCS#8 DER private key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        Self::from_rsa(rsa::PrivateKey::from_pkcs8_der(der).map_err(encoding)?)
    }

    /// Builds a key from `n`, `e`, `d` and the two primes (big-endian), as read from an
    /// OpenPGP secret-key packet.
    pub fn from_components(
        n: &[u8],
        e: &[u8],
        d: &[u8],
        p: &[u8],
        q: &[u8],
    ) -> Result<Self, KeyError> {
        let u = |b: &[u8]| BoxedUint::from_be_slice_vartime(b);
        let k = rsa::PrivateKey::from_components(u(n), u(e), u(d), vec![u(p), u(q)])
            .map_err(KeyError::Components)?;
        Self::from_rsa(k)
    }

    /// PKCS#1 PEM (`RSA PRIVATE KEY`), LF line endings.
    pub fn to_pkcs1_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        self.inner.to_pkcs1_pem(LineEnding::LF).map_err(encoding)
    }

    /// PKCS#8 PEM (`PRIVATE KEY`), LF line endings.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        self.inner.to_pkcs8_pem(LineEnding::LF).map_err(encoding)
    }

    /// PKCS#1 DER.
    pub fn to_pkcs1_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        Ok(Zeroizing::new(
            self.inner
                .to_pkcs1_der()
                .map_err(encoding)?
                .as_bytes()
                .to_vec(),
        ))
    }

    #[cfg(test)]
    pub(crate) fn rustcrypto(&self) -> &rsa::PrivateKey {
        &self.inner
    }

    /// The public half.
    pub fn public_key(&self) -> &RsaPublicKey {
        &self.public
    }

    /// The key id of the public half (see [`RsaPublicKey::key_id`]).
    pub fn key_id(&self) -> &str {
        self.public.key_id()
    }

    /// The secret MPIs in OpenPGP order as x/crypto writes them: `d`, `p` = Go's
    /// `Primes[1]`, `q` = `Primes[0]`, `u` = Go's `Qinv` (= p⁻¹ mod q).
    pub(crate) fn openpgp_secret_mpis(&self) -> Result<[Zeroizing<Vec<u8>>; 4], KeyError> {
        let primes = self.inner.primes();
        let (Some(p0), Some(p1)) = (primes.first(), primes.get(1)) else {
            return Err(KeyError::InvalidKey {
                reason: "RSA key without two primes",
            });
        };
        if primes.len() != 2 {
            return Err(KeyError::InvalidKey {
                reason: "multi-prime RSA keys cannot be stored",
            });
        }
        let qinv = self.inner.crt_coefficient().ok_or(KeyError::InvalidKey {
            reason: "RSA key without CRT coefficient",
        })?;
        let b = |x: &BoxedUint| Zeroizing::new(x.to_be_bytes_trimmed_vartime().into_vec());
        Ok([b(self.inner.d()), b(p1.as_ref()), b(p0.as_ref()), b(&qinv)])
    }

    /// Signs `message` with RSA PKCS#1 v1.5 over SHA-512 (ring when it can take the key,
    /// else `rsa`). Returns `k` bytes.
    pub fn sign_sha512(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        self.sign_sha512_with(RsaBackend::Auto, message)
    }

    /// [`RsaPrivateKey::sign_sha512`] with a chosen backend.
    pub fn sign_sha512_with(
        &self,
        backend: RsaBackend,
        message: &[u8],
    ) -> Result<Vec<u8>, KeyError> {
        match (backend, &self.ring) {
            (RsaBackend::Ring | RsaBackend::Auto, Some(kp)) => {
                backend::ring_sign_sha512(kp, message)
            }
            (RsaBackend::Ring, None) => Err(KeyError::SigningUnsupported {
                reason: format!("ring cannot sign with a {}-bit key", self.public.bits()),
            }),
            _ => self.sign_sha512_digest(&crate::hash::sha512(&[message])),
        }
    }

    /// Signs an already computed SHA-512 digest (PKCS#1 v1.5, `rsa` backend).
    pub fn sign_sha512_digest(&self, digest: &[u8; 64]) -> Result<Vec<u8>, KeyError> {
        self.inner
            .pkcs1v15_sign_prehash::<sha2::Sha512>(digest)
            .map_err(KeyError::RsaSigning)
    }
}

fn encoding(e: impl Into<KeyEncodingError>) -> KeyError {
    KeyError::Encoding(e.into())
}

/// The account-key body (or `device-key` header) snapd writes for a key
/// (`asserts.EncodePublicKey`).
pub fn encode_public_key(key: &RsaPublicKey) -> String {
    key.to_snapd_text()
}

/// The label of the first PEM block (`RSA PRIVATE KEY`, `PRIVATE KEY`, …).
pub(crate) fn pem_label(pem: &str) -> Result<String, KeyError> {
    const BEGIN: &str = "-----BEGIN ";
    let start = pem.find(BEGIN).ok_or(KeyError::Pem {
        reason: "no PEM block found",
    })?;
    let rest = &pem[start + BEGIN.len()..];
    let end = rest.find("-----").ok_or(KeyError::Pem {
        reason: "malformed PEM header",
    })?;
    Ok(rest[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_keys;

    #[test]
    fn pem_round_trips() {
        let k = test_keys::acme();
        let pkcs1 = k.to_pkcs1_pem().unwrap();
        let pkcs8 = k.to_pkcs8_pem().unwrap();
        assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
        assert!(pkcs8.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let a = RsaPrivateKey::from_pem(&pkcs1).unwrap();
        let b = RsaPrivateKey::from_pem(&pkcs8).unwrap();
        assert_eq!(a.public_key(), k.public_key());
        assert_eq!(b.public_key(), k.public_key());
        let spki = k.public_key().to_spki_pem().unwrap();
        assert_eq!(&RsaPublicKey::from_pem(&spki).unwrap(), k.public_key());
        let p1 = k.public_key().to_pkcs1_pem().unwrap();
        assert_eq!(&RsaPublicKey::from_pem(&p1).unwrap(), k.public_key());
        let der = k.public_key().to_spki_der().unwrap();
        assert_eq!(&RsaPublicKey::from_spki_der(&der).unwrap(), k.public_key());
    }

    #[test]
    fn oracle_key_ids() {
        // `snapd-oracle keyid` of the selfmade test keys.
        assert_eq!(
            test_keys::acme().key_id(),
            "dKgGLvNmYhvRaJM33UC9mpIVjQvGqdmwzpKv85BOrpO7QhXgYetYUCKYYf8-V6E6"
        );
    }

    #[test]
    fn bad_pem_is_an_error() {
        assert!(matches!(
            RsaPrivateKey::from_pem("garbage"),
            Err(KeyError::Encoding(_) | KeyError::Pem { .. })
        ));
        assert!(matches!(
            RsaPrivateKey::from_pem(
                "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"
            ),
            Err(KeyError::UnsupportedPem { .. })
        ));
        assert!(matches!(
            RsaPrivateKey::from_pem(
                "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"
            ),
            Err(KeyError::Encoding(_) | KeyError::Pem { .. })
        ));
    }

    #[test]
    fn component_checks() {
        assert!(matches!(
            RsaPublicKey::from_components(&[0xff; 8], &[1, 0, 1]),
            Err(KeyError::UnsupportedKeySize { bits: 64 })
        ));
        let n = test_keys::acme().public_key().n().to_vec();
        assert!(RsaPublicKey::from_components(&n, &[1, 0, 1]).is_ok());
        assert!(RsaPublicKey::from_components(&n, &[1, 0, 0, 1]).is_err());
        assert!(RsaPublicKey::from_components(&n, &[2]).is_err());
        let mut even = n.clone();
        if let Some(last) = even.last_mut() {
            *last &= 0xfe;
        }
        assert!(RsaPublicKey::from_components(&even, &[1, 0, 1]).is_err());
    }

    #[test]
    fn ring_and_rustcrypto_agree() {
        for k in [test_keys::acme(), test_keys::root()] {
            let msg = b"some content to sign";
            let a = k.sign_sha512_with(RsaBackend::Ring, msg).unwrap();
            let b = k.sign_sha512_with(RsaBackend::RustCrypto, msg).unwrap();
            assert_eq!(a, b, "PKCS#1 v1.5 is deterministic");
            assert_eq!(a.len(), k.public_key().size());
            let pk = k.public_key();
            for backend in [RsaBackend::Ring, RsaBackend::RustCrypto, RsaBackend::Auto] {
                pk.verify_with(backend, HashAlgorithm::Sha512, msg, &a)
                    .unwrap();
                assert_eq!(
                    pk.verify_with(backend, HashAlgorithm::Sha512, b"other", &a),
                    Err(VerifyFailure::RsaVerification)
                );
            }
        }
    }

    #[test]
    fn other_hashes_verify_through_rsa() {
        let k = test_keys::acme();
        let msg = b"hello";
        for h in [
            HashAlgorithm::Sha1,
            HashAlgorithm::Sha224,
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
        ] {
            let digest = crate::hash::digest(h, &[msg]).unwrap();
            let sig = backend::rustcrypto_sign_prehash(&k.inner, h, &digest).unwrap();
            k.public_key().verify(h, msg, &sig).unwrap();
            k.public_key()
                .verify_with(RsaBackend::RustCrypto, h, msg, &sig)
                .unwrap();
            assert!(
                k.public_key()
                    .verify(HashAlgorithm::Sha512, msg, &sig)
                    .is_err()
            );
        }
        assert_eq!(
            k.public_key().verify(HashAlgorithm::Md5, msg, &[0; 256]),
            Err(VerifyFailure::UnsupportedHash { id: 1 })
        );
    }

    #[test]
    fn generates_snapd_sized_keys() {
        // The one test that generates a 4096-bit key (about 1-2 s with optimised deps).
        let k = RsaPrivateKey::generate_snapd().unwrap();
        assert_eq!(k.public_key().bits(), 4096);
        assert_eq!(k.public_key().e(), &[1, 0, 1]);
        let sig = k.sign_sha512_with(RsaBackend::Ring, b"m").unwrap();
        assert_eq!(
            sig,
            k.sign_sha512_with(RsaBackend::RustCrypto, b"m").unwrap()
        );
        k.public_key()
            .verify(HashAlgorithm::Sha512, b"m", &sig)
            .unwrap();
        let back = RsaPrivateKey::from_pem(&k.to_pkcs8_pem().unwrap()).unwrap();
        assert_eq!(back.key_id(), k.key_id());
        assert!(matches!(
            RsaPrivateKey::generate(512),
            Err(KeyError::UnsupportedKeySize { bits: 512 })
        ));
    }

    #[test]
    fn small_keys_fall_back_to_rsa() {
        // ring neither signs nor verifies 1024-bit keys; snapd (and this crate) do.
        let k = RsaPrivateKey::generate(1024).unwrap();
        let sig = k.sign_sha512(b"m").unwrap();
        assert_eq!(sig.len(), 128);
        k.public_key()
            .verify(HashAlgorithm::Sha512, b"m", &sig)
            .unwrap();
        assert!(matches!(
            k.public_key()
                .verify_with(RsaBackend::Ring, HashAlgorithm::Sha512, b"m", &sig),
            Err(VerifyFailure::BackendUnsupported { bits: 1024, .. })
        ));
        assert!(matches!(
            k.sign_sha512_with(RsaBackend::Ring, b"m"),
            Err(KeyError::SigningUnsupported { .. })
        ));
    }

    #[test]
    fn leading_zero_signature_is_padded() {
        let k = test_keys::acme();
        // A signature shorter than k bytes (as a GPG MPI without leading zeros) verifies once
        // padded; find a message whose signature starts with 0x00 is slow, so check padding
        // of a well-formed signature with an extra explicit strip/pad round.
        let sig = k.sign_sha512(b"x").unwrap();
        let stripped: Vec<u8> = sig.iter().copied().skip_while(|&b| b == 0).collect();
        k.public_key()
            .verify(HashAlgorithm::Sha512, b"x", &stripped)
            .unwrap();
    }
}
