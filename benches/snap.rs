//! snap files: reading and validating snap.yaml (`Info::from_yaml` + `validate`) on the
//! oracle's selftest files and the largest accepted real one; digesting a 100 MB snap
//! (`snap_file_digest`, streaming from the page cache) against a plain SHA3-384 over the
//! same bytes in memory; opening a packed test snap and reading its `meta/snap.yaml`.
//!
//! `cargo bench --bench snap`. Figures and the comparison with snapd's own snap.yaml
//! reading are in `docs/perf/snap.md`.
use std::hint::black_box;
use std::io::Write;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sha3::{Digest, Sha3_384};
use ucore::snap::Info;
use ucore::snap::digest::snap_file_digest;
use ucore::snap::squashfs::Squashfs;

/// The size of the digested file: issue 15's "100 MB snap".
const DIGEST_BYTES: usize = 100_000_000;

fn data(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

fn snap_yaml(c: &mut Criterion) {
    let mut group = c.benchmark_group("snap_yaml");
    for name in ["app", "core", "large"] {
        let text = data(&format!("snap/tests/data/bench/{name}.yaml"));
        let info = Info::from_yaml(&text).expect("the bench files read");
        info.validate().expect("the bench files validate");
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let info = Info::from_yaml(black_box(&text)).expect("reads");
                info.validate().expect("validates");
                info
            })
        });
    }
    group.finish();
}

/// Bytes that do not compress or repeat (xorshift64*; the digest's speed does not depend on
/// them, but a file of zeros could be stored sparsely).
fn noise(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        out.extend_from_slice(&state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    out.truncate(len);
    out
}

fn snap_digest(c: &mut Criterion) {
    let bytes = noise(DIGEST_BYTES);
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("big.snap");
    let mut file = std::fs::File::create(&path).expect("create the 100 MB file");
    file.write_all(&bytes).expect("write the 100 MB file");
    file.sync_all().expect("sync");
    drop(file);
    let expected = Sha3_384::digest(&bytes);
    let streamed = snap_file_digest(&path).expect("digest");
    assert_eq!(streamed.size, DIGEST_BYTES as u64);
    assert_eq!(streamed.sha3_384[..], expected[..]);

    let mut group = c.benchmark_group("snap_digest");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(DIGEST_BYTES as u64));
    group.bench_function("snap_file_digest_100MB", |b| {
        b.iter(|| snap_file_digest(black_box(&path)).expect("digest"))
    });
    group.bench_function("sha3_384_in_memory_100MB", |b| {
        b.iter(|| Sha3_384::digest(black_box(&bytes)))
    });
    group.finish();
}

fn squashfs(c: &mut Criterion) {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("snap/tests/data/files/sample_1.0_amd64.snap");
    let mut group = c.benchmark_group("squashfs");
    group.bench_function("open_read_snap_yaml", |b| {
        b.iter(|| {
            let sq = Squashfs::open(black_box(&path)).expect("open");
            sq.read_file("meta/snap.yaml", 1 << 20)
                .expect("meta/snap.yaml")
        })
    });
    group.finish();
}

criterion_group!(benches, snap_yaml, snap_digest, squashfs);
criterion_main!(benches);
