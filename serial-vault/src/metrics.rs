//! The vault's metrics, rendered in Prometheus' text format at `GET /metrics` on the admin
//! port (behind the admin token, see [`crate::http`]).
//!
//! What is measured:
//! * `ucore_vault_requests_total{endpoint, status}`: requests answered, by endpoint
//!   ([`Endpoint`]) and HTTP status (the usual ones exactly, others by class: `4xx`…;
//!   only the pairs seen are rendered);
//! * `ucore_vault_signing_duration_seconds`: a histogram of the time to answer a
//!   `/v1/serial` that signed a serial (request in to response head);
//! * `ucore_vault_nonces`: a gauge, the rows of the nonce table, read from the store when
//!   `/metrics` is scraped ([`crate::Store::nonce_count`]);
//! * `ucore_vault_database_errors_total`: database errors, counted where the store's
//!   backends return them;
//! * `ucore_vault_rate_limited_total{endpoint, limit}`: requests refused over a rate limit
//!   (`limit` is `api-key`, `address` or `nonces`, see [`crate::vault::rate_limit`]).
//!
//! Every counter is an atomic: recording takes no lock. The counters are process-wide
//! ([`Metrics::global`]), as with Prometheus' default registry: a vault process serves one
//! vault. Several vaults in one process (tests) share them, while the nonce gauge is read
//! from the store of the vault being scraped.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ucore_http_server::prometheus::{Histogram, Kind, family, sample};

use crate::error::Error;
use crate::vault::rate_limit::Scope;

/// The endpoint a request went to: the `endpoint` label of the request counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `GET /v1/version`.
    Version,
    /// `GET /v1/health`.
    Health,
    /// `POST /v1/request-id`.
    RequestId,
    /// `POST /v1/serial`.
    Serial,
    /// `GET /metrics`.
    Metrics,
    /// `/admin/v1/keys…`.
    AdminKeys,
    /// `/admin/v1/models…`.
    AdminModels,
    /// `/admin/v1/signing-log…`.
    AdminSigningLog,
    /// `/admin/v1/substores…`.
    AdminSubstores,
    /// Anything else (unknown routes included).
    Other,
}

impl Endpoint {
    /// Every endpoint, in rendering order.
    pub const ALL: [Endpoint; 10] = [
        Endpoint::Version,
        Endpoint::Health,
        Endpoint::RequestId,
        Endpoint::Serial,
        Endpoint::Metrics,
        Endpoint::AdminKeys,
        Endpoint::AdminModels,
        Endpoint::AdminSigningLog,
        Endpoint::AdminSubstores,
        Endpoint::Other,
    ];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Version => "version",
            Endpoint::Health => "health",
            Endpoint::RequestId => "request-id",
            Endpoint::Serial => "serial",
            Endpoint::Metrics => "metrics",
            Endpoint::AdminKeys => "admin-keys",
            Endpoint::AdminModels => "admin-models",
            Endpoint::AdminSigningLog => "admin-signing-log",
            Endpoint::AdminSubstores => "admin-substores",
            Endpoint::Other => "other",
        }
    }

    /// The endpoint of a request path (the method does not matter: a wrong method is
    /// still a request to that endpoint).
    pub fn of_path(path: &str) -> Endpoint {
        let under = |prefix: &str| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '.']))
        };
        match path {
            "/v1/version" => Endpoint::Version,
            "/v1/health" => Endpoint::Health,
            "/v1/request-id" => Endpoint::RequestId,
            "/v1/serial" => Endpoint::Serial,
            "/metrics" => Endpoint::Metrics,
            _ if under("/admin/v1/keys") => Endpoint::AdminKeys,
            _ if under("/admin/v1/models") => Endpoint::AdminModels,
            _ if under("/admin/v1/signing-log") => Endpoint::AdminSigningLog,
            _ if under("/admin/v1/substores") => Endpoint::AdminSubstores,
            _ => Endpoint::Other,
        }
    }
}

