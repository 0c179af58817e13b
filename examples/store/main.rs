//! The branded store from the command line (a thin front end of `ucore-store`): `init`
//! writes a store directory, `serve` runs it, and the publishing commands talk to a running
//! store.
//!
//! ```text
//! cargo run --example store -- init DIR [--store-id ID] [--authority-id ID]
//!     [--authority-key PEM --authority-assertions FILE]
//!     [--brand ID --brand-assertions FILE]… [--addr HOST:PORT] [--url URL]
//! cargo run --example store -- serve --dir DIR [--addr HOST:PORT]     (or --config FILE)
//! cargo run --example store -- register-name NAME --publisher ACCOUNT [--snap-id ID] --dir DIR
//! cargo run --example store -- push SNAP [--release CHANNEL]… --dir DIR
//! cargo run --example store -- release NAME REVISION CHANNEL… --dir DIR
//! cargo run --example store -- close NAME CHANNEL --dir DIR
//! cargo run --example store -- status NAME [--json] --dir DIR
//! cargo run --example store -- interface-rules NAME [--plugs JSON] [--slots JSON] --dir DIR
//! ```
//! The publishing commands take `--dir DIR` (the URL and the admin credential `init`
//! wrote there) or `--store URL --credential FILE`. `serve` logs at INFO (`RUST_LOG`
//! chooses otherwise). Exit status: 0 ok, 1 the store refused (its message on stderr), 2
//! usage, set-up or connection error.

#[path = "../common/remote.rs"]
mod remote;
mod status;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use remote::{Remote, RemoteError};
use ucore::store::config::StoreConfig;
use ucore::store::init::{
    AuthoritySource, BrandSource, CONFIG_FILE, DEFAULT_PORT, DEFAULT_STORE_ID, InitOptions,
};
use ucore::store::publisher_api::{Close, RegisterName, Release, SetInterfaceRules};
use ucore::store::publisher_client::{ClientError, PublisherClient};

/// A branded snap store: set one up, run it, and publish snaps to it.
#[derive(Debug, Parser)]
#[command(name = "store", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a new store in DIR, ready to serve.
    ///
    /// Writes its configuration (store.toml), an SQLite database (store.db), the snaps
    /// directory and an admin publishing credential (credential.json, which the publishing
    /// commands read with --dir). Without --authority-key, generates the store's authority:
    /// an RSA-4096 key (authority.pem) with a self-signed account and account-key
    /// (authority.assert), which devices and snap tools must then trust. Brands'
    /// assertions must be signed by the authority or by Canonical's root.
    Init(InitArgs),
    /// Run a store until SIGINT or SIGTERM.
    ///
    /// Reads DIR/store.toml (--dir) or a configuration file (--config), prints the URL,
    /// and logs to stderr at INFO (RUST_LOG chooses otherwise, e.g. RUST_LOG=debug).
    Serve {
        /// The store directory `init` wrote.
        #[arg(
            long,
            value_name = "DIR",
            required_unless_present = "config",
            conflicts_with = "config"
        )]
        dir: Option<PathBuf>,
        /// The configuration file (keys documented in `ucore_store::config`).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Listen here instead of the configuration's address.
        #[arg(long, value_name = "HOST:PORT")]
        addr: Option<SocketAddr>,
    },
    /// Register a snap name for a publisher (a brand the store serves, or its authority).
    RegisterName {
        /// The snap name.
        name: String,
        /// The publishing account.
        #[arg(long, value_name = "ACCOUNT")]
        publisher: String,
        /// The snap id, to carry a snap over from another store (generated otherwise).
        #[arg(long, value_name = "ID")]
        snap_id: Option<String>,
        #[command(flatten)]
        remote: Remote,
    },
    /// Upload a .snap as a new revision, and release it.
    ///
    /// The file is streamed (with a progress bar on a terminal); the store reads it, checks
    /// that its name is registered to a publisher the credential acts for, and signs its
    /// snap-revision. The same file twice is refused.
    Push {
        /// The .snap file.
        snap: PathBuf,
        /// Release the new revision to these channels (repeat, or separate with commas).
        #[arg(long, value_name = "CHANNEL", value_delimiter = ',')]
        release: Vec<String>,
        #[command(flatten)]
        remote: Remote,
    },
    /// Release a revision to channels.
    Release {
        /// The snap name.
        name: String,
        /// The revision.
        revision: u32,
        /// The channels (`track/risk/branch`, or a risk such as `stable`).
        #[arg(required = true)]
        channels: Vec<String>,
        #[command(flatten)]
        remote: Remote,
    },
    /// Close a channel.
    ///
    /// Devices following a closed channel get the next more stable open one.
    Close {
        /// The snap name.
        name: String,
        /// The channel.
        channel: String,
        #[command(flatten)]
        remote: Remote,
    },
    /// Grant a snap interface rules (admin only): sign a new revision of its
    /// snap-declaration with these `plugs` and `slots` headers.
    ///
    /// The rules are snapd's (`{"docker-support": {"allow-installation": "true"}}`), as
    /// `snap sign` reads JSON headers; they replace the declaration's rules, and a side
    /// not given has none. A rule snapd would refuse is refused with snapd's message.
    /// Uploads of the snap are then reviewed against them.
    InterfaceRules {
        /// The snap name.
        name: String,
        /// The `plugs` header: interface name → plug rule, as JSON.
        #[arg(long, value_name = "JSON", value_parser = parse_json)]
        plugs: Option<serde_json::Value>,
        /// The `slots` header: interface name → slot rule, as JSON.
        #[arg(long, value_name = "JSON", value_parser = parse_json)]
        slots: Option<serde_json::Value>,
        #[command(flatten)]
        remote: Remote,
    },
    /// Show a snap: its id, channels per architecture and revisions.
    Status {
        /// The snap name.
        name: String,
        /// Print the store's JSON answer instead of tables.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        remote: Remote,
    },
}

