//! Opening a store: from its configuration file ([`Store::open`]), or from parts already
//! in hand ([`Store::open_parts`], what tests use).
//!
//! Opening
//! 1. opens the database (created and migrated) and the snap files' directory;
//! 2. loads the authority's key (a PEM file, or a PKCS#11 token with the cargo feature
//!    `pkcs11`) and its account and account-key — the account-key whose public key is the
//!    key's;
//! 3. checks every brand's account and account-keys against a trust database holding
//!    Canonical's roots and the store's authority: each must be signed by the authority
//!    or by Canonical's root (or by a key checked before it), and must be the brand's;
//!    a key that does not check is refused, and so is the whole configuration;
//! 4. stores the authority's and the brands' assertions in the database, which serves
//!    them to devices;
//! 5. loads the device-session keys (made by the first replica, shared through the
//!    database), and sets up the metrics.

use std::path::Path;
use std::sync::Arc;

use ucore_assertions::{Assertion, AssertionAccess, AssertionType};
use ucore_signing::{Database, DatabaseConfig, Signer};

use crate::authority::Authority;
use crate::blobs::Blobs;
use crate::config::{AuthoritySection, Settings, StoreConfig};
use crate::db::{AssertionRecord, Db};
use crate::error::Error;
use crate::metrics::Metrics;
use crate::session::SessionKeys;
use crate::state::{Inner, Store};
use crate::upload_policy::UploadPolicy;

/// A brand the store serves: its account id, and its account and account-key
/// assertions.
#[derive(Clone, Debug)]
pub struct BrandAssertions {
    /// The brand's account id.
    pub id: String,
    /// Its `account` and `account-key` assertions (any order).
    pub assertions: Vec<Assertion>,
}

/// What a store is opened from, when the parts are already in hand.
#[derive(Debug)]
pub struct StoreParts {
    /// The settings.
    pub settings: Settings,
    /// The (opened) database.
    pub db: Db,
    /// The snap files.
    pub blobs: Blobs,
    /// The signing authority.
    pub authority: Authority,
    /// The brands it serves.
    pub brands: Vec<BrandAssertions>,
    /// The counters (with the `/metrics` token, if any).
    pub metrics: Metrics,
    /// The interface review of uploads.
    pub policy: UploadPolicy,
}

fn config_error(message: impl Into<String>) -> Error {
    Error::Config(message.into())
}

/// Reads a file of assertions (a stream: each followed by a blank line).
pub fn read_assertions(path: &Path) -> Result<Vec<Assertion>, Error> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
    ucore_assertions::Decoder::new(bytes.as_slice())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::assertion(format!("cannot decode {}", path.display()), e))
}

/// The authority's key, from its file or token.
fn load_signer(section: &AuthoritySection) -> Result<Arc<dyn Signer>, Error> {
    match (&section.key_file, &section.pkcs11) {
        (Some(file), None) => {
            let signer = ucore_signing::FileSigner::open(file).map_err(|e| {
                Error::assertion(format!("cannot load the key {}", file.display()), e)
            })?;
            Ok(Arc::new(signer))
        }
        (None, Some(token)) => pkcs11::load(token),
        _ => Err(config_error(
            "[authority] needs exactly one of key-file and pkcs11",
        )),
    }
}

#[cfg(feature = "pkcs11")]
mod pkcs11 {
    //! The authority's key on a PKCS#11 token.

    use std::sync::Arc;

    use ucore_signing::{Pkcs11Token, Signer};

    use crate::config::Pkcs11Section;
    use crate::error::Error;

