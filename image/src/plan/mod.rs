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

use thiserror::Error;
use ucore_assertions::Assertion;

use crate::options::OptionSnap;
use crate::snaps::{PlannedSnap, SeedContents, SeedSnap};

/// Why a seed cannot be planned, or a fetched snap does not fit it; snapd's texts.
#[derive(Debug, Error)]
pub enum PlanError {
    /// Placeholder until the module is written.
    #[error("{0}")]
    Other(String),
}

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

/// Reads the model file as `snap prepare-image` does (§7.2 step 1 and 5): one
/// assertion, a model, none of the reserved headers, series 16.
pub fn read_model(_bytes: &[u8]) -> Result<Assertion, PlanError> {
    unimplemented!("plan::read_model")
}

/// The snap set of a seed, built round by round.
#[derive(Debug)]
pub struct SeedPlan {
    _private: (),
}

impl SeedPlan {
    /// A plan for `model` with `options` (§6.1, §6.2).
    pub fn new(_model: &Assertion, _options: &PlanOptions) -> Result<SeedPlan, PlanError> {
        unimplemented!("SeedPlan::new")
    }

    /// The UC20+ label, `None` for UC16/18.
    pub fn label(&self) -> Option<&str> {
        unimplemented!("SeedPlan::label")
    }

    /// The local snaps of the `--snap PATH` options, read by the caller (info, digest,
    /// assertions if the source has them), in option order (§6.4).
    pub fn local_snaps(&mut self, _locals: Vec<SeedSnap>) -> Result<(), PlanError> {
        unimplemented!("SeedPlan::local_snaps")
    }

    /// The snaps to fetch in the next round, `None` when the seed is complete (§6.5, §6.7).
    pub fn next_round(&mut self) -> Result<Option<Vec<PlannedSnap>>, PlanError> {
        unimplemented!("SeedPlan::next_round")
    }

    /// The snaps of the current round, fetched: the checks of §6.7 and the policy's
    /// implicit snaps (§6.8).
    pub fn fetched(&mut self, _snaps: Vec<SeedSnap>) -> Result<(), PlanError> {
        unimplemented!("SeedPlan::fetched")
    }

    /// The seed's contents in writer order, with `model_refs` (the model's prerequisites
    /// and store chain, in fetch order).
    pub fn finish(self, _model_refs: Vec<Assertion>) -> Result<SeedContents, PlanError> {
        unimplemented!("SeedPlan::finish")
    }
}
