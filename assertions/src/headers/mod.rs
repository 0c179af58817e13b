//! Assertion headers: values ([`HeaderValue`]), the ordered header list
//! ([`Headers`]), the grammar (`parse`; snapd's `parseHeaders`) and the canonical
//! serialization (`encode`; snapd's `appendEntry`), both of `asserts/headers.go`.

mod encode;
mod map;
mod parse;

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

pub(crate) use encode::append_entry;
pub use map::{HeaderMap, Iter as HeaderMapIter};
pub(crate) use parse::parse_headers;

/// How deep lists and maps may nest inside one header (snapd has no limit; the
/// deepest real assertions nest 4 levels).
pub const MAX_NESTING_DEPTH: usize = 64;

/// A header value: every scalar is a string; values nest as lists and maps.
///
/// Single-line strings borrow from the decoded input; multi-line strings are
/// un-indented and therefore owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue<'a> {
    /// A string (single- or multi-line).
    String(Cow<'a, str>),
    /// A list, in order.
    List(Vec<HeaderValue<'a>>),
    /// A map; keys are unique and iterate in bytewise order (the encoding order).
    Map(HeaderMap<'a>),
}

impl<'a> HeaderValue<'a> {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            HeaderValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The list items, if this is a list.
    pub fn as_list(&self) -> Option<&[HeaderValue<'a>]> {
        match self {
            HeaderValue::List(l) => Some(l),
            _ => None,
        }
    }

    /// The map, if this is a map.
    pub fn as_map(&self) -> Option<&HeaderMap<'a>> {
        match self {
            HeaderValue::Map(m) => Some(m),
            _ => None,
        }
    }

    /// A copy that borrows nothing.
    pub fn into_owned(self) -> HeaderValue<'static> {
        match self {
            HeaderValue::String(s) => HeaderValue::String(Cow::Owned(s.into_owned())),
            HeaderValue::List(l) => {
                HeaderValue::List(l.into_iter().map(HeaderValue::into_owned).collect())
            }
            HeaderValue::Map(m) => HeaderValue::Map(m.into_owned()),
        }
    }
}

impl<'a> From<&'a str> for HeaderValue<'a> {
    fn from(s: &'a str) -> Self {
        HeaderValue::String(Cow::Borrowed(s))
    }
}

impl From<String> for HeaderValue<'static> {
    fn from(s: String) -> Self {
        HeaderValue::String(Cow::Owned(s))
    }
}

impl<'a> From<Vec<HeaderValue<'a>>> for HeaderValue<'a> {
    fn from(l: Vec<HeaderValue<'a>>) -> Self {
        HeaderValue::List(l)
    }
}

impl<'a> From<BTreeMap<Cow<'a, str>, HeaderValue<'a>>> for HeaderValue<'a> {
    fn from(m: BTreeMap<Cow<'a, str>, HeaderValue<'a>>) -> Self {
        HeaderValue::Map(m.into())
    }
}

impl<'a> From<HeaderMap<'a>> for HeaderValue<'a> {
    fn from(m: HeaderMap<'a>) -> Self {
        HeaderValue::Map(m)
    }
}

impl Serialize for HeaderValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            HeaderValue::String(s) => serializer.serialize_str(s),
            HeaderValue::List(l) => {
                let mut seq = serializer.serialize_seq(Some(l.len()))?;
                for item in l {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            HeaderValue::Map(m) => m.serialize(serializer),
        }
    }
}

/// The headers of an assertion, in input order, with lookup by name.
///
/// Lookup is a linear scan over a 64-bit key of each name (its length and
/// first and last bytes), confirmed by comparing the name: assertions have
/// about 10–30 headers, where such a scan beats hashing. A 64-bit summary of
/// the keys present answers most lookups of absent headers (a typed view asks
/// for every optional header) without a scan.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers<'a> {
    entries: Vec<Entry<'a>>,
    /// One bit per key present ([`summary_bit`]); a clear bit means absent.
    present: u64,
}

/// The bit of `key` in [`Headers`]'s summary of the keys present.
#[inline]
fn summary_bit(key: u64) -> u64 {
    1 << (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58)
}

