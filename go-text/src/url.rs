//! Whether Go's `net/url.Parse` (Go 1.19) accepts a text, its error text when it does not,
//! and the scheme it finds (snapd's `ValidateLinks` needs no more of the URL).

use crate::quote;

/// What `url.Parse` found, as far as it is kept here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// The scheme, lower-cased (`""` when none).
    pub scheme: String,
}

/// A text `url.Parse` refuses; Display is Go's text (`parse "X": invalid URL escape "%zz"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlError {
    /// The part of the input Go names (without the fragment, unless the fragment is at fault).
    pub url: String,
    /// Go's reason.
    pub reason: String,
}

impl std::fmt::Display for UrlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "parse {}: {}", quote(&self.url), self.reason)
    }
}

impl std::error::Error for UrlError {}

/// Which part of a URL a text is unescaped as (Go's `encoding` modes that `Parse` uses).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Host,
    Zone,
    Path,
    UserPassword,
    Fragment,
}

/// Go's `url.Parse`: `Ok` with the scheme, or Go's error.
///
/// ```
/// use ucore_go_text::url::parse;
///
/// assert_eq!(parse("HTTPS://example.com/a%20b#x").unwrap().scheme, "https");
/// assert_eq!(
///     parse("http://x/%zz").unwrap_err().to_string(),
///     r#"parse "http://x/%zz": invalid URL escape "%zz""#
/// );
/// ```
pub fn parse(raw: &str) -> Result<Url, UrlError> {
    let (u, fragment) = raw.split_once('#').unwrap_or((raw, ""));
    let fail = |url: &str, reason: String| UrlError {
        url: url.to_string(),
        reason,
    };
    let url = parse_without_fragment(u).map_err(|reason| fail(u, reason))?;
    if !fragment.is_empty() {
        unescape(fragment, Part::Fragment).map_err(|reason| fail(raw, reason))?;
    }
    Ok(url)
}

fn parse_without_fragment(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    if raw == "*" {
        return Ok(Url {
            scheme: String::new(),
        });
    }
    let (scheme, rest) = split_scheme(raw)?;
    let scheme = scheme.to_ascii_lowercase();
    let rest = if rest.ends_with('?') && rest.matches('?').count() == 1 {
        &rest[..rest.len() - 1]
    } else {
        rest.split_once('?').map_or(rest, |(path, _)| path)
    };
    if !rest.starts_with('/') {
        if !scheme.is_empty() {
            // An opaque URL (`mailto:a@b`): not looked into.
            return Ok(Url { scheme });
        }
        let segment = rest.split_once('/').map_or(rest, |(s, _)| s);
        if segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    let mut path = rest;
    if (!scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let after = &rest[2..];
        let (authority, tail) = match after.find('/') {
            Some(i) => after.split_at(i),
            None => (after, ""),
        };
        check_authority(authority)?;
        path = tail;
    }
    unescape(path, Part::Path)?;
    Ok(Url { scheme })
}

/// Go's `getScheme`: letters, then letters, digits, `+`, `-`, `.` up to a `:`.
fn split_scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme".into()),
            b':' => return Ok((&raw[..i], &raw[i + 1..])),
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

fn check_authority(authority: &str) -> Result<(), String> {
    let (userinfo, host) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    check_host(host)?;
    if let Some(userinfo) = userinfo {
        let valid = userinfo
            .bytes()
            .all(|b| is_unreserved(b) || is_sub_delim(b) || matches!(b, b':' | b'%' | b'@'));
        if !valid {
            return Err("net/url: invalid userinfo".into());
        }
        // User and password (split at the first `:`) are unescaped one after the other,
        // which finds the same first bad escape as the whole.
        unescape(userinfo, Part::UserPassword)?;
    }
    Ok(())
}

fn valid_optional_port(port: &str) -> bool {
    match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => digits.bytes().all(|b| b.is_ascii_digit()),
    }
}

fn check_host(host: &str) -> Result<(), String> {
    if host.starts_with('[') {
        let Some(close) = host.rfind(']') else {
            return Err("missing ']' in host".into());
        };
        let port = &host[close + 1..];
        if !valid_optional_port(port) {
            return Err(format!("invalid port {} after host", quote(port)));
        }
        if let Some(zone) = host[..close].find("%25") {
            unescape(&host[..zone], Part::Host)?;
            unescape(&host[zone..close], Part::Zone)?;
            unescape(&host[close..], Part::Host)?;
            return Ok(());
        }
    } else if let Some(colon) = host.rfind(':') {
        let port = &host[colon..];
        if !valid_optional_port(port) {
            return Err(format!("invalid port {} after host", quote(port)));
        }
    }
    unescape(host, Part::Host)
}

/// RFC 3986's unreserved characters: letters, digits, `-`, `.`, `_`, `~`.
fn is_unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~')
}

