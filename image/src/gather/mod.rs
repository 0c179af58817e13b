//! Gathering a seed's snaps and assertions from a store or a directory: the rounds of
//! the [`SeedPlan`](crate::plan::SeedPlan), downloads in parallel with their digest taken
//! on the way, the assertion fetcher (prerequisites first, each assertion once), the
//! model's validation sets, and every assertion checked in a trust database before
//! anything is written to the seed.

use thiserror::Error;

use crate::options::ImageOptions;
use crate::progress::Progress;
use crate::snaps::SeedContents;
use crate::tree::PreparedTree;

/// Why the snaps or assertions of a seed could not be gathered.
#[derive(Debug, Error)]
pub enum GatherError {
    /// Placeholder until the module is written.
    #[error("{0}")]
    Other(String),
}

/// Gathers every snap the plan needs into `tree`'s staging directory and checks their
/// assertions; returns the seed's contents in writer order.
pub async fn gather(
    _options: &ImageOptions,
    _tree: &PreparedTree,
    _progress: &dyn Progress,
) -> Result<SeedContents, GatherError> {
    unimplemented!("gather")
}
