//! The trust database (snapd's `asserts.Database`, `asserts/database.go`): trusted and
//! predefined assertions, a backstore, `check`, `add`, `find`, `find_many`, revision rules,
//! key validity windows, authority and cross-assertion consistency rules, with snapd's
//! errors.
//!
//! ```
//! use ucore_signing::Database;
//!
//! let db = Database::with_canonical_roots()?;
//! let model = ucore_signing::roots::generic_classic_model()?;
//! db.check(&model)?; // verified by the built-in Canonical chain
//! # Ok::<(), ucore_signing::Error>(())
//! ```

mod backstore;
mod constraints;
mod fs_backstore;
mod rules;
mod views;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use ucore_assertions::rules::RuleLanguage;
use ucore_assertions::{Assertion, AssertionAccess, AssertionBuilder, AssertionType, Timestamp};

pub use backstore::{Backstore, MemoryBackstore};
pub use fs_backstore::{FsBackstore, query_escape};

use crate::backend::RsaBackend;
use crate::error::{DatabaseError, Error, Inconsistency, StorageError};
use crate::keypair::{KeypairManager, MemoryKeypairManager, validate_key_id};
use crate::keys::rsa::RsaPublicKey;
use views::{AccountKeyView, go_rfc3339, go_time_string};

/// What a database starts with.
#[derive(Default)]
pub struct DatabaseConfig {
    /// Trusted assertions: accounts and account-keys only (the roots of trust).
    pub trusted: Vec<Assertion>,
    /// Other predefined assertions (any type), trusted as given.
    pub other_predefined: Vec<Assertion>,
    /// Where added assertions go (memory when `None`).
    pub backstore: Option<Box<dyn Backstore>>,
    /// Signing keys for [`Database::sign`] (memory when `None`).
    pub keypair_manager: Option<Arc<dyn KeypairManager>>,
    /// The plug/slot rule language [`Database::add_stream`] decodes declarations in
    /// (snapd 2.57's by default). A filesystem backstore takes its own
    /// ([`FsBackstore::with_rule_language`]).
    pub rule_language: RuleLanguage,
}

/// The clock checks run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckTime {
    /// The real clock: earliest = latest = now (snapd's default).
    Now,
    /// A fixed time: earliest = latest = t (the oracle's `--now`).
    Fixed(Timestamp),
    /// Only a lower bound is known (snapd's `SetEarliestTime`, for untrusted clocks).
    Earliest(Timestamp),
}

/// An assertion [`Database::add_stream`] added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    /// Its position in the stream (from 0).
    pub index: usize,
    /// Its type.
    pub assertion_type: AssertionType,
    /// Its primary key.
    pub primary_key: Vec<String>,
}

/// Why [`Database::add_stream`] stopped: which assertion of the stream failed, what was
/// added before it, and the cause (a decode error or the database's refusal, with snapd's
/// text).
#[derive(Debug, thiserror::Error)]
#[error("cannot add assertion {index} of the stream")]
pub struct AddStreamError {
    /// The failing assertion's position in the stream (from 0).
    pub index: usize,
    /// Its type and primary key, when it decoded.
    pub assertion: Option<(AssertionType, Vec<String>)>,
    /// The assertions added before it (they stay added).
    pub added: Vec<Added>,
    /// Why it failed: [`Error::Assertion`] when the stream did not decode, else why
    /// [`Database::add`] refused it.
    #[source]
    pub source: Box<Error>,
}

/// The key an assertion is checked against.
enum SigningKey {
    /// An account-key from the database.
    Account {
        view: AccountKeyView,
        assertion: Arc<Assertion>,
        key: Arc<RsaPublicKey>,
    },
    /// A key carried by the assertion itself or another one (no-authority types).
    Custom(RsaPublicKey),
}

/// snapd's assertion database.
pub struct Database {
    trusted: MemoryBackstore,
    predefined: MemoryBackstore,
    backstore: Box<dyn Backstore>,
    keypairs: Arc<dyn KeypairManager>,
    clock: RwLock<CheckTime>,
    backend: RwLock<RsaBackend>,
    keys: RwLock<HashMap<String, Arc<RsaPublicKey>>>,
    language: RuleLanguage,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database").finish_non_exhaustive()
    }
}

