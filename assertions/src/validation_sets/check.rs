//! Checking the snaps installed on a device against the sets (snapd's
//! `CheckInstalledSnaps` and `ValidationSetsValidationError`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::Serialize;

use super::sets::{Presence, SetEntry, ValidationSets};
use super::{InstalledSnap, SnapRevision};

/// Snap name → revision → sets (`ACCOUNT/NAME`, sorted).
pub type RevisionSets = BTreeMap<String, BTreeMap<SnapRevision, Vec<String>>>;

/// The installed snaps do not meet the sets: what is missing, installed though invalid,
/// or at another revision than a set pins, by snap name (the name the set gives).
///
/// Its text is snapd's: `validation sets assertions are not met:`, then the sections
/// `missing required snaps`, `invalid snaps` and `snaps at wrong revisions` in that order.
/// snapd lists the snaps of a section in Go's random map order; they come here sorted by
/// name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct InstalledError {
    /// Required snaps not installed: name → revision (unset: any) → sets.
    pub missing: RevisionSets,
    /// Installed snaps the sets make invalid: name → sets.
    pub invalid: BTreeMap<String, Vec<String>>,
    /// Installed snaps at another revision than pinned: name → pinned revision → sets.
    pub wrong_revision: RevisionSets,
    /// Every set named above.
    pub sets: BTreeSet<String>,
}

impl InstalledError {
    fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.invalid.is_empty() && self.wrong_revision.is_empty()
    }
}

fn clauses(
    f: &mut fmt::Formatter<'_>,
    revisions: &BTreeMap<SnapRevision, Vec<String>>,
    any: bool,
) -> fmt::Result {
    for (i, (r, sets)) in revisions.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        if any && r.is_unset() {
            write!(f, "at any revision by sets {}", sets.join(","))?;
        } else {
            write!(f, "at revision {r} by sets {}", sets.join(","))?;
        }
    }
    Ok(())
}

impl fmt::Display for InstalledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("validation sets assertions are not met:")?;
        if !self.missing.is_empty() {
            f.write_str("\n- missing required snaps:")?;
            for (name, revisions) in &self.missing {
                write!(f, "\n  - {name} (required ")?;
                clauses(f, revisions, true)?;
                f.write_str(")")?;
            }
        }
        if !self.invalid.is_empty() {
            f.write_str("\n- invalid snaps:")?;
            for (name, sets) in &self.invalid {
                write!(f, "\n  - {name} (invalid for sets {})", sets.join(","))?;
            }
        }
        if !self.wrong_revision.is_empty() {
            f.write_str("\n- snaps at wrong revisions:")?;
            for (name, revisions) in &self.wrong_revision {
                write!(f, "\n  - {name} (required ")?;
                clauses(f, revisions, false)?;
                f.write_str(")")?;
            }
        }
        Ok(())
    }
}

/// The installed snaps, looked up as snapd's `naming.SnapSet` does: by snap-id when both
/// sides have one, else by name — unless both have a snap-id (and they differ). The first
/// of two snaps with one name or one snap-id wins.
struct Installed<'a> {
    by_id: HashMap<&'a str, &'a InstalledSnap>,
    by_name: HashMap<&'a str, &'a InstalledSnap>,
}

impl<'a> Installed<'a> {
    fn new(snaps: &'a [InstalledSnap]) -> Installed<'a> {
        let mut set = Installed {
            by_id: HashMap::with_capacity(snaps.len()),
            by_name: HashMap::with_capacity(snaps.len()),
        };
        for s in snaps {
            if set.lookup(&s.name, &s.snap_id).is_some() {
                continue;
            }
            if !s.snap_id.is_empty() {
                set.by_id.insert(&s.snap_id, s);
            }
            if !s.name.is_empty() {
                set.by_name.insert(&s.name, s);
            }
        }
        set
    }

    fn lookup(&self, name: &str, snap_id: &str) -> Option<&'a InstalledSnap> {
        if !snap_id.is_empty()
            && let Some(s) = self.by_id.get(snap_id)
        {
            return Some(s);
        }
        let s = self.by_name.get(name)?;
        if !s.snap_id.is_empty() && !snap_id.is_empty() {
            return None;
        }
        Some(s)
    }
}

fn add(map: &mut RevisionSets, e: &SetEntry, rev: SnapRevision) {
    let sets = map
        .entry(e.name.clone())
        .or_default()
        .entry(rev)
        .or_default();
    if !sets.contains(&e.set) {
        sets.push(e.set.clone());
    }
}

impl ValidationSets {
    /// snapd's `CheckInstalledSnaps`: every set entry judged against the installed snaps
    /// and the snap's combined presence. `ignore_validation` names snaps (by the name the
    /// set gives) installed with `--ignore-validation`: their entries are skipped when
    /// they are installed (a missing snap is reported all the same).
    pub fn check_installed(
        &self,
        installed: &[InstalledSnap],
        ignore_validation: &BTreeSet<String>,
    ) -> Result<(), InstalledError> {
        let lookup = Installed::new(installed);
        let mut err = InstalledError::default();
        for c in self.all() {
            for e in &c.entries {
                let found = lookup.lookup(&e.name, &e.snap_id);
                if found.is_some() && ignore_validation.contains(&e.name) {
                    continue;
                }
                let bucket = e.bucket();
                match found {
                    None if matches!(c.presence, Presence::Optional | Presence::Invalid) => {
                        continue;
                    }
                    Some(_) if c.presence == Presence::Invalid => {
                        let sets = err.invalid.entry(e.name.clone()).or_default();
                        if !sets.contains(&e.set) {
                            sets.push(e.set.clone());
                        }
                    }
                    Some(snap) => {
                        if bucket.is_unset() || bucket == snap.revision {
                            continue;
                        }
                        add(&mut err.wrong_revision, e, bucket);
                    }
                    None => add(&mut err.missing, e, bucket),
                }
                err.sets.insert(e.set.clone());
            }
        }
        if err.is_empty() {
            return Ok(());
        }
        for sets in err.invalid.values_mut() {
            sets.sort();
        }
        for revisions in err
            .missing
            .values_mut()
            .chain(err.wrong_revision.values_mut())
        {
            for sets in revisions.values_mut() {
                sets.sort();
            }
        }
        Err(err)
    }
}
