//! Manage signing keys the way `snap create-key` / `snap keys` / `snap export-key` do, in a
//! keystore in snapd's layout (`DIR/private-keys-v1/<keyid>`) or inside a PKCS#11 token.
//!
//! ```text
//! cargo run --example keys -- [--keystore DIR] [--passphrase-env VAR] COMMAND
//! cargo run --example keys -- --pkcs11 MODULE --token LABEL [--pin-env VAR] COMMAND
//!
//! COMMAND:
//!   create NAME [--bits N]                 generate an RSA key (4096 bits, as snapd)
//!   list [--json]                          names and key ids
//!   export NAME [--private]                the public key as an account-key body
//!                                          (--private: PKCS#8 PEM; keystore only)
//!   import NAME PEM                        store an existing PEM key (keystore only)
//!   account-key-request NAME --account ID [--since RFC3339] [--now RFC3339]
//!                                          an account-key-request signed by the key
//! ```
//!
//! The keystore defaults to `$UCORE_KEYSTORE` or `~/.local/share/ucore/keys`; with
//! `--passphrase-env VAR` new keys are encrypted at rest with the passphrase in `$VAR`.
//! The token PIN is read from `$UCORE_PKCS11_PIN` (or `--pin-env VAR`). Options may come
//! before or after the command. Errors go to standard error as `error: …`, exit status 1.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use ucore_assertions::{AssertionAccess, AssertionBuilder, AssertionType};
use ucore_signing::{
    FsKeypairManager, KeypairManager, Pkcs11Token, RsaPrivateKey, Signer, encode_public_key,
    sign_assertion,
};

/// Signing keys as snapd keeps them: a keystore directory or a PKCS#11 token.
#[derive(Parser)]
#[command(name = "keys", version)]
struct Cli {
    /// The keypair store directory (default: `$UCORE_KEYSTORE` or
    /// `~/.local/share/ucore/keys`).
    #[arg(long, global = true, value_name = "DIR")]
    keystore: Option<PathBuf>,
    /// Encrypt new keys at rest with the passphrase in this environment variable.
    #[arg(long, global = true, value_name = "VAR")]
    passphrase_env: Option<String>,
    /// Use the keys of a PKCS#11 token through this module (a `.so`) instead of a keystore.
    #[arg(long, global = true, value_name = "MODULE")]
    pkcs11: Option<PathBuf>,
    /// The token's label (with `--pkcs11`).
    #[arg(long, global = true, value_name = "LABEL")]
    token: Option<String>,
    /// The environment variable that holds the token PIN.
    #[arg(
        long,
        global = true,
        value_name = "VAR",
        default_value = "UCORE_PKCS11_PIN"
    )]
    pin_env: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate an RSA key and print its key id.
    Create {
        /// The key's name.
        name: String,
        /// Modulus size (snapd: 4096).
        #[arg(long, default_value_t = 4096)]
        bits: usize,
    },
    /// Names and key ids.
    List {
        /// One JSON array of `{"name", "key-id"}` objects.
        #[arg(long)]
        json: bool,
    },
    /// The public key as an account-key body (or, keystore only, the private key).
    Export {
        /// The key's name.
        name: String,
        /// Print the private key as PKCS#8 PEM instead (keystore only).
        #[arg(long)]
        private: bool,
    },
    /// Store an existing PEM key (keystore only) and print its key id.
    Import {
        /// The name to give it.
        name: String,
        /// The PEM file (PKCS#1 or PKCS#8).
        pem: PathBuf,
    },
    /// An account-key-request signed by the key, ready for the store.
    AccountKeyRequest {
        /// The key's name.
        name: String,
        /// The account the key is for.
        #[arg(long, value_name = "ID")]
        account: String,
        /// The key's validity start (RFC 3339; default: `--now`).
        #[arg(long, value_name = "RFC3339")]
        since: Option<String>,
        /// The clock (RFC 3339; default: now).
        #[arg(long, value_name = "RFC3339")]
        now: Option<jiff::Timestamp>,
    },
}

fn default_keystore() -> PathBuf {
    if let Some(p) = std::env::var_os("UCORE_KEYSTORE") {
        return p.into();
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".local/share/ucore/keys")
}

/// Where keys live: a keystore directory or a token.
enum Store {
    Files(FsKeypairManager),
    Token(Pkcs11Token),
}

