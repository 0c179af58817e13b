//! Brand keys and the sync key on a PKCS#11 token (an HSM): the `[pkcs11]` section of the
//! configuration ([`crate::config`]), cargo feature `pkcs11`.
//!
//! When a vault opens from its configuration ([`crate::VaultConfig::open_vault`]), it logs
//! in to the token and registers each listed key by its label: a brand key signs serials
//! ([`Vault::add_external_key`]: its row is added, or kept, under its account), the sync key
//! signs sync bundles ([`Vault::register_sync_signer`]; `vault sync init --token` makes
//! it the vault's sync identity). The private keys never leave the token; the database
//! holds only their rows.
//!
//! ```toml
//! [pkcs11]
//! module = "/usr/lib/softhsm/libsofthsm2.so"
//! token_label = "factory"
//! # The user PIN: a file, or an environment variable (exactly one of the two).
//! pin_file = "/etc/ucore-vault/token.pin"
//! # pin_env = "UCORE_VAULT_TOKEN_PIN"
//! # Brand keys that sign serials: the token's label of each, and its account.
//! keys = [{ label = "acme-serials", authority_id = "acme" }]
//! # The key that signs sync bundles (factory offline mode), by label.
//! sync_key = "factory-sync"
//! ```

use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;
use ucore_signing::Signer;

use crate::error::Error;
use crate::vault::Vault;

/// `[pkcs11]`: the token and the keys on it the vault uses.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TokenConfig {
    /// The PKCS#11 module (shared library).
    pub module: PathBuf,
    /// The token's label.
    pub token_label: String,
    /// A file holding the user PIN.
    pub pin_file: Option<PathBuf>,
    /// An environment variable holding the user PIN.
    pub pin_env: Option<String>,
    /// Brand keys that sign serials.
    #[serde(default)]
    pub keys: Vec<TokenKey>,
    /// The label of the key that signs sync bundles.
    pub sync_key: Option<String>,
}

/// A brand key on the token.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TokenKey {
    /// Its label on the token (also the key's name in the vault).
    pub label: String,
    /// The account it belongs to (the `authority-id` of the serials it signs).
    pub authority_id: String,
}

impl TokenConfig {
    /// The user PIN, from `pin_file` (its last line break dropped) or `pin_env`.
    fn pin(&self) -> Result<zeroize::Zeroizing<String>, Error> {
        match (&self.pin_file, &self.pin_env) {
            (Some(file), None) => std::fs::read_to_string(file)
                .map(|p| zeroize::Zeroizing::new(p.trim_end_matches(['\n', '\r']).to_string()))
                .map_err(|e| Error::io(format!("cannot read {}", file.display()), e)),
            (None, Some(var)) => std::env::var(var)
                .map(zeroize::Zeroizing::new)
                .map_err(|_| Error::config(format!("[pkcs11] pin_env: ${var} is not set"))),
            _ => Err(Error::config(
                "[pkcs11] needs exactly one of pin_file and pin_env",
            )),
        }
    }

    /// Logs in to the token and registers its keys with `vault` (see the module doc);
    /// returns the sync key's signer, if the section names one (for
    /// [`Vault::sync_init_external`]). The token is opened once: a process logs in to a
    /// token once.
    pub async fn register(&self, vault: &Vault) -> Result<Option<Arc<dyn Signer>>, Error> {
        let pin = self.pin()?;
        let signers = open::signers(self, &pin)?;
        for (key, signer) in self.keys.iter().zip(signers.brand) {
            vault
                .add_external_key(&key.authority_id, &key.label, signer)
                .await?;
        }
        if let Some(signer) = &signers.sync {
            vault.register_sync_signer(signer.clone())?;
        }
        Ok(signers.sync)
    }
}

/// The token's signers for a [`TokenConfig`]: its brand keys in order, and the sync key.
struct Signers {
    brand: Vec<Arc<dyn Signer>>,
    sync: Option<Arc<dyn Signer>>,
}

#[cfg(feature = "pkcs11")]
mod open {
    //! The token, through `ucore-signing`'s PKCS#11 signer.

    use std::sync::Arc;

    use ucore_signing::{Pkcs11Token, Signer};

    use super::{Signers, TokenConfig};
    use crate::error::Error;

    fn token(config: &TokenConfig, pin: &str) -> Result<Pkcs11Token, Error> {
        Pkcs11Token::open(&config.module, &config.token_label, pin).map_err(|e| Error::KeyStore {
            reason: format!(
                "cannot open the PKCS#11 token {:?}: {e}",
                config.token_label
            ),
        })
    }

    fn key(
        token: &Pkcs11Token,
        config: &TokenConfig,
        label: &str,
    ) -> Result<Arc<dyn Signer>, Error> {
        let signer = token.signer(label).map_err(|e| Error::KeyStore {
            reason: format!(
                "the PKCS#11 token {:?} has no usable key {label:?}: {e}",
                config.token_label
            ),
        })?;
        Ok(Arc::new(signer))
    }

    pub(super) fn signers(config: &TokenConfig, pin: &str) -> Result<Signers, Error> {
        let token = token(config, pin)?;
        let brand = config
            .keys
            .iter()
            .map(|k| key(&token, config, &k.label))
            .collect::<Result<_, _>>()?;
        let sync = config
            .sync_key
            .as_deref()
            .map(|label| key(&token, config, label))
            .transpose()?;
        Ok(Signers { brand, sync })
    }
}

#[cfg(not(feature = "pkcs11"))]
mod open {
    //! Without the cargo feature `pkcs11`: a `[pkcs11]` section is refused.

    use super::{Signers, TokenConfig};
    use crate::error::Error;

    fn no_pkcs11() -> Error {
        Error::config("[pkcs11]: this build has no PKCS#11 support (cargo feature `pkcs11`)")
    }

    pub(super) fn signers(_: &TokenConfig, _: &str) -> Result<Signers, Error> {
        Err(no_pkcs11())
    }
}
