//! Load and scale figures of the store (`ucore-store`), against a store server running as
//! its own process (this program re-run as `store_load serve`), so that its CPU time
//! (`/proc/<pid>/stat`) and memory (`/proc/<pid>/status`) are its own.
//!
//! ```text
//! cargo run --release --example store_load -- sessions [--devices 1000]
//! cargo run --release --example store_load -- download [--size-mib 1024] [--dir DIR] [--dest DIR]
//! ```
//!
//! * `sessions`: `--devices` devices of the bench brand (serials `load-N`, one brand key,
//!   three test-only device keys in turn), each a `ucore-store-client` client of its own
//!   (its own connections), open their device session all at once (nonce, then
//!   session) on one multi-threaded tokio runtime. Prints successes, failures, latency
//!   p50 / p99 / max (from the start of the whole run: a device's session includes its
//!   wait behind the others), the wall time, the server's CPU per session, and the
//!   server's count of opened sessions (`/metrics`), which must equal the successes.
//!   The devices' signatures are made in this process during the run; it shares the
//!   machine's cores with the server.
//! * `download`: a snap of `--size-mib` MiB of pseudo-random bytes in the store's snap
//!   directory (under `--dir`, a temporary directory on the disk by default); then, in
//!   one run: SHA3-384 of this CPU in memory; the file read straight from disk, cold (its
//!   pages dropped from the page cache with `posix_fadvise(DONTNEED)`: dropping every
//!   cache needs `/proc/sys/vm/drop_caches`, refused in containers) and warm, without and
//!   with SHA3-384; the snap downloaded through the store with `ucore-store-client`
//!   (which hashes while streaming and checks the digest) to `--dest` (`/dev/shm` by
//!   default, so the destination's writes do not share the disk), cold and warm. Each
//!   download samples the server's `VmRSS` every 10 ms and prints before / peak / after
//!   and its `VmHWM`.
//!
//! The store is the bench fixture (`benches/store-load/fixture.rs`): SQLite, the test-only
//! keys of `ucore-test-support`.

#[path = "../benches/store-load/fixture.rs"]
mod fixture;

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use sha3::{Digest, Sha3_384};
use ucore_store_client::{Config, DeviceIdentity, DownloadOptions, StoreClient};

/// Load and scale figures of the store.
#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Many devices open their session at once.
    Sessions {
        /// How many devices.
        #[arg(long, default_value_t = 1000)]
        devices: usize,
    },
    /// A large snap: disk read speed against download speed, and the server's memory.
    Download {
        /// The snap's size in MiB.
        #[arg(long, default_value_t = 1024)]
        size_mib: u64,
        /// The store directory's parent (a temporary directory on the disk by default).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Where the downloads are written.
        #[arg(long, default_value = "/dev/shm")]
        dest: PathBuf,
    },
    /// (internal) Serves the store in DIR until stdin closes; prints its URL first.
    Serve {
        /// The store directory.
        #[arg(long)]
        dir: PathBuf,
    },
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    match Cli::parse().command {
        Cmd::Sessions { devices } => sessions(devices),
        Cmd::Download {
            size_mib,
            dir,
            dest,
        } => download(size_mib << 20, dir, &dest),
        Cmd::Serve { dir } => serve(&dir),
    }
}

// ---- the server process ----------------------------------------------------------------

fn serve(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let rt = tokio::runtime::Runtime::new()?;
    // A free port, known before the store is opened: its URLs name it.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let url = format!("http://{addr}");
    let running = rt.block_on(async {
        let store = fixture::open(dir, &url).await;
        ucore_store::http::serve(store, addr, false).await
    })?;
    println!("{}", running.url());
    std::io::stdout().flush()?;
    // Until the parent closes stdin.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    rt.block_on(running.shutdown());
    Ok(())
}

/// The store server, as a child process.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    url: String,
}

impl Server {
    fn start(dir: &Path) -> Result<Self, Box<dyn std::error::Error>> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(["serve", "--dir"])
            .arg(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut url = String::new();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        std::io::BufReader::new(stdout).read_line(&mut url)?;
        let url = url.trim().to_string();
        if url.is_empty() {
            return Err("the store process printed no URL".into());
        }
        let stdin = child.stdin.take();
        Ok(Server { child, stdin, url })
    }

