//! The Serial Vault: `serve` runs it from a TOML configuration, `admin` calls its admin API.
//!
//! ```text
//! cargo run --example vault -- serve --config vault.toml
//! cargo run --features postgres --example vault -- serve --config vault.toml  # postgres:// database
//! cargo run --example vault -- admin --url http://127.0.0.1:8081 --token TOKEN COMMAND …
//! cargo run --example vault -- admin --help
//! cargo run --example vault -- sync --help   # factory offline mode: export | import
//! ```
//! The configuration keys are documented in `ucore_serial_vault::config`. The admin token
//! can also come from `UCORE_VAULT_ADMIN_TOKEN`.
//!
//! Logs go to stderr, at INFO and above unless `RUST_LOG` says otherwise (e.g.
//! `RUST_LOG=debug`, or `RUST_LOG=ucore_serial_vault=debug`): human-readable lines, or one
//! JSON object a line with `serve --log-format json`. Every request has an id (its span,
//! and the `X-Request-Id` answer header); each signed serial is one INFO line (brand,
//! model, serial, revision, key id), refusals are WARN with their error code, server
//! faults ERROR. `sync` logs a line for each bundle it exports or imports and for each
//! conflicting row it keeps (its JSON summary goes to stdout). Prometheus metrics:
//! `GET /metrics` on the admin port, with the admin token as `Authorization: Bearer`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde_json::json;
use ucore_serial_vault::store::NewSubstore;
use ucore_serial_vault::{AdminClient, Vault, VaultConfig};
use ucore_signing::RsaPrivateKey;

/// The Serial Vault: signs serial assertions for a brand's devices.
#[derive(Debug, Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the vault: the signing API devices call, and the admin API if configured.
    Serve {
        /// The TOML configuration (keys documented in `ucore_serial_vault::config`).
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
        /// How log lines look on stderr (level from RUST_LOG, INFO by default).
        #[arg(long, value_enum, default_value_t = LogFormat::Text)]
        log_format: LogFormat,
    },
    /// Calls a running vault's admin API and prints its answer.
    Admin {
        /// The admin API's base URL.
        #[arg(long, global = true, default_value = "http://127.0.0.1:8081")]
        url: String,
        /// The admin token.
        #[arg(
            long,
            global = true,
            env = "UCORE_VAULT_ADMIN_TOKEN",
            hide_env_values = true
        )]
        token: Option<String>,
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Factory offline mode: signed sync bundles from a factory vault to a central one
    /// (files carried by hand: export on the factory, import on the central).
    Sync {
        #[command(subcommand)]
        command: SyncCommand,
    },
}

