//! What the examples share: the oracle's command shapes (`verify`, `sign`, `bench-verify`),
//! built on the libraries' typed API, so a command-line tool prints JSON lines that can be
//! diffed against the oracle's (snapd 2.57 built as a CLI).
//!
//! Examples include it with `mod common;`; signing's tests include it by path
//! (`#[path = "../../examples/common/mod.rs"]`) to compare these shapes with the goldens.
#![allow(dead_code)] // each includer uses a part

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use ucore_assertions::AssertionAccess;
use ucore_signing::{
    CheckTime, Database, DatabaseError, FsKeypairManager, KeypairManager, RsaPrivateKey, Signer,
};

/// Where a verification database gets its roots of trust.
#[derive(Debug, Clone, Copy)]
pub enum Trust<'a> {
    /// snapd's built-in Canonical set (the oracle's `-sysdb`).
    Sysdb,
    /// A stream of account and account-key assertions.
    Stream(&'a [u8]),
}

/// Opens a database over `trust`, checking at `now` (the real clock when `None`).
pub fn open_database(
    trust: Trust<'_>,
    now: Option<jiff::Timestamp>,
) -> Result<Database, ucore_signing::Error> {
    let db = match trust {
        Trust::Sysdb => Database::with_canonical_roots()?,
        Trust::Stream(bytes) => {
            let roots = ucore_assertions::Decoder::new(bytes).collect::<Result<Vec<_>, _>>()?;
            Database::with_trusted(roots)?
        }
    };
    if let Some(t) = now {
        db.set_check_time(CheckTime::Fixed(t.into()));
    }
    Ok(db)
}

/// The outcome of adding one assertion of a stream: one line of the oracle's `verify`.
#[derive(Debug, Serialize)]
pub struct AddOutcome {
    /// Position in the stream.
    pub index: usize,
    /// The type, when the assertion decoded.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub assertion_type: Option<String>,
    /// The primary key, when the assertion decoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<Vec<String>>,
    /// Whether it was added.
    pub ok: bool,
    /// snapd's error text otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The oracle's `verify` loop over an open database: adds each assertion of `input` in
/// order, going on after a refusal; a stream that stops decoding ends the list (the error
/// reported with the index the assertion would have had).
pub fn verify_stream(db: &Database, input: &[u8]) -> Vec<AddOutcome> {
    let mut out = Vec::new();
    for (index, item) in ucore_assertions::Decoder::new(input).enumerate() {
        match item {
            Ok(a) => {
                let assertion_type = Some(a.assertion_type().name().to_string());
                let primary_key = Some(a.primary_key().iter().map(|s| s.to_string()).collect());
                let r = db.add(a);
                out.push(AddOutcome {
                    index,
                    assertion_type,
                    primary_key,
                    ok: r.is_ok(),
                    error: r.err().map(|e| e.to_string()),
                });
            }
            Err(e) => {
                out.push(AddOutcome {
                    index,
                    assertion_type: None,
                    primary_key: None,
                    ok: false,
                    error: Some(e.to_string()),
                });
                break;
            }
        }
    }
    out
}

/// The oracle's `verify TRUSTED FILE`: one outcome per assertion of `input` (serialize each
/// as one JSON line).
pub fn verify(
    trust: Trust<'_>,
    input: &[u8],
    now: Option<jiff::Timestamp>,
) -> Result<Vec<AddOutcome>, ucore_signing::Error> {
    Ok(verify_stream(&open_database(trust, now)?, input))
}

/// Why [`sign`] failed.
#[derive(Debug)]
pub enum SignError {
    /// The headers' `type` is not the command's.
    TypeMismatch {
        /// The `type` member, as JSON.
        found: String,
        /// The command's type.
        expected: String,
    },
    /// The library's refusal (key, headers, assertion).
    Signing(ucore_signing::Error),
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::TypeMismatch { found, expected } => {
                write!(
                    f,
                    "invalid headers JSON: \"type\" is {found}, expected {expected:?}"
                )
            }
            SignError::Signing(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for SignError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SignError::TypeMismatch { .. } => None,
            SignError::Signing(e) => e.source(),
        }
    }
}

impl<E: Into<ucore_signing::Error>> From<E> for SignError {
    fn from(e: E) -> Self {
        SignError::Signing(e.into())
    }
}