    /// User + system CPU time of the server, all its threads.
    fn cpu(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // after "pid (comm) ": state is field 3 of the line; utime, stime are 14, 15
        let after = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
        let ticks: u64 = after
            .split_whitespace()
            .skip(11)
            .take(2)
            .filter_map(|f| f.parse::<u64>().ok())
            .sum();
        Duration::from_secs_f64(ticks as f64 / clock_ticks())
    }

    /// A `/proc/<pid>/status` figure in KiB (`VmRSS`, `VmHWM`).
    fn memory_kib(&self, field: &str) -> u64 {
        status_kib(self.child.id(), field)
    }

    /// A counter of the server's `/metrics`.
    fn metric(&self, name: &str) -> Option<f64> {
        let text = ucore::serial::ureq::get(format!("{}/metrics", self.url))
            .call()
            .ok()?
            .body_mut()
            .read_to_string()
            .ok()?;
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.stdin.take()); // asks for a graceful shutdown
        let _ = self.child.wait();
    }
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse().ok())
        .unwrap_or(100.0)
}

fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            let v = l.strip_prefix(field)?.strip_prefix(':')?;
            v.trim().trim_end_matches("kB").trim().parse().ok()
        })
        .unwrap_or(0)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// A new store directory in `parent` (the system's temporary directory by default).
fn store_dir(parent: Option<&Path>) -> Result<tempfile::TempDir, std::io::Error> {
    match parent {
        Some(p) => tempfile::Builder::new().prefix("store-load").tempdir_in(p),
        None => tempfile::Builder::new().prefix("store-load").tempdir(),
    }
}

// ---- sessions ----------------------------------------------------------------------------

