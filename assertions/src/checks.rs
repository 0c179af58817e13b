//! Common value checks (snapd's `asserts/header_checks.go`: `checkNotEmptyString`,
//! `checkInt`, `checkRFC3339Date`, …), shared by the core and the typed
//! views. They read a header block ([`crate::Headers`]) or a nested map alike
//! through [`Lookup`], and return snapd's messages.
//!
//! `context` is the `%s` of snapd's `%q %s …` messages: `"header"` for headers, or
//! a phrase such as `of snap "x"` for map entries.

use std::sync::LazyLock;

use regex::Regex;

use crate::Error;
use crate::headers::{HeaderValue, Headers};
use crate::rfc3339::Rfc3339Time;

/// Something values can be looked up in by name: a header block or a map value.
pub trait Lookup {
    /// The value named `name`.
    fn lookup(&self, name: &str) -> Option<&HeaderValue<'_>>;
}

impl Lookup for Headers<'_> {
    fn lookup(&self, name: &str) -> Option<&HeaderValue<'_>> {
        self.get(name)
    }
}

impl Lookup for crate::headers::HeaderMap<'_> {
    fn lookup(&self, name: &str) -> Option<&HeaderValue<'_>> {
        self.get(name)
    }
}

/// The `context` for top-level headers.
pub const HEADER: &str = "header";

fn ctx(name: &str, context: &str) -> (String, String) {
    (name.to_owned(), context.to_owned())
}

/// A string that must be present (may be empty): snapd `checkExistsString`.
pub fn check_exists_string<'m>(
    m: &'m impl Lookup,
    name: &str,
    context: &str,
) -> Result<&'m str, Error> {
    match m.lookup(name) {
        Some(HeaderValue::String(s)) => Ok(s),
        None => {
            let (name, context) = ctx(name, context);
            Err(Error::Mandatory { name, context })
        }
        Some(_) => {
            let (name, context) = ctx(name, context);
            Err(Error::NotString { name, context })
        }
    }
}

/// A non-empty string: snapd `checkNotEmptyString`.
pub fn check_not_empty_string<'m>(
    m: &'m impl Lookup,
    name: &str,
    context: &str,
) -> Result<&'m str, Error> {
    let s = check_exists_string(m, name, context)?;
    if s.is_empty() {
        return Err(Error::EmptyValue {
            name: name.to_owned(),
            context: context.to_owned(),
        });
    }
    Ok(s)
}

/// An optional string: `None` if absent, an error if not a string.
pub fn check_optional_string<'m>(
    m: &'m impl Lookup,
    name: &str,
    context: &str,
) -> Result<Option<&'m str>, Error> {
    match m.lookup(name) {
        None => Ok(None),
        Some(HeaderValue::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::NotString {
            name: name.to_owned(),
            context: context.to_owned(),
        }),
    }
}

/// A primary-key header: a non-empty string without `/`.
pub fn check_primary_key<'m>(m: &'m impl Lookup, name: &str) -> Result<&'m str, Error> {
    let s = check_not_empty_string(m, name, HEADER)?;
    if s.contains('/') {
        return Err(Error::PrimaryKeySlash {
            name: name.to_owned(),
        });
    }
    Ok(s)
}

/// Why Go `strconv.Atoi`/`ParseUint` rejected a number.
pub use ucore_go_text::number::NumErrorKind as NumError;

/// Go `strconv.Atoi` on a 64-bit platform: optional `+`/`-`, decimal digits.
pub fn go_atoi(s: &str) -> Result<i64, NumError> {
    ucore_go_text::number::atoi(s).map_err(|e| e.kind)
}

/// Go `strconv.ParseUint(s, 10, 64)`: decimal digits only; a syntax error is
/// reported as soon as a non-digit is seen, overflow as soon as it happens.
pub fn go_parse_uint(b: &[u8]) -> Result<u64, NumError> {
    let s = std::str::from_utf8(b).map_err(|_| NumError::Syntax)?;
    ucore_go_text::number::parse_uint(s).map_err(|e| e.kind)
}

