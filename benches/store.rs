//! The store's per-request cost, over its real router in process (no socket).
//!
//! The store ([`fixture`]: SQLite in a temporary directory) holds 200 brand snaps, each
//! with revision 1 in `beta` and revision 2 in `stable`, and a device of the brand has a
//! session. Requests go through `ucore_store::http::router` (every layer: request id,
//! access log, metrics, error rewriting, time limit, body limit) with
//! `tower::ServiceExt::oneshot` on a multi-threaded tokio runtime, as the server runs
//! them; the answer's body is read to the end inside the timed part.
//!
//! Criterion part:
//! * `refresh_200_updates`: `POST /v2/snaps/refresh` from a device with the 200 snaps
//!   installed at revision 1, tracking `stable`: 200 refresh actions, 200 results with
//!   the snap details snapd asks for (the target: ≤ 2 ms of server CPU);
//! * `refresh_200_up_to_date`: the same at revision 2: 200 actions, each answered at
//!   the installed revision (what snapd reads as no update);
//! * `session_nonce_plus_open`: `POST /api/v1/snaps/auth/nonces` then
//!   `POST /api/v1/snaps/auth/sessions` (serial, model and device-session-request checked,
//!   signatures verified); the device's signature is made outside the timed part.
//!
//! CPU part (printed after criterion's, only under `cargo bench`): each request again,
//! `UCORE_STORE_BENCH_REQUESTS` times in a row (500), with the wall time and the
//! process's CPU time (`clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`: every thread, the
//! tokio workers and the SQLite blocking pool; nothing else runs in this process) per
//! request. `… -- cpu-only` skips the criterion part.
//!
//! `cargo bench --bench store`.

#[path = "store-load/fixture.rs"]
mod fixture;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use criterion::{Criterion, criterion_group};
use rustix::time::{ClockId, clock_gettime};
use tower::ServiceExt;
use ucore::assertions::{Assertion, AssertionAccess, Timestamp};
use ucore_store_client::protocol::{SessionRequest, SnapActionResponse};

/// Installed snaps in the refresh request.
const SNAPS: usize = 200;
/// Requests per figure of the CPU part, unless `UCORE_STORE_BENCH_REQUESTS` says otherwise.
const REQUESTS: u32 = 500;

/// The process's CPU time so far (all threads).
fn process_cpu() -> Duration {
    let t = clock_gettime(ClockId::ProcessCPUTime);
    Duration::new(
        u64::try_from(t.tv_sec).unwrap_or(0),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

/// The bench store in process, with a device session.
struct Bench {
    rt: tokio::runtime::Runtime,
    app: axum::Router,
    _dir: tempfile::TempDir,
    snap_ids: Vec<String>,
    authorization: String,
    model: Assertion,
    serial: Assertion,
    device_key: std::sync::Arc<ucore::signing::RsaPrivateKey>,
}

impl Bench {
    fn new() -> Self {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let device_key = fixture::device_keys().remove(0);
        let model = fixture::model();
        let serial = fixture::serial("bench-0", &device_key);
        let (store, snap_ids) = rt.block_on(async {
            let store = fixture::open(dir.path(), "http://127.0.0.1:1").await;
            let ids = fixture::add_snaps(&store, SNAPS).await;
            (store, ids)
        });
        let mut bench = Bench {
            rt,
            app: ucore_store::http::router(store),
            _dir: dir,
            snap_ids,
            authorization: String::new(),
            model,
            serial,
            device_key,
        };
        let session = bench.open_session();
        bench.authorization = format!("Macaroon root=\"{session}\"");
        bench
    }

    /// One request through the router; the status and the whole body.
    fn call(&self, req: Request<Body>) -> (StatusCode, bytes::Bytes) {
        self.rt.block_on(async {
            let resp = self.app.clone().oneshot(req).await.unwrap();
            let status = resp.status();
            let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, body)
        })
    }

    fn post(&self, path: &str, device: bool, body: Vec<u8>) -> Request<Body> {
        let mut req = Request::post(path)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .header("Snap-Device-Series", "16")
            .header("Snap-Device-Architecture", "amd64")
            .header("Snap-Device-Store", fixture::STORE_ID);
        if device {
            req = req.header("Snap-Device-Authorization", &self.authorization);
        }
        req.body(Body::from(body)).unwrap()
    }

    fn refresh_body(&self, revision: i32) -> Vec<u8> {
        serde_json::to_vec(&fixture::refresh_request(&self.snap_ids, revision)).unwrap()
    }

    fn refresh(&self, body: &[u8]) -> bytes::Bytes {
        let (status, answer) = self.call(self.post("/v2/snaps/refresh", true, body.to_vec()));
        assert_eq!(
            status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&answer)
        );
        answer
    }

    /// A nonce from the store (timed by the caller).
    fn nonce(&self) -> String {
        let (status, body) = self.call(self.post("/api/v1/snaps/auth/nonces", false, vec![]));
        assert_eq!(status, StatusCode::OK);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        v["nonce"].as_str().unwrap().to_string()
    }

    /// The session request body for `nonce`, signed by the device key.
    fn session_body(&self, nonce: &str) -> Vec<u8> {
        let dsr = ucore::serial::build_device_session_request(
            &self.serial,
            self.device_key.as_ref(),
            nonce,
            Timestamp::now(),
        )
        .unwrap();
        let text = |a: &Assertion| String::from_utf8(a.encode()).unwrap();
        serde_json::to_vec(&SessionRequest {
            device_session_request: text(&dsr),
            serial_assertion: text(&self.serial),
            model_assertion: text(&self.model),
        })
        .unwrap()
    }

    fn session(&self, body: Vec<u8>) -> String {
        let (status, answer) = self.call(self.post("/api/v1/snaps/auth/sessions", false, body));
        assert_eq!(
            status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&answer)
        );
        let v: serde_json::Value = serde_json::from_slice(&answer).unwrap();
        v["macaroon"].as_str().unwrap().to_string()
    }

    fn open_session(&self) -> String {
        let nonce = self.nonce();
        self.session(self.session_body(&nonce))
    }

    /// Checks once that the refresh answers what the figures claim.
    fn check(&self) {
        let answer: SnapActionResponse =
            serde_json::from_slice(&self.refresh(&self.refresh_body(1))).unwrap();
        assert_eq!(answer.results.len(), SNAPS);
        assert!(
            answer
                .results
                .iter()
                .all(|r| r.result == "refresh" && r.snap.as_ref().is_some_and(|s| s.revision == 2))
        );
        let answer: SnapActionResponse =
            serde_json::from_slice(&self.refresh(&self.refresh_body(2))).unwrap();
        // up to date: each snap is answered at its installed revision (snapd reads that
        // as no update), as snapd's stores do
        assert!(
            answer
                .results
                .iter()
                .all(|r| r.snap.as_ref().is_some_and(|s| s.revision == 2)),
            "{:?}",
            answer.results.first()
        );
    }
}

