//! `store` (snapd's `asserts/store_asserts.go`, `assembleStore`): a store's operator, URL
//! and friends.

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};

use super::common::invalid_header;

/// A `store` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Store<'a> {
    /// `store`: the store id.
    pub store: &'a str,
    /// `operator-id`.
    pub operator_id: &'a str,
    /// `url`, if any (http or https, with a host, no query or fragment); an empty one is
    /// none, as snapd reads it.
    pub url: Option<&'a str>,
    /// `friendly-stores`.
    pub friendly_stores: Vec<&'a str>,
    /// `location`, if any (an empty one is none).
    pub location: Option<&'a str>,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
}

impl<'a> Store<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        let operator_id = checks::check_not_empty_string(h, "operator-id", HEADER)?;
        // snapd: an empty `url` is no URL, like an absent one.
        let url = checks::check_optional_string(h, "url", HEADER)?.filter(|u| !u.is_empty());
        if let Some(u) = url {
            check_url(u)?;
        }
        let friendly_stores = checks::check_string_list(h, "friendly-stores")?;
        let location =
            checks::check_optional_string(h, "location", HEADER)?.filter(|l| !l.is_empty());
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        Ok(Store {
            store: h.get_str("store").unwrap_or(""),
            operator_id,
            url,
            friendly_stores,
            location,
            timestamp,
        })
    }
}

super::view!(Store, Store);

fn check_url(u: &str) -> Result<(), Error> {
    let parsed = GoUrl::parse(u)
        .ok_or_else(|| invalid_header("url", format!("must be a valid URL: {u}")))?;
    if parsed.scheme != "http" && parsed.scheme != "https" {
        return Err(invalid_header(
            "url",
            format!("scheme must be \"https\" or \"http\": {u}"),
        ));
    }
    if parsed.host.is_empty() {
        return Err(invalid_header("url", format!("must have a host: {u}")));
    }
    if !parsed.query.is_empty() {
        return Err(invalid_header("url", format!("must not have a query: {u}")));
    }
    if !parsed.fragment.is_empty() {
        return Err(invalid_header(
            "url",
            format!("must not have a fragment: {u}"),
        ));
    }
    Ok(())
}

/// The parts of a URL that the store checks, parsed as Go `net/url.Parse`
/// accepts it (`None` where Go returns an error).
struct GoUrl<'a> {
    scheme: String,
    host: &'a str,
    query: &'a str,
    fragment: &'a str,
}

fn valid_escapes(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

fn valid_host_chars(host: &str) -> bool {
    valid_escapes(host)
        && host.bytes().all(|c| {
            c >= 0x80 || c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:[]<>\"%".contains(&c)
        })
}

impl<'a> GoUrl<'a> {
    fn parse(raw: &'a str) -> Option<Self> {
        if raw.bytes().any(|c| c < 0x20 || c == 0x7f) {
            return None;
        }
        let (rest, fragment) = raw.split_once('#').unwrap_or((raw, ""));
        if !valid_escapes(fragment) {
            return None;
        }
        // getScheme
        let mut scheme = "";
        let mut rest = rest;
        for (i, c) in rest.bytes().enumerate() {
            match c {
                b'a'..=b'z' | b'A'..=b'Z' => {}
                b'0'..=b'9' | b'+' | b'-' | b'.' if i == 0 => break,
                b'0'..=b'9' | b'+' | b'-' | b'.' => {}
                b':' if i == 0 => return None,
                b':' => {
                    scheme = &rest[..i];
                    rest = &rest[i + 1..];
                    break;
                }
                _ => break,
            }
        }
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut url = GoUrl {
            scheme: scheme.to_ascii_lowercase(),
            host: "",
            query,
            fragment,
        };
        if !rest.starts_with('/') {
            if !scheme.is_empty() {
                return Some(url); // opaque
            }
            if rest.split('/').next().is_some_and(|seg| seg.contains(':')) {
                return None;
            }
        }
        let mut path = rest;
        if (!scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
            let after = &rest[2..];
            let end = after.find('/').unwrap_or(after.len());
            let authority = &after[..end];
            path = &after[end..];
            let host = match authority.rfind('@') {
                Some(i) => &authority[i + 1..],
                None => authority,
            };
            if let Some(inner) = host.strip_prefix('[') {
                let close = inner.find(']')?;
                let port = &inner[close + 1..];
                if !(port.is_empty()
                    || port
                        .strip_prefix(':')
                        .is_some_and(|p| p.bytes().all(|c| c.is_ascii_digit())))
                {
                    return None;
                }
            } else if let Some(i) = host.rfind(':')
                && !host[i + 1..].bytes().all(|c| c.is_ascii_digit())
            {
                return None;
            }
            if !valid_host_chars(host) {
                return None;
            }
            url.host = host;
        }
        if !valid_escapes(path) {
            return None;
        }
        Some(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_as_the_oracle_reads_them() {
        let err = |u: &str| check_url(u).err().map(|e| e.to_string());
        for ok in [
            "https://x",
            "HTTP://x",
            "http://x?",
            "http://x#",
            "http://[::1]:80/",
        ] {
            assert_eq!(err(ok), None, "{ok}");
        }
        for bad in [
            "http://x/%zz",
            "http://a b/",
            "http://x:port/",
            "http://[::1/",
            "1http://x",
            "://bad",
        ] {
            assert_eq!(
                err(bad),
                Some(format!("\"url\" header must be a valid URL: {bad}"))
            );
        }
        assert_eq!(
            err("http:x").unwrap(),
            "\"url\" header must have a host: http:x"
        );
        assert_eq!(
            err("http://u@/").unwrap(),
            "\"url\" header must have a host: http://u@/"
        );
    }
}
