//! The vault's TOML configuration. Every key, with its default:
//!
//! ```toml
//! # Address of the signing API (what devices call; put TLS in front of it).
//! listen = "127.0.0.1:8080"
//! # Address of the admin API; leave out to run without it.
//! admin_listen = "127.0.0.1:8081"
//! # Database: "sqlite://PATH" (created and migrated on first start), "sqlite::memory:",
//! # or "postgres://USER:PASSWORD@HOST:PORT/DATABASE" (built with the cargo feature
//! # `postgres`; tables created and migrated on start; several vault processes may share it).
//! database = "sqlite://vault.db"
//! # Where the master secret that seals signing keys comes from: a file, or an
//! # environment variable (exactly one of the two). Never stored in the database.
//! master_secret_file = "/etc/ucore-vault/master.secret"
//! # master_secret_env = "UCORE_VAULT_MASTER_SECRET"
//! # The admin API's bearer token: a file or an environment variable; at least 16 bytes.
//! admin_token_file = "/etc/ucore-vault/admin.token"
//! # admin_token_env = "UCORE_VAULT_ADMIN_TOKEN"
//! # Lifetime of a request-id in seconds (Serial Vault: 600).
//! nonce_ttl_secs = 600
//! # Most request-ids waiting to be used; more are refused (503, Retry-After) until some
//! # are used or expire. 0: no bound.
//! max_nonces = 100000
//! # Largest /v1/serial body in bytes (413 beyond).
//! max_body_bytes = 65536
//! # Append account and account-key after the serial for devices announcing
//! # `Snap-Device-Capabilities: serial-stream`.
//! stream_ancillary = true
//!
//! # The HTTP server's limits, for each listener (signing and admin) on its own
//! # ([`ServerLimits`]). Durations as "10s", "500ms", "2m" (or ISO 8601, "PT10S").
//! [server]
//! # Time to send a request head (request line and headers): slowloris clients are cut off.
//! header_timeout = "10s"
//! # How long a keep-alive connection may sit idle between requests.
//! idle_timeout = "60s"
//! # Time to send a request body, from its head.
//! body_timeout = "10s"
//! # Time for a whole request, from its head until the response is sent.
//! request_timeout = "30s"
//! # Most connections served at once; more are closed as soon as they are accepted.
//! max_connections = 1024
//! # On SIGTERM/SIGINT, how long in-flight requests may take before they are dropped.
//! shutdown_timeout = "30s"
//!
//! # Rate limits of /v1/request-id and /v1/serial ([`RateLimits`]): a request over one is
//! # answered 503 with Retry-After, which snapd retries a minute later. Each limit is a
//! # sustained rate ("N/s", "N/m" or "N/h") and a burst (requests allowed at once after a
//! # quiet spell), or "off". Kept in each vault process: replicas each apply their own.
//! [rate_limit]
//! # false turns every limit off.
//! enabled = true
//! # Per API key (the one a model's gadget ships), checked once the key is known good.
//! request_id_per_key = { rate = "50/s", burst = 1000 }
//! serial_per_key = { rate = "50/s", burst = 1000 }
//! # Per client address (IPv6 by /64), checked first. Devices behind one NAT share one.
//! request_id_per_address = { rate = "100/s", burst = 2000 }
//! serial_per_address = { rate = "100/s", burst = 2000 }
//! # Most API keys, and most addresses, tracked at once (idle ones are dropped).
//! max_tracked = 65536
//! # Reverse proxies whose X-Forwarded-For names the client (e.g. ["127.0.0.1"]).
//! trusted_proxies = []
//! # How long and how many requests wait for the database ([`DatabaseLimits`]); beyond,
//! # they are answered 503 with Retry-After, which snapd retries.
//! [database_limits]
//! # How long one database call may wait in all: in the queue, then for a lock another
//! # process holds (SQLite's busy timeout); PostgreSQL: for a pooled or new connection.
//! busy_timeout = "5s"
//! # SQLite: the most calls waiting for each of the two database threads (writer, reader).
//! queue_depth = 4096
//!
//! # Brand keys and the sync key on a PKCS#11 token (cargo feature `pkcs11`), registered
//! # when the vault opens: see [`crate::token`]. Leave out without a token.
//! [pkcs11]
//! module = "/usr/lib/softhsm/libsofthsm2.so"
//! token_label = "factory"
//! pin_file = "/etc/ucore-vault/token.pin"
//! keys = [{ label = "acme-serials", authority_id = "acme" }]
//! sync_key = "factory-sync"
//! ```

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use zeroize::Zeroizing;

use crate::error::Error;
use crate::http::ServerLimits;
use crate::keystore::KeyStore;
use crate::store::DatabaseLimits;
use crate::vault::rate_limit::RateLimits;