/// snapd's `atoi`: Go `Atoi`, then no leading `0` (so `+05` and `-0` pass).
pub fn atoi(value: &str, name: &str, context: &str) -> Result<i64, Error> {
    let n = go_atoi(value).map_err(|e| {
        let (name, context) = ctx(name, context);
        let value = value.to_owned();
        match e {
            NumError::Range => Error::OutOfRange {
                name,
                context,
                value,
            },
            NumError::Syntax => Error::NotInteger {
                name,
                context,
                value,
            },
        }
    })?;
    if value.len() > 1 && value.starts_with('0') {
        return Err(Error::PrefixZeros {
            name: name.to_owned(),
            context: context.to_owned(),
            value: value.to_owned(),
        });
    }
    Ok(n)
}

/// A mandatory integer: snapd `checkInt` (non-empty string, then [`atoi`]).
pub fn check_int(m: &impl Lookup, name: &str, context: &str) -> Result<i64, Error> {
    let s = check_not_empty_string(m, name, context)?;
    atoi(s, name, context)
}

/// An optional integer with a default: snapd `checkIntWithDefault`.
pub fn check_int_with_default(m: &impl Lookup, name: &str, default: i64) -> Result<i64, Error> {
    match m.lookup(name) {
        None => Ok(default),
        Some(HeaderValue::String(s)) => atoi(s, name, HEADER),
        Some(other) => Err(Error::NotInteger {
            name: name.to_owned(),
            context: HEADER.to_owned(),
            value: fmt_v(other),
        }),
    }
}

/// A mandatory unsigned 64-bit integer: snapd `checkUint` (no sign, no leading
/// zeros).
pub fn check_uint(m: &impl Lookup, name: &str) -> Result<u64, Error> {
    let s = check_not_empty_string(m, name, HEADER)?;
    let fail = |e: Option<NumError>| {
        let (name, context) = ctx(name, HEADER);
        let value = s.to_owned();
        match e {
            Some(NumError::Range) => Error::OutOfRange {
                name,
                context,
                value,
            },
            Some(NumError::Syntax) => Error::NotUnsignedInteger {
                name,
                context,
                value,
            },
            None => Error::PrefixZeros {
                name,
                context,
                value,
            },
        }
    };
    let n = go_parse_uint(s.as_bytes()).map_err(|e| fail(Some(e)))?;
    if s.len() > 1 && s.starts_with('0') {
        return Err(fail(None));
    }
    Ok(n)
}

/// An optional boolean: absent is `false`, otherwise exactly `true` or `false`.
pub fn check_optional_bool(m: &impl Lookup, name: &str) -> Result<bool, Error> {
    match m.lookup(name) {
        None => Ok(false),
        Some(HeaderValue::String(s)) if s == "true" => Ok(true),
        Some(HeaderValue::String(s)) if s == "false" => Ok(false),
        Some(_) => Err(Error::NotBool {
            name: name.to_owned(),
        }),
    }
}

fn parse_date(s: &str, name: &str, context: &str) -> Result<Rfc3339Time, Error> {
    Rfc3339Time::parse(s).map_err(|reason| Error::NotRfc3339 {
        name: name.to_owned(),
        context: context.to_owned(),
        reason,
    })
}

/// A mandatory RFC 3339 date: snapd `checkRFC3339Date`.
pub fn check_rfc3339_date(
    m: &impl Lookup,
    name: &str,
    context: &str,
) -> Result<Rfc3339Time, Error> {
    let s = check_not_empty_string(m, name, context)?;
    parse_date(s, name, context)
}

/// An optional RFC 3339 date: `None` if absent (snapd
/// `checkRFC3339DateWithDefault` with the caller's default).
pub fn check_optional_rfc3339_date(
    m: &impl Lookup,
    name: &str,
    context: &str,
) -> Result<Option<Rfc3339Time>, Error> {
    match check_optional_string(m, name, context)? {
        None => Ok(None),
        Some(s) => parse_date(s, name, context).map(Some),
    }
}

/// Go `base64.RawURLEncoding.DecodeString`: `\r` and `\n` are skipped, no padding,
/// non-zero trailing bits accepted. The error is Go's `CorruptInputError` offset.
pub fn decode_base64url_nopad(s: &str) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    base64url_nopad(s, |b| out.extend_from_slice(b))?;
    Ok(out)
}

