//! The Serial Vault.
//!
//! ```text
//! cargo run --example vault -- serve --config vault.toml
//! cargo run --features postgres --example vault -- serve --config vault.toml  # postgres:// database
//! cargo run --example vault -- admin --url http://127.0.0.1:8081 --token TOKEN COMMAND …
//!
//! admin commands:
//!   keys                                        list signing keys
//!   import-key AUTHORITY NAME KEY.pem [ACCOUNT.assert ACCOUNT-KEY.assert]
//!   generate-key AUTHORITY NAME [BITS]
//!   deactivate-key KEY-ID | activate-key KEY-ID
//!   models                                      list models
//!   add-model BRAND MODEL KEY-ID [API-KEY]
//!   set-model-key BRAND MODEL KEY-ID
//!   rotate-api-key BRAND MODEL
//!   log [BRAND [MODEL [SERIAL]]] [--offset N] [--limit N]
//!   log-csv
//!   release BRAND MODEL SERIAL
//!   substores                                   list sub-store rows (remodel)
//!   add-substore BRAND FROM-MODEL SERIAL NEW-MODEL STORE
//!   delete-substore ID
//! ```
//! The configuration keys are documented in `ucore_serial::config`. The admin token can
//! also come from `UCORE_VAULT_ADMIN_TOKEN`. Logs: `RUST_LOG`-style filtering is not
//! built in; everything at INFO and above is printed.

use serde_json::json;
use ucore::serial::admin_client::AdminClient;
use ucore::serial::config::VaultConfig;
use ucore::serial::store::{NewSubstore, Store};
use ucore::serial::vault::{self, Vault};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let r = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("admin") => admin(&args[1..]),
        _ => Err(
            "usage: vault serve --config FILE | vault admin --url URL --token TOKEN COMMAND …"
                .to_string(),
        ),
    };
    if let Err(e) = r {
        eprintln!("vault: {e}");
        std::process::exit(1);
    }
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn serve(args: &[String]) -> Result<(), String> {
    let path = flag(args, "--config").ok_or("serve needs --config FILE")?;
    let config = VaultConfig::load(path.as_ref()).map_err(|e| e.to_string())?;
    let rt = ucore::serial::tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let store = Store::open(&config.database)
            .await
            .map_err(|e| e.to_string())?;
        let mut v = Vault::new(
            store,
            config.key_store().map_err(|e| e.to_string())?,
            config.settings(),
        );
        if let Some(t) = config.admin_token().map_err(|e| e.to_string())? {
            v = v.with_admin_token(t.as_str());
        }
        let running = vault::serve(v, config.listen, config.admin_listen, true)
            .await
            .map_err(|e| e.to_string())?;
        eprintln!(
            "serial vault: signing API {} admin API {:?}",
            running.service_url(),
            running.admin_url()
        );
        running.wait().await;
        Ok(())
    })
}

fn admin(args: &[String]) -> Result<(), String> {
    let url = flag(args, "--url").unwrap_or_else(|| "http://127.0.0.1:8081".into());
    let token = flag(args, "--token")
        .or_else(|| std::env::var("UCORE_VAULT_ADMIN_TOKEN").ok())
        .ok_or("admin needs --token or UCORE_VAULT_ADMIN_TOKEN")?;
    let mut rest: Vec<&str> = Vec::new();
    let mut skip = false;
    for (i, a) in args.iter().enumerate() {
        if skip {
            skip = false;
            continue;
        }
        if matches!(a.as_str(), "--url" | "--token" | "--offset" | "--limit") {
            skip = true;
            let _ = i;
            continue;
        }
        rest.push(a);
    }
    let c = AdminClient::new(url, token);
    let read = |p: &str| std::fs::read_to_string(p).map_err(|e| format!("{p}: {e}"));
    let out = match rest.as_slice() {
        ["keys"] => c.call("GET", "keys", None),
        ["import-key", auth, name, pem, more @ ..] => {
            let (account, account_key) = match more {
                [a, k] => (Some(read(a)?), Some(read(k)?)),
                _ => (None, None),
            };
            c.call("POST", "keys/import", Some(&json!({"authority_id": auth, "name": name, "pem": read(pem)?, "account": account, "account_key": account_key})))
        }
        ["generate-key", auth, name, more @ ..] => {
            let bits: usize = more.first().and_then(|b| b.parse().ok()).unwrap_or(4096);
            c.call("POST", "keys/generate", Some(&json!({"authority_id": auth, "name": name, "bits": bits})))
        }
        ["deactivate-key", id] => c.call("POST", &format!("keys/{id}/deactivate"), None),
        ["activate-key", id] => c.call("POST", &format!("keys/{id}/activate"), None),
        ["models"] => c.call("GET", "models", None),
        ["add-model", brand, model, key, more @ ..] => {
            c.call("POST", "models", Some(&json!({"brand_id": brand, "model": model, "key_id": key, "api_key": more.first()})))
        }
        ["set-model-key", brand, model, key] => c.call("PUT", &format!("models/{brand}/{model}/key"), Some(&json!({"key_id": key}))),
        ["rotate-api-key", brand, model] => c.call("POST", &format!("models/{brand}/{model}/rotate-api-key"), None),
        ["log", filters @ ..] => {
            let mut q = vec![];
            for (k, v) in ["brand_id", "model", "serial"].iter().zip(filters.iter()) {
                q.push(format!("{k}={v}"));
            }
            for f in ["offset", "limit"] {
                if let Some(v) = flag(args, &format!("--{f}")) {
                    q.push(format!("{f}={v}"));
                }
            }
            c.call("GET", &format!("signing-log?{}", q.join("&")), None)
        }
        ["log-csv"] => c.call("GET", "signing-log.csv", None),
        ["release", brand, model, serial] => c.call("POST", "signing-log/release", Some(&json!({"brand_id": brand, "model": model, "serial": serial}))),
        ["substores"] => c.substores().map(|rows| format!("{rows:#?}")),
        ["add-substore", brand, from, serial, to, store] => c
            .add_substore(&NewSubstore {
                brand_id: brand.to_string(),
                from_model: from.to_string(),
                serial_number: serial.to_string(),
                model_name: to.to_string(),
                store: store.to_string(),
            })
            .map(|row| format!("{row:#?}")),
        ["delete-substore", id] => {
            let id: i64 = id.parse().map_err(|_| format!("bad sub-store id {id:?}"))?;
            c.delete_substore(id).map(|()| format!("deleted sub-store row {id}"))
        }
        _ => return Err("unknown admin command (see the example's documentation)".into()),
    }
    .map_err(|e| e.to_string())?;
    println!("{out}");
    Ok(())
}
