//! A stalled database (issue 14, finding 3): another process holds the SQLite file's write
//! lock while a thousand idle connections are held open. `/v1/version` keeps answering at
//! once, `/v1/health` reports the stall (503 + `Retry-After`) within its deadline, and a
//! registration made during the lock completes once it is let go; a lock held past the
//! busy timeout is a 503 with `Retry-After` (which snapd retries), and the device library
//! then registers on a later attempt.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::lock::{LockHolder, lock_holder_main};
use common::*;
use ucore_assertions::AssertionAccess;
use ucore_serial as device;
use ucore_serial_vault::store::DatabaseLimits;
use ucore_serial_vault::{ServerLimits, Settings};

/// Idle connections held open during the lock.
const IDLE: usize = 1000;
/// A generous bound for one `/v1/version` in a debug build on a shared 2-core machine
/// (release figures are in `docs/perf/vault.md`).
const VERSION_BOUND: Duration = Duration::from_millis(500);

#[test]
#[ignore = "runs only as the lock-holding process of a test"]
fn lock_holder() {
    lock_holder_main();
}

/// The server's limits for the test: room for the idle connections, which must outlast it.
fn limits() -> ServerLimits {
    ServerLimits {
        max_connections: IDLE + 100,
        header_timeout: Duration::from_secs(120),
        idle_timeout: Duration::from_secs(120),
        ..ServerLimits::default()
    }
}

fn signing_addr(tv: &TestVault) -> SocketAddr {
    let hostport = tv.url.trim_start_matches("http://");
    hostport.trim_end_matches("/v1/").parse().unwrap()
}

/// The soft limit on open files: the test holds each idle connection twice (both ends).
fn open_files_limit() -> u64 {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX)
}

/// `GET /v1/version` on a fresh connection: its status and how long it took.
fn version(addr: SocketAddr) -> (u16, Duration) {
    let start = Instant::now();
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /v1/version HTTP/1.1\r\nHost: vault\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    assert!(answer.contains("\"version\""), "{answer}");
    (status, start.elapsed())
}

/// `GET /v1/health`: status, `Retry-After`, the `database` field, and how long it took.
fn health(tv: &TestVault) -> (u16, Option<String>, String, Duration) {
    let start = Instant::now();
    let resp = agent().get(format!("{}health", tv.url)).call().unwrap();
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body: serde_json::Value =
        serde_json::from_slice(&resp.into_body().read_to_vec().unwrap()).unwrap();
    let database = body["database"].as_str().unwrap_or_default().to_string();
    (status, retry, database, start.elapsed())
}

/// A `/v1/serial` body for `serial`, with a fresh request-id from `tv`.
fn serial_body(tv: &TestVault, serial: &str) -> Vec<u8> {
    let id = request_id(tv);
    let req =
        device::build_serial_request(&model(), &key("device"), &id, Some(serial), None).unwrap();
    snapd_stream(&req, &model())
}

/// The serial number in a `/v1/serial` answer.
fn serial_number(body: &[u8]) -> String {
    let serial = ucore_assertions::Assertion::decode(body).unwrap();
    assert_eq!(serial.assertion_type().name(), "serial");
    serial.header_str("serial").unwrap().to_string()
}