/// The vault configuration file.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct VaultConfig {
    /// Signing API address.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// Admin API address.
    pub admin_listen: Option<SocketAddr>,
    /// Database URL.
    #[serde(default = "default_database")]
    pub database: String,
    /// Master secret file.
    pub master_secret_file: Option<PathBuf>,
    /// Master secret environment variable.
    pub master_secret_env: Option<String>,
    /// Admin token file.
    pub admin_token_file: Option<PathBuf>,
    /// Admin token environment variable.
    pub admin_token_env: Option<String>,
    /// Nonce lifetime (seconds).
    #[serde(default = "default_ttl")]
    pub nonce_ttl_secs: u64,
    /// Body limit (bytes).
    #[serde(default = "default_body")]
    pub max_body_bytes: usize,
    /// Stream account and account-key with the serial.
    #[serde(default = "default_true")]
    pub stream_ancillary: bool,
    /// `[server]`: timeouts and the connection cap (each key defaults on its own).
    #[serde(default)]
    pub server: ServerLimits,
    /// Most request-ids waiting to be used (0: no bound).
    #[serde(default = "default_max_nonces")]
    pub max_nonces: u64,
    /// `[rate_limit]`: the signing API's rate limits (each key defaults on its own).
    #[serde(default)]
    pub rate_limit: RateLimits,
    /// `[database_limits]`: the database's busy timeout and queue depth (each key defaults
    /// on its own); for [`Store::open_with`](crate::Store::open_with).
    #[serde(default)]
    pub database_limits: DatabaseLimits,
    /// `[pkcs11]`: keys on a PKCS#11 token ([`crate::token`]).
    pub pkcs11: Option<crate::token::TokenConfig>,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}
fn default_database() -> String {
    "sqlite://vault.db".into()
}
fn default_ttl() -> u64 {
    600
}
fn default_body() -> usize {
    64 * 1024
}
fn default_true() -> bool {
    true
}
fn default_max_nonces() -> u64 {
    crate::vault::Settings::default().max_nonces
}

impl VaultConfig {
    /// Parses TOML text.
    pub fn from_toml(text: &str) -> Result<Self, Error> {
        toml::from_str(text).map_err(|e| Error::Config(e.into()))
    }

    /// Reads and parses `path`.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
        Self::from_toml(&text)
    }

    /// The key store from `master_secret_file` or `master_secret_env`.
    pub fn key_store(&self) -> Result<KeyStore, Error> {
        match (&self.master_secret_file, &self.master_secret_env) {
            (Some(f), None) => KeyStore::from_file(f),
            (None, Some(e)) => KeyStore::from_env(e),
            _ => Err(Error::config(
                "set exactly one of master_secret_file and master_secret_env",
            )),
        }
    }

    /// The admin token, if configured: at least [`MIN_ADMIN_TOKEN_BYTES`] bytes.
    pub fn admin_token(&self) -> Result<Option<Zeroizing<String>>, Error> {
        let token = self.read_admin_token()?;
        if let Some(t) = &token {
            check_admin_token(t)?;
        }
        Ok(token)
    }

    fn read_admin_token(&self) -> Result<Option<Zeroizing<String>>, Error> {
        match (&self.admin_token_file, &self.admin_token_env) {
            (Some(f), None) => {
                let t = std::fs::read_to_string(f)
                    .map_err(|e| Error::io(format!("cannot read {}", f.display()), e))?;
                Ok(Some(Zeroizing::new(t.trim_end().to_string())))
            }
            (None, Some(e)) => Ok(Some(Zeroizing::new(std::env::var(e).map_err(|_| {
                Error::config(format!("environment variable {e} is not set"))
            })?))),
            (None, None) => Ok(None),
            _ => Err(Error::config(
                "set at most one of admin_token_file and admin_token_env",
            )),
        }
    }

    /// The vault this configuration describes, without its servers and admin token: its
    /// database (opened and migrated, under [`VaultConfig::database_limits`]), its key
    /// store, its settings, and the keys of its `[pkcs11]` token registered.
    pub async fn open_vault(&self) -> Result<crate::Vault, Error> {
        self.open_vault_and_sync_signer().await.map(|(v, _)| v)
    }

    /// [`VaultConfig::open_vault`], and the signer of the `[pkcs11]` section's `sync_key`
    /// if it names one (for [`Vault::sync_init_external`](crate::Vault::sync_init_external)).
    pub async fn open_vault_and_sync_signer(
        &self,
    ) -> Result<
        (
            crate::Vault,
            Option<std::sync::Arc<dyn ucore_signing::Signer>>,
        ),
        Error,
    > {
        let store = crate::Store::open_with(&self.database, &self.database_limits).await?;
        let vault = crate::Vault::new(store, self.key_store()?, self.settings());
        let sync_signer = match &self.pkcs11 {
            Some(token) => token.register(&vault).await?,
            None => None,
        };
        Ok((vault, sync_signer))
    }

    /// The vault settings. The server's limits are [`VaultConfig::server`], for
    /// [`serve_with`](crate::serve_with).
    pub fn settings(&self) -> crate::vault::Settings {
        crate::vault::Settings {
            nonce_ttl: std::time::Duration::from_secs(self.nonce_ttl_secs),
            max_body_bytes: self.max_body_bytes,
            stream_ancillary: self.stream_ancillary,
            rate_limits: self.rate_limit.clone(),
            max_nonces: self.max_nonces,
            ..Default::default()
        }
    }
}

