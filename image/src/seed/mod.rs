//! Writing a seed: UC16/18 (`seed.yaml`, `snaps/`, one file per assertion) and UC20+
//! (`systems/LABEL/` with `model`, `assertions/`, `options.yaml`, and the shared
//! `snaps/`), as snapd's seed writer lays them out (spec `snap-image.md` §4, §5, §6.9);
//! and reading one back as snapd's first boot does.

mod files;
pub mod read;
mod tree16;
mod tree20;
mod yaml;

use std::path::PathBuf;

use thiserror::Error;
use ucore_go_text::quote;

use crate::snaps::{SeedContents, SeedSnap};
use crate::tree::PreparedTree;

/// Why a seed could not be written.
#[derive(Debug, Error)]
pub enum SeedError {
    /// A file or directory could not be written.
    #[error("cannot {op} {}: {source}", quote(&.path.to_string_lossy()))]
    Io {
        /// What was being done.
        op: &'static str,
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The UC20+ system directory exists already.
    #[error("system {} already exists", quote(.0))]
    SystemExists(String),
    /// A UC20+ seed without a label, or a UC16/18 seed with one.
    #[error("internal error: the seed's label does not match the prepared tree")]
    Label,
    /// The model of the contents is not a model.
    #[error("internal error: cannot read the seed's model: {0}")]
    Model(#[source] Box<ucore_assertions::Error>),
    /// An assertion could not be encoded.
    #[error("cannot write assertions to {}: {source}", quote(&.path.to_string_lossy()))]
    Encode {
        /// The stream.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<ucore_assertions::Error>,
    },
    /// `seed.yaml` could not be written.
    #[error("cannot write seed.yaml: {0}")]
    SeedYaml(#[source] Box<SeedError>),
    /// Snaps other than the model's, or model snaps with other channels, in a UC20+ seed
    /// of a grade other than dangerous.
    #[error("internal error: unexpected non-model snap overrides with grade {0}")]
    Overrides(String),
}

/// Writes `contents` as the seed of `tree`: moves each staged snap file into place (its
/// `file` is updated) and writes the metadata. Snap files from outside the tree's
/// staging directory (local `--snap` files) are copied.
pub fn write(contents: &mut SeedContents, tree: &PreparedTree) -> Result<(), SeedError> {
    match (&contents.label, &tree.label) {
        (None, None) => tree16::write(contents, tree),
        (Some(a), Some(b)) if a == b => tree20::write(contents, tree),
        _ => Err(SeedError::Label),
    }
}

/// snapd's `Info.Contact()`: the store's contact, else snap.yaml's first `contact` link;
/// `mailto:` added when it has no scheme; nothing when Go's `url.Parse` refuses it.
fn contact(snap: &SeedSnap) -> String {
    let edited = snap.contact.clone().unwrap_or_default();
    let contact = if edited.is_empty() {
        snap.info
            .links
            .get("contact")
            .and_then(|l| l.first())
            .cloned()
            .unwrap_or_default()
    } else {
        edited
    };
    if contact.is_empty() {
        return contact;
    }
    match ucore_go_text::url::parse(&contact) {
        Ok(u) if u.scheme.is_empty() => format!("mailto:{contact}"),
        Ok(_) => contact,
        Err(_) => String::new(),
    }
}

/// snapd's `snap.Type.SortsBefore` order: snapd, os, kernel, base, gadget, app.
fn type_rank(snap: &SeedSnap) -> u8 {
    use ucore_snap::SnapType;
    match snap.info.snap_type() {
        SnapType::Snapd => 0,
        SnapType::Os => 1,
        SnapType::Kernel => 2,
        SnapType::Base => 3,
        SnapType::Gadget => 4,
        SnapType::App => 5,
    }
}

/// `NAME_REV.snap` (`Info.Filename()`).
fn file_name(snap: &SeedSnap) -> String {
    format!("{}_{}.snap", snap.info.instance_name(), snap.revision)
}

#[cfg(test)]
mod tests;
