//! The image builder's seed step against snapd 2.57's `snap prepare-image`, on the same
//! model, snaps and store, measured in one run.
//!
//! The store is a ucore-store in process on 127.0.0.1 (`store/tests/common/ucore.rs`:
//! snapd's test root `testrootorg` as its authority, which the oracle's `snap` build
//! trusts, and the brand `developer1`), publishing the UC20 fixture model's five snaps
//! repacked around an incompressible payload ([`fixtures::prepare`]):
//! `UCORE_IMAGE_BENCH_MIB` MiB per unit (default 16: pc-kernel 4 units, core20 2, snapd
//! 1, pc20 and hello20 64 KiB; about 110 MiB in all).
//!
//! Both sides do the same work: resolve the snaps, download them, fetch and check their
//! assertions, write the seed (`system-seed/`), unpack the gadget and kernel and write the
//! boot files. `ucore-image` runs in process (`build` with `disk_images` off); `snap
//! prepare-image` is a process (`snapd-snap` next to the oracle, `UCORE_ORACLE`), whose
//! start-up (about 20 ms) is in its figures. Benchmarks:
//! * `snap-prepare-image/cold`, `ucore-image/cold`: the page cache dropped before each
//!   run (`/proc/sys/vm/drop_caches`, root only: skipped otherwise), a fresh output dir;
//! * `…/warm`: the same right after another run (files in the page cache);
//! * `ucore-image/warm-cache`: with `--cache` holding the snaps from an earlier run (no
//!   download; each file copied with its digest checked on the way).
//!
//! `cargo bench --bench image` (the oracle's part needs `UCORE_ORACLE`).

#[path = "image-store/fixtures.rs"]
mod fixtures;
mod fakestore {
    /// A free port on 127.0.0.1.
    pub fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port")
    }
}
#[path = "../store/tests/common/ucore.rs"]
#[allow(dead_code)]
mod ucore;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use ucore_image::options::{ImageOptions, SnapSource, ValidationMode};
use ucore_image::progress::NoProgress;

/// The system label of every run.
const LABEL: &str = "20261205";

struct Bench {
    store: ucore::UcoreStore,
    work: tempfile::TempDir,
    snap_cli: Option<PathBuf>,
    runtime: tokio::runtime::Runtime,
}

impl Bench {
    fn start() -> Bench {
        let work = tempfile::tempdir().expect("temporary directory");
        let mib = std::env::var("UCORE_IMAGE_BENCH_MIB")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(16);
        let total = fixtures::prepare(&work.path().join("fixtures"), mib);
        eprintln!(
            "image bench: the UC20 seed's snaps hold {:.1} MiB",
            total as f64 / 1048576.0
        );
        let store = ucore::UcoreStore::start();
        store.publish_fixtures();
        let snap_cli = ucore_test_support::oracle().and_then(|o| {
            let cli = o.parent()?.join("snapd-snap");
            cli.exists().then_some(cli)
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");
        Bench {
            store,
            work,
            snap_cli,
            runtime,
        }
    }

    fn out(&self) -> PathBuf {
        tempfile::tempdir_in(self.work.path())
            .expect("output dir")
            .keep()
    }

    fn ucore(&self, out: &Path, cache: Option<&Path>) {
        let auth = std::fs::read_to_string(self.store.credential_file()).expect("snap-auth");
        let mut options = ImageOptions::new(
            fixtures::read("uc20.model"),
            SnapSource::Store {
                url: self.store.url.clone(),
                auth: Some(auth),
            },
            out,
        );
        options.trusted = vec![fixtures::read("tk/testrootorg-trusted.stream")];
        options.label = Some(LABEL.into());
        options.validation = ValidationMode::Ignore;
        options.disk_images = false;
        options.cache = cache.map(Path::to_path_buf);
        self.runtime
            .block_on(ucore_image::build(&options, &NoProgress))
            .unwrap_or_else(|e| panic!("ucore-image: {e}"));
    }

    fn prepare_image(&self, cli: &Path, out: &Path) {
        let status = Command::new(cli)
            .args([
                "prepare-image",
                &fixtures::path("uc20.model").display().to_string(),
            ])
            .arg(out)
            .env("UBUNTU_STORE_URL", &self.store.url)
            .env(
                "UBUNTU_STORE_AUTH_DATA_FILENAME",
                self.store.credential_file(),
            )
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("snap prepare-image");
        assert!(status.success(), "snap prepare-image failed");
    }
}

/// Empties the page cache (root only); whether it could.
fn drop_caches() -> bool {
    // Dirty pages are written first: dropping the cache leaves them cached otherwise.
    let _ = Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3\n").is_ok()
}

/// Runs `f` `iters` times, each on a fresh output dir (after dropping the page cache when
/// `cold`), timing `f` alone.
fn timed(iters: u64, bench: &Bench, cold: bool, f: &dyn Fn(&Path)) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let out = bench.out();
        if cold {
            drop_caches();
        }
        let t = Instant::now();
        f(&out.join("prepared"));
        total += t.elapsed();
        let _ = std::fs::remove_dir_all(&out);
    }
    total
}

fn image(c: &mut Criterion) {
    let bench = Bench::start();
    let can_drop = drop_caches();
    if !can_drop {
        eprintln!("image bench: cannot write /proc/sys/vm/drop_caches (not root): no cold runs");
    }
    let cache = bench.work.path().join("cache");
    bench.ucore(&bench.out().join("prepared"), Some(&cache));

    let mut g = c.benchmark_group("image-uc20-seed");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for (temp, cold) in [("cold", true), ("warm", false)] {
        if cold && !can_drop {
            continue;
        }
        if let Some(cli) = &bench.snap_cli {
            g.bench_function(format!("snap-prepare-image/{temp}"), |b| {
                b.iter_custom(|n| timed(n, &bench, cold, &|out| bench.prepare_image(cli, out)))
            });
        }
        g.bench_function(format!("ucore-image/{temp}"), |b| {
            b.iter_custom(|n| timed(n, &bench, cold, &|out| bench.ucore(out, None)))
        });
    }
    g.bench_function("ucore-image/warm-cache", |b| {
        b.iter_custom(|n| timed(n, &bench, false, &|out| bench.ucore(out, Some(&cache))))
    });
    g.finish();
}

criterion_group!(benches, image);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
