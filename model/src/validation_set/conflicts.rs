//! [`ConflictReport`]: would a new revision of a set contradict the sets it will be
//! combined with on a device? The new set is combined (snapd's `snapasserts`, see
//! [`ucore_assertions::validation_sets`]) with the sets a model names in its
//! `validation-sets` header and with any other sets given, and the conflicts are reported
//! as snapd reports them.
//!
//! Of the assertions given, each set (`account-id/name`) counts once: a model set pinned
//! at a sequence takes the highest revision of that sequence, any other set its highest
//! sequence and revision. The statement's own set is replaced by the statement, as snapd
//! replaces a set it enforces again. Model sets not among the assertions are listed as
//! missing: the check is then incomplete.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use ucore_assertions::types::{Model, ValidationSet, ValidationSetMode};
use ucore_assertions::validation_sets::ValidationSets;
use ucore_assertions::{Assertion, AssertionAccess, AssertionType};

use super::sequence::Position;

/// How a model set took part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelSetUse {
    /// `account-id/name`.
    pub set: String,
    /// The model's mode for it.
    pub mode: ValidationSetMode,
    /// The sequence the model pins, if any.
    pub pinned: Option<i64>,
    /// The revision combined (`None`: not supplied; also `None` when `replaced`).
    pub used: Option<Position>,
    /// Whether it is the statement's set (the statement stands in for it).
    pub replaced: bool,
    /// Whether it is named in a conflict.
    pub involved: bool,
}

/// The conflicts of a new set with a model's sets and other sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictReport {
    /// The new set, `account-id/name`.
    pub set: String,
    /// The model, `brand-id/model`, when one was given.
    pub model: Option<String>,
    /// The model's sets, in the model's order.
    pub model_sets: Vec<ModelSetUse>,
    /// Model sets that were not supplied (`account-id/name`, `=SEQUENCE` when pinned).
    pub missing_model_sets: Vec<String>,
    /// The other sets combined (`account-id/name`, sorted).
    pub others: Vec<String>,
    /// Sets given that could not be combined (snapd's texts).
    pub add_errors: Vec<String>,
    /// snapd's conflict text, `None` when the sets agree.
    pub conflict: Option<String>,
    /// snap-id → that snap's conflict line (snapd's), sorted by snap-id.
    pub conflict_snaps: BTreeMap<String, String>,
    /// Every set named in a conflict.
    pub conflict_sets: Vec<String>,
}

fn key_of(set: &ValidationSet<'_>) -> String {
    format!("{}/{}", set.account_id, set.name)
}

/// The validation sets of `with`, by `account-id/name`: every (position, assertion).
fn by_key(with: &[Assertion]) -> BTreeMap<String, Vec<(Position, &Assertion)>> {
    let mut out: BTreeMap<String, Vec<(Position, &Assertion)>> = BTreeMap::new();
    for a in with {
        if a.assertion_type() != AssertionType::ValidationSet {
            continue;
        }
        // Decoded assertions of the type read as the typed view; one that does not
        // is not a set to combine.
        if let Ok(set) = ValidationSet::from_assertion(a) {
            let position = Position {
                sequence: set.sequence,
                revision: a.revision(),
            };
            out.entry(key_of(&set)).or_default().push((position, a));
        }
    }
    out
}

fn latest<'a>(
    candidates: Option<&Vec<(Position, &'a Assertion)>>,
    pinned: Option<i64>,
) -> Option<(Position, &'a Assertion)> {
    candidates?
        .iter()
        .filter(|(p, _)| pinned.is_none_or(|s| p.sequence == s))
        .max_by_key(|(p, _)| *p)
        .copied()
}

impl ConflictReport {
    /// Combines `new` (the statement's set) with the sets `model` names and the other
    /// validation sets of `with` (assertions of other types are skipped).
    pub fn check(new: &ValidationSet<'_>, model: Option<&Model<'_>>, with: &[Assertion]) -> Self {
        let own = key_of(new);
        let available = by_key(with);
        let mut sets = ValidationSets::new();
        let mut add_errors = Vec::new();
        let mut add = |sets: &mut ValidationSets, set: &ValidationSet<'_>| {
            if let Err(e) = sets.add(set) {
                add_errors.push(e.to_string());
            }
        };
        add(&mut sets, new);

        let mut model_sets = Vec::new();
        let mut missing_model_sets = Vec::new();
        let mut model_keys = BTreeSet::new();
        for m in model
            .map(|m| m.validation_sets.as_slice())
            .unwrap_or_default()
        {
            let key = format!("{}/{}", m.account_id, m.name);
            model_keys.insert(key.clone());
            let replaced = key == own;
            let chosen = if replaced {
                None
            } else {
                latest(available.get(&key), m.sequence)
            };
            if let Some((_, a)) = chosen
                && let Ok(set) = ValidationSet::from_assertion(a)
            {
                add(&mut sets, &set);
            }
            if chosen.is_none() && !replaced {
                missing_model_sets.push(match m.sequence {
                    Some(s) => format!("{key}={s}"),
                    None => key.clone(),
                });
            }
            model_sets.push(ModelSetUse {
                set: key,
                mode: m.mode,
                pinned: m.sequence,
                used: chosen.map(|(p, _)| p),
                replaced,
                involved: false,
            });
        }

