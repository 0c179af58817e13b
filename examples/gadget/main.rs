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
//! the fields of the snapd oracle's `gadget-info` / `gadget-layout`. Exit status: 0 ok,
//! 1 snapd rejects the gadget, 2 usage or I/O error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gadget::{GadgetError, GadgetInfo, LayoutOptions, ModelKind, report};
use ucore::gadget_yaml as gadget;

const USAGE: &str = "usage: gadget info FILE [--model KIND] [--json]
       gadget layout FILE [--model KIND] [--gadget-dir DIR] [--json]
       gadget image FILE OUT.img [--model KIND] [--gadget-dir DIR] [--volume NAME]
       gadget lint FILE [--model KIND] [--gadget-dir DIR]
KIND: none, uc16, classic, uc20, uc20-classic";

struct Args {
    command: String,
    files: Vec<String>,
    model: ModelKind,
    gadget_dir: Option<PathBuf>,
    volume: Option<String>,
    json: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let command = it.next().ok_or("missing command")?;
    let mut args = Args {
        command,
        files: Vec::new(),
        model: ModelKind::None,
        gadget_dir: None,
        volume: None,
        json: false,
    };
    while let Some(a) = it.next() {
        let (key, inline) = match a.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        match key.as_str() {
            "--json" => args.json = true,
            "--model" | "--gadget-dir" | "--volume" => {
                let value = match inline {
                    Some(v) => v,
                    None => it.next().ok_or(format!("{key} needs a value"))?,
                };
                if key == "--model" {
                    args.model = ModelKind::from_name(&value)
                        .ok_or(format!("unknown model kind {value:?}"))?;
                } else if key == "--volume" {
                    args.volume = Some(value);
                } else {
                    args.gadget_dir = Some(PathBuf::from(value));
                }
            }
            "-h" | "--help" => return Err(String::new()),
            _ if key.starts_with("--") => return Err(format!("unknown option {key}")),
            _ => args.files.push(a),
        }
    }
    Ok(args)
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
fn load(text: &str, model: ModelKind) -> Result<GadgetInfo, GadgetError> {
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

fn run(args: Args) -> Result<ExitCode, String> {
    let file = args.files.first().ok_or("missing FILE")?;
    let text = read(file)?;
    let options = LayoutOptions {
        gadget_dir: args.gadget_dir.clone(),
    };
    match args.command.as_str() {
        "info" => match load(&text, args.model) {
            Ok(info) => {
                if args.json {
                    println!("{}", report::info_json(&info, args.model));
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
            Err(e) => Ok(fail(&e, args.json)),
        },
        "layout" => {
            // As the oracle's gadget-layout: parse, validate, lay out (content checks are
            // `lint`'s).
            let result = load(&text, args.model).and_then(|info| info.layout(&options));
            match result {
                Ok(volumes) => {
                    if args.json {
                        println!(
                            "{}",
                            report::layout_json(&volumes, args.model, args.gadget_dir.is_some())
                        );
                    } else {
                        print_table(&volumes);
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(fail(&e, args.json)),
            }
        }
        "image" => {
            let out = args.files.get(1).ok_or("missing OUT.img")?;
            let result = load(&text, args.model).and_then(|info| {
                let volumes = info.layout(&options)?;
                let volume = match (&args.volume, volumes.as_slice()) {
                    (Some(name), all) => all.iter().find(|v| v.volume.name == *name),
                    (None, [only]) => Some(only),
                    (None, _) => None,
                };
                let Some(volume) = volume else {
                    return Err(GadgetError::Image {
                        path: out.clone(),
                        message: format!(
                            "gadget has volumes {:?}: pick one with --volume",
                            volumes.iter().map(|v| &v.volume.name).collect::<Vec<_>>()
                        ),
                    });
                };
                gadget::write_image(
                    volume,
                    args.gadget_dir.as_deref(),
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
        "lint" => {
            let report = gadget::lint(&text, args.model.model(), args.gadget_dir.as_deref());
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
        other => Err(format!("unknown command {other:?}")),
    }
}

fn main() -> ExitCode {
    match parse_args().and_then(run) {
        Ok(code) => code,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("gadget: {msg}");
            }
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
