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
//! * RSA keys below 2048 bits, imported, generated or registered ([`Error::WeakKey`]); a
//!   weak key stored by an older vault does not sign either (`signing-assertion`).
//! * A model whose signing key belongs to an account that is neither its brand nor in its
//!   `serial-authority` ([`Error::KeyNotOfBrand`]), when the model is added, when its key
//!   changes and when its `serial-authority` changes: snapd checks a serial's signing key
//!   against its `authority-id` (`found public key "…" from "…" but expected it from: …`),
//!   and accepts an `authority-id` other than the brand only when the model assertion lists
//!   it in `serial-authority`, so such a model could only produce serials devices refuse.
//!
//! ## Serial authorities
//!
//! A model row may carry the model assertion's `serial-authority` (the accounts besides
//! the brand that may sign its serials: [`ModelRecord::serial_authority`]). The vault signs
//! a serial with `authority-id` set to the account its signing key belongs to: the brand's
//! key gives a serial of the brand; a key of a listed account (a contract manufacturer's,
//! say) gives a serial of that account, which snapd accepts when the device's model assertion
//! lists it. When the device sends its model assertion in the serial-request stream, the
//! vault checks that list itself and refuses, with snapd's text, a serial the device would
//! refuse.
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

mod buckets;
pub mod names;
pub mod nonce_budget;
pub mod rate_limit;
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
    IssueOutcome, KeypairRecord, LogFilter, ModelRecord, NewLogRow, NewModel, SigningLogRow, Store,
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
    /// The rate limits of `/v1/request-id` and `/v1/serial` ([`rate_limit`]).
    pub rate_limits: rate_limit::RateLimits,
    /// The most request-ids the nonce table may hold before `/v1/request-id` is refused
    /// (503); 0 for no bound ([`nonce_budget`]). Default 100 000: three API keys at their
    /// default sustained rate for a whole nonce lifetime (3 × 50/s × 600 s), about 12 MB.
    pub max_nonces: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            nonce_ttl: Duration::from_secs(600),
            max_body_bytes: 64 * 1024,
            stream_ancillary: true,
            version: env!("CARGO_PKG_VERSION").to_string(),
            rate_limits: rate_limit::RateLimits::default(),
            max_nonces: 100_000,
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
    /// The rate limits' state ([`rate_limit`]).
    throttle: Arc<rate_limit::Throttle>,
    /// The nonce table's count and bound ([`nonce_budget`]).
    nonces: Arc<nonce_budget::NonceBudget>,
    /// Self-signatures verified at once, off the async workers (see [`Vault::sign_serial`]).
    verifiers: Arc<tokio::sync::Semaphore>,
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
        let verifiers = std::thread::available_parallelism().map_or(2, |n| n.get().max(2));
        Self {
            inner: Arc::new(Inner {
                store,
                keys: Arc::new(keys),
                throttle: Arc::new(rate_limit::Throttle::new(&settings.rate_limits)),
                nonces: Arc::new(nonce_budget::NonceBudget::new(settings.max_nonces)),
                verifiers: Arc::new(tokio::sync::Semaphore::new(verifiers)),
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
            throttle: self.inner.throttle.clone(),
            nonces: self.inner.nonces.clone(),
            verifiers: self.inner.verifiers.clone(),
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

    /// The rate limits' state (the HTTP layer applies the per-address limits with it).
    pub fn throttle(&self) -> &rate_limit::Throttle {
        &self.inner.throttle
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

    /// `POST /v1/request-id`: a fresh single-use nonce. Refused over the API key's rate
    /// limit ([`Error::RateLimited`]) and while the nonce table is full
    /// ([`Error::NonceTableFull`]).
    pub async fn request_id(&self, api_key: Option<&str>) -> Result<String, Error> {
        let api_key = self.check_api_key(api_key).await?;
        self.inner
            .throttle
            .check_api_key(crate::metrics::Endpoint::RequestId, &api_key)?;
        self.inner.nonces.reserve(&self.inner.store).await?;
        let now = Timestamp::now();
        let nonce = new_nonce(now.as_second());
        let ttl = self.inner.settings.nonce_ttl;
        if let Err(e) = self.inner.store.create_nonce(&nonce, now, ttl).await {
            self.inner.nonces.not_made();
            return Err(Error::GenerateNonce { source: e.into() });
        }
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

    /// `POST /v1/serial`: checks `body` and returns the signed serial (plus account and
    /// account-key when `stream` and available).
    ///
    /// ## The order of the checks
    ///
    /// Cheap checks first: a request that fails one never costs a signature verification.
    /// The Serial Vault's `Serial` handler (`service/sign/handlers_sign.go`) verifies the
    /// self-signature (its step 3) before it compares the model (4) and looks at the nonce
    /// (6); this vault runs, in order:
    ///
    /// 1. the `api-key` (`invalid-api-key`), then its rate limit (`rate-limited`, 503);
    /// 2. the stream (`empty-data`, `invalid-assertion`, `invalid-type`,
    ///    `invalid-second-type`);
    /// 3. the model against the request (`mismatched-model`), no I/O;
    /// 4. the request-id: one read by its key, **not consumed** (`invalid-nonce`);
    /// 5. the self-signature (`invalid-assertion`), off the async workers on tokio's
    ///    blocking pool, at most one per CPU at once (a flood of 16384-bit device keys
    ///    waits its turn there, and leaves the other blocking threads and every async
    ///    worker free);
    /// 6. a remodel re-registration's checks (`invalid-assertion`, `invalid-substore`);
    /// 7. the request-id consumed, as the Serial Vault does it: from here on it is gone
    ///    whatever happens next (`invalid-nonce` if another request took it meanwhile);
    /// 8. the model row, its key active (`invalid-model`), the serial number
    ///    (`create-assertion`), duplicates (`duplicate-assertion`), signing, the log.
    ///
    /// **A request with one fault** gets exactly the code and message it gets from the
    /// Serial Vault's order, and consumes its request-id exactly when it would there (only
    /// faults found at step 8 do): none of the checks moved forward can fail on a request
    /// the ones they passed would have accepted (`tests/check_order.rs` proves it, one
    /// fault per case). **A request with several faults** gets the first in the order
    /// above: e.g. a forged self-signature with an unknown request-id is `invalid-nonce`
    /// (the Serial Vault: `invalid-assertion`), a forged self-signature for another model
    /// is `mismatched-model`.
    pub async fn sign_serial(
        &self,
        api_key: Option<&str>,
        body: &[u8],
        stream: bool,
    ) -> Result<Vec<u8>, Error> {
        // 1. api-key, and its rate limit
        let api_key = self.check_api_key(api_key).await?;
        self.inner
            .throttle
            .check_api_key(crate::metrics::Endpoint::Serial, &api_key)?;
        // 2. the stream
        let parsed = request::parse_request(body)?;
        let req = parsed.request()?;
        // 3. model match
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
        // 4. the nonce exists (read, not consumed)
        let ttl = self.inner.settings.nonce_ttl;
        if !self
            .inner
            .store
            .nonce_exists(req.request_id, Timestamp::now(), ttl)
            .await?
        {
            return Err(Error::InvalidNonce);
        }
        // 5. self-signature, off the async workers
        self.verify_self_signature(&parsed.serial_request, &req.device_key)
            .await?;
        // 6. remodel re-registration (remodel.rs)
        let sr = &parsed.serial_request;
        self.check_remodel(&parsed, &api_key).await?;
        // 7. the nonce, consumed whatever happens next (and the model row, read in the
        // same database call)
        let Some(model_row) = self
            .inner
            .store
            .consume_nonce_for_model(
                req.request_id,
                Timestamp::now(),
                self.inner.settings.nonce_ttl,
                req.brand_id,
                req.model,
            )
            .await?
        else {
            return Err(Error::InvalidNonce);
        };
        self.inner.nonces.consumed();
        // 8. the model row for (brand, model, api-key), its key active
        let invalid_model = |inactive_key| Error::InvalidModel {
            brand_id: req.brand_id.to_string(),
            model: req.model.to_string(),
            inactive_key,
        };
        let model: ModelRecord = match model_row
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
        let authority = keypair.authority_id.as_str();
        check_serial_authority(req.brand_id, authority, &model, parsed.model.as_ref())?;
        let signer = self
            .inner
            .keys
            .signer(&keypair)
            .map_err(|e| Error::SigningAssertion(e.into()))?;
        // A key stored before the vault refused weak keys does not sign either.
        check_key_size(&keypair.key_id, signer.public_key().bits())
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
            let builder =
                serial::build_serial(sr, authority, &serial_number, revision, &now_rfc3339())?;
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

    /// Verifies the serial-request's signature with its own device key, on tokio's
    /// blocking pool under the `verifiers` semaphore (one per CPU): a 16384-bit key takes
    /// tens of milliseconds, which must not stall an async worker.
    async fn verify_self_signature(
        &self,
        request: &ucore_assertions::Assertion,
        device_key: &ucore_assertions::openpgp::PublicKey,
    ) -> Result<(), Error> {
        let _permit = self
            .inner
            .verifiers
            .acquire()
            .await
            // The semaphore is never closed.
            .map_err(|e| Error::SigningAssertion(e.into()))?;
        let (request, device_key) = (request.clone(), device_key.clone());
        tokio::task::spawn_blocking(move || {
            let key = RsaPublicKey::from_openpgp(&device_key)
                .map_err(|e| Error::InvalidAssertion(e.into()))?;
            ucore_signing::verify_signature(&request, &key)
                .map_err(|e| Error::InvalidAssertion(e.into()))
        })
        .await
        .map_err(blocking_failed)?
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

    /// Adds a model signed by `key_id`, a key of the brand; a new API key is made when
    /// `api_key` is `None`. Returns the model. ([`Vault::create_model`] takes a
    /// `serial-authority` too.)
    pub async fn add_model(
        &self,
        brand_id: &str,
        model: &str,
        key_id: &str,
        api_key: Option<String>,
    ) -> Result<ModelRecord, Error> {
        self.create_model(NewModel {
            brand_id: brand_id.to_string(),
            model: model.to_string(),
            key_id: key_id.to_string(),
            api_key,
            serial_authority: Vec::new(),
        })
        .await
    }

    /// Adds `new`: its signing key must belong to its brand or to an account of its
    /// `serial_authority`. Returns the model.
    pub async fn create_model(&self, new: NewModel) -> Result<ModelRecord, Error> {
        let NewModel {
            brand_id,
            model,
            key_id,
            api_key,
            serial_authority,
        } = new;
        let api_key = api_key.unwrap_or_else(new_api_key);
        if api_key.len() < 10 {
            return Err(Error::invalid_input(
                "the API key must be at least 10 characters",
            ));
        }
        let serial_authority = serial_authorities(&brand_id, serial_authority)?;
        self.check_model_key(&brand_id, &model, &key_id, &serial_authority)
            .await?;
        let store = &self.inner.store;
        store
            .add_model(&brand_id, &model, &key_id, &api_key, &serial_authority)
            .await?;
        store
            .model(&brand_id, &model)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: format!("model {brand_id}/{model}"),
            })
    }

    /// Refuses a model name snapd refuses, and a signing key that is unknown or belongs
    /// to an account that is neither the brand nor in `serial_authority` (see the module
    /// doc).
    async fn check_model_key(
        &self,
        brand_id: &str,
        model: &str,
        key_id: &str,
        serial_authority: &[String],
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
        if key.authority_id != brand_id && !serial_authority.contains(&key.authority_id) {
            return Err(Error::KeyNotOfBrand {
                brand_id: brand_id.to_string(),
                model: model.to_string(),
                key_id: key_id.to_string(),
                key_authority: key.authority_id.clone(),
            });
        }
        Ok(())
    }

    /// The model row (brand, model), or [`Error::NotFound`].
    async fn existing_model(&self, brand_id: &str, model: &str) -> Result<ModelRecord, Error> {
        self.inner
            .store
            .model(brand_id, model)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: format!("model {brand_id}/{model}"),
            })
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
        names::check_account_id("brand_id", brand_id)?;
        names::check_model("model", model)?;
        let current = self.existing_model(brand_id, model).await?;
        self.check_model_key(brand_id, model, key_id, &current.serial_authority)
            .await?;
        self.inner
            .store
            .set_model_key(brand_id, model, key_id)
            .await
    }

    /// Replaces a model's `serial-authority` (the accounts besides the brand that may sign
    /// its serials); the model's signing key must stay one of theirs or the brand's.
    pub async fn set_serial_authority(
        &self,
        brand_id: &str,
        model: &str,
        serial_authority: Vec<String>,
    ) -> Result<ModelRecord, Error> {
        names::check_account_id("brand_id", brand_id)?;
        names::check_model("model", model)?;
        let current = self.existing_model(brand_id, model).await?;
        let serial_authority = serial_authorities(brand_id, serial_authority)?;
        self.check_model_key(brand_id, model, &current.key_id, &serial_authority)
            .await?;
        self.inner
            .store
            .set_model_serial_authority(brand_id, model, &serial_authority)
            .await?;
        self.existing_model(brand_id, model).await
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

/// A model's `serial-authority` as stored: each an account id snapd accepts, the brand
/// (always allowed) and repeats left out, in the given order.
fn serial_authorities(brand_id: &str, given: Vec<String>) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::with_capacity(given.len());
    for id in given {
        names::check_account_id("serial_authority", &id)?;
        if id != brand_id && !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// Whether `authority` (the account of the model's signing key) may sign serials of
/// `brand_id`'s `model`: the brand, or an account in the row's `serial-authority` and in
/// that of the model assertion the device sent, if it sent one (snapd's check on the
/// serial it gets, in snapd's words).
fn check_serial_authority(
    brand_id: &str,
    authority: &str,
    model: &ModelRecord,
    device_model: Option<&ucore_assertions::Assertion>,
) -> Result<(), Error> {
    if authority == brand_id {
        return Ok(());
    }
    let listed_by_device = device_model.is_none_or(|m| {
        m.header("serial-authority")
            .and_then(|v| v.as_list())
            .is_some_and(|ids| ids.iter().any(|id| id.as_str() == Some(authority)))
    });
    if model.serial_authority.iter().any(|id| id == authority) && listed_by_device {
        return Ok(());
    }
    Err(Error::CreateAssertion(
        format!(
            "obtained serial assertion is signed by authority {authority:?} different from \
             brand {brand_id:?} without model assertion with serial-authority set to to allow \
             for them"
        )
        .into(),
    ))
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
