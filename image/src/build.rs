//! The whole build: gather, seed, boot, disk.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::disk::VolumeImage;
use crate::error::Error;
use crate::options::ImageOptions;
use crate::progress::Progress;
use crate::tree::PreparedTree;

/// One snap of a built image, as the summary lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapSummary {
    /// The snap name.
    pub name: String,
    /// Its revision (`x1` for unasserted local snaps).
    pub revision: String,
    /// The channel it tracks (empty for unasserted snaps).
    pub channel: String,
    /// Its size in bytes.
    pub size: u64,
    /// Where it is in the seed.
    pub path: PathBuf,
}

/// How long each step took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Timings {
    /// Gathering snaps and assertions.
    pub gather: Duration,
    /// Writing the seed.
    pub seed: Duration,
    /// Unpacking, boot files and resolved content.
    pub boot: Duration,
    /// Disk images.
    pub disk: Duration,
}

/// What a build produced.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The seed directory.
    pub seed_dir: PathBuf,
    /// The UC20+ label.
    pub label: Option<String>,
    /// The seed's snaps, in writer order.
    pub snaps: Vec<SnapSummary>,
    /// The disk images.
    pub volumes: Vec<VolumeImage>,
    /// Warnings (snapd's texts).
    pub warnings: Vec<String>,
    /// Step timings.
    pub timings: Timings,
}

/// Builds the image `options` describe.
pub async fn build(options: &ImageOptions, progress: &dyn Progress) -> Result<Summary, Error> {
    let _ = (options, progress, Instant::now(), PreparedTree::core16(""));
    unimplemented!("build")
}
