//! `preview`: what snapd would refresh or refuse on a device, and why — its enforced
//! validation sets, holds and installed snaps, first boot included — against a store or
//! an offline list of the revisions a store offers.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use ucore_assertions::Assertion;
use ucore_signing::RsaPrivateKey;
use ucore_store_client::preview::{DeviceState, Preview, StoreRevisions};
use ucore_store_client::{Config, DeviceIdentity, StoreClient};

use super::Outcome;
use super::files::read;

/// The options of `preview`.
#[derive(Args)]
pub struct PreviewArgs {
    /// The device's state (JSON: `now`, `validation-sets` with their tracking, `snaps`,
    /// `refresh-hold`, `last-refresh`, `seed-time`, `first-boot`, `snapd-behaviour`; see
    /// ucore_store_client::preview::input).
    state: PathBuf,
    /// Ask this store what it would answer (the request snapd would send).
    #[arg(
        long = "store",
        value_name = "URL",
        required_unless_present = "available"
    )]
    store: Option<String>,
    /// Ask as this device: its model assertion (with --serial and --device-key; a brand
    /// store serves its snaps only to its devices).
    #[arg(long, value_name = "FILE", requires_all = ["serial", "device_key"], requires = "store")]
    model: Option<PathBuf>,
    /// The device's serial assertion (with --model).
    #[arg(long, value_name = "FILE", requires = "model")]
    serial: Option<PathBuf>,
    /// The device's private key, PEM (with --model).
    #[arg(long, value_name = "FILE", requires = "model")]
    device_key: Option<PathBuf>,
    /// No store: the revisions a store offers, JSON `{"NAME": [REVISION, …]}`.
    #[arg(long, value_name = "FILE", conflicts_with = "store")]
    available: Option<PathBuf>,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

fn assertion(path: &Path) -> Result<Assertion, super::files::Failure> {
    Assertion::decode(&read(path)?).map_err(|e| format!("{}: {e}", path.display()).into())
}

/// Previews the device's next auto-refresh.
pub fn run(args: PreviewArgs) -> Outcome {
    let text = String::from_utf8(read(&args.state)?)
        .map_err(|_| format!("{}: not UTF-8", args.state.display()))?;
    let state =
        DeviceState::from_json(&text).map_err(|e| format!("{}: {e}", args.state.display()))?;
    let preview: Preview = match (&args.store, &args.available) {
        (_, Some(file)) => {
            let available: StoreRevisions = serde_json::from_slice(&read(file)?)
                .map_err(|e| format!("{}: {e}", file.display()))?;
            Preview::offline(&state, &available)?
        }
        (Some(url), None) => {
            let mut builder = StoreClient::builder(Config::parse(url)?);
            if let (Some(m), Some(s), Some(k)) = (&args.model, &args.serial, &args.device_key) {
                let pem = String::from_utf8(read(k)?)
                    .map_err(|_| format!("{}: not a PEM key", k.display()))?;
                let key =
                    RsaPrivateKey::from_pem(&pem).map_err(|e| format!("{}: {e}", k.display()))?;
                builder = builder.device(DeviceIdentity::new(
                    assertion(m)?,
                    assertion(s)?,
                    Arc::new(key),
                )?);
            }
            let client = builder.build()?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(client.preview(&state))?
        }
        (None, None) => return Err("give --store URL or --available FILE".into()),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&preview)?);
    } else {
        print!("{preview}");
    }
    Ok(ExitCode::SUCCESS)
}