/// The decoded length of [`decode_base64url_nopad`], without allocating.
pub fn base64url_nopad_len(s: &str) -> Result<usize, usize> {
    // The URL-safe alphabet, tested without an early exit so that the loop
    // vectorizes (a key digest is 64 characters).
    let plain = s.bytes().fold(true, |ok, c| {
        ok & (c.is_ascii_alphanumeric() | (c == b'-') | (c == b'_'))
    });
    if plain && s.len() % 4 != 1 {
        return Ok(s.len() * 3 / 4);
    }
    let mut n = 0;
    base64url_nopad(s, |b| n += b.len())?;
    Ok(n)
}

fn base64url_nopad(s: &str, mut sink: impl FnMut(&[u8])) -> Result<(), usize> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        } as u32)
    }
    let src = s.as_bytes();
    let mut si = 0;
    loop {
        let mut quantum = [0u32; 4];
        let mut j = 0;
        while j < 4 {
            let Some(&c) = src.get(si) else { break };
            si += 1;
            if c == b'\n' || c == b'\r' {
                continue;
            }
            quantum[j] = value(c).ok_or(si - 1)?;
            j += 1;
        }
        if j == 1 {
            return Err(si - j);
        }
        let v = (quantum[0] << 18) | (quantum[1] << 12) | (quantum[2] << 6) | quantum[3];
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        match j {
            0 => return Ok(()),
            4 => sink(&bytes),
            _ => {
                sink(&bytes[..j - 1]);
                return Ok(());
            }
        }
    }
}

/// A digest header: unpadded base64url of exactly `size` bytes (snapd
/// `checkDigest`).
pub fn check_digest(m: &impl Lookup, name: &str, size: usize) -> Result<Vec<u8>, Error> {
    let s = check_not_empty_string(m, name, HEADER)?;
    let b = decode_base64url_nopad(s).map_err(|offset| Error::DigestUndecodable {
        name: name.to_owned(),
        offset,
    })?;
    if b.len() != size {
        return Err(Error::DigestBitLength {
            name: name.to_owned(),
            bits: b.len() * 8,
        });
    }
    Ok(b)
}

/// [`check_digest`] without keeping the bytes (no allocation on success).
pub fn check_digest_valid(m: &impl Lookup, name: &str, size: usize) -> Result<(), Error> {
    let s = check_not_empty_string(m, name, HEADER)?;
    let len = base64url_nopad_len(s).map_err(|offset| Error::DigestUndecodable {
        name: name.to_owned(),
        offset,
    })?;
    if len != size {
        return Err(Error::DigestBitLength {
            name: name.to_owned(),
            bits: len * 8,
        });
    }
    Ok(())
}

/// A list of strings, each matching `pattern` if given (snapd
/// `checkStringListInMap`; `what` is e.g. `"series" header`). Absent or empty
/// gives an empty list.
pub fn check_string_list_in_map<'m>(
    m: &'m impl Lookup,
    name: &str,
    what: &str,
    pattern: Option<&Regex>,
) -> Result<Vec<&'m str>, Error> {
    string_list(m, name, || what.to_owned(), pattern)
}

/// [`check_string_list_in_map`] with `what` built only for an error.
fn string_list<'m>(
    m: &'m impl Lookup,
    name: &str,
    what: impl Fn() -> String,
    pattern: Option<&Regex>,
) -> Result<Vec<&'m str>, Error> {
    let Some(value) = m.lookup(name) else {
        return Ok(Vec::new());
    };
    let not_list = || Error::NotStringList { what: what() };
    let items = value.as_list().ok_or_else(not_list)?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let s = item.as_str().ok_or_else(not_list)?;
        if let Some(p) = pattern
            && !p.is_match(s)
        {
            return Err(Error::InvalidListElement {
                what: what(),
                element: s.to_owned(),
            });
        }
        out.push(s);
    }
    Ok(out)
}

/// `"name" header`, as snapd's list messages print it.
fn header_what(name: &str) -> String {
    format!("{} header", ucore_go_text::quote(name))
}

/// A header holding a list of strings (snapd `checkStringList`).
pub fn check_string_list<'m>(m: &'m impl Lookup, name: &str) -> Result<Vec<&'m str>, Error> {
    string_list(m, name, || header_what(name), None)
}

