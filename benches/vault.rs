//! Serial Vault signing cost. `raw` is one RSA-4096 PKCS#1 v1.5 SHA-512 signature plus one
//! verification with ucore-signing's default (ring) backend; `post_serial_sqlite` is one
//! full `POST /v1/serial` (HTTP, stream parse, self-signature verification, nonce,
//! database, serial signing, signing log) against an in-process vault on SQLite with a
//! 4096-bit brand key. The device side (request-id, serial-request signature with a
//! 2048-bit test device key) is done outside the timed section.
//!
//! `cargo bench --bench vault`

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use ucore::serial::keystore::KeyStore;
use ucore::serial::store::Store;
use ucore::serial::vault::{self, Vault};
use ucore::serial::{device, tokio, ureq};
use ucore::signing::{HashAlgorithm, RsaPrivateKey};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/serial/tests/data");

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DATA}/{name}")).unwrap()
}

fn bench(c: &mut Criterion) {
    let brand = RsaPrivateKey::from_pem(&read("test-only-root.pem")).unwrap();
    let device_key = RsaPrivateKey::from_pem(&read("test-only-device.pem")).unwrap();
    let model = ucore::assertions::Assertion::decode(read("model.assert").as_bytes()).unwrap();

    c.bench_function("raw_rsa4096_sign_plus_verify", |b| {
        b.iter(|| {
            let sig = brand
                .sign_sha512(b"serial content of a typical size .................")
                .unwrap();
            brand
                .public_key()
                .verify(
                    HashAlgorithm::Sha512,
                    b"serial content of a typical size .................",
                    &sig,
                )
                .unwrap();
        })
    });

    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = std::env::temp_dir().join(format!("ucore-vault-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let (running, api_key, v) = rt.block_on(async {
        let store = Store::open(&dir.join("vault.db").to_string_lossy())
            .await
            .unwrap();
        let v = Vault::new(
            store,
            KeyStore::new(b"bench master secret 0123".to_vec()).unwrap(),
            Default::default(),
        );
        v.add_key("acme", "serials", &brand, None, None)
            .await
            .unwrap();
        let m = v
            .add_model("acme", "acme-device-1", brand.key_id(), None)
            .await
            .unwrap();
        let r = vault::serve(v.clone(), "127.0.0.1:0".parse().unwrap(), None, false)
            .await
            .unwrap();
        (r, m.api_key, v)
    });
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = running.service_url();
    let mut counter = 0u64;
    c.bench_function("post_serial_sqlite", |b| {
        b.iter_custom(|iters| {
            let mut bodies = Vec::with_capacity(iters as usize);
            for _ in 0..iters {
                counter += 1;
                let id = rt.block_on(v.request_id(Some(&api_key))).unwrap();
                let req = device::build_serial_request(
                    &model,
                    &device_key,
                    &id,
                    Some(&format!("B-{counter}")),
                    None,
                )
                .unwrap();
                let mut s = ucore::assertions::AssertionAccess::encode(&req);
                s.push(b'\n');
                s.extend_from_slice(&ucore::assertions::AssertionAccess::encode(&model));
                bodies.push(s);
            }
            let start = Instant::now();
            for body in &bodies {
                let r = agent
                    .post(&format!("{url}serial"))
                    .header("api-key", &api_key)
                    .send(&body[..])
                    .unwrap();
                assert_eq!(r.status().as_u16(), 200);
                let _ = r.into_body().read_to_vec().unwrap();
            }
            start.elapsed()
        })
    });
    rt.block_on(running.shutdown());
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(8));
    targets = bench
}
criterion_main!(benches);
