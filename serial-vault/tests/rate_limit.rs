//! The signing API's rate limits and the nonce table's bound, over HTTP: per API key and
//! per client address, burst and refill, turned off, `X-Forwarded-For` from a trusted proxy
//! only; each refusal a 503 with `Retry-After` and the vault's JSON envelope, counted in the
//! metrics; a refused `/v1/serial` leaves its request-id valid.

mod common;

use std::time::{Duration, Instant};

use common::*;
use ucore_serial as device;
use ucore_serial_vault::http::ErrorBody;
use ucore_serial_vault::metrics::{Endpoint, Metrics};
use ucore_serial_vault::vault::rate_limit::{Limit, Rate, RateLimits, Scope};
use ucore_serial_vault::{ServerLimits, Settings};

/// An answer: status, `Retry-After`, body.
struct Answer {
    status: u16,
    retry_after: Option<u64>,
    content_type: String,
    body: Vec<u8>,
}

impl Answer {
    /// The refusal's (code, message), checking the envelope's shape.
    fn refusal(&self) -> (String, String) {
        assert_eq!(self.content_type, "application/json");
        let e: ErrorBody = serde_json::from_slice(&self.body).unwrap();
        assert!(!e.success);
        assert_eq!(e.error_list.len(), 1);
        assert_eq!(e.error_list[0].code, e.error_code);
        assert_eq!(e.error_list[0].message, e.message);
        (e.error_code, e.message)
    }

    fn request_id(&self) -> String {
        assert_eq!(self.status, 200, "{}", String::from_utf8_lossy(&self.body));
        let v: serde_json::Value = serde_json::from_slice(&self.body).unwrap();
        v["request-id"].as_str().unwrap().to_string()
    }
}

fn call(url: &str, api_key: &str, forwarded_for: Option<&str>, body: &[u8]) -> Answer {
    let mut r = agent().post(url).header("api-key", api_key);
    if let Some(f) = forwarded_for {
        r = r.header("x-forwarded-for", f);
    }
    let resp = if body.is_empty() {
        r.send_empty()
    } else {
        r.content_type("application/x.ubuntu.assertion").send(body)
    }
    .unwrap();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let retry_after = header("retry-after").map(|v| v.parse().unwrap());
    let content_type = header("content-type").unwrap_or_default();
    let status = resp.status().as_u16();
    let body = resp.into_body().read_to_vec().unwrap();
    Answer {
        status,
        retry_after,
        content_type,
        body,
    }
}

fn vault(limits: RateLimits, max_nonces: u64) -> TestVault {
    TestVault::start_with_limits(
        "sqlite::memory:",
        Settings {
            rate_limits: limits,
            max_nonces,
            ..Settings::default()
        },
        ServerLimits::default(),
    )
}

/// Every limit off but `set`.
fn only(set: impl FnOnce(&mut RateLimits)) -> RateLimits {
    let mut l = RateLimits {
        request_id_per_key: Limit::Off,
        request_id_per_address: Limit::Off,
        serial_per_key: Limit::Off,
        serial_per_address: Limit::Off,
        ..RateLimits::default()
    };
    set(&mut l);
    l
}

fn per_hour(burst: u32) -> Limit {
    Limit::new("1/h".parse().unwrap(), burst)
}

fn request_id_url(tv: &TestVault) -> String {
    format!("{}request-id", tv.url)
}

/// A second model with its own API key.
fn second_key(tv: &TestVault) -> String {
    let key = "second-api-key-0002".to_string();
    tv.rt
        .block_on(tv.vault.add_model(
            "acme",
            "other",
            common::key("acme").key_id(),
            Some(key.clone()),
        ))
        .unwrap();
    key
}

