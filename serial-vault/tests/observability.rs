//! Logs and metrics over real sockets: one INFO line per signed serial with its brand,
//! model, serial, revision and key id, and never an API key or admin token; a refusal at
//! WARN with its error code; the request id echoed; `/metrics` behind the admin token, its
//! counters moving with requests, the signing histogram's buckets, and the nonce gauge
//! matching the store.
//!
//! The log lines are captured as JSON by a process-wide subscriber; each test finds its
//! own by the request ids it sends. The metrics counters are process-wide, so the tests
//! take turns ([`serial`]).

mod common;

use std::io::Write;
use std::sync::{Mutex, MutexGuard, Once};

use common::*;
use serde_json::Value;
use ucore_serial as device;

/// Every log line of this process, at every level.
static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Capture;

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .with_max_level(tracing::Level::TRACE)
            .with_writer(|| Capture)
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
    });
}

fn all_logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
}

/// The captured lines logged inside the request span whose id is `id`.
fn lines_of(id: &str) -> Vec<Value> {
    all_logs()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["span"]["name"] == "request" && v["span"]["id"] == id)
        .collect()
}

/// The tests take turns: the metrics counters are the process's, and a test that reads
/// them must see only its own requests.
fn serial() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|p| p.into_inner())
}

/// An answer's header `name` as text ("" when absent).
fn header<B>(r: &ureq::http::Response<B>, name: &str) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// `POST /v1/serial` with a request id; returns (status, X-Request-Id answered, body).
fn post_serial_with_id(
    tv: &TestVault,
    id: &str,
    api_key: &str,
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let r = agent()
        .post(&tv.serial_url())
        .header("api-key", api_key)
        .header("x-request-id", id)
        .content_type("application/x.ubuntu.assertion")
        .send(body)
        .unwrap();
    let status = r.status().as_u16();
    let echoed = header(&r, "x-request-id");
    (status, echoed, r.into_body().read_to_vec().unwrap())
}

fn signing_body(tv: &TestVault, serial: &str) -> Vec<u8> {
    let nonce = request_id(tv);
    let req =
        device::build_serial_request(&model(), &key("device"), &nonce, Some(serial), None).unwrap();
    snapd_stream(&req, &model())
}

/// `GET /metrics` on the admin port with `authorization`; (status, content type, text).
fn scrape(tv: &TestVault, authorization: Option<&str>) -> (u16, String, String) {
    let base = tv.admin_url.trim_end_matches("/admin/v1/");
    let mut r = agent().get(&format!("{base}/metrics"));
    if let Some(a) = authorization {
        r = r.header("authorization", a);
    }
    let r = r.call().unwrap();
    let status = r.status().as_u16();
    let ct = header(&r, "content-type");
    (status, ct, r.into_body().read_to_string().unwrap())
}

fn metrics(tv: &TestVault) -> String {
    let (status, _, text) = scrape(tv, Some(&format!("Bearer {ADMIN_TOKEN}")));
    assert_eq!(status, 200, "{text}");
    text
}