    /// Opens the token and finds the key whose snapd id is `key-id`.
    pub(super) fn load(section: &Pkcs11Section) -> Result<Arc<dyn Signer>, Error> {
        let pin = std::fs::read_to_string(&section.pin_file)
            .map_err(|e| Error::io(format!("cannot read {}", section.pin_file.display()), e))?;
        let token = Pkcs11Token::open(&section.module, &section.token_label, pin.trim_end())
            .map_err(|e| {
                Error::assertion(
                    format!("cannot open the PKCS#11 token {:?}", section.token_label),
                    e,
                )
            })?;
        let keys = token
            .keys()
            .map_err(|e| Error::assertion("cannot list the token's keys", e))?;
        let label = keys
            .into_iter()
            .find_map(|(label, id)| (id == section.key_id).then_some(label))
            .ok_or_else(|| {
                Error::Config(format!(
                    "the token {:?} has no key {}",
                    section.token_label, section.key_id
                ))
            })?;
        let signer = token
            .signer(&label)
            .map_err(|e| Error::assertion(format!("cannot use the token's key {label:?}"), e))?;
        // The signer keeps the token's session and library open after `token` goes.
        Ok(Arc::new(signer))
    }
}

#[cfg(not(feature = "pkcs11"))]
mod pkcs11 {
    //! Without the cargo feature `pkcs11`: a token in the configuration is refused.

    use std::sync::Arc;

    use ucore_signing::Signer;

    use crate::config::Pkcs11Section;
    use crate::error::Error;

    pub(super) fn load(_: &Pkcs11Section) -> Result<Arc<dyn Signer>, Error> {
        Err(Error::Config(
            "[authority] pkcs11 needs ucore-store built with the cargo feature `pkcs11`".into(),
        ))
    }
}

/// The authority from its key and its assertions file: the account-key whose key is the
/// signer's, and the account it belongs to.
fn load_authority(signer: Arc<dyn Signer>, assertions: Vec<Assertion>) -> Result<Authority, Error> {
    let key_id = signer.key_id().to_string();
    let account_key = assertions
        .iter()
        .find(|a| {
            a.assertion_type() == AssertionType::AccountKey
                && a.header_str("public-key-sha3-384") == Some(key_id.as_str())
        })
        .cloned()
        .ok_or_else(|| {
            config_error(format!(
                "the authority's assertions have no account-key for the key {key_id}"
            ))
        })?;
    let account_id = account_key.header_str("account-id").unwrap_or_default();
    let account = assertions
        .iter()
        .find(|a| {
            a.assertion_type() == AssertionType::Account
                && a.header_str("account-id") == Some(account_id)
        })
        .cloned()
        .ok_or_else(|| {
            config_error(format!(
                "the authority's assertions have no account {account_id:?}"
            ))
        })?;
    Authority::new(signer, account, account_key)
}

/// `type/key1/key2…` of an assertion, for messages.
fn describe(a: &Assertion) -> String {
    format!(
        "{} {}",
        a.assertion_type().name(),
        a.primary_key().join("/")
    )
}

/// The database row of an assertion the store serves.
fn record(a: &Assertion) -> AssertionRecord {
    AssertionRecord {
        assertion_type: a.assertion_type().name().to_string(),
        primary_key: a.primary_key().iter().map(|k| k.to_string()).collect(),
        revision: a.revision(),
        snap_id: String::new(),
        text: String::from_utf8_lossy(&a.encode()).into_owned(),
    }
}

/// Checks the brands' assertions (see the module documentation) and returns them in the
/// order they were added: accounts before account-keys.
/// Whether two assertions have the same type and primary key.
pub(crate) fn same_assertion(a: &Assertion, b: &Assertion) -> bool {
    a.assertion_type() == b.assertion_type() && a.primary_key() == b.primary_key()
}

/// The store's trust database: Canonical's roots and the store's authority (its account
/// and account-key) trusted, Canonical's other predefined assertions; and the trusted
/// assertions.
pub(crate) fn trust_database(authority: &Authority) -> Result<(Database, Vec<Assertion>), Error> {
    let mut trusted = ucore_signing::roots::trusted()
        .map_err(|e| Error::assertion("cannot load Canonical's roots", e))?;
    for a in authority.chain() {
        if !trusted.iter().any(|t| same_assertion(t, a)) {
            trusted.push(a.clone());
        }
    }
    let trust = Database::open(DatabaseConfig {
        trusted: trusted.clone(),
        other_predefined: ucore_signing::roots::predefined()
            .map_err(|e| Error::assertion("cannot load Canonical's roots", e))?,
        ..Default::default()
    })
    .map_err(|e| Error::assertion("cannot set up the trust database", e))?;
    Ok((trust, trusted))
}