fn bench(c: &mut Criterion) {
    let b = Bench::new();
    b.check();
    let updates = b.refresh_body(1);
    let up_to_date = b.refresh_body(2);
    println!(
        "refresh request: {} bytes; answer with 200 updates: {} bytes",
        updates.len(),
        b.refresh(&updates).len()
    );
    c.bench_function("refresh_200_updates", |bn| bn.iter(|| b.refresh(&updates)));
    c.bench_function("refresh_200_up_to_date", |bn| {
        bn.iter(|| b.refresh(&up_to_date))
    });
    c.bench_function("session_nonce_plus_open", |bn| {
        bn.iter_custom(|iters| session_rounds(&b, iters).0)
    });
}

/// `iters` nonce + session rounds: the wall and process CPU time of the store's part
/// (the device's signature is made between the two, untimed).
fn session_rounds(b: &Bench, iters: u64) -> (Duration, Duration) {
    let (mut wall, mut cpu) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..iters {
        let (t, c) = (Instant::now(), process_cpu());
        let nonce = b.nonce();
        wall += t.elapsed();
        cpu += process_cpu() - c;
        let body = b.session_body(&nonce);
        let (t, c) = (Instant::now(), process_cpu());
        b.session(body);
        wall += t.elapsed();
        cpu += process_cpu() - c;
    }
    (wall, cpu)
}

/// Wall and process CPU time per call of `f`, over `n` calls.
fn per_request(n: u32, mut f: impl FnMut()) -> (Duration, Duration) {
    let (t, c) = (Instant::now(), process_cpu());
    for _ in 0..n {
        f();
    }
    ((t.elapsed()) / n, (process_cpu() - c) / n)
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn cpu_table() {
    let n = std::env::var("UCORE_STORE_BENCH_REQUESTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n: &u32| n > 0)
        .unwrap_or(REQUESTS);
    let b = Bench::new();
    b.check();
    let updates = b.refresh_body(1);
    let up_to_date = b.refresh_body(2);
    // warm-up: statement caches, allocator, page cache
    per_request(n / 10 + 1, || {
        b.refresh(&updates);
    });
    println!("\nstore CPU per request ({n} in a row, one at a time; target: refresh ≤ 2 ms)");
    println!("| request | wall | process CPU |");
    println!("|---|---|---|");
    for _round in 0..3 {
        for (what, body) in [("200 updates", &updates), ("up to date", &up_to_date)] {
            let (w, c) = per_request(n, || {
                b.refresh(body);
            });
            println!("| refresh, {SNAPS} snaps, {what} | {} | {} |", ms(w), ms(c));
        }
        let rounds = u64::from(n / 5).max(1);
        let (w, c) = session_rounds(&b, rounds);
        let per = |d: Duration| d / u32::try_from(rounds).unwrap_or(1);
        println!("| nonce + session | {} | {} |", ms(per(w)), ms(per(c)));
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5));
    targets = bench
}

fn main() {
    let cpu_only = std::env::args().any(|a| a == "cpu-only");
    if !cpu_only {
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
    // `cargo bench` passes --bench; `cargo test --benches` does not: keep it quick then.
    if std::env::args().any(|a| a == "--bench") || cpu_only {
        cpu_table();
    }
}