/// The value of `series` (name and labels, exactly) in a scrape; 0 when absent.
fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[test]
fn a_signing_logs_one_info_line_with_its_fields_and_no_secret() {
    let _turn = serial();
    capture_logs();
    let tv = TestVault::memory();
    let body = signing_body(&tv, "OBS-0001");
    let (status, echoed, out) = post_serial_with_id(&tv, "obs-sign-1", &tv.api_key, &body);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&out));
    assert_eq!(echoed, "obs-sign-1");

    let lines = lines_of("obs-sign-1");
    let info: Vec<&Value> = lines.iter().filter(|l| l["level"] == "INFO").collect();
    assert_eq!(info.len(), 1, "{lines:#?}");
    let f = &info[0]["fields"];
    assert_eq!(f["message"], "serial signed");
    assert_eq!(f["brand"], "acme");
    assert_eq!(f["model"], "acme-device-1");
    assert_eq!(f["serial"], "OBS-0001");
    assert_eq!(f["revision"], 1);
    assert_eq!(f["key_id"], key("acme").key_id());
    // The span says what the request was.
    assert_eq!(info[0]["span"]["method"], "POST");
    assert_eq!(info[0]["span"]["path"], "/v1/serial");
    // Nothing above INFO for a success.
    assert!(
        lines
            .iter()
            .all(|l| l["level"] == "INFO" || l["level"] == "DEBUG" || l["level"] == "TRACE"),
        "{lines:#?}"
    );

    // A refusal: one WARN line with the Serial Vault's code.
    let (status, echoed, _) = post_serial_with_id(&tv, "obs-refused-1", "not-the-api-key", &body);
    assert_eq!(status, 400);
    assert_eq!(echoed, "obs-refused-1");
    let lines = lines_of("obs-refused-1");
    let warn: Vec<&Value> = lines.iter().filter(|l| l["level"] == "WARN").collect();
    assert_eq!(warn.len(), 1, "{lines:#?}");
    assert_eq!(warn[0]["fields"]["code"], "invalid-api-key");
    assert_eq!(warn[0]["fields"]["status"], 400);
    assert!(lines.iter().all(|l| l["level"] != "INFO"), "{lines:#?}");

    // An admin call with the token, then: no secret anywhere in the logs, at any level.
    let _ = metrics(&tv);
    let logs = all_logs();
    assert!(logs.contains("obs-sign-1"));
    for secret in [
        tv.api_key.as_str(),
        ADMIN_TOKEN,
        "PRIVATE KEY",
        "not-the-api-key",
    ] {
        assert!(!logs.contains(secret), "{secret:?} is in the logs");
    }
}

#[test]
fn request_ids_are_made_up_when_absent_or_insane() {
    let _turn = serial();
    let tv = TestVault::memory();
    let get = |id: Option<&str>| {
        let mut r = agent().get(&format!("{}version", tv.url));
        if let Some(id) = id {
            r = r.header("x-request-id", id);
        }
        header(&r.call().unwrap(), "x-request-id")
    };
    let (a, b) = (get(None), get(None));
    assert!(!a.is_empty() && a != b, "{a} {b}");
    let made = get(Some("no spaces allowed"));
    assert!(!made.is_empty() && !made.contains(' '), "{made}");
    assert_eq!(get(Some("lb-7f3a")), "lb-7f3a");
}

#[test]
fn metrics_need_the_admin_token() {
    let _turn = serial();
    let tv = TestVault::memory();
    for auth in [
        None,
        Some("Bearer wrong-token-0123456789"),
        Some(ADMIN_TOKEN),
    ] {
        let (status, ct, body) = scrape(&tv, auth);
        assert_eq!(status, 401, "{auth:?}");
        assert_eq!(ct, "application/json");
        let e: ucore_serial_vault::http::ErrorBody = serde_json::from_str(&body).unwrap();
        assert_eq!(e.error_code, "invalid-admin-token");
    }
    let (status, ct, text) = scrape(&tv, Some(&format!("Bearer {ADMIN_TOKEN}")));
    assert_eq!(status, 200);
    assert_eq!(ct, "text/plain; version=0.0.4; charset=utf-8");
    assert!(text.contains("# TYPE ucore_vault_requests_total counter"));
    // Not on the signing port.
    let r = agent()
        .get(&format!("{}metrics", tv.url.trim_end_matches("v1/")))
        .header("authorization", format!("Bearer {ADMIN_TOKEN}"))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[test]
fn counters_move_and_the_histogram_has_buckets() {
    let _turn = serial();
    let tv = TestVault::memory();
    let before = metrics(&tv);
    for _ in 0..3 {
        let r = agent().get(&format!("{}version", tv.url)).call().unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    let (status, _, _) = post(&format!("{}request-id", tv.url), Some("bad-key-0000"), b"");
    assert_eq!(status, 400);
    let body = signing_body(&tv, "OBS-0002");
    let (status, _, out) = tv.post_serial(&body);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&out));
    let after = metrics(&tv);

    let delta = |series: &str| value(&after, series) - value(&before, series);
    assert_eq!(
        delta("ucore_vault_requests_total{endpoint=\"version\",status=\"200\"}"),
        3.0
    );
    assert_eq!(
        delta("ucore_vault_requests_total{endpoint=\"request-id\",status=\"400\"}"),
        1.0
    );
    // signing_body's own request-id, and the serial.
    assert_eq!(
        delta("ucore_vault_requests_total{endpoint=\"request-id\",status=\"200\"}"),
        1.0
    );
    assert_eq!(
        delta("ucore_vault_requests_total{endpoint=\"serial\",status=\"200\"}"),
        1.0
    );
    // The first scrape is counted by the second.
    assert_eq!(
        delta("ucore_vault_requests_total{endpoint=\"metrics\",status=\"200\"}"),
        1.0
    );

    // The histogram: cumulative buckets ending at +Inf, which equals the count.
    let h = "ucore_vault_signing_duration_seconds";
    assert!(after.contains(&format!("# TYPE {h} histogram")));
    let buckets: Vec<(String, f64)> = after
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("{h}_bucket{{le=\"")))
        .filter_map(|l| {
            let (le, n) = l.split_once("\"} ")?;
            Some((le.to_string(), n.parse().ok()?))
        })
        .collect();
    assert!(buckets.len() > 5, "{buckets:?}");
    assert_eq!(buckets.last().map(|(le, _)| le.as_str()), Some("+Inf"));
    assert!(buckets.windows(2).all(|w| w[0].1 <= w[1].1), "{buckets:?}");
    assert_eq!(
        buckets.last().map(|b| b.1),
        Some(value(&after, &format!("{h}_count")))
    );
    assert_eq!(delta(&format!("{h}_count")), 1.0);
    assert!(delta(&format!("{h}_sum")) > 0.0);
    assert!(after.contains("# TYPE ucore_vault_database_errors_total counter"));
}