/// A header holding a list of strings matching `pattern`
/// (snapd `checkStringListMatches`).
pub fn check_string_list_matches<'m>(
    m: &'m impl Lookup,
    name: &str,
    pattern: &Regex,
) -> Result<Vec<&'m str>, Error> {
    string_list(m, name, || header_what(name), Some(pattern))
}

/// An optional map: `None` if absent (snapd `checkMapWhat`).
pub fn check_map<'m>(
    m: &'m impl Lookup,
    name: &str,
    context: &str,
) -> Result<Option<&'m crate::headers::HeaderMap<'m>>, Error> {
    match m.lookup(name) {
        None => Ok(None),
        Some(HeaderValue::Map(map)) => Ok(Some(map)),
        Some(_) => Err(Error::NotMap {
            name: name.to_owned(),
            context: context.to_owned(),
        }),
    }
}

/// An optional list: `None` if absent (`%q %s must be a list`).
pub fn check_list<'m>(
    m: &'m impl Lookup,
    name: &str,
    context: &str,
) -> Result<Option<&'m [HeaderValue<'m>]>, Error> {
    match m.lookup(name) {
        None => Ok(None),
        Some(HeaderValue::List(l)) => Ok(Some(l)),
        Some(_) => Err(Error::NotList {
            name: name.to_owned(),
            context: context.to_owned(),
        }),
    }
}

/// A non-empty string matching `pattern` (snapd `checkStringMatchesWhat`).
pub fn check_string_matches<'m>(
    m: &'m impl Lookup,
    name: &str,
    context: &str,
    pattern: &Regex,
) -> Result<&'m str, Error> {
    check_string_valid(m, name, context, |s| pattern.is_match(s))
}

/// A non-empty string that `is_valid` accepts, else snapd's "contains invalid
/// characters" error: [`check_string_matches`] for patterns checked by hand
/// instead of by the regex engine.
fn check_string_valid<'m>(
    m: &'m impl Lookup,
    name: &str,
    context: &str,
    is_valid: impl Fn(&str) -> bool,
) -> Result<&'m str, Error> {
    let s = check_not_empty_string(m, name, context)?;
    if !is_valid(s) {
        return Err(Error::InvalidCharacters {
            name: name.to_owned(),
            context: context.to_owned(),
            value: s.to_owned(),
        });
    }
    Ok(s)
}

/// Whether `s` is a snap id (`^[a-z0-9A-Z]{32}$`), without
/// the regex engine.
pub fn is_valid_snap_id(s: &str) -> bool {
    // Exactly 32 bytes, folded without early exit so the check vectorizes.
    let Some(b) = s.as_bytes().first_chunk::<32>().filter(|_| s.len() == 32) else {
        return false;
    };
    b.iter().fold(true, |ok, &c| {
        let letter = (c | 0x20).wrapping_sub(b'a') < 26;
        let digit = c.wrapping_sub(b'0') < 10;
        ok & (letter | digit)
    })
}

/// [`check_string_matches`] with [`VALID_SNAP_ID`], without the regex engine
/// (a model or validation set checks one per snap).
pub fn check_snap_id<'m>(m: &'m impl Lookup, name: &str, context: &str) -> Result<&'m str, Error> {
    check_string_valid(m, name, context, is_valid_snap_id)
}

fn regex(pattern: &str) -> Regex {
    // The patterns are constants checked by the unit tests below.
    Regex::new(pattern).unwrap_or_else(|_| unreachable!("constant regex {pattern}"))
}

/// Account ids: `^(?:[a-z0-9A-Z]{32}|[-a-z0-9]{2,28})$` (`validAccountID`).
pub static VALID_ACCOUNT_ID: LazyLock<Regex> =
    LazyLock::new(|| regex("^(?:[a-z0-9A-Z]{32}|[-a-z0-9]{2,28})$"));
/// Model names: `^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$` (`validModel`).
pub static VALID_MODEL: LazyLock<Regex> =
    LazyLock::new(|| regex("^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$"));
/// Provenance: `^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$`.
pub static VALID_PROVENANCE: LazyLock<Regex> =
    LazyLock::new(|| regex("^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$"));

