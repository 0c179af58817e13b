//! Counters the store exports on `GET /metrics`, in Prometheus' text format.
//!
//! Every counter is an atomic: recording never takes a lock, so handlers call these
//! methods on the hot path freely. [`Metrics::render`] reads them all (each with a relaxed
//! load; the figures are a consistent-enough snapshot for monitoring).
//!
//! What is counted:
//! * requests, by endpoint class ([`Endpoint`]) and status class (`2xx`…`5xx`), with a
//!   latency histogram per endpoint class (recorded by the HTTP layer);
//! * errors answered, by store error code (`not-found`, `invalid-credentials`, …);
//! * device sessions: nonces issued, sessions opened, sessions refused;
//! * snap action: requests, and actions by kind ([`ActionKind`]) and result;
//! * downloads: started, completed, bytes sent;
//! * uploads: accepted, refused, bytes accepted;
//! * validation sets: published (new or a higher revision), refused, and snap-action
//!   actions refused by the validation sets they carry;
//! * connections: accepted, open, refused by the cap (waits), header timeouts, accept
//!   errors; handler panics.
//!
//! `/metrics` tells operators about traffic; it should not be exposed publicly. With an
//! access token ([`Metrics::with_token`], the configuration's `[metrics] token-file`),
//! the route answers only requests carrying `Authorization: Bearer <token>`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ucore_http_server::prometheus::{Histogram, Kind, family, sample};

/// The class of endpoint a request went to: the `endpoint` label of the request counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `GET /`: the health check.
    Health,
    /// `GET /metrics`.
    Metrics,
    /// `/api/v1/snaps/auth/…`: device-session nonces and sessions.
    Session,
    /// `POST /v2/snaps/refresh`: snap action.
    SnapAction,
    /// `/v2/snaps/info/…`.
    Info,
    /// `/v2/snaps/find`.
    Find,
    /// Snap downloads.
    Download,
    /// `/v2/assertions/…` (and the v1 assertions path).
    Assertions,
    /// `POST /api/v1/publisher/snaps`: a `.snap` upload.
    Upload,
    /// The rest of the publishing API (`/api/v1/publisher/…`).
    Publisher,
    /// Anything else (unknown routes included).
    Other,
}

impl Endpoint {
    /// Every class, in rendering order.
    pub const ALL: [Endpoint; 11] = [
        Endpoint::Health,
        Endpoint::Metrics,
        Endpoint::Session,
        Endpoint::SnapAction,
        Endpoint::Info,
        Endpoint::Find,
        Endpoint::Download,
        Endpoint::Assertions,
        Endpoint::Upload,
        Endpoint::Publisher,
        Endpoint::Other,
    ];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Health => "health",
            Endpoint::Metrics => "metrics",
            Endpoint::Session => "session",
            Endpoint::SnapAction => "snap-action",
            Endpoint::Info => "info",
            Endpoint::Find => "find",
            Endpoint::Download => "download",
            Endpoint::Assertions => "assertions",
            Endpoint::Upload => "upload",
            Endpoint::Publisher => "publisher",
            Endpoint::Other => "other",
        }
    }

    /// The class of a request, from its method and path.
    pub fn classify(method: &str, path: &str) -> Endpoint {
        if path == "/" {
            Endpoint::Health
        } else if path == "/metrics" {
            Endpoint::Metrics
        } else if path.starts_with("/api/v1/snaps/auth/") {
            Endpoint::Session
        } else if path == "/v2/snaps/refresh" {
            Endpoint::SnapAction
        } else if path.starts_with("/v2/snaps/info/") {
            Endpoint::Info
        } else if path == "/v2/snaps/find" {
            Endpoint::Find
        } else if path.starts_with("/api/v1/snaps/download/") || path.starts_with("/download/") {
            Endpoint::Download
        } else if path.starts_with("/v2/assertions/")
            || path.starts_with("/api/v1/snaps/assertions/")
        {
            Endpoint::Assertions
        } else if method == "POST" && path == "/api/v1/publisher/snaps" {
            Endpoint::Upload
        } else if path.starts_with("/api/v1/publisher/") {
            Endpoint::Publisher
        } else {
            Endpoint::Other
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The kind of one action in a snap-action request: the `action` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// `refresh`.
    Refresh,
    /// `install`.
    Install,
    /// `download`.
    Download,
    /// `fetch-assertions`.
    FetchAssertions,
}

impl ActionKind {
    /// Every kind, in rendering order.
    pub const ALL: [ActionKind; 4] = [
        ActionKind::Refresh,
        ActionKind::Install,
        ActionKind::Download,
        ActionKind::FetchAssertions,
    ];

    /// The label value (snapd's action name).
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Refresh => "refresh",
            ActionKind::Install => "install",
            ActionKind::Download => "download",
            ActionKind::FetchAssertions => "fetch-assertions",
        }
    }
}

