//! Ed25519 keys — an **extension**: snapd never accepts Ed25519 for assertions (its
//! `asserts/crypto.go` decodes RSA public keys only), so these keys are never produced
//! unless asked for, cannot be put in a snapd keypair store and cannot sign assertions.
//! They are here for tools that need a small, fast key next to the RSA ones (device-side
//! nonces, non-snapd protocols). Feature `ed25519`.

use ed25519_dalek::Signer as _;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use zeroize::Zeroizing;

use crate::error::{KeyError, VerifyFailure};

/// An Ed25519 private key (extension; snapd rejects Ed25519).
#[derive(Clone)]
pub struct Ed25519PrivateKey(ed25519_dalek::SigningKey);

impl std::fmt::Debug for Ed25519PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Ed25519PrivateKey")
            .field(&self.public_key())
            .finish()
    }
}

/// An Ed25519 public key (extension; snapd rejects Ed25519).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ed25519PublicKey(ed25519_dalek::VerifyingKey);

impl Ed25519PrivateKey {
    /// Generates a key from the operating system's RNG.
    pub fn generate() -> Self {
        Self(ed25519_dalek::SigningKey::generate(&mut rand::rng()))
    }

    /// Builds a key from its 32-byte seed.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self(ed25519_dalek::SigningKey::from_bytes(seed))
    }

    /// Parses a PKCS#8 PEM (`PRIVATE KEY`).
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        ed25519_dalek::SigningKey::from_pkcs8_pem(pem)
            .map(Self)
            .map_err(|e| KeyError::Encoding(e.into()))
    }

    /// PKCS#8 PEM.
    pub fn to_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        self.0
            .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .map_err(|e| KeyError::Encoding(e.into()))
    }

    /// The public half.
    pub fn public_key(&self) -> Ed25519PublicKey {
        Ed25519PublicKey(self.0.verifying_key())
    }

    /// Signs `message` (pure Ed25519, 64-byte signature).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl Ed25519PublicKey {
    /// The 32 raw bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Builds a key from its 32 raw bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyError> {
        ed25519_dalek::VerifyingKey::from_bytes(bytes)
            .map(Self)
            .map_err(KeyError::Ed25519Key)
    }

    /// Parses an SPKI PEM (`PUBLIC KEY`).
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        ed25519_dalek::VerifyingKey::from_public_key_pem(pem)
            .map(Self)
            .map_err(|e| KeyError::Encoding(e.into()))
    }

    /// SPKI PEM.
    pub fn to_pem(&self) -> Result<String, KeyError> {
        self.0
            .to_public_key_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .map_err(|e| KeyError::Encoding(e.into()))
    }

    /// Verifies a signature (strict: rejects small-order and malleable forms).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), VerifyFailure> {
        let sig =
            ed25519_dalek::Signature::from_slice(signature).map_err(|_| VerifyFailure::NotRsa)?;
        self.0
            .verify_strict(message, &sig)
            .map_err(|_| VerifyFailure::Ed25519Verification)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_pem() {
        let k = Ed25519PrivateKey::from_seed(&[7; 32]);
        let sig = k.sign(b"msg");
        k.public_key().verify(b"msg", &sig).unwrap();
        assert_eq!(
            k.public_key().verify(b"other", &sig),
            Err(VerifyFailure::Ed25519Verification)
        );
        let pem = k.to_pem().unwrap();
        let k2 = Ed25519PrivateKey::from_pem(&pem).unwrap();
        assert_eq!(k2.public_key(), k.public_key());
        let pub_pem = k.public_key().to_pem().unwrap();
        assert_eq!(
            Ed25519PublicKey::from_pem(&pub_pem).unwrap(),
            k.public_key()
        );
        assert_ne!(Ed25519PrivateKey::generate().public_key(), k.public_key());
    }
}
