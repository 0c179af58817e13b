//! snapd's filesystem keypair manager layout, optionally encrypted at rest.

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use zeroize::Zeroizing;

use super::encrypted::{self, KdfParams};
use super::{KeypairManager, secret_key_packet, validate_key_id, validate_key_name};
use crate::error::{KeypairStoreError, StorageError};
use crate::keys::rsa::RsaPrivateKey;
use crate::signer::Signer;

const KEYS_DIR: &str = "private-keys-v1";
const NAMES_DIR: &str = "key-names-v1";

/// Keys on disk as snapd lays them out: `<root>/private-keys-v1/<keyid>` (files 0600,
/// directories 0700). Clear files hold snapd's format (see
/// [`super::secret_key_packet`]) so snapd can read them; with a passphrase the files are
/// encrypted (see [`super::encrypted`]).
pub struct FsKeypairManager {
    root: PathBuf,
    passphrase: Option<Zeroizing<Vec<u8>>>,
    kdf: KdfParams,
}

impl std::fmt::Debug for FsKeypairManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FsKeypairManager")
            .field("root", &self.root)
            .field("encrypted", &self.passphrase.is_some())
            .finish()
    }
}

fn ensure_dir(path: &Path) -> Result<(), KeypairStoreError> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .map_err(|e| KeypairStoreError::io(path, e))
}

impl FsKeypairManager {
    /// Opens (creating if needed) a clear store under `root`. The root must not be
    /// world-writable.
    pub fn open(root: impl AsRef<Path>) -> Result<Self, KeypairStoreError> {
        let root = root.as_ref().to_path_buf();
        ensure_dir(&root)?;
        let meta = fs::metadata(&root).map_err(|e| KeypairStoreError::io(&root, e))?;
        if meta.permissions().mode() & 0o002 != 0 {
            return Err(StorageError::WorldWritable { path: root }.into());
        }
        ensure_dir(&root.join(KEYS_DIR))?;
        Ok(Self {
            root,
            passphrase: None,
            kdf: KdfParams::default(),
        })
    }

    /// Opens a store whose new files are encrypted with `passphrase`; it reads both clear
    /// and encrypted files.
    pub fn open_encrypted(
        root: impl AsRef<Path>,
        passphrase: &[u8],
    ) -> Result<Self, KeypairStoreError> {
        let mut m = Self::open(root)?;
        m.passphrase = Some(Zeroizing::new(passphrase.to_vec()));
        Ok(m)
    }

    /// Sets the Argon2id costs used for new encrypted files.
    pub fn with_kdf_params(mut self, kdf: KdfParams) -> Self {
        self.kdf = kdf;
        self
    }

    /// The store's root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn key_path(&self, key_id: &str) -> PathBuf {
        self.root.join(KEYS_DIR).join(key_id)
    }

    /// Loads the private key itself (for export).
    pub fn load(&self, key_id: &str) -> Result<RsaPrivateKey, KeypairStoreError> {
        validate_key_id(key_id)?;
        let path = self.key_path(key_id);
        let contents = match fs::read(&path) {
            Ok(c) => Zeroizing::new(c),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(KeypairStoreError::KeyPairNotFound {
                    key_id: key_id.to_string(),
                });
            }
            Err(e) => return Err(KeypairStoreError::io(path, e)),
        };
        let key = if encrypted::is_encrypted(&contents) {
            let pass = self.passphrase.as_ref().ok_or(KeypairStoreError::Decrypt)?;
            let plain = encrypted::decrypt(&contents, key_id, pass)?;
            secret_key_packet::decode(&plain)?
        } else {
            secret_key_packet::decode(&contents)?
        };
        if key.key_id() != key_id {
            return Err(KeypairStoreError::PrivateKeyFile {
                reason: format!("file {} holds key {}", path.display(), key.key_id()),
            });
        }
        Ok(key)
    }

    fn write_atomic(
        path: &Path,
        contents: &[u8],
        create_new: bool,
    ) -> Result<(), KeypairStoreError> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let tmp = dir.join(format!(
            ".{}.tmp{}",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("key"),
            std::process::id()
        ));
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| KeypairStoreError::io(&tmp, e))?;
        f.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(|e| KeypairStoreError::io(&tmp, e))?;
        f.write_all(contents)
            .and_then(|()| f.sync_all())
            .map_err(|e| KeypairStoreError::io(&tmp, e))?;
        drop(f);
        if create_new {
            // hard_link fails if the target exists: no silent overwrite of a key.
            let r = fs::hard_link(&tmp, path);
            let _ = fs::remove_file(&tmp);
            match r {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    Err(KeypairStoreError::KeyPairExists {
                        key_id: path
                            .file_name()
                            .and_then(|n| n.to_str())
                            .unwrap_or_default()
                            .to_string(),
                    })
                }
                Err(e) => Err(KeypairStoreError::io(path, e)),
            }
        } else {
            fs::rename(&tmp, path).map_err(|e| KeypairStoreError::io(path, e))
        }
    }
}

impl KeypairManager for FsKeypairManager {
    fn put(&self, key: &RsaPrivateKey) -> Result<(), KeypairStoreError> {
        let id = key.key_id();
        let path = self.key_path(id);
        if path.exists() {
            return Err(KeypairStoreError::KeyPairExists {
                key_id: id.to_string(),
            });
        }
        let clear = secret_key_packet::encode(key)?;
        let contents = match &self.passphrase {
            Some(pass) => Zeroizing::new(encrypted::encrypt(clear.as_bytes(), id, pass, self.kdf)?),
            None => clear,
        };
        Self::write_atomic(&path, contents.as_bytes(), true)
    }