/// The shape of `serve`'s log lines.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object a line (the span's fields, request id included, under `span`).
    Json,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Lists the signing keys.
    Keys,
    /// Imports a brand signing key (PEM), optionally with its account and account-key
    /// assertions (streamed to devices after their serial).
    ImportKey {
        /// The key's owner (the brand's account id).
        authority: String,
        /// The key's name.
        name: String,
        /// The private key, PKCS#1 or PKCS#8 PEM.
        pem: PathBuf,
        /// The brand's account assertion.
        account: Option<PathBuf>,
        /// The key's account-key assertion.
        account_key: Option<PathBuf>,
    },
    /// Generates a signing key in the vault.
    GenerateKey {
        /// The key's owner (the brand's account id).
        authority: String,
        /// The key's name.
        name: String,
        /// RSA key size.
        #[arg(default_value_t = 4096)]
        bits: usize,
    },
    /// Stops a key from signing.
    DeactivateKey {
        /// The key's SHA3-384 id.
        key_id: String,
    },
    /// Lets a deactivated key sign again.
    ActivateKey {
        /// The key's SHA3-384 id.
        key_id: String,
    },
    /// Lists the models.
    Models,
    /// Adds a model the vault signs serials for.
    AddModel {
        /// brand-id.
        brand: String,
        /// Model name.
        model: String,
        /// The signing key's id.
        key_id: String,
        /// The API key devices send (random when absent).
        api_key: Option<String>,
        /// An account besides the brand whose keys may sign the model's serials (the model
        /// assertion's `serial-authority`); repeat for several.
        #[arg(long = "serial-authority", value_name = "ACCOUNT_ID")]
        serial_authority: Vec<String>,
    },
    /// Replaces the accounts besides the brand whose keys may sign a model's serials (the
    /// model assertion's `serial-authority`; none: the brand's keys only).
    SetSerialAuthority {
        /// brand-id.
        brand: String,
        /// Model name.
        model: String,
        /// Account ids.
        serial_authority: Vec<String>,
    },
    /// Changes the key a model's serials are signed with.
    SetModelKey {
        /// brand-id.
        brand: String,
        /// Model name.
        model: String,
        /// The new signing key's id.
        key_id: String,
    },
    /// Replaces a model's API key with a new random one.
    RotateApiKey {
        /// brand-id.
        brand: String,
        /// Model name.
        model: String,
    },
    /// The signing log as JSON, newest first, optionally filtered.
    Log {
        /// brand-id.
        brand: Option<String>,
        /// Model name.
        model: Option<String>,
        /// Serial number.
        serial: Option<String>,
        /// Rows to skip.
        #[arg(long)]
        offset: Option<i64>,
        /// Rows to return.
        #[arg(long)]
        limit: Option<i64>,
    },
    /// The signing log as CSV.
    LogCsv,
    /// Releases a serial number so another device key may take it.
    Release {
        /// brand-id.
        brand: String,
        /// Model name.
        model: String,
        /// Serial number.
        serial: String,
    },
    /// Lists the sub-store rows (remodel re-registration).
    Substores,
    /// Maps a device to a new model in a brand sub-store.
    AddSubstore {
        /// brand-id.
        brand: String,
        /// The device's current model.
        from_model: String,
        /// The device's serial number.
        serial: String,
        /// The model it may re-register as.
        new_model: String,
        /// The sub-store.
        store: String,
    },
    /// Deletes a sub-store row.
    DeleteSubstore {
        /// The row's id.
        id: i64,
    },
}

/// `vault sync …`: each command opens the vault's database from `--config` (a running vault
/// on it may keep serving).
#[derive(Debug, Subcommand)]
enum SyncCommand {
    /// Gives this vault its sync identity: a vault id and a sync key (sealed under the
    /// master secret), on the factory and on the central.
    Init {
        /// The TOML configuration.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
        /// This vault's id (2-28 lowercase letters, digits and dashes).
        #[arg(long)]
        vault_id: String,
        /// The sync key (PKCS#1 or PKCS#8 PEM); generated when absent.
        #[arg(long, value_name = "PEM", conflicts_with = "token")]
        key: Option<PathBuf>,
        /// The sync key is the `[pkcs11]` section's `sync_key`, on the token: it stays there.
        #[arg(long)]
        token: bool,
        /// RSA size of a generated sync key.
        #[arg(long, default_value_t = 4096)]
        bits: usize,
    },
    /// Prints the sync key's public half (PEM), for `vault sync trust` on the central.
    PublicKey {
        /// The TOML configuration.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
    },
    /// Central: imports bundles from factory FACTORY, signed by the key in PUBLIC_KEY.
    Trust {
        /// The TOML configuration.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
        /// The factory's vault id.
        factory: String,
        /// Its public key (PEM, from `vault sync public-key` on the factory).
        public_key: PathBuf,
    },
    /// Factory: writes the rows signed since the last bundle to CENTRAL as bundles in DIR
    /// (and writes the last bundle again if its file is missing there); prints them as JSON.
    Export {
        /// The TOML configuration.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
        /// The central vault's id.
        #[arg(long, value_name = "CENTRAL")]
        to: String,
        /// Where bundle files go.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Rebuild bundle N, exported before, byte for byte (a lost file).
        #[arg(long, value_name = "N")]
        sequence: Option<u64>,
        /// Rows per bundle (1 to 10000).
        #[arg(long, default_value_t = ucore_serial_vault::sync::bundle::DEFAULT_ROWS)]
        max_rows: usize,
    },
    /// Central: imports bundle files in the order given (name order for DIR/*.bundle is
    /// sequence order); bundles already imported are skipped; stops at the first refusal.
    Import {
        /// The TOML configuration.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
        /// Bundle files.
        #[arg(required = true)]
        bundles: Vec<PathBuf>,
    },
    /// Prints this vault's sync identity, trusted factories, imported bundles and
    /// conflicting rows as JSON.
    Status {
        /// The TOML configuration.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match cli.command {
        Command::Serve { config, log_format } => {
            install_logs(log_format);
            serve(&config)
        }
        Command::Admin {
            url,
            token,
            command,
        } => admin(url, token, command),
        Command::Sync { command } => {
            // Each bundle exported or imported, and each conflict kept, is a log line.
            install_logs(LogFormat::Text);
            sync(command)
        }
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Logs to stderr: the level from `RUST_LOG` (INFO when unset or invalid), text or JSON.
fn install_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        LogFormat::Json => builder.json().with_current_span(true).init(),
    }
}