/// The `model` header: [`VALID_MODEL`] and lowercase (snapd `checkModel`).
pub fn check_model(m: &impl Lookup) -> Result<&str, Error> {
    // `check_string_matches` with `VALID_MODEL`, without the regex engine.
    let s = check_string_valid(m, "model", HEADER, is_valid_model_name)?;
    if s.bytes().any(|c| c.is_ascii_uppercase()) {
        return Err(Error::Uppercase {
            name: "model".to_owned(),
            context: HEADER.to_owned(),
        });
    }
    Ok(s)
}

/// Whether `s` matches [`VALID_MODEL`] (`^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$`): ASCII
/// letters and digits, single `-` between them.
fn is_valid_model_name(s: &str) -> bool {
    let b = s.as_bytes();
    let mut prev_hyphen = true; // no leading `-`
    for &c in b {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => prev_hyphen = false,
            b'-' if !prev_hyphen => prev_hyphen = true,
            _ => return false,
        }
    }
    !b.is_empty() && !prev_hyphen
}

/// Whether `name` is a valid snap name (snapd `naming.ValidateSnap`): 2–40
/// characters from `[a-z0-9-]`, at least one letter, no leading or trailing `-`,
/// no `--`.
pub fn is_valid_snap_name(name: &str) -> bool {
    let b = name.as_bytes();
    if !(2..=40).contains(&b.len()) {
        return false;
    }
    // One pass: allowed bytes, a letter somewhere, no `--`.
    let (mut letter, mut prev_hyphen) = (false, false);
    for &c in b {
        match c {
            b'a'..=b'z' => (letter, prev_hyphen) = (true, false),
            b'0'..=b'9' => prev_hyphen = false,
            b'-' if !prev_hyphen => prev_hyphen = true,
            _ => return false,
        }
    }
    letter && b.first() != Some(&b'-') && b.last() != Some(&b'-')
}

/// Go `fmt` `%v` of a header value: strings as is, lists as `[a b]`, maps as
/// `map[k:v …]` with keys sorted.
fn fmt_v(value: &HeaderValue<'_>) -> String {
    let mut out = String::new();
    write_v(&mut out, value);
    out
}