/// The oracle's `sign TYPE KEYFILE HEADERS_JSON [BODY]`: `key_pem` is PKCS#1 or PKCS#8;
/// `headers_json` is a JSON object (its `type`, if any, must be `type_name`); the result is
/// the encoded assertion, ending in `\n`. `sig_time` defaults to now.
pub fn sign(
    type_name: &str,
    key_pem: &str,
    headers_json: &str,
    body: Option<Vec<u8>>,
    sig_time: Option<u32>,
) -> Result<Vec<u8>, SignError> {
    let key = RsaPrivateKey::from_pem(key_pem)?;
    let mut value: serde_json::Value =
        serde_json::from_str(headers_json).map_err(ucore_signing::HeadersError::Json)?;
    let Some(map) = value.as_object_mut() else {
        return Err(ucore_signing::HeadersError::Shape {
            reason: "expected a JSON object",
        }
        .into());
    };
    match map.get("type") {
        None => {
            map.insert("type".into(), type_name.into());
        }
        Some(t) if t.as_str() == Some(type_name) => {}
        Some(t) => {
            return Err(SignError::TypeMismatch {
                found: t.to_string(),
                expected: type_name.to_string(),
            });
        }
    }
    let builder = ucore_signing::builder_from_json(&value.to_string(), body)?;
    let a = ucore_signing::sign_assertion_at(
        &builder,
        &key,
        sig_time.map_or_else(
            ucore_assertions::Timestamp::now,
            ucore_assertions::Timestamp::from_openpgp_time,
        ),
    )?;
    Ok(a.encode())
}

/// What [`bench_verify`] measured (the oracle's `bench-verify` JSON).
#[derive(Debug, Clone, Serialize)]
pub struct BenchResult {
    /// Iterations run.
    pub iterations: usize,
    /// Assertions in the input.
    pub assertions: usize,
    /// Nanoseconds per iteration (decode the input + check every assertion).
    pub ns_per_op: f64,
    /// Nanoseconds per assertion.
    pub ns_per_assertion: f64,
    /// Input megabytes (10⁶ bytes) per second.
    pub mb_per_s: f64,
}

/// The oracle's `bench-verify TRUSTED FILE N [PREREQS]`: untimed setup adds `prereqs`
/// then `input` (each must pass; already present is fine), then times `iterations` ×
/// (decode `input` + `check` each assertion).
pub fn bench_verify(
    trust: Trust<'_>,
    input: &[u8],
    iterations: usize,
    prereqs: Option<&[u8]>,
    now: Option<jiff::Timestamp>,
) -> Result<BenchResult, ucore_signing::Error> {
    let db = open_database(trust, now)?;
    let add_all = |bytes: &[u8]| -> Result<(), ucore_signing::Error> {
        for a in ucore_assertions::Decoder::new(bytes) {
            let a = a?;
            db.check(&a)?;
            match db.add(a) {
                Ok(())
                | Err(ucore_signing::Error::Database(
                    DatabaseError::PrimaryKeyClash { .. } | DatabaseError::Revision { .. },
                )) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    };
    if let Some(p) = prereqs {
        add_all(p)?;
    }
    add_all(input)?;
    let mut assertions = 0;
    let start = Instant::now();
    for _ in 0..iterations.max(1) {
        assertions = 0;
        // The input is in memory: the zero-copy decoder (same framing, checks and errors
        // as `Decoder` over a reader), checked without an owned copy.
        for a in ucore_assertions::decode_slice(input) {
            db.check(&a?)?;
            assertions += 1;
        }
    }
    let ns = start.elapsed().as_nanos() as f64 / iterations.max(1) as f64;
    Ok(BenchResult {
        iterations: iterations.max(1),
        assertions,
        ns_per_op: ns,
        ns_per_assertion: ns / assertions.max(1) as f64,
        mb_per_s: input.len() as f64 / ns * 1e3,
    })
}

/// The signer `key` names, as the signing commands take it: the path of a PEM private key
/// (`*.pem`, for tests), else a key name or key id in the keypair store `keystore` (snapd's
/// layout; default `$UCORE_KEYSTORE`, then `~/.local/share/ucore/keystore`).
pub fn keystore_signer(
    key: &str,
    keystore: Option<&Path>,
) -> Result<Arc<dyn Signer>, Box<dyn std::error::Error>> {
    if key.ends_with(".pem") && Path::new(key).exists() {
        let pem = String::from_utf8(read_file(Path::new(key))?)?;
        return Ok(Arc::new(RsaPrivateKey::from_pem(&pem)?));
    }
    let dir = match keystore {
        Some(d) => d.to_path_buf(),
        None => match std::env::var("UCORE_KEYSTORE") {
            Ok(d) if !d.is_empty() => PathBuf::from(d),
            _ => PathBuf::from(format!(
                "{}/.local/share/ucore/keystore",
                std::env::var("HOME").unwrap_or_default()
            )),
        },
    };
    let store = FsKeypairManager::open(&dir)?;
    let id = store
        .key_id_for_name(key)
        .or_else(|_| store.get(key).map(|_| key.to_owned()))
        .map_err(|e| format!("key {key:?} in {}: {e}", dir.display()))?;
    Ok(store.get(&id)?)
}

/// The whole of the file at `path` (the error names it).
pub fn read_file(path: &Path) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()).into())
}

/// Every assertion of the file at `path` (one assertion or a stream).
pub fn assertions_in(
    path: &Path,
) -> Result<Vec<ucore_assertions::Assertion>, Box<dyn std::error::Error>> {
    let bytes = read_file(path)?;
    let mut d = ucore_assertions::Decoder::new(&bytes[..]);
    let mut out = Vec::new();
    while let Some(a) = d.decode().map_err(|e| format!("{}: {e}", path.display()))? {
        out.push(a);
    }
    Ok(out)
}
