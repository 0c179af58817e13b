//! The examples' shared module (the oracle's command shapes over this crate's API), tested
//! on the selfmade chain.

#[path = "../../examples/common/mod.rs"]
mod shapes;

use shapes::{Trust, bench_verify, sign, verify};
use ucore_test_support::repo;

fn read(p: &str) -> Vec<u8> {
    std::fs::read(repo().join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

const SELF: &str = "tests/data/assertions/selfmade";

#[test]
fn sign_matches_the_oracle_example() {
    let key = String::from_utf8(read("test-support/keys/test-only-acme.pem")).unwrap();
    let json = String::from_utf8(read(&format!("{SELF}/model.json"))).unwrap();
    let out = sign("model", &key, &json, None, Some(1_480_593_600)).unwrap();
    assert_eq!(out, read(&format!("{SELF}/model.assert")));
    let wrong = sign("account", &key, &json, None, Some(1)).unwrap_err();
    assert_eq!(
        wrong.to_string(),
        "invalid headers JSON: \"type\" is \"model\", expected \"account\""
    );
}

#[test]
fn verify_and_bench() {
    let now = Some("2017-01-01T00:00:00Z".parse().unwrap());
    let trusted = read(&format!("{SELF}/trusted.stream"));
    let prereqs = read(&format!("{SELF}/acme-prereqs.stream"));
    let model = read(&format!("{SELF}/model.assert"));
    let mut input = prereqs.clone();
    input.extend_from_slice(&model);
    let out = verify(Trust::Stream(&trusted), &input, now).unwrap();
    assert_eq!(out.len(), 3);
    assert!(out.iter().all(|o| o.ok));
    let r = bench_verify(Trust::Stream(&trusted), &model, 2, Some(&prereqs), now).unwrap();
    assert_eq!((r.iterations, r.assertions), (2, 1));
    let sysdb = verify(Trust::Sysdb, &model, now).unwrap();
    assert!(
        sysdb[0]
            .error
            .as_deref()
            .unwrap_or_default()
            .starts_with("no matching public key")
    );
}