#[derive(Debug, Args)]
struct InitArgs {
    /// The directory to write (created if missing; refused if it holds a store).
    dir: PathBuf,
    /// The store id: what the brands' models name in their `store` header.
    #[arg(long, value_name = "ID", default_value = DEFAULT_STORE_ID)]
    store_id: String,
    /// The account id of a generated authority (default: the store id).
    #[arg(long, value_name = "ID", conflicts_with = "authority_key")]
    authority_id: Option<String>,
    /// The authority's private key (PEM) instead of a generated one.
    #[arg(long, value_name = "PEM", requires = "authority_assertions")]
    authority_key: Option<PathBuf>,
    /// The authority's account and account-key (of --authority-key).
    #[arg(long, value_name = "FILE", requires = "authority_key")]
    authority_assertions: Option<PathBuf>,
    /// A brand the store serves (repeat; each with its --brand-assertions, in order).
    #[arg(long = "brand", value_name = "ID")]
    brands: Vec<String>,
    /// The brand's account and account-keys, signed by the authority or Canonical.
    #[arg(long = "brand-assertions", value_name = "FILE")]
    brand_assertions: Vec<PathBuf>,
    /// The address `serve` listens on.
    #[arg(long, value_name = "HOST:PORT", default_value_t = SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT)))]
    addr: SocketAddr,
    /// The URL devices and publishers reach the store at (default: http://ADDR).
    #[arg(long, value_name = "URL")]
    url: Option<String>,
}

/// Why a command failed, and its exit status.
enum Failure {
    /// The store refused (exit 1).
    Refused(String),
    /// Usage, set-up or connection (exit 2).
    Setup(String),
}

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Self {
        if e.is_refusal() {
            Failure::Refused(e.to_string())
        } else {
            Failure::Setup(e.to_string())
        }
    }
}

impl From<ucore::store::Error> for Failure {
    fn from(e: ucore::store::Error) -> Self {
        Failure::Setup(e.to_string())
    }
}