fn serve(path: &std::path::Path) -> Result<(), Error> {
    let config = VaultConfig::load(path)?;
    let rt = ucore_serial_vault::tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let mut v = config.open_vault().await?;
        if let Some(t) = config.admin_token()? {
            v = v.with_admin_token(t.as_str());
        }
        // The addresses are logged ("serial vault listening"): no plain line that would
        // break the JSON lines of `--log-format json`.
        let running = ucore_serial_vault::serve_with(
            v,
            config.listen,
            config.admin_listen,
            true,
            config.server.clone(),
        )
        .await?;
        running.wait().await;
        Ok(())
    })
}

fn admin(url: String, token: Option<String>, command: AdminCommand) -> Result<(), Error> {
    let token = token.ok_or("admin needs --token or UCORE_VAULT_ADMIN_TOKEN")?;
    let c = AdminClient::new(url, token);
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).map_err(|e| Error::from(format!("{}: {e}", p.display())))
    };
    let out = match command {
        AdminCommand::Keys => c.call("GET", "keys", None)?,
        AdminCommand::ImportKey {
            authority,
            name,
            pem,
            account,
            account_key,
        } => {
            let (account, account_key) = match (account, account_key) {
                (Some(a), Some(k)) => (Some(read(&a)?), Some(read(&k)?)),
                _ => (None, None),
            };
            let body = json!({"authority_id": authority, "name": name, "pem": read(&pem)?,
                "account": account, "account_key": account_key});
            c.call("POST", "keys/import", Some(&body))?
        }
        AdminCommand::GenerateKey {
            authority,
            name,
            bits,
        } => {
            let body = json!({"authority_id": authority, "name": name, "bits": bits});
            c.call("POST", "keys/generate", Some(&body))?
        }
        AdminCommand::DeactivateKey { key_id } => {
            c.set_key_active(&key_id, false)?;
            format!("deactivated key {key_id}")
        }
        AdminCommand::ActivateKey { key_id } => {
            c.set_key_active(&key_id, true)?;
            format!("activated key {key_id}")
        }
        AdminCommand::Models => c.call("GET", "models", None)?,
        AdminCommand::AddModel {
            brand,
            model,
            key_id,
            api_key,
            serial_authority,
        } => {
            let body = json!({"brand_id": brand, "model": model, "key_id": key_id,
                "api_key": api_key, "serial_authority": serial_authority});
            c.call("POST", "models", Some(&body))?
        }
        AdminCommand::SetSerialAuthority {
            brand,
            model,
            serial_authority,
        } => serde_json::to_string_pretty(&c.set_serial_authority(
            &brand,
            &model,
            &serial_authority,
        )?)?,
        AdminCommand::SetModelKey {
            brand,
            model,
            key_id,
        } => {
            c.set_model_key(&brand, &model, &key_id)?;
            format!("model {brand}/{model} now signs with key {key_id}")
        }
        AdminCommand::RotateApiKey { brand, model } => c.rotate_api_key(&brand, &model)?,
        AdminCommand::Log {
            brand,
            model,
            serial,
            offset,
            limit,
        } => {
            let numbers =
                [("offset", offset), ("limit", limit)].map(|(k, v)| (k, v.map(|n| n.to_string())));
            let given: Vec<(&str, String)> =
                [("brand_id", brand), ("model", model), ("serial", serial)]
                    .into_iter()
                    .chain(numbers)
                    .filter_map(|(k, v)| Some((k, v?)))
                    .collect();
            let pairs: Vec<(&str, &str)> = given.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.call("GET", &AdminClient::with_query("signing-log", &pairs), None)?
        }
        AdminCommand::LogCsv => c.call("GET", "signing-log.csv", None)?,
        AdminCommand::Release {
            brand,
            model,
            serial,
        } => {
            let body = json!({"brand_id": brand, "model": model, "serial": serial});
            c.call("POST", "signing-log/release", Some(&body))?
        }
        AdminCommand::Substores => format!("{:#?}", c.substores()?),
        AdminCommand::AddSubstore {
            brand,
            from_model,
            serial,
            new_model,
            store,
        } => {
            let row = c.add_substore(&NewSubstore {
                brand_id: brand,
                from_model,
                serial_number: serial,
                model_name: new_model,
                store,
            })?;
            format!("{row:#?}")
        }
        AdminCommand::DeleteSubstore { id } => {
            c.delete_substore(id)?;
            format!("deleted sub-store row {id}")
        }
    };
    println!("{out}");
    Ok(())
}