/// How one action ended: the `result` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionResult {
    /// A result carrying a snap (or the assertions).
    Ok,
    /// Nothing newer for a refresh (no result entry).
    Unchanged,
    /// A per-snap error entry (`error-list` of the result).
    Error,
}

impl ActionResult {
    /// Every result, in rendering order.
    pub const ALL: [ActionResult; 3] = [
        ActionResult::Ok,
        ActionResult::Unchanged,
        ActionResult::Error,
    ];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionResult::Ok => "ok",
            ActionResult::Unchanged => "unchanged",
            ActionResult::Error => "error",
        }
    }
}

/// The store error codes counted by `ucore_store_errors_total` (see
/// [`crate::Error::code`]); any other code counts as `other`.
const ERROR_CODES: [&str; 14] = [
    "invalid-request",
    "unauthorized",
    "forbidden",
    "not-found",
    "conflict",
    "too-large",
    "invalid-snap",
    "invalid-credentials",
    "service-unavailable",
    "internal-error",
    "invalid-assertion",
    "unknown-snap",
    "revision-not-found",
    "other",
];

/// Upper bounds (seconds) of the request-latency histogram buckets; `+Inf` follows.
const LATENCY_BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0, 5.0];

const ENDPOINTS: usize = Endpoint::ALL.len();
const STATUS_CLASSES: usize = 5; // 1xx … 5xx

/// A request-latency histogram over [`LATENCY_BUCKETS`].
#[derive(Debug)]
struct Latency(Histogram<{ LATENCY_BUCKETS.len() }>);

impl Default for Latency {
    fn default() -> Self {
        Latency(Histogram::new(&LATENCY_BUCKETS))
    }
}

/// The store's counters. Shared by every handler through [`crate::Store`]; all methods
/// take `&self`.
#[derive(Default)]
pub struct Metrics {
    token: Option<String>,
    requests: [[AtomicU64; STATUS_CLASSES]; ENDPOINTS],
    latency: [Latency; ENDPOINTS],
    errors: [AtomicU64; ERROR_CODES.len()],
    nonces_issued: AtomicU64,
    sessions_opened: AtomicU64,
    sessions_refused: AtomicU64,
    snap_action_requests: AtomicU64,
    actions: [[AtomicU64; ActionResult::ALL.len()]; ActionKind::ALL.len()],
    downloads_started: AtomicU64,
    downloads_completed: AtomicU64,
    download_bytes: AtomicU64,
    uploads_accepted: AtomicU64,
    uploads_refused: AtomicU64,
    upload_bytes: AtomicU64,
    validation_sets_published: AtomicU64,
    validation_sets_refused: AtomicU64,
    validation_refusals: AtomicU64,
    connections_accepted: AtomicU64,
    connections_open: AtomicU64,
    connections_waited: AtomicU64,
    header_timeouts: AtomicU64,
    idle_timeouts: AtomicU64,
    request_timeouts: AtomicU64,
    accept_errors: AtomicU64,
    panics: AtomicU64,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("token", &self.token.as_ref().map(|_| "(set)"))
            .finish_non_exhaustive()
    }
}

