//! The crate's error type: snapd's message, plus where in the YAML the fault is.

use serde::Serialize;

/// A place in the gadget.yaml text: 1-based line and column of a node's first character.
pub use ucore_go_yaml::Position;

/// Which of snapd's steps found the fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// `InfoFromGadgetYaml`: decoding, implicit values and per-volume checks.
    Parse,
    /// `Validate`: roles and labels across volumes, against the model.
    Validate,
    /// `ValidateContent`: content files in a gadget directory.
    Content,
    /// `LayoutVolume`: placing structures and raw content.
    Layout,
}

/// Every failure of this crate.
///
/// For parse, validation and layout failures, `Display` prints snapd's text exactly (the
/// differential tests compare it). The variants also carry the YAML path of the offending
/// node (`volumes.pc.structure[1].size`) and its line and column where the file has one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GadgetError {
    /// A gadget snap directory's `meta/gadget.yaml` could not be read (snapd: `open
    /// DIR/meta/gadget.yaml: no such file or directory`).
    #[error("open {}: {reason}", path.display())]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// The operating system's reason, in Go's words.
        reason: String,
    },
    /// The text is not YAML (snapd: `cannot parse gadget metadata: yaml: line N: …`).
    #[error("cannot parse gadget metadata: {yaml}")]
    Syntax {
        /// The YAML reader's description.
        message: String,
        /// yaml.v2's text for the fault: libyaml's words and yaml.v2's line numbering
        /// (`yaml: line 4: found character that cannot start any token`).
        yaml: String,
        /// Where the reader stopped.
        position: Position,
    },
    /// A fault found while reading the gadget metadata ([`crate::GadgetInfo::parse`]).
    #[error("{message}")]
    Parse {
        /// snapd's full message.
        message: String,
        /// YAML path of the offending node; empty for the whole document.
        path: String,
        /// Line and column of that node, when it is in the file.
        position: Option<Position>,
    },
    /// A fault found by [`crate::validate`] (roles and labels across volumes).
    #[error("{message}")]
    Validate {
        /// snapd's full message.
        message: String,
        /// YAML path of the offending node; empty when the fault is about the whole gadget.
        path: String,
        /// Line and column of that node.
        position: Option<Position>,
    },
    /// Content listed in gadget.yaml is missing or too large in the gadget directory.
    #[error("{message}")]
    Content {
        /// snapd's full message.
        message: String,
        /// YAML path of the content entry.
        path: String,
        /// Line and column of that entry.
        position: Option<Position>,
    },
    /// The volume cannot be laid out (raw content does not fit, overlaps …).
    #[error("{message}")]
    Layout {
        /// snapd's full message.
        message: String,
        /// YAML path of the structure or content entry.
        path: String,
        /// Line and column of that node.
        position: Option<Position>,
    },
    /// Writing a volume image failed.
    #[error("cannot write image {path}: {message}")]
    Image {
        /// The image file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

impl GadgetError {
    /// Which step failed (`None` for image writing).
    pub fn stage(&self) -> Option<Stage> {
        match self {
            GadgetError::Read { .. } | GadgetError::Syntax { .. } | GadgetError::Parse { .. } => {
                Some(Stage::Parse)
            }
            GadgetError::Validate { .. } => Some(Stage::Validate),
            GadgetError::Content { .. } => Some(Stage::Content),
            GadgetError::Layout { .. } => Some(Stage::Layout),
            GadgetError::Image { .. } => None,
        }
    }

    /// Line and column of the offending YAML node, when known.
    pub fn position(&self) -> Option<Position> {
        match self {
            GadgetError::Syntax { position, .. } => Some(*position),
            GadgetError::Parse { position, .. }
            | GadgetError::Validate { position, .. }
            | GadgetError::Content { position, .. }
            | GadgetError::Layout { position, .. } => *position,
            GadgetError::Read { .. } | GadgetError::Image { .. } => None,
        }
    }

    /// YAML path of the offending node (`volumes.pc.structure[1].size`), when known.
    pub fn yaml_path(&self) -> Option<&str> {
        match self {
            GadgetError::Parse { path, .. }
            | GadgetError::Validate { path, .. }
            | GadgetError::Content { path, .. }
            | GadgetError::Layout { path, .. } => Some(path),
            _ => None,
        }
    }
}
