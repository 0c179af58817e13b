//! The Serial Vault server: the signing API snapd devices call (the Serial Vault's
//! `service/router.go` `SigningRouter`) and the admin API operators use (`AdminRouter`).
//!
//! [`Vault`] holds the store, the key store and the settings; its methods are the
//! operations, free of HTTP: [`crate::http`] puts them on the wire.
//!
//! ## What the admin operations refuse
//!
//! * Names snapd would refuse ([`names`]): brand and authority ids, model names, key
//!   names, sub-store stores, serial numbers.
//! * RSA keys below 2048 bits, imported, generated or registered ([`Error::WeakKey`]).
//! * A model whose signing key belongs to another account than its brand
//!   ([`Error::KeyNotOfBrand`]), when the model is added and when its key changes: the vault
//!   signs serials with `authority-id` set to the brand, and snapd checks the signing key
//!   against that authority (`found public key "…" from "…" but expected it from: …`), so
//!   such a model could only produce serials devices refuse. (A model's `serial-authority`
//!   lets snapd accept serials from other authorities, but their `authority-id` is then that
//!   authority: the vault does not sign those.)
//!
//! ## Serial numbers
//!
//! A serial number is an exact, case-sensitive string, as in the Serial Vault (its
//! `signinglog` and `substore` rows match `serial_number` exactly) and in snapd (the
//! `serial` header is part of the assertion's primary key): the vault never trims nor
//! case-folds it, so `A123` and `a123` are two devices. What the vault refuses, wherever it
//! reads a serial (the serial-request's `serial` header or body in `/v1/serial`, the admin
//! API's release and sub-store rows): an empty serial, one over 128 bytes, one with `/`
//! (refused by snapd in a primary key), a control character (a newline, a tab) or leading or
//! trailing whitespace ([`names::check_serial`]). A serial read from the serial-request's
//! body is a YAML scalar: its quotes and surrounding blanks are YAML syntax, not part of it.

pub mod names;
mod remodel;
pub mod request;
pub mod serial;
mod substore;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use sha1::Digest as _;
use subtle::ConstantTimeEq;
use ucore_assertions::{AssertionAccess, Timestamp};
use ucore_signing::{RsaPrivateKey, RsaPublicKey};
use zeroize::Zeroizing;

use crate::error::Error;
use crate::keystore::KeyStore;
use crate::store::{
    IssueOutcome, KeypairRecord, LogFilter, ModelRecord, NewLogRow, SigningLogRow, Store,
};

/// Behaviour knobs of a vault.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a request-id (nonce) stays valid (600 s, as the Serial Vault).
    pub nonce_ttl: Duration,
    /// Largest accepted `/v1/serial` body (413 beyond). It also bounds what one request's
    /// decode may take, since every decoder is linear in its input (tested by the crates'
    /// `tests/hostile.rs`): 16 bytes per input byte plus 1 MiB for the assertion text
    /// (about 2 MiB at the default 64 KiB), and at worst 256 bytes per byte for an
    /// account-key's compiled constraints (the body's first assertion is decoded before its
    /// type is checked), so under 20 MiB at the default.
    pub max_body_bytes: usize,
    /// Append the brand's account and account-key after the serial when the device sends
    /// `Snap-Device-Capabilities: serial-stream` and the key has them.
    pub stream_ancillary: bool,
    /// The version string of `/v1/version`.
    pub version: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            nonce_ttl: Duration::from_secs(600),
            max_body_bytes: 64 * 1024,
            stream_ancillary: true,
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// A Serial Vault.
#[derive(Clone, Debug)]
pub struct Vault {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    keys: Arc<KeyStore>,
    settings: Settings,
    admin_token: Option<Zeroizing<String>>,
    /// Keypair rows by key id, read once: a row never changes but for `active`, which
    /// the signing path takes from the (always fresh) model row instead.
    keypairs: Arc<std::sync::RwLock<std::collections::HashMap<String, Arc<KeypairRecord>>>>,
}

/// Whether `given` equals one of `keys`, in time independent of where (or whether) it
/// matches (beyond lengths).
fn ct_contains<'a>(keys: impl IntoIterator<Item = &'a str>, given: &str) -> bool {
    let mut found = subtle::Choice::from(0u8);
    for k in keys {
        found |= k.as_bytes().ct_eq(given.as_bytes());
    }
    found.into()
}

fn now_rfc3339() -> String {
    Timestamp::now().trunc_to_second().to_string()
}

