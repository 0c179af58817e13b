//! `meta/kernel.yaml` of kernel snaps (snapd's `kernel/kernel.go`).
//!
//! STUB: H2 fills this in.

use serde::Serialize;
use std::collections::BTreeMap;
use thiserror::Error;

/// One kernel asset.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct KernelAsset {
    /// `update`.
    pub update: bool,
    /// `content` paths.
    pub content: Vec<String>,
}

/// A kernel snap's `meta/kernel.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct KernelInfo {
    /// `assets` by name.
    pub assets: BTreeMap<String, KernelAsset>,
}

/// Why kernel.yaml is refused; Display is snapd's text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KernelYamlError {
    /// `invalid kernel metadata: <err>`.
    #[error("invalid kernel metadata: {0}")]
    Invalid(String),
}

/// Reads and validates `meta/kernel.yaml` (`kernel.InfoFromKernelYaml`).
pub fn read_kernel_yaml(_text: &[u8]) -> Result<KernelInfo, KernelYamlError> {
    Ok(KernelInfo::default())
}

/// `snap pack`'s kernel check (`kernel.Validate`) of a snap directory.
pub fn validate_kernel_dir(_dir: &std::path::Path) -> Result<(), KernelYamlError> {
    Ok(())
}