fn sessions(devices: usize) -> Result<(), Box<dyn std::error::Error>> {
    let dir = store_dir(None)?;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(fixture::open(dir.path(), "http://127.0.0.1:1"));
    let server = Server::start(dir.path())?;
    eprintln!("store at {}; signing {devices} serials", server.url);
    let model = fixture::model();
    let keys = fixture::device_keys();
    let mut clients = Vec::with_capacity(devices);
    for n in 0..devices {
        let key = Arc::clone(&keys[n % keys.len()]);
        let serial = fixture::serial(&format!("load-{n}"), &key);
        let device = DeviceIdentity::new(model.clone(), serial, key)?;
        clients.push(
            StoreClient::builder(Config::parse(&server.url)?)
                .device(device)
                .build()?,
        );
    }
    let opened_before = server.metric("ucore_store_sessions_opened_total");
    let cpu_before = server.cpu();
    let start = Instant::now();
    let results = rt.block_on(async {
        let tasks: Vec<_> = clients
            .into_iter()
            .map(|c| {
                tokio::spawn(async move {
                    let r = c.ensure_session().await;
                    (start.elapsed(), r)
                })
            })
            .collect();
        let mut out = Vec::with_capacity(tasks.len());
        for t in tasks {
            out.push(t.await);
        }
        out
    });
    let wall = start.elapsed();
    let cpu = server.cpu() - cpu_before;
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for r in results {
        match r {
            Ok((t, Ok(Some(_)))) => latencies.push(t),
            Ok((_, Ok(None))) => failures.push("no session".to_string()),
            Ok((_, Err(e))) => failures.push(e.to_string()),
            Err(e) => failures.push(e.to_string()),
        }
    }
    latencies.sort();
    let pick = |q: f64| {
        let i = ((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1);
        latencies.get(i).copied().unwrap_or_default()
    };
    let opened = server.metric("ucore_store_sessions_opened_total");
    println!(
        "| devices | opened | failed | p50 | p99 | max | wall | server CPU per session | server's opened-sessions counter | server VmHWM |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {devices} | {} | {} | {} | {} | {} | {} | {} | {} | {} MiB |",
        latencies.len(),
        failures.len(),
        ms(pick(0.5)),
        ms(pick(0.99)),
        ms(pick(1.0)),
        ms(wall),
        ms(cpu / u32::try_from(devices.max(1)).unwrap_or(u32::MAX)),
        match (opened_before, opened) {
            (Some(a), Some(b)) => format!("{}", b - a),
            _ => "?".into(),
        },
        server.memory_kib("VmHWM") / 1024,
    );
    for f in failures.iter().take(5) {
        println!("failure: {f}");
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{} sessions failed", failures.len()).into())
    }
}

// ---- download ----------------------------------------------------------------------------

/// MB/s (10^6 bytes) of `bytes` in `d`.
fn mbps(bytes: u64, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

/// Drops the file's pages from the page cache (written back first: only clean pages
/// go; nothing else is touched).
fn drop_cached(path: &Path) -> std::io::Result<()> {
    let f = std::fs::File::open(path)?;
    f.sync_all()?;
    rustix::fs::fadvise(&f, 0, None, rustix::fs::Advice::DontNeed)?;
    Ok(())
}

/// Reads `path` sequentially in 1 MiB reads (hashing with SHA3-384 when `hash`);
/// the time taken.
fn read_file(path: &Path, hash: bool) -> std::io::Result<Duration> {
    let start = Instant::now();
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut h = Sha3_384::new();
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        if hash {
            h.update(&buf[..n]);
        }
    }
    std::hint::black_box(h.finalize());
    Ok(start.elapsed())
}

/// SHA3-384 of this CPU, in memory: MB/s over 256 MiB.
fn sha3_speed() -> f64 {
    let buf = vec![0x5au8; 1 << 20];
    let start = Instant::now();
    let mut h = Sha3_384::new();
    for _ in 0..256 {
        h.update(&buf);
    }
    std::hint::black_box(h.finalize());
    mbps(256 << 20, start.elapsed())
}

/// What the server's memory did during one download (KiB).
struct Rss {
    before: u64,
    peak: u64,
    after: u64,
}

fn download(
    size: u64,
    parent: Option<PathBuf>,
    dest: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let dir = store_dir(parent.as_deref())?;
    let rt = tokio::runtime::Runtime::new()?;
    eprintln!(
        "writing a {} MiB snap in {}",
        size >> 20,
        dir.path().display()
    );
    let blob = rt.block_on(async {
        let store = fixture::open(dir.path(), "http://127.0.0.1:1").await;
        let digest = fixture::add_big_snap(&store, "bench-big", size).await;
        store.blobs.path(&digest)
    })?;
    let server = Server::start(dir.path())?;
    let client = StoreClient::new(Config::parse(&server.url)?)?;
    let target = dest.join(format!("store-load-{}.snap", std::process::id()));

    let sha3 = sha3_speed();
    println!("SHA3-384 in memory (this CPU, one core): {sha3:.0} MB/s");
    println!("| run | what | MB/s | server RSS before / peak / after |");
    println!("|---|---|---|---|");
    for cold in [true, false] {
        let label = if cold { "cold" } else { "warm" };
        for hash in [false, true] {
            if cold {
                drop_cached(&blob)?;
            }
            let t = read_file(&blob, hash)?;
            let what = if hash {
                "disk read + SHA3-384"
            } else {
                "disk read"
            };
            println!("| {label} | {what} | {:.0} | |", mbps(size, t));
        }
        if cold {
            drop_cached(&blob)?;
        }
        let (t, rss) = timed_download(&rt, &client, &server, &target)?;
        let _ = std::fs::remove_file(&target);
        println!(
            "| {label} | download (ucore-store-client, SHA3-384 checked) | {:.0} | {} / {} / {} MiB |",
            mbps(size, t),
            rss.before / 1024,
            rss.peak / 1024,
            rss.after / 1024
        );
    }
    println!(
        "server VmHWM after both downloads: {} MiB",
        server.memory_kib("VmHWM") / 1024
    );
    Ok(())
}

/// One download of `bench-big` to `target`, with the server's RSS sampled every 10 ms.
fn timed_download(
    rt: &tokio::runtime::Runtime,
    client: &StoreClient,
    server: &Server,
    target: &Path,
) -> Result<(Duration, Rss), Box<dyn std::error::Error>> {
    let pid = server.child.id();
    let before = server.memory_kib("VmRSS");
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(status_kib(pid, "VmRSS"));
                std::thread::sleep(Duration::from_millis(10));
            }
            peak
        })
    };
    let start = Instant::now();
    let result = rt.block_on(async {
        let action = client
            .download_action("bench-big", Some("stable"), None)
            .await?;
        let snap = action.snap.ok_or("a download result without a snap")?;
        client
            .download(
                &snap.name,
                &snap.download,
                target,
                &DownloadOptions::default(),
                None,
            )
            .await?;
        Ok::<_, Box<dyn std::error::Error>>(())
    });
    let took = start.elapsed();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.join().map_err(|_| "the RSS sampler panicked")?;
    result?;
    let after = server.memory_kib("VmRSS");
    Ok((
        took,
        Rss {
            before,
            peak: peak.max(before).max(after),
            after,
        },
    ))
}
