//! Signing keys at rest and in use.
//!
//! Private keys live in the `keypair` table sealed with ucore-signing's encrypted-at-rest
//! format (Argon2id + XChaCha20-Poly1305, bound to the key id) under the vault's master
//! secret, which comes from a file or an environment variable and never from the
//! database. Unsealed keys are cached as [`Signer`]s for the life of the process. Keys
//! held elsewhere (a PKCS#11 token, an HSM) are registered with
//! [`KeyStore::register_external`]; their rows carry `external:<label>` instead of a
//! sealed key. Key material is never logged.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use ucore_signing::keypair::encrypted::{self, KdfParams};
use ucore_signing::{RsaPrivateKey, Signer};
use zeroize::Zeroizing;

use crate::error::Error;
use crate::store::KeypairRecord;

/// Prefix of `sealed_key` for keys the vault does not hold itself.
pub const EXTERNAL_PREFIX: &str = "external:";

/// Seals and unseals signing keys; caches signers.
pub struct KeyStore {
    master: Zeroizing<Vec<u8>>,
    kdf: KdfParams,
    cache: RwLock<HashMap<String, Arc<dyn Signer>>>,
}

impl std::fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyStore").finish_non_exhaustive()
    }
}

impl KeyStore {
    /// A key store with master secret `master` (at least 16 bytes).
    pub fn new(master: impl Into<Vec<u8>>) -> Result<Self, Error> {
        let master = Zeroizing::new(master.into());
        if master.len() < 16 {
            return Err(Error::config("the master secret must be at least 16 bytes"));
        }
        Ok(Self {
            master,
            kdf: KdfParams::default(),
            cache: RwLock::new(HashMap::new()),
        })
    }

    /// Reads the master secret from `path` (trailing newline trimmed).
    pub fn from_file(path: &std::path::Path) -> Result<Self, Error> {
        let bytes = Zeroizing::new(
            std::fs::read(path)
                .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?,
        );
        let trimmed = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
        Self::new(trimmed.to_vec())
    }

    /// Reads the master secret from environment variable `name`.
    pub fn from_env(name: &str) -> Result<Self, Error> {
        let v = Zeroizing::new(
            std::env::var(name)
                .map_err(|_| Error::config(format!("environment variable {name} is not set")))?,
        );
        Self::new(v.as_bytes().to_vec())
    }

    /// Seals `key` for the `keypair` table.
    pub fn seal(&self, key: &RsaPrivateKey) -> Result<String, Error> {
        let pem = key.to_pkcs1_pem().map_err(ucore_signing::Error::from)?;
        Ok(
            encrypted::encrypt(pem.as_bytes(), key.key_id(), &self.master, self.kdf)
                .map_err(ucore_signing::Error::from)?,
        )
    }

    /// Registers a signer the vault does not hold (HSM); returns the `sealed_key` marker.
    pub fn register_external(&self, label: &str, signer: Arc<dyn Signer>) -> Result<String, Error> {
        let id = signer.key_id().to_string();
        self.cache
            .write()
            .map_err(|_| Error::KeyStore {
                reason: "poisoned cache".into(),
            })?
            .insert(id, signer);
        Ok(format!("{EXTERNAL_PREFIX}{label}"))
    }

    /// The signer for `record`, unsealing it on first use.
    pub fn signer(&self, record: &KeypairRecord) -> Result<Arc<dyn Signer>, Error> {
        if let Some(s) = self
            .cache
            .read()
            .map_err(|_| Error::KeyStore {
                reason: "poisoned cache".into(),
            })?
            .get(&record.key_id)
        {
            return Ok(s.clone());
        }
        if record.sealed_key.starts_with(EXTERNAL_PREFIX) {
            return Err(Error::KeyStore {
                reason: format!(
                    "external key {} is not registered in this process",
                    record.key_id
                ),
            });
        }
        let pem = encrypted::decrypt(record.sealed_key.as_bytes(), &record.key_id, &self.master)
            .map_err(|_| Error::KeyStore {
                reason: format!("cannot unseal key {} (wrong master secret?)", record.key_id),
            })?;
        let text = std::str::from_utf8(&pem).map_err(|_| Error::KeyStore {
            reason: format!("key {} is not PEM", record.key_id),
        })?;
        let key = RsaPrivateKey::from_pem(text).map_err(ucore_signing::Error::from)?;
        if key.key_id() != record.key_id {
            return Err(Error::KeyStore {
                reason: format!("key {} unsealed to another key", record.key_id),
            });
        }
        let signer: Arc<dyn Signer> = Arc::new(key);
        self.cache
            .write()
            .map_err(|_| Error::KeyStore {
                reason: "poisoned cache".into(),
            })?
            .insert(record.key_id.clone(), signer.clone());
        Ok(signer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_unseal_round_trip_and_wrong_secret() {
        let pem = ucore_test_support::keys::ACME;
        let key = RsaPrivateKey::from_pem(pem).unwrap();
        let ks = KeyStore::new(b"0123456789abcdef0123".to_vec()).unwrap();
        let sealed = ks.seal(&key).unwrap();
        assert!(!sealed.contains("PRIVATE"));
        let rec = KeypairRecord {
            authority_id: "acme".into(),
            key_id: key.key_id().into(),
            key_name: "k".into(),
            active: true,
            sealed_key: sealed,
            account_assertion: None,
            account_key_assertion: None,
        };
        assert_eq!(ks.signer(&rec).unwrap().key_id(), key.key_id());
        let other = KeyStore::new(b"another-secret-of-16+".to_vec()).unwrap();
        assert!(matches!(other.signer(&rec), Err(Error::KeyStore { .. })));
        assert!(KeyStore::new(b"short".to_vec()).is_err());
    }
}
