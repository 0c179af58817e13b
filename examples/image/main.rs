//! Device images from a signed model (a thin front end of `ucore-image`): `build` gathers
//! the model's snaps from a store or a directory, writes the seed snapd boots and one disk
//! image per gadget volume.
//!
//! ```text
//! cargo run --example image -- build MODEL (--store URL | --snaps DIR) --out DIR
//!     [--snap FILE|NAME[=CHANNEL]]… [--channel CH] [--label L] [--trusted FILE]…
//!     [--validation enforce|ignore] [--rule-language snapd-2.57|current] [--cache DIR]
//!     [--jobs N] [--no-disk] [--json]
//! ```
//! `--out DIR` receives the tree `snap prepare-image` writes (the seed in
//! `image/var/lib/snapd/seed/` for UC16/18, `system-seed/systems/LABEL/` for UC20+, the
//! unpacked `gadget/` and `kernel/`) and, beside it, `VOLUME.img` for each gadget volume.
//! Exit status: 0 built, 1 the model, a snap, an assertion or the gadget was refused (the
//! reason on stderr), 2 usage or set-up error.

mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use ucore::assertions::rules::RuleLanguage;
use ucore::image::options::{ImageOptions, OptionSnap, SnapSource, ValidationMode};
use ucore::image::{Error, Summary};

/// Seeds and disk images from a signed model.
#[derive(Debug, Parser)]
#[command(name = "image", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the seed and the disk images of MODEL.
    ///
    /// Resolves every snap the model names (essential snaps, required and optional ones,
    /// revisions pinned by its validation sets, --snap overrides), fetches them with their
    /// assertions, checks all of it against the trusted roots, then writes the seed, the
    /// boot files and one VOLUME.img per gadget volume into --out.
    Build(BuildArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Validation {
    /// Pinned revisions are taken; invalid snaps are refused; required ones must be there.
    Enforce,
    /// Validation sets are not looked at.
    Ignore,
}

/// The plug/slot rule language of the snaps' declarations.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum RuleLanguageArg {
    /// snapd 2.57's.
    #[value(name = "snapd-2.57")]
    Snapd2_57,
    /// Newer snapd's (on-core-desktop, publisher-id attribute references, on-classic
    /// variants): for a store whose declarations use them.
    Current,
}

#[derive(Debug, Args)]
struct BuildArgs {
    /// The model assertion file.
    model: PathBuf,
    /// The store to take snaps and assertions from (its base URL).
    #[arg(
        long,
        value_name = "URL",
        required_unless_present = "snaps",
        conflicts_with = "snaps"
    )]
    store: Option<String>,
    /// A store credential file (what UBUNTU_STORE_AUTH_DATA_FILENAME names; `store init`
    /// writes one as snap-auth), for a store that wants one.
    #[arg(long, value_name = "FILE", requires = "store")]
    store_auth: Option<PathBuf>,
    /// A directory of .snap files and the assertions (*.assert) that describe them.
    #[arg(long, value_name = "DIR")]
    snaps: Option<PathBuf>,
    /// The output directory.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// A snap to add or override: a local FILE.snap, or NAME, each optionally =CHANNEL
    /// (repeat). Extra snaps, local snaps and channels need grade dangerous on UC20+.
    #[arg(long = "snap", value_name = "FILE|NAME[=CHANNEL]")]
    snap: Vec<String>,
    /// The default channel of every snap.
    #[arg(long, value_name = "CHANNEL")]
    channel: Option<String>,
    /// The UC20+ recovery system label (default: today's UTC date, YYYYMMDD).
    #[arg(long, value_name = "LABEL")]
    label: Option<String>,
    /// Trust these assertions (accounts and account-keys: a brand store's root) beside
    /// Canonical's roots (repeat).
    #[arg(long, value_name = "FILE")]
    trusted: Vec<PathBuf>,
    /// How the model's validation sets apply.
    #[arg(long, value_enum, default_value = "enforce")]
    validation: Validation,
    /// The rule language the snaps' declarations are decoded in.
    #[arg(long, value_enum, default_value = "snapd-2.57")]
    rule_language: RuleLanguageArg,
    /// Keep downloaded snaps here, by digest, and take them from here next time.
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Downloads at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    jobs: u16,
    /// Write the prepared tree and the seed only, no disk images.
    #[arg(long)]
    no_disk: bool,
    /// Print the summary as JSON on stdout (no progress bars).
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => build(args),
    }
}

fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn build(args: BuildArgs) -> ExitCode {
    let options = match options(&args) {
        Ok(o) => o,
        Err(message) => return usage(message),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return usage(format_args!("cannot start the runtime: {e}")),
    };
    let bars = progress::Bars::new(args.json);
    let result = runtime.block_on(ucore::image::build(&options, &bars));
    bars.clear();
    match result {
        Ok(summary) => {
            for w in &summary.warnings {
                eprintln!("WARNING: {w}");
            }
            if args.json {
                match serde_json::to_string_pretty(&summary) {
                    Ok(text) => println!("{text}"),
                    Err(e) => return usage(e),
                }
            } else {
                print_summary(&summary);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", chain(&e));
            match e {
                Error::Io { .. } => ExitCode::from(2),
                _ => ExitCode::from(1),
            }
        }
    }
}

/// The error with its causes, `: `-separated, each once (snapd's texts already embed
/// their cause in some variants).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

fn options(args: &BuildArgs) -> Result<ImageOptions, String> {
    let read =
        |p: &PathBuf| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let model = read(&args.model)?;
    let source = match (&args.store, &args.snaps) {
        (Some(url), None) => SnapSource::Store {
            url: url.clone(),
            auth: match &args.store_auth {
                Some(p) => Some(
                    String::from_utf8(read(p)?)
                        .map_err(|_| format!("{} is not text", p.display()))?,
                ),
                None => None,
            },
        },
        (None, Some(dir)) => SnapSource::Directory(dir.clone()),
        _ => return Err("give one of --store URL or --snaps DIR".into()),
    };
    let mut options = ImageOptions::new(model, source, &args.out);
    options.model_file = args.model.display().to_string();
    for s in &args.snap {
        options
            .snaps
            .push(OptionSnap::parse(s).map_err(|e| e.to_string())?);
    }
    options.channel = args.channel.clone();
    options.label = args.label.clone();
    for t in &args.trusted {
        options.trusted.push(read(t)?);
    }
    options.validation = match args.validation {
        Validation::Enforce => ValidationMode::Enforce,
        Validation::Ignore => ValidationMode::Ignore,
    };
    options.rule_language = match args.rule_language {
        RuleLanguageArg::Snapd2_57 => RuleLanguage::Snapd2_57,
        RuleLanguageArg::Current => RuleLanguage::Current,
    };
    options.cache = args.cache.clone();
    options.parallel_downloads = usize::from(args.jobs);
    options.disk_images = !args.no_disk;
    Ok(options)
}

fn human(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

fn print_summary(s: &Summary) {
    println!("seed: {}", s.seed_dir.display());
    if let Some(label) = &s.label {
        println!("recovery system: {label}");
    }
    let name_w = s
        .snaps
        .iter()
        .map(|x| x.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let chan_w = s
        .snaps
        .iter()
        .map(|x| x.channel.len())
        .max()
        .unwrap_or(7)
        .max(7);
    println!();
    println!(
        "{:name_w$}  {:>8}  {:chan_w$}  {:>10}",
        "snap", "revision", "channel", "size"
    );
    let mut total = 0;
    for x in &s.snaps {
        total += x.size;
        println!(
            "{:name_w$}  {:>8}  {:chan_w$}  {:>10}",
            x.name,
            x.revision,
            x.channel,
            human(x.size)
        );
    }
    println!("{} snaps, {}", s.snaps.len(), human(total));
    if !s.volumes.is_empty() {
        println!();
        for v in &s.volumes {
            println!("{}: {} ({})", v.volume, v.path.display(), human(v.size));
        }
    }
    let t = &s.timings;
    println!();
    println!(
        "time: {:.2?} (gather {:.2?}, seed {:.2?}, boot {:.2?}, disk {:.2?})",
        t.total(),
        t.gather,
        t.seed,
        t.boot,
        t.disk
    );
}
