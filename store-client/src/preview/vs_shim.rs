//! TEMPORARY stand-in for `ucore_assertions::validation_sets` (being written on `main`):
//! the subset of its announced API the preview uses, so this branch compiles and its tests
//! run before the real module lands. Removed when `main` is merged.
#![allow(missing_docs)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ucore_assertions::types::{ValidationSet, ValidationSetPresence};
use ucore_go_text::quote;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SnapRevision(pub i32);

impl SnapRevision {
    pub fn is_unset(self) -> bool {
        self.0 == 0
    }
    pub fn is_local(self) -> bool {
        self.0 < 0
    }
}

impl fmt::Display for SnapRevision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("unset"),
            n if n < 0 => write!(f, "x{}", -i64::from(n)),
            n => write!(f, "{n}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid snap revision: {}", quote(.0))]
pub struct RevisionError(pub String);

impl FromStr for SnapRevision {
    type Err = RevisionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "unset" {
            return Ok(SnapRevision(0));
        }
        if let Some(n) = s
            .strip_prefix('x')
            .and_then(|r| r.parse::<i32>().ok())
            .filter(|n| *n > 0)
        {
            return Ok(SnapRevision(-n));
        }
        match s.parse::<i32>() {
            Ok(n) if n > 0 => Ok(SnapRevision(n)),
            _ => Err(RevisionError(s.to_string())),
        }
    }
}

impl Serialize for SnapRevision {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 > 0 {
            s.serialize_i32(self.0)
        } else {
            s.serialize_str(&self.to_string())
        }
    }
}