/// Upper bounds (seconds) of the signing-latency buckets; `+Inf` follows. An RSA-4096
/// signature takes milliseconds; the upper buckets catch database waits.
pub const SIGNING_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The HTTP statuses counted one by one (what the vault and axum answer); any other is
/// counted in its class (`1xx`…`5xx`, a status beyond 599 as `5xx`).
const STATUSES: [u16; 16] = [
    200, 400, 401, 403, 404, 405, 408, 411, 413, 415, 422, 429, 500, 501, 503, 504,
];

/// The status labels: [`STATUSES`], then the classes.
const STATUS_LABELS: [&str; STATUSES.len() + 5] = [
    "200", "400", "401", "403", "404", "405", "408", "411", "413", "415", "422", "429", "500",
    "501", "503", "504", "1xx", "2xx", "3xx", "4xx", "5xx",
];

/// The slot of `status` in a row of the request counter.
fn status_slot(status: u16) -> usize {
    STATUSES
        .iter()
        .position(|&s| s == status)
        .unwrap_or_else(|| STATUSES.len() + usize::from(status.clamp(100, 599) / 100 - 1))
}

/// The vault's counters. All methods take `&self`; [`Metrics::global`] is the process's.
#[derive(Debug)]
pub struct Metrics {
    /// Per endpoint, per status ([`status_slot`]).
    requests: [[AtomicU64; STATUS_LABELS.len()]; Endpoint::ALL.len()],
    signing: Histogram<{ SIGNING_BUCKETS.len() }>,
    database_errors: AtomicU64,
    /// Per endpoint, per [`Scope`]: requests refused over a limit.
    rate_limited: [[AtomicU64; Scope::ALL.len()]; Endpoint::ALL.len()],
}

