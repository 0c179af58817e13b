//! # ucore-image
//!
//! Device images from a signed model, as `snap prepare-image` and ubuntu-image make them:
//! the model's snaps gathered from a brand's store (or a directory), their assertions
//! fetched and checked, a seed snapd boots (UC16/18 `seed.yaml`, UC20+ recovery systems),
//! the boot files, and one disk image per gadget volume.
//!
//! ```
//! use ucore_image::options::{ImageOptions, OptionSnap, SnapSource};
//!
//! let model = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fixtures/uc20.model"))?;
//! let mut options = ImageOptions::new(
//!     model,
//!     SnapSource::Store { url: "http://127.0.0.1:8080/".into(), auth: None },
//!     "out",
//! );
//! options.snaps.push(OptionSnap::parse("hello20=edge")?);
//! // ucore_image::build(&options, &ucore_image::progress::NoProgress).await?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The layers, from the bottom:
//! - [`options`], [`snaps`], [`tree`], [`progress`]: what is asked, what a seed holds,
//!   where files go, how progress is reported;
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
