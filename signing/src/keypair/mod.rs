//! Keypair managers: where private keys live, found by snapd key id (snapd's
//! `KeypairManager` interface, `asserts/database.go`).
//!
//! * [`MemoryKeypairManager`] — a map, like snapd's `memkeypairmgr.go`;
//! * [`FsKeypairManager`] — snapd's on-disk layout (`<root>/private-keys-v1/<keyid>`,
//!   files 0600, directories 0700), readable by snapd; optionally encrypted at rest with a
//!   passphrase (see [`encrypted`] for the file format, which snapd cannot read);
//! * with feature `pkcs11`, [`crate::signer::pkcs11::Pkcs11Token`] keeps keys in an HSM.
//!
//! Keys may also carry a human name (`create-key NAME` in the `keys` example). snapd's own
//! managers have no names; the filesystem manager keeps them beside the keys in
//! `<root>/key-names-v1/<name>` (contents: the key id), which snapd ignores.

pub mod encrypted;
mod fs;
mod memory;
pub mod secret_key_packet;

use std::sync::Arc;

pub use fs::FsKeypairManager;
pub use memory::MemoryKeypairManager;

use crate::error::KeypairStoreError;
use crate::keys::rsa::RsaPrivateKey;
use crate::signer::Signer;

/// A store of signing keys, looked up by snapd key id.
pub trait KeypairManager: Send + Sync {
    /// Stores `key`; [`KeypairStoreError::KeyPairExists`] if its id is already there.
    fn put(&self, key: &RsaPrivateKey) -> Result<(), KeypairStoreError>;
    /// The signer for `key_id`; [`KeypairStoreError::KeyPairNotFound`] if absent.
    fn get(&self, key_id: &str) -> Result<Arc<dyn Signer>, KeypairStoreError>;
    /// Removes the key; [`KeypairStoreError::KeyPairNotFound`] if absent.
    fn delete(&self, key_id: &str) -> Result<(), KeypairStoreError>;
    /// The ids of every stored key, sorted.
    fn key_ids(&self) -> Result<Vec<String>, KeypairStoreError>;
    /// Gives the stored key `key_id` the name `name` (replacing an older binding).
    fn set_name(&self, name: &str, key_id: &str) -> Result<(), KeypairStoreError>;
    /// The key id named `name`; [`KeypairStoreError::KeyPairNotFound`] if there is none.
    fn key_id_for_name(&self, name: &str) -> Result<String, KeypairStoreError>;
    /// Every (name, key id) pair, sorted by name.
    fn names(&self) -> Result<Vec<(String, String)>, KeypairStoreError>;
}

/// snapd's key id check (`Database.Sign`): non-empty, `^[[:alnum:]_-]*$`.
pub fn validate_key_id(key_id: &str) -> Result<(), KeypairStoreError> {
    if key_id.is_empty() {
        return Err(KeypairStoreError::KeyIdEmpty);
    }
    if !key_id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(KeypairStoreError::KeyIdInvalid {
            key_id: key_id.to_string(),
        });
    }
    Ok(())
}

/// Key names: 1–128 characters of `[A-Za-z0-9._-]`, not starting with `.` or `-`.
pub fn validate_key_name(name: &str) -> Result<(), KeypairStoreError> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && !name.starts_with(['.', '-'])
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(KeypairStoreError::KeyNameInvalid {
            name: name.to_string(),
        })
    }
}

#[cfg(test)]
pub(crate) mod contract {
    //! The behaviour every manager shares, run against each of them.
    use super::*;

    pub(crate) fn check(m: &dyn KeypairManager) {
        let k = crate::test_keys::acme();
        let id = k.key_id().to_string();
        assert!(m.get(&id).unwrap_err().is_key_not_found());
        assert_eq!(m.get(&id).unwrap_err().to_string(), "cannot find key pair");
        m.put(k).unwrap();
        let e = m.put(k).unwrap_err();
        assert_eq!(e.to_string(), "key pair with given key id already exists");
        let s = m.get(&id).unwrap();
        assert_eq!(s.key_id(), id);
        assert_eq!(s.sign_message(b"m").unwrap(), k.sign_sha512(b"m").unwrap());
        assert_eq!(m.key_ids().unwrap(), vec![id.clone()]);
        assert_eq!(m.get("").unwrap_err().to_string(), "key id is empty");
        assert_eq!(
            m.get("../x").unwrap_err().to_string(),
            "key id contains unexpected chars: \"../x\""
        );
        m.set_name("brand", &id).unwrap();
        assert_eq!(m.key_id_for_name("brand").unwrap(), id);
        assert_eq!(m.names().unwrap(), vec![("brand".to_string(), id.clone())]);
        assert!(m.key_id_for_name("other").unwrap_err().is_key_not_found());
        assert!(
            m.set_name("x", "unknownkeyid")
                .unwrap_err()
                .is_key_not_found()
        );
        assert!(m.set_name("../x", &id).is_err());
        m.delete(&id).unwrap();
        assert!(m.delete(&id).unwrap_err().is_key_not_found());
        assert!(m.get(&id).unwrap_err().is_key_not_found());
        assert!(m.key_ids().unwrap().is_empty());
        assert!(m.key_id_for_name("brand").unwrap_err().is_key_not_found());
    }
}
