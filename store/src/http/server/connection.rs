//! One connection: hyper's HTTP/1 on the socket, watched by a clock that knows which
//! phase the connection is in, and closes it when a phase lasts too long.
//!
//! * **head**: from the connection's start, or from the first byte after an idle
//!   spell, until hyper hands a complete request head to the router: at most
//!   `header_read_timeout` (slowloris);
//! * **busy**: from the request head until the response body is sent (or dropped): no
//!   limit here (the router's time limit bounds the handler; a download streams as long
//!   as it takes);
//! * **idle**: between requests on a keep-alive connection: at most `idle_timeout`.
//!
//! hyper's own header timeout is not used: it also starts while the connection is idle,
//! which would make the idle timeout the header timeout.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use bytes::Bytes;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Notify, OwnedSemaphorePermit, watch};
use tokio::time::Instant;
use tower::ServiceExt as _;

use crate::config::ServerLimits;
use crate::state::Store;

/// An accepted connection, with its place under the connection cap.
pub(super) struct Accepted {
    /// The socket.
    pub stream: TcpStream,
    /// The client's address.
    pub peer: SocketAddr,
    /// Released when the connection ends.
    pub permit: OwnedSemaphorePermit,
}

const HEAD: u8 = 0;
const BUSY: u8 = 1;
const IDLE: u8 = 2;

/// Why the clock closed a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expired {
    Header,
    Idle,
}

/// The phase of a connection and when it began; shared by the socket (bytes read), the
/// service (requests and response bodies) and the watchdog.
#[derive(Debug)]
struct Clock {
    origin: Instant,
    phase: AtomicU8,
    /// When the phase began, in milliseconds since `origin`.
    since_ms: AtomicU64,
    in_flight: AtomicUsize,
    changed: Notify,
}

impl Clock {
    fn new() -> Self {
        Clock {
            origin: Instant::now(),
            phase: AtomicU8::new(HEAD),
            since_ms: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            changed: Notify::new(),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn enter(&self, phase: u8) {
        self.since_ms.store(self.now_ms(), Ordering::Relaxed);
        self.phase.store(phase, Ordering::Release);
        self.changed.notify_one();
    }

    /// Bytes arrived: an idle connection starts a request head.
    fn bytes_read(&self) {
        if self.phase.load(Ordering::Acquire) == IDLE {
            self.enter(HEAD);
        }
    }

    /// hyper handed a request head to the service.
    fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.phase.store(BUSY, Ordering::Release);
    }

    /// A response body was sent or dropped.
    fn request_done(&self) {
        if self.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.enter(IDLE);
        }
    }

    /// When the current phase runs out, if it can.
    fn deadline(&self, limits: &ServerLimits) -> Option<(Instant, Expired)> {
        let (limit, why) = match self.phase.load(Ordering::Acquire) {
            HEAD => (limits.header_read_timeout, Expired::Header),
            IDLE => (limits.idle_timeout, Expired::Idle),
            _ => return None,
        };
        let since = Duration::from_millis(self.since_ms.load(Ordering::Relaxed));
        Some((self.origin + since + limit, why))
    }
}

/// The socket, telling the clock when bytes arrive.
struct Watched {
    stream: TcpStream,
    clock: Arc<Clock>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled
            && buf.filled().len() > before
        {
            self.clock.bytes_read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
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

/// Tells the clock that a request is over when dropped.
struct RequestDone(Arc<Clock>);

impl Drop for RequestDone {
    fn drop(&mut self) {
        self.0.request_done();
    }
}

/// A response body that marks its request over once sent (or dropped).
struct TrackedBody {
    inner: Body,
    _done: RequestDone,
}

impl hyper::body::Body for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Serves one connection until the client leaves, a phase runs out, or shutdown (then
/// the connection finishes its request and closes; the accept loop drops it after the
/// shutdown deadline).
pub(super) async fn serve(
    accepted: Accepted,
    app: Router,
    store: Store,
    mut stopped: watch::Receiver<bool>,
) {
    let Accepted {
        stream,
        peer,
        permit,
    } = accepted;
    let _ = stream.set_nodelay(true);
    let limits = store.settings.limits.clone();
    let clock = Arc::new(Clock::new());
    let io = TokioIo::new(Watched {
        stream,
        clock: Arc::clone(&clock),
    });
    let service_clock = Arc::clone(&clock);
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        service_clock.request_started();
        let done = RequestDone(Arc::clone(&service_clock));
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(peer));
        let answer = app.clone().oneshot(request);
        async move {
            let response = answer.await?;
            Ok::<_, std::convert::Infallible>(
                response.map(|inner| TrackedBody { inner, _done: done }),
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
        let deadline = clock.deadline(&limits);
        let sleep = async {
            match deadline {
                Some((at, _)) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
                break;
            }
            () = sleep => {
                // The phase may have changed since the deadline was computed.
                if let Some((at, why)) = clock.deadline(&limits)
                    && at <= Instant::now()
                {
                    match why {
                        Expired::Header => {
                            store.metrics.header_timeout();
                            tracing::debug!(%peer, "request head too slow; closing");
                        }
                        Expired::Idle => {
                            store.metrics.idle_timeout();
                            tracing::debug!(%peer, "idle connection; closing");
                        }
                    }
                    break;
                }
            }
            () = clock.changed.notified() => {}
            () = async { let _ = stopped.wait_for(|stop| *stop).await; }, if !draining => {
                conn.as_mut().graceful_shutdown();
                draining = true;
            }
        }
    }
    store.metrics.connection_closed();
    drop(permit);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> ServerLimits {
        ServerLimits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            ..ServerLimits::default()
        }
    }

    /// The deadline is `limit` after now, give or take the clock's millisecond.
    fn near(deadline: Option<(Instant, Expired)>, limit: u64, why: Expired) -> bool {
        let Some((at, w)) = deadline else {
            return false;
        };
        let expected = Instant::now() + Duration::from_secs(limit);
        let slack = Duration::from_millis(50);
        w == why && at <= expected + slack && at + slack >= expected
    }

    #[tokio::test]
    async fn phases_have_their_deadlines() {
        let c = Clock::new();
        assert!(near(c.deadline(&limits()), 10, Expired::Header));
        c.request_started();
        assert_eq!(c.deadline(&limits()), None);
        // Bytes of a request body do not start a head.
        c.bytes_read();
        assert_eq!(c.deadline(&limits()), None);
        tokio::time::sleep(Duration::from_millis(200)).await;
        c.request_done();
        assert!(near(c.deadline(&limits()), 60, Expired::Idle));
        tokio::time::sleep(Duration::from_millis(200)).await;
        c.bytes_read();
        assert!(near(c.deadline(&limits()), 10, Expired::Header));
        // More bytes of the same head do not move its deadline.
        tokio::time::sleep(Duration::from_millis(200)).await;
        c.bytes_read();
        assert!(!near(c.deadline(&limits()), 10, Expired::Header));
    }

    #[tokio::test]
    async fn pipelined_requests_keep_the_connection_busy() {
        let c = Clock::new();
        c.request_started();
        c.request_started();
        c.request_done();
        assert_eq!(c.deadline(&limits()), None);
        c.request_done();
        assert_eq!(c.deadline(&limits()).map(|d| d.1), Some(Expired::Idle));
    }
}
