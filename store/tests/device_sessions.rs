//! Device sessions over a real socket: the happy path, and every refusal (forged,
//! replayed, expired, another brand's, another store's, a serial the brand did not sign),
//! each with the error JSON snapd prints.

mod device_support;

use std::time::Duration;

use device_support::*;
use ucore_assertions::Timestamp;
use ucore_store_client::protocol::ErrorList;
use ucore_test_support::keys;

fn refused(status: u16, body: &str, needle: &str) {
    assert_eq!(status, 400, "{body}");
    let e: ErrorList = serde_json::from_str(body).unwrap();
    assert_eq!(e.error_list[0].code, "invalid-credentials", "{body}");
    assert!(e.error_list[0].message.contains(needle), "{body}");
}

fn acme_device() -> (ucore_assertions::Assertion, ucore_assertions::Assertion) {
    let k = key(keys::ACME);
    (
        model(&k, "acme", "m1", STORE_ID),
        serial(&k, "acme", "acme", "m1", "s1"),
    )
}

fn refresh(f: &Fixture, session: &str) -> (u16, String) {
    let body = serde_json::json!({"context": [], "actions": [
        {"action": "install", "instance-key": "install-1", "name": "acme-app", "epoch": null}]});
    post_json(
        &format!("{}/v2/snaps/refresh", f.url),
        &[
            ("Snap-Device-Authorization", &device_v2(session)),
            ("Snap-Device-Architecture", "amd64"),
        ],
        &body.to_string(),
    )
}

#[test]
fn a_device_of_a_served_brand_opens_a_session_and_uses_it() {
    let f = Fixture::new();
    let nonce = f.nonce();
    assert!(!nonce.is_empty() && nonce.contains(':'));
    let (m, s) = acme_device();
    let dsr = session_request(&key(keys::DEVICE), &s, &nonce, Timestamp::now());
    let (status, body) = f.open_session(&dsr, &s, &m);
    assert_eq!(status, 200, "{body}");
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["macaroon"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(token.len() > 40 && token.is_ascii() && !token.contains('"'));
    let (status, body) = refresh(&f, &token);
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["results"][0]["result"], "install", "{body}");
    assert_eq!(v["results"][0]["snap"]["publisher"]["id"], "acme");
}

#[test]
fn a_forged_request_is_refused() {
    let f = Fixture::new();
    let (m, s) = acme_device();
    // Signed by another key than the serial's device key.
    let dsr = session_request(&key(keys::SPARE), &s, &f.nonce(), Timestamp::now());
    let (status, body) = f.open_session(&dsr, &s, &m);
    refused(status, &body, "not signed by the serial's device key");
    // A request whose bytes were changed after signing.
    let dsr = session_request(&key(keys::DEVICE), &s, &f.nonce(), Timestamp::now());
    let forged = String::from_utf8(ucore_assertions::AssertionAccess::encode(&dsr))
        .unwrap()
        .replace("serial: s1", "serial: s2");
    let body = serde_json::json!({"device-session-request": forged,
        "serial-assertion": String::from_utf8(ucore_assertions::AssertionAccess::encode(&s)).unwrap(),
        "model-assertion": String::from_utf8(ucore_assertions::AssertionAccess::encode(&m)).unwrap()});
    let (status, body) = post_json(
        &format!("{}/api/v1/snaps/auth/sessions", f.url),
        &[],
        &body.to_string(),
    );
    refused(status, &body, "do not match the serial");
    // Garbage and wrong types.
    let (status, body) = f.open_session(&m, &s, &m);
    refused(status, &body, "device-session-request");
    let (status, body) = post_json(&format!("{}/api/v1/snaps/auth/sessions", f.url), &[], "{");
    assert_eq!(status, 400, "{body}");
    serde_json::from_str::<ErrorList>(&body).unwrap();
}

#[test]
fn a_replayed_nonce_and_an_unknown_one_are_refused() {
    let f = Fixture::new();
    let (m, s) = acme_device();
    let dsr = session_request(&key(keys::DEVICE), &s, &f.nonce(), Timestamp::now());
    assert_eq!(f.open_session(&dsr, &s, &m).0, 200);
    let (status, body) = f.open_session(&dsr, &s, &m);
    refused(status, &body, "nonce");
    let dsr = session_request(&key(keys::DEVICE), &s, "123:made-up", Timestamp::now());
    let (status, body) = f.open_session(&dsr, &s, &m);
    refused(status, &body, "nonce");
}

#[test]
fn an_expired_nonce_and_a_stale_request_are_refused() {
    let f = Fixture::with(|s| s.nonce_ttl = Duration::from_secs(1));
    let (m, s) = acme_device();
    let nonce = f.nonce();
    std::thread::sleep(Duration::from_millis(2100));
    let dsr = session_request(&key(keys::DEVICE), &s, &nonce, Timestamp::now());
    let (status, body) = f.open_session(&dsr, &s, &m);
    refused(status, &body, "nonce");
    // A request stamped long ago, with a fresh nonce.
    let old = Timestamp::from_second(Timestamp::now().as_second() - 3600).unwrap();
    let dsr = session_request(&key(keys::DEVICE), &s, &f.nonce(), old);
    let (status, body) = f.open_session(&dsr, &s, &m);
    refused(status, &body, "timestamp");
}

