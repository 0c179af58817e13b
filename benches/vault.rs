//! Serial Vault signing cost.
//!
//! Criterion part: `raw_rsa4096_sign_plus_verify` is one RSA-4096 PKCS#1 v1.5 SHA-512
//! signature plus one verification with ucore-signing's default (ring) backend;
//! `post_serial_sqlite` is one full `POST /v1/serial` (HTTP, stream parse, self-signature
//! verification, nonce, database, serial signing, signing log) against an in-process vault
//! on SQLite with a 4096-bit brand key. The device side (request-id, serial-request
//! signature with a 4096-bit test device key, as a real device's) is done outside the
//! timed section.
//!
//! Throughput and CPU part (printed after criterion's, only under `cargo bench`): for
//! SQLite, and PostgreSQL when built with `--features postgres` and `UCORE_POSTGRES_URL`
//! is set, the vault runs in its **own process** (this bench binary re-run as a child
//! with `UCORE_VAULT_BENCH_CHILD=<database>`); this process issues the request-ids and
//! signs the serial-requests beforehand, then posts `BATCH` of them from 8 client threads
//! at once. It prints serials per second (wall) and the vault process's CPU time per
//! serial (`/proc/<child>/stat` utime + stime, all its threads, before and after the
//! batch) next to the CPU time of one raw RSA-4096 sign + verify (ring) measured in the
//! same run (thread CPU, right before and after each batch, averaged), and their ratio
//! (the target: ≤ 1.1). The raw cost is taken twice: on one busy core
//! (`ratio1`), and per core with every core running it at once (`ratioA`), which is how
//! the vault's cores run during a batch. `UCORE_VAULT_BENCH_ROUNDS` sets the batches
//! per store (3).
//!
//! `cargo bench --bench vault` (SQLite) or, with a PostgreSQL server,
//! `UCORE_POSTGRES_URL=postgres://… cargo bench --features postgres --bench vault`;
//! `… --bench vault -- cpu-only` skips the criterion part.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use ucore::serial::keystore::KeyStore;
use ucore::serial::store::Store;
use ucore::serial::vault::{self, RunningVault, Vault};
use ucore::serial::{device, tokio, ureq};
use ucore::signing::{HashAlgorithm, RsaPrivateKey};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/serial/tests/data");
/// Requests per throughput/CPU batch.
const BATCH: usize = 400;
/// Concurrent client threads in a batch.
const CLIENTS: usize = 8;

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DATA}/{name}")).unwrap()
}

const CONTENT: &[u8] = b"serial content of a typical size .................";

fn raw_sign_verify(brand: &RsaPrivateKey) {
    let sig = brand.sign_sha512(CONTENT).unwrap();
    brand
        .public_key()
        .verify(HashAlgorithm::Sha512, CONTENT, &sig)
        .unwrap();
}

/// A vault on `db` with ACME's 4096-bit (test) brand key, served on 127.0.0.1.
struct BenchVault {
    rt: tokio::runtime::Runtime,
    vault: Vault,
    running: Option<RunningVault>,
    api_key: String,
    url: String,
}

impl BenchVault {
    fn start(db: &str, brand: &RsaPrivateKey) -> Self {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let (vault, running, api_key) = rt.block_on(async {
            let store = Store::open(db).await.unwrap();
            let v = Vault::new(
                store,
                KeyStore::new(b"bench master secret 0123".to_vec()).unwrap(),
                Default::default(),
            );
            v.add_key("acme", "serials", brand, None, None)
                .await
                .unwrap();
            // A database kept from an earlier run already has the model: new API key.
            let api_key = match v
                .add_model("acme", "acme-device-1", brand.key_id(), None)
                .await
            {
                Ok(m) => m.api_key,
                Err(_) => v.rotate_api_key("acme", "acme-device-1").await.unwrap(),
            };
            let r = vault::serve(v.clone(), "127.0.0.1:0".parse().unwrap(), None, false)
                .await
                .unwrap();
            (v, r, api_key)
        });
        let url = running.service_url();
        Self {
            rt,
            vault,
            running: Some(running),
            api_key,
            url,
        }
    }

