//! The error of an image build: one variant per step, each with its own typed error.

use std::path::PathBuf;

use thiserror::Error;

use crate::boot::BootError;
use crate::disk::DiskError;
use crate::gather::GatherError;
use crate::options::OptionsError;
use crate::plan::PlanError;
use crate::seed::SeedError;
use crate::unpack::UnpackError;

/// Why an image could not be built.
#[derive(Debug, Error)]
pub enum Error {
    /// A `--snap` argument is malformed.
    #[error(transparent)]
    Options(#[from] OptionsError),
    /// The model, the options or a snap do not make a valid seed.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// Snaps or assertions could not be gathered or checked (boxed: the gather errors are
    /// the largest, and every step's `Result` carries this type).
    #[error(transparent)]
    Gather(Box<GatherError>),
    /// The seed could not be written.
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// The gadget or kernel could not be unpacked.
    #[error("cannot unpack snap {name:?}: {source}")]
    Unpack {
        /// The snap.
        name: String,
        /// Why.
        #[source]
        source: UnpackError,
    },
    /// The seed could not be made bootable.
    #[error(transparent)]
    Boot(#[from] BootError),
    /// A disk image could not be written.
    #[error(transparent)]
    Disk(#[from] DiskError),
    /// The output directory could not be prepared.
    #[error("cannot {op} {path:?}: {source}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// The path.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The model assertion does not decode as a model.
    #[error("{0}")]
    Model(String),
    /// The output directory already holds a seed or a booted system (snapd's texts).
    #[error("{0}")]
    NotEmpty(String),
}

impl From<GatherError> for Error {
    fn from(e: GatherError) -> Error {
        Error::Gather(Box::new(e))
    }
}
