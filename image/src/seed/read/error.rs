//! Why a seed does not load, by the stage snapd's loader was at (`seed.Open`,
//! `LoadAssertions`, `LoadMeta`), with snapd's texts (spec `snap-image.md` §4.4, §5.4,
//! §9.6).

use serde::Serialize;
use thiserror::Error;
use ucore_go_text::quote;

use super::batch::BatchError;
use super::entry::EntryError;
use super::snap_check::SnapError;

/// The stage of loading a seed, as seed-check reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// `seed.Open`.
    Open,
    /// `LoadAssertions`.
    Assertions,
    /// `LoadMeta`.
    Meta,
}

/// The seed could not be opened.
#[derive(Debug, Error)]
pub enum OpenError {
    /// A UC20+ label that is not `^[a-z0-9](?:-?[a-z0-9])*$`.
    #[error("invalid seed system label: {}", quote(.0))]
    InvalidLabel(String),
}

/// The seed's assertions could not be loaded.
#[derive(Debug, Error)]
pub enum AssertionsError {
    /// No `assertions/` directory (also: an unknown UC20+ label).
    #[error("no seed assertions")]
    NoAssertions,
    /// `assertions/` could not be listed.
    #[error("cannot read assertions dir: {}", ucore_go_text::os::error_text(.0))]
    ReadDir(#[source] std::io::Error),
    /// A file of `assertions/` could not be read or decoded.
    #[error("cannot read assertions: {0}")]
    Read(#[source] BatchError),
    /// A file of `assertions/` could not be opened (Go's `open PATH: …`).
    #[error("cannot read assertions: open {}: {}", .path.display(), ucore_go_text::os::error_text(.source))]
    OpenFile {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// UC16/18: two different models.
    #[error("cannot have multiple model assertions in seed")]
    MultipleModels,
    /// UC16/18: no model.
    #[error("seed must have a model assertion")]
    NoModel,
    /// UC20+: a model in `assertions/`.
    #[error(
        "system cannot have any model assertion but the one in the system model assertion file"
    )]
    ModelInAssertions,
    /// UC20+: the `model` file could not be read or decoded.
    #[error("cannot read model assertion: {0}")]
    ModelFile(#[source] BatchError),
    /// UC20+: the `model` file could not be opened.
    #[error("cannot read model assertion: open {}: {}", .path.display(), ucore_go_text::os::error_text(.source))]
    ModelFileOpen {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// UC20+: the `model` file holds something else than one model.
    #[error("system model assertion file must contain exactly the model assertion")]
    NotExactlyTheModel,
    /// UC20+: declarations and revisions do not pair up.
    #[error(
        "system unexpectedly holds a different number of snap-declaration than snap-revision assertions"
    )]
    DeclarationRevisionCount,
    /// The assertions could not be committed to the trust database.
    #[error(transparent)]
    Commit(BatchError),
    /// UC20+: two declarations name the same snap.
    #[error("cannot have multiple snap-declarations for the same snap-name: {0}")]
    MultipleDeclarations(String),
    /// UC20+: two revisions of one snap.
    #[error("cannot have multiple snap-revisions for the same snap-id: {0}")]
    MultipleRevisions(String),
    /// An assertion accepted by the database does not read as its type.
    #[error(transparent)]
    Assertion(Box<ucore_assertions::Error>),
    /// The trust database could not be set up or queried.
    #[error(transparent)]
    Database(Box<ucore_signing::Error>),
}

impl From<ucore_assertions::Error> for AssertionsError {
    fn from(e: ucore_assertions::Error) -> Self {
        AssertionsError::Assertion(Box::new(e))
    }
}

impl From<ucore_signing::Error> for AssertionsError {
    fn from(e: ucore_signing::Error) -> Self {
        AssertionsError::Database(Box::new(e))
    }
}

/// The seed's snaps could not be loaded.
#[derive(Debug, Error)]
pub enum MetaError {
    /// UC16/18: no `seed.yaml`.
    #[error("no seed metadata")]
    NoMeta,
    /// UC16/18: `seed.yaml` is invalid.
    #[error("cannot read seed yaml: {0}")]
    SeedYaml(#[source] EntryError),
    /// UC20+ grade dangerous: `options.yaml` is invalid.
    #[error("cannot read grade dangerous options yaml: {0}")]
    Options(#[source] EntryError),
    /// UC20+: `snaps/aux-info.json` does not decode.
    #[error("cannot decode aux-info.json: {0}")]
    AuxInfo(String),
    /// UC20+: `snaps/aux-info.json` could not be read.
    #[error("open {}: {}", .path.display(), ucore_go_text::os::error_text(.source))]
    AuxInfoRead {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// An essential snap of the model is not in the seed.
    #[error("essential snap {} required by the model is missing in the seed", quote(.0))]
    EssentialMissing(String),
    /// The gadget's base is not the model's.
    #[error("cannot use gadget snap because its base {} is different from model base {}", quote(.gadget_base), quote(.model_base))]
    GadgetBase {
        /// The gadget's `base`.
        gadget_base: String,
        /// The model's `base`.
        model_base: String,
    },
    /// UC20+: an unasserted snap that is not a readable, valid snap.
    #[error("cannot read unasserted snap: {0}")]
    Unasserted(#[source] SnapError),
    /// A snap does not match its assertions.
    #[error(transparent)]
    Snap(#[from] SnapError),
    /// Snaps asked for a mode they were not loaded for.
    #[error("metadata was loaded only for snaps for mode {loaded} not {asked}")]
    OtherMode {
        /// The mode loaded.
        loaded: String,
        /// The mode asked.
        asked: String,
    },
    /// UC16/18 have only the run mode.
    #[error("internal error: Core 16/18 have only run mode, got: {0}")]
    OnlyRunMode(String),
}

/// Why a seed does not load: the error of one stage.
#[derive(Debug, Error)]
pub enum ReadError {
    /// Opening.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// Its assertions.
    #[error(transparent)]
    Assertions(#[from] AssertionsError),
    /// Its snaps.
    #[error(transparent)]
    Meta(Box<MetaError>),
}

impl From<MetaError> for ReadError {
    fn from(e: MetaError) -> Self {
        ReadError::Meta(Box::new(e))
    }
}

impl ReadError {
    /// The stage it failed at.
    pub fn stage(&self) -> Stage {
        match self {
            ReadError::Open(_) => Stage::Open,
            ReadError::Assertions(_) => Stage::Assertions,
            ReadError::Meta(_) => Stage::Meta,
        }
    }
}
