//! A snap read from its file or directory as snapd reads one before installing or seeding
//! it (`snap.ReadInfoFromSnapFile`): `meta/snap.yaml` parsed, the implicit hooks of
//! `meta/hooks/` added, the whole validated, and `meta/snapshots.yaml` checked.

use thiserror::Error;

use crate::Info;
use crate::container::{Container, ContainerError, META_FILE_LIMIT, list_hooks, read_snap_yaml};
use crate::parse::{ParseError, Sanitizer};
use crate::snapshots::{SnapshotsError, read_snapshots_yaml};
use crate::validate::ValidateError;

/// Why a snap could not be read; each variant's text is snapd's.
#[derive(Debug, Error)]
pub enum ReadInfoError {
    /// A file could not be read (`meta/snap.yaml` missing, a corrupt image …).
    #[error(transparent)]
    Container(#[from] ContainerError),
    /// `meta/snap.yaml` does not parse.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The snap does not validate.
    #[error(transparent)]
    Validate(#[from] ValidateError),
    /// `meta/snapshots.yaml` is invalid.
    #[error(transparent)]
    Snapshots(#[from] SnapshotsError),
}

/// A snap read from its container, and the container's size (`Info.Size`).
#[derive(Debug, Clone)]
pub struct SnapInfo {
    /// What `meta/snap.yaml` (and `meta/hooks/`) say.
    pub info: Info,
    /// The snap file's size in bytes (a snap directory: the sum of its members' sizes).
    pub size: u64,
}

/// snapd's `snap.ReadInfoFromSnapFile` with the given plug and slot sanitizer
/// ([`Sanitizer::Builtin`] as snapd's daemon and `snap pack` run it): parse
/// `meta/snap.yaml`, add the supported hooks found in `meta/hooks/` (a missing or unreadable
/// directory adds none), validate, then check `meta/snapshots.yaml` if there is one.
pub fn read_info(c: &dyn Container, sanitizer: Sanitizer) -> Result<SnapInfo, ReadInfoError> {
    let yaml = read_snap_yaml(c, META_FILE_LIMIT)?;
    let mut info = Info::from_yaml_with(&yaml, sanitizer)?;
    let size = c.size()?;
    // snapd ignores any error listing the directory: no implicit hooks then.
    let hooks = list_hooks(c).unwrap_or_default();
    info.add_implicit_hooks(hooks.iter().map(String::as_str));
    info.validate()?;
    match c.read_file("meta/snapshots.yaml", META_FILE_LIMIT) {
        Ok(text) => {
            read_snapshots_yaml(&text)?;
        }
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(e.into()),
    }
    Ok(SnapInfo { info, size })
}
