//! The server's limits on real sockets: idle, header and body timeouts close the
//! connection; connections over the cap are closed at once while those under it are
//! served; shutdown ends within its timeout while a client holds a half-sent header.
//! Timeouts here are short (a few hundred milliseconds), set through [`ServerLimits`].

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::TestVault;
use ucore_serial_vault::{ServerLimits, Settings};

/// Long enough never to run out during a test.
const LONG: Duration = Duration::from_secs(30);
/// The limit under test.
const SHORT: Duration = Duration::from_millis(300);
/// How long a client waits for the server to act before the test fails.
const PATIENCE: Duration = Duration::from_secs(2);

fn limits() -> ServerLimits {
    ServerLimits {
        header_timeout: LONG,
        idle_timeout: LONG,
        body_timeout: LONG,
        request_timeout: LONG,
        max_connections: 64,
        shutdown_timeout: LONG,
    }
}

fn vault(limits: ServerLimits) -> TestVault {
    TestVault::start_with_limits("sqlite::memory:", Settings::default(), limits)
}

fn signing_addr(tv: &TestVault) -> SocketAddr {
    tv.running.as_ref().unwrap().signing_addr
}

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    s
}

/// Sends `GET /v1/version` and reads the response; its status line.
fn version(s: &mut TcpStream) -> String {
    s.write_all(b"GET /v1/version HTTP/1.1\r\nHost: vault\r\n\r\n")
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = s.read(&mut buf).expect("a response");
        assert!(n > 0, "closed before the response");
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .expect("a content-length");
            if got.len() >= end + 4 + length {
                return text.lines().next().unwrap_or("").to_string();
            }
        }
    }
}

/// Waits for the server to close `s` (without answering); how long that took.
fn closed_after(s: &mut TcpStream) -> Duration {
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    match s.read(&mut buf) {
        Ok(0) => {}
        Ok(n) => panic!(
            "the server answered instead of closing: {:?}",
            String::from_utf8_lossy(&buf[..n])
        ),
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        Err(e) => panic!("the connection stayed open ({e})"),
    }
    start.elapsed()
}

/// A limit ran out: not before it, and well before a client gives up.
fn ran_out(elapsed: Duration) {
    assert!(
        elapsed + Duration::from_millis(50) >= SHORT,
        "closed too early: {elapsed:?}"
    );
    assert!(elapsed < PATIENCE, "closed too late: {elapsed:?}");
}

#[test]
fn an_idle_connection_is_closed_after_the_idle_timeout() {
    let tv = vault(ServerLimits {
        idle_timeout: SHORT,
        ..limits()
    });
    let mut s = connect(signing_addr(&tv));
    assert_eq!(version(&mut s), "HTTP/1.1 200 OK");
    // Kept alive within the timeout...
    std::thread::sleep(SHORT / 3);
    assert_eq!(version(&mut s), "HTTP/1.1 200 OK");
    // ... and closed after it.
    ran_out(closed_after(&mut s));
}

#[test]
fn a_half_sent_header_is_dropped_after_the_header_timeout() {
    let tv = vault(ServerLimits {
        header_timeout: SHORT,
        ..limits()
    });
    let mut s = connect(signing_addr(&tv));
    s.write_all(b"GET /v1/version HTTP/1.1\r\nHost: vault\r\n")
        .unwrap();
    ran_out(closed_after(&mut s));
    // A connection that sends nothing at all is a slow head too.
    let mut silent = connect(signing_addr(&tv));
    ran_out(closed_after(&mut silent));
}

