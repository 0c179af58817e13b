//! Errors on the wire, on a real socket: every refusal — the store's, axum's (body too
//! large, JSON that does not parse, no such route, wrong method), a handler's panic, a
//! handler out of time — is snapd's `{"error-list": […]}` JSON; and the service routes
//! (health, metrics) with their request ids.

mod server_support;

use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use server_support::{get as get_req, send, settings, store};
use ucore_store::http::{serve_router, with_layers};
use ucore_store::metrics::Metrics;

async fn echo(axum::Json(v): axum::Json<serde_json::Value>) -> axum::Json<serde_json::Value> {
    axum::Json(v)
}

async fn boom() -> &'static str {
    panic!("a handler bug")
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(5)).await;
    "late"
}

fn post_json(path: &str, content_type: Option<&str>, body: &str) -> Vec<u8> {
    let ct = content_type
        .map(|c| format!("Content-Type: {c}\r\n"))
        .unwrap_or_default();
    format!(
        "POST {path} HTTP/1.1\r\nHost: store\r\nConnection: close\r\n{ct}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[tokio::test]
async fn every_refusal_is_an_error_list() {
    let mut s = settings();
    s.max_body_size = 1024;
    s.limits.request_timeout = Duration::from_millis(300);
    let (store, _dir) = store(s, Metrics::new()).await;
    let test_routes = Router::new()
        .route("/echo", post(echo))
        .route("/boom", get(boom))
        .route("/slow", get(slow));
    let app = with_layers(
        ucore_store::http::routes(store.clone()).merge(test_routes),
        &store,
    );
    let running = serve_router(app, store.clone(), "127.0.0.1:0".parse().unwrap(), false)
        .await
        .unwrap();
    let addr = running.addr;

    // The routes work.
    let ok = send(
        addr,
        &post_json("/echo", Some("application/json"), r#"{"a":1}"#),
    )
    .await;
    assert_eq!((ok.status, ok.text()), (200, r#"{"a":1}"#.to_string()));

    // Too large: 413.
    let big = format!(r#"{{"a":"{}"}}"#, "x".repeat(4096));
    let a = send(addr, &post_json("/echo", Some("application/json"), &big)).await;
    assert_eq!(a.status, 413, "{a:?}");
    assert_eq!(a.error_list().error_list[0].code, "too-large");

    // JSON that does not parse: 400, with axum's text.
    let a = send(addr, &post_json("/echo", Some("application/json"), "{nope")).await;
    assert_eq!(a.status, 400, "{a:?}");
    let e = a.error_list();
    assert_eq!(e.error_list[0].code, "invalid-request");
    assert!(e.error_list[0].message.contains("JSON"), "{e:?}");

    // No content type: 415.
    let a = send(addr, &post_json("/echo", None, "{}")).await;
    assert_eq!(a.status, 415, "{a:?}");
    assert_eq!(a.error_list().error_list[0].code, "unsupported-media-type");

    // No such route: 404.
    let a = send(addr, &get_req("/v2/nothing/here")).await;
    assert_eq!(a.status, 404);
    let e = a.error_list();
    assert_eq!(e.error_list[0].code, "not-found");
    assert_eq!(
        e.error_list[0].message,
        "no such endpoint: GET /v2/nothing/here"
    );

    // Wrong method: 405, keeping its Allow header.
    let a = send(addr, &post_json("/", Some("application/json"), "{}")).await;
    assert_eq!(a.status, 405, "{a:?}");
    assert!(
        a.header("allow").is_some_and(|v| v.contains("GET")),
        "{a:?}"
    );
    assert_eq!(a.error_list().error_list[0].code, "method-not-allowed");

    // A panic: 500, and the server carries on.
    let a = send(addr, &get_req("/boom")).await;
    assert_eq!(a.status, 500);
    assert_eq!(
        a.error_list().error_list[0].message,
        "internal error while handling the request"
    );
    let ok = send(addr, &post_json("/echo", Some("application/json"), "[]")).await;
    assert_eq!(ok.status, 200);

    // Out of time: 503, which snapd retries.
    let started = std::time::Instant::now();
    let a = send(addr, &get_req("/slow")).await;
    assert_eq!(a.status, 503);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(a.error_list().error_list[0].code, "service-unavailable");

    // Counted.
    let m = store.metrics.render();
    for line in [
        "ucore_store_panics_total 1",
        "ucore_store_request_timeouts_total 1",
        "ucore_store_errors_total{code=\"too-large\"} 1",
        "ucore_store_errors_total{code=\"not-found\"} 1",
        "ucore_store_errors_total{code=\"internal-error\"} 1",
        "ucore_store_requests_total{endpoint=\"other\",status=\"5xx\"} 2",
    ] {
        assert!(m.lines().any(|l| l == line), "{line} not in\n{m}");
    }
    running.shutdown().await;
}

#[tokio::test]
async fn health_metrics_and_request_ids() {
    let (store, _dir) = store(settings(), Metrics::with_token("t0ken")).await;
    let running = ucore_store::http::serve(store.clone(), "127.0.0.1:0".parse().unwrap(), false)
        .await
        .unwrap();
    let addr = running.addr;
    assert_eq!(running.url(), format!("http://{addr}"));

    let a = send(addr, &get_req("/")).await;
    assert_eq!(a.status, 200);
    let h: ucore_store::http::Health = serde_json::from_slice(&a.body).unwrap();
    assert_eq!(h.store_id, "test-store");
    assert_eq!(h.name, "ucore-store");
    let id = a.header("x-request-id").unwrap().to_string();
    assert!(!id.is_empty());

    // The caller's request id is kept.
    let a = send(
        addr,
        b"GET / HTTP/1.1\r\nHost: s\r\nX-Request-Id: abc-1\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(a.header("x-request-id"), Some("abc-1"));

    // HEAD / for connectivity checks.
    let a = send(
        addr,
        b"HEAD / HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(a.status, 200);

    // The metrics need the token.
    let a = send(addr, &get_req("/metrics")).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.error_list().error_list[0].code, "unauthorized");
    let a = send(
        addr,
        b"GET /metrics HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer t0ken\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(a.status, 200);
    assert!(a.header("content-type").unwrap().starts_with("text/plain"));
    let text = a.text();
    assert!(
        text.lines()
            .any(|l| l == "ucore_store_requests_total{endpoint=\"health\",status=\"2xx\"} 3"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l == "ucore_store_requests_total{endpoint=\"metrics\",status=\"4xx\"} 1"),
        "{text}"
    );
    running.shutdown().await;
}