/// A new request-id: 40 hex digits, SHA-1 of 64 random characters and the Unix time
/// (the Serial Vault's `datastore/noncemanager.go`).
fn new_nonce(now: i64) -> String {
    let mut random = [0u8; 48];
    rand::fill(&mut random);
    let text = base64::engine::general_purpose::STANDARD.encode(random);
    let digest = sha1::Sha1::digest(format!("{text}{now}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random API key (32 URL-safe characters).
pub fn new_api_key() -> String {
    let mut random = [0u8; 24];
    rand::fill(&mut random);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random)
}

impl Vault {
    /// A vault over `store`, with keys sealed by `keys`.
    pub fn new(store: Store, keys: KeyStore, settings: Settings) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                keys: Arc::new(keys),
                settings,
                admin_token: None,
                keypairs: Arc::default(),
            }),
        }
    }

    /// The same vault with admin token `token` (the admin API refuses everything without one),
    /// or [`Error::Config`] if it is shorter than [`crate::config::MIN_ADMIN_TOKEN_BYTES`].
    pub fn try_with_admin_token(self, token: impl Into<String>) -> Result<Self, Error> {
        let token = Zeroizing::new(token.into());
        crate::config::check_admin_token(&token)?;
        Ok(self.with_admin_token(token.as_str()))
    }

    /// The same vault with admin token `token` (the admin API refuses everything without
    /// one). A token shorter than [`crate::config::MIN_ADMIN_TOKEN_BYTES`] is logged as an
    /// error and matches no request: the admin API then refuses everything (prefer
    /// [`Vault::try_with_admin_token`], which refuses it).
    pub fn with_admin_token(self, token: impl Into<String>) -> Self {
        let token = Zeroizing::new(token.into());
        if let Err(e) = crate::config::check_admin_token(&token) {
            tracing::error!(error = %e, "admin API disabled");
        }
        let inner = Inner {
            store: self.inner.store.clone(),
            keys: self.inner.keys.clone(),
            settings: self.inner.settings.clone(),
            admin_token: Some(token),
            keypairs: self.inner.keypairs.clone(),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The key store (the sync key is sealed in it too).
    pub(crate) fn key_store(&self) -> &KeyStore {
        &self.inner.keys
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub(crate) fn check_admin_token(&self, given: Option<&str>) -> Result<(), Error> {
        match (&self.inner.admin_token, given) {
            (Some(t), _) if t.len() < crate::config::MIN_ADMIN_TOKEN_BYTES => {
                Err(Error::InvalidAdminToken)
            }
            (Some(t), Some(g)) if bool::from(t.as_bytes().ct_eq(g.as_bytes())) => Ok(()),
            _ => Err(Error::InvalidAdminToken),
        }
    }

    pub(crate) async fn check_api_key(&self, api_key: Option<&str>) -> Result<String, Error> {
        let given = api_key
            .filter(|k| !k.is_empty())
            .ok_or(Error::InvalidApiKey)?;
        let keys = self.inner.store.api_keys().await?;
        if ct_contains(keys.iter().map(String::as_str), given) {
            Ok(given.to_string())
        } else {
            Err(Error::InvalidApiKey)
        }
    }

    /// `POST /v1/request-id`: a fresh single-use nonce.
    pub async fn request_id(&self, api_key: Option<&str>) -> Result<String, Error> {
        self.check_api_key(api_key).await?;
        let now = Timestamp::now();
        let nonce = new_nonce(now.as_second());
        let ttl = self.inner.settings.nonce_ttl;
        self.inner
            .store
            .create_nonce(&nonce, now, ttl)
            .await
            .map_err(|e| Error::GenerateNonce { source: e.into() })?;
        Ok(nonce)
    }

    /// The keypair row `key_id`, from the in-process cache after its first read (its
    /// `active` flag may be stale: callers take it from the model row).
    async fn keypair(&self, key_id: &str) -> Result<Option<Arc<KeypairRecord>>, Error> {
        let poisoned = || Error::KeyStore {
            reason: "poisoned keypair cache".into(),
        };
        if let Some(k) = self
            .inner
            .keypairs
            .read()
            .map_err(|_| poisoned())?
            .get(key_id)
        {
            return Ok(Some(k.clone()));
        }
        let Some(record) = self.inner.store.keypair(key_id).await? else {
            return Ok(None);
        };
        let record = Arc::new(record);
        self.inner
            .keypairs
            .write()
            .map_err(|_| poisoned())?
            .insert(key_id.to_string(), record.clone());
        Ok(Some(record))
    }

    /// `POST /v1/serial`: checks `body` in the order of the Serial Vault's `Serial` handler
    /// (`service/sign/handlers_sign.go`) and returns
    /// the signed serial (plus account and account-key when `stream` and available).
    pub async fn sign_serial(
        &self,
        api_key: Option<&str>,
        body: &[u8],
        stream: bool,
    ) -> Result<Vec<u8>, Error> {
        // 1. api-key
        let api_key = self.check_api_key(api_key).await?;
        // 2. the stream
        let parsed = request::parse_request(body)?;
        let req = parsed.request()?;
        // 3. self-signature
        let device_key = RsaPublicKey::from_openpgp(&req.device_key)
            .map_err(|e| Error::InvalidAssertion(e.into()))?;
        ucore_signing::verify_signature(&parsed.serial_request, &device_key)
            .map_err(|e| Error::InvalidAssertion(e.into()))?;
        // 4. model match
        if let Some(model) = &parsed.model {
            let (mb, mm) = (
                model.header_str("brand-id").unwrap_or(""),
                model.header_str("model").unwrap_or(""),
            );
            if mb != req.brand_id || mm != req.model {
                return Err(Error::MismatchedModel {
                    requested: format!("{}/{}", req.brand_id, req.model),
                    model: format!("{mb}/{mm}"),
                });
            }
        }
        // 5. remodel re-registration (remodel.rs)
        let sr = &parsed.serial_request;
        self.check_remodel(&parsed, &api_key).await?;
        // 6. the nonce, consumed whatever happens next
        if !self
            .inner
            .store
            .consume_nonce(
                req.request_id,
                Timestamp::now(),
                self.inner.settings.nonce_ttl,
            )
            .await?
        {
            return Err(Error::InvalidNonce);
        }
        // 7. the model row for (brand, model, api-key); 8. its key active
        let invalid_model = |inactive_key| Error::InvalidModel {
            brand_id: req.brand_id.to_string(),
            model: req.model.to_string(),
            inactive_key,
        };
        let model: ModelRecord = match self
            .inner
            .store
            .model(req.brand_id, req.model)
            .await?
            .filter(|m| bool::from(m.api_key.as_bytes().ct_eq(api_key.as_bytes())))
        {
            Some(m) => m,
            // else a sub-store row: the from-model's key signs (remodel.rs)
            None => self
                .substore_model(
                    req.brand_id,
                    req.model,
                    sr.header_str("serial").unwrap_or(""),
                    &api_key,
                )
                .await?
                .ok_or_else(|| invalid_model(false))?,
        };
        if !model.key_active {
            return Err(invalid_model(true));
        }
        let keypair = self
            .keypair(&model.key_id)
            .await?
            .ok_or_else(|| invalid_model(true))?;
        let signer = self
            .inner
            .keys
            .signer(&keypair)
            .map_err(|e| Error::SigningAssertion(e.into()))?;
        // 9.–11. build, check duplicates, sign, log (retrying if a concurrent request
        // took the revision)
        let serial_number = serial::requested_serial(sr)?;
        names::check_serial("serial", &serial_number)
            .map_err(|e| Error::CreateAssertion(e.into()))?;
        let fingerprint = sr.sign_key_sha3_384().unwrap_or("").to_string();
        let mut last = Error::LoggingAssertion {
            source: "too much contention".into(),
        };
        for _ in 0..5 {
            let revision = self
                .inner
                .store
                .next_revision(req.brand_id, req.model, &serial_number, &fingerprint)
                .await?;
            let builder = serial::build_serial(sr, &serial_number, revision, &now_rfc3339())?;
            let signer = signer.clone();
            let signed = tokio::task::spawn_blocking(move || {
                ucore_signing::sign_assertion(&builder, &*signer)
            })
            .await
            .map_err(blocking_failed)?
            .map_err(|e| Error::SigningAssertion(e.into()))?;
            let text = signed.encode();
            let row = NewLogRow {
                make: req.brand_id.to_string(),
                model: req.model.to_string(),
                serial_number: serial_number.clone(),
                fingerprint: fingerprint.clone(),
                revision,
                created: now_rfc3339(),
                assertion: String::from_utf8_lossy(&text).into_owned(),
            };
            match self.inner.store.log_serial(row).await {
                Ok(IssueOutcome::Logged) => {
                    tracing::info!(brand = req.brand_id, model = req.model, serial = %serial_number, revision, key_id = %model.key_id, "serial signed");
                    let mut out = text;
                    if stream && self.inner.settings.stream_ancillary {
                        for extra in [&keypair.account_assertion, &keypair.account_key_assertion]
                            .into_iter()
                            .flatten()
                        {
                            out.extend_from_slice(b"\n");
                            out.extend_from_slice(extra.trim_end().as_bytes());
                            out.extend_from_slice(b"\n");
                        }
                    }
                    return Ok(out);
                }
                Ok(IssueOutcome::RevisionTaken) => continue,
                Err(e @ Error::DuplicateSerial { .. }) => return Err(e),
                Err(e) => {
                    last = Error::LoggingAssertion { source: e.into() };
                    break;
                }
            }
        }
        Err(last)
    }

    // ---- admin operations ---------------------------------------------------------------

    /// Imports a PEM private key for `authority_id`, sealed under the master secret,
    /// optionally with the brand's account and the key's account-key assertions.
    pub async fn import_key(
        &self,
        authority_id: &str,
        name: &str,
        pem: &str,
        account: Option<String>,
        account_key: Option<String>,
    ) -> Result<KeypairRecord, Error> {
        let key = RsaPrivateKey::from_pem(pem).map_err(|e| Error::InvalidInput(e.into()))?;
        self.add_key(authority_id, name, &key, account, account_key)
            .await
    }

    /// Generates an RSA key of `bits` bits (4096 as snapd) for `authority_id`.
    pub async fn generate_key(
        &self,
        authority_id: &str,
        name: &str,
        bits: usize,
    ) -> Result<KeypairRecord, Error> {
        if !(MIN_KEY_BITS..=8192).contains(&bits) {
            return Err(Error::invalid_input(format!(
                "key size {bits} is not in {MIN_KEY_BITS}..=8192"
            )));
        }
        check_key_names(authority_id, name)?;
        let key = tokio::task::spawn_blocking(move || RsaPrivateKey::generate(bits))
            .await
            .map_err(blocking_failed)?
            .map_err(ucore_signing::Error::from)?;
        self.add_key(authority_id, name, &key, None, None).await
    }

    /// Stores `key` (sealed).
    pub async fn add_key(
        &self,
        authority_id: &str,
        name: &str,
        key: &RsaPrivateKey,
        account: Option<String>,
        account_key: Option<String>,
    ) -> Result<KeypairRecord, Error> {
        check_key_size(key.key_id(), key.public_key().bits())?;
        check_key_names(authority_id, name)?;
        let sealed = self.inner.keys.seal(key)?;
        self.insert_keypair(
            authority_id,
            name,
            key.key_id(),
            sealed,
            account,
            account_key,
        )
        .await
    }

    /// Registers a key held by `signer` (an HSM through PKCS#11, …): the row records it, the
    /// signer stays in this process.
    pub async fn add_external_key(
        &self,
        authority_id: &str,
        name: &str,
        signer: Arc<dyn ucore_signing::Signer>,
    ) -> Result<KeypairRecord, Error> {
        let key_id = signer.key_id().to_string();
        check_key_size(&key_id, signer.public_key().bits())?;
        let marker = self.inner.keys.register_external(name, signer)?;
        self.insert_keypair(authority_id, name, &key_id, marker, None, None)
            .await
    }

    async fn insert_keypair(
        &self,
        authority_id: &str,
        name: &str,
        key_id: &str,
        sealed_key: String,
        account: Option<String>,
        account_key: Option<String>,
    ) -> Result<KeypairRecord, Error> {
        check_key_names(authority_id, name)?;
        let record = KeypairRecord {
            authority_id: authority_id.to_string(),
            key_id: key_id.to_string(),
            key_name: name.to_string(),
            active: true,
            sealed_key,
            account_assertion: account,
            account_key_assertion: account_key,
        };
        self.inner.store.add_keypair(record.clone()).await?;
        tracing::info!(authority = authority_id, key_id, "signing key stored");
        Ok(record)
    }

    /// Every key (without key material).
    pub async fn keys(&self) -> Result<Vec<KeypairRecord>, Error> {
        self.inner.store.keypairs().await
    }

    /// Activates or deactivates a key.
    pub async fn set_key_active(&self, key_id: &str, active: bool) -> Result<(), Error> {
        self.inner.store.set_keypair_active(key_id, active).await
    }

    /// Adds a model signed by `key_id`; a new API key is made when `api_key` is `None`.
    /// Returns the model.
    pub async fn add_model(
        &self,
        brand_id: &str,
        model: &str,
        key_id: &str,
        api_key: Option<String>,
    ) -> Result<ModelRecord, Error> {
        let api_key = api_key.unwrap_or_else(new_api_key);
        if api_key.len() < 10 {
            return Err(Error::invalid_input(
                "the API key must be at least 10 characters",
            ));
        }
        self.check_model_key(brand_id, model, key_id).await?;
        self.inner
            .store
            .add_model(brand_id, model, key_id, &api_key)
            .await?;
        self.inner
            .store
            .model(brand_id, model)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: format!("model {brand_id}/{model}"),
            })
    }

    /// Refuses a model name snapd refuses, and a signing key that is unknown or belongs
    /// to another account than the brand (see the module doc).
    async fn check_model_key(
        &self,
        brand_id: &str,
        model: &str,
        key_id: &str,
    ) -> Result<(), Error> {
        names::check_account_id("brand_id", brand_id)?;
        names::check_model("model", model)?;
        let key = self
            .inner
            .store
            .keypair(key_id)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: format!("key {key_id}"),
            })?;
        if key.authority_id != brand_id {
            return Err(Error::KeyNotOfBrand {
                brand_id: brand_id.to_string(),
                model: model.to_string(),
                key_id: key_id.to_string(),
                key_authority: key.authority_id.clone(),
            });
        }
        Ok(())
    }

    /// Every model.
    pub async fn models(&self) -> Result<Vec<ModelRecord>, Error> {
        self.inner.store.models().await
    }

    /// Changes the key a model's serials are signed with.
    pub async fn set_model_key(
        &self,
        brand_id: &str,
        model: &str,
        key_id: &str,
    ) -> Result<(), Error> {
        self.check_model_key(brand_id, model, key_id).await?;
        self.inner
            .store
            .set_model_key(brand_id, model, key_id)
            .await
    }

    /// Gives a model a new random API key and returns it.
    pub async fn rotate_api_key(&self, brand_id: &str, model: &str) -> Result<String, Error> {
        let key = new_api_key();
        self.inner
            .store
            .set_model_api_key(brand_id, model, &key)
            .await?;
        Ok(key)
    }

    /// The signing log.
    pub async fn signing_log(&self, filter: LogFilter) -> Result<Vec<SigningLogRow>, Error> {
        self.inner.store.signing_log(filter).await
    }

    /// Releases a serial number so another device key may get it.
    pub async fn release_serial(
        &self,
        brand_id: &str,
        model: &str,
        serial: &str,
    ) -> Result<u64, Error> {
        names::check_account_id("brand_id", brand_id)?;
        names::check_model("model", model)?;
        names::check_serial("serial", serial)?;
        let n = self
            .inner
            .store
            .release_serial(brand_id, model, serial)
            .await?;
        if n == 0 {
            return Err(Error::NotFound {
                what: format!("serial {brand_id}/{model}/{serial}"),
            });
        }
        Ok(n)
    }
}