#[test]
fn a_slow_body_is_dropped_after_the_body_timeout() {
    let tv = vault(ServerLimits {
        body_timeout: SHORT,
        ..limits()
    });
    let mut s = connect(signing_addr(&tv));
    let head = format!(
        "POST /v1/serial HTTP/1.1\r\nHost: vault\r\napi-key: {}\r\n\
         Content-Type: application/x.ubuntu.assertion\r\nContent-Length: 1000\r\n\r\n",
        tv.api_key
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(b"type: serial-request\n").unwrap();
    ran_out(closed_after(&mut s));
}

#[test]
fn the_request_timeout_bounds_a_body_that_keeps_trickling() {
    let tv = vault(ServerLimits {
        request_timeout: SHORT,
        ..limits()
    });
    let mut s = connect(signing_addr(&tv));
    s.write_all(b"POST /v1/serial HTTP/1.1\r\nHost: vault\r\nContent-Length: 1000\r\n\r\n")
        .unwrap();
    let start = Instant::now();
    // A byte every 50 ms keeps the body moving, but not the request within its limit.
    let mut refused = false;
    while start.elapsed() < PATIENCE {
        if s.write_all(b"x").is_err() {
            refused = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
        s.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 16];
        let read = s.read(&mut buf);
        s.set_nonblocking(false).unwrap();
        match read {
            Ok(0) => {
                refused = true;
                break;
            }
            Ok(n) => panic!("answered: {:?}", String::from_utf8_lossy(&buf[..n])),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(_) => {
                refused = true;
                break;
            }
        }
    }
    assert!(refused, "the trickling request was never cut off");
    ran_out(start.elapsed());
}

#[test]
fn connections_over_the_cap_are_closed_while_those_under_it_answer() {
    let tv = vault(ServerLimits {
        max_connections: 2,
        ..limits()
    });
    let addr = signing_addr(&tv);
    let mut a = connect(addr);
    assert_eq!(version(&mut a), "HTTP/1.1 200 OK");
    let mut b = connect(addr);
    assert_eq!(version(&mut b), "HTTP/1.1 200 OK");
    // Over the cap: closed at once, long before any timeout.
    for _ in 0..3 {
        let mut over = connect(addr);
        let elapsed = closed_after(&mut over);
        assert!(elapsed < PATIENCE, "{elapsed:?}");
    }
    // Those under the cap are still served.
    assert_eq!(version(&mut a), "HTTP/1.1 200 OK");
    // The admin API has its own cap.
    let admin = tv.running.as_ref().unwrap().admin_addr.unwrap();
    let mut admin = connect(admin);
    admin
        .write_all(b"GET /admin/v1/keys HTTP/1.1\r\nHost: vault\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 64];
    let n = admin.read(&mut buf).unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 "), "{:?}", &buf[..n]);
    // A place freed is taken again.
    drop(b);
    let start = Instant::now();
    loop {
        let mut c = connect(addr);
        c.write_all(b"GET /v1/version HTTP/1.1\r\nHost: vault\r\n\r\n")
            .unwrap();
        let mut buf = [0u8; 64];
        match c.read(&mut buf) {
            Ok(n) if n > 0 => {
                assert!(buf[..n].starts_with(b"HTTP/1.1 200 OK"));
                break;
            }
            _ => assert!(start.elapsed() < PATIENCE, "the freed place was not reused"),
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn shutdown_ends_within_its_timeout_while_a_header_is_half_sent() {
    let mut tv = vault(ServerLimits {
        shutdown_timeout: SHORT,
        ..limits()
    });
    let mut s = connect(signing_addr(&tv));
    s.write_all(b"GET /v1/version HTTP/1.1\r\nHost: vault\r\n")
        .unwrap();
    // Also a request whose body never comes.
    let mut t = connect(signing_addr(&tv));
    t.write_all(b"POST /v1/serial HTTP/1.1\r\nHost: vault\r\nContent-Length: 10\r\n\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let running = tv.running.take().unwrap();
    let start = Instant::now();
    tv.rt.block_on(running.shutdown());
    let took = start.elapsed();
    // The request waiting for its body holds shutdown up until the timeout drops it.
    ran_out(took);
    closed_after(&mut s);
    closed_after(&mut t);
}
