//! [`SetDiff`]: a dry run of signing, the difference between the last signed revision of a
//! set and the one a statement would make: snaps added, removed and changed (presence,
//! revision, id, components), other header changes, and the sequence and revision the new
//! one would get.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use ucore_assertions::types::{ValidationSet, ValidationSetSnap};
use ucore_assertions::{AssertionAccess, HeaderValue};

use super::sequence::{Placement, Position};

/// Headers the diff does not compare: the managed ones (sequence, revision, timestamp),
/// the signer's, and the snaps (compared entry by entry).
const NOT_COMPARED: &[&str] = &[
    "type",
    "sequence",
    "revision",
    "timestamp",
    "snaps",
    "authority-id",
    "sign-key-sha3-384",
    "body-length",
];

/// One snap entry of a set, as the diff shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapEntry {
    /// `name`.
    pub name: String,
    /// `id`.
    pub id: String,
    /// `presence` (`required` when not written).
    pub presence: String,
    /// `revision`, if pinned.
    pub revision: Option<i64>,
    /// `components`: name → `presence` or `presence@revision`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub components: BTreeMap<String, String>,
}

impl SnapEntry {
    fn of(snap: &ValidationSetSnap<'_>) -> Self {
        let components = snap
            .components
            .iter()
            .map(|c| {
                let value = match c.revision {
                    Some(r) => format!("{}@{r}", c.presence),
                    None => c.presence.to_string(),
                };
                (c.name.to_owned(), value)
            })
            .collect();
        Self {
            name: snap.name.to_owned(),
            id: snap.snap_id.to_owned(),
            presence: snap.presence.to_string(),
            revision: snap.revision,
            components,
        }
    }

    /// `presence` and `@revision` when pinned (`required@5`, `optional`).
    fn constraint(&self) -> String {
        match self.revision {
            Some(r) => format!("{}@{r}", self.presence),
            None => self.presence.clone(),
        }
    }
}

/// A value before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change<T> {
    /// In the last signed revision.
    pub before: T,
    /// In the statement.
    pub after: T,
}

/// What changed about one snap (kept by name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapChange {
    /// The snap.
    pub name: String,
    /// `id`, if it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Change<String>>,
    /// `presence`, if it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presence: Option<Change<String>>,
    /// `revision`, if it changed (`None`: any revision).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<Change<Option<i64>>>,
    /// `components`, if they changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub components: Option<Change<BTreeMap<String, String>>>,
}

/// A header other than the snaps and the managed ones that changed (`None`: absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderChange {
    /// The header.
    pub name: String,
    /// Its value before, as JSON.
    pub before: Option<String>,
    /// Its value after, as JSON.
    pub after: Option<String>,
}

/// The difference between the last signed revision of a set and a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetDiff {
    /// The set, `account-id/name`.
    pub set: String,
    /// The last signed revision (`None`: the set was never signed).
    pub previous: Option<Position>,
    /// The sequence and revision the statement gets.
    pub next: Position,
    /// Whether that starts a new sequence.
    pub new_sequence: bool,
    /// Snaps only in the statement.
    pub added: Vec<SnapEntry>,
    /// Snaps only in the last signed revision.
    pub removed: Vec<SnapEntry>,
    /// Snaps in both that differ.
    pub changed: Vec<SnapChange>,
    /// Other headers that differ.
    pub headers: Vec<HeaderChange>,
}

fn header_values<A: AssertionAccess + ?Sized>(a: &A) -> BTreeMap<String, String> {
    a.headers()
        .iter()
        .filter(|(name, _)| !NOT_COMPARED.contains(name))
        .map(|(name, value)| (name.to_owned(), json_of(value)))
        .collect()
}

fn json_of(value: &HeaderValue<'_>) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn changed<T: Clone + PartialEq>(before: &T, after: &T) -> Option<Change<T>> {
    (before != after).then(|| Change {
        before: before.clone(),
        after: after.clone(),
    })
}