impl Store {
    fn open(o: &Cli) -> Result<Self, String> {
        if let Some(module) = &o.pkcs11 {
            let token = o.token.as_deref().ok_or("--pkcs11 needs --token LABEL")?;
            let pin = std::env::var(&o.pin_env)
                .map_err(|_| format!("set the token PIN in ${}", o.pin_env))?;
            return Pkcs11Token::open(module, token, &pin)
                .map(Store::Token)
                .map_err(|e| e.to_string());
        }
        let dir = o.keystore.clone().unwrap_or_else(default_keystore);
        let m = match &o.passphrase_env {
            Some(var) => {
                let pass = std::env::var(var).map_err(|_| format!("${var} is not set"))?;
                FsKeypairManager::open_encrypted(&dir, pass.as_bytes())
            }
            None => FsKeypairManager::open(&dir),
        };
        m.map(Store::Files).map_err(|e| e.to_string())
    }

    fn signer(&self, name: &str) -> Result<Arc<dyn Signer>, String> {
        match self {
            Store::Files(m) => {
                let id = m
                    .key_id_for_name(name)
                    .map_err(|_| format!("cannot find key named {name:?}"))?;
                m.get(&id).map_err(|e| e.to_string())
            }
            Store::Token(t) => Ok(Arc::new(
                t.signer(name)
                    .map_err(|_| format!("cannot find key named {name:?}"))?,
            )),
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let store = Store::open(&cli)?;
    match cli.command {
        Command::Create { name, bits } => {
            let id = match &store {
                Store::Files(m) => {
                    if m.key_id_for_name(&name).is_ok() {
                        return Err(format!("key name {name:?} is already in use"));
                    }
                    let key = RsaPrivateKey::generate(bits).map_err(|e| e.to_string())?;
                    m.put(&key).map_err(|e| e.to_string())?;
                    m.set_name(&name, key.key_id()).map_err(|e| e.to_string())?;
                    key.key_id().to_string()
                }
                Store::Token(t) => t
                    .generate_key(&name, bits as u64)
                    .map_err(|e| e.to_string())?
                    .key_id()
                    .to_string(),
            };
            println!("{id}");
        }
        Command::List { json } => {
            let pairs = match &store {
                Store::Files(m) => {
                    let mut pairs = m.names().map_err(|e| e.to_string())?;
                    for id in m.key_ids().map_err(|e| e.to_string())? {
                        if !pairs.iter().any(|(_, k)| *k == id) {
                            pairs.push(("-".into(), id));
                        }
                    }
                    pairs
                }
                Store::Token(t) => t.keys().map_err(|e| e.to_string())?,
            };
            if json {
                let list: Vec<_> = pairs
                    .iter()
                    .map(|(n, id)| serde_json::json!({ "name": n, "key-id": id }))
                    .collect();
                println!("{}", serde_json::Value::Array(list));
            } else {
                println!("{:<20} SHA3-384", "NAME");
                for (n, id) in pairs {
                    println!("{n:<20} {id}");
                }
            }
        }
        Command::Export { name, private } => {
            if private {
                let Store::Files(m) = &store else {
                    return Err("keys in a token cannot be exported".into());
                };
                let id = m.key_id_for_name(&name).map_err(|e| e.to_string())?;
                let key = m.load(&id).map_err(|e| e.to_string())?;
                print!("{}", *key.to_pkcs8_pem().map_err(|e| e.to_string())?);
            } else {
                println!("{}", encode_public_key(store.signer(&name)?.public_key()));
            }
        }
        Command::Import { name, pem } => {
            let Store::Files(m) = &store else {
                return Err("importing into a token is not supported".into());
            };
            let text =
                std::fs::read_to_string(&pem).map_err(|e| format!("{}: {e}", pem.display()))?;
            let key = RsaPrivateKey::from_pem(&text).map_err(|e| e.to_string())?;
            m.put(&key).map_err(|e| e.to_string())?;
            m.set_name(&name, key.key_id()).map_err(|e| e.to_string())?;
            println!("{}", key.key_id());
        }
        Command::AccountKeyRequest {
            name,
            account,
            since,
            now,
        } => {
            let signer = store.signer(&name)?;
            let since = since.unwrap_or_else(|| {
                let now = now.map_or_else(ucore_assertions::Timestamp::now, Into::into);
                ucore_signing::signature::rfc3339_utc(now)
            });
            let builder = AssertionBuilder::new(AssertionType::AccountKeyRequest)
                .header("account-id", account)
                .header("name", name)
                .header("public-key-sha3-384", signer.key_id().to_string())
                .header("since", since)
                .body(encode_public_key(signer.public_key()));
            let a = sign_assertion(&builder, &*signer).map_err(|e| e.to_string())?;
            print!("{}", String::from_utf8_lossy(&a.encode()));
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