/// One header: the key of its name (for lookup), the name and the value.
#[derive(Clone, PartialEq, Eq)]
struct Entry<'a> {
    key: u64,
    name: Cow<'a, str>,
    value: HeaderValue<'a>,
}

impl<'a> Entry<'a> {
    fn new(name: Cow<'a, str>, value: HeaderValue<'a>) -> Self {
        Entry {
            key: name_key(name.as_bytes()),
            name,
            value,
        }
    }

    #[inline]
    fn is(&self, key: u64, name: &str) -> bool {
        self.key == key && self.name.as_bytes() == name.as_bytes()
    }
}

impl<'a> Headers<'a> {
    /// No headers.
    pub fn new() -> Self {
        Headers {
            entries: Vec::new(),
            present: 0,
        }
    }

    /// No headers, with room for `n`.
    pub fn with_capacity(n: usize) -> Self {
        Headers {
            entries: Vec::with_capacity(n),
            present: 0,
        }
    }

    /// Parses a header block (snapd's `parseHeaders`, `asserts/headers.go`). Errors carry
    /// no `parsing assertion headers: ` prefix; [`crate::AssertionRef::decode`] adds it.
    pub fn parse(text: &'a [u8]) -> Result<Self, crate::Error> {
        parse_headers(text)
    }

    /// Whether a header named `name`, whose [`name_key`] is `key`, is present.
    #[inline]
    pub(crate) fn contains_key(&self, key: u64, name: &str) -> bool {
        self.present & summary_bit(key) != 0 && self.entries.iter().any(|e| e.is(key, name))
    }

    #[inline]
    fn position(&self, name: &str) -> Option<usize> {
        let key = name_key(name.as_bytes());
        if self.present & summary_bit(key) == 0 {
            return None;
        }
        self.entries.iter().position(|e| e.is(key, name))
    }

    /// The value of header `name`.
    #[inline]
    pub fn get(&self, name: &str) -> Option<&HeaderValue<'a>> {
        let key = name_key(name.as_bytes());
        if self.present & summary_bit(key) == 0 {
            return None;
        }
        self.entries
            .iter()
            .find(|e| e.is(key, name))
            .map(|e| &e.value)
    }

    /// The value of header `name` if it is a string.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(HeaderValue::as_str)
    }

    /// Whether header `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets header `name`, replacing an existing value in place or appending.
    pub fn insert(&mut self, name: impl Into<Cow<'a, str>>, value: HeaderValue<'a>) {
        let name = name.into();
        match self.position(&name) {
            Some(i) => self.entries[i].value = value,
            None => {
                let entry = Entry::new(name, value);
                self.present |= summary_bit(entry.key);
                self.entries.push(entry);
            }
        }
    }

    /// Removes header `name` and returns its value.
    pub fn remove(&mut self, name: &str) -> Option<HeaderValue<'a>> {
        let i = self.position(name)?;
        let value = self.entries.remove(i).value;
        self.present = self
            .entries
            .iter()
            .fold(0, |bits, e| bits | summary_bit(e.key));
        Some(value)
    }

    /// Appends a header the parser has checked is new; `key` is [`name_key`]
    /// of `name`.
    pub(crate) fn push_unchecked(&mut self, key: u64, name: &'a str, value: HeaderValue<'a>) {
        self.present |= summary_bit(key);
        self.entries.push(Entry {
            key,
            name: Cow::Borrowed(name),
            value,
        });
    }

    /// The entries in input order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &HeaderValue<'a>)> {
        self.entries.iter().map(|e| (e.name.as_ref(), &e.value))
    }

    /// The number of headers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// A copy that borrows nothing.
    pub fn into_owned(self) -> Headers<'static> {
        Headers {
            entries: self
                .entries
                .into_iter()
                .map(|e| Entry {
                    key: e.key,
                    name: Cow::Owned(e.name.into_owned()),
                    value: e.value.into_owned(),
                })
                .collect(),
            present: self.present,
        }
    }
}