fn lock_err() -> DatabaseError {
    StorageError::ReadOnly {
        what: "poisoned database lock",
    }
    .into()
}

impl rules::Lookup for Database {
    fn is_trusted_account(&self, account_id: &str) -> Result<bool, DatabaseError> {
        Database::is_trusted_account(self, account_id)
    }

    fn get_any(
        &self,
        t: AssertionType,
        primary_key: &[&str],
    ) -> Result<Option<Arc<Assertion>>, DatabaseError> {
        Database::get_any(self, t, primary_key)
    }

    fn search_all(
        &self,
        t: AssertionType,
        filter: &dyn Fn(&Assertion) -> bool,
    ) -> Result<Vec<Arc<Assertion>>, DatabaseError> {
        Database::search_all(self, t, filter)
    }
}

impl Database {
    /// Opens a database (snapd `OpenDatabase`).
    pub fn open(config: DatabaseConfig) -> Result<Self, Error> {
        let trusted = MemoryBackstore::new();
        for a in config.trusted {
            match a.assertion_type() {
                AssertionType::Account | AssertionType::AccountKey => trusted.put(Arc::new(a))?,
                t => {
                    return Err(DatabaseError::InvalidTrusted {
                        assertion_type: t.name().to_string(),
                    }
                    .into());
                }
            }
        }
        let predefined = MemoryBackstore::new();
        for a in config.other_predefined {
            predefined.put(Arc::new(a))?;
        }
        Ok(Self {
            trusted,
            predefined,
            backstore: config
                .backstore
                .unwrap_or_else(|| Box::new(MemoryBackstore::new())),
            keypairs: config
                .keypair_manager
                .unwrap_or_else(|| Arc::new(MemoryKeypairManager::new())),
            clock: RwLock::new(CheckTime::Now),
            backend: RwLock::new(RsaBackend::Auto),
            keys: RwLock::new(HashMap::new()),
            language: config.rule_language,
        })
    }

    /// A database over a memory backstore trusting `trusted` (accounts and account-keys).
    pub fn with_trusted(trusted: Vec<Assertion>) -> Result<Self, Error> {
        Self::open(DatabaseConfig {
            trusted,
            ..Default::default()
        })
    }

    /// A database trusting what snapd trusts out of the box (`sysdb`): Canonical's root
    /// account and root account-key, with the generic account and generic models key
    /// predefined. Memory backstore.
    pub fn with_canonical_roots() -> Result<Self, Error> {
        Self::open(DatabaseConfig {
            trusted: crate::roots::trusted()?,
            other_predefined: crate::roots::predefined()?,
            ..Default::default()
        })
    }

    /// Sets the clock of the checks.
    pub fn set_check_time(&self, t: CheckTime) {
        if let Ok(mut c) = self.clock.write() {
            *c = t;
        }
    }

    /// snapd `SetEarliestTime`.
    pub fn set_earliest_time(&self, t: impl Into<Timestamp>) {
        self.set_check_time(CheckTime::Earliest(t.into()));
    }

    /// Chooses the RSA implementation for signature checks.
    pub fn set_rsa_backend(&self, backend: RsaBackend) {
        if let Ok(mut b) = self.backend.write() {
            *b = backend;
        }
    }

    /// The keypair manager used by [`Database::sign`].
    pub fn keypair_manager(&self) -> &Arc<dyn KeypairManager> {
        &self.keypairs
    }

    fn window(&self) -> (Timestamp, Option<Timestamp>) {
        match self.clock.read().map(|c| *c).unwrap_or(CheckTime::Now) {
            CheckTime::Now => {
                let now = Timestamp::now();
                (now, Some(now))
            }
            CheckTime::Fixed(t) => (t, Some(t)),
            CheckTime::Earliest(t) => (t, None),
        }
    }