impl<'de> Deserialize<'de> for SnapRevision {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(i32),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(n) => Ok(SnapRevision(n)),
            Raw::S(s) => s.parse().map_err(serde::de::Error::custom),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledSnap {
    pub name: String,
    #[serde(rename = "snap-id", default)]
    pub snap_id: String,
    pub revision: SnapRevision,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Presence {
    Required,
    Optional,
    Invalid,
    Conflict,
}

impl fmt::Display for Presence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Presence::Required => "required",
            Presence::Optional => "optional",
            Presence::Invalid => "invalid",
            Presence::Conflict => "conflict",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SetEntry {
    pub set: String,
    pub key: String,
    pub presence: Presence,
    pub revision: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot add a second validation-set under {}", quote(.0))]
pub struct AddError(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapConflict {
    pub name: String,
    pub entries: Vec<SetEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConflictError {
    pub snaps: BTreeMap<String, SnapConflict>,
    pub sets: BTreeSet<String>,
}

impl fmt::Display for ConflictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("validation sets are in conflict:")?;
        let mut lines: Vec<String> = self
            .snaps
            .values()
            .map(|c| {
                let mut buckets: BTreeMap<i64, Vec<&str>> = BTreeMap::new();
                for e in &c.entries {
                    let b = match e.presence {
                        Presence::Invalid => -1,
                        _ => e.revision.unwrap_or(0),
                    };
                    if b == 0 && e.presence != Presence::Required {
                        continue;
                    }
                    buckets.entry(b).or_default().push(&e.set);
                }
                let list = |v: &Vec<&str>| {
                    let mut v = v.clone();
                    v.sort_unstable();
                    v.join(",")
                };
                let mut msg = format!("cannot constrain snap {}", quote(&c.name));
                if let Some(inv) = buckets.get(&-1) {
                    msg.push_str(&format!(" as both invalid ({}) and required", list(inv)));
                }
                let revs: Vec<(&i64, &Vec<&str>)> =
                    buckets.iter().filter(|(b, _)| **b > 0).collect();
                match revs.as_slice() {
                    [] => {}
                    [(r, s)] => msg.push_str(&format!(" at revision {r} ({})", list(s))),
                    many => {
                        let parts: Vec<String> = many
                            .iter()
                            .map(|(r, s)| format!("{r} ({})", list(s)))
                            .collect();
                        msg.push_str(&format!(" at different revisions {}", parts.join(", ")));
                    }
                }
                if let Some(any) = buckets.get(&0) {
                    if !revs.is_empty() {
                        msg.push_str(" or");
                    }
                    if buckets.contains_key(&-1) {
                        msg.push_str(&format!(" at any revision ({})", list(any)));
                    } else {
                        msg.push_str(&format!(" required at any revision ({})", list(any)));
                    }
                }
                (c.name.clone(), msg)
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|(n, m)| format!("{n}\u{0}{m}"))
            .collect();
        lines.sort();
        for l in lines {
            let m = l.split('\u{0}').nth(1).unwrap_or_default();
            write!(f, "\n- {m}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct InstalledError {
    pub missing: BTreeMap<String, BTreeMap<SnapRevision, Vec<String>>>,
    pub invalid: BTreeMap<String, Vec<String>>,
    pub wrong_revision: BTreeMap<String, BTreeMap<SnapRevision, Vec<String>>>,
    pub sets: BTreeSet<String>,
}

impl fmt::Display for InstalledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("validation sets assertions are not met:")?;
        let clauses = |m: &BTreeMap<SnapRevision, Vec<String>>, any: bool| {
            m.iter()
                .map(|(r, keys)| {
                    if r.is_unset() && any {
                        format!("at any revision by sets {}", keys.join(","))
                    } else {
                        format!("at revision {r} by sets {}", keys.join(","))
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !self.missing.is_empty() {
            f.write_str("\n- missing required snaps:")?;
            for (n, m) in &self.missing {
                write!(f, "\n  - {n} (required {})", clauses(m, true))?;
            }
        }
        if !self.invalid.is_empty() {
            f.write_str("\n- invalid snaps:")?;
            for (n, k) in &self.invalid {
                write!(f, "\n  - {n} (invalid for sets {})", k.join(","))?;
            }
        }
        if !self.wrong_revision.is_empty() {
            f.write_str("\n- snaps at wrong revisions:")?;
            for (n, m) in &self.wrong_revision {
                write!(f, "\n  - {n} (required {})", clauses(m, false))?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unexpected presence {} for snap {}", quote(&.presence.to_string()), quote(.name))]
pub struct PresenceConstraintError {
    pub name: String,
    pub presence: Presence,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RequiredBy {
    pub sets: Vec<String>,
    pub revision: SnapRevision,
}

#[derive(Debug, Clone)]
struct Constraints {
    name: String,
    presence: Presence,
    entries: Vec<SetEntry>,
}

#[derive(Debug, Clone, Default)]
pub struct ValidationSets {
    sets: BTreeMap<String, String>,
    snaps: BTreeMap<String, Constraints>,
}

fn bucket(e: &SetEntry) -> i64 {
    match e.presence {
        Presence::Invalid => -1,
        _ => e.revision.unwrap_or(0),
    }
}

impl ValidationSets {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, vs: &ValidationSet<'_>) -> Result<(), AddError> {
        let set = format!("{}/{}", vs.account_id, vs.name);
        if self.sets.contains_key(&set) {
            return Err(AddError(set));
        }
        let key = format!(
            "{}/{}/{}/{}",
            vs.series, vs.account_id, vs.name, vs.sequence
        );
        self.sets.insert(set.clone(), key.clone());
        for s in &vs.snaps {
            let presence = match s.presence {
                ValidationSetPresence::Required => Presence::Required,
                ValidationSetPresence::Optional => Presence::Optional,
                ValidationSetPresence::Invalid => Presence::Invalid,
            };
            let entry = SetEntry {
                set: set.clone(),
                key: key.clone(),
                presence,
                revision: s.revision,
            };
            match self.snaps.get_mut(s.snap_id) {
                None => {
                    self.snaps.insert(
                        s.snap_id.to_string(),
                        Constraints {
                            name: s.name.to_string(),
                            presence,
                            entries: vec![entry],
                        },
                    );
                }
                Some(c) => {
                    c.entries.push(entry);
                    if c.presence == Presence::Conflict {
                        continue;
                    }
                    let ndiff = c
                        .entries
                        .iter()
                        .map(bucket)
                        .filter(|b| *b != 0)
                        .collect::<BTreeSet<_>>()
                        .len();
                    if c.presence == Presence::Optional {
                        c.presence = presence;
                    }
                    if c.presence == presence || presence == Presence::Optional {
                        if ndiff > 1 {
                            c.presence = if c.presence == Presence::Required {
                                Presence::Conflict
                            } else {
                                Presence::Invalid
                            };
                        }
                    } else {
                        c.presence = Presence::Conflict;
                    }
                }
            }
        }
        Ok(())
    }

    pub fn conflict(&self) -> Result<(), ConflictError> {
        let mut err = ConflictError {
            snaps: BTreeMap::new(),
            sets: BTreeSet::new(),
        };
        for (id, c) in &self.snaps {
            if c.presence == Presence::Conflict {
                err.sets.extend(c.entries.iter().map(|e| e.set.clone()));
                err.snaps.insert(
                    id.clone(),
                    SnapConflict {
                        name: c.name.clone(),
                        entries: c.entries.clone(),
                    },
                );
            }
        }
        if err.snaps.is_empty() {
            Ok(())
        } else {
            Err(err)
        }
    }

    fn find(&self, name: &str, snap_id: &str) -> Option<&Constraints> {
        if !snap_id.is_empty() {
            return self.snaps.get(snap_id);
        }
        self.snaps.values().find(|c| c.name == name)
    }

    pub fn check_installed(
        &self,
        installed: &[InstalledSnap],
        ignore: &BTreeSet<String>,
    ) -> Result<(), InstalledError> {
        let mut err = InstalledError::default();
        for (id, c) in &self.snaps {
            let inst = installed.iter().find(|s| {
                if !s.snap_id.is_empty() {
                    s.snap_id == *id
                } else {
                    s.name == c.name
                }
            });
            for e in &c.entries {
                let r = SnapRevision(e.revision.and_then(|r| i32::try_from(r).ok()).unwrap_or(0));
                match inst {
                    Some(_) if ignore.contains(&c.name) => continue,
                    None if c.presence != Presence::Required => continue,
                    Some(_) if c.presence == Presence::Invalid => {
                        err.invalid
                            .entry(c.name.clone())
                            .or_default()
                            .push(e.set.clone());
                    }
                    Some(s) if !r.is_unset() && r != s.revision => {
                        err.wrong_revision
                            .entry(c.name.clone())
                            .or_default()
                            .entry(r)
                            .or_default()
                            .push(e.set.clone());
                    }
                    Some(_) => continue,
                    None => {
                        err.missing
                            .entry(c.name.clone())
                            .or_default()
                            .entry(r)
                            .or_default()
                            .push(e.set.clone());
                    }
                }
                err.sets.insert(e.set.clone());
            }
        }
        for v in err.invalid.values_mut() {
            v.sort();
        }
        for m in err
            .missing
            .values_mut()
            .chain(err.wrong_revision.values_mut())
        {
            for v in m.values_mut() {
                v.sort();
            }
        }
        if err.sets.is_empty() {
            Ok(())
        } else {
            Err(err)
        }
    }

    pub fn check_presence_required(
        &self,
        name: &str,
        snap_id: &str,
    ) -> Result<RequiredBy, PresenceConstraintError> {
        let Some(c) = self.find(name, snap_id) else {
            return Ok(RequiredBy::default());
        };
        match c.presence {
            Presence::Invalid => Err(PresenceConstraintError {
                name: name.to_string(),
                presence: c.presence,
            }),
            Presence::Required => {
                let mut sets: Vec<String> = c.entries.iter().map(|e| e.key.clone()).collect();
                sets.sort();
                let revision = c
                    .entries
                    .iter()
                    .find_map(|e| e.revision.and_then(|r| i32::try_from(r).ok()))
                    .map(SnapRevision)
                    .unwrap_or_default();
                Ok(RequiredBy { sets, revision })
            }
            _ => Ok(RequiredBy::default()),
        }
    }

    pub fn check_presence_invalid(
        &self,
        name: &str,
        snap_id: &str,
    ) -> Result<Vec<String>, PresenceConstraintError> {
        let Some(c) = self.find(name, snap_id) else {
            return Ok(Vec::new());
        };
        if c.presence != Presence::Invalid {
            return Err(PresenceConstraintError {
                name: name.to_string(),
                presence: c.presence,
            });
        }
        let mut keys: Vec<String> = c
            .entries
            .iter()
            .filter(|e| e.presence == Presence::Invalid)
            .map(|e| e.key.clone())
            .collect();
        keys.sort();
        Ok(keys)
    }

    pub fn presence(&self, name: &str, snap_id: &str) -> Option<Presence> {
        self.find(name, snap_id).map(|c| c.presence)
    }

    pub fn constraints(&self, name: &str, snap_id: &str) -> Option<&[SetEntry]> {
        self.find(name, snap_id).map(|c| c.entries.as_slice())
    }

    pub fn keys(&self) -> Vec<String> {
        self.sets.values().cloned().collect()
    }
}