    /// `n` ready `/v1/serial` bodies (request-ids issued, serial-requests signed).
    fn prepare(&self, n: usize, tag: &str, counter: &mut u64) -> Vec<Vec<u8>> {
        let device_key = RsaPrivateKey::from_pem(&read("test-only-device-4096.pem")).unwrap();
        let model = ucore::assertions::Assertion::decode(read("model.assert").as_bytes()).unwrap();
        (0..n)
            .map(|_| {
                *counter += 1;
                let id = self
                    .rt
                    .block_on(self.vault.request_id(Some(&self.api_key)))
                    .unwrap();
                let req = device::build_serial_request(
                    &model,
                    &device_key,
                    &id,
                    Some(&format!("B-{tag}-{}-{counter}", std::process::id())),
                    None,
                )
                .unwrap();
                let mut s = ucore::assertions::AssertionAccess::encode(&req);
                s.push(b'\n');
                s.extend_from_slice(&ucore::assertions::AssertionAccess::encode(&model));
                s
            })
            .collect()
    }

    fn post(&self, agent: &ureq::Agent, body: &[u8]) {
        let r = agent
            .post(format!("{}serial", self.url))
            .header("api-key", &self.api_key)
            .send(body)
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let _ = r.into_body().read_to_vec().unwrap();
    }
}

