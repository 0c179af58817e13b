//! `store init DIR`: a new store's directory, ready for `store serve --dir DIR`.
//!
//! [`init`] writes, in `DIR` (created if missing, refused if it already holds a store):
//!
//! | file | what it is |
//! |---|---|
//! | `store.toml` | the configuration ([`crate::config`]), paths relative to `DIR` |
//! | `store.db` | the SQLite database, with the admin publishing credential's record |
//! | `snaps/` | the snap files, by SHA3-384 |
//! | `credential.json` | the admin publishing credential and the store's URL (mode 0600) |
//! | `authority.assert` | the authority's `account` and `account-key` |
//! | `authority.pem` | the authority's private key, when init made it (mode 0600) |
//! | `brands/ID.assert` | each brand's `account` and `account-key`s |
//!
//! ## The authority
//!
//! The store signs every `snap-declaration` and `snap-revision` it serves with its
//! authority's key. Either the operator brings the key (a PEM file) with the authority's
//! `account` and `account-key` ([`AuthoritySource::Files`]; checked: the account-key must
//! hold the key's public half and belong to the account), or init self-signs both with a
//! key ([`AuthoritySource::SelfSigned`], usually a new RSA-4096 key from
//! [`generate_authority_key`], the size snapd makes account-keys): the store is then its
//! own root of trust.
//!
//! **What a device then needs.** snapd accepts a store's assertions only through a chain
//! that ends at an account-key it trusts out of the box. A self-signed authority is no
//! such key: the devices' snapd must be built with `authority.assert`'s account and
//! account-key among its trusted assertions (as snapd's test builds trust its test root,
//! the way the oracle's `snap` build trusts `testrootorg`); tools such as `snap download`
//! and `snap prepare-image` need the same. In production a brand store's authority is a
//! key whose account-key the devices already trust.
//!
//! ## Brands
//!
//! Each brand ([`BrandSource`]) is an account id and a file with its `account` and
//! `account-key`s. Their signatures must check against the store's authority or
//! Canonical's root: init opens the store it wrote as `store serve` will
//! ([`Store::open`]), so a configuration that would not serve is refused, and removed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};

use ucore_assertions::{
    Assertion, AssertionAccess, AssertionBuilder, AssertionType, HeaderValue, Timestamp,
};
use ucore_signing::RsaPrivateKey;

use crate::config::{
    AuthoritySection, BrandSection, LimitsSection, MetricsSection, PolicySection, StoreConfig,
    StoreSection,
};
use crate::db::CredentialScope;
use crate::error::Error;
use crate::state::Store;

/// The configuration file's name in a store directory.
pub const CONFIG_FILE: &str = "store.toml";
/// The database's name in a store directory.
pub const DATABASE_FILE: &str = "store.db";
/// The snap files' directory in a store directory.
pub const SNAPS_DIR: &str = "snaps";
/// The admin credential's name in a store directory.
pub const CREDENTIAL_FILE: &str = "credential.json";
/// The admin credential in the form snapd's `snap download` and `snap prepare-image` read
/// (`UBUNTU_STORE_AUTH_DATA_FILENAME=DIR/snap-auth`; see
/// [`CredentialFile::tooling_auth`](crate::publisher_api::CredentialFile::tooling_auth)).
pub const SNAP_AUTH_FILE: &str = "snap-auth";
/// The authority's assertions in a store directory.
pub const AUTHORITY_ASSERTIONS: &str = "authority.assert";
/// The authority's key in a store directory, when init made or self-signed it.
pub const AUTHORITY_KEY: &str = "authority.pem";
/// The brands' assertions directory in a store directory.
pub const BRANDS_DIR: &str = "brands";

/// The port `store serve` listens on (on 127.0.0.1) unless told otherwise.
pub const DEFAULT_PORT: u16 = 8480;
/// The store id unless told otherwise.
pub const DEFAULT_STORE_ID: &str = "local";

/// Where the store's authority comes from.
#[derive(Debug)]
pub enum AuthoritySource {
    /// Self-sign an `account` and `account-key` for `account_id` with `key`, and write the
    /// key to `DIR/authority.pem`: the store is its own root.
    SelfSigned {
        /// The authority's account id.
        account_id: String,
        /// Its key (see [`generate_authority_key`]).
        key: Box<RsaPrivateKey>,
    },
    /// An existing key and its assertions. The configuration names `key_file` where it is
    /// (as an absolute path; the key is not copied); the assertions are copied to
    /// `DIR/authority.assert`.
    Files {
        /// The private key, PKCS#1 or PKCS#8 PEM.
        key_file: PathBuf,
        /// A stream holding the authority's `account` and the `account-key` of the key.
        assertions: PathBuf,
    },
}

