//! Rate limits on the two calls of a registration, `POST /v1/request-id` and
//! `POST /v1/serial`: per API key and per client address, each a token bucket with a
//! sustained rate and a burst ([`Limit`]), set in the `[rate_limit]` table of the
//! configuration ([`RateLimits`], documented in [`crate::config`]).
//!
//! ## What a refused request gets, and why 503
//!
//! HTTP **503** with a `Retry-After` header (whole seconds until the bucket allows the next
//! request) and the vault's JSON envelope, code `rate-limited`, message e.g. `Too many
//! requests to /v1/request-id for this API key: retry in 3 s` ([`Error::RateLimited`]).
//!
//! Not 429: snapd 2.57 (`overlord/devicestate/handlers_serial.go`, `retryBadStatus`) retries
//! a registration only on a status above 500 ("likely temporary": `retryErr`, again in 60 s,
//! up to 15 tries for a request-id and without limit for a serial). A 429 is at most 500: the
//! registration task fails at once with the vault's message, and the device tries again only
//! when snapd starts a whole new registration after its own backoff. With 503 a throttled
//! device simply comes back a minute later. snapd ignores `Retry-After` (its interval is
//! fixed); other clients can read it.
//!
//! ## Where each limit applies
//!
//! 1. **Per client address**, first of all, before the `api-key` is looked up or the body
//!    read (the HTTP layer, `http::rate_limit`): what an unauthenticated flood costs.
//! 2. **Per API key**, right after the key is checked ([`crate::Vault::request_id`],
//!    [`crate::Vault::sign_serial`]): only keys that match a model are tracked, so that
//!    table holds at most one entry per model.
//!
//! A refused request changes nothing: no nonce is made, none is consumed (a request-id
//! refused at `/v1/serial` is still valid).
//!
//! ## Keys and addresses
//!
//! * An API key is tracked by its hash (SipHash with a random key of this process), never
//!   by its text; it is never logged.
//! * An address is the TCP peer's IP. An IPv6 client is tracked by its /64 (one host
//!   commonly holds a whole /64); an IPv4-mapped IPv6 address as its IPv4 address. Behind a
//!   reverse proxy, list the proxy in `trusted_proxies`: for connections from it the client
//!   is the right-most address of `X-Forwarded-For` that is not itself a trusted proxy;
//!   from anyone else the header is ignored. Factories often put many devices behind one
//!   NAT address: the per-address limits are the looser ones by default.
//!
//! ## Memory and replicas
//!
//! Each table tracks at most `max_tracked` keys or addresses; idle entries (whose bucket is
//! full again) are dropped without changing any answer, and a table full of busy entries
//! drops those nearest to full (`vault::buckets`). The limits are kept **in each vault
//! process**: replicas behind a load balancer each apply their own, so N replicas let
//! through up to N times the configured rate.
//!
//! ## The nonce table's size
//!
//! With the per-key request-id limit (rate `r`, burst `b`) and a nonce lifetime `ttl`, one
//! API key holds at most `b + r × ttl` live request-ids (31 000 with the defaults: 1 000 +
//! 50/s × 600 s). `max_nonces` caps the table whatever the number of keys
//! ([`super::nonce_budget`]).

use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::str::FromStr;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::buckets::{Buckets, Quota};
use crate::error::Error;
use crate::metrics::{Endpoint, Metrics};

/// The most requests, and the largest burst, a [`Limit`] may name.
const MAX_COUNT: u32 = 1_000_000;

/// A sustained rate: `requests` per `per`, written `"50/s"`, `"600/m"` or `"10/h"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    /// Requests in each period (1 to 1 000 000).
    pub requests: u32,
    /// The period: a second, a minute or an hour.
    pub per: Duration,
}

impl Rate {
    /// `requests` a second.
    pub const fn per_second(requests: u32) -> Rate {
        Rate {
            requests,
            per: Duration::from_secs(1),
        }
    }

    /// The time between two requests at this rate.
    pub fn interval(self) -> Duration {
        self.per / self.requests.max(1)
    }
}

/// Why a rate's text is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid rate {text:?}: write N/s, N/m or N/h with N from 1 to {MAX_COUNT}")]
pub struct RateError {
    /// The text refused.
    pub text: String,
}

impl FromStr for Rate {
    type Err = RateError;

    fn from_str(text: &str) -> Result<Self, RateError> {
        let refuse = || RateError {
            text: text.to_string(),
        };
        let (count, unit) = text.split_once('/').ok_or_else(refuse)?;
        let requests: u32 = count.trim().parse().map_err(|_| refuse())?;
        let per = match unit.trim() {
            "s" => Duration::from_secs(1),
            "m" => Duration::from_secs(60),
            "h" => Duration::from_secs(3600),
            _ => return Err(refuse()),
        };
        if !(1..=MAX_COUNT).contains(&requests) {
            return Err(refuse());
        }
        Ok(Rate { requests, per })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.per.as_secs() {
            3600 => "h",
            60 => "m",
            _ => "s",
        };
        write!(f, "{}/{unit}", self.requests)
    }
}