impl Drop for BenchVault {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            self.rt.block_on(r.shutdown());
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn bench(c: &mut Criterion) {
    let brand = RsaPrivateKey::from_pem(&read("test-only-root.pem")).unwrap();
    c.bench_function("raw_rsa4096_sign_plus_verify", |b| {
        b.iter(|| raw_sign_verify(&brand))
    });

    let dir = tempfile_dir();
    let bv = BenchVault::start(&dir.join("vault.db").to_string_lossy(), &brand);
    let agent = agent();
    let mut counter = 0u64;
    c.bench_function("post_serial_sqlite", |b| {
        b.iter_custom(|iters| {
            let bodies = bv.prepare(iters as usize, "c", &mut counter);
            let start = Instant::now();
            for body in &bodies {
                bv.post(&agent, body);
            }
            start.elapsed()
        })
    });
    drop(bv);
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ucore-vault-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

// ---- the vault in its own process ----------------------------------------------------------

/// Environment variable that turns this binary into the vault process: its value is the
/// database. The child prints `URL API-KEY` on stdout and serves until stdin closes.
const CHILD_ENV: &str = "UCORE_VAULT_BENCH_CHILD";

fn child_vault(db: &str) {
    use std::io::{BufRead, Write};
    let brand = RsaPrivateKey::from_pem(&read("test-only-root.pem")).unwrap();
    let bv = BenchVault::start(db, &brand);
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} {}", bv.url, bv.api_key).unwrap();
    out.flush().unwrap();
    drop(out);
    // Serve until the parent closes our stdin.
    for line in std::io::stdin().lock().lines() {
        if line.is_err() {
            break;
        }
    }
    drop(bv);
}

/// A vault process started by [`VaultProcess::spawn`].
struct VaultProcess {
    child: std::process::Child,
    url: String,
    api_key: String,
}

impl VaultProcess {
    fn spawn(db: &str) -> Self {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        let mut child = Command::new(std::env::current_exe().unwrap())
            .env(CHILD_ENV, db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let mut it = line.split_whitespace();
        let url = it
            .next()
            .expect("the vault process printed no URL")
            .to_string();
        let api_key = it
            .next()
            .expect("the vault process printed no API key")
            .to_string();
        Self {
            child,
            url,
            api_key,
        }
    }

    /// `n` ready `/v1/serial` bodies: request-ids asked over HTTP, serial-requests signed
    /// here with the 4096-bit device key (device-side work, not the vault's).
    fn prepare(&self, n: usize, tag: &str, counter: &mut u64) -> Vec<Vec<u8>> {
        let device_key = RsaPrivateKey::from_pem(&read("test-only-device-4096.pem")).unwrap();
        let model = ucore::assertions::Assertion::decode(read("model.assert").as_bytes()).unwrap();
        let agent = agent();
        let ids: Vec<String> = (0..n)
            .map(|_| {
                let mut r = agent
                    .post(format!("{}request-id", self.url))
                    .header("api-key", &self.api_key)
                    .send_empty()
                    .unwrap();
                let text = r.body_mut().read_to_string().unwrap();
                // {"success":true,"message":"","request-id":"<40 hex>"}
                let (_, rest) = text.split_once("\"request-id\":\"").unwrap();
                rest.split('"').next().unwrap().to_string()
            })
            .collect();
        let pid = std::process::id();
        ids.iter()
            .map(|id| {
                *counter += 1;
                let req = device::build_serial_request(
                    &model,
                    &device_key,
                    id,
                    Some(&format!("P-{tag}-{pid}-{counter}")),
                    None,
                )
                .unwrap();
                let mut s = ucore::assertions::AssertionAccess::encode(&req);
                s.push(b'\n');
                s.extend_from_slice(&ucore::assertions::AssertionAccess::encode(&model));
                s
            })
            .collect()
    }

    fn post(&self, agent: &ureq::Agent, body: &[u8]) {
        let r = agent
            .post(format!("{}serial", self.url))
            .header("api-key", &self.api_key)
            .send(body)
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let _ = r.into_body().read_to_vec().unwrap();
    }

    /// CPU time (user + system) of the vault process, all its threads.
    fn cpu(&self, ticks: f64) -> Duration {
        process_cpu(self.child.id(), ticks)
    }
}

impl Drop for VaultProcess {
    fn drop(&mut self) {
        // Closing stdin asks for a graceful shutdown.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

// ---- CPU accounting from /proc (Linux; no unsafe, no libc) -------------------------------

/// Clock ticks per second of `/proc/*/stat` times.
fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// CPU time (user + system) of process `pid`, all threads, dead ones included.
fn process_cpu(pid: u32, ticks: f64) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which may hold spaces) closed by the last ')'.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    // utime and stime are fields 14 and 15 of the full line: 12 and 13 here.
    let t: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    Duration::from_secs_f64(t / ticks)
}

/// CPU time of the calling thread, in nanoseconds (scheduler accounting).
fn thread_cpu() -> Duration {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
    Duration::from_nanos(s.split(' ').next().unwrap().parse().unwrap())
}

struct Batch {
    serials_per_s: f64,
    vault_cpu_per_serial: Duration,
}

/// Posts `BATCH` prepared requests from `CLIENTS` threads at once.
fn batch(vp: &VaultProcess, tag: &str, counter: &mut u64, ticks: f64) -> Batch {
    let bodies = vp.prepare(BATCH, tag, counter);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let agents: Vec<ureq::Agent> = (0..CLIENTS).map(|_| agent()).collect();
    let cpu0 = vp.cpu(ticks);
    let start = Instant::now();
    std::thread::scope(|s| {
        for agent in &agents {
            let (next, bodies) = (&next, &bodies);
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(body) = bodies.get(i) else { break };
                    vp.post(agent, body);
                }
            });
        }
    });
    let wall = start.elapsed();
    let vault_cpu = vp.cpu(ticks).saturating_sub(cpu0);
    Batch {
        serials_per_s: BATCH as f64 / wall.as_secs_f64(),
        vault_cpu_per_serial: vault_cpu / BATCH as u32,
    }
}

