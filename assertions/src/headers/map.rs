//! [`HeaderMap`]: the value of a map header, keys unique and in bytewise order.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::HeaderValue;

/// The entries of a map header value: keys unique and in bytewise order (the
/// order snapd encodes them in), whatever the input order.
///
/// Real maps hold a handful of entries (a model's `snaps` entries have 2–6), so
/// the entries are kept in one sorted `Vec`: building one is a single
/// allocation, and looking a key up is a short scan. The methods are
/// `BTreeMap`'s, by the same names.
///
/// ```
/// use ucore_assertions::{HeaderMap, HeaderValue};
///
/// let mut map = HeaderMap::new();
/// map.insert("type", HeaderValue::from("kernel"));
/// map.insert("name", HeaderValue::from("pc-kernel"));
/// assert_eq!(map.get("name").and_then(HeaderValue::as_str), Some("pc-kernel"));
/// assert_eq!(map.keys().collect::<Vec<_>>(), ["name", "type"]);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HeaderMap<'a> {
    entries: Vec<(Cow<'a, str>, HeaderValue<'a>)>,
}

/// Builds a [`HeaderMap`] from entries in input order, refusing a repeated key as it
/// comes, in time linear in the entries whatever their order: while keys arrive in order
/// (as snapd writes them) each is compared with the last one only; from the first key out
/// of order on, the keys seen are kept in a set, and the entries are sorted once at the end.
/// ([`HeaderMap::insert`] would shift the entries on every out-of-order key: quadratic.)
pub(crate) struct MapBuilder<'a> {
    entries: Vec<(Cow<'a, str>, HeaderValue<'a>)>,
    seen: Option<HashSet<Cow<'a, str>>>,
}

impl<'a> MapBuilder<'a> {
    /// A builder with room for `n` entries.
    pub(crate) fn with_capacity(n: usize) -> Self {
        MapBuilder {
            entries: Vec::with_capacity(n),
            seen: None,
        }
    }

    /// Adds an entry; false (and nothing added) if `key` is already there.
    pub(crate) fn push(&mut self, key: &'a str, value: HeaderValue<'a>) -> bool {
        let key = Cow::Borrowed(key);
        match (&mut self.seen, self.entries.last()) {
            (Some(seen), _) => {
                if !seen.insert(key.clone()) {
                    return false;
                }
            }
            (None, Some((last, _))) if key.as_bytes() <= last.as_bytes() => {
                let mut seen: HashSet<_> = self.entries.iter().map(|(k, _)| k.clone()).collect();
                if !seen.insert(key.clone()) {
                    return false;
                }
                self.seen = Some(seen);
            }
            (None, _) => {}
        }
        self.entries.push((key, value));
        true
    }

    /// The map, in key order.
    pub(crate) fn finish(mut self) -> HeaderMap<'a> {
        if self.seen.is_some() {
            self.entries
                .sort_unstable_by(|(a, _), (b, _)| a.as_bytes().cmp(b.as_bytes()));
        }
        HeaderMap {
            entries: self.entries,
        }
    }
}

impl<'a> HeaderMap<'a> {
    /// An empty map.
    pub fn new() -> Self {
        HeaderMap {
            entries: Vec::new(),
        }
    }

    /// An empty map with room for `n` entries.
    pub fn with_capacity(n: usize) -> Self {
        HeaderMap {
            entries: Vec::with_capacity(n),
        }
    }

    /// Where `key` is, or where it would go.
    #[inline]
    fn search(&self, key: &str) -> Result<usize, usize> {
        // Keys usually arrive in order (snapd encodes them sorted): compare
        // with the last one first.
        match self.entries.last() {
            None => Err(0),
            Some((last, _)) if last.as_bytes() < key.as_bytes() => Err(self.entries.len()),
            Some(_) => self
                .entries
                .binary_search_by(|(k, _)| k.as_bytes().cmp(key.as_bytes())),
        }
    }

