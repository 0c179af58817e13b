//! The store's settings ([`Settings`], [`ServerLimits`]), and the TOML file of `store
//! serve --config` that holds them ([`StoreConfig`]). Every key, with its default where
//! it has one:
//!
//! ```toml
//! [store]
//! # The store id: the `store` header of the models this store serves.
//! id = "acme-store"
//! # The URL devices reach the store at (download and assertion URLs are built on it).
//! base-url = "http://127.0.0.1:8480"
//! # The address to listen on.
//! listen = "127.0.0.1:8480"
//! # The database: a SQLite file ("store.db" or "sqlite://store.db", created and migrated
//! # on start), "sqlite::memory:", or "postgres://USER:PASSWORD@HOST/DB" (cargo feature
//! # `postgres`; several store replicas may share it).
//! database = "store.db"
//! # Where snap files are kept (by SHA3-384).
//! snaps-dir = "snaps"
//!
//! # The store's signing authority: its account and account-key assertions, and the key
//! # matching the account-key, in a PEM file (PKCS#1 or PKCS#8) ...
//! [authority]
//! assertions = "authority.assert"
//! key-file = "authority.pem"
//! # ... or on a PKCS#11 token (cargo feature `pkcs11`), instead of key-file; key-id is the
//! # key's snapd id (sign-key-sha3-384).
//! # pkcs11 = { module = "/usr/lib/softhsm/libsofthsm2.so", token-label = "store",
//! #            pin-file = "token.pin", key-id = "…" }
//!
//! # A brand the store serves (repeat for each): a file with the brand's account and
//! # account-keys, signed by the store's authority or by Canonical's root.
//! [[brand]]
//! id = "acme"
//! assertions = "acme.assert"
//!
//! # Limits (durations in seconds, sizes in bytes).
//! [limits]
//! header-read-timeout = 10
//! idle-timeout = 60
//! request-timeout = 30
//! upload-timeout = 3600
//! max-connections = 4096
//! shutdown-deadline = 30
//! max-snap-size = 4294967296
//! max-body-size = 1048576
//! nonce-ttl = 300
//! session-ttl = 86400
//!
//! # GET /metrics: with a token file, only `Authorization: Bearer <token>` reads it.
//! [metrics]
//! # token-file = "metrics.token"
//!
//! # The interface review of uploads (`ucore_store::upload_policy`): snapd's installation
//! # check against the snap's snap-declaration and this base-declaration (a signed
//! # base-declaration assertion, or the headers-only text snapd builds in), on one of these
//! # models (device-scoped rules). Without a base-declaration, no such review.
//! # rule-language: "snapd-2.57" (the default) or "current" (newer snapd's: on-core-desktop,
//! # publisher-id attribute references, on-classic variants), for the interface rules an
//! # admin grants and for the review.
//! [policy]
//! # base-declaration = "base-declaration.assert"
//! # models = ["acme-pc.model"]
//! # rule-language = "snapd-2.57"
//! ```
//!
//! Relative paths are relative to the configuration file's directory
//! ([`StoreConfig::load`]). Unknown keys are refused.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ucore_assertions::policy::RuleLanguage;

use crate::error::Error;

/// The HTTP server's limits: timeouts and the connection cap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerLimits {
    /// Time allowed to send the request line and headers.
    pub header_read_timeout: Duration,
    /// How long an idle keep-alive connection is kept.
    pub idle_timeout: Duration,
    /// Time allowed for a whole request (not for streaming a download).
    pub request_timeout: Duration,
    /// Time allowed for an upload body.
    pub upload_timeout: Duration,
    /// Most connections served at once; more wait in the kernel's backlog.
    pub max_connections: usize,
    /// How long shutdown waits for in-flight requests.
    pub shutdown_deadline: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(3600),
            max_connections: 4096,
            shutdown_deadline: Duration::from_secs(30),
        }
    }
}

/// What the running store needs besides its database, files and authority key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The store id: the `store` header of the models it serves.
    pub store_id: String,
    /// The URL devices reach the store at, without a trailing `/` (download and assertion
    /// URLs are built on it), e.g. `http://127.0.0.1:8480`.
    pub base_url: String,
    /// Largest `.snap` upload, in bytes.
    pub max_snap_size: u64,
    /// Largest JSON (or assertion) request body, in bytes.
    pub max_body_size: u64,
    /// How long a device-session nonce is valid.
    pub nonce_ttl: Duration,
    /// How long a device session is valid; then snapd is asked to open a new one.
    pub session_ttl: Duration,
    /// Timeouts and caps.
    pub limits: ServerLimits,
}