#[test]
fn per_api_key() {
    let tv = vault(only(|l| l.request_id_per_key = per_hour(2)), 0);
    let other = second_key(&tv);
    let before = Metrics::global().rate_limited_count(Endpoint::RequestId, Scope::ApiKey);
    for _ in 0..2 {
        call(&request_id_url(&tv), &tv.api_key, None, b"").request_id();
    }
    let refused = call(&request_id_url(&tv), &tv.api_key, None, b"");
    assert_eq!(refused.status, 503);
    // One request an hour: the next in (at most) an hour.
    let after = refused.retry_after.unwrap();
    assert!((3590..=3600).contains(&after), "{after}");
    assert_eq!(
        refused.refusal(),
        (
            "rate-limited".to_string(),
            format!("Too many requests to /v1/request-id for this API key: retry in {after} s")
        )
    );
    // The other model's key has its own bucket.
    call(&request_id_url(&tv), &other, None, b"").request_id();
    // A wrong key is refused as such, and takes nothing from anyone's bucket.
    let wrong = call(&request_id_url(&tv), "no-such-key-000", None, b"");
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.refusal().0, "invalid-api-key");
    assert_eq!(wrong.retry_after, None);
    call(&request_id_url(&tv), &other, None, b"").request_id();
    assert!(Metrics::global().rate_limited_count(Endpoint::RequestId, Scope::ApiKey) > before);
}

#[test]
fn per_address_comes_before_the_api_key() {
    let tv = vault(only(|l| l.request_id_per_address = per_hour(3)), 0);
    let other = second_key(&tv);
    call(&request_id_url(&tv), &tv.api_key, None, b"").request_id();
    call(&request_id_url(&tv), &other, None, b"").request_id();
    // A bad key counts for its address too.
    assert_eq!(
        call(&request_id_url(&tv), "no-such-key-000", None, b"").status,
        400
    );
    for key in [tv.api_key.as_str(), &other, "no-such-key-000"] {
        let refused = call(&request_id_url(&tv), key, None, b"");
        assert_eq!(refused.status, 503, "{key}");
        let after = refused.retry_after.unwrap();
        assert_eq!(
            refused.refusal(),
            (
                "rate-limited".to_string(),
                format!(
                    "Too many requests to /v1/request-id from this address: retry in {after} s"
                )
            )
        );
    }
    // /v1/serial has its own limits (here none).
    let (st, _, _) = post(&tv.serial_url(), Some(&tv.api_key), b"");
    assert_eq!(st, 400);
}

#[test]
fn burst_then_refill() {
    // One request every 2 s, two at once.
    let rate = Rate {
        requests: 30,
        per: Duration::from_secs(60),
    };
    let tv = vault(only(|l| l.request_id_per_key = Limit::new(rate, 2)), 0);
    let start = Instant::now();
    for _ in 0..2 {
        call(&request_id_url(&tv), &tv.api_key, None, b"").request_id();
    }
    let refused = call(&request_id_url(&tv), &tv.api_key, None, b"");
    if start.elapsed() < Duration::from_secs(2) {
        assert_eq!(refused.status, 503);
        assert!(matches!(refused.retry_after, Some(1 | 2)));
        std::thread::sleep(Duration::from_millis(
            refused.retry_after.unwrap() * 1000 + 100,
        ));
    }
    // A token is back; only one.
    call(&request_id_url(&tv), &tv.api_key, None, b"").request_id();
    let start = Instant::now();
    let refused = call(&request_id_url(&tv), &tv.api_key, None, b"");
    if start.elapsed() < Duration::from_secs(1) {
        assert_eq!(refused.status, 503);
    }
}

#[test]
fn turned_off() {
    let tight = RateLimits {
        request_id_per_key: per_hour(1),
        request_id_per_address: per_hour(1),
        serial_per_key: per_hour(1),
        serial_per_address: per_hour(1),
        ..RateLimits::default()
    };
    for limits in [
        RateLimits {
            enabled: false,
            ..tight.clone()
        },
        RateLimits {
            request_id_per_key: Limit::Off,
            request_id_per_address: Limit::Off,
            ..tight
        },
    ] {
        let tv = vault(limits, 0);
        for _ in 0..20 {
            call(&request_id_url(&tv), &tv.api_key, None, b"").request_id();
        }
    }
}