impl Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// One limit: off, or a sustained rate and a burst (the requests allowed at once after a
/// quiet spell). In TOML: `"off"` or `{ rate = "50/s", burst = 1000 }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "LimitText", into = "LimitText")]
pub enum Limit {
    /// No limit.
    Off,
    /// A token bucket.
    On {
        /// The sustained rate.
        rate: Rate,
        /// Requests allowed at once from a full bucket (1 to 1 000 000).
        burst: u32,
    },
}

impl Limit {
    /// `rate` with a burst of `burst`.
    pub const fn new(rate: Rate, burst: u32) -> Limit {
        Limit::On { rate, burst }
    }

    fn quota(self) -> Option<Quota> {
        match self {
            Limit::Off => None,
            Limit::On { rate, burst } => Some(Quota {
                interval: rate.interval(),
                burst,
            }),
        }
    }
}

/// A [`Limit`] as written in TOML.
#[derive(Serialize, Deserialize)]
#[serde(
    untagged,
    expecting = "\"off\" or a table { rate = \"50/s\", burst = 1000 }"
)]
enum LimitText {
    Word(String),
    Table(LimitTable),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitTable {
    rate: Rate,
    burst: u32,
}

impl TryFrom<LimitText> for Limit {
    type Error = String;

    fn try_from(text: LimitText) -> Result<Self, String> {
        match text {
            LimitText::Word(w) if w == "off" => Ok(Limit::Off),
            LimitText::Word(w) => Err(format!(
                "invalid limit {w:?}: \"off\" or a table {{ rate = \"50/s\", burst = 1000 }}"
            )),
            LimitText::Table(LimitTable { rate, burst }) => {
                if !(1..=MAX_COUNT).contains(&burst) {
                    return Err(format!(
                        "invalid burst {burst}: from 1 to {MAX_COUNT} (or the limit \"off\")"
                    ));
                }
                Ok(Limit::On { rate, burst })
            }
        }
    }
}

impl From<Limit> for LimitText {
    fn from(limit: Limit) -> Self {
        match limit {
            Limit::Off => LimitText::Word("off".into()),
            Limit::On { rate, burst } => LimitText::Table(LimitTable { rate, burst }),
        }
    }
}

/// The `[rate_limit]` table: the limits of `/v1/request-id` and `/v1/serial`, per API key
/// and per client address (see the module documentation; defaults in [`RateLimits::default`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimits {
    /// `false` turns every limit off at once (each can also be `"off"` on its own).
    pub enabled: bool,
    /// `/v1/request-id`, per API key. Default 50/s, burst 1 000.
    pub request_id_per_key: Limit,
    /// `/v1/request-id`, per client address. Default 100/s, burst 2 000.
    pub request_id_per_address: Limit,
    /// `/v1/serial`, per API key. Default 50/s, burst 1 000.
    pub serial_per_key: Limit,
    /// `/v1/serial`, per client address. Default 100/s, burst 2 000.
    pub serial_per_address: Limit,
    /// Most API keys, and most addresses, each table tracks at once. Default 65 536.
    pub max_tracked: usize,
    /// Reverse proxies whose `X-Forwarded-For` names the client. Default none.
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for RateLimits {
    /// A batch of 1 000 devices of one model may all register at once; sustained, a model
    /// registers 50 devices a second (180 000 an hour), and one address 100.
    fn default() -> Self {
        let per_key = Limit::new(Rate::per_second(50), 1000);
        let per_address = Limit::new(Rate::per_second(100), 2000);
        RateLimits {
            enabled: true,
            request_id_per_key: per_key,
            request_id_per_address: per_address,
            serial_per_key: per_key,
            serial_per_address: per_address,
            max_tracked: 65_536,
            trusted_proxies: Vec::new(),
        }
    }
}

impl RateLimits {
    /// Every limit off.
    pub fn off() -> Self {
        RateLimits {
            enabled: false,
            ..RateLimits::default()
        }
    }
}

/// What a limit is counted by: the label `limit` of the metric
/// `ucore_vault_rate_limited_total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    /// The API key.
    ApiKey,
    /// The client address.
    Address,
    /// The nonce table's size (`max_nonces`, request-ids only).
    Nonces,
}

impl Scope {
    /// Every scope, in rendering order.
    pub const ALL: [Scope; 3] = [Scope::ApiKey, Scope::Address, Scope::Nonces];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ApiKey => "api-key",
            Scope::Address => "address",
            Scope::Nonces => "nonces",
        }
    }
}