fn write_v(out: &mut String, value: &HeaderValue<'_>) {
    match value {
        HeaderValue::String(s) => out.push_str(s),
        HeaderValue::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, item);
            }
            out.push(']');
        }
        HeaderValue::Map(map) => {
            out.push_str("map[");
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_v(out, v);
            }
            out.push(']');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> Headers<'static> {
        pairs
            .iter()
            .map(|&(k, v)| (k, HeaderValue::from(v)))
            .collect()
    }

    fn err<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn strings() {
        let h = headers(&[("a", ""), ("b", "x/y")]);
        assert_eq!(
            err(check_not_empty_string(&h, "z", HEADER)),
            r#""z" header is mandatory"#
        );
        assert_eq!(
            err(check_not_empty_string(&h, "a", HEADER)),
            r#""a" header should not be empty"#
        );
        assert_eq!(
            err(check_primary_key(&h, "b")),
            r#""b" primary key header cannot contain '/'"#
        );
        let mut l = h.clone();
        l.insert("l", HeaderValue::List(vec![]));
        assert_eq!(
            err(check_optional_string(&l, "l", "of snap \"x\"")),
            r#""l" of snap "x" must be a string"#
        );
    }

    #[test]
    fn integers_with_go_quirks() {
        let h = headers(&[
            ("p", "+5"),
            ("pz", "+05"),
            ("mz", "-0"),
            ("z", "05"),
            ("big", "99999999999999999999"),
            ("x", "1x"),
            ("min", "-9223372036854775808"),
        ]);
        assert_eq!(check_int(&h, "p", HEADER).unwrap(), 5);
        assert_eq!(check_int(&h, "pz", HEADER).unwrap(), 5);
        assert_eq!(check_int(&h, "mz", HEADER).unwrap(), 0);
        assert_eq!(check_int(&h, "min", HEADER).unwrap(), i64::MIN);
        assert_eq!(
            err(check_int(&h, "z", HEADER)),
            r#""z" header has invalid prefix zeros: 05"#
        );
        assert_eq!(
            err(check_int(&h, "big", HEADER)),
            r#""big" header is out of range: 99999999999999999999"#
        );
        assert_eq!(
            err(check_int(&h, "x", HEADER)),
            r#""x" header is not an integer: 1x"#
        );
        assert_eq!(check_int_with_default(&h, "none", 7).unwrap(), 7);
        let mut l = h.clone();
        l.insert(
            "l",
            HeaderValue::List(vec![HeaderValue::from("a"), HeaderValue::from("b")]),
        );
        assert_eq!(
            err(check_int_with_default(&l, "l", 0)),
            r#""l" header is not an integer: [a b]"#
        );
        assert_eq!(go_atoi(""), Err(NumError::Syntax));
        assert_eq!(go_atoi("+"), Err(NumError::Syntax));
        assert_eq!(go_atoi("99999999999999999999x"), Err(NumError::Range));
    }

    #[test]
    fn unsigned_and_bool() {
        let h = headers(&[
            ("s", "18446744073709551615"),
            ("o", "18446744073709551616"),
            ("n", "+1"),
            ("t", "true"),
            ("f", "yes"),
        ]);
        assert_eq!(check_uint(&h, "s").unwrap(), u64::MAX);
        assert_eq!(
            err(check_uint(&h, "o")),
            r#""o" header is out of range: 18446744073709551616"#
        );
        assert_eq!(
            err(check_uint(&h, "n")),
            r#""n" header is not an unsigned integer: +1"#
        );
        assert!(check_optional_bool(&h, "t").unwrap());
        assert!(!check_optional_bool(&h, "absent").unwrap());
        assert_eq!(
            err(check_optional_bool(&h, "f")),
            r#""f" header must be 'true' or 'false'"#
        );
    }

    #[test]
    fn dates() {
        let h = headers(&[("t", "2016"), ("ok", "2016-01-01T00:00:00Z")]);
        assert_eq!(
            err(check_rfc3339_date(&h, "t", HEADER)),
            r#""t" header is not a RFC3339 date: parsing time "2016" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "-""#
        );
        assert!(check_rfc3339_date(&h, "ok", HEADER).is_ok());
        assert_eq!(
            check_optional_rfc3339_date(&h, "none", HEADER).unwrap(),
            None
        );
    }

    #[test]
    fn digests_like_go_base64() {
        assert_eq!(decode_base64url_nopad("AXNpZw").unwrap(), b"\x01sig");
        assert_eq!(decode_base64url_nopad("AXNp\nZw").unwrap(), b"\x01sig");
        assert_eq!(decode_base64url_nopad("AXNpZw=="), Err(6));
        assert_eq!(decode_base64url_nopad("AXNpZ"), Err(4));
        assert_eq!(decode_base64url_nopad("AX+p"), Err(2));
        let h = headers(&[("d", "AXNpZw"), ("k", "AXNpZ")]);
        assert_eq!(
            err(check_digest(&h, "d", 48)),
            r#""d" header does not have the expected bit length: 32"#
        );
        assert_eq!(
            err(check_digest(&h, "k", 48)),
            r#""k" header cannot be decoded: illegal base64 data at input byte 4"#
        );
    }

    #[test]
    fn lists_maps_and_patterns() {
        let mut h = headers(&[("s", "x"), ("model", "Foo"), ("m2", "a--b")]);
        h.insert(
            "l",
            HeaderValue::List(vec![HeaderValue::from("a"), HeaderValue::from("B")]),
        );
        assert_eq!(check_string_list(&h, "l").unwrap(), ["a", "B"]);
        assert!(check_string_list(&h, "none").unwrap().is_empty());
        assert_eq!(
            err(check_string_list(&h, "s")),
            r#""s" header must be a list of strings"#
        );
        let lower = Regex::new("^[a-z]+$").unwrap();
        assert_eq!(
            err(check_string_list_matches(&h, "l", &lower)),
            r#""l" header contains an invalid element: "B""#
        );
        assert_eq!(
            err(check_map(&h, "s", HEADER)),
            r#""s" header must be a map"#
        );
        assert_eq!(
            err(check_list(&h, "s", HEADER)),
            r#""s" header must be a list"#
        );
        assert_eq!(
            err(check_model(&h)),
            r#""model" header cannot contain uppercase letters"#
        );
        assert_eq!(
            err(check_string_matches(&h, "m2", HEADER, &VALID_MODEL)),
            r#""m2" header contains invalid characters: "a--b""#
        );
        assert!(VALID_ACCOUNT_ID.is_match("canonical"));
        // Snap ids: `^[a-z0-9A-Z]{32}$`, checked without the regex engine.
        let valid_snap_id = regex("^[a-z0-9A-Z]{32}$");
        assert!(valid_snap_id.is_match("UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH"));
        for id in [
            "UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAH",
            "UqFziVZDHLSyO3TqSWgNBoAdHbLI4dA",
            "UqFziVZDHLSyO3TqSWgNBoAdHbLI4dAHx",
            "UqFziVZDHLSyO3TqSWgNBoAdHbLI4d-H",
            "UqFziVZDHLSyO3TqSWgNBoAdHbLI4dé",
            "",
        ] {
            assert_eq!(is_valid_snap_id(id), valid_snap_id.is_match(id), "{id}");
        }
        assert!(VALID_PROVENANCE.is_match("global-upload"));
    }

    #[test]
    fn snap_names() {
        for ok in ["pc", "core22", "a-b", "0ad"] {
            assert!(is_valid_snap_name(ok), "{ok}");
        }
        for bad in ["a", "-ab", "ab-", "a--b", "AB", "12", &"a".repeat(41)] {
            assert!(!is_valid_snap_name(bad), "{bad}");
        }
    }

    /// The one-pass check agrees with the rule as written (every name of up to
    /// 5 characters over a small alphabet).
    #[test]
    fn snap_names_match_the_rule() {
        fn rule(name: &str) -> bool {
            let b = name.as_bytes();
            (2..=40).contains(&b.len())
                && b.iter()
                    .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
                && b.iter().any(u8::is_ascii_lowercase)
                && !name.starts_with('-')
                && !name.ends_with('-')
                && !name.contains("--")
        }
        for name in names_up_to_5(&["a", "z", "0", "9", "-", "A", "_", "é"]) {
            assert_eq!(is_valid_snap_name(&name), rule(&name), "{name:?}");
        }
    }

    /// Every name of 1 to 5 characters over `alphabet`.
    fn names_up_to_5(alphabet: &[&str]) -> Vec<String> {
        let mut all = Vec::new();
        let mut names = vec![String::new()];
        for _ in 0..5 {
            names = names
                .iter()
                .flat_map(|n| alphabet.iter().map(move |c| format!("{n}{c}")))
                .collect();
            all.extend(names.iter().cloned());
        }
        all
    }

    /// The hand-written model-name check agrees with `VALID_MODEL` (every name
    /// of up to 5 characters over a small alphabet).
    #[test]
    fn model_names_match_the_regex() {
        assert!(!is_valid_model_name(""));
        for name in names_up_to_5(&["a", "Z", "0", "-", "_", "\n", "é"]) {
            assert_eq!(
                is_valid_model_name(&name),
                VALID_MODEL.is_match(&name),
                "{name:?}"
            );
        }
    }

    #[test]
    fn base64url_len_matches_decoding() {
        let digest = "Az09-_".repeat(11)[..64].to_string();
        let bad_end = format!("{}+", &digest[..63]);
        for s in [
            "", "a", "ab", "abc", "abcd", "a-_9", "a+b", "ab\ncd", "ab=", "é", &digest, &bad_end,
        ] {
            assert_eq!(
                base64url_nopad_len(s),
                decode_base64url_nopad(s).map(|v| v.len()),
                "{s:?}"
            );
        }
    }

    #[test]
    fn fmt_v_like_go() {
        let v = HeaderValue::List(vec![
            HeaderValue::from("a"),
            HeaderValue::List(vec![HeaderValue::from("b")]),
        ]);
        assert_eq!(fmt_v(&v), "[a [b]]");
        let mut m = std::collections::BTreeMap::new();
        m.insert("z".into(), HeaderValue::from("1"));
        m.insert("a".into(), HeaderValue::from("2"));
        assert_eq!(fmt_v(&HeaderValue::Map(m.into())), "map[a:2 z:1]");
    }
}