/// The smallest RSA key the vault stores (snapd's own keys have 4096 bits).
pub const MIN_KEY_BITS: usize = 2048;

fn check_key_size(key_id: &str, bits: usize) -> Result<(), Error> {
    if bits < MIN_KEY_BITS {
        return Err(Error::WeakKey {
            key_id: key_id.to_string(),
            bits,
        });
    }
    Ok(())
}

fn check_key_names(authority_id: &str, name: &str) -> Result<(), Error> {
    names::check_account_id("authority_id", authority_id)?;
    names::check_key_name("name", name)?;
    Ok(())
}

/// A blocking task (signing, key generation) that did not finish: a panic in it is logged
/// and answered as [`Error::RequestPanicked`], like a panic in a handler; a task cancelled
/// by the runtime's shutdown is a signing failure.
fn blocking_failed(e: tokio::task::JoinError) -> Error {
    if e.is_panic() {
        tracing::error!(error = %e, "blocking task panicked");
        Error::RequestPanicked
    } else {
        Error::SigningAssertion(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_40_hex_and_distinct() {
        let a = new_nonce(1);
        let b = new_nonce(1);
        assert_eq!(a.len(), 40);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn ct_contains_matches_exactly() {
        assert!(ct_contains(["abc", "defghijkl"], "defghijkl"));
        assert!(!ct_contains(["abc"], "abcd"));
        assert!(!ct_contains(Vec::<&str>::new(), "x"));
    }
}
