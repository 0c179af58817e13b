//! In-memory keypair manager.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use super::{KeypairManager, validate_key_id, validate_key_name};
use crate::error::KeypairStoreError;
use crate::keys::rsa::RsaPrivateKey;
use crate::signer::Signer;

/// Keys in a map, by key id (snapd's `memkeypairmgr.go`).
#[derive(Debug, Default)]
pub struct MemoryKeypairManager {
    keys: RwLock<BTreeMap<String, Arc<RsaPrivateKey>>>,
    names: RwLock<BTreeMap<String, String>>,
}

impl MemoryKeypairManager {
    /// An empty manager.
    pub fn new() -> Self {
        Self::default()
    }
}

fn poisoned() -> KeypairStoreError {
    KeypairStoreError::Poisoned
}

impl KeypairManager for MemoryKeypairManager {
    fn put(&self, key: &RsaPrivateKey) -> Result<(), KeypairStoreError> {
        let mut keys = self.keys.write().map_err(|_| poisoned())?;
        let id = key.key_id().to_string();
        if keys.contains_key(&id) {
            return Err(KeypairStoreError::KeyPairExists { key_id: id });
        }
        keys.insert(id, Arc::new(key.clone()));
        Ok(())
    }

    fn get(&self, key_id: &str) -> Result<Arc<dyn Signer>, KeypairStoreError> {
        validate_key_id(key_id)?;
        let keys = self.keys.read().map_err(|_| poisoned())?;
        keys.get(key_id)
            .map(|k| Arc::clone(k) as Arc<dyn Signer>)
            .ok_or_else(|| KeypairStoreError::KeyPairNotFound {
                key_id: key_id.to_string(),
            })
    }

    fn delete(&self, key_id: &str) -> Result<(), KeypairStoreError> {
        validate_key_id(key_id)?;
        let mut keys = self.keys.write().map_err(|_| poisoned())?;
        keys.remove(key_id)
            .ok_or_else(|| KeypairStoreError::KeyPairNotFound {
                key_id: key_id.to_string(),
            })?;
        self.names
            .write()
            .map_err(|_| poisoned())?
            .retain(|_, v| v != key_id);
        Ok(())
    }

    fn key_ids(&self) -> Result<Vec<String>, KeypairStoreError> {
        Ok(self
            .keys
            .read()
            .map_err(|_| poisoned())?
            .keys()
            .cloned()
            .collect())
    }

    fn set_name(&self, name: &str, key_id: &str) -> Result<(), KeypairStoreError> {
        validate_key_name(name)?;
        validate_key_id(key_id)?;
        if !self
            .keys
            .read()
            .map_err(|_| poisoned())?
            .contains_key(key_id)
        {
            return Err(KeypairStoreError::KeyPairNotFound {
                key_id: key_id.to_string(),
            });
        }
        self.names
            .write()
            .map_err(|_| poisoned())?
            .insert(name.to_string(), key_id.to_string());
        Ok(())
    }

    fn key_id_for_name(&self, name: &str) -> Result<String, KeypairStoreError> {
        self.names
            .read()
            .map_err(|_| poisoned())?
            .get(name)
            .cloned()
            .ok_or_else(|| KeypairStoreError::KeyPairNotFound {
                key_id: name.to_string(),
            })
    }

    fn names(&self) -> Result<Vec<(String, String)>, KeypairStoreError> {
        Ok(self
            .names
            .read()
            .map_err(|_| poisoned())?
            .iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn contract() {
        super::super::contract::check(&super::MemoryKeypairManager::new());
    }
}
