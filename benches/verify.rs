//! Verification and signing speed (ucore-signing): decode + `Database::check` of the
//! self-made model chain (2048-bit key) and of Canonical's root account-key (RSA-8192,
//! self-signed), with the ring and the rsa backends; RSA-4096 signatures per second.
//!
//! `cargo bench --bench verify`. The oracle (snapd 2.57's own code built as a command) times
//! the same inputs with `snapd-oracle bench-verify`; `docs/perf/README.md` says where the
//! figures measured so far are kept.
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ucore::assertions::{
    Assertion, AssertionAccess, AssertionBuilder, AssertionType, Decoder, decode_slice,
};
use ucore::signing::{CheckTime, Database, RsaBackend, RsaPrivateKey, Signer};

fn data(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

fn decode_all(bytes: &[u8]) -> Vec<Assertion> {
    Decoder::new(bytes)
        .map(|a| a.expect("valid assertion"))
        .collect()
}

/// Decodes (zero-copy, in memory) and checks every assertion of `bytes`, as the
/// `assertions bench-verify` example does.
fn check_all(db: &Database, bytes: &[u8]) {
    for a in decode_slice(bytes) {
        db.check(&a.expect("decodes")).expect("verifies");
    }
}

fn selfmade_db() -> Database {
    let db = Database::with_trusted(decode_all(&data(
        "tests/data/assertions/selfmade/trusted.stream",
    )))
    .expect("trusted roots");
    db.set_check_time(CheckTime::Fixed(
        "2017-01-01T00:00:00Z".parse().expect("time"),
    ));
    for a in decode_all(&data("tests/data/assertions/selfmade/acme-prereqs.stream")) {
        db.add(a).expect("prerequisite");
    }
    db
}

fn verify(c: &mut Criterion) {
    let model = data("tests/data/assertions/selfmade/model.assert");
    let root_key = data("tests/data/assertions/trust/canonical-root-account-key.assert");
    let selfmade = selfmade_db();
    let sysdb = Database::with_canonical_roots().expect("sysdb");
    let mut g = c.benchmark_group("decode+check");
    for (name, backend) in [("ring", RsaBackend::Ring), ("rsa", RsaBackend::RustCrypto)] {
        selfmade.set_rsa_backend(backend);
        sysdb.set_rsa_backend(backend);
        g.throughput(Throughput::Bytes(model.len() as u64));
        g.bench_function(format!("selfmade-model/{name}"), |b| {
            b.iter(|| check_all(&selfmade, black_box(&model)))
        });
        g.throughput(Throughput::Bytes(root_key.len() as u64));
        g.bench_function(format!("canonical-root-account-key/{name}"), |b| {
            b.iter(|| check_all(&sysdb, black_box(&root_key)))
        });
    }
    g.finish();
}

fn sign(c: &mut Criterion) {
    let key = RsaPrivateKey::from_pem(
        &String::from_utf8(data("test-support/keys/test-only-root.pem")).expect("utf-8"),
    )
    .expect("test key");
    let builder = AssertionBuilder::new(AssertionType::Account)
        .header("authority-id", "testroot")
        .header("account-id", "acme")
        .header("display-name", "ACME")
        .header("validation", "unproven")
        .header("timestamp", "2016-12-01T12:00:00Z");
    let content = builder.content(key.key_id()).expect("content");
    let mut g = c.benchmark_group("rsa-4096-sign");
    g.throughput(Throughput::Elements(1));
    for (name, backend) in [("ring", RsaBackend::Ring), ("rsa", RsaBackend::RustCrypto)] {
        g.bench_function(name, |b| {
            b.iter(|| {
                key.sign_sha512_with(backend, black_box(&content))
                    .expect("sign")
            })
        });
    }
    g.bench_function("assertion", |b| {
        b.iter(|| {
            ucore::signing::sign_assertion_at(
                black_box(&builder),
                &key as &dyn Signer,
                ucore::assertions::Timestamp::from_openpgp_time(1_480_593_600),
            )
        })
    });
    g.finish();
}

/// RSA verification alone (PKCS#1 v1.5 over the signed data, signature packet already
/// decoded): the floor under `decode+check`, since the oracle's `bench-verify` does the same
/// RSA operation. Oracle `bench-verify` time / this time bounds the ratio any decoder could
/// reach on these inputs.
fn rsa_verify_only(c: &mut Criterion) {
    use ucore::assertions::openpgp::decode_signature;
    use ucore::signing::RsaPublicKey;
    let cases = [
        (
            "selfmade-model-2048",
            data("tests/data/assertions/selfmade/model.assert"),
            data("tests/data/assertions/selfmade/acme-account-key.assert"),
        ),
        (
            "canonical-root-account-key-8192",
            data("tests/data/assertions/trust/canonical-root-account-key.assert"),
            data("tests/data/assertions/trust/canonical-root-account-key.assert"),
        ),
    ];
    let mut g = c.benchmark_group("rsa-verify-only");
    for (name, signed, signer) in cases {
        let signed = Assertion::decode(&signed).expect("signed assertion");
        let signer = Assertion::decode(&signer).expect("account-key");
        let key = RsaPublicKey::from_snapd_text(signer.body().expect("key body").as_bytes())
            .expect("public key");
        let sig = decode_signature(signed.signature()).expect("signature packet");
        let mut message = signed.content().to_vec();
        message.extend_from_slice(&sig.hashed_trailer().expect("trailer"));
        let mpi = sig.signature_mpi().expect("mpi").bytes().to_vec();
        for (backend_name, backend) in [("ring", RsaBackend::Ring), ("rsa", RsaBackend::RustCrypto)]
        {
            key.verify_with(backend, sig.hash_algorithm(), &message, &mpi)
                .expect("verifies");
            g.bench_function(format!("{name}/{backend_name}"), |b| {
                b.iter(|| {
                    key.verify_with(backend, sig.hash_algorithm(), black_box(&message), &mpi)
                        .expect("verifies")
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, verify, rsa_verify_only, sign);
criterion_main!(benches);