impl Settings {
    /// Settings with the defaults for a store id and base URL.
    pub fn new(store_id: impl Into<String>, base_url: impl Into<String>) -> Self {
        Settings {
            store_id: store_id.into(),
            base_url: base_url.into().trim_end_matches('/').to_string(),
            max_snap_size: 4 << 30,
            max_body_size: 1 << 20,
            nonce_ttl: Duration::from_secs(300),
            session_ttl: Duration::from_secs(24 * 3600),
            limits: ServerLimits::default(),
        }
    }
}

/// The configuration file of `store serve --config` (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// `[store]`.
    pub store: StoreSection,
    /// `[authority]`.
    pub authority: AuthoritySection,
    /// `[[brand]]`.
    #[serde(rename = "brand", default, skip_serializing_if = "Vec::is_empty")]
    pub brands: Vec<BrandSection>,
    /// `[limits]`.
    #[serde(default)]
    pub limits: LimitsSection,
    /// `[metrics]`.
    #[serde(default)]
    pub metrics: MetricsSection,
    /// `[policy]`.
    #[serde(default)]
    pub policy: PolicySection,
}

/// `[store]`: who the store is and where it keeps things.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StoreSection {
    /// The store id.
    pub id: String,
    /// The URL devices reach the store at.
    pub base_url: String,
    /// The address to listen on.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The database URL (or SQLite path).
    #[serde(default = "StoreSection::default_database")]
    pub database: String,
    /// The snap files' directory.
    #[serde(default = "StoreSection::default_snaps_dir")]
    pub snaps_dir: PathBuf,
}

impl StoreSection {
    fn default_database() -> String {
        Self::DEFAULT_DATABASE.to_string()
    }

    fn default_snaps_dir() -> PathBuf {
        PathBuf::from(Self::DEFAULT_SNAPS_DIR)
    }
}

impl StoreSection {
    /// `listen` when not given: loopback, port 8480.
    pub const DEFAULT_LISTEN: SocketAddr = SocketAddr::V4(std::net::SocketAddrV4::new(
        std::net::Ipv4Addr::LOCALHOST,
        8480,
    ));
    /// `database` when not given: a SQLite file next to the configuration.
    pub const DEFAULT_DATABASE: &str = "store.db";
    /// `snaps-dir` when not given.
    pub const DEFAULT_SNAPS_DIR: &str = "snaps";
}

fn default_listen() -> SocketAddr {
    StoreSection::DEFAULT_LISTEN
}

/// `[authority]`: the store's signing account and its key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AuthoritySection {
    /// The authority's account and account-key assertions.
    pub assertions: PathBuf,
    /// The private key (PEM), when not on a token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    /// The key on a PKCS#11 token, when not in a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkcs11: Option<Pkcs11Section>,
}

/// `[authority] pkcs11 = {…}`: a key on a PKCS#11 token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Pkcs11Section {
    /// The PKCS#11 module (shared library).
    pub module: PathBuf,
    /// The token's label.
    pub token_label: String,
    /// A file holding the user PIN.
    pub pin_file: PathBuf,
    /// The key's snapd id (`sign-key-sha3-384`).
    pub key_id: String,
}

/// `[[brand]]`: a brand the store serves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BrandSection {
    /// The brand's account id.
    pub id: String,
    /// The brand's account and account-key assertions.
    pub assertions: PathBuf,
}

/// `[limits]`: durations in seconds, sizes in bytes. Missing keys take the defaults of
/// [`Settings::new`] and [`ServerLimits::default`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct LimitsSection {
    /// [`ServerLimits::header_read_timeout`].
    pub header_read_timeout: u64,
    /// [`ServerLimits::idle_timeout`].
    pub idle_timeout: u64,
    /// [`ServerLimits::request_timeout`].
    pub request_timeout: u64,
    /// [`ServerLimits::upload_timeout`].
    pub upload_timeout: u64,
    /// [`ServerLimits::max_connections`].
    pub max_connections: usize,
    /// [`ServerLimits::shutdown_deadline`].
    pub shutdown_deadline: u64,
    /// [`Settings::max_snap_size`].
    pub max_snap_size: u64,
    /// [`Settings::max_body_size`].
    pub max_body_size: u64,
    /// [`Settings::nonce_ttl`].
    pub nonce_ttl: u64,
    /// [`Settings::session_ttl`].
    pub session_ttl: u64,
}