impl std::fmt::Debug for Headers<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<'a, N: Into<Cow<'a, str>>> FromIterator<(N, HeaderValue<'a>)> for Headers<'a> {
    fn from_iter<I: IntoIterator<Item = (N, HeaderValue<'a>)>>(iter: I) -> Self {
        let mut headers = Headers::new();
        for (n, v) in iter {
            headers.insert(n, v);
        }
        headers
    }
}

impl Serialize for Headers<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// A 64-bit key of a header name: its length with its first and last (up to)
/// eight bytes. Equal names have equal keys; names with equal keys are then
/// compared in full. Two unaligned loads for the usual names, no hashing.
#[inline]
pub(crate) fn name_key(name: &[u8]) -> u64 {
    let n = name.len() as u64;
    let (first, last) = match (name.first_chunk::<8>(), name.last_chunk::<8>()) {
        (Some(f), Some(l)) => (u64::from_le_bytes(*f), u64::from_le_bytes(*l)),
        _ => match (name.first_chunk::<4>(), name.last_chunk::<4>()) {
            (Some(f), Some(l)) => (
                u64::from(u32::from_le_bytes(*f)),
                u64::from(u32::from_le_bytes(*l)),
            ),
            _ => {
                let b = |i: usize| u64::from(name.get(i).copied().unwrap_or(0));
                (b(0) | b(1) << 8 | b(2) << 16, 0)
            }
        },
    };
    first ^ last.rotate_left(27) ^ n.rotate_right(8)
}

/// Whether `name` matches snapd's header name / map key pattern
/// `^[a-z](?:-?[a-z0-9])*$`.
pub fn is_valid_header_name(name: &str) -> bool {
    let b = name.as_bytes();
    match b.first() {
        Some(c) if c.is_ascii_lowercase() => {}
        _ => return false,
    }
    let mut prev_hyphen = false;
    for &c in &b[1..] {
        match c {
            b'-' if !prev_hyphen => prev_hyphen = true,
            b'a'..=b'z' | b'0'..=b'9' => prev_hyphen = false,
            _ => return false,
        }
    }
    !prev_hyphen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_name_pattern() {
        for ok in ["a", "type", "sign-key-sha3-384", "a1-b2"] {
            assert!(is_valid_header_name(ok), "{ok}");
        }
        for bad in ["", "A", "1a", "a-", "a--b", "a_b", "-a", "aB"] {
            assert!(!is_valid_header_name(bad), "{bad}");
        }
    }

    /// Lookups stay right through inserts and removals (the summary of keys present
    /// is kept in step).
    #[test]
    fn lookups_follow_inserts_and_removals() {
        let names: Vec<String> = (0..200).map(|i| format!("h{i}")).collect();
        let mut h = Headers::new();
        for n in &names {
            h.insert(n.as_str(), HeaderValue::from("v"));
        }
        for (i, n) in names.iter().enumerate() {
            if i % 3 == 0 {
                assert!(h.remove(n).is_some());
            }
        }
        for (i, n) in names.iter().enumerate() {
            assert_eq!(h.contains(n), i % 3 != 0, "{n}");
        }
        assert!(!h.contains("absent") && h.get("h1x").is_none());
    }

    #[test]
    fn insert_replaces_in_place() {
        let mut h: Headers = [("a", HeaderValue::from("1")), ("b", HeaderValue::from("2"))]
            .into_iter()
            .collect();
        h.insert("a", HeaderValue::from("3"));
        assert_eq!(h.iter().map(|(n, _)| n).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(h.get_str("a"), Some("3"));
        assert_eq!(h.remove("b"), Some(HeaderValue::from("2")));
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn serializes_like_json() {
        let mut m = BTreeMap::new();
        m.insert(Cow::Borrowed("k"), HeaderValue::from("v"));
        let h: Headers = [
            ("s", HeaderValue::from("x")),
            ("l", HeaderValue::List(vec![HeaderValue::from("1")])),
            ("m", HeaderValue::Map(m.into())),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            serde_json::to_string(&h).unwrap(),
            r#"{"s":"x","l":["1"],"m":{"k":"v"}}"#
        );
    }
}
