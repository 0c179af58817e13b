//! The factory job (the repository's main job): one machine signs the brand's model, starts
//! a vault on 127.0.0.1 with SQLite in a temporary directory, registers many devices
//! concurrently — each with its own device key — and verifies every serial through a
//! trust database.
//!
//! The brand (`acme`) is its own root of trust here: its `account` and `account-key` are
//! self-signed and trusted, as a factory line that ships the brand's keys in the seed
//! would. RSA-4096 generation costs about half a second a key, so the brand key and the
//! device keys are generated once into a cache directory and reused.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use ucore_assertions::{Assertion, AssertionBuilder, AssertionType, HeaderValue};
use ucore_signing::{Database, RsaPrivateKey};

use ucore_serial::{DeviceServiceConfig, Registration, RetryPolicy};
use ucore_serial_vault::tokio;
use ucore_serial_vault::{KeyStore, Store, Vault};

/// The job's errors: the vault's, the device side's, a key's, or the job's own.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// An I/O error with what was being done.
fn io(context: impl std::fmt::Display) -> impl FnOnce(std::io::Error) -> Error {
    move |e| format!("{context}: {e}").into()
}

/// The seed's ACME model (headers as JSON; timestamp replaced at signing).
pub const ACME_MODEL_JSON: &str = include_str!("../../serial/tests/data/model.json");

/// What to run.
#[derive(Debug, Clone)]
pub struct FactoryOptions {
    /// How many devices to register.
    pub devices: usize,
    /// How many register at once.
    pub concurrency: usize,
    /// Device and brand key size (snapd: 4096).
    pub key_bits: usize,
    /// Where keys are cached.
    pub cache_dir: PathBuf,
    /// Show a progress bar.
    pub progress: bool,
}

impl Default for FactoryOptions {
    fn default() -> Self {
        Self {
            devices: 200,
            concurrency: 16,
            key_bits: 4096,
            cache_dir: std::env::temp_dir().join("ucore-factory-keys"),
            progress: false,
        }
    }
}

/// What happened.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Devices attempted.
    pub devices: usize,
    /// Serials received and verified through the trust database.
    pub verified: usize,
    /// Failures (messages).
    pub failures: Vec<String>,
    /// Wall time of the registration phase (s).
    pub elapsed_secs: f64,
    /// Registrations per second.
    pub throughput: f64,
    /// Median registration latency (ms).
    pub p50_ms: f64,
    /// 99th percentile latency (ms).
    pub p99_ms: f64,
    /// Rows in the vault's signing log at the end.
    pub signing_log_rows: usize,
}

fn now_rfc3339() -> String {
    jiff::Timestamp::from_second(jiff::Timestamp::now().as_second())
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Loads `path`, or generates a `bits`-bit key and saves it there (0600).
pub fn cached_key(path: &Path, bits: usize) -> Result<RsaPrivateKey, Error> {
    if let Ok(pem) = std::fs::read_to_string(path)
        && let Ok(k) = RsaPrivateKey::from_pem(&pem)
        && k.public_key().bits() == bits
    {
        return Ok(k);
    }
    let key = RsaPrivateKey::generate(bits)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io(format!("cannot create {}", dir.display())))?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, key.to_pkcs1_pem()?.as_bytes())
        .map_err(io(format!("cannot write {}", tmp.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600));
    }
    std::fs::rename(&tmp, path).map_err(io(format!("cannot write {}", path.display())))?;
    Ok(key)
}

/// `n` device keys from `dir` (generated in parallel on first use).
pub fn device_keys(
    dir: &Path,
    n: usize,
    bits: usize,
    on_key: &(dyn Fn() + Sync),
) -> Result<Vec<RsaPrivateKey>, Error> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let next = AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<Result<RsaPrivateKey, Error>>>> =
        (0..n).map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(slot) = slots.get(i) else { break };
                    let r = cached_key(&dir.join(format!("device-{bits}-{i:05}.pem")), bits);
                    if let Ok(mut g) = slot.lock() {
                        *g = Some(r);
                    }
                    on_key();
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|m| {
            m.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Err("key generation failed".into()))
        })
        .collect()
}