impl Default for LimitsSection {
    fn default() -> Self {
        let s = Settings::new("", "");
        let l = &s.limits;
        LimitsSection {
            header_read_timeout: l.header_read_timeout.as_secs(),
            idle_timeout: l.idle_timeout.as_secs(),
            request_timeout: l.request_timeout.as_secs(),
            upload_timeout: l.upload_timeout.as_secs(),
            max_connections: l.max_connections,
            shutdown_deadline: l.shutdown_deadline.as_secs(),
            max_snap_size: s.max_snap_size,
            max_body_size: s.max_body_size,
            nonce_ttl: s.nonce_ttl.as_secs(),
            session_ttl: s.session_ttl.as_secs(),
        }
    }
}

/// `[metrics]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MetricsSection {
    /// A file holding the token `GET /metrics` requires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_file: Option<PathBuf>,
}

/// `[policy]`: the interface review of uploads ([`crate::upload_policy`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PolicySection {
    /// The base-declaration uploads are checked against: a signed `base-declaration`
    /// assertion, or headers-only text as snapd's `InitBuiltinBaseDeclaration` takes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_declaration: Option<PathBuf>,
    /// Model assertions of the devices the store serves: an upload passes when it would
    /// install on one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<PathBuf>,
    /// The plug/slot rule language (`"snapd-2.57"`, the default, or `"current"`: newer
    /// snapd's, spec Appendix A): the interface rules an admin grants are checked and
    /// signed in it (so `on-core-desktop` or publisher-id attribute references need
    /// `"current"`), and uploads are reviewed in it.
    #[serde(default, skip_serializing_if = "is_default_language")]
    pub rule_language: RuleLanguage,
}

fn is_default_language(language: &RuleLanguage) -> bool {
    *language == RuleLanguage::default()
}

fn config_error(message: impl std::fmt::Display) -> Error {
    Error::Config(message.to_string())
}

impl StoreConfig {
    /// Parses and checks TOML text; relative paths are kept as written.
    pub fn from_toml(text: &str) -> Result<Self, Error> {
        let config: StoreConfig = toml::from_str(text).map_err(config_error)?;
        config.check()?;
        Ok(config)
    }

