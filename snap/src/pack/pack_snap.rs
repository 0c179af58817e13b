//! `snap pack` as a whole (snapd's `pack.Snap`): read and validate the snap directory as
//! snapd does, then build the `.snap` with [`build_squashfs`] under snapd's file name.

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::{
    AppPaths, BuildError, BuildOptions, ContainerCheck, ContainerCheckError, Mksquashfs,
    build_squashfs, snap_file_name, snap_path, validate_container,
};
use crate::container::{Container, ContainerError, META_FILE_LIMIT, SnapDir};
use crate::kernel_yaml::{KernelYamlError, validate_kernel_dir};
use crate::parse::ParseError;
use crate::snapshots::{SnapshotsError, read_snapshots_yaml};
use crate::validate::ValidateError;
use crate::{Info, SnapType};

/// A check of a gadget snap directory that `snap pack` runs before packing (snapd:
/// `gadget.ReadInfoAndValidate` and `gadget.ValidateContent`). This crate does not read
/// gadget.yaml; `ucore-gadget-yaml` does, and its caller passes the check in.
pub type GadgetCheck<'a> =
    dyn Fn(&Path) -> Result<(), Box<dyn std::error::Error + Send + Sync>> + 'a;

/// How to pack (the options of `snap pack`, plus what ucore adds).
pub struct PackOptions<'a> {
    /// Where the snap goes (`snap pack DIR TARGET-DIR`; empty: the current directory). It is
    /// created (mode 0755) if missing.
    pub target_dir: PathBuf,
    /// `--filename`: the snap's file name, relative to `target_dir` unless absolute.
    /// `None`: `<instance-name>_<version>_<arch>.snap`.
    pub file_name: Option<PathBuf>,
    /// `--compression`: `xz` (also when empty) or `lzo`.
    pub compression: String,
    /// For a reproducible snap (which `snap pack` does not make): this time, in seconds
    /// since the epoch, for the image and every file in it.
    pub fixed_time: Option<u32>,
    /// The `mksquashfs` program.
    pub mksquashfs: Mksquashfs,
    /// The gadget check for gadget snaps; `None` packs a gadget without it (snapd always
    /// runs it).
    pub gadget_check: Option<&'a GadgetCheck<'a>>,
}

impl Default for PackOptions<'_> {
    fn default() -> Self {
        PackOptions {
            target_dir: PathBuf::new(),
            file_name: None,
            compression: String::new(),
            fixed_time: None,
            mksquashfs: Mksquashfs::default(),
            gadget_check: None,
        }
    }
}

/// Why a directory was not packed; each text is snapd's (the `snap` command adds
/// `cannot pack "DIR": `).
#[derive(Debug, Error)]
pub enum PackError {
    /// `meta/snap.yaml` could not be read (`open DIR/meta/snap.yaml: no such file or
    /// directory`), or another member could not.
    #[error(transparent)]
    Read(#[from] ContainerError),
    /// `meta/snap.yaml` does not parse.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The snap does not validate: `cannot validate snap "NAME": <err>`.
    #[error("cannot validate snap {}: {source}", ucore_go_text::quote(.instance_name))]
    Validate {
        /// The snap's instance name.
        instance_name: String,
        /// What is wrong.
        #[source]
        source: Box<ValidateError>,
    },
    /// Files the snap's apps need are missing or have the wrong modes.
    #[error(transparent)]
    Container(#[from] ContainerCheckError),
    /// `meta/snapshots.yaml` is invalid.
    #[error(transparent)]
    Snapshots(#[from] SnapshotsError),
    /// A gadget snap's gadget.yaml or content is invalid.
    #[error("{0}")]
    Gadget(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A kernel snap's `meta/kernel.yaml` or its assets are invalid.
    #[error(transparent)]
    Kernel(#[from] KernelYamlError),
    /// The target directory could not be made.
    #[error("mkdir {}: {}", .path.display(), ucore_go_text::os::error_text(.source))]
    TargetDir {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The compression is unknown, the content unreadable, or mksquashfs failed.
    #[error(transparent)]
    Build(#[from] BuildError),
}

/// What `snap pack` checks of a snap directory before packing it (snapd's
/// `loadAndValidate`), in snapd's order: snap.yaml parses (with the builtin plug and slot
/// sanitizer) and validates, the apps' files are there with usable modes, snapshots.yaml
/// is valid, a gadget's gadget.yaml and content are valid, a kernel's kernel.yaml is.
pub fn check_snap_dir(
    source_dir: &Path,
    gadget_check: Option<&GadgetCheck<'_>>,
) -> Result<Info, PackError> {
    let dir = SnapDir::new(source_dir);
    let yaml = dir.read_file("meta/snap.yaml", META_FILE_LIMIT)?;
    let info = Info::from_yaml(&yaml)?;
    info.validate().map_err(|source| PackError::Validate {
        instance_name: info.instance_name(),
        source: Box::new(source),
    })?;
    let check = ContainerCheck {
        instance_name: info.instance_name(),
        apps: info
            .apps
            .values()
            .map(|a| AppPaths {
                command: a.command.clone(),
                stop_command: a.stop_command.clone(),
                reload_command: a.reload_command.clone(),
                post_stop_command: a.post_stop_command.clone(),
                completer: a.completer.clone(),
                daemon: a.is_service(),
            })
            .collect(),
    };
    validate_container(&dir, &check)?;
    match dir.read_file("meta/snapshots.yaml", META_FILE_LIMIT) {
        Ok(text) => {
            read_snapshots_yaml(&text)?;
        }
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(e.into()),
    }
    // snapd looks at the type snap.yaml states here (`info.SnapType`), not `Info.Type()`.
    match info.type_ {
        SnapType::Gadget => {
            if let Some(check) = gadget_check {
                check(source_dir).map_err(PackError::Gadget)?;
            }
        }
        SnapType::Kernel => validate_kernel_dir(source_dir)?,
        _ => {}
    }
    Ok(info)
}

/// snapd's `pack.Snap`: checks `source_dir` ([`check_snap_dir`]), makes the target
/// directory, and builds the snap there; returns the snap file's path.
pub fn pack_snap(source_dir: &Path, opts: &PackOptions<'_>) -> Result<PathBuf, PackError> {
    let compression = BuildOptions::pack_compression(&opts.compression)?;
    let info = check_snap_dir(source_dir, opts.gadget_check)?;
    if !opts.target_dir.as_os_str().is_empty() {
        make_dir_all(&opts.target_dir)?;
    }
    let file_name = match &opts.file_name {
        Some(name) => name.clone(),
        None => PathBuf::from(snap_file_name(
            &info.instance_name(),
            &info.version,
            &info.architectures,
        )),
    };
    let out = snap_path(&opts.target_dir, &file_name);
    let build = BuildOptions {
        snap_type: info.snap_type(),
        compression,
        excludes: true,
        fixed_time: opts.fixed_time,
        mksquashfs: opts.mksquashfs.clone(),
    };
    build_squashfs(source_dir, &out, &build)?;
    Ok(out)
}

/// `os.MkdirAll(dir, 0755)`.
fn make_dir_all(dir: &Path) -> Result<(), PackError> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o755)
        .create(dir)
        .map_err(|source| PackError::TargetDir {
            path: dir.to_path_buf(),
            source,
        })
}
