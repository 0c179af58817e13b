//! Decoding speed: single assertions (`AssertionRef::decode`, zero-copy) and streams — in
//! memory (`decode_slice`, zero-copy, what the `assertions bench` example measures) and over a
//! reader (`Decoder`, owned assertions) — over real data — the Canonical models, the Canonical root
//! account-key (RSA-8192 body) and the self-made model that `benches/compare-oracle.sh` also times.
//!
//! `cargo bench --bench decode`. For a ratio against snapd's own decoder measured in the same
//! run, use `benches/compare-oracle.sh` (it runs the oracle's `bench` beside the `assertions`
//! example's `bench` on the same files).
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ucore::assertions::{AssertionRef, Decoder, decode_slice};

fn data(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The real models (the corpus's non-empty files) as one stream, separated by blank lines as snapd's encoder writes them.
fn models_stream() -> (Vec<u8>, usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/assertions/canonical-models");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    files.sort();
    let mut stream = Vec::new();
    let mut count = 0;
    for file in &files {
        let mut text = std::fs::read(file).expect("model file");
        while text.last() == Some(&b'\n') {
            text.pop();
        }
        if text.is_empty() {
            continue; // three of the corpus's files are empty
        }
        count += 1;
        if !stream.is_empty() {
            stream.extend_from_slice(b"\n\n");
        }
        stream.extend_from_slice(&text);
    }
    stream.push(b'\n');
    (stream, count)
}

/// How many assertions a stream holds; every one must decode.
fn decoded_count<A>(items: impl Iterator<Item = Result<A, ucore::assertions::Error>>) -> usize {
    let mut count = 0;
    for item in items {
        black_box(item.expect("decodes"));
        count += 1;
    }
    count
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
    group.bench_function(format!("in-memory/canonical-models-{count}"), |b| {
        b.iter(|| {
            let decoded = decoded_count(decode_slice(black_box(input.as_slice())));
            assert_eq!(decoded, count);
        })
    });
    group.bench_function(format!("reader/canonical-models-{count}"), |b| {
        b.iter(|| {
            let decoded = decoded_count(Decoder::new(black_box(input.as_slice())));
            assert_eq!(decoded, count);
        })
    });
    // A large stream: the models 20 times over (about 1.7 MB).
    let mut large = Vec::with_capacity(input.len() * 20 + 20);
    for _ in 0..20 {
        if !large.is_empty() {
            large.push(b'\n');
        }
        large.extend_from_slice(&input);
    }
    group.throughput(Throughput::Bytes(large.len() as u64));
    group.bench_function(format!("in-memory/large-{}", count * 20), |b| {
        b.iter(|| {
            let decoded = decoded_count(decode_slice(black_box(large.as_slice())));
            assert_eq!(decoded, count * 20);
        })
    });
    group.bench_function(format!("reader/large-{}", count * 20), |b| {
        b.iter(|| {
            let decoded = decoded_count(Decoder::new(black_box(large.as_slice())));
            assert_eq!(decoded, count * 20);
        })
    });
    group.finish();
}

criterion_group!(benches, single, stream);
criterion_main!(benches);