    fn stores(&self) -> [&dyn Backstore; 3] {
        [&self.trusted, &self.predefined, &*self.backstore]
    }

    /// The first assertion at `primary_key` (trusted, then predefined, then the backstore).
    fn get_any(
        &self,
        t: AssertionType,
        primary_key: &[&str],
    ) -> Result<Option<Arc<Assertion>>, DatabaseError> {
        for bs in self.stores() {
            if let Some(a) = bs.get(t, primary_key, t.max_supported_format())? {
                return Ok(Some(a));
            }
        }
        Ok(None)
    }

    fn search_all(
        &self,
        t: AssertionType,
        filter: &dyn Fn(&Assertion) -> bool,
    ) -> Result<Vec<Arc<Assertion>>, DatabaseError> {
        let mut out = Vec::new();
        for bs in self.stores() {
            out.extend(bs.search(t, filter, t.max_supported_format())?);
        }
        Ok(out)
    }

    /// snapd `IsTrustedAccount`: an `account` with this id is among the trusted assertions.
    pub fn is_trusted_account(&self, account_id: &str) -> Result<bool, DatabaseError> {
        if account_id.is_empty() {
            return Ok(false);
        }
        Ok(self
            .trusted
            .get(
                AssertionType::Account,
                &[account_id],
                AssertionType::Account.max_supported_format(),
            )?
            .is_some())
    }

    fn primary_key_from_headers<'h>(
        t: AssertionType,
        headers: &[(&str, &'h str)],
    ) -> Result<Vec<&'h str>, DatabaseError> {
        t.primary_key()
            .iter()
            .map(|k| match headers.iter().find(|(n, _)| *n == k.name) {
                Some((_, v)) => Ok(*v),
                None => k.default.ok_or_else(|| DatabaseError::MissingPrimaryKey {
                    name: k.name.to_string(),
                }),
            })
            .collect()
    }

    fn not_found(t: AssertionType, headers: &[(&str, &str)]) -> DatabaseError {
        let description = match Self::primary_key_from_headers(t, headers) {
            Ok(pk) if pk.len() == headers.len() => backstore::ref_string(t, &pk),
            _ => format!("{} assertion", t.name()),
        };
        DatabaseError::NotFound { description }
    }

    fn matches(a: &Assertion, headers: &[(&str, &str)]) -> bool {
        headers.iter().all(|(k, v)| a.header_str(k) == Some(*v))
    }

    /// snapd `Find`: the assertion of type `t` whose headers include `headers`, which must
    /// give the primary key.
    pub fn find(
        &self,
        t: AssertionType,
        headers: &[(&str, &str)],
    ) -> Result<Arc<Assertion>, DatabaseError> {
        let pk = Self::primary_key_from_headers(t, headers)?;
        match self.get_any(t, &pk)? {
            Some(a) if Self::matches(&a, headers) => Ok(a),
            _ => Err(Self::not_found(t, headers)),
        }
    }

    /// snapd `FindMany`: every assertion of type `t` whose headers include `headers`.
    pub fn find_many(
        &self,
        t: AssertionType,
        headers: &[(&str, &str)],
    ) -> Result<Vec<Arc<Assertion>>, DatabaseError> {
        let found = self.search_all(t, &|a| Self::matches(a, headers))?;
        if found.is_empty() {
            Err(Self::not_found(t, headers))
        } else {
            Ok(found)
        }
    }

    fn cached_key(
        &self,
        key_id: &str,
        account_key: &Assertion,
    ) -> Result<Arc<RsaPublicKey>, Error> {
        if let Some(k) = self.keys.read().map_err(|_| lock_err())?.get(key_id) {
            return Ok(Arc::clone(k));
        }
        let key = Arc::new(views::body_public_key(account_key)?);
        self.keys
            .write()
            .map_err(|_| lock_err())?
            .insert(key_id.to_string(), Arc::clone(&key));
        Ok(key)
    }