    fn get(&self, key_id: &str) -> Result<Arc<dyn Signer>, KeypairStoreError> {
        Ok(Arc::new(self.load(key_id)?))
    }

    fn delete(&self, key_id: &str) -> Result<(), KeypairStoreError> {
        validate_key_id(key_id)?;
        let path = self.key_path(key_id);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(KeypairStoreError::KeyPairNotFound {
                    key_id: key_id.to_string(),
                });
            }
            Err(e) => return Err(KeypairStoreError::io(path, e)),
        }
        for (name, id) in self.names()? {
            if id == key_id {
                let p = self.root.join(NAMES_DIR).join(&name);
                fs::remove_file(&p).map_err(|e| KeypairStoreError::io(p, e))?;
            }
        }
        Ok(())
    }

    fn key_ids(&self) -> Result<Vec<String>, KeypairStoreError> {
        let dir = self.root.join(KEYS_DIR);
        let mut ids = Vec::new();
        for entry in fs::read_dir(&dir).map_err(|e| KeypairStoreError::io(&dir, e))? {
            let entry = entry.map_err(|e| KeypairStoreError::io(&dir, e))?;
            if let Some(name) = entry.file_name().to_str()
                && validate_key_id(name).is_ok()
            {
                ids.push(name.to_string());
            }
        }
        ids.sort();
        Ok(ids)
    }

    fn set_name(&self, name: &str, key_id: &str) -> Result<(), KeypairStoreError> {
        validate_key_name(name)?;
        validate_key_id(key_id)?;
        if !self.key_path(key_id).exists() {
            return Err(KeypairStoreError::KeyPairNotFound {
                key_id: key_id.to_string(),
            });
        }
        let dir = self.root.join(NAMES_DIR);
        ensure_dir(&dir)?;
        Self::write_atomic(&dir.join(name), key_id.as_bytes(), false)
    }

    fn key_id_for_name(&self, name: &str) -> Result<String, KeypairStoreError> {
        validate_key_name(name)?;
        let path = self.root.join(NAMES_DIR).join(name);
        match fs::read_to_string(&path) {
            Ok(id) => Ok(id.trim().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(KeypairStoreError::KeyPairNotFound {
                    key_id: name.to_string(),
                })
            }
            Err(e) => Err(KeypairStoreError::io(path, e)),
        }
    }

    fn names(&self) -> Result<Vec<(String, String)>, KeypairStoreError> {
        let dir = self.root.join(NAMES_DIR);
        let rd = match fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(KeypairStoreError::io(dir, e)),
        };
        let mut out = Vec::new();
        for entry in rd {
            let entry = entry.map_err(|e| KeypairStoreError::io(&dir, e))?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            if validate_key_name(&name).is_err() {
                continue;
            }
            out.push((name.clone(), self.key_id_for_name(&name)?));
        }
        out.sort();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_clear() {
        let dir = tempfile::tempdir().unwrap();
        super::super::contract::check(&FsKeypairManager::open(dir.path().join("store")).unwrap());
    }

    #[test]
    fn contract_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let m = FsKeypairManager::open_encrypted(dir.path(), b"pw")
            .unwrap()
            .with_kdf_params(KdfParams {
                m_cost: 64,
                t_cost: 1,
                p_cost: 1,
            });
        super::super::contract::check(&m);
    }

    #[test]
    fn layout_and_modes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("assertions");
        let m = FsKeypairManager::open(&root).unwrap();
        let k = crate::test_keys::acme();
        m.put(k).unwrap();
        let file = root.join("private-keys-v1").join(k.key_id());
        let meta = fs::metadata(&file).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(
            fs::metadata(root.join("private-keys-v1"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o700
        );
        let text = fs::read_to_string(&file).unwrap();
        assert_eq!(text, *secret_key_packet::encode(k).unwrap());
        // no temporary files are left behind
        assert_eq!(
            fs::read_dir(root.join("private-keys-v1")).unwrap().count(),
            1
        );
    }

    #[test]
    fn encrypted_files_need_the_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let fast = KdfParams {
            m_cost: 64,
            t_cost: 1,
            p_cost: 1,
        };
        let enc = FsKeypairManager::open_encrypted(dir.path(), b"pw")
            .unwrap()
            .with_kdf_params(fast);
        let k = crate::test_keys::acme();
        enc.put(k).unwrap();
        let raw = fs::read(dir.path().join("private-keys-v1").join(k.key_id())).unwrap();
        assert!(encrypted::is_encrypted(&raw));
        let clear = FsKeypairManager::open(dir.path()).unwrap();
        assert!(matches!(
            clear.get(k.key_id()),
            Err(KeypairStoreError::Decrypt)
        ));
        let wrong = FsKeypairManager::open_encrypted(dir.path(), b"nope").unwrap();
        assert!(matches!(
            wrong.get(k.key_id()),
            Err(KeypairStoreError::Decrypt)
        ));
        assert_eq!(enc.get(k.key_id()).unwrap().key_id(), k.key_id());
    }

    #[test]
    fn world_writable_root_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
        assert!(matches!(
            FsKeypairManager::open(dir.path()),
            Err(KeypairStoreError::Storage(
                StorageError::WorldWritable { .. }
            ))
        ));
    }

    #[test]
    fn a_file_under_the_wrong_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let m = FsKeypairManager::open(dir.path()).unwrap();
        let k = crate::test_keys::acme();
        m.put(k).unwrap();
        let other = dir.path().join("private-keys-v1").join("otherid");
        fs::copy(dir.path().join("private-keys-v1").join(k.key_id()), &other).unwrap();
        assert!(matches!(
            m.get("otherid"),
            Err(KeypairStoreError::PrivateKeyFile { .. })
        ));
    }
}
