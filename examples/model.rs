//! Model statements and models, from the command line.
//!
//! ```text
//! cargo run --example model -- sign STATEMENT.json|yaml --key NAME [--keystore DIR]
//! cargo run --example model -- show MODEL [--json]
//! cargo run --example model -- remodel OLD NEW [--json]
//! cargo run --example model -- check MODEL [ASSERTIONS…] [--json]
//! ```
//!
//! `sign` looks `NAME` up in a keypair store in snapd's layout (`FsKeypairManager`: key
//! names, then key ids); `--keystore` defaults to `$UCORE_KEYSTORE`, then
//! `~/.local/share/ucore/keystore`. `NAME` may also be the path of a PEM private key
//! (for tests). The signed model is printed on stdout.
//!
//! `check` exits 1 when there are findings; every command exits 2 on usage or read errors.

use std::process::ExitCode;

use ucore_assertions::{Assertion, Decoder};
use ucore_model::consistency::check_consistency;
use ucore_model::remodel::RemodelReport;
use ucore_model::{Model, ModelSummary, Statement};
use ucore_signing::{FsKeypairManager, KeypairManager, RsaPrivateKey, Signer};

type Failure = Box<dyn std::error::Error>;

fn usage() -> ExitCode {
    eprintln!(
        "usage:\n  model sign STATEMENT.json|yaml --key NAME [--keystore DIR]\n  model show MODEL [--json]\n  model remodel OLD NEW [--json]\n  model check MODEL [ASSERTIONS...] [--json]"
    );
    ExitCode::from(2)
}

fn read(path: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}").into())
}

/// Every assertion of a file (one assertion or a stream).
fn assertions(path: &str) -> Result<Vec<Assertion>, Failure> {
    let bytes = read(path)?;
    let mut d = Decoder::new(&bytes[..]);
    let mut out = Vec::new();
    while let Some(a) = d.decode().map_err(|e| format!("{path}: {e}"))? {
        out.push(a);
    }
    Ok(out)
}

fn model_file(path: &str) -> Result<Assertion, Failure> {
    let all = assertions(path)?;
    all.into_iter()
        .find(|a| a.assertion_type() == ucore_assertions::AssertionType::Model)
        .ok_or_else(|| format!("{path}: no model assertion").into())
}

use ucore_assertions::AssertionAccess;

fn signer(key: &str, keystore: Option<&str>) -> Result<Box<dyn Signer>, Failure> {
    if key.ends_with(".pem") && std::path::Path::new(key).exists() {
        let pem = String::from_utf8(read(key)?)?;
        return Ok(Box::new(RsaPrivateKey::from_pem(&pem)?));
    }
    let dir = match keystore {
        Some(d) => d.to_owned(),
        None => match std::env::var("UCORE_KEYSTORE") {
            Ok(d) if !d.is_empty() => d,
            _ => format!(
                "{}/.local/share/ucore/keystore",
                std::env::var("HOME").unwrap_or_default()
            ),
        },
    };
    let store = FsKeypairManager::open(&dir)?;
    let id = store
        .key_id_for_name(key)
        .or_else(|_| store.get(key).map(|_| key.to_owned()))
        .map_err(|e| format!("key {key:?} in {dir}: {e}"))?;
    Ok(Box::new(store.get(&id)?))
}

fn run(args: &[String]) -> Result<ExitCode, Failure> {
    let json = args.iter().any(|a| a == "--json");
    let mut positional = Vec::new();
    let mut key = None;
    let mut keystore = None;
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => {}
            "--key" => key = it.next().cloned(),
            "--keystore" => keystore = it.next().cloned(),
            _ => positional.push(a.as_str()),
        }
    }
    match (args.first().map(String::as_str), positional.as_slice()) {
        (Some("sign"), [statement]) => {
            let Some(key) = key else { return Ok(usage()) };
            let text = String::from_utf8(read(statement)?)?;
            let signer = signer(&key, keystore.as_deref())?;
            let signed = Statement::parse(&text)?.sign(&*signer)?;
            print!("{}", String::from_utf8_lossy(&signed.encode()));
            Ok(ExitCode::SUCCESS)
        }
        (Some("show"), [file]) => {
            let a = model_file(file)?;
            let summary = ModelSummary::of(&Model::try_from(&a)?, a.revision().max(0) as u64);
            if json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                print!("{}", summary.to_text());
            }
            Ok(ExitCode::SUCCESS)
        }
        (Some("remodel"), [old, new]) => {
            let report = RemodelReport::of(&model_file(old)?, &model_file(new)?)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", report.to_text());
            }
            Ok(ExitCode::SUCCESS)
        }
        (Some("check"), [file, rest @ ..]) => {
            let model = model_file(file)?;
            let mut others = assertions(file)?;
            for f in rest {
                others.extend(assertions(f)?);
            }
            let findings = check_consistency(&model, &others)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&findings)?);
            } else if findings.is_empty() {
                println!("no findings");
            } else {
                for f in &findings {
                    println!("{f}");
                }
            }
            Ok(if findings.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        _ => Ok(usage()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
