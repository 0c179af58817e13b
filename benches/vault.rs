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
//! (the target: ≤ 1.1, everything but the signature costing at most a tenth of it). The
//! raw cost is taken twice: on one busy core (`ratio1`), and per core with every core
//! running it at once (`ratioA`), which is how the vault's cores run during a batch. A
//! third ratio (`ratioV`) takes the signing cost from inside the vault: its brand key signs
//! through a [`TimedSigner`] that adds up the signing threads' CPU time, so a batch the
//! machine slows down weighs on both sides of it; `ratioV - 1` is what HTTP, JSON, database
//! and assertion work cost together.
//!
//! `UCORE_VAULT_BENCH_ROUNDS` sets the batches per store (3), `UCORE_VAULT_BENCH_BATCH`
//! the serials per batch (400), and `UCORE_VAULT_BENCH_WRAPPER` a command the vault
//! process runs under, for profiling (e.g. `valgrind --tool=callgrind`; the ratios are
//! then meaningless).
//!
//! Stall part (after the CPU part): the vault on a SQLite file in its own process, as
//! above; this process holds 1,000 idle keep-alive connections to it (each made one
//! request, then sits idle) and takes the database's write lock (`BEGIN IMMEDIATE`: the
//! outside process), while 8 threads keep asking request-ids (which wait for the lock,
//! then get 503); meanwhile one client sends `GET /v1/version` back to back on a
//! keep-alive connection for 3 s. It prints their latency (p50, p99, max) next to the
//! same with no lock and no idle connections, and what `/v1/health` answered during the
//! lock (the target: `/v1/version` p99 under 5 ms).
//!
//! `cargo bench --bench vault` (SQLite) or, with a PostgreSQL server,
//! `UCORE_POSTGRES_URL=postgres://… cargo bench --features postgres --bench vault`;
//! `… --bench vault -- cpu-only` skips the criterion and stall parts, `… -- stall-only`
//! runs the stall part alone.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use ucore::serial as device;
use ucore::serial::ureq;
use ucore::serial_vault::{self as vault, KeyStore, RunningVault, Store, Vault, tokio};
use ucore::signing::{HashAlgorithm, RsaPrivateKey, RsaPublicKey, Signer};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/serial/tests/data");
/// Requests per throughput/CPU batch, unless `UCORE_VAULT_BENCH_BATCH` says otherwise.
const BATCH: usize = 400;
/// Concurrent client threads in a batch.
const CLIENTS: usize = 8;

