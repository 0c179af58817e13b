//! Snap action honours the validation sets a device enforces, carried the way snapd's
//! store client carries them (`store/store_action.go`): an install, refresh or download
//! action's `"validation-sets": [["16", ACCOUNT, NAME, SEQUENCE], …]` (a 3-value key
//! means the latest sequence the store has), with `"revision"` when the sets pin one. A
//! refresh action that carries none uses its context entry's `validation-sets`.
//!
//! The sets of a whole request are read in one query ([`Enforcement::load`]), combined
//! per action with [`ValidationSets`], and then, for the action's snap:
//! * no set names it, or only as optional, or required at any revision: nothing changes;
//! * required at a pinned revision: that revision is answered, without channel
//!   resolution (`effective-channel` empty), whatever channel the action names; a refresh
//!   whose pinned revision is the installed one answers the installed revision, which
//!   snapd reads as "no updates";
//! * refused, as an error result (and counted in the metrics):
//!
//! | code | when | message |
//! |---|---|---|
//! | `validation-set-invalid` | a set says the snap is invalid | `cannot install snap "x" due to enforcing rules of validation set 16/acme/set/1` (snapd's text; `refresh`/`download` for those actions) |
//! | `validation-set-revision` | the action asks for another revision than the pinned one | snapd's: `cannot install snap "x" at requested revision 2 without --ignore-validation, revision 3 required by validation sets: 16/acme/set/1`, `cannot update snap "x" to revision 2 without --ignore-validation, revision 3 is required by validation sets: …` |
//! | `validation-set-conflict` | the sets contradict each other | snapd's `validation sets are in conflict:` text, a line per snap |
//! | `validation-set-not-found` | a set (or that sequence of it) is not in the store | `validation set 16/acme/set/3 not found` |
//! | `validation-set-key` | a key that is not `[series, account, name(, sequence ≥ 1)]`, two sequences of one set, more than [`MAX_SETS`] sets | what is wrong (snapd's `cannot add a second validation-set under "acme/set"`) |
//! | `revision-not-found` | the pinned revision is not there for the device's architecture | as for any revision (snapd: "no snap revision available as specified") |
//!
//! snapd's client knows none of the `validation-set-*` codes (its 2.57 client has no
//! validation-set specific code); it shows the store's message for them.
//!
//! `"ignore-validation": true` on the action skips all of this; so does the context
//! entry's sticky `"ignore-validation": true`, unless the action says `false` (snapd's
//! single-snap refresh enforces over the sticky flag so).

use std::collections::{HashMap, HashSet};

use ucore_assertions::types::ValidationSet;
use ucore_assertions::validation_sets::{Presence, ValidationSets};
use ucore_assertions::{Assertion, AssertionType};
use ucore_store_client::protocol::{ContextSnap, SnapAction};

use super::assertions::{Sequence, check_key_part};
use crate::db::SnapRecord;
use crate::error::Error;
use crate::state::Store;

/// The most validation sets one action (or context entry) may name.
pub const MAX_SETS: usize = 100;

/// A refused action: the result's error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The error code.
    pub code: &'static str,
    /// The message.
    pub message: String,
}

impl Refusal {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            code,
            message: message.into(),
        }
    }
}

/// What the sets say about one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Nothing: resolve as usual.
    Free,
    /// Answer this revision.
    Pinned(u32),
    /// Answer this error.
    Refuse(Refusal),
}

/// One set an action names: its sequence key (series, account, name) and the sequence
/// (`Latest` for a 3-value key).
type SetRef = (Vec<String>, Sequence);

/// The sets one action names, read from its key list.
fn parse_keys(keys: &[Vec<String>]) -> Result<Vec<SetRef>, Refusal> {
    if keys.len() > MAX_SETS {
        return Err(Refusal::new(
            "validation-set-key",
            format!("too many validation sets (at most {MAX_SETS})"),
        ));
    }
    keys.iter()
        .map(|key| {
            let bad = |why: String| {
                Refusal::new(
                    "validation-set-key",
                    format!("invalid validation set key {key:?}: {why}"),
                )
            };
            let (head, sequence) = match key.as_slice() {
                [series, account, name] => ([series, account, name], Sequence::Latest),
                [series, account, name, seq] => (
                    [series, account, name],
                    Sequence::parse(seq).map_err(|e| bad(e.to_string()))?,
                ),
                _ => return Err(bad("want [series, account-id, name(, sequence)]".into())),
            };
            for part in head {
                check_key_part(part).map_err(|e| bad(e.to_string()))?;
            }
            Ok((head.iter().map(|p| p.to_string()).collect(), sequence))
        })
        .collect()
}