    /// The value of `key`.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&HeaderValue<'a>> {
        self.entries
            .iter()
            .find(|(k, _)| k.len() == key.len() && k.as_bytes() == key.as_bytes())
            .map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`; returns the value it replaces, if any.
    pub fn insert(
        &mut self,
        key: impl Into<Cow<'a, str>>,
        value: HeaderValue<'a>,
    ) -> Option<HeaderValue<'a>> {
        let key = key.into();
        match self.search(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key` and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<HeaderValue<'a>> {
        let i = self.search(key).ok()?;
        Some(self.entries.remove(i).1)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_, 'a> {
        Iter {
            inner: self.entries.iter(),
        }
    }

    /// The keys in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + DoubleEndedIterator {
        self.entries.iter().map(|(k, _)| k.as_ref())
    }

    /// The values in key order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &HeaderValue<'a>> + DoubleEndedIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// A copy that borrows nothing.
    pub fn into_owned(self) -> HeaderMap<'static> {
        HeaderMap {
            entries: self
                .entries
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned()))
                .collect(),
        }
    }
}

/// The entries of a [`HeaderMap`] in key order, as `BTreeMap::iter` gives them.
#[derive(Debug, Clone)]
pub struct Iter<'m, 'a> {
    inner: std::slice::Iter<'m, (Cow<'a, str>, HeaderValue<'a>)>,
}

impl<'m, 'a> Iterator for Iter<'m, 'a> {
    type Item = (&'m Cow<'a, str>, &'m HeaderValue<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|(k, v)| (k, v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_, '_> {}

impl DoubleEndedIterator for Iter<'_, '_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|(k, v)| (k, v))
    }
}

impl<'m, 'a> IntoIterator for &'m HeaderMap<'a> {
    type Item = (&'m Cow<'a, str>, &'m HeaderValue<'a>);
    type IntoIter = Iter<'m, 'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> IntoIterator for HeaderMap<'a> {
    type Item = (Cow<'a, str>, HeaderValue<'a>);
    type IntoIter = std::vec::IntoIter<(Cow<'a, str>, HeaderValue<'a>)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K: Into<Cow<'a, str>>> FromIterator<(K, HeaderValue<'a>)> for HeaderMap<'a> {
    /// Later entries replace earlier ones with the same key.
    fn from_iter<I: IntoIterator<Item = (K, HeaderValue<'a>)>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut map = HeaderMap::with_capacity(iter.size_hint().0);
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<'a> From<BTreeMap<Cow<'a, str>, HeaderValue<'a>>> for HeaderMap<'a> {
    fn from(m: BTreeMap<Cow<'a, str>, HeaderValue<'a>>) -> Self {
        // Already in order and unique.
        HeaderMap {
            entries: m.into_iter().collect(),
        }
    }
}

impl std::fmt::Debug for HeaderMap<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for HeaderMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k.as_ref(), v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_keys_sorted_and_unique() {
        let mut m = HeaderMap::new();
        for (k, v) in [("m", "1"), ("b", "2"), ("z", "3"), ("b", "4"), ("a", "5")] {
            m.insert(k, HeaderValue::from(v));
        }
        assert_eq!(m.keys().collect::<Vec<_>>(), ["a", "b", "m", "z"]);
        assert_eq!(m.get("b"), Some(&HeaderValue::from("4")));
        assert_eq!(m.insert("a", HeaderValue::from("6")), Some("5".into()));
        assert_eq!(m.remove("m"), Some(HeaderValue::from("1")));
        assert_eq!(m.remove("m"), None);
        assert_eq!(m.len(), 3);
        assert!(!m.contains_key("q"));
        // Bytewise order, as the encoding: `-` sorts before letters.
        let m: HeaderMap = [("ab", "1"), ("a-b", "2"), ("a", "3")]
            .into_iter()
            .map(|(k, v)| (k, HeaderValue::from(v)))
            .collect();
        assert_eq!(m.keys().collect::<Vec<_>>(), ["a", "a-b", "ab"]);
        let from_btree: HeaderMap = m
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<BTreeMap<_, _>>()
            .into();
        assert_eq!(from_btree, m);
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"a":"3","a-b":"2","ab":"1"}"#
        );
    }
}
