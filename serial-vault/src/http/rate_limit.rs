//! The per-address rate limits of `/v1/request-id` and `/v1/serial` on the wire: a layer on
//! those two routes that finds the client's address and asks the vault's
//! [`Throttle`](crate::vault::rate_limit::Throttle) before anything else runs (before the
//! `api-key` is looked up, before the body is read). The limits themselves, their
//! status (503 with `Retry-After`) and why, are in [`crate::vault::rate_limit`].
//!
//! The client is the TCP peer (`ConnectInfo`, set by the server for every request). When
//! the peer is one of the `trusted_proxies`, the client is the right-most address of
//! `X-Forwarded-For` that is not itself a trusted proxy (each proxy appends the address it
//! got the request from); an `X-Forwarded-For` from anyone else is ignored, so a client
//! cannot choose the address it is counted as. A request without a known peer (a router
//! called in-process) has no per-address limit.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::metrics::Endpoint;
use crate::vault::Vault;

/// The `X-Forwarded-For` header.
const FORWARDED_FOR: &str = "x-forwarded-for";

/// The address a request is counted as: the peer, or for a trusted proxy the client it
/// names (see the module documentation).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    // Every X-Forwarded-For line, in order, as one list; the right-most entries were
    // appended by the proxies closest to the vault.
    let hops: Vec<&str> = headers
        .get_all(FORWARDED_FOR)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            // Not an address (a port, an obfuscated name): nothing left to the left of it
            // can be trusted; the last proxy is the client.
            Err(_) => break,
        }
    }
    peer
}

/// Middleware on the route of `endpoint`: refuses a request over the per-address limit
/// with the vault's 503 (`rate-limited`) before the handler runs.
pub async fn limit_address(
    State((vault, endpoint)): State<(Vault, Endpoint)>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        let throttle = vault.throttle();
        let client = client_address(peer.ip(), request.headers(), throttle.trusted_proxies());
        if let Err(e) = throttle.check_address(endpoint, client) {
            return e.into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(FORWARDED_FOR, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn forwarded_for_is_believed_from_trusted_proxies_only() {
        let proxy = ip("10.0.0.1");
        let trusted = [proxy, ip("10.0.0.2")];
        let h = forwarded(&["203.0.113.9"]);
        assert_eq!(client_address(proxy, &h, &trusted), ip("203.0.113.9"));
        // From anyone else the header is the client's own say: ignored.
        assert_eq!(
            client_address(ip("198.51.100.1"), &h, &trusted),
            ip("198.51.100.1")
        );
        // The client's own X-Forwarded-For, then two proxies: the right-most untrusted hop.
        let h = forwarded(&["1.2.3.4, 203.0.113.9", "10.0.0.2"]);
        assert_eq!(client_address(proxy, &h, &trusted), ip("203.0.113.9"));
        // No header, or garbage: the proxy itself.
        assert_eq!(client_address(proxy, &HeaderMap::new(), &trusted), proxy);
        let h = forwarded(&["1.2.3.4, unknown"]);
        assert_eq!(client_address(proxy, &h, &trusted), proxy);
        // Nothing trusted: the peer, always.
        let h = forwarded(&["203.0.113.9"]);
        assert_eq!(client_address(proxy, &h, &[]), proxy);
    }
}