/// `16/acme/set/3`, or `16/acme/set` for the latest.
fn describe(set: &SetRef) -> String {
    let mut text = set.0.join("/");
    if let Sequence::Number(n) = set.1 {
        text.push_str(&format!("/{n}"));
    }
    text
}

/// The sets a request's actions name and whether each action enforces them.
struct Wanted<'a> {
    /// Per action index: its set keys (`None`: not enforced, or not an install, refresh
    /// or download).
    keys: Vec<Option<&'a [Vec<String>]>>,
}

impl<'a> Wanted<'a> {
    fn of(actions: &'a [SnapAction], context: &HashMap<&str, &'a ContextSnap>) -> Self {
        let keys = actions
            .iter()
            .map(|a| {
                let (ignore, sets, ctx) = match a {
                    SnapAction::Refresh {
                        instance_key,
                        ignore_validation,
                        validation_sets,
                        ..
                    } => (
                        *ignore_validation,
                        validation_sets,
                        context.get(instance_key.as_str()).copied(),
                    ),
                    SnapAction::Install {
                        ignore_validation,
                        validation_sets,
                        ..
                    }
                    | SnapAction::Download {
                        ignore_validation,
                        validation_sets,
                        ..
                    } => (*ignore_validation, validation_sets, None),
                    SnapAction::FetchAssertions { .. } => return None,
                };
                let sticky = ctx.is_some_and(|c| c.ignore_validation);
                if ignore.unwrap_or(sticky) {
                    return None;
                }
                let sets = match (sets.is_empty(), ctx) {
                    (true, Some(c)) => c.validation_sets.as_slice(),
                    _ => sets.as_slice(),
                };
                (!sets.is_empty()).then_some(sets)
            })
            .collect();
        Wanted { keys }
    }
}

/// The validation sets of one snap-action request, read from the assertions table.
pub struct Enforcement<'a> {
    wanted: Wanted<'a>,
    /// Sequence key → every stored member: (sequence, encoded assertion), decoded only
    /// when an action names it.
    members: HashMap<Vec<String>, Vec<(u32, String)>>,
    /// The combination of each distinct key list met so far.
    combined: HashMap<&'a [Vec<String>], Result<ValidationSets, Refusal>>,
}

impl<'a> Enforcement<'a> {
    /// Reads, in one query, every set the request's enforcing actions (and their context
    /// entries) name.
    pub async fn load(
        store: &Store,
        actions: &'a [SnapAction],
        context: &HashMap<&str, &'a ContextSnap>,
    ) -> Result<Enforcement<'a>, Error> {
        let wanted = Wanted::of(actions, context);
        let mut sequence_keys: HashSet<Vec<String>> = HashSet::new();
        for keys in wanted.keys.iter().flatten() {
            // Malformed lists are refused per action later.
            if let Ok(refs) = parse_keys(keys) {
                sequence_keys.extend(refs.into_iter().map(|(k, _)| k));
            }
        }
        let mut members: HashMap<Vec<String>, Vec<(u32, String)>> = HashMap::new();
        if !sequence_keys.is_empty() {
            let keys: Vec<Vec<String>> = sequence_keys.into_iter().collect();
            let t = AssertionType::ValidationSet.name();
            for rec in store.db.assertions_in_sequences(t, &keys).await? {
                let Some((last, head)) = rec.primary_key.split_last() else {
                    continue;
                };
                let Ok(sequence) = last.parse::<u32>() else {
                    continue;
                };
                members
                    .entry(head.to_vec())
                    .or_default()
                    .push((sequence, rec.text));
            }
        }
        Ok(Enforcement {
            wanted,
            members,
            combined: HashMap::new(),
        })
    }

    /// The stored set `set` names, encoded.
    fn find(&self, set: &SetRef) -> Option<&str> {
        let members = self.members.get(&set.0)?;
        match set.1 {
            Sequence::Number(n) => members.iter().find(|(s, _)| *s == n),
            Sequence::Latest => members.iter().max_by_key(|(s, _)| *s),
        }
        .map(|(_, text)| text.as_str())
    }

    /// The combination of the sets `keys` name: unknown sets, malformed keys and
    /// conflicts refused.
    fn combine(&self, keys: &[Vec<String>]) -> Result<ValidationSets, Refusal> {
        let mut sets = ValidationSets::new();
        for set in parse_keys(keys)? {
            let Some(text) = self.find(&set) else {
                return Err(Refusal::new(
                    "validation-set-not-found",
                    format!("validation set {} not found", describe(&set)),
                ));
            };
            let unreadable = |e: ucore_assertions::Error| {
                Refusal::new(
                    "validation-set-not-found",
                    format!("validation set {} cannot be read: {e}", describe(&set)),
                )
            };
            let assertion = Assertion::decode(text.as_bytes()).map_err(unreadable)?;
            let typed = ValidationSet::from_assertion(&assertion).map_err(unreadable)?;
            sets.add(&typed)
                .map_err(|e| Refusal::new("validation-set-key", e.to_string()))?;
        }
        sets.conflict()
            .map_err(|e| Refusal::new("validation-set-conflict", e.to_string()))?;
        Ok(sets)
    }

    /// What the sets of action `index` say about `snap`, which the action asks for at
    /// `requested` (a revision, if any); `verb` is `install`, `refresh` or `download`.
    pub fn decide(
        &mut self,
        index: usize,
        verb: &str,
        snap: &SnapRecord,
        requested: Option<u32>,
    ) -> Decision {
        let Some(Some(keys)) = self.wanted.keys.get(index).copied() else {
            return Decision::Free;
        };
        if !self.combined.contains_key(keys) {
            let combined = self.combine(keys);
            self.combined.insert(keys, combined);
        }
        let sets = match self.combined.get(keys) {
            Some(Ok(sets)) => sets,
            Some(Err(refusal)) => return Decision::Refuse(refusal.clone()),
            None => return Decision::Free,
        };
        decide_for(sets, verb, snap, requested)
    }
}

