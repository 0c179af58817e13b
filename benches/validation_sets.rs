//! Validation sets on a device: 500 installed snaps checked against 20 enforced sets (each
//! 25–50 snaps of a pool of 500, overlapping, every tenth snap pinned, a few invalid), as
//! snapd's `asserts/snapasserts` does it before a refresh.
//!
//! * `check`: decode the stream of 20 signed sets + `add` + `conflict` + `check_installed`;
//! * `check_and_queries`: the same plus, for every snap the sets name, the presence queries
//!   (`check_presence_required`, `check_presence_invalid`) — everything the oracle's
//!   `validation-sets --installed` runs;
//! * with `UCORE_ORACLE` set, that oracle command on the same files as a process, and on a
//!   one-set one-snap stream as its start-up baseline, and on a ×10 workload (200 sets,
//!   5000 snaps); then the ratios: raw, start-up subtracted, and against the oracle's work
//!   per workload amortised over the ×10 run, (T×10 − T×1) / 9 (the steadiest).
//!
//! `cargo bench --bench validation_sets`; `UCORE_ORACLE=/tmp/snapd-oracle cargo bench
//! --bench validation_sets` for the ratio. Figures: `docs/perf/validation-sets.md`.
use std::collections::BTreeSet;
use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use serde_json::json;
use ucore::assertions::decode_slice;
use ucore::assertions::types::ValidationSet;
use ucore::assertions::validation_sets::{InstalledSnap, ValidationSets};

#[allow(dead_code)] // the bench uses the case files, not the proptest strategies
#[path = "../tests/validation_sets/cases.rs"]
mod cases;

use cases::{Entry, Installed, Set, snap_id, stream};

const POOL: usize = 500;
const SETS: usize = 20;

fn name(i: usize) -> String {
    format!("snap-{i:03}")
}

/// Every tenth snap is pinned (the same revision in every set naming it: no conflict).
fn pinned(i: usize) -> Option<u32> {
    i.is_multiple_of(10).then_some((i % 4) as u32 + 1)
}

/// A few snaps are invalid in every set naming them.
fn invalid(i: usize) -> bool {
    i % 97 == 5
}

/// Set `s` names 25–50 consecutive snaps of the pool from `s * 25` (wrapping): neighbours
/// overlap, and the 20 sets cover the pool.
fn sets() -> Vec<Set> {
    sets_of(SETS, POOL)
}

/// `count` sets over a pool of `pool` snaps, as [`sets`] (the ×10 workload: 200 sets, 5000).
fn sets_of(count: usize, pool: usize) -> Vec<Set> {
    (0..count)
        .map(|s| {
            let count = 25 + (s * 7) % 26;
            let snaps = (0..count)
                .map(|k| {
                    let i = (s * 25 + k) % pool;
                    let presence = if invalid(i) {
                        Some("invalid")
                    } else if i.is_multiple_of(3) {
                        Some("optional")
                    } else {
                        None
                    };
                    Entry {
                        name: name(i),
                        id: snap_id(&format!("id{i:03}")),
                        presence: presence.map(str::to_string),
                        revision: if invalid(i) { None } else { pinned(i) },
                    }
                })
                .collect();
            Set {
                account: "acme".into(),
                name: format!("set-{s:02}"),
                sequence: 1,
                snaps,
            }
        })
        .collect()
}

/// All 500 snaps but the six invalid ones, at their pinned revision (else 1); five pinned snaps
/// at another revision, so the check reports them as a device out of step would.
fn installed() -> Vec<Installed> {
    installed_of(POOL)
}

/// [`installed`] over a pool of `pool` snaps.
fn installed_of(pool: usize) -> Vec<Installed> {
    (0..pool)
        .filter(|&i| !invalid(i))
        .map(|i| {
            let wrong = i % 100 == 50;
            let revision = pinned(i).map_or(1, |r| if wrong { r + 1 } else { r });
            Installed {
                name: name(i),
                snap_id: snap_id(&format!("id{i:03}")),
                revision: json!(revision),
            }
        })
        .collect()
}