    fn find_account_key(&self, authority_id: &str, key_id: &str) -> Result<SigningKey, Error> {
        let t = AssertionType::AccountKey;
        for bs in self.stores() {
            if let Some(ak) = bs.get(t, &[key_id], t.max_supported_format())? {
                let view = AccountKeyView::of(&ak)?;
                if view.account_id != authority_id {
                    return Err(DatabaseError::PublicKeyOfOtherAccount {
                        key_id: key_id.to_string(),
                        account_id: view.account_id,
                        authority_id: authority_id.to_string(),
                    }
                    .into());
                }
                let key = self.cached_key(key_id, &ak)?;
                return Ok(SigningKey::Account {
                    view,
                    assertion: ak,
                    key,
                });
            }
        }
        Err(DatabaseError::NoMatchingPublicKey {
            key_id: key_id.to_string(),
            authority_id: authority_id.to_string(),
        }
        .into())
    }

    fn custom_signing_key(&self, a: &(impl AssertionAccess + ?Sized)) -> Result<SigningKey, Error> {
        let t = a.assertion_type();
        match t {
            AssertionType::AccountKeyRequest => Ok(SigningKey::Custom(views::body_public_key(a)?)),
            AssertionType::ConfdbControl => {
                let (brand, model, serial) = (
                    views::string(a, "brand-id"),
                    views::string(a, "model"),
                    views::string(a, "serial"),
                );
                match self.get_any(AssertionType::Serial, &[brand, model, serial])? {
                    Some(s) => Ok(SigningKey::Custom(views::device_key(&s)?)),
                    None => Err(Inconsistency::MissingSerial {
                        subject: format!(
                            "confdb-control assertion for serial {}",
                            ucore_go_text::quote(serial)
                        ),
                    }
                    .into()),
                }
            }
            _ => Err(DatabaseError::CannotCheckNoAuthority {
                assertion_type: t.name().to_string(),
            }
            .into()),
        }
    }

    /// snapd `Check`: format, signing key (found, of the authority, valid now), signature,
    /// timestamp within the key's validity, and the type's consistency rules.
    pub fn check(&self, a: &(impl AssertionAccess + ?Sized)) -> Result<(), Error> {
        let t = a.assertion_type();
        if !a.supported_format() {
            return Err(DatabaseError::UnsupportedFormat {
                assertion_type: t.name().to_string(),
                format: a.format(),
                max: t.max_supported_format(),
                update: false,
            }
            .into());
        }
        let (earliest, latest) = self.window();
        let signing = if t.has_authority() {
            self.find_account_key(
                a.authority_id().unwrap_or_default(),
                a.sign_key_sha3_384().unwrap_or_default(),
            )?
        } else {
            self.custom_signing_key(a)?
        };
        // CheckSigningKeyIsNotExpired
        if let SigningKey::Account { view, .. } = &signing {
            let too_early = latest.is_some_and(|l| l < view.since.timestamp);
            let too_late = view.until.is_some_and(|u| earliest >= u.timestamp);
            if too_early || too_late {
                let now = if too_early {
                    latest.unwrap_or(earliest)
                } else {
                    earliest
                };
                return Err(DatabaseError::ExpiredKey {
                    key_id: view.key_id.clone(),
                    account_id: view.account_id.clone(),
                    now: go_rfc3339(now, 0),
                    since: go_rfc3339(view.since.timestamp, view.since.offset_seconds),
                    until: view
                        .until
                        .map(|u| go_rfc3339(u.timestamp, u.offset_seconds)),
                }
                .into());
            }
        }
        // CheckSignature
        let backend = self.backend.read().map(|b| *b).unwrap_or_default();
        match &signing {
            SigningKey::Account {
                view,
                assertion,
                key,
            } => {
                let authority = a.authority_id().unwrap_or_default();
                if authority != view.account_id {
                    return Err(DatabaseError::AuthorityMismatch {
                        authority_id: authority.to_string(),
                        account_id: view.account_id.clone(),
                    }
                    .into());
                }
                if !constraints::can_sign(assertion, a) {
                    return Err(DatabaseError::ConstraintsMismatch {
                        key_id: view.key_id.clone(),
                        account_id: view.account_id.clone(),
                    }
                    .into());
                }
                crate::signature::verify_signature_with(backend, a, key)?;
            }
            SigningKey::Custom(key) => crate::signature::verify_signature_with(backend, a, key)?,
        }
        // CheckTimestampVsSigningKeyValidity
        if let SigningKey::Account { view, .. } = &signing
            && let Some(ts) = a.timestamp()?
            && !view.valid_at(ts.timestamp)
        {
            return Err(DatabaseError::TimestampOutsideKeyValidity {
                assertion_type: t.name().to_string(),
                timestamp: go_time_string(&ts),
                since: go_time_string(&view.since),
                until: view.until.as_ref().map(go_time_string),
            }
            .into());
        }
        // CheckCrossConsistency
        rules::check_consistency(self, a)
    }

