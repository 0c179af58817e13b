//! Reading the commands' inputs: assertion streams, files, keys.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use ucore_assertions::Assertion;
use ucore_signing::{Pkcs11Token, Signer};

/// A usage or I/O error (exit code 2).
pub type Failure = Box<dyn std::error::Error>;

pub use super::common::{assertions_in as assertions, read_file as read};

/// Every assertion of several files.
pub fn all_assertions(paths: &[PathBuf]) -> Result<Vec<Assertion>, Failure> {
    let mut out = Vec::new();
    for p in paths {
        out.extend(assertions(p)?);
    }
    Ok(out)
}

/// Where the signing key is: a keypair store (snapd's layout) or a PKCS#11 token, as the
/// `model` and `keys` examples take it.
#[derive(Args)]
pub struct KeyArgs {
    /// The key: a key name or id in the keypair store (or a label on the token), or the
    /// path of a PEM private key (`*.pem`, for tests).
    #[arg(long, value_name = "NAME")]
    key: String,
    /// The keypair store directory (snapd's layout); default `$UCORE_KEYSTORE`, then
    /// `~/.local/share/ucore/keystore`.
    #[arg(long, value_name = "DIR")]
    keystore: Option<PathBuf>,
    /// Sign with a key of a PKCS#11 token through this module (a `.so`) instead.
    #[arg(long, value_name = "MODULE")]
    pkcs11: Option<PathBuf>,
    /// The token's label (with `--pkcs11`).
    #[arg(long, value_name = "LABEL", requires = "pkcs11")]
    token: Option<String>,
    /// The environment variable that holds the token PIN.
    #[arg(long, value_name = "VAR", default_value = "UCORE_PKCS11_PIN")]
    pin_env: String,
}

impl KeyArgs {
    /// The signer the options name.
    pub fn signer(&self) -> Result<Arc<dyn Signer>, Failure> {
        let key = self.key.as_str();
        if let Some(module) = &self.pkcs11 {
            let token = self
                .token
                .as_deref()
                .ok_or("--pkcs11 needs --token LABEL")?;
            let pin = std::env::var(&self.pin_env)
                .map_err(|_| format!("set the token PIN in ${}", self.pin_env))?;
            let token = Pkcs11Token::open(module, token, &pin)?;
            return Ok(Arc::new(
                token
                    .signer(key)
                    .map_err(|e| format!("key {key:?} on the token: {e}"))?,
            ));
        }
        super::common::keystore_signer(key, self.keystore.as_deref())
    }
}