    /// Reads `path`, parses and checks it, and makes its relative paths relative to the
    /// file's directory.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
        let config =
            Self::from_toml(&text).map_err(|e| config_error(format!("{}: {e}", path.display())))?;
        let dir = path.parent().unwrap_or(Path::new(""));
        Ok(config.relative_to(dir))
    }

    /// The configuration as TOML (what [`StoreConfig::from_toml`] reads back).
    pub fn to_toml(&self) -> Result<String, Error> {
        toml::to_string(self).map_err(config_error)
    }

    /// This configuration with every relative path joined to `dir`.
    pub fn relative_to(mut self, dir: &Path) -> Self {
        let join = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        };
        self.store.database = database_relative_to(&self.store.database, dir);
        join(&mut self.store.snaps_dir);
        join(&mut self.authority.assertions);
        if let Some(k) = &mut self.authority.key_file {
            join(k);
        }
        if let Some(p) = &mut self.authority.pkcs11 {
            join(&mut p.module);
            join(&mut p.pin_file);
        }
        for b in &mut self.brands {
            join(&mut b.assertions);
        }
        if let Some(t) = &mut self.metrics.token_file {
            join(t);
        }
        if let Some(b) = &mut self.policy.base_declaration {
            join(b);
        }
        for m in &mut self.policy.models {
            join(m);
        }
        self
    }

    /// The refusals that TOML's shape alone cannot express.
    fn check(&self) -> Result<(), Error> {
        let s = &self.store;
        if s.id.trim().is_empty() {
            return Err(config_error("[store] id must not be empty"));
        }
        if !(s.base_url.starts_with("http://") || s.base_url.starts_with("https://")) {
            return Err(config_error(format!(
                "[store] base-url must be an http:// or https:// URL, not {:?}",
                s.base_url
            )));
        }
        if s.database.trim().is_empty() {
            return Err(config_error("[store] database must not be empty"));
        }
        match (&self.authority.key_file, &self.authority.pkcs11) {
            (Some(_), None) | (None, Some(_)) => {}
            _ => {
                return Err(config_error(
                    "[authority] needs exactly one of key-file and pkcs11",
                ));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for b in &self.brands {
            if b.id.trim().is_empty() {
                return Err(config_error("[[brand]] id must not be empty"));
            }
            if !seen.insert(b.id.as_str()) {
                return Err(config_error(format!(
                    "brand {:?} is configured twice",
                    b.id
                )));
            }
        }
        let l = &self.limits;
        for (name, value) in [
            ("header-read-timeout", l.header_read_timeout),
            ("idle-timeout", l.idle_timeout),
            ("request-timeout", l.request_timeout),
            ("upload-timeout", l.upload_timeout),
            ("shutdown-deadline", l.shutdown_deadline),
            ("max-snap-size", l.max_snap_size),
            ("max-body-size", l.max_body_size),
            ("nonce-ttl", l.nonce_ttl),
            ("session-ttl", l.session_ttl),
        ] {
            if value == 0 {
                return Err(config_error(format!("[limits] {name} must be above 0")));
            }
        }
        if l.max_connections == 0 {
            return Err(config_error("[limits] max-connections must be above 0"));
        }
        Ok(())
    }

    /// The store's [`Settings`].
    pub fn settings(&self) -> Settings {
        let l = &self.limits;
        let secs = Duration::from_secs;
        Settings {
            max_snap_size: l.max_snap_size,
            max_body_size: l.max_body_size,
            nonce_ttl: secs(l.nonce_ttl),
            session_ttl: secs(l.session_ttl),
            limits: ServerLimits {
                header_read_timeout: secs(l.header_read_timeout),
                idle_timeout: secs(l.idle_timeout),
                request_timeout: secs(l.request_timeout),
                upload_timeout: secs(l.upload_timeout),
                max_connections: l.max_connections,
                shutdown_deadline: secs(l.shutdown_deadline),
            },
            ..Settings::new(&self.store.id, &self.store.base_url)
        }
    }
}

/// A database URL with a relative SQLite path joined to `dir`; in-memory and PostgreSQL
/// URLs unchanged.
fn database_relative_to(url: &str, dir: &Path) -> String {
    if url == "sqlite::memory:"
        || url.starts_with("postgres://")
        || url.starts_with("postgresql://")
    {
        return url.to_string();
    }
    let (scheme, path) = match url.strip_prefix("sqlite://") {
        Some(path) => ("sqlite://", path),
        None => ("", url),
    };
    let path = Path::new(path);
    if path.is_absolute() {
        return url.to_string();
    }
    format!("{scheme}{}", dir.join(path).display())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The TOML block of the module documentation.
    fn documented_example() -> String {
        include_str!("config.rs")
            .lines()
            .filter_map(|l| l.strip_prefix("//!"))
            .skip_while(|l| l.trim() != "```toml")
            .skip(1)
            .take_while(|l| l.trim() != "```")
            .map(|l| l.strip_prefix(' ').unwrap_or(l).to_string() + "\n")
            .collect()
    }

    #[test]
    fn the_documented_example_parses_to_the_defaults() {
        let c = StoreConfig::from_toml(&documented_example()).unwrap();
        assert_eq!(c.store.id, "acme-store");
        assert_eq!(c.brands.len(), 1);
        assert_eq!(c.limits, LimitsSection::default());
        let s = c.settings();
        let d = Settings::new("acme-store", "http://127.0.0.1:8480/");
        assert_eq!(s, d);
        assert_eq!(c.policy, PolicySection::default());
        let current = documented_example().replace(
            "# rule-language = \"snapd-2.57\"",
            "rule-language = \"current\"",
        );
        let c = StoreConfig::from_toml(&current).unwrap();
        assert_eq!(c.policy.rule_language, RuleLanguage::Current);
    }

    #[test]
    fn paths_are_relative_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.toml");
        std::fs::write(&path, documented_example()).unwrap();
        let c = StoreConfig::load(&path).unwrap();
        assert_eq!(
            c.store.database,
            format!("{}", dir.path().join("store.db").display())
        );
        assert_eq!(c.store.snaps_dir, dir.path().join("snaps"));
        assert_eq!(c.authority.key_file, Some(dir.path().join("authority.pem")));
        assert_eq!(c.brands[0].assertions, dir.path().join("acme.assert"));
        let d = Path::new("/etc/store");
        assert_eq!(
            database_relative_to("sqlite://db/s.db", d),
            "sqlite:///etc/store/db/s.db"
        );
        assert_eq!(
            database_relative_to("sqlite:///var/s.db", d),
            "sqlite:///var/s.db"
        );
        assert_eq!(
            database_relative_to("sqlite::memory:", d),
            "sqlite::memory:"
        );
        assert_eq!(
            database_relative_to("postgres://u@h/db", d),
            "postgres://u@h/db"
        );
    }

    #[test]
    fn round_trips_through_toml() {
        let mut c = StoreConfig::from_toml(&documented_example()).unwrap();
        c.authority.key_file = None;
        c.authority.pkcs11 = Some(Pkcs11Section {
            module: "/usr/lib/softhsm/libsofthsm2.so".into(),
            token_label: "store".into(),
            pin_file: "pin".into(),
            key_id: "abc".into(),
        });
        c.metrics.token_file = Some("metrics.token".into());
        c.limits.max_connections = 7;
        c.policy.rule_language = RuleLanguage::Current;
        c.brands.push(BrandSection {
            id: "other".into(),
            assertions: "other.assert".into(),
        });
        let text = c.to_toml().unwrap();
        assert_eq!(StoreConfig::from_toml(&text).unwrap(), c);
    }

    #[test]
    fn wrong_files_are_refused_clearly() {
        let example = documented_example();
        let refused = |text: &str| StoreConfig::from_toml(text).unwrap_err().to_string();
        let e = refused(&format!("{example}\nbogus = 1\n"));
        assert!(e.contains("unknown field `bogus`"), "{e}");
        let e = refused(&example.replace("idle-timeout = 60", "idle-timeoutt = 60"));
        assert!(e.contains("unknown field `idle-timeoutt`"), "{e}");
        let e = refused(&example.replace("idle-timeout = 60", "idle-timeout = 0"));
        assert_eq!(e, "[limits] idle-timeout must be above 0");
        let e = refused(&example.replace("max-connections = 4096", "max-connections = 0"));
        assert_eq!(e, "[limits] max-connections must be above 0");
        let e = refused(&example.replace("key-file = \"authority.pem\"", ""));
        assert_eq!(e, "[authority] needs exactly one of key-file and pkcs11");
        let e = refused(
            &example
                .replace("# pkcs11 =", "pkcs11 =")
                .replace("#            pin", "pin"),
        );
        assert_eq!(e, "[authority] needs exactly one of key-file and pkcs11");
        let e = refused(&example.replace("http://127.0.0.1:8480\"", "ftp://x\""));
        assert!(e.starts_with("[store] base-url must be"), "{e}");
        let e = refused(&example.replace("id = \"acme-store\"", "id = \"\""));
        assert_eq!(e, "[store] id must not be empty");
        let e = refused(&format!(
            "{example}\n[[brand]]\nid = \"acme\"\nassertions = \"x\"\n"
        ));
        assert_eq!(e, "brand \"acme\" is configured twice");
        let e = refused(&example.replace(
            "# rule-language = \"snapd-2.57\"",
            "rule-language = \"2.57\"",
        ));
        assert!(e.contains("unknown variant `2.57`"), "{e}");
        let e = refused(&example.replace("[authority]", "[authorit]"));
        assert!(e.contains("unknown field `authorit`"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.toml");
        std::fs::write(&path, "[store]\nid = 1\n").unwrap();
        let e = StoreConfig::load(&path).unwrap_err().to_string();
        assert!(e.starts_with(&format!("{}: ", path.display())), "{e}");
        let e = StoreConfig::load(&dir.path().join("missing.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("cannot read "), "{e}");
    }
}