fn inc(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

fn add(c: &AtomicU64, n: u64) {
    c.fetch_add(n, Ordering::Relaxed);
}

impl Metrics {
    /// Counters at zero; `/metrics` open to every caller that reaches it.
    pub fn new() -> Self {
        Metrics::default()
    }

    /// Counters at zero; `/metrics` answers only `Authorization: Bearer <token>`.
    pub fn with_token(token: impl Into<String>) -> Self {
        Metrics {
            token: Some(token.into()),
            ..Metrics::default()
        }
    }

    /// Whether an `Authorization` header value may read `/metrics` (compared in constant
    /// time). Always true without a token.
    pub fn authorized(&self, authorization: Option<&str>) -> bool {
        use subtle::ConstantTimeEq;
        let Some(token) = &self.token else {
            return true;
        };
        let Some(given) = authorization.and_then(|h| h.strip_prefix("Bearer ")) else {
            return false;
        };
        bool::from(given.as_bytes().ct_eq(token.as_bytes()))
    }

    // ---- requests ----------------------------------------------------------------------

    /// A request answered with `status` after `elapsed` (the HTTP layer calls this).
    pub fn request(&self, endpoint: Endpoint, status: u16, elapsed: Duration) {
        let class = usize::from(status / 100).clamp(1, STATUS_CLASSES) - 1;
        if let Some(c) = self
            .requests
            .get(endpoint.index())
            .and_then(|row| row.get(class))
        {
            inc(c);
        }
        if let Some(h) = self.latency.get(endpoint.index()) {
            h.0.observe(elapsed);
        }
    }

    /// An error answered with this store error code ([`crate::Error::code`]).
    pub fn error(&self, code: &str) {
        let i = ERROR_CODES
            .iter()
            .position(|c| *c == code)
            .unwrap_or(ERROR_CODES.len() - 1);
        if let Some(c) = self.errors.get(i) {
            inc(c);
        }
    }

    /// Requests answered so far for an endpoint class and status class (`2` for 2xx…).
    pub fn requests(&self, endpoint: Endpoint, status_class: u16) -> u64 {
        let class = usize::from(status_class);
        if !(1..=STATUS_CLASSES).contains(&class) {
            return 0;
        }
        self.requests
            .get(endpoint.index())
            .and_then(|row| row.get(class - 1))
            .map_or(0, |c| c.load(Ordering::Relaxed))
    }

    // ---- device sessions ---------------------------------------------------------------

    /// A device-session nonce was issued.
    pub fn nonce_issued(&self) {
        inc(&self.nonces_issued);
    }

    /// A device session was opened.
    pub fn session_opened(&self) {
        inc(&self.sessions_opened);
    }

    /// A device-session request was refused (forged, replayed, expired, other brand, …).
    pub fn session_refused(&self) {
        inc(&self.sessions_refused);
    }

    // ---- snap action -------------------------------------------------------------------

    /// A snap-action request (`POST /v2/snaps/refresh`) was handled.
    pub fn snap_action_request(&self) {
        inc(&self.snap_action_requests);
    }

    /// One action of a snap-action request ended with `result`.
    pub fn snap_action(&self, kind: ActionKind, result: ActionResult) {
        if let Some(c) = self
            .actions
            .get(kind as usize)
            .and_then(|row| row.get(result as usize))
        {
            inc(c);
        }
    }

    // ---- downloads and uploads ---------------------------------------------------------

    /// A download started (the response head is sent).
    pub fn download_started(&self) {
        inc(&self.downloads_started);
    }

    /// `bytes` more bytes of a download were sent (call as the body streams, so that an
    /// aborted download still counts what it sent).
    pub fn download_bytes(&self, bytes: u64) {
        add(&self.download_bytes, bytes);
    }

    /// A download's body was sent completely.
    pub fn download_completed(&self) {
        inc(&self.downloads_completed);
    }

    /// An upload of `bytes` bytes became a new revision.
    pub fn upload_accepted(&self, bytes: u64) {
        inc(&self.uploads_accepted);
        add(&self.upload_bytes, bytes);
    }

    /// An upload was refused (invalid snap, too large, not the publisher's name, …).
    pub fn upload_refused(&self) {
        inc(&self.uploads_refused);
    }

    /// A validation set was published (a new sequence member, or a higher revision).
    pub fn validation_set_published(&self) {
        inc(&self.validation_sets_published);
    }

    /// A validation set was refused (not the publisher's, bad signature, unknown snap, …).
    pub fn validation_set_refused(&self) {
        inc(&self.validation_sets_refused);
    }

    /// A snap-action action was answered with an error because of the validation sets it
    /// carries (unknown set, conflict, invalid snap, another revision required).
    pub fn validation_refusal(&self) {
        inc(&self.validation_refusals);
    }

    // ---- connections (the server calls these) -------------------------------------------

    /// A connection was accepted.
    pub fn connection_opened(&self) {
        inc(&self.connections_accepted);
        inc(&self.connections_open);
    }

    /// A connection was closed.
    pub fn connection_closed(&self) {
        // Never below zero, even if calls were unbalanced.
        let _ = self
            .connections_open
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
    }

    /// Connections open now.
    pub fn connections_open(&self) -> u64 {
        self.connections_open.load(Ordering::Relaxed)
    }

    /// The connection cap was reached: the next client waits in the backlog.
    pub fn connection_cap_reached(&self) {
        inc(&self.connections_waited);
    }

    /// A connection was closed because its request head did not arrive in time.
    pub fn header_timeout(&self) {
        inc(&self.header_timeouts);
    }

    /// An idle keep-alive connection was closed.
    pub fn idle_timeout(&self) {
        inc(&self.idle_timeouts);
    }

    /// A request was answered 503 because its handler ran out of time.
    pub fn request_timeout(&self) {
        inc(&self.request_timeouts);
    }

    /// `accept` failed (e.g. out of file descriptors).
    pub fn accept_error(&self) {
        inc(&self.accept_errors);
    }

    /// A handler panicked.
    pub fn panic(&self) {
        inc(&self.panics);
    }

    // ---- rendering ---------------------------------------------------------------------

    /// Every counter in Prometheus' text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(8192);
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);

        family(
            &mut out,
            "ucore_store_requests_total",
            Kind::Counter,
            "HTTP requests answered, by endpoint class and status class.",
        );
        for e in Endpoint::ALL {
            for class in 1..=STATUS_CLASSES {
                let n = self
                    .requests
                    .get(e.index())
                    .and_then(|row| row.get(class - 1))
                    .map_or(0, get);
                let status = format!("{class}xx");
                let labels = [("endpoint", e.as_str()), ("status", &status)];
                sample(&mut out, "ucore_store_requests_total", &labels, n);
            }
        }

        let name = "ucore_store_request_duration_seconds";
        family(
            &mut out,
            name,
            Kind::Histogram,
            "Time to the response head, by endpoint class.",
        );
        for e in Endpoint::ALL {
            if let Some(h) = self.latency.get(e.index()) {
                h.0.render(&mut out, name, &[("endpoint", e.as_str())]);
            }
        }

        family(
            &mut out,
            "ucore_store_errors_total",
            Kind::Counter,
            "Error answers, by store error code.",
        );
        for (code, c) in ERROR_CODES.iter().zip(&self.errors) {
            sample(
                &mut out,
                "ucore_store_errors_total",
                &[("code", code)],
                get(c),
            );
        }

        family(
            &mut out,
            "ucore_store_snap_actions_total",
            Kind::Counter,
            "Snap-action actions, by action and result.",
        );
        for kind in ActionKind::ALL {
            for result in ActionResult::ALL {
                let n = self
                    .actions
                    .get(kind as usize)
                    .and_then(|row| row.get(result as usize))
                    .map_or(0, get);
                let labels = [("action", kind.as_str()), ("result", result.as_str())];
                sample(&mut out, "ucore_store_snap_actions_total", &labels, n);
            }
        }

        let simple: [(&str, Kind, &str, &AtomicU64); 20] = [
            (
                "ucore_store_nonces_issued_total",
                Kind::Counter,
                "Device-session nonces issued.",
                &self.nonces_issued,
            ),
            (
                "ucore_store_sessions_opened_total",
                Kind::Counter,
                "Device sessions opened.",
                &self.sessions_opened,
            ),
            (
                "ucore_store_sessions_refused_total",
                Kind::Counter,
                "Device-session requests refused.",
                &self.sessions_refused,
            ),
            (
                "ucore_store_snap_action_requests_total",
                Kind::Counter,
                "Snap-action requests handled.",
                &self.snap_action_requests,
            ),
            (
                "ucore_store_downloads_started_total",
                Kind::Counter,
                "Downloads started.",
                &self.downloads_started,
            ),
            (
                "ucore_store_downloads_completed_total",
                Kind::Counter,
                "Downloads sent completely.",
                &self.downloads_completed,
            ),
            (
                "ucore_store_download_bytes_total",
                Kind::Counter,
                "Bytes of snap files sent.",
                &self.download_bytes,
            ),
            (
                "ucore_store_uploads_accepted_total",
                Kind::Counter,
                "Uploads that became a revision.",
                &self.uploads_accepted,
            ),
            (
                "ucore_store_uploads_refused_total",
                Kind::Counter,
                "Uploads refused.",
                &self.uploads_refused,
            ),
            (
                "ucore_store_upload_bytes_total",
                Kind::Counter,
                "Bytes of accepted uploads.",
                &self.upload_bytes,
            ),
            (
                "ucore_store_validation_sets_published_total",
                Kind::Counter,
                "Validation sets published (new, or a higher revision).",
                &self.validation_sets_published,
            ),
            (
                "ucore_store_validation_sets_refused_total",
                Kind::Counter,
                "Validation sets refused.",
                &self.validation_sets_refused,
            ),
            (
                "ucore_store_validation_refusals_total",
                Kind::Counter,
                "Snap-action actions refused by the validation sets they carry.",
                &self.validation_refusals,
            ),
            (
                "ucore_store_connections_accepted_total",
                Kind::Counter,
                "Connections accepted.",
                &self.connections_accepted,
            ),
            (
                "ucore_store_connections_open",
                Kind::Gauge,
                "Connections open now.",
                &self.connections_open,
            ),
            (
                "ucore_store_connection_cap_reached_total",
                Kind::Counter,
                "Times the connection cap made new clients wait.",
                &self.connections_waited,
            ),
            (
                "ucore_store_header_timeouts_total",
                Kind::Counter,
                "Connections closed because the request head was too slow.",
                &self.header_timeouts,
            ),
            (
                "ucore_store_idle_timeouts_total",
                Kind::Counter,
                "Idle keep-alive connections closed.",
                &self.idle_timeouts,
            ),
            (
                "ucore_store_request_timeouts_total",
                Kind::Counter,
                "Requests whose handler ran out of time.",
                &self.request_timeouts,
            ),
            (
                "ucore_store_accept_errors_total",
                Kind::Counter,
                "Failed accepts (e.g. out of file descriptors).",
                &self.accept_errors,
            ),
        ];
        for (name, kind, help, c) in simple {
            family(&mut out, name, kind, help);
            sample(&mut out, name, &[], get(c));
        }
        family(
            &mut out,
            "ucore_store_panics_total",
            Kind::Counter,
            "Handler panics answered with a 500.",
        );
        sample(&mut out, "ucore_store_panics_total", &[], get(&self.panics));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use ucore_http_server::prometheus::{sample_value, undeclared_samples};

    /// A counter's value in the rendered text.
    fn value(text: &str, series: &str) -> Option<u64> {
        sample_value(text, series).map(|v| v as u64)
    }

    #[test]
    fn counters_are_rendered_with_their_labels() {
        let m = Metrics::new();
        m.request(Endpoint::SnapAction, 200, Duration::from_micros(800));
        m.request(Endpoint::SnapAction, 200, Duration::from_millis(30));
        m.request(Endpoint::Session, 400, Duration::from_millis(2));
        m.request(Endpoint::Other, 999, Duration::ZERO);
        m.error("invalid-credentials");
        m.error("made-up");
        m.session_refused();
        m.session_opened();
        m.session_opened();
        m.snap_action(ActionKind::Refresh, ActionResult::Ok);
        m.snap_action(ActionKind::Install, ActionResult::Error);
        m.download_bytes(1000);
        m.download_bytes(24);
        m.upload_accepted(4096);
        m.connection_opened();
        m.connection_closed();
        m.connection_closed();
        let t = m.render();
        let v = |s| value(&t, s);
        assert_eq!(
            v("ucore_store_requests_total{endpoint=\"snap-action\",status=\"2xx\"}"),
            Some(2)
        );
        assert_eq!(
            v("ucore_store_requests_total{endpoint=\"session\",status=\"4xx\"}"),
            Some(1)
        );
        assert_eq!(
            v("ucore_store_requests_total{endpoint=\"other\",status=\"5xx\"}"),
            Some(1)
        );
        assert_eq!(m.requests(Endpoint::SnapAction, 2), 2);
        assert_eq!(m.requests(Endpoint::SnapAction, 9), 0);
        // Cumulative histogram buckets.
        assert_eq!(
            v("ucore_store_request_duration_seconds_bucket{endpoint=\"snap-action\",le=\"0.001\"}"),
            Some(1)
        );
        assert_eq!(
            v("ucore_store_request_duration_seconds_bucket{endpoint=\"snap-action\",le=\"0.025\"}"),
            Some(1)
        );
        assert_eq!(
            v("ucore_store_request_duration_seconds_bucket{endpoint=\"snap-action\",le=\"0.05\"}"),
            Some(2)
        );
        assert_eq!(
            v("ucore_store_request_duration_seconds_bucket{endpoint=\"snap-action\",le=\"+Inf\"}"),
            Some(2)
        );
        assert_eq!(
            v("ucore_store_errors_total{code=\"invalid-credentials\"}"),
            Some(1)
        );
        assert_eq!(v("ucore_store_errors_total{code=\"other\"}"), Some(1));
        assert_eq!(v("ucore_store_sessions_opened_total"), Some(2));
        assert_eq!(v("ucore_store_sessions_refused_total"), Some(1));
        assert_eq!(
            v("ucore_store_snap_actions_total{action=\"refresh\",result=\"ok\"}"),
            Some(1)
        );
        assert_eq!(
            v("ucore_store_snap_actions_total{action=\"install\",result=\"error\"}"),
            Some(1)
        );
        assert_eq!(v("ucore_store_download_bytes_total"), Some(1024));
        assert_eq!(v("ucore_store_upload_bytes_total"), Some(4096));
        assert_eq!(v("ucore_store_connections_open"), Some(0));
        assert_eq!(v("ucore_store_connections_accepted_total"), Some(1));
        // Every series has its HELP and TYPE.
        assert_eq!(undeclared_samples(&t), Vec::<&str>::new());
    }

    #[test]
    fn endpoints_are_classified_by_path() {
        let c = Endpoint::classify;
        assert_eq!(c("GET", "/"), Endpoint::Health);
        assert_eq!(c("POST", "/api/v1/snaps/auth/nonces"), Endpoint::Session);
        assert_eq!(c("POST", "/v2/snaps/refresh"), Endpoint::SnapAction);
        assert_eq!(c("GET", "/v2/snaps/info/core"), Endpoint::Info);
        assert_eq!(c("GET", "/v2/snaps/find"), Endpoint::Find);
        assert_eq!(
            c("GET", "/api/v1/snaps/download/x_1.snap"),
            Endpoint::Download
        );
        assert_eq!(c("GET", "/v2/assertions/account/x"), Endpoint::Assertions);
        assert_eq!(c("POST", "/api/v1/publisher/snaps"), Endpoint::Upload);
        assert_eq!(c("GET", "/api/v1/publisher/snaps/foo"), Endpoint::Publisher);
        assert_eq!(c("GET", "/nope"), Endpoint::Other);
    }

    #[test]
    fn the_token_guards_the_route() {
        assert!(Metrics::new().authorized(None));
        let m = Metrics::with_token("s3cret");
        assert!(m.authorized(Some("Bearer s3cret")));
        assert!(!m.authorized(Some("Bearer s3cre")));
        assert!(!m.authorized(Some("s3cret")));
        assert!(!m.authorized(None));
        assert!(!format!("{m:?}").contains("s3cret"));
    }
}
