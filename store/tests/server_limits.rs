//! The server's limits on real sockets: the header timeout (slowloris), the idle
//! timeout, the connection cap (extra clients wait in the backlog and are served as
//! others leave), and graceful shutdown with its deadline.

mod server_support;

use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use server_support::{closed_within, counter, get as get_req, read_answer, send, settings, store};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use ucore_store::Store;
use ucore_store::config::Settings;
use ucore_store::http::{RunningStore, routes, serve_router, with_layers};
use ucore_store::metrics::Metrics;

const HALF_SENT: &[u8] = b"GET / HTTP/1.1\r\nHost: store\r\nUser-Agent: slow";

async fn nap() -> &'static str {
    tokio::time::sleep(Duration::from_millis(400)).await;
    "rested"
}

async fn start(settings: Settings) -> (RunningStore, Store, tempfile::TempDir) {
    let (store, dir) = store(settings, Metrics::new()).await;
    let app = with_layers(
        routes(store.clone()).merge(Router::new().route("/nap", get(nap))),
        &store,
    );
    let running = serve_router(app, store.clone(), "127.0.0.1:0".parse().unwrap(), false)
        .await
        .unwrap();
    (running, store, dir)
}

fn keep_alive_get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: store\r\n\r\n").into_bytes()
}

#[tokio::test]
async fn a_slowloris_client_is_cut_off_after_the_header_timeout() {
    let mut s = settings();
    s.limits.header_read_timeout = Duration::from_millis(500);
    s.limits.idle_timeout = Duration::from_secs(30);
    let (running, store, _dir) = start(s).await;

    let started = Instant::now();
    let mut slow = TcpStream::connect(running.addr).await.unwrap();
    slow.write_all(HALF_SENT).await.unwrap();
    // Trickle a byte now and then: it does not extend the head's time.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let _ = slow.write_all(b"x").await;
    }
    // Meanwhile others are served.
    assert_eq!(send(running.addr, &get_req("/")).await.status, 200);
    assert!(closed_within(&mut slow, Duration::from_secs(3)).await);
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(450), "{took:?}");
    assert!(took < Duration::from_millis(2000), "{took:?}");
    assert_eq!(counter(&store, "ucore_store_header_timeouts_total"), 1);
    running.shutdown().await;
}

#[tokio::test]
async fn idle_connections_are_kept_for_the_idle_timeout_not_the_header_timeout() {
    let mut s = settings();
    s.limits.header_read_timeout = Duration::from_millis(300);
    s.limits.idle_timeout = Duration::from_millis(1200);
    let (running, store, _dir) = start(s).await;

    let mut c = TcpStream::connect(running.addr).await.unwrap();
    c.write_all(&keep_alive_get("/")).await.unwrap();
    assert_eq!(read_answer(&mut c).await.unwrap().status, 200);
    // Idle for longer than the header timeout: still served.
    tokio::time::sleep(Duration::from_millis(600)).await;
    c.write_all(&keep_alive_get("/")).await.unwrap();
    assert_eq!(read_answer(&mut c).await.unwrap().status, 200);
    // Idle past the idle timeout: closed.
    let started = Instant::now();
    assert!(closed_within(&mut c, Duration::from_secs(4)).await);
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(1000), "{took:?}");
    assert_eq!(counter(&store, "ucore_store_idle_timeouts_total"), 1);
    running.shutdown().await;
}

#[tokio::test]
async fn clients_beyond_the_cap_wait_and_are_served_as_others_leave() {
    let mut s = settings();
    s.limits.max_connections = 2;
    s.limits.header_read_timeout = Duration::from_secs(30);
    let (running, store, _dir) = start(s).await;

    // Two clients hold the only two places without sending a thing.
    let mut holders = Vec::new();
    for _ in 0..2 {
        let c = TcpStream::connect(running.addr).await.unwrap();
        holders.push(c);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(store.metrics.connections_open(), 2);

    // Two more connect (the kernel's backlog takes them) and ask; nobody answers yet.
    let mut third = TcpStream::connect(running.addr).await.unwrap();
    third.write_all(&get_req("/")).await.unwrap();
    let mut fourth = TcpStream::connect(running.addr).await.unwrap();
    fourth.write_all(&get_req("/")).await.unwrap();
    let waited = tokio::time::timeout(Duration::from_millis(500), read_answer(&mut third)).await;
    assert!(waited.is_err(), "answered beyond the cap: {waited:?}");

    // One holder leaves: the third is served; the other leaves: the fourth is.
    drop(holders.pop());
    let a = tokio::time::timeout(Duration::from_secs(3), read_answer(&mut third))
        .await
        .expect("served once a place is free")
        .unwrap();
    assert_eq!(a.status, 200);
    drop(holders.pop());
    let a = tokio::time::timeout(Duration::from_secs(3), read_answer(&mut fourth))
        .await
        .expect("served once a place is free")
        .unwrap();
    assert_eq!(a.status, 200);
    assert!(counter(&store, "ucore_store_connection_cap_reached_total") >= 1);
    running.shutdown().await;
}

#[tokio::test]
async fn shutdown_finishes_requests_and_keeps_its_deadline() {
    let mut s = settings();
    s.limits.header_read_timeout = Duration::from_secs(60);
    s.limits.idle_timeout = Duration::from_secs(60);
    s.limits.shutdown_deadline = Duration::from_millis(1000);
    let (running, _store, _dir) = start(s).await;
    let addr = running.addr;

    // A client holds a half-sent request; another waits for a slow handler; a third
    // idles on a keep-alive connection.
    let mut half = TcpStream::connect(addr).await.unwrap();
    half.write_all(HALF_SENT).await.unwrap();
    let mut idle = TcpStream::connect(addr).await.unwrap();
    idle.write_all(&keep_alive_get("/")).await.unwrap();
    assert_eq!(read_answer(&mut idle).await.unwrap().status, 200);
    let napping = tokio::spawn(async move { send(addr, &get_req("/nap")).await });
    tokio::time::sleep(Duration::from_millis(100)).await;

    let started = Instant::now();
    running.shutdown().await;
    let took = started.elapsed();
    // The half-sent request holds its connection until the deadline, then it is dropped.
    assert!(took >= Duration::from_millis(900), "{took:?}");
    assert!(took < Duration::from_millis(2500), "{took:?}");

    // The in-flight request was finished, the idle and the half-sent ones closed.
    let a = napping.await.unwrap();
    assert_eq!((a.status, a.text()), (200, "rested".to_string()));
    assert!(closed_within(&mut idle, Duration::from_millis(100)).await);
    assert!(closed_within(&mut half, Duration::from_millis(100)).await);
    // No longer listening.
    assert!(TcpStream::connect(addr).await.is_err());
}
