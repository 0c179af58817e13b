//! gadget.yaml as snapd reads it, from the command line (a thin front end of
//! `ucore-gadget-yaml`).
//!
//! ```text
//! cargo run --example gadget -- info FILE [--model KIND] [--json]
//! cargo run --example gadget -- layout FILE [--model KIND] [--gadget-dir DIR] [--json]
//! cargo run --example gadget -- image FILE OUT.img [--model KIND] [--gadget-dir DIR] [--volume NAME]
//! cargo run --example gadget -- lint FILE [--model KIND] [--gadget-dir DIR]
//! ```
//! KIND: none (default), uc16, classic, uc20, uc20-classic. With `--json`, the output has
//! the fields of the snapd oracle's `gadget-info` / `gadget-layout` ([`report`]). Exit
//! status: 0 ok, 1 snapd rejects the gadget, 2 usage or I/O error.

mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use gadget::{GadgetError, GadgetInfo, LayoutOptions, ModelClass};
use ucore::gadget_yaml as gadget;

/// gadget.yaml as snapd reads it: parse and validate under a model, lay out volumes,
/// write volume images, lint.
#[derive(Parser)]
#[command(name = "gadget", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and validate FILE (snapd's ReadInfoAndValidate); print its volumes.
    Info {
        #[command(flatten)]
        input: Input,
        /// JSON output with the oracle's `gadget-info` fields.
        #[arg(long)]
        json: bool,
        /// Accepted and ignored (info reads only the YAML).
        #[arg(long, value_name = "DIR", hide = true)]
        gadget_dir: Option<PathBuf>,
    },
    /// Parse, validate and lay out FILE's volumes (snapd's LayoutVolume).
    Layout {
        #[command(flatten)]
        input: Input,
        #[command(flatten)]
        dir: GadgetDir,
        /// JSON output with the oracle's `gadget-layout` fields.
        #[arg(long)]
        json: bool,
    },
    /// Lay out one volume of FILE and write its image (partition table and raw content).
    Image {
        #[command(flatten)]
        input: Input,
        /// The image file to write.
        #[arg(value_name = "OUT.img")]
        out: String,
        #[command(flatten)]
        dir: GadgetDir,
        /// The volume to write (needed when the gadget has several).
        #[arg(long, value_name = "NAME")]
        volume: Option<String>,
        /// Accepted and ignored (the image has no JSON report).
        #[arg(long, hide = true)]
        json: bool,
    },
    /// snapd's verdict on FILE plus warnings about what snapd lets through.
    Lint {
        #[command(flatten)]
        input: Input,
        #[command(flatten)]
        dir: GadgetDir,
        /// Accepted and ignored (lint prints text).
        #[arg(long, hide = true)]
        json: bool,
    },
}

/// The gadget.yaml to read and the model to read it under.
#[derive(Args)]
struct Input {
    /// The gadget.yaml file (`-`: standard input).
    #[arg(value_name = "FILE")]
    file: String,
    /// The model: none, uc16, classic, uc20, uc20-classic (classic-modes).
    #[arg(long, value_name = "KIND", default_value = "none", value_parser = parse_model)]
    model: ModelClass,
}

/// The unpacked gadget snap, for content.
#[derive(Args)]
struct GadgetDir {
    /// The unpacked gadget snap directory, where content files are read.
    #[arg(long, value_name = "DIR")]
    gadget_dir: Option<PathBuf>,
}

fn parse_model(value: &str) -> Result<ModelClass, String> {
    ModelClass::from_name(value).ok_or(format!("unknown model kind {value:?}"))
}

fn read(path: &str) -> Result<String, String> {
    let bytes = if path == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut b).map_err(|e| e.to_string())?;
        b
    } else {
        std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?
    };
    String::from_utf8(bytes).map_err(|_| format!("{path}: not UTF-8"))
}

/// snapd's `ReadInfoAndValidate`: parse, then validate.
fn load(text: &str, model: ModelClass) -> Result<GadgetInfo, GadgetError> {
    let info = GadgetInfo::parse(text, model.model())?;
    gadget::validate(&info, model.model(), None)?;
    Ok(info)
}

fn fail(err: &GadgetError, json: bool) -> ExitCode {
    if json {
        println!("{}", report::error_json(err));
    } else {
        match err.position() {
            Some(p) => eprintln!("error: {err}\n  at line {}, column {}", p.line, p.column),
            None => eprintln!("error: {err}"),
        }
    }
    ExitCode::from(1)
}