/// The brand's self-signed account and account-key, and the model signed by `brand`.
pub fn brand_assertions(brand: &RsaPrivateKey) -> Result<(Assertion, Assertion, Assertion), Error> {
    let now = now_rfc3339();
    let s = |v: &str| HeaderValue::from(v.to_string());
    let account = AssertionBuilder::new(AssertionType::Account)
        .header("authority-id", s("acme"))
        .header("account-id", s("acme"))
        .header("display-name", s("ACME"))
        .header("username", s("acme"))
        .header("validation", s("verified"))
        .header("timestamp", s(&now));
    let account = ucore_signing::sign_assertion(&account, brand)?;
    let account_key = AssertionBuilder::new(AssertionType::AccountKey)
        .header("authority-id", s("acme"))
        .header("account-id", s("acme"))
        .header("name", s("serials"))
        .header("public-key-sha3-384", s(brand.key_id()))
        .header("since", s("2016-01-01T00:00:00Z"))
        .body(brand.public_key().to_snapd_text().into_bytes());
    let account_key = ucore_signing::sign_assertion(&account_key, brand)?;
    let mut json: serde_json::Value = serde_json::from_str(ACME_MODEL_JSON)?;
    if let Some(o) = json.as_object_mut() {
        o.insert("timestamp".into(), serde_json::Value::String(now));
    }
    let model = ucore_signing::builder_from_json(&json.to_string(), None)?;
    let model = ucore_signing::sign_assertion(&model, brand)?;
    Ok((account, account_key, model))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted
        .get(idx)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// Runs the factory job.
pub fn run(opts: &FactoryOptions) -> Result<Summary, Error> {
    let progress_style = indicatif::ProgressStyle::with_template(
        "{prefix:>12} [{bar:40}] {pos}/{len} {per_sec} eta {eta}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("=> ");
    let bar = |n: usize, prefix: &'static str| {
        let b = if opts.progress {
            indicatif::ProgressBar::new(n as u64)
        } else {
            indicatif::ProgressBar::hidden()
        };
        b.set_style(progress_style.clone());
        b.set_prefix(prefix);
        b
    };

    // Keys (cached).
    let brand = cached_key(
        &opts.cache_dir.join(format!("brand-{}.pem", opts.key_bits)),
        opts.key_bits,
    )?;
    let kb = bar(opts.devices, "device keys");
    let keys = device_keys(&opts.cache_dir, opts.devices, opts.key_bits, &|| kb.inc(1))?;
    kb.finish();

    let (account, account_key, model) = brand_assertions(&brand)?;
    let trust = Arc::new(Database::with_trusted(vec![
        account.clone(),
        account_key.clone(),
    ])?);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(io("cannot start the runtime"))?;
    let dir = tempfile::tempdir().map_err(io("cannot create a temporary directory"))?;
    let db_path = dir.path().join("vault.db");
    let (running, api_key, vault) = rt.block_on(async {
        let store = Store::open(&db_path.to_string_lossy()).await?;
        let mut secret = [0u8; 32];
        rand::fill(&mut secret);
        let v = Vault::new(store, KeyStore::new(secret.to_vec())?, Default::default());
        let enc = |a: &Assertion| {
            Some(
                String::from_utf8_lossy(&ucore_assertions::AssertionAccess::encode(a)).into_owned(),
            )
        };
        v.add_key("acme", "serials", &brand, enc(&account), enc(&account_key))
            .await?;
        let m = v
            .add_model("acme", "acme-device-1", brand.key_id(), None)
            .await?;
        let running = ucore_serial_vault::serve(
            v.clone(),
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            None,
            false,
        )
        .await?;
        Ok::<_, Error>((running, m.api_key, v))
    })?;

    let policy = RetryPolicy {
        retry_interval: Duration::from_millis(200),
        poll_interval: Duration::from_millis(200),
        ..Default::default()
    };
    let rb = bar(opts.devices, "registering");
    let next = AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Result<Duration, String>>> =
        std::sync::Mutex::new(Vec::new());
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..opts.concurrency.max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(key) = keys.get(i) else { break };
                    let config = DeviceServiceConfig::new(running.service_url())
                        .header("api-key", &api_key)
                        .proposed_serial(format!("ACME-{i:06}"));
                    let reg = Registration::with_policy(config, policy).with_trust(trust.clone());
                    let t = Instant::now();
                    let r = reg
                        .register(&model, key, &mut |_| {})
                        .map(|_| t.elapsed())
                        .map_err(|e| format!("device {i}: {e}"));
                    if let Ok(mut g) = results.lock() {
                        g.push(r);
                    }
                    rb.inc(1);
                }
            });
        }
    });
    let elapsed = start.elapsed();
    rb.finish();
    let rows = rt.block_on(async {
        vault
            .signing_log(ucore_serial_vault::store::LogFilter {
                limit: Some(10_000),
                ..Default::default()
            })
            .await
    })?;
    rt.block_on(running.shutdown());

    let results = results.into_inner().unwrap_or_default();
    let mut lat: Vec<Duration> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().copied())
        .collect();
    lat.sort();
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    Ok(Summary {
        devices: opts.devices,
        verified: lat.len(),
        failures,
        elapsed_secs: elapsed.as_secs_f64(),
        throughput: lat.len() as f64 / elapsed.as_secs_f64().max(1e-9),
        p50_ms: percentile(&lat, 0.50),
        p99_ms: percentile(&lat, 0.99),
        signing_log_rows: rows.len(),
    })
}
