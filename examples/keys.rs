//! Manage signing keys the way `snap create-key` / `snap keys` / `snap export-key` do, in a
//! keystore in snapd's layout (`DIR/private-keys-v1/<keyid>`) or inside a PKCS#11 token.
//!
//! ```text
//! cargo run --example keys -- [--keystore DIR] [--passphrase-env VAR] COMMAND
//! cargo run --example keys -- --pkcs11 MODULE --token LABEL [--pin-env VAR] COMMAND
//!
//! COMMAND:
//!   create NAME [--bits N]                 generate an RSA key (4096 bits, as snapd)
//!   list                                   names and key ids
//!   export NAME [--private]                the public key as an account-key body
//!                                          (--private: PKCS#8 PEM; keystore only)
//!   import NAME PEM                        store an existing PEM key (keystore only)
//!   account-key-request NAME --account ID  an account-key-request signed by the key
//! ```
//!
//! The keystore defaults to `$UCORE_KEYSTORE` or `~/.local/share/ucore/keys`; with
//! `--passphrase-env VAR` new keys are encrypted at rest with the passphrase in `$VAR`.
//! The token PIN is read from `$UCORE_PKCS11_PIN` (or `--pin-env VAR`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use ucore_assertions::{AssertionAccess, AssertionBuilder, AssertionType};
use ucore_signing::{
    FsKeypairManager, KeypairManager, Pkcs11Token, RsaPrivateKey, Signer, encode_public_key,
    sign_assertion,
};

struct Options {
    keystore: Option<PathBuf>,
    passphrase_env: Option<String>,
    pkcs11: Option<PathBuf>,
    token: Option<String>,
    pin_env: String,
    rest: Vec<String>,
}

fn parse(args: Vec<String>) -> Result<Options, String> {
    let mut o = Options {
        keystore: None,
        passphrase_env: None,
        pkcs11: None,
        token: None,
        pin_env: "UCORE_PKCS11_PIN".into(),
        rest: Vec::new(),
    };
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--keystore" => o.keystore = Some(value("--keystore")?.into()),
            "--passphrase-env" => o.passphrase_env = Some(value("--passphrase-env")?),
            "--pkcs11" => o.pkcs11 = Some(value("--pkcs11")?.into()),
            "--token" => o.token = Some(value("--token")?),
            "--pin-env" => o.pin_env = value("--pin-env")?,
            _ => o.rest.push(a),
        }
    }
    Ok(o)
}

fn flag_value(rest: &[String], flag: &str) -> Option<String> {
    rest.iter()
        .position(|a| a == flag)
        .and_then(|i| rest.get(i + 1).cloned())
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
    fn open(o: &Options) -> Result<Self, String> {
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

fn run(args: Vec<String>) -> Result<(), String> {
    let o = parse(args)?;
    let store = Store::open(&o)?;
    let rest = &o.rest;
    let cmd = rest
        .first()
        .map(String::as_str)
        .ok_or("missing command (create, list, export, import, account-key-request)")?;
    let name = || {
        rest.get(1)
            .cloned()
            .ok_or(format!("{cmd} needs a key NAME"))
    };
    match cmd {
        "create" => {
            let name = name()?;
            let bits: usize = flag_value(rest, "--bits")
                .map(|b| b.parse().map_err(|_| "bad --bits"))
                .transpose()?
                .unwrap_or(4096);
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
        "list" => {
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
            println!("{:<20} SHA3-384", "NAME");
            for (n, id) in pairs {
                println!("{n:<20} {id}");
            }
        }
        "export" => {
            let name = name()?;
            if rest.iter().any(|a| a == "--private") {
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
        "import" => {
            let name = name()?;
            let path = rest.get(2).ok_or("import needs NAME PEM")?;
            let Store::Files(m) = &store else {
                return Err("importing into a token is not supported".into());
            };
            let pem = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            let key = RsaPrivateKey::from_pem(&pem).map_err(|e| e.to_string())?;
            m.put(&key).map_err(|e| e.to_string())?;
            m.set_name(&name, key.key_id()).map_err(|e| e.to_string())?;
            println!("{}", key.key_id());
        }
        "account-key-request" => {
            let name = name()?;
            let account =
                flag_value(rest, "--account").ok_or("account-key-request needs --account ID")?;
            let signer = store.signer(&name)?;
            let since = flag_value(rest, "--since").unwrap_or_else(|| {
                ucore_signing::signature::rfc3339_utc(ucore_signing::now_unix())
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
        other => return Err(format!("unknown command {other:?}")),
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