    /// snapd `Add`: [`Database::check`], no clash with trusted or predefined assertions,
    /// then the backstore's revision rule.
    pub fn add(&self, a: Assertion) -> Result<(), Error> {
        let t = a.assertion_type();
        if t.primary_key().is_empty() {
            return Err(DatabaseError::NoPrimaryKey {
                assertion_type: t.name().to_string(),
            }
            .into());
        }
        if let Err(e) = self.check(&a) {
            if let Error::Database(DatabaseError::UnsupportedFormat {
                assertion_type,
                format,
                max,
                ..
            }) = e
            {
                let update = self.get_any(t, &a.primary_key())?.is_some();
                return Err(DatabaseError::UnsupportedFormat {
                    assertion_type,
                    format,
                    max,
                    update,
                }
                .into());
            }
            return Err(e);
        }
        let pk = a.primary_key();
        for (set, bs) in [("trusted", &self.trusted), ("predefined", &self.predefined)] {
            if bs.get(t, &pk, t.max_supported_format())?.is_some() {
                return Err(DatabaseError::PrimaryKeyClash {
                    assertion_type: t.name().to_string(),
                    set,
                    primary_key: pk.iter().map(|s| s.to_string()).collect(),
                }
                .into());
            }
        }
        Ok(self.backstore.put(Arc::new(a))?)
    }

    /// Decodes a stream and adds each assertion in order ([`Database::add`]); stops at the
    /// first assertion that does not decode or is refused. Returns what was added.
    pub fn add_stream(&self, input: &[u8]) -> Result<Vec<Added>, AddStreamError> {
        let mut added = Vec::new();
        let decoder = ucore_assertions::Decoder::new(input).with_rule_language(self.language);
        for (index, item) in decoder.enumerate() {
            let fail = |assertion, added, source: Error| AddStreamError {
                index,
                assertion,
                added,
                source: Box::new(source),
            };
            let a = match item {
                Ok(a) => a,
                Err(e) => return Err(fail(None, added, e.into())),
            };
            let assertion_type = a.assertion_type();
            let primary_key: Vec<String> = a.primary_key().iter().map(|s| s.to_string()).collect();
            if let Err(e) = self.add(a) {
                return Err(fail(Some((assertion_type, primary_key)), added, e));
            }
            added.push(Added {
                index,
                assertion_type,
                primary_key,
            });
        }
        Ok(added)
    }

    /// snapd `Database.Sign`: signs with the key `key_id` of the keypair manager (the key
    /// id is validated first), now.
    pub fn sign(&self, builder: &AssertionBuilder, key_id: &str) -> Result<Assertion, Error> {
        self.sign_at(builder, key_id, Timestamp::now())
    }

    /// [`Database::sign`] at a given signature creation time (whole seconds, see
    /// [`sign_content`](crate::sign_content)).
    pub fn sign_at(
        &self,
        builder: &AssertionBuilder,
        key_id: &str,
        creation_time: impl Into<Timestamp>,
    ) -> Result<Assertion, Error> {
        validate_key_id(key_id)?;
        let signer = self.keypairs.get(key_id)?;
        crate::signature::sign_assertion_at(builder, &*signer, creation_time)
    }
}