/// Decode + add + conflict + check_installed (+ the presence queries); returns whether the
/// installed snaps met the sets.
fn check(stream: &[u8], installed: &[InstalledSnap], queries: bool) -> bool {
    let mut sets = ValidationSets::new();
    let mut decoder = decode_slice(stream);
    let mut assertions = Vec::new();
    while let Some(a) = decoder.decode().expect("the bench stream decodes") {
        assertions.push(a);
    }
    let mut seen: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut refs: Vec<(&str, &str)> = Vec::new();
    for a in &assertions {
        let vs = ValidationSet::from_assertion(a).expect("a validation set");
        sets.add(&vs).expect("20 distinct sets");
        if queries {
            for s in &vs.snaps {
                if seen.insert((s.name, s.snap_id)) {
                    refs.push((s.name, s.snap_id));
                }
            }
        }
    }
    sets.conflict().expect("the bench sets agree");
    let ok = sets.check_installed(installed, &BTreeSet::new()).is_ok();
    for (name, id) in refs {
        let _ = black_box(sets.check_presence_required(name, id));
        let _ = black_box(sets.check_presence_invalid(name, id));
    }
    ok
}

struct Files {
    dir: tempfile::TempDir,
    stream: Vec<u8>,
    installed: Vec<InstalledSnap>,
}

fn files() -> Files {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let stream = stream(&sets());
    let installed_json = cases::installed_json(&installed());
    std::fs::write(dir.path().join("sets.assert"), &stream).expect("writing the stream");
    std::fs::write(dir.path().join("installed.json"), &installed_json).expect("writing");
    // the baseline: one set of one snap, that snap installed
    let one = Set {
        account: "acme".into(),
        name: "one".into(),
        sequence: 1,
        snaps: vec![Entry {
            name: name(1),
            id: snap_id("id001"),
            presence: None,
            revision: None,
        }],
    };
    std::fs::write(dir.path().join("one.assert"), cases::stream(&[one])).expect("writing");
    let one_installed = cases::installed_json(&installed()[1..2]);
    std::fs::write(dir.path().join("one.json"), one_installed).expect("writing");
    // ×10: 200 sets over 5000 snaps, to measure the oracle's work with its start-up
    // amortised: (T×10 − T×1) / 9.
    std::fs::write(
        dir.path().join("sets10.assert"),
        cases::stream(&sets_of(SETS * 10, POOL * 10)),
    )
    .expect("writing");
    std::fs::write(
        dir.path().join("installed10.json"),
        cases::installed_json(&installed_of(POOL * 10)),
    )
    .expect("writing");
    let installed = serde_json::from_str(&installed_json).expect("installed snaps");
    Files {
        dir,
        stream,
        installed,
    }
}

fn ours(c: &mut Criterion) {
    let f = files();
    assert!(
        !check(&f.stream, &f.installed, true),
        "five snaps are at the wrong revision"
    );
    let mut g = c.benchmark_group("validation_sets");
    // the stages: decoding the 20 signed sets (with their type checks) and reading them
    g.bench_function("decode", |b| {
        b.iter(|| {
            let mut decoder = decode_slice(black_box(&f.stream));
            let mut n = 0;
            while let Some(a) = decoder.decode().expect("decodes") {
                n += ValidationSet::from_assertion(&a)
                    .expect("a set")
                    .snaps
                    .len();
            }
            n
        })
    });
    let assertions: Vec<_> = {
        let mut decoder = decode_slice(&f.stream);
        std::iter::from_fn(|| decoder.decode().expect("decodes")).collect()
    };
    let typed: Vec<ValidationSet<'_>> = assertions
        .iter()
        .map(|a| ValidationSet::from_assertion(a).expect("a set"))
        .collect();
    g.bench_function("decode_untyped", |b| {
        b.iter(|| {
            let mut decoder = decode_slice(black_box(&f.stream));
            let mut n = 0;
            while let Some(a) = decoder.decode().expect("decodes") {
                n += a.content().len();
            }
            n
        })
    });
    g.bench_function("add_conflict", |b| {
        b.iter(|| {
            let mut sets = ValidationSets::new();
            for vs in &typed {
                sets.add(black_box(vs)).expect("distinct sets");
            }
            sets.conflict().expect("no conflict");
            sets
        })
    });
    let mut sets = ValidationSets::new();
    for vs in &typed {
        sets.add(vs).expect("distinct sets");
    }
    g.bench_function("check_installed", |b| {
        b.iter(|| {
            sets.check_installed(black_box(&f.installed), &BTreeSet::new())
                .is_ok()
        })
    });
    g.bench_function("check", |b| {
        b.iter(|| check(black_box(&f.stream), &f.installed, false))
    });
    g.bench_function("check_and_queries", |b| {
        b.iter(|| check(black_box(&f.stream), &f.installed, true))
    });
    g.finish();
}

