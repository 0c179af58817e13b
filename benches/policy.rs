//! The rule compiler's speed: decoding (with its rule compilation) snapd's real
//! base-declaration (31 plug rules, 177 slot rules) and a self-made snap-declaration using
//! every constraint key, beside the oracle's `bench` (snapd's decoder, which compiles the
//! same rules) on the same file in the same run.
//!
//! `cargo bench --bench policy`; `UCORE_ORACLE=/tmp/snapd-oracle cargo bench --bench policy`
//! also generates the base-declaration (`policy base-declaration --sign`: snapd's text is
//! GPL-3 policy data, so it is not committed), benchmarks it and prints the ratio against
//! the oracle.
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group};
use ucore::assertions::AssertionRef;
use ucore::assertions::types::{BaseDeclaration, SnapDeclaration};

const EVERY_KEY: &str = "assertions/tests/data/policy/every-plug-key.assert";

fn repo_path(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// snapd's base-declaration signed by the test-only acme key, from the oracle (in a
/// temporary directory that lives as long as the returned guard).
fn base_declaration(oracle: &Path) -> (tempfile::TempDir, PathBuf, Vec<u8>) {
    let out = Command::new(oracle)
        .args([
            "--sig-time=1480593600",
            "policy",
            "base-declaration",
            "--sign",
        ])
        .arg(repo_path("test-support/keys/test-only-acme.pem"))
        .output()
        .expect("running the oracle");
    assert!(out.status.success(), "oracle: {out:?}");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("base-declaration.assert");
    std::fs::write(&path, &out.stdout).expect("write");
    (dir, path, out.stdout)
}

/// Decoding, which compiles the rules (the type check builds the view and drops it): what
/// the oracle's `bench` times.
fn decode(bytes: &[u8]) -> usize {
    AssertionRef::decode(bytes)
        .expect("decodes")
        .headers()
        .len()
}

/// Decoding, then reading the typed view (the rules compiled a second time).
fn decode_base_view(bytes: &[u8]) -> usize {
    let a = AssertionRef::decode(bytes).expect("decodes");
    let d = BaseDeclaration::try_from(&a).expect("base-declaration");
    d.plugs.len() + d.slots.len()
}

fn decode_snap_view(bytes: &[u8]) -> usize {
    let a = AssertionRef::decode(bytes).expect("decodes");
    let d = SnapDeclaration::try_from(&a).expect("snap-declaration");
    d.plugs.len() + d.slots.len()
}

fn oracle() -> Option<PathBuf> {
    std::env::var_os("UCORE_ORACLE")
        .filter(|o| !o.is_empty())
        .map(PathBuf::from)
}

fn compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("policy");
    let every = std::fs::read(repo_path(EVERY_KEY)).expect("every-plug-key.assert");
    group.throughput(Throughput::Bytes(every.len() as u64));
    group.bench_function("decode+compile/every-plug-key", |b| {
        b.iter(|| decode(black_box(&every)))
    });
    group.bench_function("decode+compile+view/every-plug-key", |b| {
        b.iter(|| decode_snap_view(black_box(&every)))
    });
    if let Some(oracle) = oracle() {
        let (_dir, _path, base) = base_declaration(&oracle);
        assert_eq!(decode_base_view(&base), 208);
        group.throughput(Throughput::Bytes(base.len() as u64));
        group.bench_function("decode+compile/base-declaration", |b| {
            b.iter(|| decode(black_box(&base)))
        });
        group.bench_function("decode+compile+view/base-declaration", |b| {
            b.iter(|| decode_base_view(black_box(&base)))
        });
    } else {
        eprintln!("UCORE_ORACLE unset: no base-declaration benchmark (it comes from the oracle)");
    }
    group.finish();
}

/// The oracle's decode of `path` (its `bench` command), per assertion.
fn oracle_bench(oracle: &Path, path: &Path, n: u32) -> Duration {
    let out = Command::new(oracle)
        .arg("bench")
        .arg(path)
        .arg(n.to_string())
        .output()
        .expect("running the oracle");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("bench JSON");
    Duration::from_nanos(v["ns_per_op"].as_f64().unwrap_or(0.0) as u64)
}

/// The median of `runs` timings of `f`, each the mean over `iters` calls.
fn ours_median(runs: usize, iters: u32, f: impl Fn() -> usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(f());
            }
            start.elapsed() / iters
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// With `UCORE_ORACLE`: the oracle's decode+compile against ours, alternating runs.
fn ratio() {
    let Some(oracle) = oracle() else {
        eprintln!("UCORE_ORACLE unset: no ratio against the oracle");
        return;
    };
    let (_dir, base_path, base) = base_declaration(&oracle);
    let every_path = repo_path(EVERY_KEY);
    let every = std::fs::read(&every_path).expect("every-plug-key.assert");
    let runs = 11;
    let us = |d: Duration| format!("{:.1} µs", d.as_secs_f64() * 1e6);
    println!("\npolicy: decode + rule compilation (medians of {runs} alternating runs)");
    for (name, path, ours) in [
        (
            "snapd's base-declaration",
            &base_path,
            Box::new(|| decode(&base)) as Box<dyn Fn() -> usize>,
        ),
        (
            "every-plug-key snap-declaration",
            &every_path,
            Box::new(|| decode(&every)),
        ),
    ] {
        let (mut theirs, mut mine) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            theirs.push(oracle_bench(&oracle, path, 200));
            mine.push(ours_median(1, 200, &ours));
        }
        let (theirs, mine) = (median(theirs), median(mine));
        println!(
            "  {name}: oracle {}, ucore {}, ratio {:.1}×",
            us(theirs),
            us(mine),
            theirs.as_secs_f64() / mine.as_secs_f64()
        );
    }
}

criterion_group!(benches, compile);

fn main() {
    benches();
    ratio();
    Criterion::default().configure_from_args().final_summary();
}