#[test]
fn the_nonce_gauge_matches_the_store() {
    let _turn = serial();
    let tv = TestVault::memory();
    assert_eq!(value(&metrics(&tv), "ucore_vault_nonces"), 0.0);
    for _ in 0..4 {
        request_id(&tv);
    }
    let text = metrics(&tv);
    let in_store = tv.rt.block_on(tv.vault.store().nonce_count()).unwrap();
    assert_eq!(in_store, 4);
    assert_eq!(value(&text, "ucore_vault_nonces"), 4.0);
    // A signing consumes one.
    let body = signing_body(&tv, "OBS-0003");
    assert_eq!(tv.post_serial(&body).0, 200);
    let in_store = tv.rt.block_on(tv.vault.store().nonce_count()).unwrap();
    assert_eq!(in_store, 4);
    assert_eq!(value(&metrics(&tv), "ucore_vault_nonces"), 4.0);
}

#[test]
fn database_errors_are_counted_and_a_500_is_logged_at_error() {
    let _turn = serial();
    capture_logs();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let tv = TestVault::start(
        db.to_str().unwrap(),
        ucore_serial_vault::Settings::default(),
    );
    let before = metrics(&tv);
    // The database breaks under the vault: its tables go.
    let outside = rusqlite::Connection::open(&db).unwrap();
    outside
        .execute_batch("DROP TABLE devicenonce; DROP TABLE model;")
        .unwrap();

    let r = agent()
        .post(&format!("{}request-id", tv.url))
        .header("api-key", &tv.api_key)
        .header("x-request-id", "obs-db-1")
        .send_empty()
        .unwrap();
    assert_eq!(r.status().as_u16(), 500);
    let lines = lines_of("obs-db-1");
    let error: Vec<&Value> = lines
        .iter()
        .filter(|l| l["level"] == "ERROR" && l["fields"]["message"] == "answered")
        .collect();
    assert_eq!(error.len(), 1, "{lines:#?}");
    assert_eq!(error[0]["fields"]["code"], "server-error");
    assert_eq!(error[0]["fields"]["status"], 500);

    // The scrape cannot read the nonce table: no gauge, one more database error.
    let after = metrics(&tv);
    assert!(!after.contains("ucore_vault_nonces "), "{after}");
    let errors = |t: &str| value(t, "ucore_vault_database_errors_total");
    assert_eq!(errors(&after) - errors(&before), 2.0);
    let series = "ucore_vault_requests_total{endpoint=\"request-id\",status=\"500\"}";
    assert_eq!(value(&after, series) - value(&before, series), 1.0);
}