fn check_brands(
    authority: &Authority,
    brands: &[BrandAssertions],
) -> Result<Vec<Assertion>, Error> {
    let (trust, trusted) = trust_database(authority)?;
    let same = same_assertion;
    let mut checked = Vec::new();
    for brand in brands {
        let mut ordered: Vec<&Assertion> = brand.assertions.iter().collect();
        // Accounts first: an account-key is checked against its account.
        ordered.sort_by_key(|a| a.assertion_type() != AssertionType::Account);
        let mut has_account = false;
        let mut has_key = false;
        for a in ordered {
            let what = describe(a);
            match a.assertion_type() {
                AssertionType::Account => has_account = true,
                AssertionType::AccountKey => has_key = true,
                _ => {
                    return Err(config_error(format!(
                        "brand {:?}: {what} is neither an account nor an account-key",
                        brand.id
                    )));
                }
            }
            if a.header_str("account-id") != Some(brand.id.as_str()) {
                return Err(config_error(format!(
                    "brand {:?}: {what} is not the brand's",
                    brand.id
                )));
            }
            if trusted.iter().any(|t| same(t, a)) {
                // The authority's own account (or a root): trusted as configured.
                checked.push(a.clone());
                continue;
            }
            trust.add(a.clone()).map_err(|e| {
                config_error(format!("brand {:?}: {what} is refused: {e}", brand.id))
            })?;
            checked.push(a.clone());
        }
        if !has_account || !has_key {
            return Err(config_error(format!(
                "brand {:?}: the assertions need the brand's account and at least one account-key",
                brand.id
            )));
        }
    }
    Ok(checked)
}

impl Store {
    /// Opens the store a configuration describes (see the module documentation).
    pub async fn open(config: &StoreConfig) -> Result<Store, Error> {
        let signer = load_signer(&config.authority)?;
        let authority = load_authority(signer, read_assertions(&config.authority.assertions)?)?;
        let brands = config
            .brands
            .iter()
            .map(|b| {
                Ok(BrandAssertions {
                    id: b.id.clone(),
                    assertions: read_assertions(&b.assertions)?,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let metrics = match &config.metrics.token_file {
            None => Metrics::new(),
            Some(path) => {
                let token = std::fs::read_to_string(path)
                    .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
                let token = token.trim();
                if token.is_empty() {
                    return Err(config_error(format!("{} is empty", path.display())));
                }
                Metrics::with_token(token)
            }
        };
        let policy = UploadPolicy::load(&config.policy)?;
        let blobs = Blobs::open(&config.store.snaps_dir)?;
        let db = Db::open(&config.store.database).await?;
        Store::open_parts(StoreParts {
            settings: config.settings(),
            db,
            blobs,
            authority,
            brands,
            metrics,
            policy,
        })
        .await
    }

    /// Opens a store from parts: checks the brands, stores the authority's and the
    /// brands' assertions, and loads the session keys.
    pub async fn open_parts(parts: StoreParts) -> Result<Store, Error> {
        let StoreParts {
            settings,
            db,
            blobs,
            authority,
            brands,
            metrics,
            policy,
        } = parts;
        let brand_assertions = check_brands(&authority, &brands)?;
        for a in authority.chain().iter().chain(&brand_assertions) {
            db.put_assertion(&record(a)).await?;
        }
        let sessions = SessionKeys::load(&db).await?;
        tracing::info!(
            store_id = %settings.store_id,
            authority = authority.account_id(),
            brands = ?brands.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
            "store opened"
        );
        Ok(Store::from_parts(Inner {
            settings,
            db,
            blobs,
            authority,
            sessions,
            metrics,
            policy,
        }))
    }
}
