//! One connection: hyper's HTTP/1 on the socket, and a watchdog that knows what the
//! connection is waiting for and closes it when that takes longer than its limit
//! ([`Limits`]):
//!
//! * **head**: from the connection's start, or from the first byte after an idle spell,
//!   until hyper hands a complete request head over: `header_timeout`;
//! * **body**: from the request head until its body has been read (or dropped unread):
//!   `body_timeout`, and the request's own limit;
//! * **handler**: until the response has been sent: `request_timeout`, counted from the
//!   request head;
//! * **idle**: between requests on a keep-alive connection: `idle_timeout`.
//!
//! A limit of [`UNLIMITED`](crate::UNLIMITED) never runs out. The handler sees the
//! client's address as axum's `ConnectInfo<SocketAddr>` extension.
//!
//! hyper's own header timeout is left off: it also runs while the connection is idle, so
//! the idle timeout could not be longer than the header timeout.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use bytes::Bytes;
use hyper::body::{Body as _, Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Notify, OwnedSemaphorePermit, watch};
use tokio::time::Instant;
use tower::ServiceExt as _;

use crate::events::{Events, Timeout};
use crate::limits::Limits;

/// What a connection is waiting for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wait {
    /// A request head.
    Head,
    /// The rest of a request body.
    Body,
    /// The handler and the response.
    Handler,
    /// Nothing: a keep-alive connection between requests.
    Idle,
}

#[derive(Debug)]
struct State {
    wait: Wait,
    /// When `wait` began.
    since: Instant,
    /// When the current request's head arrived.
    request_since: Instant,
    /// Requests handed over whose responses are not sent yet (hyper answers them in
    /// order; more than one only when a client pipelines).
    open_requests: usize,
}

/// The connection's state, shared by the socket (bytes read), the request and response
/// bodies, and the watchdog.
#[derive(Debug)]
struct Watch {
    state: Mutex<State>,
    changed: Notify,
}

impl Watch {
    fn new() -> Self {
        let now = Instant::now();
        Watch {
            state: Mutex::new(State {
                wait: Wait::Head,
                since: now,
                request_since: now,
                open_requests: 0,
            }),
            changed: Notify::new(),
        }
    }

    fn update(&self, f: impl FnOnce(&mut State, Instant)) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut state, Instant::now());
        drop(state);
        self.changed.notify_one();
    }

    /// Bytes arrived: an idle connection starts a request head.
    fn bytes_read(&self) {
        let idle = self
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .wait
            == Wait::Idle;
        if idle {
            self.update(|s, now| {
                if s.wait == Wait::Idle {
                    s.wait = Wait::Head;
                    s.since = now;
                }
            });
        }
    }

    /// hyper handed a request head over; `body_done` when it has no body to wait for.
    fn request_started(&self, body_done: bool) {
        self.update(|s, now| {
            s.open_requests = s.open_requests.saturating_add(1);
            s.wait = if body_done { Wait::Handler } else { Wait::Body };
            s.since = now;
            s.request_since = now;
        });
    }

    /// The request body was read to its end, failed, or was dropped.
    fn body_done(&self) {
        self.update(|s, now| {
            if s.wait == Wait::Body {
                s.wait = Wait::Handler;
                s.since = now;
            }
        });
    }

    /// A response was sent (or dropped).
    fn response_done(&self) {
        self.update(|s, now| {
            s.open_requests = s.open_requests.saturating_sub(1);
            if s.open_requests == 0 {
                s.wait = Wait::Idle;
                s.since = now;
            }
        });
    }

    /// When the connection's current wait runs out, and which limit that is.
    fn deadline(&self, limits: &Limits) -> (Instant, Timeout) {
        let s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let request = (
            later(s.request_since, limits.request_timeout),
            Timeout::Request,
        );
        match s.wait {
            Wait::Head => (later(s.since, limits.header_timeout), Timeout::Header),
            Wait::Idle => (later(s.since, limits.idle_timeout), Timeout::Idle),
            Wait::Handler => request,
            Wait::Body => {
                let body = (later(s.since, limits.body_timeout), Timeout::Body);
                if body.0 <= request.0 { body } else { request }
            }
        }
    }
}

/// `at + limit`, or about thirty years on when that does not fit.
fn later(at: Instant, limit: std::time::Duration) -> Instant {
    at.checked_add(limit)
        .unwrap_or_else(|| at + std::time::Duration::from_secs(30 * 365 * 86_400))
}

/// The socket, telling the watch when bytes arrive.
struct WatchedStream {
    stream: TcpStream,
    watch: Arc<Watch>,
}

impl AsyncRead for WatchedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let filled = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > filled {
            self.watch.bytes_read();
        }
        polled
    }
}

impl AsyncWrite for WatchedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// A body that tells the watch once it is over: a request body when read to its end,
/// failed, or dropped by a handler that did not want it (`at_end`); a response body when
/// dropped, after hyper sent it (or gave up).
struct Tracked<B> {
    inner: B,
    /// Taken when told.
    watch: Option<Arc<Watch>>,
    /// What to tell it.
    over: fn(&Watch),
    /// Whether the end of the stream is already "over" (else only the drop is).
    at_end: bool,
}

impl<B> Tracked<B> {
    fn new(inner: B, watch: Arc<Watch>, over: fn(&Watch), at_end: bool) -> Self {
        Tracked {
            inner,
            watch: Some(watch),
            over,
            at_end,
        }
    }

    fn tell(&mut self) {
        if let Some(watch) = self.watch.take() {
            (self.over)(&watch);
        }
    }
}

