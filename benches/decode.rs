//! Decoding speed: single assertions (`AssertionRef::decode`, zero-copy) and streams
//! (`Decoder`, owned assertions) over real data — the 128 Canonical models, the Canonical root
//! account-key (RSA-8192 body) and the self-made model the oracle's README quotes figures for.
//!
//! `cargo bench --bench decode`. For a ratio against snapd's own decoder measured in the same
//! run, use `benches/compare-oracle.sh` (it runs the oracle's `bench` beside the `assertions`
//! example's `bench` on the same files).
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ucore::assertions::{AssertionAccess, AssertionRef, Decoder};

fn data(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The 128 real models as one stream, separated by blank lines as snapd's encoder writes them.
fn models_stream() -> (Vec<u8>, usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/assertions/canonical-models");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    files.sort();
    let mut stream = Vec::new();
    for file in &files {
        let mut text = std::fs::read(file).expect("model file");
        while text.last() == Some(&b'\n') {
            text.pop();
        }
        if !stream.is_empty() {
            stream.extend_from_slice(b"\n\n");
        }
        stream.extend_from_slice(&text);
    }
    stream.push(b'\n');
    (stream, files.len())
}

fn single(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    for (name, path) in [
        (
            "selfmade-model-696B",
            "tests/data/assertions/selfmade/model.assert",
        ),
        (
            "root-account-key-3141B",
            "tests/data/assertions/trust/canonical-root-account-key.assert",
        ),
        (
            "ubuntu-core-22-amd64",
            "tests/data/ubuntu-core-22-amd64.model",
        ),
    ] {
        let input = data(path);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let assertion = AssertionRef::decode(black_box(&input)).expect("decodes");
                black_box(assertion.headers().len())
            })
        });
    }
    group.finish();
}

fn stream(c: &mut Criterion) {
    let (input, count) = models_stream();
    let mut group = c.benchmark_group("stream");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function(format!("canonical-models-{count}"), |b| {
        b.iter(|| {
            let decoded = Decoder::new(black_box(input.as_slice()))
                .map(|a| a.expect("decodes"))
                .count();
            assert_eq!(decoded, count);
        })
    });
    group.finish();
}

criterion_group!(benches, single, stream);
criterion_main!(benches);
