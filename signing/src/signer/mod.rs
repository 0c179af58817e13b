//! Signers: whatever holds a private key and can make an RSA PKCS#1 v1.5 SHA-512 signature,
//! so a brand key can stay where its owner keeps it (memory, a file, an HSM).

mod file;
#[cfg(feature = "pkcs11")]
pub mod pkcs11;

pub use file::FileSigner;

use crate::error::Error;
use crate::keys::rsa::RsaPrivateKey;
use crate::keys::rsa::RsaPublicKey;

/// Something that signs with one RSA key.
///
/// Implementors provide [`Signer::public_key`] and one of the two signing methods; the
/// OpenPGP layer calls [`Signer::sign_message`] with the v4 hashed data (content ‖ hashed
/// signature fields ‖ trailer).
pub trait Signer: Send + Sync {
    /// The public half of the key.
    fn public_key(&self) -> &RsaPublicKey;

    /// snapd's id of the key (`sign-key-sha3-384`).
    fn key_id(&self) -> &str {
        self.public_key().key_id()
    }

    /// Signs a SHA-512 digest with RSA PKCS#1 v1.5; returns exactly `k` bytes.
    fn sign_digest(&self, digest: &[u8; 64]) -> Result<Vec<u8>, Error>;

    /// Hashes `message` with SHA-512 and signs it; returns exactly `k` bytes.
    fn sign_message(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        self.sign_digest(&crate::hash::sha512(&[message]))
    }
}

impl std::fmt::Debug for dyn Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

/// The in-memory signer: the key itself.
impl Signer for RsaPrivateKey {
    fn public_key(&self) -> &RsaPublicKey {
        RsaPrivateKey::public_key(self)
    }

    fn sign_digest(&self, digest: &[u8; 64]) -> Result<Vec<u8>, Error> {
        Ok(self.sign_sha512_digest(digest)?)
    }

    fn sign_message(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        Ok(self.sign_sha512(message)?)
    }
}

/// A reference or smart pointer to a signer signs as the signer does.
macro_rules! delegate_signer {
    ($($pointer:ty),*) => {$(
        impl<S: Signer + ?Sized> Signer for $pointer {
            fn public_key(&self) -> &RsaPublicKey {
                (**self).public_key()
            }
            fn key_id(&self) -> &str {
                (**self).key_id()
            }
            fn sign_digest(&self, digest: &[u8; 64]) -> Result<Vec<u8>, Error> {
                (**self).sign_digest(digest)
            }
            fn sign_message(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
                (**self).sign_message(message)
            }
        }
    )*};
}
delegate_signer!(&S, std::sync::Arc<S>, Box<S>);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::HashAlgorithm;

    #[test]
    fn digest_and_message_paths_agree() {
        let k = crate::test_keys::acme();
        let s: &dyn Signer = k;
        let a = s.sign_message(b"hello").unwrap();
        let b = s.sign_digest(&crate::hash::sha512(&[b"hello"])).unwrap();
        assert_eq!(a, b);
        s.public_key()
            .verify(HashAlgorithm::Sha512, b"hello", &a)
            .unwrap();
        assert_eq!(s.key_id(), k.key_id());
    }
}
