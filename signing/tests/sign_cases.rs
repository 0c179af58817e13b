//! Byte-identical signatures against the oracle: every case of
//! `tests/golden/assertions/generated/sign-cases.jsonl` (written by snapd 2.57 through
//! `snapd-oracle sign --sig-time`) is re-signed here with the same key and creation time
//! and must give the same bytes; the oracle's output must also verify with our code (ring
//! and rsa backends).

use ucore_assertions::{Assertion, AssertionAccess};
use ucore_signing::{
    RsaBackend, RsaPrivateKey, builder_from_json, sign_assertion_at, verify_signature_with,
};
use ucore_test_support::repo;

#[test]
fn every_golden_sign_case_is_byte_identical() {
    let cases =
        std::fs::read_to_string(repo().join("tests/golden/assertions/generated/sign-cases.jsonl"))
            .unwrap();
    let mut keys = std::collections::HashMap::new();
    let mut n = 0;
    for line in cases.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let s = |k: &str| case[k].as_str().map(str::to_string);
        let key_path = s("key").unwrap();
        let key = keys.entry(key_path.clone()).or_insert_with(|| {
            RsaPrivateKey::from_pem(&std::fs::read_to_string(repo().join(&key_path)).unwrap())
                .unwrap()
        });
        let headers = std::fs::read_to_string(repo().join(s("headers_file").unwrap())).unwrap();
        let body = s("body_file").map(|b| std::fs::read(repo().join(b)).unwrap());
        let sig_time = u32::try_from(case["sig_time"].as_u64().unwrap()).unwrap();
        let expected = std::fs::read(repo().join(s("output").unwrap())).unwrap();
        let builder = builder_from_json(&headers, body).unwrap();
        let sig_time = ucore_assertions::Timestamp::from_openpgp_time(sig_time);
        let ours = sign_assertion_at(&builder, &*key, sig_time).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&ours.encode()),
            String::from_utf8_lossy(&expected),
            "case {line}"
        );
        let theirs = Assertion::decode(&expected).unwrap();
        for b in [RsaBackend::Ring, RsaBackend::RustCrypto] {
            verify_signature_with(b, &theirs, key.public_key()).unwrap();
        }
        n += 1;
    }
    assert!(n >= 72, "only {n} cases");
    println!("{n} sign cases byte-identical");
}