/// A brand the store serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrandSource {
    /// The brand's account id.
    pub id: String,
    /// A stream with the brand's `account` and `account-key`s.
    pub assertions: PathBuf,
}

/// What `store init` is asked to do.
#[derive(Debug)]
pub struct InitOptions {
    /// The store directory.
    pub dir: PathBuf,
    /// The store id (the `store` header of the brands' models).
    pub store_id: String,
    /// The authority.
    pub authority: AuthoritySource,
    /// The brands.
    pub brands: Vec<BrandSource>,
    /// The address to listen on.
    pub listen: SocketAddr,
    /// The URL devices and publishers reach the store at; `http://` + `listen` when
    /// `None` (`127.0.0.1` standing in for an unspecified host).
    pub url: Option<String>,
}

impl InitOptions {
    /// Options with the defaults: store id `local`, listening on `127.0.0.1:8480`, no
    /// brands.
    pub fn new(dir: impl Into<PathBuf>, authority: AuthoritySource) -> Self {
        InitOptions {
            dir: dir.into(),
            store_id: DEFAULT_STORE_ID.to_string(),
            authority,
            brands: Vec::new(),
            listen: SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT)),
            url: None,
        }
    }
}

/// What [`init`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitOutcome {
    /// The store directory.
    pub dir: PathBuf,
    /// `DIR/store.toml`.
    pub config_file: PathBuf,
    /// `DIR/credential.json`.
    pub credential_file: PathBuf,
    /// `DIR/snap-auth`: the same credential for snapd's tooling store.
    pub snap_auth_file: PathBuf,
    /// The store id.
    pub store_id: String,
    /// The store's URL.
    pub url: String,
    /// The authority's account id.
    pub authority_id: String,
    /// The authority's key id (`sign-key-sha3-384` of what the store signs).
    pub authority_key_id: String,
    /// `DIR/authority.assert`: what devices must trust when the authority is self-signed.
    pub authority_assertions: PathBuf,
    /// Whether init self-signed the authority (see the module docs on trust).
    pub self_signed: bool,
    /// The brands' account ids.
    pub brands: Vec<String>,
}

/// A new authority key: RSA-4096, as snapd makes account-keys. Takes seconds.
pub fn generate_authority_key() -> Result<RsaPrivateKey, Error> {
    RsaPrivateKey::generate_snapd()
        .map_err(|e| Error::assertion("cannot generate the authority key", e))
}

/// A self-signed `account` and `account-key` for `account_id` with `key`, valid from `at`:
/// a root of trust of its own.
pub fn self_signed_authority(
    account_id: &str,
    key: &RsaPrivateKey,
    at: Timestamp,
) -> Result<(Assertion, Assertion), Error> {
    let when = ucore_signing::signature::rfc3339_utc(at);
    let s = |v: &str| HeaderValue::from(v.to_string());
    let account = AssertionBuilder::new(AssertionType::Account)
        .header("authority-id", s(account_id))
        .header("account-id", s(account_id))
        .header("display-name", s(account_id))
        .header("validation", s("verified"))
        .header("timestamp", s(&when));
    let account = ucore_signing::sign_assertion_at(&account, key, at)
        .map_err(|e| Error::assertion("cannot sign the authority's account", e))?;
    let account_key = AssertionBuilder::new(AssertionType::AccountKey)
        .header("authority-id", s(account_id))
        .header("account-id", s(account_id))
        .header("name", s("store"))
        .header("public-key-sha3-384", s(key.key_id()))
        .header("since", s(&when))
        .body(key.public_key().to_snapd_text().into_bytes());
    let account_key = ucore_signing::sign_assertion_at(&account_key, key, at)
        .map_err(|e| Error::assertion("cannot sign the authority's account-key", e))?;
    Ok((account, account_key))
}

/// Checks a store or brand id: not empty, no `/`, no whitespace or control characters, not
/// `.` or `..`.
pub fn validate_id(what: &str, id: &str) -> Result<(), Error> {
    let bad = id.is_empty()
        || id == "."
        || id == ".."
        || id
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_whitespace() || c.is_control());
    if bad {
        return Err(Error::Config(format!(
            "invalid {what} {id:?}: it must be non-empty, without \"/\" or whitespace"
        )));
    }
    Ok(())
}