#[test]
fn a_locked_database_delays_only_the_requests_that_need_it() {
    let fds = open_files_limit();
    assert!(
        fds >= 2 * IDLE as u64 + 200,
        "this test holds {} sockets: raise the soft open-files limit (ulimit -n, now {fds})",
        2 * IDLE
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let tv = TestVault::start_with_limits(db.to_str().unwrap(), Settings::default(), limits());
    let addr = signing_addr(&tv);
    // A registration's request-id, before the lock (request-ids are written too).
    let body = serial_body(&tv, "STALL-1");

    let idle: Vec<TcpStream> = (0..IDLE)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    let holder = LockHolder::hold(&db);
    let locked = Instant::now();

    // The registration, started during the lock: it waits for the lock (the busy timeout,
    // 5 s by default, outlasts it) on a thread of its own.
    let url = tv.serial_url();
    let api_key = tv.api_key.clone();
    let registration = std::thread::spawn(move || {
        let answer = post(&url, Some(&api_key), &body);
        (answer, Instant::now())
    });

    // While the lock is held: /v1/version answers at once, every time; /v1/health says
    // the database is locked.
    let mut versions = 0;
    let mut slowest = Duration::ZERO;
    let mut health_seen = None;
    while locked.elapsed() < Duration::from_secs(3) {
        let (status, took) = version(addr);
        assert_eq!(status, 200);
        assert!(
            took < VERSION_BOUND,
            "/v1/version took {took:?} during the lock"
        );
        slowest = slowest.max(took);
        versions += 1;
        if health_seen.is_none() && locked.elapsed() > Duration::from_millis(500) {
            health_seen = Some(health(&tv));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        !registration.is_finished(),
        "the registration did not wait for the lock"
    );
    let releasing = Instant::now();
    holder.release();
    let ((status, _, answer), done) = registration.join().unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
    assert_eq!(serial_number(&answer), "STALL-1");
    assert!(
        done >= releasing,
        "the registration finished before the lock went"
    );
    eprintln!("{versions} /v1/version during the lock, the slowest {slowest:?}");

    let (status, retry, database, took) = health_seen.unwrap();
    assert_eq!(status, 503, "{database}");
    assert_eq!(retry.as_deref(), Some("5"));
    assert!(
        database.contains("locked") || database.contains("stalled"),
        "{database}"
    );
    assert!(took < Duration::from_secs(3), "/v1/health took {took:?}");
    let (status, retry, database, _) = health(&tv);
    assert_eq!((status, retry, database.as_str()), (200, None, "healthy"));

    // The idle connections were held all along: each still gets an answer.
    for mut s in idle.into_iter().step_by(100) {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(b"GET /v1/version HTTP/1.1\r\nHost: vault\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
}

/// A request answered 503: (status, `Retry-After`, `error_code`).
fn refused(answer: &(u16, String, Vec<u8>)) -> (u16, String) {
    let v: serde_json::Value = serde_json::from_slice(&answer.2).unwrap();
    assert_eq!(answer.1, "application/json");
    (
        answer.0,
        v["error_code"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn a_lock_held_past_the_busy_timeout_is_a_503_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vault.db");
    let tv = TestVault::start_with_db_limits(
        db.to_str().unwrap(),
        Settings::default(),
        ServerLimits::default(),
        DatabaseLimits {
            busy_timeout: Duration::from_millis(300),
            ..DatabaseLimits::default()
        },
    );
    let body = serial_body(&tv, "STALL-2");
    let holder = LockHolder::hold(&db);

    // request-id and serial both write: 503 with Retry-After and the Serial Vault's
    // envelope; the device's fault codes are untouched.
    let resp = agent()
        .post(format!("{}request-id", tv.url))
        .header("api-key", &tv.api_key)
        .send_empty()
        .unwrap();
    assert_eq!(
        resp.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("5")
    );
    let answer = answer(resp).unwrap();
    assert_eq!(refused(&answer), (503, "generate-nonce".to_string()));
    let answer = post(&tv.serial_url(), Some(&tv.api_key), &body);
    assert_eq!(refused(&answer), (503, "server-error".to_string()));
    let answer = post(&tv.serial_url(), Some("wrong-key"), &body);
    assert_eq!(refused(&answer), (400, "invalid-api-key".to_string()));

    // The device library retries the 503 (as snapd does, statuses above 500) and
    // registers once the lock is gone.
    let config = device::DeviceServiceConfig::new(&tv.url)
        .header("api-key", &tv.api_key)
        .proposed_serial("STALL-3");
    let policy = device::RetryPolicy {
        retry_interval: Duration::from_millis(200),
        ..device::RetryPolicy::default()
    };
    let registration = std::thread::spawn(move || {
        let mut events = Vec::new();
        let r = device::Registration::with_policy(config, policy).register(
            &model(),
            &key("device"),
            &mut |e| events.push(e.clone()),
        );
        (r, events)
    });
    std::thread::sleep(Duration::from_millis(1500));
    holder.release();
    let (registered, events) = registration.join().unwrap();
    assert_eq!(registered.unwrap().serial_number, "STALL-3");
    let retried = events
        .iter()
        .filter(|e| matches!(e, device::Event::Retrying { reason, .. } if reason.contains("unexpected status 503")))
        .count();
    assert!(retried >= 1, "{events:?}");

    // The request refused during the lock was not consumed: sent again, it is signed.
    let answer = post(&tv.serial_url(), Some(&tv.api_key), &body);
    assert_eq!(answer.0, 200, "{}", String::from_utf8_lossy(&answer.2));
    assert_eq!(serial_number(&answer.2), "STALL-2");
}
