//! Live differential tests against snapd's own code (`UCORE_ORACLE=/tmp/snapd-oracle`):
//! snapd verifies what we sign, and signs byte for byte what we sign, at times other than
//! the goldens'. Without `UCORE_ORACLE` they print a notice and pass (the goldens cover the
//! fixed cases), unless `UCORE_REQUIRE_ORACLE=1`.

// The oracle's `verify` lines, as the `assertions` example prints them.
#[path = "../../examples/common/mod.rs"]
mod shapes;

mod common;

use common::{acme, oracle, repo, root, run_oracle, sign, stream};
use ucore_assertions::AssertionAccess;
use ucore_signing::{CheckTime, Database};

#[test]
fn snapd_verifies_our_chain_and_agrees_with_our_database() {
    let Some(o) = oracle() else { return };
    let dir = tempfile::tempdir().unwrap();
    let now = ucore_assertions::Timestamp::now()
        .to_openpgp_time()
        .unwrap();
    let account = sign(
        root(),
        &serde_json::json!({"type":"account","authority-id":"testroot","account-id":"brand1","display-name":"Brand",
            "validation":"verified","timestamp":"2016-01-01T00:00:00Z"}),
        None,
        now,
    );
    let key = sign(
        root(),
        &serde_json::json!({"type":"account-key","authority-id":"testroot","account-id":"brand1","name":"models",
            "public-key-sha3-384":acme().key_id(),"since":"2016-01-01T00:00:00Z","until":"2040-01-01T00:00:00Z"}),
        Some(acme().public_key().to_snapd_text()),
        now,
    );
    let mut models = Vec::new();
    for (i, ts) in [
        "2016-12-01T12:00:00Z",
        "2015-01-01T00:00:00Z",
        "2030-05-05T05:05:05+02:00",
    ]
    .iter()
    .enumerate()
    {
        models.push(sign(
            acme(),
            &serde_json::json!({"type":"model","authority-id":"brand1","brand-id":"brand1","series":"16",
                "model":format!("m{i}"),"architecture":"amd64","gadget":"pc","kernel":"pc-kernel","timestamp":ts,
                "required-snaps":["a-snap","b-snap"]}),
            None,
            now - i as u32 * 1000,
        ));
    }
    let mut items = vec![&account, &key];
    items.extend(models.iter());
    let ours_stream = stream(&items);
    let path = dir.path().join("ours.stream");
    std::fs::write(&path, &ours_stream).unwrap();
    let trusted = repo().join("tests/data/assertions/selfmade/trusted.stream");
    let check_time = "2020-01-01T00:00:00Z";
    let theirs = run_oracle(
        &o,
        &[
            &format!("--now={check_time}"),
            "verify",
            trusted.to_str().unwrap(),
            path.to_str().unwrap(),
        ],
    );
    let roots = ucore_assertions::Decoder::new(&std::fs::read(&trusted).unwrap()[..])
        .map(Result::unwrap)
        .collect();
    let db = Database::with_trusted(roots).unwrap();
    db.set_check_time(CheckTime::Fixed(check_time.parse().unwrap()));
    let ours: Vec<serde_json::Value> = shapes::verify_stream(&db, &ours_stream)
        .iter()
        .map(|x| serde_json::to_value(x).unwrap())
        .collect();
    let theirs: Vec<serde_json::Value> = theirs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(ours, theirs);
    // the chain itself and the model inside the key's validity are accepted by snapd
    assert!(theirs[..3].iter().all(|l| l["ok"] == true), "{theirs:?}");
    assert_eq!(theirs[3]["ok"], false); // timestamp before the key's since
}

#[test]
fn snapd_signs_what_we_sign_at_any_time() {
    let Some(o) = oracle() else { return };
    let dir = tempfile::tempdir().unwrap();
    let acme_pem = repo().join("test-support/keys/test-only-acme.pem");
    let headers = serde_json::json!({"type":"model","authority-id":"acme","brand-id":"acme","series":"16",
        "model":"live-1","architecture":"arm64","gadget":"g1","kernel":"k1","timestamp":"2016-12-01T12:00:00Z",
        "revision":"7","extra-header":"a: b:c","multi":"line one\nline two"});
    let hpath = dir.path().join("h.json");
    std::fs::write(&hpath, headers.to_string()).unwrap();
    for t in [
        1u32,
        1_451_606_400,
        ucore_assertions::Timestamp::now()
            .to_openpgp_time()
            .unwrap(),
        u32::MAX - 1,
    ] {
        let theirs = run_oracle(
            &o,
            &[
                &format!("--sig-time={t}"),
                "sign",
                "model",
                acme_pem.to_str().unwrap(),
                hpath.to_str().unwrap(),
            ],
        );
        let ours = sign(acme(), &headers, None, t);
        assert_eq!(
            String::from_utf8(ours.encode()).unwrap(),
            theirs,
            "sig time {t}"
        );
    }
}