/// Writes a new store directory (see the module docs), then opens it as `store serve`
/// will ([`Store::open`]: the authority's key against its account-key, the brands against
/// the authority or Canonical's root) and adds the admin credential. On any refusal or
/// failure, removes what it wrote.
pub async fn init(opts: &InitOptions) -> Result<InitOutcome, Error> {
    validate_id("store id", &opts.store_id)?;
    for b in &opts.brands {
        validate_id("brand id", &b.id)?;
    }
    let url = store_url(opts.listen, opts.url.as_deref())?;
    refuse_existing_store(&opts.dir)?;

    let mut written = Written::new(&opts.dir)?;
    let key_file = match &opts.authority {
        AuthoritySource::SelfSigned { account_id, key } => {
            validate_id("authority id", account_id)?;
            let (account, account_key) = self_signed_authority(account_id, key, Timestamp::now())?;
            let pem = key
                .to_pkcs8_pem()
                .map_err(|e| Error::assertion("cannot encode the authority key", e))?;
            written.file(AUTHORITY_KEY, pem.as_bytes(), 0o600)?;
            let mut text = account.encode();
            text.push(b'\n');
            text.extend_from_slice(&account_key.encode());
            written.file(AUTHORITY_ASSERTIONS, &text, 0o644)?;
            PathBuf::from(AUTHORITY_KEY)
        }
        AuthoritySource::Files {
            key_file,
            assertions,
        } => {
            written.file(AUTHORITY_ASSERTIONS, &read(assertions)?, 0o644)?;
            std::path::absolute(key_file)
                .map_err(|e| Error::io(format!("cannot resolve {}", key_file.display()), e))?
        }
    };
    let mut brands = Vec::new();
    if !opts.brands.is_empty() {
        written.dir(&opts.dir.join(BRANDS_DIR))?;
    }
    for brand in &opts.brands {
        let rel = format!("{BRANDS_DIR}/{}.assert", brand.id);
        written.file(&rel, &read(&brand.assertions)?, 0o644)?;
        brands.push(BrandSection {
            id: brand.id.clone(),
            assertions: rel.into(),
        });
    }
    let config = StoreConfig {
        store: StoreSection {
            id: opts.store_id.clone(),
            base_url: url.clone(),
            listen: opts.listen,
            database: DATABASE_FILE.into(),
            snaps_dir: SNAPS_DIR.into(),
        },
        authority: AuthoritySection {
            assertions: AUTHORITY_ASSERTIONS.into(),
            key_file: Some(key_file),
            pkcs11: None,
        },
        brands,
        limits: LimitsSection::default(),
        metrics: MetricsSection::default(),
        policy: PolicySection::default(),
    };
    let config_file = opts.dir.join(CONFIG_FILE);
    written.file(CONFIG_FILE, config.to_toml()?.as_bytes(), 0o644)?;
    written.dir(&opts.dir.join(SNAPS_DIR))?;
    written.database(&opts.dir.join(DATABASE_FILE));

    let store = Store::open(&StoreConfig::load(&config_file)?).await?;
    let (record, credential) = crate::credential::new_credential(CredentialScope::Admin, &url);
    store.db.add_credential(&record).await?;
    let snap_auth = credential.tooling_auth();
    let credential = serde_json::to_vec_pretty(&credential)
        .map_err(|e| Error::Config(format!("cannot encode the credential: {e}")))?;
    written.file(CREDENTIAL_FILE, &credential, 0o600)?;
    written.file(SNAP_AUTH_FILE, format!("{snap_auth}\n").as_bytes(), 0o600)?;
    written.keep();

    Ok(InitOutcome {
        dir: opts.dir.clone(),
        config_file,
        credential_file: opts.dir.join(CREDENTIAL_FILE),
        snap_auth_file: opts.dir.join(SNAP_AUTH_FILE),
        store_id: opts.store_id.clone(),
        url,
        authority_id: store.authority.account_id().to_string(),
        authority_key_id: store.authority.signer().key_id().to_string(),
        authority_assertions: opts.dir.join(AUTHORITY_ASSERTIONS),
        self_signed: matches!(opts.authority, AuthoritySource::SelfSigned { .. }),
        brands: opts.brands.iter().map(|b| b.id.clone()).collect(),
    })
}

/// The store's URL: the given one (trailing `/` dropped), or [`default_url`].
fn store_url(listen: SocketAddr, url: Option<&str>) -> Result<String, Error> {
    match url {
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
            Ok(url.trim_end_matches('/').to_string())
        }
        Some(url) => Err(Error::Config(format!(
            "invalid store URL {url:?}: want http://… or https://…"
        ))),
        None => Ok(default_url(listen)),
    }
}

