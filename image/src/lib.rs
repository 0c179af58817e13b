//! # ucore-image
//!
//! Device images from a signed model, as `snap prepare-image` and ubuntu-image make them:
//! the model's snaps gathered from a brand's store (or a directory), their assertions
//! fetched and checked, a seed snapd boots (UC16/18 `seed.yaml`, UC20+ recovery systems),
//! the boot files, and one disk image per gadget volume.
//!
//! What a UC20 model's seed needs, and the build that gathers it (the build itself needs a
//! store or a directory of snaps, so it is not run here):
//!
//! ```
//! use ucore_image::options::{ImageOptions, OptionSnap, SnapSource};
//! use ucore_image::plan::{PlanOptions, SeedPlan, read_model};
//!
//! let file = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fixtures/uc20.model");
//! let bytes = std::fs::read(file)?;
//! let model = read_model(&bytes, "uc20.model")?;
//!
//! // The first round of snaps to fetch: the system snap, the essential snaps, the others,
//! // each with the channel the seed writer resolves for it.
//! let options = PlanOptions { label: Some("20261205".into()), ..PlanOptions::default() };
//! let mut plan = SeedPlan::new(&model, &options)?;
//! let round = plan.next_round()?.unwrap_or_default();
//! let wanted: Vec<String> = round.iter().map(|s| format!("{} {}", s.name, s.channel)).collect();
//! assert_eq!(
//!     wanted,
//!     ["snapd latest/stable", "pc-kernel 20/stable", "core20 latest/stable",
//!      "pc20 20/stable", "hello20 latest/stable"]
//! );
//!
//! // The whole build: snaps from a store, checked, the seed, boot files and disk images.
//! let mut build = ImageOptions::new(
//!     bytes,
//!     SnapSource::Store { url: "http://127.0.0.1:8080/".into(), auth: None },
//!     "out",
//! );
//! build.snaps.push(OptionSnap::parse("hello20=edge")?); // needs grade dangerous
//! // let summary = ucore_image::build(&build, &ucore_image::progress::NoProgress).await?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The layers, from the bottom:
//! - [`options`], [`snaps`], [`tree`], [`progress`]: what is asked, what a seed holds,
//!   where files go, how progress is reported;
//! - [`assertion_ref`], [`fsio`]: references to assertions and their prerequisites, typed
//!   file errors;
//! - [`channel`], [`plan`]: the snap set and its rules (snapd's seed writer, no I/O);
//! - [`gather`]: snaps and assertions from the source, checked;
//! - [`seed`]: the seed written (and read back);
//! - [`unpack`], [`boot`], [`disk`]: the gadget and kernel, boot files, disk images;
//! - [`build()`]: all of it.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod options;
pub mod progress;
pub mod snaps;
pub mod tree;

pub mod assertion_ref;

pub mod channel;
pub mod plan;

pub mod gather;

pub mod seed;

pub mod boot;
pub mod disk;
pub mod fsio;
pub mod unpack;

mod build;
pub mod error;

pub use build::{SnapSummary, Summary, Timings, build};
pub use error::Error;