impl fmt::Display for Scope {
    /// How a refusal's message names it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::ApiKey => "for this API key",
            Scope::Address => "from this address",
            Scope::Nonces => "while the request-id table is full",
        })
    }
}

/// The address a client is tracked by: IPv4 as is (an IPv4-mapped IPv6 address too), IPv6
/// by its /64.
pub fn tracked_address(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = v6.to_bits() & !((1u128 << 64) - 1);
                IpAddr::V6(std::net::Ipv6Addr::from_bits(prefix))
            }
        },
    }
}

/// The rate limits' state in one vault process: a bounded table per limit turned on.
#[derive(Debug)]
pub struct Throttle {
    hasher: RandomState,
    request_id_per_key: Option<Buckets<u64>>,
    request_id_per_address: Option<Buckets<IpAddr>>,
    serial_per_key: Option<Buckets<u64>>,
    serial_per_address: Option<Buckets<IpAddr>>,
    trusted_proxies: Vec<IpAddr>,
}

impl Throttle {
    /// Empty tables for `limits`.
    pub fn new(limits: &RateLimits) -> Self {
        fn table<K: std::hash::Hash + Eq + Clone>(
            limits: &RateLimits,
            limit: Limit,
        ) -> Option<Buckets<K>> {
            limit
                .quota()
                .filter(|_| limits.enabled)
                .map(|q| Buckets::new(q, limits.max_tracked))
        }
        Throttle {
            hasher: RandomState::new(),
            request_id_per_key: table(limits, limits.request_id_per_key),
            request_id_per_address: table(limits, limits.request_id_per_address),
            serial_per_key: table(limits, limits.serial_per_key),
            serial_per_address: table(limits, limits.serial_per_address),
            trusted_proxies: limits.trusted_proxies.clone(),
        }
    }

    /// The proxies whose `X-Forwarded-For` is believed.
    pub fn trusted_proxies(&self) -> &[IpAddr] {
        &self.trusted_proxies
    }

    /// One request to `endpoint` with the (checked) `api_key`: [`Error::RateLimited`] when
    /// that key is over its limit. Endpoints without limits always pass.
    pub fn check_api_key(&self, endpoint: Endpoint, api_key: &str) -> Result<(), Error> {
        let table = match endpoint {
            Endpoint::RequestId => &self.request_id_per_key,
            Endpoint::Serial => &self.serial_per_key,
            _ => return Ok(()),
        };
        let Some(table) = table else { return Ok(()) };
        let key = self.hasher.hash_one(api_key);
        table
            .take(&key, Instant::now())
            .map_err(|wait| refused(endpoint, Scope::ApiKey, wait))
    }

    /// One request to `endpoint` from `client`: [`Error::RateLimited`] when that address
    /// ([`tracked_address`]) is over its limit. Endpoints without limits always pass.
    pub fn check_address(&self, endpoint: Endpoint, client: IpAddr) -> Result<(), Error> {
        let table = match endpoint {
            Endpoint::RequestId => &self.request_id_per_address,
            Endpoint::Serial => &self.serial_per_address,
            _ => return Ok(()),
        };
        let Some(table) = table else { return Ok(()) };
        table
            .take(&tracked_address(client), Instant::now())
            .map_err(|wait| refused(endpoint, Scope::Address, wait))
    }
}

/// The refusal of a request to `endpoint` over the limit `scope`, allowed again in `wait`
/// (counted in the metrics).
fn refused(endpoint: Endpoint, scope: Scope, wait: Duration) -> Error {
    Metrics::global().rate_limited(endpoint, scope);
    Error::RateLimited {
        endpoint,
        scope,
        retry_after: retry_after_secs(wait),
    }
}