/// The vault of `config`'s database and master secret (no server).
async fn open_vault(config: &std::path::Path) -> Result<Vault, Error> {
    Ok(VaultConfig::load(config)?.open_vault().await?)
}

fn sync(command: SyncCommand) -> Result<(), Error> {
    use ucore_serial_vault::sync::SyncError;
    let rt = ucore_serial_vault::tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let out = match command {
            SyncCommand::Init {
                config,
                vault_id,
                key,
                token,
                bits,
            } => {
                let (vault, sync_signer) = VaultConfig::load(&config)?
                    .open_vault_and_sync_signer()
                    .await?;
                let identity = if token {
                    let signer = sync_signer.ok_or_else(|| {
                        Error::from("--token needs a [pkcs11] section with a sync_key")
                    })?;
                    vault.sync_init_external(&vault_id, "token", signer).await?
                } else {
                    let key = match key {
                        Some(p) => RsaPrivateKey::from_pem(
                            &std::fs::read_to_string(&p)
                                .map_err(|e| Error::from(format!("{}: {e}", p.display())))?,
                        )?,
                        None => RsaPrivateKey::generate(bits)?,
                    };
                    vault.sync_init(&vault_id, &key).await?
                };
                serde_json::to_string_pretty(&identity)?
            }
            SyncCommand::PublicKey { config } => {
                let pem = open_vault(&config).await?.sync_public_key().await?;
                pem.trim_end().to_string()
            }
            SyncCommand::Trust {
                config,
                factory,
                public_key,
            } => {
                let pem = std::fs::read_to_string(&public_key)
                    .map_err(|e| Error::from(format!("{}: {e}", public_key.display())))?;
                let vault = open_vault(&config).await?;
                serde_json::to_string_pretty(&vault.sync_trust(&factory, &pem).await?)?
            }
            SyncCommand::Export {
                config,
                to,
                out,
                sequence,
                max_rows,
            } => {
                let vault = open_vault(&config).await?;
                let written = match sequence {
                    Some(n) => vec![vault.sync_reexport(&to, n, &out).await?],
                    None => vault.sync_export(&to, &out, max_rows).await?,
                };
                serde_json::to_string_pretty(&written)?
            }
            SyncCommand::Import { config, bundles } => {
                let vault = open_vault(&config).await?;
                let mut reports = Vec::new();
                for path in &bundles {
                    match vault.sync_import_file(path).await {
                        Ok(report) => reports.push(json!({"bundle": path, "imported": report})),
                        Err(ucore_serial_vault::Error::Sync(e))
                            if matches!(*e, SyncError::AlreadyImported { .. }) =>
                        {
                            reports.push(json!({"bundle": path, "skipped": e.to_string()}))
                        }
                        Err(e) => {
                            println!("{}", serde_json::to_string_pretty(&reports)?);
                            return Err(e.into());
                        }
                    }
                }
                serde_json::to_string_pretty(&reports)?
            }
            SyncCommand::Status { config } => {
                let vault = open_vault(&config).await?;
                let identity = vault.store().sync_identity().await?;
                json!({
                    "identity": identity,
                    "factories": vault.sync_factories().await?,
                    "imports": vault.sync_imports().await?,
                    "conflicts": vault.sync_conflicts().await?,
                })
                .to_string()
            }
        };
        println!("{out}");
        Ok(())
    })
}