#[test]
fn an_expired_session_asks_for_a_new_one_and_a_bad_one_is_refused() {
    let f = Fixture::with(|s| s.session_ttl = Duration::ZERO);
    let token = f.session("acme");
    let (status, body) = refresh(&f, &token);
    assert_eq!(status, 401, "{body}");
    let e: ErrorList = serde_json::from_str(&body).unwrap();
    assert_eq!(e.error_list[0].code, "unauthorized");
    // The header snapd looks for, checked on a GET answer.
    let a = get(
        &format!("{}/v2/snaps/info/acme-app", f.url),
        &[("Snap-Device-Authorization", &device_v2(&token))],
    );
    assert_eq!(a.status, 401);
    assert_eq!(
        a.header("WWW-Authenticate"),
        Some("Macaroon refresh_device_session=1")
    );
    // A forged token: 401, no refresh hint.
    let f = Fixture::new();
    let token = f.session("acme");
    let (payload, _) = token.split_once('.').unwrap();
    for bad in [format!("{payload}.AAAA"), "garbage".to_string()] {
        let a = get(
            &format!("{}/v2/snaps/info/acme-app", f.url),
            &[("Snap-Device-Authorization", &device_v2(&bad))],
        );
        assert_eq!(a.status, 401, "{}", a.text());
        assert_eq!(a.header("WWW-Authenticate"), None);
    }
    let a = get(
        &format!("{}/v2/snaps/info/acme-app", f.url),
        &[("Snap-Device-Authorization", "Bearer x")],
    );
    assert_eq!(a.status, 401);
}

#[test]
fn models_of_other_stores_and_unserved_brands_are_refused() {
    let f = Fixture::new();
    let k = key(keys::ACME);
    let s = serial(&k, "acme", "acme", "m1", "s1");
    let m = model(&k, "acme", "m1", "another-store");
    let dsr = session_request(&key(keys::DEVICE), &s, &f.nonce(), Timestamp::now());
    let (status, body) = f.open_session(&dsr, &s, &m);
    refused(status, &body, "is not for store");
    // A brand the store does not serve (its key is unknown here too).
    let k = key(keys::REQUESTER);
    let s = serial(&k, "stranger", "stranger", "m1", "s1");
    let m = model(&k, "stranger", "m1", STORE_ID);
    let dsr = session_request(&key(keys::DEVICE), &s, &f.nonce(), Timestamp::now());
    let (status, body) = f.open_session(&dsr, &s, &m);
    refused(status, &body, "not served by this store");
    // acme's serial with other's model.
    let s = serial(&key(keys::ACME), "acme", "acme", "m1", "s1");
    let m = model(&key(keys::SPARE), "other", "m1", STORE_ID);
    let dsr = session_request(&key(keys::DEVICE), &s, &f.nonce(), Timestamp::now());
    let (status, body) = f.open_session(&dsr, &s, &m);
    refused(status, &body, "not for the given model");
    // A model claiming acme but signed with other's key.
    let s = serial(&key(keys::ACME), "acme", "acme", "m1", "s1");
    let m = model(&key(keys::SPARE), "acme", "m1", STORE_ID);
    let dsr = session_request(&key(keys::DEVICE), &s, &f.nonce(), Timestamp::now());
    let (status, body) = f.open_session(&dsr, &s, &m);
    refused(
        status,
        &body,
        "model is not signed by a known key of \"acme\"",
    );
}

#[test]
fn a_serial_the_brand_did_not_sign_is_refused() {
    let f = Fixture::new();
    let m = model(&key(keys::ACME), "acme", "m1", STORE_ID);
    // Claims acme's authority, signed with other's key.
    let s = serial(&key(keys::SPARE), "acme", "acme", "m1", "s1");
    let dsr = session_request(&key(keys::DEVICE), &s, &f.nonce(), Timestamp::now());
    let (status, body) = f.open_session(&dsr, &s, &m);
    refused(
        status,
        &body,
        "serial assertion is not signed by a known key of \"acme\"",
    );
    // Signed by other, rightly as other, but other is no serial authority of the model.
    let s = serial(&key(keys::SPARE), "other", "acme", "m1", "s1");
    let dsr = session_request(&key(keys::DEVICE), &s, &f.nonce(), Timestamp::now());
    let (status, body) = f.open_session(&dsr, &s, &m);
    refused(status, &body, "not by the brand or a serial authority");
}

#[test]
fn sessions_and_refusals_are_counted() {
    let f = Fixture::new();
    f.session("acme");
    let (m, s) = acme_device();
    let dsr = session_request(&key(keys::SPARE), &s, &f.nonce(), Timestamp::now());
    assert_eq!(f.open_session(&dsr, &s, &m).0, 400);
    let text = f.store.metrics.render();
    for line in [
        "ucore_store_nonces_issued_total 2",
        "ucore_store_sessions_opened_total 1",
        "ucore_store_sessions_refused_total 1",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in {text}");
    }
}