/// CPU time of one raw RSA-4096 sign + verify (median of 5 runs of 50).
fn raw_cpu(brand: &RsaPrivateKey) -> Duration {
    let mut runs: Vec<Duration> = (0..5)
        .map(|_| {
            let t0 = thread_cpu();
            for _ in 0..50 {
                raw_sign_verify(brand);
            }
            (thread_cpu() - t0) / 50
        })
        .collect();
    runs.sort();
    runs[2]
}

/// [`raw_cpu`] with every core busy doing the same, as the vault's cores are during a
/// batch: per-core speed drops when all cores run (shared caches, memory bandwidth,
/// lower boost clocks), so this is the like-for-like cost under the batch's load.
fn raw_cpu_all_cores(brand: &RsaPrivateKey) -> Duration {
    let n = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_thread: Vec<Duration> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..n).map(|_| s.spawn(|| raw_cpu(brand))).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("raw thread"))
            .collect()
    });
    per_thread.iter().sum::<Duration>() / n as u32
}

fn cpu_report() {
    let ticks = clock_ticks();
    let brand = RsaPrivateKey::from_pem(&read("test-only-root.pem")).unwrap();
    let mut stores: Vec<(String, String)> = Vec::new();
    let dir = tempfile_dir();
    stores.push((
        "sqlite".into(),
        dir.join("cpu.db").to_string_lossy().into_owned(),
    ));
    match std::env::var("UCORE_POSTGRES_URL") {
        Ok(url) if cfg!(feature = "postgres") => stores.push(("postgres".into(), url)),
        Ok(_) => eprintln!("note: built without --features postgres; PostgreSQL skipped"),
        Err(_) => eprintln!("note: UCORE_POSTGRES_URL is not set; PostgreSQL skipped"),
    }
    let rounds: usize = std::env::var("UCORE_VAULT_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    println!(
        "\nvault process CPU per serial ({BATCH} serials per batch, {CLIENTS} client threads in another process, {} cores, 4096-bit brand and device keys)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "raw sign+verify: CPU time of one RSA-4096 sign + verify (ring) on one busy core, and \
         per core with all cores busy as during a batch; each ratio is vault CPU / that"
    );
    println!(
        "{:<9} {:>6} {:>10} {:>12} {:>10} {:>10} {:>7} {:>7}",
        "store", "batch", "serials/s", "vault CPU", "raw 1-core", "raw all", "ratio1", "ratioA"
    );
    let mut counter = 0u64;
    for (name, db) in &stores {
        let vp = VaultProcess::spawn(db);
        // Warm-up (connections, caches, the key unsealed once).
        let _ = batch(&vp, name, &mut counter, ticks);
        for round in 1..=rounds {
            // The machine is shared: the raw cost is taken right before and right after
            // the batch and averaged, so a change of load between them weighs on both.
            let (before, before_all) = (raw_cpu(&brand), raw_cpu_all_cores(&brand));
            let b = batch(&vp, name, &mut counter, ticks);
            let raw = (before + raw_cpu(&brand)) / 2;
            let raw_all = (before_all + raw_cpu_all_cores(&brand)) / 2;
            let vault = b.vault_cpu_per_serial.as_secs_f64();
            println!(
                "{:<9} {:>6} {:>10.1} {:>9.2} ms {:>7.2} ms {:>7.2} ms {:>7.3} {:>7.3}",
                name,
                round,
                b.serials_per_s,
                vault * 1e3,
                raw.as_secs_f64() * 1e3,
                raw_all.as_secs_f64() * 1e3,
                vault / raw.as_secs_f64(),
                vault / raw_all.as_secs_f64()
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(8));
    targets = bench
}

fn main() {
    if let Ok(db) = std::env::var(CHILD_ENV) {
        child_vault(&db);
        return;
    }
    let cpu_only = std::env::args().any(|a| a == "cpu-only");
    if !cpu_only {
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
    // Only for a real `cargo bench` run (not `cargo test --benches`).
    if std::env::args().any(|a| a == "--bench") {
        cpu_report();
    }
}
