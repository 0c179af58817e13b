//! A vault's sync identity (its vault id and sync key) and the factories a central vault
//! trusts.
//!
//! The sync key is an RSA key (at least 2048 bits) kept like the brand keys: sealed under
//! the master secret in the vault's database ([`crate::keystore`]), or held by a PKCS#11
//! token and registered in the process ([`Vault::sync_init_external`],
//! [`Vault::register_sync_signer`]). It signs bundles only: the central knows it from
//! `vault sync trust`, never as a brand key.

use std::sync::Arc;

use ucore_signing::{RsaPrivateKey, RsaPublicKey, Signer};

use super::error::SyncError;
use super::state::{SyncIdentity, TrustedFactory};
use crate::error::Error;
use crate::store::KeypairRecord;
use crate::vault::{MIN_KEY_BITS, Vault, names};

/// Refuses a vault id snapd's account-id rules refuse (2 to 28 lowercase letters, digits
/// and dashes): ids name bundle files.
pub fn check_vault_id(field: &'static str, id: &str) -> Result<(), SyncError> {
    names::check_account_id(field, id).map_err(SyncError::VaultId)
}

fn check_bits(key: &RsaPublicKey) -> Result<(), SyncError> {
    if key.bits() < MIN_KEY_BITS {
        return Err(SyncError::WeakKey {
            key_id: key.key_id().to_string(),
            bits: key.bits(),
        });
    }
    Ok(())
}

fn now() -> String {
    ucore_signing::signature::rfc3339_utc(ucore_assertions::Timestamp::now())
}

/// The key-store row the sync key is unsealed through.
fn keypair_of(identity: &SyncIdentity) -> KeypairRecord {
    KeypairRecord {
        authority_id: identity.vault_id.clone(),
        key_id: identity.key_id.clone(),
        key_name: "sync".into(),
        active: true,
        sealed_key: identity.sealed_key.clone(),
        account_assertion: None,
        account_key_assertion: None,
    }
}

impl Vault {
    /// Gives this vault its sync identity: `vault_id` and the sync key `key`, sealed under
    /// the master secret. Refused when it has one already ([`SyncError::AlreadyInitialised`]).
    pub async fn sync_init(
        &self,
        vault_id: &str,
        key: &RsaPrivateKey,
    ) -> Result<SyncIdentity, Error> {
        check_vault_id("vault_id", vault_id)?;
        check_bits(key.public_key())?;
        let sealed = self.key_store().seal(key)?;
        self.set_identity(vault_id, key.key_id(), sealed).await
    }

    /// [`Vault::sync_init`] with a key this process does not hold (a PKCS#11 token): the
    /// database records `external:LABEL`; every process that exports registers the signer
    /// again with [`Vault::register_sync_signer`].
    pub async fn sync_init_external(
        &self,
        vault_id: &str,
        label: &str,
        signer: Arc<dyn Signer>,
    ) -> Result<SyncIdentity, Error> {
        check_vault_id("vault_id", vault_id)?;
        check_bits(signer.public_key())?;
        let key_id = signer.key_id().to_string();
        let marker = self.key_store().register_external(label, signer)?;
        self.set_identity(vault_id, &key_id, marker).await
    }

    /// Makes an external sync key (see [`Vault::sync_init_external`]) usable in this process.
    pub fn register_sync_signer(&self, signer: Arc<dyn Signer>) -> Result<(), Error> {
        self.key_store().register_external("sync", signer).map(drop)
    }

    async fn set_identity(
        &self,
        vault_id: &str,
        key_id: &str,
        sealed_key: String,
    ) -> Result<SyncIdentity, Error> {
        let identity = SyncIdentity {
            vault_id: vault_id.to_string(),
            key_id: key_id.to_string(),
            sealed_key,
            created: now(),
        };
        if !self.store().sync_set_identity(identity.clone()).await? {
            let had = self.sync_identity().await?;
            return Err(SyncError::AlreadyInitialised {
                vault_id: had.vault_id,
                key_id: had.key_id,
            }
            .into());
        }
        tracing::info!(vault_id, key_id, "sync identity set");
        Ok(identity)
    }

    /// This vault's sync identity ([`SyncError::NoIdentity`] without one).
    pub async fn sync_identity(&self) -> Result<SyncIdentity, Error> {
        Ok(self
            .store()
            .sync_identity()
            .await?
            .ok_or(SyncError::NoIdentity)?)
    }

    /// The identity and its signer.
    pub(crate) async fn sync_signer(&self) -> Result<(SyncIdentity, Arc<dyn Signer>), Error> {
        let identity = self.sync_identity().await?;
        let signer = self.key_store().signer(&keypair_of(&identity))?;
        Ok((identity, signer))
    }

    /// The sync key's public half as SPKI PEM: what the central's `vault sync trust` takes.
    pub async fn sync_public_key(&self) -> Result<String, Error> {
        let (_, signer) = self.sync_signer().await?;
        Ok(signer
            .public_key()
            .to_spki_pem()
            .map_err(ucore_signing::Error::from)?)
    }

    /// Registers factory `factory` with its sync key's public half (`public_key_pem`, as
    /// [`Vault::sync_public_key`] prints it): this vault then imports its bundles. Again
    /// with the same key: nothing changes; with another key: refused
    /// ([`SyncError::FactoryKeyChanged`]).
    pub async fn sync_trust(
        &self,
        factory: &str,
        public_key_pem: &str,
    ) -> Result<TrustedFactory, Error> {
        check_vault_id("factory", factory)?;
        if let Some(me) = self.store().sync_identity().await?
            && me.vault_id == factory
        {
            return Err(SyncError::SelfSync {
                vault_id: me.vault_id,
            }
            .into());
        }
        let key =
            RsaPublicKey::from_pem(public_key_pem).map_err(|source| SyncError::PublicKey {
                factory: factory.to_string(),
                source: Box::new(source),
            })?;
        check_bits(&key)?;
        let wanted = TrustedFactory {
            vault_id: factory.to_string(),
            key_id: key.key_id().to_string(),
            public_key: key.to_spki_pem().map_err(ucore_signing::Error::from)?,
            added: now(),
        };
        self.store().sync_add_factory(wanted.clone()).await?;
        let stored = self
            .sync_factory(factory)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: format!("factory {factory}"),
            })?;
        if stored.key_id != wanted.key_id {
            return Err(SyncError::FactoryKeyChanged {
                factory: factory.to_string(),
                trusted: stored.key_id,
                key_id: wanted.key_id,
            }
            .into());
        }
        tracing::info!(factory, key_id = %stored.key_id, "sync factory trusted");
        Ok(stored)
    }

    /// The factories this vault imports from.
    pub async fn sync_factories(&self) -> Result<Vec<TrustedFactory>, Error> {
        self.store().sync_factories().await
    }

    /// The factory `factory`, if trusted.
    pub(crate) async fn sync_factory(
        &self,
        factory: &str,
    ) -> Result<Option<TrustedFactory>, Error> {
        Ok(self
            .sync_factories()
            .await?
            .into_iter()
            .find(|f| f.vault_id == factory))
    }
}