static GLOBAL: Metrics = Metrics::new();

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Counters at zero (the process's are [`Metrics::global`]; this is for tests and
    /// embedders that render their own).
    pub const fn new() -> Self {
        Metrics {
            requests: [const { [const { AtomicU64::new(0) }; STATUS_LABELS.len()] };
                Endpoint::ALL.len()],
            signing: Histogram::new(&SIGNING_BUCKETS),
            database_errors: AtomicU64::new(0),
            rate_limited: [const { [const { AtomicU64::new(0) }; Scope::ALL.len()] };
                Endpoint::ALL.len()],
        }
    }

    /// The process's counters: what the HTTP layer and the store record into, and what
    /// `/metrics` renders.
    pub fn global() -> &'static Metrics {
        &GLOBAL
    }

    fn slot(&self, endpoint: Endpoint, status: u16) -> Option<&AtomicU64> {
        self.requests
            .get(endpoint as usize)?
            .get(status_slot(status))
    }

    /// A request to `endpoint` answered with `status` (the HTTP layer calls this).
    pub fn request(&self, endpoint: Endpoint, status: u16) {
        if let Some(c) = self.slot(endpoint, status) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Requests to `endpoint` answered with `status` so far (for a status not counted one
    /// by one, its class's count).
    pub fn requests(&self, endpoint: Endpoint, status: u16) -> u64 {
        self.slot(endpoint, status)
            .map_or(0, |c| c.load(Ordering::Relaxed))
    }

    /// A serial was signed, `elapsed` after its request came in.
    pub fn signed(&self, elapsed: Duration) {
        self.signing.observe(elapsed);
    }

    /// Serials signed so far (the histogram's count).
    pub fn signings(&self) -> u64 {
        self.signing.count()
    }

    /// A database error was returned by the store.
    pub fn database_error(&self) {
        self.database_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts `result` if it is a database error, and returns it.
    pub fn count_database_error<T>(&self, result: Result<T, Error>) -> Result<T, Error> {
        if let Err(Error::Database(_)) = &result {
            self.database_error();
        }
        result
    }

    /// Database errors so far.
    pub fn database_errors(&self) -> u64 {
        self.database_errors.load(Ordering::Relaxed)
    }

    /// A request to `endpoint` was refused over the limit `scope`.
    pub fn rate_limited(&self, endpoint: Endpoint, scope: Scope) {
        if let Some(c) = self.rate_limited_slot(endpoint, scope) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Requests to `endpoint` refused over the limit `scope` so far.
    pub fn rate_limited_count(&self, endpoint: Endpoint, scope: Scope) -> u64 {
        self.rate_limited_slot(endpoint, scope)
            .map_or(0, |c| c.load(Ordering::Relaxed))
    }

    fn rate_limited_slot(&self, endpoint: Endpoint, scope: Scope) -> Option<&AtomicU64> {
        self.rate_limited
            .get(endpoint as usize)?
            .get(Scope::ALL.iter().position(|&s| s == scope)?)
    }

    /// Everything in Prometheus' text exposition format (version 0.0.4), with the nonce
    /// table's size when it could be read (`None` leaves the gauge out).
    pub fn render(&self, nonces: Option<u64>) -> String {
        let mut out = String::with_capacity(4096);
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);

        family(
            &mut out,
            "ucore_vault_requests_total",
            Kind::Counter,
            "HTTP requests answered, by endpoint and status.",
        );
        for e in Endpoint::ALL {
            let Some(row) = self.requests.get(e as usize) else {
                continue;
            };
            for (label, c) in STATUS_LABELS.iter().zip(row) {
                let n = get(c);
                if n > 0 {
                    let labels = [("endpoint", e.as_str()), ("status", label)];
                    sample(&mut out, "ucore_vault_requests_total", &labels, n);
                }
            }
        }

        let name = "ucore_vault_signing_duration_seconds";
        family(
            &mut out,
            name,
            Kind::Histogram,
            "Time to answer a /v1/serial that signed a serial.",
        );
        self.signing.render(&mut out, name, &[]);

        if let Some(n) = nonces {
            family(
                &mut out,
                "ucore_vault_nonces",
                Kind::Gauge,
                "Request-ids (nonces) in the nonce table, expired ones not yet purged included.",
            );
            sample(&mut out, "ucore_vault_nonces", &[], n);
        }

        family(
            &mut out,
            "ucore_vault_database_errors_total",
            Kind::Counter,
            "Errors returned by the database.",
        );
        let errors = get(&self.database_errors);
        sample(&mut out, "ucore_vault_database_errors_total", &[], errors);

        family(
            &mut out,
            "ucore_vault_rate_limited_total",
            Kind::Counter,
            "Requests refused over a rate limit, by endpoint and limit.",
        );
        for e in Endpoint::ALL {
            for scope in Scope::ALL {
                let n = self.rate_limited_count(e, scope);
                if n > 0 {
                    let labels = [("endpoint", e.as_str()), ("limit", scope.as_str())];
                    sample(&mut out, "ucore_vault_rate_limited_total", &labels, n);
                }
            }
        }
        out
    }
}

/// Counts `result` in [`Metrics::global`] if it is a database error, and returns it (the
/// store's backends pass every result through this).
pub(crate) fn count_database_error<T>(result: Result<T, Error>) -> Result<T, Error> {
    Metrics::global().count_database_error(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    use ucore_http_server::prometheus::{sample_value as value, undeclared_samples};

    #[test]
    fn counters_and_histogram_are_rendered() {
        let m = Metrics::new();
        m.request(Endpoint::Serial, 200);
        m.request(Endpoint::Serial, 200);
        m.request(Endpoint::Serial, 400);
        m.request(Endpoint::Other, 999);
        m.request(Endpoint::Other, 418);
        m.request(Endpoint::Other, 302);
        m.signed(Duration::from_millis(3));
        m.signed(Duration::from_millis(30));
        m.signed(Duration::from_secs(60));
        m.database_error();
        m.rate_limited(Endpoint::RequestId, Scope::ApiKey);
        m.rate_limited(Endpoint::RequestId, Scope::ApiKey);
        m.rate_limited(Endpoint::Serial, Scope::Address);
        let t = m.render(Some(7));
        let v = |s: &str| value(&t, s);
        assert_eq!(
            v("ucore_vault_requests_total{endpoint=\"serial\",status=\"200\"}"),
            Some(2.0)
        );
        assert_eq!(
            v("ucore_vault_requests_total{endpoint=\"serial\",status=\"400\"}"),
            Some(1.0)
        );
        for class in ["5xx", "4xx", "3xx"] {
            let series =
                format!("ucore_vault_requests_total{{endpoint=\"other\",status=\"{class}\"}}");
            assert_eq!(v(&series), Some(1.0), "{class}");
        }
        assert_eq!(m.requests(Endpoint::Other, 499), 1);
        assert_eq!(m.requests(Endpoint::Serial, 200), 2);
        // Only the pairs seen.
        assert!(!t.contains("endpoint=\"version\""));
        let b = |le: &str| {
            v(&format!(
                "ucore_vault_signing_duration_seconds_bucket{{le=\"{le}\"}}"
            ))
        };
        assert_eq!(b("0.005"), Some(1.0));
        assert_eq!(b("0.025"), Some(1.0));
        assert_eq!(b("0.05"), Some(2.0));
        assert_eq!(b("30"), Some(2.0));
        assert_eq!(b("+Inf"), Some(3.0));
        assert_eq!(v("ucore_vault_signing_duration_seconds_count"), Some(3.0));
        assert_eq!(v("ucore_vault_signing_duration_seconds_sum"), Some(60.033));
        assert_eq!(v("ucore_vault_nonces"), Some(7.0));
        assert_eq!(v("ucore_vault_database_errors_total"), Some(1.0));
        assert_eq!(
            v("ucore_vault_rate_limited_total{endpoint=\"request-id\",limit=\"api-key\"}"),
            Some(2.0)
        );
        assert_eq!(
            v("ucore_vault_rate_limited_total{endpoint=\"serial\",limit=\"address\"}"),
            Some(1.0)
        );
        assert_eq!(m.rate_limited_count(Endpoint::Serial, Scope::Nonces), 0);
        assert!(!m.render(None).contains("ucore_vault_nonces"));
        // Every series has its HELP and TYPE.
        assert_eq!(undeclared_samples(&t), Vec::<&str>::new());
    }

    #[test]
    fn endpoints_by_path() {
        let e = Endpoint::of_path;
        assert_eq!(e("/v1/serial"), Endpoint::Serial);
        assert_eq!(e("/v1/request-id"), Endpoint::RequestId);
        assert_eq!(e("/v1/version"), Endpoint::Version);
        assert_eq!(e("/v1/health"), Endpoint::Health);
        assert_eq!(e("/metrics"), Endpoint::Metrics);
        assert_eq!(e("/admin/v1/keys/abc/deactivate"), Endpoint::AdminKeys);
        assert_eq!(e("/admin/v1/models"), Endpoint::AdminModels);
        assert_eq!(e("/admin/v1/signing-log.csv"), Endpoint::AdminSigningLog);
        assert_eq!(e("/admin/v1/substores/3"), Endpoint::AdminSubstores);
        assert_eq!(e("/admin/v1/keysmith"), Endpoint::Other);
        assert_eq!(e("/v1/serial/x"), Endpoint::Other);
    }

    #[test]
    fn database_errors_are_counted_others_not() {
        let m = Metrics::new();
        assert!(
            m.count_database_error::<()>(Err(Error::InvalidNonce))
                .is_err()
        );
        assert_eq!(m.count_database_error(Ok(1)).ok(), Some(1));
        assert_eq!(m.database_errors(), 0);
        let db = Error::Database(crate::error::DatabaseError::Lost);
        assert!(m.count_database_error::<()>(Err(db)).is_err());
        assert_eq!(m.database_errors(), 1);
    }
}
