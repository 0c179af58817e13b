//! The server on real sockets: each timeout closes its connection and is reported to the
//! [`Events`]; at the cap, [`AtCap::Refuse`] closes new connections at once and
//! [`AtCap::Wait`] serves them when a place frees up; shutdown ends within its timeout
//! while a client holds a half-sent head; the request layer echoes request ids and hands
//! the observer the endpoint, status and [`ErrorCode`].

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use ucore_http_server::trace::{Answer, Observer};
use ucore_http_server::{AtCap, ErrorCode, Events, Limits, Serve, Shutdown, Timeout};

/// Timeouts under test run out after this; the others never do in a test (`LONG`), and a
/// client gives the server `PATIENCE` to act.
const SHORT: Duration = Duration::from_millis(300);
const LONG: Duration = Duration::from_secs(30);
const PATIENCE: Duration = Duration::from_secs(3);

/// Limits where only the timeouts in `short` run out (and the shutdown one, with
/// `short_shutdown`), with `max_connections`.
fn limits_with(short: &[Timeout], short_shutdown: bool, max_connections: usize) -> Limits {
    let pick = |t: Timeout| if short.contains(&t) { SHORT } else { LONG };
    Limits {
        header_timeout: pick(Timeout::Header),
        idle_timeout: pick(Timeout::Idle),
        body_timeout: pick(Timeout::Body),
        request_timeout: pick(Timeout::Request),
        max_connections,
        shutdown_timeout: if short_shutdown { SHORT } else { LONG },
    }
}

/// Events counted.
#[derive(Default)]
struct Counted {
    opened: AtomicU64,
    closed: AtomicU64,
    timeouts: Mutex<Vec<Timeout>>,
    cap: AtomicU64,
}

impl Events for Counted {
    fn connection_opened(&self) {
        self.opened.fetch_add(1, Ordering::SeqCst);
    }
    fn connection_closed(&self) {
        self.closed.fetch_add(1, Ordering::SeqCst);
    }
    fn timed_out(&self, limit: Timeout) {
        self.timeouts.lock().unwrap().push(limit);
    }
    fn cap_reached(&self) {
        self.cap.fetch_add(1, Ordering::SeqCst);
    }
}

fn app() -> Router {
    Router::new()
        .route("/hello", get(|| async { "hello" }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        )
        .route(
            "/missing",
            get(|| async {
                let mut r = (StatusCode::NOT_FOUND, "no such thing").into_response();
                r.extensions_mut().insert(ErrorCode("not-found"));
                r
            }),
        )
}

/// A server on its own runtime thread.
struct Running {
    addr: SocketAddr,
    events: Arc<Counted>,
    shutdown: Shutdown,
    rt: tokio::runtime::Runtime,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    fn start(limits: Limits, at_cap: AtCap, app: Router) -> Running {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let events = Arc::new(Counted::default());
        let shutdown = Shutdown::new();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let serve = Serve::new(limits)
            .at_cap(at_cap)
            .events(Arc::clone(&events) as Arc<dyn Events>)
            .name("test");
        let task = rt.spawn(ucore_http_server::serve(listener, app, serve, &shutdown));
        Running {
            addr,
            events,
            shutdown,
            rt,
            task: Some(task),
        }
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(self.addr).unwrap();
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        s
    }

    fn timeouts(&self) -> Vec<Timeout> {
        self.events.timeouts.lock().unwrap().clone()
    }

    /// Triggers shutdown and waits for the server; how long that took.
    fn stop(&mut self) -> Duration {
        let start = Instant::now();
        self.shutdown.trigger();
        if let Some(task) = self.task.take() {
            self.rt.block_on(task).unwrap();
        }
        start.elapsed()
    }
}

/// Sends `GET path` and reads the answer's head and body (Content-Length bodies only),
/// one byte at a time so that nothing of a next answer is consumed.
fn get_path(s: &mut TcpStream, path: &str, extra: &str) -> String {
    write!(s, "GET {path} HTTP/1.1\r\nHost: t\r\n{extra}\r\n").unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).expect("an answer");
        head.push(byte[0]);
    }
    let mut answer = String::from_utf8(head).unwrap();
    let length = answer
        .lines()
        .find_map(|l| l.strip_prefix("content-length: ")?.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    s.read_exact(&mut body).expect("the body");
    answer.push_str(&String::from_utf8_lossy(&body));
    answer
}

/// Whether the server closes `s` within [`PATIENCE`] (end of stream or a reset).
fn closed_by_server(s: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    let start = Instant::now();
    while start.elapsed() < PATIENCE {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return true,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false;
            }
            Err(e) => panic!("{e}"),
        }
    }
    false
}

fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < PATIENCE, "{what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_slow_head_and_an_idle_connection_are_closed_and_reported() {
    let short = [Timeout::Header, Timeout::Idle];
    let r = Running::start(limits_with(&short, false, 8), AtCap::Refuse, app());
    let mut slow = r.connect();
    slow.write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\n")
        .unwrap();
    assert!(closed_by_server(&mut slow));
    let mut idle = r.connect();
    assert!(get_path(&mut idle, "/hello", "").ends_with("hello"));
    assert!(closed_by_server(&mut idle));
    wait_until("both reported", || r.timeouts().len() == 2);
    let mut t = r.timeouts();
    t.sort_by_key(|t| format!("{t:?}"));
    assert_eq!(t, [Timeout::Header, Timeout::Idle]);
    wait_until("both closed", || {
        r.events.closed.load(Ordering::SeqCst) == 2
    });
    assert_eq!(r.events.opened.load(Ordering::SeqCst), 2);
}

#[test]
fn a_slow_handler_runs_into_the_request_timeout() {
    let short = [Timeout::Request];
    let r = Running::start(limits_with(&short, false, 8), AtCap::Refuse, app());
    let mut s = r.connect();
    s.write_all(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        .unwrap();
    assert!(closed_by_server(&mut s));
    wait_until("reported", || r.timeouts() == [Timeout::Request]);
}

/// A server with a cap of one connection and `at_cap`, its one connection served once,
/// and a second connection that sent a request.
fn at_cap(at_cap: AtCap) -> (Running, TcpStream, TcpStream) {
    let r = Running::start(limits_with(&[], false, 1), at_cap, app());
    let mut first = r.connect();
    assert!(get_path(&mut first, "/hello", "").ends_with("hello"));
    let mut second = r.connect();
    let _ = second.write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    (r, first, second)
}

#[test]
fn at_the_cap_refuse_closes_new_connections_at_once() {
    let (r, mut first, mut second) = at_cap(AtCap::Refuse);
    assert!(closed_by_server(&mut second));
    wait_until("refusal reported", || {
        r.events.cap.load(Ordering::SeqCst) == 1
    });
    // The first is still served.
    assert!(get_path(&mut first, "/hello", "").ends_with("hello"));
}

#[test]
fn at_the_cap_wait_serves_new_clients_when_a_place_frees_up() {
    let (r, first, mut second) = at_cap(AtCap::Wait);
    second
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buf = [0u8; 16];
    let waiting = second.read(&mut buf);
    assert!(
        matches!(&waiting, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "{waiting:?}"
    );
    wait_until("cap reported", || r.events.cap.load(Ordering::SeqCst) == 1);
    drop(first);
    second.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut got = String::new();
    while !got.ends_with("hello") {
        let n = second.read(&mut buf).unwrap();
        assert!(n > 0, "closed: {got}");
        got.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");
}

#[test]
fn shutdown_ends_within_its_timeout_despite_a_half_sent_head() {
    let mut r = Running::start(limits_with(&[], true, 8), AtCap::Refuse, app());
    let mut held = r.connect();
    held.write_all(b"GET /hello HTTP/1.1\r\n").unwrap();
    wait_until("accepted", || r.events.opened.load(Ordering::SeqCst) == 1);
    let took = r.stop();
    assert!(took < PATIENCE, "{took:?}");
    assert!(TcpStream::connect(r.addr).is_err(), "still accepting");
}

/// What the observer heard of one answer: endpoint, status, error code.
type Heard = (String, u16, Option<&'static str>);

/// Observer: endpoints by path; answers are kept.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Heard>>>);

impl Observer for Seen {
    type Endpoint = &'static str;

    fn endpoint(&self, _method: &Method, path: &str) -> &'static str {
        match path {
            "/hello" => "hello",
            "/missing" => "missing",
            _ => "other",
        }
    }

    fn answered(&self, a: &Answer<&'static str>) {
        let entry = (a.endpoint.to_string(), a.status.as_u16(), a.code);
        self.0.lock().unwrap().push(entry);
    }
}

#[test]
fn the_request_layer_echoes_ids_and_tells_the_observer() {
    let seen = Seen::default();
    let r = Running::start(
        limits_with(&[], false, 8),
        AtCap::Refuse,
        ucore_http_server::observed(app(), seen.clone()),
    );
    let mut s = r.connect();
    let hello = get_path(&mut s, "/hello", "X-Request-Id: proxy-7\r\n");
    assert!(hello.contains("x-request-id: proxy-7\r\n"), "{hello}");
    let missing = get_path(&mut s, "/missing", "X-Request-Id: bad id!\r\n");
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    let id = missing
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id: "))
        .unwrap();
    assert_ne!(id, "bad id!");
    assert!(get_path(&mut s, "/nowhere", "").starts_with("HTTP/1.1 404"));
    assert_eq!(
        *seen.0.lock().unwrap(),
        [
            ("hello".to_string(), 200, None),
            ("missing".to_string(), 404, Some("not-found")),
            ("other".to_string(), 404, None),
        ]
    );
}