        let mut others = Vec::new();
        for (key, candidates) in &available {
            if *key == own || model_keys.contains(key) {
                continue;
            }
            if let Some((_, a)) = latest(Some(candidates), None)
                && let Ok(set) = ValidationSet::from_assertion(a)
            {
                add(&mut sets, &set);
                others.push(key.clone());
            }
        }

        let (conflict, conflict_snaps, conflict_sets) = match sets.conflict() {
            Ok(()) => (None, BTreeMap::new(), Vec::new()),
            Err(e) => (
                Some(e.to_string()),
                e.snaps
                    .iter()
                    .map(|(id, c)| (id.clone(), c.to_string()))
                    .collect(),
                e.sets.iter().cloned().collect(),
            ),
        };
        for m in &mut model_sets {
            m.involved =
                conflict_sets.contains(&m.set) || (m.replaced && conflict_sets.contains(&own));
        }
        ConflictReport {
            set: own,
            model: model.map(|m| format!("{}/{}", m.brand_id, m.model)),
            model_sets,
            missing_model_sets,
            others,
            add_errors,
            conflict,
            conflict_snaps,
            conflict_sets,
        }
    }

    /// Whether the sets agree and every model set was supplied.
    pub fn is_ok(&self) -> bool {
        self.conflict.is_none() && self.add_errors.is_empty() && self.missing_model_sets.is_empty()
    }
}

/// For people: the sets combined, then snapd's conflict text (or that there is none).
impl fmt::Display for ConflictReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "conflicts of {}", self.set)?;
        if let Some(m) = &self.model {
            write!(f, " with model {m}")?;
        }
        writeln!(f, ":")?;
        for m in &self.model_sets {
            let used = match (m.replaced, m.used) {
                (true, _) => "the statement".to_owned(),
                (false, Some(p)) => format!("sequence {} revision {}", p.sequence, p.revision),
                (false, None) => "not supplied".to_owned(),
            };
            let pinned = m
                .pinned
                .map(|s| format!(" pinned at {s}"))
                .unwrap_or_default();
            let involved = if m.involved { " (in conflict)" } else { "" };
            writeln!(
                f,
                "  model set {} ({}{pinned}): {used}{involved}",
                m.set, m.mode
            )?;
        }
        for o in &self.others {
            writeln!(f, "  other set {o}")?;
        }
        for e in &self.add_errors {
            writeln!(f, "  error: {e}")?;
        }
        if !self.missing_model_sets.is_empty() {
            writeln!(
                f,
                "  missing model sets (not checked): {}",
                self.missing_model_sets.join(", ")
            )?;
        }
        match &self.conflict {
            Some(text) => writeln!(f, "{text}"),
            None => writeln!(f, "no conflicts"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation_set::ValidationSetStatement;

    fn set(name: &str, sequence: i64, snaps: &str) -> Assertion {
        ValidationSetStatement::parse(&format!(
            r#"{{"account-id":"acme","name":"{name}","sequence":{sequence},"snaps":[{snaps}]}}"#
        ))
        .unwrap()
        .check()
        .unwrap()
        .unsigned()
        .clone()
    }

    const HELLO5: &str =
        r#"{"name":"hello","id":"helloidaaaaaaaaaaaaaaaaaaaaaaaaa","revision":"5"}"#;
    const HELLO6: &str =
        r#"{"name":"hello","id":"helloidaaaaaaaaaaaaaaaaaaaaaaaaa","revision":"6"}"#;

    #[test]
    fn conflicting_others_are_reported_with_snapd_text() {
        let new = set("base", 1, HELLO5);
        let clash = set("clash", 1, HELLO6);
        let view = ValidationSet::from_assertion(&new).unwrap();
        let r = ConflictReport::check(&view, None, &[clash]);
        assert_eq!(r.others, ["acme/clash"]);
        assert_eq!(
            r.conflict.as_deref(),
            Some(
                "validation sets are in conflict:\n- cannot constrain snap \"hello\" at \
                 different revisions 5 (acme/base), 6 (acme/clash)"
            )
        );
        assert_eq!(r.conflict_sets, ["acme/base", "acme/clash"]);
        assert!(!r.is_ok());
    }

    #[test]
    fn own_set_is_replaced_and_latest_other_used() {
        let new = set("base", 2, HELLO6);
        let old = set("base", 1, HELLO5);
        let clash1 = set("clash", 1, HELLO5);
        let clash2 = set("clash", 2, HELLO6);
        let view = ValidationSet::from_assertion(&new).unwrap();
        let r = ConflictReport::check(&view, None, &[old, clash1, clash2]);
        assert_eq!(r.others, ["acme/clash"]);
        assert!(r.is_ok(), "{r}");
        assert_eq!(
            r.to_string(),
            "conflicts of acme/base:\n  other set acme/clash\nno conflicts\n"
        );
    }
}