/// The wall time of one `oracle validation-sets --installed I S` process in `dir`.
fn oracle_run(oracle: &Path, dir: &Path, installed: &str, stream: &str) -> Duration {
    let start = Instant::now();
    let out = Command::new(oracle)
        .args(["validation-sets", "--installed", installed, stream])
        .current_dir(dir)
        .output()
        .expect("running the oracle");
    let took = start.elapsed();
    assert!(matches!(out.status.code(), Some(0 | 1)), "oracle: {out:?}");
    took
}

/// The oracle's in-process decode of `stream` (its `bench` command: snapd's decoder over
/// the stream `n` times), per stream.
fn oracle_decode(oracle: &Path, dir: &Path, stream: &str, n: u32) -> Duration {
    let out = Command::new(oracle)
        .args(["bench", stream, &n.to_string()])
        .current_dir(dir)
        .output()
        .expect("running the oracle");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("bench JSON");
    Duration::from_nanos(v["ns_per_op"].as_f64().unwrap_or(0.0) as u64)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// The median of `runs` timings of ours, each the mean over `iters` calls.
fn ours_median(f: &Files, queries: bool, runs: usize, iters: u32) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(check(black_box(&f.stream), &f.installed, queries));
            }
            start.elapsed() / iters
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// With `UCORE_ORACLE`: the oracle's process against ours, printed as a table.
fn ratio() {
    let Some(oracle) = std::env::var_os("UCORE_ORACLE").filter(|o| !o.is_empty()) else {
        eprintln!("UCORE_ORACLE unset: no ratio against the oracle");
        return;
    };
    let oracle = Path::new(&oracle);
    let f = files();
    let runs = 41;
    // alternating, so that the machine's load drifts over both alike
    let (mut full, mut start_up, mut tenfold) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        tenfold.push(oracle_run(
            oracle,
            f.dir.path(),
            "installed10.json",
            "sets10.assert",
        ));
        full.push(oracle_run(
            oracle,
            f.dir.path(),
            "installed.json",
            "sets.assert",
        ));
        start_up.push(oracle_run(oracle, f.dir.path(), "one.json", "one.assert"));
    }
    let (full, start_up, tenfold) = (median(full), median(start_up), median(tenfold));
    let amortised = tenfold.saturating_sub(full) / 9;
    let go_decode = oracle_decode(oracle, f.dir.path(), "sets.assert", 300);
    let check = ours_median(&f, false, runs, 50);
    let queries = ours_median(&f, true, runs, 50);
    let us = |d: Duration| format!("{:.1} µs", d.as_secs_f64() * 1e6);
    let x = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    let work = full.saturating_sub(start_up);
    println!("\nvalidation sets: 500 installed snaps, 20 sets (medians of {runs} runs)");
    println!(
        "  oracle validation-sets --installed, process: {}",
        us(full)
    );
    println!(
        "  oracle on one set of one snap (start-up):     {}",
        us(start_up)
    );
    println!(
        "  oracle minus start-up:                        {}",
        us(work)
    );
    println!(
        "  oracle ×10 workload (200 sets, 5000 snaps):   {}",
        us(tenfold)
    );
    println!(
        "  oracle work per workload, (×10 − ×1) / 9:     {}",
        us(amortised)
    );
    println!(
        "  ucore check:                                  {}",
        us(check)
    );
    println!(
        "  ucore check + presence queries:               {}",
        us(queries)
    );
    println!(
        "  ratio (oracle process / ucore check + queries): {:.0}x raw, {:.0}x start-up subtracted",
        x(full, queries),
        x(work, queries)
    );
    println!(
        "  ratio (oracle work per workload (×10 − ×1) / 9 / ucore check + queries): {:.1}x",
        x(amortised, queries)
    );
    println!(
        "  ratio (snapd decode in process / ucore check + queries): {:.1}x",
        x(go_decode, queries)
    );
}

criterion_group!(benches, ours);

fn main() {
    benches();
    ratio();
    Criterion::default().configure_from_args().final_summary();
}