/// The shortest admin token the vault starts with.
pub const MIN_ADMIN_TOKEN_BYTES: usize = 16;

/// Refuses an admin token shorter than [`MIN_ADMIN_TOKEN_BYTES`] (the token is not shown).
pub fn check_admin_token(token: &str) -> Result<(), Error> {
    if token.len() < MIN_ADMIN_TOKEN_BYTES {
        return Err(Error::config(format!(
            "the admin token has {} bytes: it must have at least {MIN_ADMIN_TOKEN_BYTES}",
            token.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_admin_token_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("admin.token");
        std::fs::write(&file, "short-token\n").unwrap();
        let mut c = VaultConfig::from_toml("").unwrap();
        c.admin_token_file = Some(file.clone());
        let e = c.admin_token().unwrap_err();
        assert_eq!(
            e.to_string(),
            "configuration: the admin token has 11 bytes: it must have at least 16"
        );
        std::fs::write(&file, "a-long-enough-admin-token\n").unwrap();
        assert_eq!(
            c.admin_token().unwrap().as_deref().map(String::as_str),
            Some("a-long-enough-admin-token")
        );
    }

    #[test]
    fn documented_example_parses() {
        let doc = include_str!("config.rs");
        let start = doc.find("//! ```toml\n").unwrap() + 12;
        let end = start + doc[start..].find("//! ```\n").unwrap();
        let text: String = doc[start..end]
            .lines()
            .map(|l| {
                l.strip_prefix("//! ")
                    .or_else(|| l.strip_prefix("//!"))
                    .unwrap_or(l)
            })
            .collect::<Vec<_>>()
            .join("\n");
        let c = VaultConfig::from_toml(&text).unwrap();
        assert_eq!(c.nonce_ttl_secs, 600);
        assert_eq!(c.admin_listen, Some("127.0.0.1:8081".parse().unwrap()));
        assert_eq!(c.server, ServerLimits::default());
        assert_eq!(c.rate_limit, RateLimits::default());
        assert_eq!(c.max_nonces, 100_000);
        assert_eq!(c.database_limits, DatabaseLimits::default());
        assert!(VaultConfig::from_toml("bogus = 1").is_err());
        let d = VaultConfig::from_toml("").unwrap();
        assert_eq!(d.max_body_bytes, 65536);
        assert_eq!(d.server, ServerLimits::default());
        assert_eq!(d.rate_limit, RateLimits::default());
        assert_eq!(d.settings().max_nonces, 100_000);
    }

    #[test]
    fn rate_limit_keys_default_one_by_one() {
        let c = VaultConfig::from_toml(
            "max_nonces = 0\n[rate_limit]\nserial_per_address = \"off\"\n\
             request_id_per_key = { rate = \"10/m\", burst = 5 }\n",
        )
        .unwrap();
        let s = c.settings();
        assert_eq!(s.max_nonces, 0);
        assert_eq!(
            s.rate_limits.serial_per_address,
            crate::vault::rate_limit::Limit::Off
        );
        assert_eq!(
            s.rate_limits.request_id_per_key,
            crate::vault::rate_limit::Limit::new("10/m".parse().unwrap(), 5)
        );
        assert_eq!(
            s.rate_limits.serial_per_key,
            RateLimits::default().serial_per_key
        );
        assert!(VaultConfig::from_toml("[rate_limit]\nper_key = \"off\"\n").is_err());
    }

    #[test]
    fn server_keys_default_one_by_one() {
        let c = VaultConfig::from_toml(
            "listen = \"127.0.0.1:9000\"\n[server]\nidle_timeout = \"5s\"\nmax_connections = 8\n",
        )
        .unwrap();
        assert_eq!(c.listen, "127.0.0.1:9000".parse().unwrap());
        assert_eq!(c.server.idle_timeout, std::time::Duration::from_secs(5));
        assert_eq!(c.server.max_connections, 8);
        assert_eq!(
            c.server.header_timeout,
            ServerLimits::default().header_timeout
        );
        assert!(VaultConfig::from_toml("[server]\nread_timeout = \"1s\"\n").is_err());
    }
}
