//! The snap set of a seed (snapd's `seedwriter.Writer` without its I/O): the model's
//! snaps, the system snap, `--snap` options and local snaps, channels, the rounds of
//! snaps to fetch, and the checks on each fetched snap, under the UC16/18 or UC20+
//! policy (spec `snap-image.md` §6).
//!
//! ```text
//! SeedPlan::new(model, options)      // §6.1, §6.2
//!   .local_snaps(read local files)   // §6.4
//!   loop { next_round() → fetch → fetched(snaps) }   // §6.5, §6.7, §6.8
//!   .finish(model_refs) → SeedContents             // §6.9 order
//! ```
//!
//! A round may hold no snap to fetch (its snaps are all local): the caller still calls
//! [`SeedPlan::fetched`] with nothing, which checks them.

mod available;
mod checks;
mod error;
mod local;
mod model;
mod options;
mod policy;
mod rounds;

use std::collections::BTreeMap;

use ucore_assertions::Assertion;

pub use error::PlanError;
pub use model::read_model;

use crate::options::OptionSnap;
use crate::snaps::{PlannedSnap, SeedContents, SeedSnap};
use available::Available;
use model::{ModelFacts, ModelSnapSpec};
use options::OptionEntry;
use policy::Policy;
use rounds::Round;

/// What the plan is given besides the model.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// `--snap` options, in order.
    pub snaps: Vec<OptionSnap>,
    /// `--channel`.
    pub channel: Option<String>,
    /// The UC20+ label (required for UC20+ models).
    pub label: Option<String>,
}

/// A seed snap being planned: what is asked, and the snap once it is there.
#[derive(Debug, Clone)]
struct Slot {
    /// What the plan asks for.
    planned: PlannedSnap,
    /// The model snap it stands for (`None`: an extra snap).
    model: Option<ModelSnapSpec>,
    /// The snap, once fetched (local snaps from the start).
    snap: Option<SeedSnap>,
}

impl Slot {
    /// The modes the snap is available in (extra snaps: run).
    fn modes(&self) -> Vec<String> {
        match &self.model {
            Some(m) => m.modes.clone(),
            None => vec!["run".to_string()],
        }
    }
}

/// The snap set of a seed, built round by round.
#[derive(Debug)]
pub struct SeedPlan {
    model: Assertion,
    facts: ModelFacts,
    policy: Policy,
    label: Option<String>,
    /// `--channel` (`""`: none).
    default_channel: String,
    options: Vec<OptionEntry>,
    /// Whether `--snap PATH` options wait for [`SeedPlan::local_snaps`].
    locals_pending: bool,
    /// The local snaps, by the index of their option, until a slot takes them.
    local_by_option: BTreeMap<usize, SeedSnap>,
    consumed_options: usize,
    extra_guess: usize,
    from_model: Vec<Slot>,
    extra: Vec<Slot>,
    round: Round,
    /// A round was handed out and not yet [`SeedPlan::fetched`].
    awaiting: bool,
    /// How many slots (at the end of the round's list) the current round considers.
    considered: usize,
    complete: bool,
    available: Available,
    warnings: Vec<String>,
}

/// `^[a-z0-9](?:-?[a-z0-9])*$` (`asserts.IsValidSystemLabel`).
fn is_valid_label(label: &str) -> bool {
    let b = label.as_bytes();
    let ok = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    b.first().is_some_and(ok)
        && b.last().is_some_and(ok)
        && b.iter().all(|c| ok(c) || *c == b'-')
        && !label.contains("--")
}

impl SeedPlan {
    /// A plan for `model` with `options` (§6.1, §6.2).
    pub fn new(model: &Assertion, options: &PlanOptions) -> Result<SeedPlan, PlanError> {
        let facts = ModelFacts::of(model)?;
        let policy = Policy::of(&facts);
        let label = match facts.grade {
            Some(_) => {
                let label = options.label.clone().ok_or(PlanError::NoLabel)?;
                if !is_valid_label(&label) {
                    return Err(PlanError::InvalidLabel(label));
                }
                Some(label)
            }
            None => None,
        };
        let default_channel = options.channel.clone().unwrap_or_default();
        if !default_channel.is_empty() {
            crate::channel::parse_verbatim(&default_channel).map_err(PlanError::DefaultChannel)?;
            policy.allows_dangerous()?;
        }
        let mut plan = SeedPlan {
            model: model.clone(),
            facts,
            policy,
            label,
            default_channel,
            options: Vec::new(),
            locals_pending: false,
            local_by_option: BTreeMap::new(),
            consumed_options: 0,
            extra_guess: 0,
            from_model: Vec::new(),
            extra: Vec::new(),
            round: Round::Model,
            awaiting: false,
            considered: 0,
            complete: false,
            available: Available::default(),
            warnings: Vec::new(),
        };
        plan.set_option_snaps(&options.snaps)?;
        Ok(plan)
    }

    /// The UC20+ label, `None` for UC16/18.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// The seed's contents in writer order, with `model_refs` (the model's prerequisites
    /// and store chain, in fetch order). Warnings: the policy's, then the one about
    /// unasserted snaps (§6.11).
    pub fn finish(self, model_refs: Vec<Assertion>) -> Result<SeedContents, PlanError> {
        if !self.complete {
            return Err(PlanError::Step {
                expected: "next_round",
                got: "finish",
            });
        }
        let take = |slots: Vec<Slot>| -> Result<Vec<SeedSnap>, PlanError> {
            slots
                .into_iter()
                .map(|s| {
                    s.snap
                        .ok_or_else(|| PlanError::NotFetched(s.planned.name.clone()))
                })
                .collect()
        };
        let model_snaps = take(self.from_model)?;
        let extra_snaps = take(self.extra)?;
        let mut warnings = self.warnings;
        let unasserted: Vec<String> = model_snaps
            .iter()
            .chain(&extra_snaps)
            .filter(|s| !s.is_asserted())
            .map(|s| s.info.snap_name().to_string())
            .collect();
        if !unasserted.is_empty() {
            warnings.push(format!(
                "{} installed from local snaps disconnected from a store cannot be refreshed subsequently!",
                error::go_quoted_list(&unasserted)
            ));
        }
        Ok(SeedContents {
            model: self.model,
            model_refs,
            model_snaps,
            extra_snaps,
            label: self.label,
            warnings,
        })
    }
}

#[cfg(test)]
mod tests;