/// What combined `sets` say about `snap` asked for at `requested` (see the module doc).
fn decide_for(
    sets: &ValidationSets,
    verb: &str,
    snap: &SnapRecord,
    requested: Option<u32>,
) -> Decision {
    let (name, id) = (snap.name.as_str(), snap.snap_id.as_str());
    match sets.presence(name, id) {
        None | Some(Presence::Optional) => Decision::Free,
        Some(Presence::Invalid) => {
            let message = match sets.check_presence_invalid(name, id) {
                Ok(keys) if !keys.is_empty() => format!(
                    "cannot {verb} snap {name:?} due to enforcing rules of validation set {}",
                    keys.join(",")
                ),
                // Invalid only because optional entries disagree on the revision.
                Ok(_) => format!("unexpected presence \"invalid\" for snap {name:?}"),
                Err(e) => e.to_string(),
            };
            Decision::Refuse(Refusal::new("validation-set-invalid", message))
        }
        Some(Presence::Conflict) => Decision::Refuse(Refusal::new(
            "validation-set-conflict",
            format!("validation sets are in conflict about snap {name:?}"),
        )),
        Some(Presence::Required) => {
            let required = match sets.check_presence_required(name, id) {
                Ok(r) => r,
                Err(e) => {
                    return Decision::Refuse(Refusal::new("validation-set-invalid", e.to_string()));
                }
            };
            if required.revision.is_unset() {
                return Decision::Free;
            }
            let Ok(pinned) = u32::try_from(required.revision.0) else {
                return Decision::Refuse(Refusal::new(
                    "revision-not-found",
                    format!("No revision {} of {name:?}", required.revision),
                ));
            };
            match requested {
                Some(r) if r != pinned => {
                    let keys = required.sets.join(",");
                    let message = if verb == "refresh" {
                        format!(
                            "cannot update snap {name:?} to revision {r} without --ignore-validation, revision {pinned} is required by validation sets: {keys}"
                        )
                    } else {
                        format!(
                            "cannot {verb} snap {name:?} at requested revision {r} without --ignore-validation, revision {pinned} required by validation sets: {keys}"
                        )
                    };
                    Decision::Refuse(Refusal::new("validation-set-revision", message))
                }
                _ => Decision::Pinned(pinned),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keys_parse_with_and_without_sequence() {
        let refs =
            parse_keys(&[v(&["16", "acme", "set"]), v(&["16", "acme", "other", "3"])]).unwrap();
        assert_eq!(refs[0], (v(&["16", "acme", "set"]), Sequence::Latest));
        assert_eq!(refs[1], (v(&["16", "acme", "other"]), Sequence::Number(3)));
        assert_eq!(describe(&refs[0]), "16/acme/set");
        assert_eq!(describe(&refs[1]), "16/acme/other/3");
        for bad in [
            v(&["foo", "bar"]),
            v(&["16", "acme", "set", "0"]),
            v(&["16", "acme", "set", "x"]),
            v(&["16", "a/b", "set"]),
            v(&["16", "acme", "set", "1", "2"]),
        ] {
            let e = parse_keys(std::slice::from_ref(&bad)).unwrap_err();
            assert_eq!(e.code, "validation-set-key", "{bad:?}");
        }
        let many = vec![v(&["16", "acme", "set"]); MAX_SETS + 1];
        assert_eq!(parse_keys(&many).unwrap_err().code, "validation-set-key");
    }
}
