//! [`StrList`]: a list of strings read from an assertion, that costs no
//! allocation when it is a default (a model snap's modes, an authority list that
//! is just the brand).

use std::ops::Deref;
use std::sync::Arc;

use serde::{Serialize, Serializer};

/// A list of strings of a typed view: derefs to `[&str]`, serializes as a JSON
/// array, compares by content. Defaults (a static list, or one account id) are
/// held without a heap allocation, since decoding builds a view of every
/// assertion it checks.
///
/// ```
/// use ucore_assertions::{AssertionRef, types::Model};
///
/// let bytes = include_bytes!("../../../tests/data/ubuntu-core-22-amd64.model");
/// let assertion = AssertionRef::decode(bytes)?;
/// let model = Model::try_from(&assertion)?;
/// assert_eq!(model.serial_authority, ["canonical"]);
/// assert_eq!(model.kernel().unwrap().modes.join(","), "run,ephemeral");
/// # Ok::<(), ucore_assertions::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct StrList<'a>(Repr<'a>);

#[derive(Debug, Clone)]
enum Repr<'a> {
    Static(&'static [&'static str]),
    One([&'a str; 1]),
    Listed(Vec<&'a str>),
    /// One list held by several views (a snap's modes in each of its components).
    Shared(Arc<[&'a str]>),
}

impl<'a> StrList<'a> {
    /// A list that borrows a static one.
    pub(crate) const fn of_static(items: &'static [&'static str]) -> Self {
        StrList(Repr::Static(items))
    }

    /// A list of one string.
    pub(crate) const fn one(item: &'a str) -> Self {
        StrList(Repr::One([item]))
    }

    /// A list shared with other views: cloning it copies no strings.
    pub(crate) fn shared(items: Arc<[&'a str]>) -> Self {
        StrList(Repr::Shared(items))
    }

    /// The strings.
    pub fn as_slice(&self) -> &[&'a str] {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::One(one) => one,
            Repr::Listed(v) => v,
            Repr::Shared(v) => v,
        }
    }
}

impl<'a> From<Vec<&'a str>> for StrList<'a> {
    fn from(v: Vec<&'a str>) -> Self {
        StrList(Repr::Listed(v))
    }
}

impl<'a> Deref for StrList<'a> {
    type Target = [&'a str];

    fn deref(&self) -> &[&'a str] {
        self.as_slice()
    }
}

impl<'s, 'a> IntoIterator for &'s StrList<'a> {
    type Item = &'s &'a str;
    type IntoIter = std::slice::Iter<'s, &'a str>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl PartialEq for StrList<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for StrList<'_> {}

impl<const N: usize> PartialEq<[&str; N]> for StrList<'_> {
    fn eq(&self, other: &[&str; N]) -> bool {
        self.as_slice() == other
    }
}

impl PartialEq<[&str]> for StrList<'_> {
    fn eq(&self, other: &[&str]) -> bool {
        self.as_slice() == other
    }
}

impl PartialEq<Vec<&str>> for StrList<'_> {
    fn eq(&self, other: &Vec<&str>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Serialize for StrList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_reads_and_compares_the_same() {
        let forms = [
            StrList::of_static(&["run"]),
            StrList::one("run"),
            StrList::from(vec!["run"]),
        ];
        for a in &forms {
            assert_eq!(*a, ["run"]);
            assert_eq!(a.join(","), "run");
            assert_eq!(serde_json::to_string(a).unwrap(), r#"["run"]"#);
            for b in &forms {
                assert_eq!(a, b);
            }
        }
        assert_ne!(StrList::one("a"), StrList::from(vec!["a", "b"]));
        assert_eq!((&StrList::from(vec!["a", "b"])).into_iter().count(), 2);
    }
}
