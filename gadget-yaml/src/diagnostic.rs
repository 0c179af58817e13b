//! Warnings about a gadget: what each is about ([`LintCode`]) and where ([`Diagnostic`]).
//! snapd's own logged warnings are made while parsing (`structure`); the rest by `lint`.

use serde::Serialize;

use crate::error::Position;

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LintCode {
    /// snapd's own logged warning about a structure near the GPT header.
    SnapdGptOverlap,
    /// A structure overlaps the primary GPT (header and entries) of a 512-byte-sector disk,
    /// bytes 512..17408.
    GptArea512,
    /// A structure overlaps the primary GPT of a 4096-byte-sector disk, bytes 4096..24576.
    GptArea4096,
    /// A structure other than the `mbr` role overlaps the MBR partition table (446..512).
    MbrTableOverlap,
    /// `size` or `min-size` is not a multiple of the sector size: snapd refuses the gadget on
    /// such disks at install (`size is not a multiple of disk sector size`).
    SectorMultiple,
    /// `min-size` is smaller than the raw content placed in the structure: a disk made at the
    /// minimal size (or a later gadget shrinking to it) cannot hold the content.
    MinSizeBelowContent,
    /// Content listed in gadget.yaml is absent from the gadget directory.
    MissingContent,
    /// A partition name longer than the 36 UTF-16 units a GPT entry holds (snapd does not
    /// check it; image builders cannot write it).
    GptNameTooLong,
}

/// A warning with the YAML path and position it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Kind of warning.
    pub code: LintCode,
    /// Human-readable text (snapd's own for [`LintCode::SnapdGptOverlap`]).
    pub message: String,
    /// YAML path (`volumes.pc.structure[1].offset`).
    pub path: String,
    /// Line and column in the file.
    pub position: Option<Position>,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.position {
            Some(p) => write!(
                f,
                "{}:{}: {} ({})",
                p.line, p.column, self.message, self.path
            ),
            None => write!(f, "{} ({})", self.message, self.path),
        }
    }
}