/// Serials per batch: `UCORE_VAULT_BENCH_BATCH`, else [`BATCH`].
fn batch_size() -> usize {
    std::env::var("UCORE_VAULT_BENCH_BATCH")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(BATCH)
}

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
    /// With `signer`, the brand key signs through it (registered as an external key);
    /// else the vault holds the key sealed, as in production.
    fn start(db: &str, brand: &RsaPrivateKey, signer: Option<Arc<dyn Signer>>) -> Self {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let (vault, running, api_key) = rt.block_on(async {
            let store = Store::open(db).await.unwrap();
            let v = Vault::new(
                store,
                KeyStore::new(b"bench master secret 0123".to_vec()).unwrap(),
                Default::default(),
            );
            match signer {
                Some(s) => v.add_external_key("acme", "serials", s).await.unwrap(),
                None => v
                    .add_key("acme", "serials", brand, None, None)
                    .await
                    .unwrap(),
            };
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
        let device_key = RsaPrivateKey::from_pem(ucore_test_support::keys::DEVICE_4096).unwrap();
        let model = ucore::assertions::Assertion::decode(read("model.assert").as_bytes()).unwrap();
        (0..n)
            .map(|_| {
                *counter += 1;
                let id = self
                    .rt
                    .block_on(self.vault.request_id(Some(&self.api_key)))
                    .unwrap();
                let serial = format!("B-{tag}-{}-{counter}", std::process::id());
                serial_body(&model, &device_key, &id, &serial)
            })
            .collect()
    }

    fn post(&self, agent: &ureq::Agent, body: &[u8]) {
        post_serial(agent, &self.url, &self.api_key, body);
    }
}

/// A `/v1/serial` body: the serial-request for `serial`, signed by `device_key`, then
/// the model.
fn serial_body(
    model: &ucore::assertions::Assertion,
    device_key: &RsaPrivateKey,
    request_id: &str,
    serial: &str,
) -> Vec<u8> {
    use ucore::assertions::AssertionAccess;
    let req =
        device::build_serial_request(model, device_key, request_id, Some(serial), None).unwrap();
    let mut body = req.encode();
    body.push(b'\n');
    body.extend_from_slice(&model.encode());
    body
}

/// Posts `body` to the vault at `url` and checks it answered 200.
fn post_serial(agent: &ureq::Agent, url: &str, api_key: &str, body: &[u8]) {
    let r = agent
        .post(format!("{url}serial"))
        .header("api-key", api_key)
        .send(body)
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let _ = r.into_body().read_to_vec().unwrap();
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
    let brand = RsaPrivateKey::from_pem(ucore_test_support::keys::ROOT).unwrap();
    c.bench_function("raw_rsa4096_sign_plus_verify", |b| {
        b.iter(|| raw_sign_verify(&brand))
    });

    let dir = tempfile_dir();
    let bv = BenchVault::start(&dir.join("vault.db").to_string_lossy(), &brand, None);
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

/// The brand key, keeping the CPU time (of the signing thread) of every signature the
/// vault makes with it: the signing as it runs inside the vault, under the batch's load.
/// The vault holds it as an external key: once unsealed, a sealed key is the same cached
/// signer, so the signing path is the one production takes.
struct TimedSigner {
    key: RsaPrivateKey,
    cpu_ns: AtomicU64,
    signatures: AtomicU64,
}

impl Signer for TimedSigner {
    fn public_key(&self) -> &RsaPublicKey {
        self.key.public_key()
    }

    fn sign_digest(&self, digest: &[u8; 64]) -> Result<Vec<u8>, ucore::signing::Error> {
        self.timed(|| self.key.sign_digest(digest))
    }

    fn sign_message(&self, message: &[u8]) -> Result<Vec<u8>, ucore::signing::Error> {
        self.timed(|| Signer::sign_message(&self.key, message))
    }
}

impl TimedSigner {
    fn timed<T>(&self, f: impl FnOnce() -> T) -> T {
        let t0 = thread_cpu();
        let out = f();
        let spent = u64::try_from((thread_cpu() - t0).as_nanos()).unwrap_or(u64::MAX);
        self.cpu_ns.fetch_add(spent, Ordering::Relaxed);
        self.signatures.fetch_add(1, Ordering::Relaxed);
        out
    }
}

fn child_vault(db: &str) {
    use std::io::{BufRead, Write};
    let brand = RsaPrivateKey::from_pem(ucore_test_support::keys::ROOT).unwrap();
    let timed = Arc::new(TimedSigner {
        key: brand.clone(),
        cpu_ns: AtomicU64::new(0),
        signatures: AtomicU64::new(0),
    });
    let bv = BenchVault::start(db, &brand, Some(timed.clone()));
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} {}", bv.url, bv.api_key).unwrap();
    out.flush().unwrap();
    // Serve until the parent closes our stdin; each line asks for the signing totals.
    for line in std::io::stdin().lock().lines() {
        if line.is_err() {
            break;
        }
        let (ns, n) = (
            timed.cpu_ns.load(Ordering::Relaxed),
            timed.signatures.load(Ordering::Relaxed),
        );
        writeln!(out, "{ns} {n}").unwrap();
        out.flush().unwrap();
    }
    drop(out);
    drop(bv);
}

/// The vault process's stdin and stdout: closing the first stops it; a line on it is
/// answered on the second with the signing totals.
type Control = (
    std::process::ChildStdin,
    std::io::BufReader<std::process::ChildStdout>,
);

/// A vault process started by [`VaultProcess::spawn`].
struct VaultProcess {
    child: std::process::Child,
    control: std::sync::Mutex<Option<Control>>,
    url: String,
    api_key: String,
}

impl VaultProcess {
    fn spawn(db: &str) -> Self {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        let exe = std::env::current_exe().unwrap();
        let wrapper = std::env::var("UCORE_VAULT_BENCH_WRAPPER").unwrap_or_default();
        let mut argv: Vec<std::ffi::OsString> =
            wrapper.split_whitespace().map(Into::into).collect();
        argv.push(exe.into());
        let mut child = Command::new(&argv[0])
            .args(&argv[1..])
            .env(CHILD_ENV, db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        stdout.read_line(&mut line).unwrap();
        let stdin = child.stdin.take().unwrap();
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
            control: std::sync::Mutex::new(Some((stdin, stdout))),
            url,
            api_key,
        }
    }

    /// CPU time the vault's signing threads spent in brand-key signatures so far, and
    /// their number ([`TimedSigner`]).
    fn signing(&self) -> (Duration, u64) {
        use std::io::{BufRead, Write};
        let mut control = self.control.lock().unwrap();
        let (stdin, stdout) = control.as_mut().unwrap();
        stdin.write_all(b"signing\n").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let mut it = line.split_whitespace().map(|f| f.parse::<u64>().unwrap());
        let (ns, n) = (it.next().unwrap(), it.next().unwrap());
        (Duration::from_nanos(ns), n)
    }

    /// `n` ready `/v1/serial` bodies: request-ids asked over HTTP, serial-requests signed
    /// here with the 4096-bit device key (device-side work, not the vault's).
    fn prepare(&self, n: usize, tag: &str, counter: &mut u64) -> Vec<Vec<u8>> {
        let device_key = RsaPrivateKey::from_pem(ucore_test_support::keys::DEVICE_4096).unwrap();
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
                serial_body(&model, &device_key, id, &format!("P-{tag}-{pid}-{counter}"))
            })
            .collect()
    }

    fn post(&self, agent: &ureq::Agent, body: &[u8]) {
        post_serial(agent, &self.url, &self.api_key, body);
    }

    /// CPU time (user + system) of the vault process, all its threads.
    fn cpu(&self, ticks: f64) -> Duration {
        process_cpu(self.child.id(), ticks)
    }
}