impl SetDiff {
    /// The difference from `previous` (the last signed revision, with its typed view;
    /// `None` for a set never signed) to `next` (the checked statement) placed at
    /// `placement`.
    pub fn between<P, N>(
        previous: Option<(&P, &ValidationSet<'_>)>,
        next: (&N, &ValidationSet<'_>),
        placement: &Placement,
    ) -> Self
    where
        P: AssertionAccess + ?Sized,
        N: AssertionAccess + ?Sized,
    {
        let (next_assertion, next_set) = next;
        let after: BTreeMap<&str, SnapEntry> = next_set
            .snaps
            .iter()
            .map(|s| (s.name, SnapEntry::of(s)))
            .collect();
        let before: BTreeMap<&str, SnapEntry> = previous
            .map(|(_, set)| {
                set.snaps
                    .iter()
                    .map(|s| (s.name, SnapEntry::of(s)))
                    .collect()
            })
            .unwrap_or_default();
        let added = after
            .iter()
            .filter(|(name, _)| !before.contains_key(*name))
            .map(|(_, e)| e.clone())
            .collect();
        let removed = before
            .iter()
            .filter(|(name, _)| !after.contains_key(*name))
            .map(|(_, e)| e.clone())
            .collect();
        let changed_snaps = before
            .iter()
            .filter_map(|(name, b)| {
                let a = after.get(name)?;
                let change = SnapChange {
                    name: (*name).to_owned(),
                    id: changed(&b.id, &a.id),
                    presence: changed(&b.presence, &a.presence),
                    revision: changed(&b.revision, &a.revision),
                    components: changed(&b.components, &a.components),
                };
                let any = change.id.is_some()
                    || change.presence.is_some()
                    || change.revision.is_some()
                    || change.components.is_some();
                any.then_some(change)
            })
            .collect();
        let headers = match previous {
            None => Vec::new(),
            Some((p, _)) => {
                let b = header_values(p);
                let a = header_values(next_assertion);
                let mut names: Vec<&String> = b.keys().chain(a.keys()).collect();
                names.sort();
                names.dedup();
                names
                    .into_iter()
                    .filter(|n| b.get(*n) != a.get(*n))
                    .map(|n| HeaderChange {
                        name: n.clone(),
                        before: b.get(n).cloned(),
                        after: a.get(n).cloned(),
                    })
                    .collect()
            }
        };
        SetDiff {
            set: format!("{}/{}", next_set.account_id, next_set.name),
            previous: placement.latest,
            next: placement.next,
            new_sequence: placement.new_sequence,
            added,
            removed,
            changed: changed_snaps,
            headers,
        }
    }

    /// Whether the statement says the same as the last signed revision (only the managed
    /// headers would change): there is nothing to sign.
    pub fn is_unchanged(&self) -> bool {
        self.previous.is_some()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.headers.is_empty()
    }
}

/// A table for people: the placement, then one line per change.
///
/// ```text
/// validation set acme/base: sequence 2 revision 4 (after sequence 2 revision 3)
///   + world      worldidbbbbbbbbbbbbbbbbbbbbbbbbb  optional@7
///   - badsnap    badsnapidccccccccccccccccccccccc  invalid
///   ~ hello      revision 5 -> 6
/// ```
impl fmt::Display for SetDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Position { sequence, revision } = self.next;
        write!(
            f,
            "validation set {}: sequence {sequence} revision {revision}",
            self.set
        )?;
        match self.previous {
            Some(p) => writeln!(
                f,
                " (after sequence {} revision {}{})",
                p.sequence,
                p.revision,
                if self.new_sequence {
                    "; a new sequence"
                } else {
                    ""
                }
            )?,
            None => writeln!(f, " (first signed revision)")?,
        }
        let width = self
            .added
            .iter()
            .chain(&self.removed)
            .map(|e| e.name.len())
            .chain(self.changed.iter().map(|c| c.name.len()))
            .max()
            .unwrap_or(0);
        for (sign, e) in self
            .added
            .iter()
            .map(|e| ('+', e))
            .chain(self.removed.iter().map(|e| ('-', e)))
        {
            write!(
                f,
                "  {sign} {:width$}  {}  {}",
                e.name,
                e.id,
                e.constraint()
            )?;
            for (c, v) in &e.components {
                write!(f, " {c}={v}")?;
            }
            writeln!(f)?;
        }
        let rev = |r: &Option<i64>| r.map_or_else(|| "any".to_owned(), |r| r.to_string());
        for c in &self.changed {
            let mut parts = Vec::new();
            if let Some(ch) = &c.id {
                parts.push(format!("id {} -> {}", ch.before, ch.after));
            }
            if let Some(ch) = &c.presence {
                parts.push(format!("presence {} -> {}", ch.before, ch.after));
            }
            if let Some(ch) = &c.revision {
                parts.push(format!(
                    "revision {} -> {}",
                    rev(&ch.before),
                    rev(&ch.after)
                ));
            }
            if let Some(ch) = &c.components {
                parts.push(format!("components {:?} -> {:?}", ch.before, ch.after));
            }
            writeln!(f, "  ~ {:width$}  {}", c.name, parts.join(", "))?;
        }
        for h in &self.headers {
            let v = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".to_owned());
            writeln!(
                f,
                "  header {}: {} -> {}",
                h.name,
                v(&h.before),
                v(&h.after)
            )?;
        }
        if self.is_unchanged() {
            writeln!(
                f,
                "  (no change: the same snaps and headers as the last revision)"
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation_set::sequence::SetHistory;
    use crate::validation_set::statement::ValidationSetStatement;

    const OLD: &str = r#"{"account-id":"acme","name":"base","snaps":[
        {"name":"hello","id":"helloidaaaaaaaaaaaaaaaaaaaaaaaaa","revision":"5"},
        {"name":"badsnap","id":"badsnapidccccccccccccccccccccccc","presence":"invalid"}]}"#;
    const NEW: &str = r#"{"account-id":"acme","name":"base","snaps":[
        {"name":"hello","id":"helloidaaaaaaaaaaaaaaaaaaaaaaaaa","revision":6},
        {"name":"world","id":"worldidbbbbbbbbbbbbbbbbbbbbbbbbb","presence":"optional","revision":7}]}"#;

    fn diff(old: &str, new: &str) -> SetDiff {
        let old = ValidationSetStatement::parse(old).unwrap().check().unwrap();
        let mut history = SetHistory::new("acme", "base");
        history.add(old.unsigned().clone()).unwrap();
        let statement = ValidationSetStatement::parse(new)
            .unwrap()
            .allow_unknown_headers(true);
        let placement = history.place(&statement, Default::default()).unwrap();
        let next = statement
            .at(placement.next.sequence, placement.next.revision)
            .check()
            .unwrap();
        SetDiff::between(
            Some((old.unsigned(), &old.view().unwrap())),
            (next.unsigned(), &next.view().unwrap()),
            &placement,
        )
    }

    #[test]
    fn snaps_added_removed_changed() {
        let d = diff(OLD, NEW);
        assert_eq!(
            d.next,
            Position {
                sequence: 1,
                revision: 1
            }
        );
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.added[0].name, "world");
        assert_eq!(d.removed[0].name, "badsnap");
        assert_eq!(d.changed.len(), 1);
        assert_eq!(
            d.changed[0].revision,
            Some(Change {
                before: Some(5),
                after: Some(6)
            })
        );
        assert!(!d.is_unchanged());
        let text = d.to_string();
        assert_eq!(
            text,
            "validation set acme/base: sequence 1 revision 1 (after sequence 1 revision 0)\n\
             \x20 + world    worldidbbbbbbbbbbbbbbbbbbbbbbbbb  optional@7\n\
             \x20 - badsnap  badsnapidccccccccccccccccccccccc  invalid\n\
             \x20 ~ hello    revision 5 -> 6\n"
        );
    }

    #[test]
    fn same_content_is_unchanged() {
        let d = diff(OLD, OLD);
        assert!(d.is_unchanged(), "{d}");
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["next"]["revision"], 1);
    }

    #[test]
    fn header_changes_are_listed() {
        let new = OLD.replace("\"name\":\"base\",", "\"name\":\"base\",\"note\":\"x\",");
        let d = diff(OLD, &new);
        assert_eq!(d.headers.len(), 1, "{d}");
        assert_eq!(d.headers[0].name, "note");
        assert_eq!(d.headers[0].after.as_deref(), Some("\"x\""));
        assert_eq!(d.headers[0].before, None);
    }
}