/// A wait as whole seconds for `Retry-After`: rounded up, at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Wrap {
        rate_limit: RateLimits,
    }

    fn parse(text: &str) -> Result<RateLimits, toml::de::Error> {
        toml::from_str::<Wrap>(&format!("[rate_limit]\n{text}\n")).map(|w| w.rate_limit)
    }

    #[test]
    fn rates_read_and_written() {
        for (text, requests, secs) in [("50/s", 50, 1), ("600/m", 600, 60), ("10 / h", 10, 3600)] {
            let r: Rate = text.parse().unwrap();
            assert_eq!((r.requests, r.per.as_secs()), (requests, secs), "{text}");
        }
        assert_eq!(Rate::per_second(50).to_string(), "50/s");
        assert_eq!("600/m".parse::<Rate>().unwrap().to_string(), "600/m");
        assert_eq!(
            "3/h".parse::<Rate>().unwrap().interval(),
            Duration::from_secs(1200)
        );
        for bad in [
            "",
            "50",
            "0/s",
            "-1/s",
            "50/d",
            "1000001/s",
            "x/s",
            "50/s/s",
        ] {
            let e = bad.parse::<Rate>().unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("invalid rate {bad:?}: write N/s, N/m or N/h with N from 1 to 1000000")
            );
        }
    }

    #[test]
    fn the_table_defaults_key_by_key() {
        assert_eq!(parse("").unwrap(), RateLimits::default());
        let r = parse(
            "request_id_per_key = { rate = \"5/m\", burst = 2 }\nserial_per_address = \"off\"\n\
             trusted_proxies = [\"10.0.0.1\", \"::1\"]",
        )
        .unwrap();
        assert_eq!(
            r.request_id_per_key,
            Limit::new(
                Rate {
                    requests: 5,
                    per: Duration::from_secs(60)
                },
                2
            )
        );
        assert_eq!(r.serial_per_address, Limit::Off);
        assert_eq!(r.serial_per_key, RateLimits::default().serial_per_key);
        assert_eq!(r.trusted_proxies.len(), 2);
        // Written back as read.
        let text = toml::to_string(&Wrap {
            rate_limit: r.clone(),
        })
        .unwrap();
        assert_eq!(toml::from_str::<Wrap>(&text).unwrap().rate_limit, r);
        assert!(!parse("enabled = false").unwrap().enabled);
    }

    #[test]
    fn bad_limits_are_refused() {
        for bad in [
            "serial_per_key = \"none\"",
            "serial_per_key = { rate = \"5/s\" }",
            "serial_per_key = { rate = \"5/s\", burst = 0 }",
            "serial_per_key = { rate = \"5/s\", burst = 2000000 }",
            "serial_per_key = { rate = \"5/s\", burst = 1, extra = 1 }",
            "serial_per_key = { rate = \"5/d\", burst = 1 }",
            "per_key = \"off\"",
            "trusted_proxies = [\"proxy.example\"]",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let e = parse("serial_per_key = \"none\"").unwrap_err().to_string();
        assert!(e.contains("\"off\" or a table"), "{e}");
    }

    #[test]
    fn addresses_are_tracked_by_ipv4_or_ipv6_slash_64() {
        let a = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(tracked_address(a("192.0.2.7")), a("192.0.2.7"));
        assert_eq!(tracked_address(a("::ffff:192.0.2.7")), a("192.0.2.7"));
        assert_eq!(
            tracked_address(a("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            a("2001:db8:1:2::")
        );
        assert_eq!(
            tracked_address(a("2001:db8:1:2::1")),
            tracked_address(a("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            tracked_address(a("2001:db8:1:2::1")),
            tracked_address(a("2001:db8:1:3::1"))
        );
    }

    fn tight() -> RateLimits {
        let one = Limit::new(Rate::per_second(1), 2);
        RateLimits {
            request_id_per_key: one,
            request_id_per_address: one,
            serial_per_key: one,
            serial_per_address: one,
            ..RateLimits::default()
        }
    }

    #[test]
    fn each_limit_has_its_own_table() {
        let t = Throttle::new(&tight());
        let ip = "192.0.2.1".parse().unwrap();
        for _ in 0..2 {
            t.check_api_key(Endpoint::RequestId, "key-a").unwrap();
            t.check_address(Endpoint::RequestId, ip).unwrap();
            t.check_api_key(Endpoint::Serial, "key-a").unwrap();
        }
        let e = t.check_api_key(Endpoint::RequestId, "key-a").unwrap_err();
        assert!(matches!(
            e,
            Error::RateLimited {
                endpoint: Endpoint::RequestId,
                scope: Scope::ApiKey,
                retry_after: 1
            }
        ));
        assert_eq!(
            e.to_string(),
            "Too many requests to /v1/request-id for this API key: retry in 1 s"
        );
        assert_eq!(e.code(), "rate-limited");
        assert_eq!(e.http_status(), 503);
        // Another key, the serial's address table, other endpoints: untouched.
        t.check_api_key(Endpoint::RequestId, "key-b").unwrap();
        t.check_address(Endpoint::Serial, ip).unwrap();
        t.check_api_key(Endpoint::Version, "key-a").unwrap();
        let e = t.check_address(Endpoint::RequestId, ip).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Too many requests to /v1/request-id from this address: retry in 1 s"
        );
    }

    #[test]
    fn off_limits_never_refuse() {
        let ip = "192.0.2.1".parse().unwrap();
        for limits in [
            RateLimits {
                enabled: false,
                ..tight()
            },
            RateLimits {
                request_id_per_key: Limit::Off,
                request_id_per_address: Limit::Off,
                ..tight()
            },
        ] {
            let t = Throttle::new(&limits);
            for _ in 0..100 {
                t.check_api_key(Endpoint::RequestId, "key-a").unwrap();
                t.check_address(Endpoint::RequestId, ip).unwrap();
            }
        }
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1001)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
    }
}