#[test]
fn a_refused_serial_keeps_its_request_id() {
    let tv = vault(only(|l| l.serial_per_key = per_hour(1)), 0);
    let ids: Vec<String> = (0..2)
        .map(|_| call(&request_id_url(&tv), &tv.api_key, None, b"").request_id())
        .collect();
    let body = |id: &str, serial: &str| {
        let req =
            device::build_serial_request(&model(), &key("device"), id, Some(serial), None).unwrap();
        snapd_stream(&req, &model())
    };
    let first = call(&tv.serial_url(), &tv.api_key, None, &body(&ids[0], "RL1"));
    assert_eq!(first.status, 200);
    let refused = call(&tv.serial_url(), &tv.api_key, None, &body(&ids[1], "RL2"));
    assert_eq!(refused.status, 503);
    let (code, message) = refused.refusal();
    assert_eq!(code, "rate-limited");
    assert!(
        message.starts_with("Too many requests to /v1/serial for this API key: retry in "),
        "{message}"
    );
    // The request-id was not consumed: it is still in the table, unexpired.
    let nonce_is_there = tv
        .rt
        .block_on(tv.vault.store().nonce_exists(
            &ids[1],
            ucore_assertions::Timestamp::now(),
            Duration::from_secs(600),
        ))
        .unwrap();
    assert!(nonce_is_there);
}

#[test]
fn forwarded_for_counts_from_a_trusted_proxy_only() {
    let limit = |trusted: Vec<std::net::IpAddr>| {
        only(|l| {
            l.request_id_per_address = per_hour(1);
            l.trusted_proxies = trusted;
        })
    };
    // The vault behind a proxy on 127.0.0.1: each client its own bucket.
    let tv = vault(limit(vec!["127.0.0.1".parse().unwrap()]), 0);
    for client in ["203.0.113.1", "203.0.113.2", "2001:db8::1"] {
        call(&request_id_url(&tv), &tv.api_key, Some(client), b"").request_id();
        let again = call(&request_id_url(&tv), &tv.api_key, Some(client), b"");
        assert_eq!(again.status, 503, "{client}");
    }
    // The same IPv6 /64 is one client.
    let same_64 = call(&request_id_url(&tv), &tv.api_key, Some("2001:db8::2"), b"");
    assert_eq!(same_64.status, 503);
    // Without trusted proxies, the header changes nothing: all are 127.0.0.1.
    let tv = vault(limit(Vec::new()), 0);
    call(&request_id_url(&tv), &tv.api_key, Some("203.0.113.1"), b"").request_id();
    let other = call(&request_id_url(&tv), &tv.api_key, Some("203.0.113.2"), b"");
    assert_eq!(other.status, 503);
}

#[test]
fn the_nonce_table_is_bounded() {
    let tv = vault(RateLimits::off(), 3);
    let before = Metrics::global().rate_limited_count(Endpoint::RequestId, Scope::Nonces);
    let ids: Vec<String> = (0..3)
        .map(|_| call(&request_id_url(&tv), &tv.api_key, None, b"").request_id())
        .collect();
    let full = call(&request_id_url(&tv), &tv.api_key, None, b"");
    assert_eq!(full.status, 503);
    assert_eq!(full.retry_after, Some(60));
    assert_eq!(
        full.refusal(),
        (
            "too-many-nonces".to_string(),
            "Too many request-ids are waiting to be used (3): retry in 60 s".to_string()
        )
    );
    assert_eq!(
        Metrics::global().rate_limited_count(Endpoint::RequestId, Scope::Nonces),
        before + 1
    );
    // One used: room for one more, and only one.
    let req =
        device::build_serial_request(&model(), &key("device"), &ids[0], Some("NB1"), None).unwrap();
    assert_eq!(tv.post_serial(&snapd_stream(&req, &model())).0, 200);
    call(&request_id_url(&tv), &tv.api_key, None, b"").request_id();
    assert_eq!(
        call(&request_id_url(&tv), &tv.api_key, None, b"").status,
        503
    );
    // The table never held more than its bound.
    let n = tv.rt.block_on(tv.vault.store().nonce_count()).unwrap();
    assert_eq!(n, 3);
}