/// The URL of a store listening on `listen` on this machine: `http://` + `listen`, the
/// loopback address standing in for an unspecified one.
pub fn default_url(listen: SocketAddr) -> String {
    let mut addr = listen;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        });
    }
    format!("http://{addr}")
}

/// Refuses a directory that already holds a store (its configuration or its database).
/// [`init`] checks it first; a caller about to spend seconds on a key may check sooner.
pub fn refuse_existing_store(dir: &Path) -> Result<(), Error> {
    for name in [CONFIG_FILE, DATABASE_FILE] {
        let path = dir.join(name);
        if path.symlink_metadata().is_ok() {
            return Err(Error::Config(format!(
                "{} already holds a store ({} exists)",
                dir.display(),
                path.display()
            )));
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::io(format!("cannot read {}", path.display()), e))
}

/// What init has written so far, removed again unless [`Written::keep`] is called.
struct Written {
    root: PathBuf,
    paths: Vec<PathBuf>,
    kept: bool,
}

impl Written {
    /// Creates `root` if missing (and then removes it on failure too).
    fn new(root: &Path) -> Result<Self, Error> {
        let mut w = Written {
            root: root.to_owned(),
            paths: Vec::new(),
            kept: false,
        };
        w.dir(root)?;
        Ok(w)
    }

    /// Creates a directory; only a new one is removed on failure.
    fn dir(&mut self, path: &Path) -> Result<(), Error> {
        if path.is_dir() {
            return Ok(());
        }
        std::fs::create_dir_all(path)
            .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
        self.paths.push(path.to_owned());
        Ok(())
    }

    /// Creates `root/rel` (never overwriting) with `mode`.
    fn file(&mut self, rel: &str, content: &[u8], mode: u32) -> Result<(), Error> {
        use std::io::Write;
        let path = self.root.join(rel);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
        #[cfg(not(unix))]
        let _ = mode;
        let ctx = || format!("cannot write {}", path.display());
        let mut f = options.open(&path).map_err(|e| Error::io(ctx(), e))?;
        self.paths.push(path.clone());
        f.write_all(content)
            .and_then(|()| f.sync_all())
            .map_err(|e| Error::io(ctx(), e))
    }

    /// The SQLite database and its journal files.
    fn database(&mut self, path: &Path) {
        let name = path.as_os_str().to_owned();
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = name.clone();
            p.push(suffix);
            self.paths.push(PathBuf::from(p));
        }
    }

    fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for Written {
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        for p in self.paths.iter().rev() {
            // Best effort: what cannot be removed stays, and the next init says so.
            let _ = if p.is_dir() {
                std::fs::remove_dir_all(p)
            } else {
                std::fs::remove_file(p)
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ucore_signing::Database;

    #[test]
    fn ids_are_validated() {
        for good in ["local", "acme-store", "5oF1aLx", "a.b"] {
            validate_id("store id", good).unwrap();
        }
        for bad in ["", ".", "..", "a/b", "a b", "a\tb", "a\nb", "a\\b"] {
            let e = validate_id("store id", bad).unwrap_err();
            assert!(
                e.to_string().starts_with("invalid store id"),
                "{bad:?}: {e}"
            );
        }
    }

    #[test]
    fn urls_follow_the_listen_address() {
        let at = |a: &str| a.parse::<SocketAddr>().unwrap();
        assert_eq!(
            store_url(at("127.0.0.1:8480"), None).unwrap(),
            "http://127.0.0.1:8480"
        );
        assert_eq!(
            store_url(at("0.0.0.0:80"), None).unwrap(),
            "http://127.0.0.1:80"
        );
        assert_eq!(store_url(at("[::]:80"), None).unwrap(), "http://[::1]:80");
        assert_eq!(
            store_url(at("0.0.0.0:80"), Some("https://store.example/")).unwrap(),
            "https://store.example"
        );
        assert!(store_url(at("127.0.0.1:1"), Some("ftp://x")).is_err());
    }

    #[test]
    fn self_signed_authority_checks_as_a_root() {
        let key = RsaPrivateKey::from_pem(ucore_test_support::keys::ACME).unwrap();
        let (account, account_key) =
            self_signed_authority("my-store", &key, Timestamp::now()).unwrap();
        assert_eq!(
            account_key.header_str("public-key-sha3-384"),
            Some(key.key_id())
        );
        let db = Database::with_trusted(vec![account.clone(), account_key.clone()]).unwrap();
        db.check(&account).unwrap();
        db.check(&account_key).unwrap();
    }
}