/// RFC 3986's sub-delims: `!$&'()*+,;=`.
fn is_sub_delim(c: u8) -> bool {
    matches!(
        c,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

/// Go's `shouldEscape` for the modes `Parse` checks characters in (host and zone): Go adds
/// `:`, `[`, `]`, `<`, `>` and `"` to what a host may hold.
fn host_should_escape(c: u8) -> bool {
    !(is_unreserved(c) || is_sub_delim(c) || matches!(c, b':' | b'[' | b']' | b'<' | b'>' | b'"'))
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// The checks of Go's `unescape` (the unescaped text itself is not needed).
fn unescape(s: &str, part: Part) -> Result<(), String> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            let (Some(hi), Some(lo)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            ) else {
                let end = (i + 3).min(b.len());
                return Err(escape_error(&b[i..end]));
            };
            let is_25 = hi == 2 && lo == 5;
            if part == Part::Host && hi < 8 && !is_25 {
                return Err(escape_error(&b[i..i + 3]));
            }
            let v = (hi << 4) | lo;
            if part == Part::Zone && !is_25 && v != b' ' && host_should_escape(v) {
                return Err(escape_error(&b[i..i + 3]));
            }
            i += 3;
        } else {
            if matches!(part, Part::Host | Part::Zone) && c < 0x80 && host_should_escape(c) {
                return Err(format!(
                    "invalid character {} in host name",
                    quote(&(c as char).to_string())
                ));
            }
            i += 1;
        }
    }
    Ok(())
}

/// `invalid URL escape "%zz"` (Go quotes the bytes as a string).
fn escape_error(bytes: &[u8]) -> String {
    format!("invalid URL escape {}", crate::quote_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::parse;

    /// Go 1.19's answers, from:
    /// ```go
    /// for _, s := range inputs {
    ///     u, err := url.Parse(s)
    ///     if err != nil { fmt.Printf("%q\n", err.Error()) } else { fmt.Printf("ok %q\n", u.Scheme) }
    /// }
    /// ```
    const GOLDEN: &[(&str, &str)] = &[
        ("https://example.com", "ok https"),
        ("HTTP://EXAMPLE.com:8080/a?b#c", "ok http"),
        ("mailto:me@example.com", "ok mailto"),
        ("me@example.com", "ok "),
        ("*", "ok "),
        ("", "ok "),
        ("mailto:%zz", "ok mailto"),
        ("//host/path", "ok "),
        ("///path", "ok "),
        ("http://[::1]:80/", "ok http"),
        ("http://[fe80::1%25en0]/", "ok http"),
        ("http://x/?%zz", "ok http"),
        ("http://h\u{e9}st/", "ok http"),
        ("http://%C3%A9/", "ok http"),
        ("http://x#\u{1}", "ok http"),
        ("http://a<b>/", "ok http"),
        (
            "http://x/%zz",
            "parse \"http://x/%zz\": invalid URL escape \"%zz\"",
        ),
        (
            "http://x/%4",
            "parse \"http://x/%4\": invalid URL escape \"%4\"",
        ),
        (
            "http://x/%",
            "parse \"http://x/%\": invalid URL escape \"%\"",
        ),
        (
            "http://x/#%zz",
            "parse \"http://x/#%zz\": invalid URL escape \"%zz\"",
        ),
        (
            "http://%41/",
            "parse \"http://%41/\": invalid URL escape \"%41\"",
        ),
        (
            "http://a b/",
            "parse \"http://a b/\": invalid character \" \" in host name",
        ),
        (
            "http://a{b/",
            "parse \"http://a{b/\": invalid character \"{\" in host name",
        ),
        (
            "http://x:port/",
            "parse \"http://x:port/\": invalid port \":port\" after host",
        ),
        (
            "http://[::1/",
            "parse \"http://[::1/\": missing ']' in host",
        ),
        (
            "http://[::1]x/",
            "parse \"http://[::1]x/\": invalid port \"x\" after host",
        ),
        ("http://[fe80::1%25%41]/", "ok http"),
        ("http://[fe80::1%25%20]/", "ok http"),
        (
            "http://[fe80::1%25%2F]/",
            "parse \"http://[fe80::1%25%2F]/\": invalid URL escape \"%2F\"",
        ),
        (
            "http://[fe80::1%25e{]/",
            "parse \"http://[fe80::1%25e{]/\": invalid character \"{\" in host name",
        ),
        (
            "http://[fe80::1%25]%41/",
            "parse \"http://[fe80::1%25]%41/\": invalid port \"%41\" after host",
        ),
        (
            "http://[%41%25x]/",
            "parse \"http://[%41%25x]/\": invalid URL escape \"%41\"",
        ),
        (
            "http://a b@x/",
            "parse \"http://a b@x/\": net/url: invalid userinfo",
        ),
        (
            "http://a%zz@x/",
            "parse \"http://a%zz@x/\": invalid URL escape \"%zz\"",
        ),
        (
            "http://x/\n",
            "parse \"http://x/\\n\": net/url: invalid control character in URL",
        ),
        (
            "a\u{7f}",
            "parse \"a\\x7f\": net/url: invalid control character in URL",
        ),
        (":x", "parse \":x\": missing protocol scheme"),
        ("a:b", "ok a"),
        (
            "1a:b",
            "parse \"1a:b\": first path segment in URL cannot contain colon",
        ),
        (
            "x_y:z",
            "parse \"x_y:z\": first path segment in URL cannot contain colon",
        ),
        ("/a:b", "ok "),
    ];

    #[test]
    fn parse_matches_go() {
        for (input, want) in GOLDEN {
            let got = match parse(input) {
                Ok(u) => format!("ok {}", u.scheme),
                Err(e) => e.to_string(),
            };
            assert_eq!(&got, want, "{input:?}");
        }
    }
}