impl<B> Drop for Tracked<B> {
    fn drop(&mut self) {
        self.tell();
    }
}

impl<B> hyper::body::Body for Tracked<B>
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        let ended = match &polled {
            Poll::Ready(None | Some(Err(_))) => true,
            Poll::Ready(Some(Ok(_))) => self.inner.is_end_stream(),
            Poll::Pending => false,
        };
        if ended && self.at_end {
            self.tell();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// An accepted connection and its place under the connection cap (given back when the
/// connection ends).
pub(crate) struct Accepted {
    /// The socket.
    pub stream: TcpStream,
    /// The client's address.
    pub peer: SocketAddr,
    /// The connection's place under the cap.
    pub permit: OwnedSemaphorePermit,
}

/// Serves one connection with `app` until the client leaves, a limit runs out, or
/// shutdown is asked for (then the request in progress finishes and the connection
/// closes; the accept loop drops it after the shutdown timeout).
pub(crate) async fn serve(
    accepted: Accepted,
    app: Router,
    limits: Arc<Limits>,
    events: Arc<dyn Events>,
    mut stopped: watch::Receiver<bool>,
) {
    let Accepted {
        stream,
        peer,
        permit,
    } = accepted;
    events.connection_opened();
    serve_connection(stream, peer, app, &limits, &*events, &mut stopped).await;
    events.connection_closed();
    drop(permit);
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: &Limits,
    events: &dyn Events,
    stopped: &mut watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let watch = Arc::new(Watch::new());
    let io = TokioIo::new(WatchedStream {
        stream,
        watch: Arc::clone(&watch),
    });
    let service_watch = Arc::clone(&watch);
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let watch = Arc::clone(&service_watch);
        watch.request_started(request.body().is_end_stream());
        let mut request = request.map(|inner| {
            Body::new(Tracked::new(
                inner,
                Arc::clone(&watch),
                Watch::body_done,
                true,
            ))
        });
        request.extensions_mut().insert(ConnectInfo(peer));
        let answer = app.clone().oneshot(request);
        async move {
            let response = answer.await?;
            Ok::<_, std::convert::Infallible>(
                response.map(|inner| Tracked::new(inner, watch, Watch::response_done, false)),
            )
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(None)
        .keep_alive(true);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    let mut draining = false;
    loop {
        let (at, _) = watch.deadline(limits);
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
                return;
            }
            () = tokio::time::sleep_until(at) => {
                // The wait may have changed since its deadline was read.
                let (at, why) = watch.deadline(limits);
                if at <= Instant::now() {
                    events.timed_out(why);
                    tracing::debug!(%peer, "{why}; closing the connection");
                    return;
                }
            }
            () = watch.changed.notified() => {}
            () = async { let _ = stopped.wait_for(|stop| *stop).await; }, if !draining => {
                conn.as_mut().graceful_shutdown();
                draining = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn limits() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            body_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            ..Limits::default()
        }
    }

    /// The deadline is `secs` from now (give or take a little) and is `why`'s.
    fn due_in(watch: &Watch, secs: u64, why: Timeout) -> bool {
        let (at, w) = watch.deadline(&limits());
        let expected = Instant::now() + Duration::from_secs(secs);
        let slack = Duration::from_millis(50);
        w == why && at <= expected + slack && at + slack >= expected
    }

    #[tokio::test]
    async fn each_wait_has_its_limit() {
        let w = Watch::new();
        assert!(due_in(&w, 10, Timeout::Header));
        w.request_started(false);
        assert!(due_in(&w, 5, Timeout::Body));
        // Bytes of a body do not start a head.
        w.bytes_read();
        assert!(due_in(&w, 5, Timeout::Body));
        w.body_done();
        assert!(due_in(&w, 30, Timeout::Request));
        tokio::time::sleep(Duration::from_millis(200)).await;
        w.response_done();
        assert!(due_in(&w, 60, Timeout::Idle));
        tokio::time::sleep(Duration::from_millis(200)).await;
        w.bytes_read();
        assert!(due_in(&w, 10, Timeout::Header));
        // More bytes of the same head do not move its deadline.
        tokio::time::sleep(Duration::from_millis(200)).await;
        w.bytes_read();
        assert!(!due_in(&w, 10, Timeout::Header));
    }

    #[tokio::test]
    async fn the_request_limit_bounds_a_body_too() {
        let l = Limits {
            body_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(1),
            ..limits()
        };
        let w = Watch::new();
        w.request_started(false);
        assert_eq!(w.deadline(&l).1, Timeout::Request);
        // A request without a body waits for its handler at once.
        let w = Watch::new();
        w.request_started(true);
        assert_eq!(w.deadline(&limits()).1, Timeout::Request);
    }

    #[tokio::test]
    async fn unlimited_waits_do_not_run_out() {
        let l = Limits {
            body_timeout: crate::UNLIMITED,
            request_timeout: crate::UNLIMITED,
            ..limits()
        };
        let w = Watch::new();
        w.request_started(false);
        let far = Instant::now() + Duration::from_secs(10 * 365 * 86_400);
        assert!(w.deadline(&l).0 > far);
        w.body_done();
        assert!(w.deadline(&l).0 > far);
    }

    #[tokio::test]
    async fn pipelined_requests_keep_the_connection_busy() {
        let w = Watch::new();
        w.request_started(true);
        w.request_started(true);
        w.response_done();
        assert_eq!(w.deadline(&limits()).1, Timeout::Request);
        w.response_done();
        assert_eq!(w.deadline(&limits()).1, Timeout::Idle);
    }
}