fn main() -> ExitCode {
    let r = match Cli::parse().command {
        Command::Init(args) => init(args),
        Command::Serve { dir, config, addr } => serve(dir, config, addr),
        Command::RegisterName {
            name,
            publisher,
            snap_id,
            remote,
        } => client(&remote).and_then(|c| {
            let r = c.register_name(&RegisterName {
                name,
                publisher,
                snap_id,
            })?;
            println!(
                "registered {} (snap id {}) for {}",
                r.name, r.snap_id, r.publisher
            );
            Ok(())
        }),
        Command::Push {
            snap,
            release,
            remote,
        } => client(&remote).and_then(|c| push(&c, &snap, &release)),
        Command::Release {
            name,
            revision,
            channels,
            remote,
        } => client(&remote).and_then(|c| {
            let r = c.release(&Release {
                name,
                revision,
                channels,
            })?;
            println!(
                "released {} revision {} to {}",
                r.name,
                r.revision,
                r.channels.join(", ")
            );
            Ok(())
        }),
        Command::Close {
            name,
            channel,
            remote,
        } => client(&remote).and_then(|c| {
            let r = c.close(&Close { name, channel })?;
            println!("closed {} {}", r.name, r.channel);
            Ok(())
        }),
        Command::InterfaceRules {
            name,
            plugs,
            slots,
            remote,
        } => client(&remote).and_then(|c| {
            let r = c.set_interface_rules(&name, &SetInterfaceRules { plugs, slots })?;
            println!(
                "{} (snap id {}): snap-declaration revision {}, format {}",
                r.name, r.snap_id, r.revision, r.format
            );
            Ok(())
        }),
        Command::Status { name, json, remote } => client(&remote).and_then(|c| {
            let s = c.status(&name)?;
            if json {
                let text =
                    serde_json::to_string_pretty(&s).map_err(|e| Failure::Setup(e.to_string()))?;
                println!("{text}");
            } else {
                print!("{}", status::render(&s));
            }
            Ok(())
        }),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Refused(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(1)
        }
        Err(Failure::Setup(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
    }
}

/// A JSON argument.
fn parse_json(text: &str) -> Result<serde_json::Value, String> {
    serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Runtime::new().map_err(|e| Failure::Setup(format!("cannot start tokio: {e}")))
}

fn init(args: InitArgs) -> Result<(), Failure> {
    if args.brands.len() != args.brand_assertions.len() {
        return Err(Failure::Setup(format!(
            "{} --brand but {} --brand-assertions: give each brand its assertions",
            args.brands.len(),
            args.brand_assertions.len()
        )));
    }
    let authority = match (args.authority_key, args.authority_assertions) {
        (Some(key_file), Some(assertions)) => AuthoritySource::Files {
            key_file,
            assertions,
        },
        _ => {
            let account_id = args.authority_id.unwrap_or_else(|| args.store_id.clone());
            // Check the ids before the slow part.
            ucore::store::init::validate_id("store id", &args.store_id)?;
            ucore::store::init::validate_id("authority id", &account_id)?;
            ucore::store::init::refuse_existing_store(&args.dir)?;
            AuthoritySource::SelfSigned {
                account_id,
                key: Box::new(generate_key()?),
            }
        }
    };
    let brands = args
        .brands
        .into_iter()
        .zip(args.brand_assertions)
        .map(|(id, assertions)| BrandSource { id, assertions })
        .collect();
    let opts = InitOptions {
        dir: args.dir,
        store_id: args.store_id,
        authority,
        brands,
        listen: args.addr,
        url: args.url,
    };
    let out = runtime()?.block_on(ucore::store::init::init(&opts))?;
    println!("store {:?} written to {}", out.store_id, out.dir.display());
    println!("  configuration: {}", out.config_file.display());
    println!(
        "  credential:    {} (keep it secret)",
        out.credential_file.display()
    );
    println!(
        "  snap tools:    UBUNTU_STORE_AUTH_DATA_FILENAME={} (the same credential, for snap download and prepare-image)",
        out.snap_auth_file.display()
    );
    println!(
        "  authority:     {} (key {})",
        out.authority_id, out.authority_key_id
    );
    if out.self_signed {
        println!(
            "  devices and snap tools must trust {} (a self-signed authority)",
            out.authority_assertions.display()
        );
    }
    for b in &out.brands {
        println!("  brand:         {b}");
    }
    println!(
        "run it with: store serve --dir {}   (URL {})",
        out.dir.display(),
        out.url
    );
    Ok(())
}

/// A new RSA-4096 authority key, with a spinner while it is made.
fn generate_key() -> Result<ucore::signing::RsaPrivateKey, Failure> {
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message("generating the store's authority key (RSA-4096, a few seconds)");
    spinner.enable_steady_tick(Duration::from_millis(100));
    let key = ucore::store::init::generate_authority_key();
    spinner.finish_and_clear();
    Ok(key?)
}

fn serve(
    dir: Option<PathBuf>,
    config: Option<PathBuf>,
    addr: Option<SocketAddr>,
) -> Result<(), Failure> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let path = match (dir, config) {
        (_, Some(c)) => c,
        (Some(d), None) => d.join(CONFIG_FILE),
        (None, None) => return Err(Failure::Setup("serve needs --dir or --config".into())),
    };
    let mut config = StoreConfig::load(&path)?;
    if let Some(addr) = addr {
        // A base URL that only followed the old address follows the new one.
        if config.store.base_url == ucore::store::init::default_url(config.store.listen) {
            config.store.base_url = ucore::store::init::default_url(addr);
        }
        config.store.listen = addr;
    }
    runtime()?.block_on(async {
        let store = ucore::store::Store::open(&config).await?;
        let running = ucore::store::http::serve(store, config.store.listen, true).await?;
        println!(
            "store {:?} serving at {} (base URL {})",
            config.store.id,
            running.url(),
            config.store.base_url
        );
        running.wait().await;
        Ok(())
    })
}

/// The publishing client `remote` names.
fn client(remote: &Remote) -> Result<PublisherClient, Failure> {
    remote.client().map_err(|e| match e {
        RemoteError::Client(e) => Failure::from(e),
        which => Failure::Setup(which.to_string()),
    })
}

fn push(c: &PublisherClient, snap: &Path, release: &[String]) -> Result<(), Failure> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(format!("pushing {}", snap.display()));
    let r = c.push(snap, release, &mut |sent, total| {
        bar.set_length(total);
        bar.set_position(sent);
    });
    bar.finish_and_clear();
    let p = r?;
    println!(
        "pushed {} revision {} (sha3-384 {}, {} bytes)",
        p.name, p.revision, p.sha3_384, p.size
    );
    if !p.released.is_empty() {
        println!("released to {}", p.released.join(", "));
    }
    Ok(())
}