fn print_table(volumes: &[gadget::LaidOutVolume]) {
    for lv in volumes {
        println!(
            "volume {} (schema {}, bootloader {}, size {})",
            lv.volume.name,
            lv.volume.schema,
            if lv.volume.bootloader.is_empty() {
                "-"
            } else {
                &lv.volume.bootloader
            },
            lv.size
        );
        println!(
            "  {:>4}  {:<24} {:<18} {:>12} {:>12} {:>12}  {:<8} label",
            "part", "name", "role", "start", "size", "end", "fs"
        );
        for l in &lv.structures {
            let s = &l.structure;
            let dash = |t: &str| {
                if t.is_empty() {
                    "-".to_string()
                } else {
                    t.to_string()
                }
            };
            println!(
                "  {:>4}  {:<24} {:<18} {:>12} {:>12} {:>12}  {:<8} {}",
                l.partition_number.map_or("-".into(), |n| n.to_string()),
                dash(&s.name),
                dash(&s.role),
                l.start_offset,
                l.size,
                l.end(),
                dash(&s.filesystem),
                dash(&s.label)
            );
        }
    }
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Info { input, json, .. } => info(&input, json),
        Command::Layout { input, dir, json } => layout(&input, dir.gadget_dir, json),
        Command::Image {
            input,
            out,
            dir,
            volume,
            ..
        } => image(&input, &out, dir.gadget_dir, volume),
        Command::Lint { input, dir, .. } => lint(&input, dir.gadget_dir),
    }
}

fn info(input: &Input, json: bool) -> Result<ExitCode, String> {
    let text = read(&input.file)?;
    match load(&text, input.model) {
        Ok(info) => {
            if json {
                println!("{}", report::info_json(&info, input.model));
            } else {
                for w in &info.warnings {
                    eprintln!("warning: {w}");
                }
                let volumes = info
                    .layout(&LayoutOptions::default())
                    .map_err(|e| e.to_string())?;
                print_table(&volumes);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(fail(&e, json)),
    }
}

fn layout(input: &Input, gadget_dir: Option<PathBuf>, json: bool) -> Result<ExitCode, String> {
    let text = read(&input.file)?;
    let with_content = gadget_dir.is_some();
    let options = LayoutOptions { gadget_dir };
    // As the oracle's gadget-layout: parse, validate, lay out (content checks are
    // `lint`'s).
    let result = load(&text, input.model).and_then(|info| info.layout(&options));
    match result {
        Ok(volumes) => {
            if json {
                println!(
                    "{}",
                    report::layout_json(&volumes, input.model, with_content)
                );
            } else {
                print_table(&volumes);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(fail(&e, json)),
    }
}

fn image(
    input: &Input,
    out: &str,
    gadget_dir: Option<PathBuf>,
    volume: Option<String>,
) -> Result<ExitCode, String> {
    let text = read(&input.file)?;
    let options = LayoutOptions { gadget_dir };
    let result = load(&text, input.model).and_then(|info| {
        let volumes = info.layout(&options)?;
        let volume = match (&volume, volumes.as_slice()) {
            (Some(name), all) => all.iter().find(|v| v.volume.name == *name),
            (None, [only]) => Some(only),
            (None, _) => None,
        };
        let Some(volume) = volume else {
            return Err(GadgetError::Image {
                path: out.to_owned(),
                message: format!(
                    "gadget has volumes {:?}: pick one with --volume",
                    volumes.iter().map(|v| &v.volume.name).collect::<Vec<_>>()
                ),
            });
        };
        gadget::write_image(
            volume,
            options.gadget_dir.as_deref(),
            Path::new(out),
            &gadget::ImageOptions::default(),
        )?;
        Ok(volume.size)
    });
    match result {
        Ok(size) => {
            println!("wrote {out} (volume size {size})");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(fail(&e, false)),
    }
}

fn lint(input: &Input, gadget_dir: Option<PathBuf>) -> Result<ExitCode, String> {
    let text = read(&input.file)?;
    let report = gadget::lint(&text, input.model.model(), gadget_dir.as_deref());
    match &report.verdict {
        Ok(_) => println!("snapd: ok"),
        Err(e) => match e.position() {
            Some(p) => println!("snapd: error at {}:{}: {e}", p.line, p.column),
            None => println!("snapd: error: {e}"),
        },
    }
    for w in &report.warnings {
        println!("warning: {w}");
    }
    Ok(if report.verdict.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
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
