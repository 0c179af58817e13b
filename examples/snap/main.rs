//! snap.yaml and `.snap` files as snapd reads, packs and digests them, from the command line
//! (a thin front end of `ucore-snap`).
//!
//! ```text
//! cargo run --example snap -- info FILE.snap|DIR|snap.yaml|- [--json]
//! cargo run --example snap -- pack DIR [--out DIR] [--filename NAME] [--compression xz|lzo] [--mtime SECONDS]
//! ```
//! With `--json`, `info` prints one JSON line with the fields of the snapd oracle's
//! `snap-yaml` (for a snap.yaml) or `snap-file` (for a `.snap` or a snap directory: plus
//! `sha3_384`, `size` and `read_info_from_snap_file`) ([`report`]). Exit status: 0 ok, 1
//! snapd refuses the snap (its text in `error`), 2 usage or I/O error.

mod report;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde_json::Value;
use ucore::snap::Info;
use ucore::snap::pack::{GadgetCheck, PackOptions, pack_snap};
use ucore::snap::squashfs::file_has_squashfs_header;

/// snap.yaml and .snap files as snapd reads, packs and digests them.
#[derive(Parser)]
#[command(name = "snap", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read a snap as snapd does: a .snap file or snap directory (snapfile.Open,
    /// ReadInfoFromSnapFile, and the snap-revision digest), or a snap.yaml
    /// (InfoFromSnapYaml, then Validate).
    Info {
        /// A .snap file, a snap directory (with meta/snap.yaml), or a snap.yaml file (`-`:
        /// standard input).
        #[arg(value_name = "FILE")]
        file: String,
        /// One JSON line with the oracle's field names (`snap-yaml` or `snap-file`).
        #[arg(long)]
        json: bool,
    },
    /// Pack a snap directory into NAME_VERSION_ARCH.snap as `snap pack` does: the same
    /// checks first (snap.yaml, the apps' files, snapshots.yaml, gadget.yaml or kernel.yaml),
    /// then mksquashfs with snapd's flags.
    Pack {
        /// The snap directory (with meta/snap.yaml).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Where to write the snap (created if missing; default: the current directory).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The snap's file name instead of NAME_VERSION_ARCH.snap (relative to --out).
        #[arg(long, value_name = "NAME")]
        filename: Option<PathBuf>,
        /// The compression: xz (the default) or lzo.
        #[arg(long, value_name = "NAME", default_value = "")]
        compression: String,
        /// Make a reproducible snap: this time (seconds since 1970) for the image and every
        /// file in it (`snap pack` stamps the build time, so its packs always differ).
        #[arg(long, value_name = "SECONDS")]
        mtime: Option<u32>,
    },
    /// Time reading and validating a snap.yaml N times; prints {"ns_per_op": X}
    /// (benches/compare-snap-yaml.sh compares it with snapd's own code).
    #[command(hide = true)]
    BenchYaml {
        /// The snap.yaml.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// How many times.
        #[arg(value_name = "N")]
        n: u32,
    },
}

fn read_input(file: &str) -> Result<Vec<u8>, String> {
    if file == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(b);
    }
    std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))
}

fn info(file: &str, json: bool) -> Result<ExitCode, String> {
    let path = Path::new(file);
    // A squashfs file or a directory is read as a snap (snapd's open says what is wrong
    // with it); anything else as a snap.yaml. Only the header is looked at here: the report
    // opens the snap once.
    let is_snap = file != "-" && (path.is_dir() || file_has_squashfs_header(path));
    let (report, ok) = if is_snap {
        report::snap_file_json(path)
    } else {
        report::snap_yaml_json(&read_input(file)?)
    };
    if json {
        println!("{report}");
    } else if ok {
        print_summary(&report);
    } else {
        eprintln!("error: {}", report["error"].as_str().unwrap_or("refused"));
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// A human summary of an accepted snap's report.
fn print_summary(r: &Value) {
    let text = |k: &str| r[k].as_str().unwrap_or("").to_string();
    let or_dash = |t: String| if t.is_empty() { "-".to_string() } else { t };
    println!("name:        {}", text("name"));
    println!("version:     {}", text("version"));
    println!("type:        {}", text("type"));
    println!("base:        {}", or_dash(text("base")));
    println!("confinement: {}", text("confinement"));
    println!("epoch:       {}", text("epoch"));
    if let Some(size) = r["size"].as_u64() {
        println!("size:        {size}");
        println!("sha3-384:    {}", text("sha3_384"));
    }
    let names = |k: &str| -> Vec<String> {
        r[k].as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    if let Some(apps) = r["apps"].as_object().filter(|a| !a.is_empty()) {
        println!("apps:");
        for (name, app) in apps {
            let daemon = app["daemon"].as_str().unwrap_or("");
            let kind = if daemon.is_empty() {
                String::new()
            } else {
                format!(" (daemon: {daemon})")
            };
            println!("  {name}: {}{kind}", app["command"].as_str().unwrap_or(""));
        }
    }
    let hooks = match r["read_info_from_snap_file"]["hooks"].as_array() {
        Some(h) => h
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        None => names("hooks"),
    };
    for (label, list) in [
        ("hooks", hooks),
        ("plugs", names("plugs")),
        ("slots", names("slots")),
    ] {
        if !list.is_empty() {
            println!(
                "{label}:{}{}",
                " ".repeat(12 - label.len()),
                list.join(", ")
            );
        }
    }
    if let Some(bad) = r["bad_interfaces"].as_object().filter(|b| !b.is_empty()) {
        for (name, why) in bad {
            println!("dropped:     {name}: {}", why.as_str().unwrap_or(""));
        }
    }
}

/// `snap pack`'s gadget check: `gadget.ReadInfoAndValidate` and `gadget.ValidateContent`.
fn gadget_check(dir: &Path) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    ucore::gadget_yaml::check_gadget_dir(dir)?;
    Ok(())
}

fn pack(
    dir: &Path,
    out: Option<PathBuf>,
    filename: Option<PathBuf>,
    compression: String,
    mtime: Option<u32>,
) -> Result<ExitCode, String> {
    if out.is_some() && filename.as_deref().is_some_and(Path::is_absolute) {
        // snapd's text, word for word.
        return Err(
            "you can't specify an absolute filename while also specifying target dir.".into(),
        );
    }
    let check: &GadgetCheck<'_> = &gadget_check;
    let opts = PackOptions {
        target_dir: out.unwrap_or_default(),
        file_name: filename,
        compression,
        fixed_time: mtime,
        gadget_check: Some(check),
        ..Default::default()
    };
    match pack_snap(dir, &opts) {
        Ok(path) => {
            println!("built: {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!(
                "error: cannot pack {}: {e}",
                ucore_go_text::quote(&dir.display().to_string())
            );
            Ok(ExitCode::from(1))
        }
    }
}

fn bench_yaml(file: &Path, n: u32) -> Result<ExitCode, String> {
    let text = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let n = n.max(1);
    let mut ok = true;
    let start = std::time::Instant::now();
    for _ in 0..n {
        ok = Info::from_yaml(std::hint::black_box(&text))
            .map(|info| info.validate().is_ok())
            .unwrap_or(false);
    }
    let ns = start.elapsed().as_nanos() as f64 / f64::from(n);
    println!("{}", serde_json::json!({"ns_per_op": ns, "ok": ok}));
    Ok(ExitCode::SUCCESS)
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Info { file, json } => info(&file, json),
        Command::Pack {
            dir,
            out,
            filename,
            compression,
            mtime,
        } => pack(&dir, out, filename, compression, mtime),
        Command::BenchYaml { file, n } => bench_yaml(&file, n),
    }
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}
