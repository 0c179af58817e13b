//! The snaps already in the seed, overall and per mode (snapd's `naming.SnapSet`s of the
//! writer): a snap is known by its snap id when both sides have one, else by its name.

use std::collections::BTreeMap;

/// A reference to a snap: a name and maybe a snap id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SnapRef<'a> {
    /// The snap name.
    pub name: &'a str,
    /// The snap id, if known.
    pub id: Option<&'a str>,
}

impl<'a> SnapRef<'a> {
    /// A reference by name only.
    pub fn named(name: &'a str) -> Self {
        SnapRef { name, id: None }
    }
}

/// A set of snap references with snapd's `SnapSet.Lookup` rules.
#[derive(Debug, Clone, Default)]
pub(crate) struct SnapSet {
    refs: Vec<(String, Option<String>)>,
}

impl SnapSet {
    /// The index of the reference `which` matches: by id if it has one, else by name
    /// unless both have (different) ids.
    pub fn lookup(&self, which: SnapRef<'_>) -> Option<usize> {
        if let Some(id) = which.id
            && let Some(i) = self.refs.iter().position(|(_, i)| i.as_deref() == Some(id))
        {
            return Some(i);
        }
        let i = self.refs.iter().position(|(n, _)| n == which.name)?;
        let found_id = self.refs.get(i).and_then(|(_, id)| id.as_ref());
        if found_id.is_some() && which.id.is_some() {
            return None;
        }
        Some(i)
    }

    /// Whether `which` is in the set.
    pub fn contains(&self, which: SnapRef<'_>) -> bool {
        self.lookup(which).is_some()
    }

    /// Adds `r` unless already there; returns its index.
    pub fn add(&mut self, r: SnapRef<'_>) -> usize {
        if let Some(i) = self.lookup(r) {
            return i;
        }
        self.refs
            .push((r.name.to_string(), r.id.map(str::to_string)));
        self.refs.len() - 1
    }

    /// Whether nothing is in the set.
    pub fn is_empty(&self) -> bool {
        self.refs.is_empty()
    }
}

/// The snaps available so far, overall and per mode.
#[derive(Debug, Clone, Default)]
pub(crate) struct Available {
    /// Every snap.
    pub all: SnapSet,
    /// Per mode.
    pub by_mode: BTreeMap<String, SnapSet>,
}

impl Available {
    /// Adds a snap in its modes.
    pub fn add(&mut self, r: SnapRef<'_>, modes: &[String]) {
        self.all.add(r);
        for m in modes {
            self.by_mode.entry(m.clone()).or_default().add(r);
        }
    }

    /// Whether `r` is available in `mode`.
    pub fn in_mode(&self, mode: &str, r: SnapRef<'_>) -> bool {
        self.by_mode.get(mode).is_some_and(|s| s.contains(r))
    }

    /// Whether nothing is available in run mode.
    pub fn run_is_empty(&self) -> bool {
        self.by_mode.get("run").is_none_or(SnapSet::is_empty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_win_over_names() {
        let mut s = SnapSet::default();
        s.add(SnapRef {
            name: "a",
            id: Some("ID-A"),
        });
        s.add(SnapRef::named("b"));
        assert!(s.contains(SnapRef::named("a")));
        assert!(s.contains(SnapRef {
            name: "renamed",
            id: Some("ID-A")
        }));
        assert!(!s.contains(SnapRef {
            name: "a",
            id: Some("OTHER")
        }));
        assert!(s.contains(SnapRef {
            name: "b",
            id: Some("ID-B")
        }));
        assert!(!s.contains(SnapRef::named("c")));
    }

    #[test]
    fn modes_are_separate() {
        let mut a = Available::default();
        assert!(a.run_is_empty());
        a.add(SnapRef::named("x"), &["run".into(), "ephemeral".into()]);
        assert!(a.in_mode("ephemeral", SnapRef::named("x")));
        assert!(!a.in_mode("install", SnapRef::named("x")));
        assert!(!a.run_is_empty());
    }
}