impl Drop for VaultProcess {
    fn drop(&mut self) {
        // Closing stdin asks for a graceful shutdown.
        drop(self.control.lock().map(|mut c| c.take()));
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

/// CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`).
fn thread_cpu() -> Duration {
    // Not /proc/thread-self/schedstat: for a running thread it lags by up to a tick.
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(
        u64::try_from(t.tv_sec).unwrap_or(0),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

struct Batch {
    serials_per_s: f64,
    vault_cpu_per_serial: Duration,
    /// CPU time of one brand-key signature inside the vault during the batch.
    vault_sign: Duration,
}

/// Posts `BATCH` prepared requests from `CLIENTS` threads at once.
fn batch(vp: &VaultProcess, tag: &str, counter: &mut u64, ticks: f64) -> Batch {
    let n = batch_size();
    let bodies = vp.prepare(n, tag, counter);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let agents: Vec<ureq::Agent> = (0..CLIENTS).map(|_| agent()).collect();
    let (sign0, signs0) = vp.signing();
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
    let cpu = vp.cpu(ticks).saturating_sub(cpu0);
    let (sign1, signs1) = vp.signing();
    let per = |d: Duration, n: u64| d / u32::try_from(n.max(1)).unwrap_or(u32::MAX);
    Batch {
        serials_per_s: n as f64 / wall.as_secs_f64(),
        vault_cpu_per_serial: per(cpu, n as u64),
        vault_sign: per(sign1.saturating_sub(sign0), signs1 - signs0),
    }
}

/// CPU time of one raw RSA-4096 verification (median of 5 runs of 200).
fn raw_verify_cpu(brand: &RsaPrivateKey) -> Duration {
    let sig = brand.sign_sha512(CONTENT).unwrap();
    let mut runs: Vec<Duration> = (0..5)
        .map(|_| {
            let t0 = thread_cpu();
            for _ in 0..200 {
                brand
                    .public_key()
                    .verify(HashAlgorithm::Sha512, CONTENT, &sig)
                    .unwrap();
            }
            (thread_cpu() - t0) / 200
        })
        .collect();
    runs.sort();
    runs[2]
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
    let brand = RsaPrivateKey::from_pem(ucore_test_support::keys::ROOT).unwrap();
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
        "\nvault process CPU per serial ({} serials per batch, {CLIENTS} client threads in another process, {} cores, 4096-bit brand and device keys)",
        batch_size(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let verify = raw_verify_cpu(&brand);
    println!(
        "raw: CPU time of one RSA-4096 sign + verify (ring) on one busy core ('raw 1-core'), \
         and per core with all cores busy as during a batch ('raw all'); ratio1 and ratioA \
         are the vault's CPU over these.\n\
         in-vault: CPU time of one brand-key signature as the vault's threads made it during \
         the batch; ratioV is the vault's CPU over that plus one raw verification ({:.0} µs): \
         everything else the vault does is ratioV - 1.",
        verify.as_secs_f64() * 1e6
    );
    println!(
        "{:<9} {:>5} {:>9} {:>12} {:>10} {:>10} {:>10} {:>7} {:>7} {:>7}",
        "store",
        "batch",
        "serials/s",
        "vault CPU",
        "in-vault",
        "raw 1-core",
        "raw all",
        "ratio1",
        "ratioA",
        "ratioV"
    );
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let mut counter = 0u64;
    for (name, db) in &stores {
        let vp = VaultProcess::spawn(db);
        // Warm-up (connections, caches, the key unsealed once).
        let _ = batch(&vp, name, &mut counter, ticks);
        let (mut r1, mut ra, mut rv) = (Vec::new(), Vec::new(), Vec::new());
        for round in 1..=rounds {
            // The machine is shared: the raw cost is taken right before and right after
            // the batch and averaged, so a change of load between them weighs on both.
            let (before, before_all) = (raw_cpu(&brand), raw_cpu_all_cores(&brand));
            let b = batch(&vp, name, &mut counter, ticks);
            let raw = (before + raw_cpu(&brand)) / 2;
            let raw_all = (before_all + raw_cpu_all_cores(&brand)) / 2;
            let vault = b.vault_cpu_per_serial.as_secs_f64();
            let ratios = (
                vault / raw.as_secs_f64(),
                vault / raw_all.as_secs_f64(),
                vault / (b.vault_sign + verify).as_secs_f64(),
            );
            println!(
                "{:<9} {:>5} {:>9.1} {:>9.2} ms {:>7.2} ms {:>7.2} ms {:>7.2} ms {:>7.3} {:>7.3} {:>7.3}",
                name,
                round,
                b.serials_per_s,
                vault * 1e3,
                b.vault_sign.as_secs_f64() * 1e3,
                raw.as_secs_f64() * 1e3,
                raw_all.as_secs_f64() * 1e3,
                ratios.0,
                ratios.1,
                ratios.2,
            );
            r1.push(ratios.0);
            ra.push(ratios.1);
            rv.push(ratios.2);
        }
        println!(
            "{name:<9} median over {rounds} batches: ratio1 {:.3}, ratioA {:.3}, ratioV {:.3}",
            median(&mut r1),
            median(&mut ra),
            median(&mut rv)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- /v1/version while the database is locked ---------------------------------------------

/// Idle connections held during the stall figure.
const STALL_IDLE: usize = 1000;
/// How long the lock is held while `/v1/version` is timed.
const STALL_LOCK: Duration = Duration::from_secs(3);

/// Percentile `p` (0–100) of sorted `v`.
fn percentile(v: &[Duration], p: usize) -> Duration {
    let i = (v.len() * p / 100).min(v.len().saturating_sub(1));
    v.get(i).copied().unwrap_or_default()
}

/// `GET /v1/version` back to back on one keep-alive connection until `until`; each
/// latency, sorted.
fn time_versions(agent: &ureq::Agent, url: &str, until: Instant) -> Vec<Duration> {
    let mut took = Vec::new();
    while Instant::now() < until {
        let start = Instant::now();
        let mut r = agent.get(format!("{url}version")).call().unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let _ = r.body_mut().read_to_vec().unwrap();
        took.push(start.elapsed());
    }
    took.sort();
    took
}

fn print_latencies(what: &str, v: &[Duration]) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{what:<40} {:>6} {:>8.3} {:>8.3} {:>8.3}",
        v.len(),
        ms(percentile(v, 50)),
        ms(percentile(v, 99)),
        ms(v.last().copied().unwrap_or_default())
    );
}

/// A connection that made one keep-alive request and now sits idle.
fn idle_connection(addr: &str) -> std::net::TcpStream {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(b"GET /v1/version HTTP/1.1\r\nHost: vault\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 512];
    let n = s.read(&mut buf).unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    s
}

fn stall_report() {
    let dir = tempfile_dir();
    let db = dir.join("stall.db");
    let vp = VaultProcess::spawn(&db.to_string_lossy());
    let client = agent();
    let addr = vp
        .url
        .trim_start_matches("http://")
        .trim_end_matches("/v1/")
        .to_string();
    // Warm-up, then the baseline: no lock, no idle connections.
    let _ = time_versions(
        &client,
        &vp.url,
        Instant::now() + Duration::from_millis(500),
    );
    let quiet = time_versions(&client, &vp.url, Instant::now() + STALL_LOCK);
    let idle: Vec<_> = (0..STALL_IDLE).map(|_| idle_connection(&addr)).collect();
    let lock = rusqlite::Connection::open(&db).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let locked = Instant::now();
    let until = locked + STALL_LOCK;
    let (stalled, health, refused) = std::thread::scope(|s| {
        // Requests that need the database, stuck behind the lock.
        let writers: Vec<_> = (0..8)
            .map(|_| {
                let vp = &vp;
                s.spawn(move || {
                    let agent = agent();
                    let mut statuses = Vec::new();
                    while Instant::now() < until {
                        let r = agent
                            .post(format!("{}request-id", vp.url))
                            .header("api-key", &vp.api_key)
                            .send_empty()
                            .unwrap();
                        statuses.push(r.status().as_u16());
                    }
                    statuses
                })
            })
            .collect();
        let health = s.spawn(|| {
            std::thread::sleep(Duration::from_secs(1));
            let start = Instant::now();
            let mut r = agent().get(format!("{}health", vp.url)).call().unwrap();
            let status = r.status().as_u16();
            let body = r.body_mut().read_to_string().unwrap();
            (status, body, start.elapsed())
        });
        let stalled = time_versions(&client, &vp.url, until);
        let refused: Vec<u16> = writers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect();
        (stalled, health.join().unwrap(), refused)
    });
    lock.execute_batch("COMMIT").unwrap();
    println!(
        "\n/v1/version latency (ms), one keep-alive client, vault in its own process on SQLite"
    );
    println!(
        "{:<40} {:>6} {:>8} {:>8} {:>8}",
        "", "count", "p50", "p99", "max"
    );
    print_latencies("quiet", &quiet);
    print_latencies(
        &format!("{STALL_IDLE} idle + outside lock + 8 writers"),
        &stalled,
    );
    let (status, body, took) = health;
    println!(
        "/v1/health during the lock: {status} {body} in {:.1} ms",
        took.as_secs_f64() * 1e3
    );
    let n503 = refused.iter().filter(|&&s| s == 503).count();
    println!(
        "request-id during the lock: {} answers, {n503} of them 503",
        refused.len()
    );
    drop(idle);
    drop(vp);
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
    let stall_only = std::env::args().any(|a| a == "stall-only");
    if !cpu_only && !stall_only {
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
    // Only for a real `cargo bench` run (not `cargo test --benches`).
    if std::env::args().any(|a| a == "--bench") {
        if !stall_only {
            cpu_report();
        }
        if !cpu_only {
            stall_report();
        }
    }
}
