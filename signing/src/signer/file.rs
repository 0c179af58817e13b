//! A signer backed by a PEM key file.

use std::path::{Path, PathBuf};

use crate::error::{Error, KeypairStoreError, StorageError};
use crate::keys::rsa::{RsaPrivateKey, RsaPublicKey};
use crate::signer::Signer;

/// A key read from a PEM file (PKCS#1 or PKCS#8). The file is read once, at
/// [`FileSigner::open`]; the signer remembers where it came from.
#[derive(Debug, Clone)]
pub struct FileSigner {
    path: PathBuf,
    key: RsaPrivateKey,
}

impl FileSigner {
    /// Reads and parses the key file.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, KeypairStoreError> {
        let path = path.as_ref().to_path_buf();
        let pem = zeroize::Zeroizing::new(
            std::fs::read_to_string(&path).map_err(|e| StorageError::io(&path, e))?,
        );
        let key = RsaPrivateKey::from_pem(&pem)?;
        Ok(Self { path, key })
    }

    /// The file the key came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The key.
    pub fn key(&self) -> &RsaPrivateKey {
        &self.key
    }
}

impl Signer for FileSigner {
    fn public_key(&self) -> &RsaPublicKey {
        self.key.public_key()
    }
    fn sign_digest(&self, digest: &[u8; 64]) -> Result<Vec<u8>, Error> {
        Ok(self.key.sign_sha512_digest(digest)?)
    }
    fn sign_message(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        Ok(self.key.sign_sha512(message)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_pem_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.pem");
        std::fs::write(&p, crate::test_keys::ACME_PEM).unwrap();
        let s = FileSigner::open(&p).unwrap();
        assert_eq!(s.key_id(), crate::test_keys::acme().key_id());
        assert_eq!(s.path(), p);
        assert!(matches!(
            FileSigner::open(dir.path().join("missing")),
            Err(KeypairStoreError::Storage(StorageError::Io { .. }))
        ));
    }
}
