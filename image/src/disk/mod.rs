//! Disk images: each gadget volume laid out (ucore-gadget-yaml), its partition table
//! written, its filesystems made (vfat in-process, ext4 with `mkfs.ext4 -d`), filled with
//! the gadget content and the seed, and raw content placed at its offsets (spec §7.3 steps
//! 12–13 and §8).
//!
//! What goes where, as ubuntu-image leaves it:
//!
//! - UC20+: the `system-seed` structure (ubuntu-seed) holds `system-seed/` (the seed, the
//!   recovery bootloader) plus that structure's gadget content. The `system-boot`,
//!   `system-save` and `system-data` structures get **no filesystem**: the device's
//!   install mode creates them, so the image leaves their regions blank.
//! - UC16/18: the `system-data` structure (writable) holds `image/` without `boot/`, under
//!   `system-data/`; the `system-boot` structure (the ESP) holds its gadget content plus
//!   `image/boot/grub/*` under `EFI/ubuntu/` (U-Boot: `image/boot/uboot/*` at its root). A
//!   gadget without a `system-data` structure gets one appended to its bootloader volume, as
//!   ubuntu-image adds it: an ext4 `writable` partition after the last structure (at a 1 MiB
//!   boundary) sized 1.5 times its content plus 8 MiB.
//! - Any other filesystem structure holds its resolved gadget content (or nothing).

pub mod content;
pub mod ext4;
pub mod vfat;
mod vfat_dots;
pub mod volume;

use std::path::{Path, PathBuf};

use thiserror::Error;
use ucore_assertions::Assertion;
use ucore_gadget_yaml::{
    GadgetError, GadgetInfo, LaidOutStructure, LaidOutVolume, LayoutOptions, Model as GadgetModel,
    ModelGrade, Volume, VolumeStructure, layout_volume, read_info_and_validate, validate_content,
};
use ucore_snap::kernel_yaml::{KernelInfo, KernelYamlError, info_from_kernel_yaml};

use crate::fsio::{IoError, at};
use crate::progress::Progress;
use crate::tree::PreparedTree;

pub use content::{ContentSources, write_structure_content};
pub use ext4::Ext4Error;
pub use vfat::VfatError;
pub use volume::{Filling, PlannedStructure};

/// The filesystem label of the partition added to UC16/18 gadgets without `system-data`.
pub const IMPLICIT_SYSTEM_DATA_LABEL: &str = "writable";
/// GPT type of that partition (Linux filesystem), with its MBR type.
const IMPLICIT_SYSTEM_DATA_TYPE: &str = "83,0FC63DAF-8483-4772-8E79-3D69D8477DE4";
const MIB: u64 = 1 << 20;

/// Why a disk image could not be written.
#[derive(Debug, Error)]
pub enum DiskError {
    /// The model could not be read.
    #[error("cannot read the model: {0}")]
    Model(#[source] ucore_assertions::Error),
    /// The unpacked gadget is invalid for the model, or its content is missing.
    #[error(transparent)]
    Gadget(#[from] GadgetError),
    /// The kernel's `meta/kernel.yaml` is invalid.
    #[error(transparent)]
    KernelInfo(#[from] KernelYamlError),
    /// A volume could not be laid out or its table written.
    #[error("volume {volume:?}: {source}")]
    Volume {
        /// The gadget volume.
        volume: String,
        /// Why.
        #[source]
        source: GadgetError,
    },
    /// A structure's content or filesystem could not be written.
    #[error("volume {volume:?}, structure {structure}: {source}")]
    Structure {
        /// The gadget volume.
        volume: String,
        /// The structure (`#N ("name")`).
        structure: String,
        /// Why.
        #[source]
        source: StructureError,
    },
    /// A file or directory of the output could not be written.
    #[error(transparent)]
    Io(#[from] IoError),
}

/// Why one structure could not be written.
#[derive(Debug, Error)]
pub enum StructureError {
    /// A `content:` entry could not be resolved or copied (snapd's texts where it has
    /// them).
    #[error("cannot resolve content at index {index}: {reason}")]
    Content {
        /// The entry's index.
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// A filesystem this crate does not make.
    #[error("cannot make a {0:?} filesystem")]
    UnsupportedFilesystem(String),
    /// The vfat filesystem failed.
    #[error(transparent)]
    Vfat(#[from] VfatError),
    /// The ext4 filesystem failed.
    #[error(transparent)]
    Ext4(#[from] Ext4Error),
    /// A file could not be written.
    #[error(transparent)]
    Io(#[from] IoError),
}

/// A written volume image.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VolumeImage {
    /// The gadget volume's name.
    pub volume: String,
    /// The image file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
}

/// What snapd's gadget code asks of the model: classic or not, and its grade.
struct ModelClassOf {
    classic: bool,
    grade: ModelGrade,
}

impl GadgetModel for ModelClassOf {
    fn classic(&self) -> bool {
        self.classic
    }
    fn grade(&self) -> ModelGrade {
        self.grade
    }
}

fn model_class(model: &Assertion) -> Result<ModelClassOf, DiskError> {
    use ucore_assertions::types::Grade;
    let m = ucore_assertions::types::Model::from_assertion(model).map_err(DiskError::Model)?;
    let grade = match m.grade {
        None => ModelGrade::Unset,
        Some(Grade::Dangerous) => ModelGrade::Dangerous,
        Some(Grade::Signed) => ModelGrade::Signed,
        Some(Grade::Secured) => ModelGrade::Secured,
    };
    Ok(ModelClassOf {
        classic: m.classic,
        grade,
    })
}

/// The gadget read and validated against the model, its content checked, and the
/// kernel's assets (snapd's `ReadInfoAndValidate` and `ValidateContent`).
fn read_gadget(
    model: &Assertion,
    tree: &PreparedTree,
) -> Result<(GadgetInfo, KernelInfo), DiskError> {
    let class = model_class(model)?;
    let gadget_dir = tree.gadget_dir();
    let info = read_info_and_validate(&gadget_dir, Some(&class), None)?;
    validate_content(&info, &gadget_dir)?;
    let kernel_yaml = tree.kernel_dir().join("meta/kernel.yaml");
    let kernel_info = match std::fs::read(&kernel_yaml) {
        Ok(bytes) => info_from_kernel_yaml(&bytes)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => KernelInfo::default(),
        Err(e) => return Err(at("read", &kernel_yaml)(e).into()),
    };
    Ok((info, kernel_info))
}

fn layout(
    volume: &Volume,
    info: &GadgetInfo,
    gadget_dir: &Path,
) -> Result<LaidOutVolume, DiskError> {
    let options = LayoutOptions {
        gadget_dir: Some(gadget_dir.to_path_buf()),
    };
    layout_volume(volume, &options, Some(info)).map_err(|source| DiskError::Volume {
        volume: volume.name.clone(),
        source,
    })
}

fn has_filesystem(volume: &Volume, s: &VolumeStructure) -> bool {
    s.has_filesystem(volume.has_partial("filesystem"))
}

/// Validates the unpacked gadget against the model and writes the resolved content of
/// its filesystem structures (spec §7.3 steps 12–13): `OUT/resolved-content/VOLUME/partN`
/// for laid-out structure `N`, the `system-seed` one an absolute link to `OUT/system-seed`.
pub fn write_resolved_content(model: &Assertion, tree: &PreparedTree) -> Result<(), DiskError> {
    let (info, kernel_info) = read_gadget(model, tree)?;
    let (gadget_dir, kernel_dir) = (tree.gadget_dir(), tree.kernel_dir());
    let sources = ContentSources {
        gadget_dir: &gadget_dir,
        kernel_dir: &kernel_dir,
        kernel_info: &kernel_info,
    };
    for volume in info.volumes.values() {
        let laid = layout(volume, &info, &gadget_dir)?;
        for (i, l) in laid.structures.iter().enumerate() {
            if !has_filesystem(volume, &l.structure) {
                continue;
            }
            let dst = tree.resolved_content(&volume.name, i);
            if l.structure.role == "system-seed" {
                let parent = dst.parent().unwrap_or(tree.out());
                std::fs::create_dir_all(parent).map_err(at("create", parent))?;
                let seed =
                    std::path::absolute(tree.seed_dir()).map_err(at("resolve", tree.out()))?;
                std::os::unix::fs::symlink(&seed, &dst).map_err(at("symlink", &dst))?;
            }
            if l.structure.content.is_empty() {
                continue;
            }
            write_structure_content(&l.structure, &sources, &dst).map_err(|source| {
                DiskError::Structure {
                    volume: volume.name.clone(),
                    structure: l.structure.describe(),
                    source,
                }
            })?;
        }
    }
    Ok(())
}

/// The resolved content of structure `i` of `volume`, if any was written.
fn resolved(tree: &PreparedTree, volume: &str, i: usize) -> Vec<(PathBuf, String)> {
    let dir = tree.resolved_content(volume, i);
    if dir.exists() {
        vec![(dir, String::new())]
    } else {
        Vec::new()
    }
}

/// What fills each filesystem structure of `laid` (see the module docs).
fn plan_volume(
    tree: &PreparedTree,
    laid: &LaidOutVolume,
) -> Result<Vec<PlannedStructure>, DiskError> {
    let mut plan = Vec::new();
    for (i, l) in laid.structures.iter().enumerate() {
        let s = &l.structure;
        if !has_filesystem(&laid.volume, s) {
            continue;
        }
        let name = &laid.volume.name;
        let filling = match (tree.is_core20(), s.role.as_str()) {
            (true, "system-boot" | "system-save" | "system-data") => None,
            (false, "system-data") => {
                let mut entries = writable_entries(tree)?;
                entries.extend(resolved(tree, name, i));
                Some(Filling { entries })
            }
            (false, "system-boot") => {
                let mut entries = resolved(tree, name, i);
                let boot = tree.image_root().join("boot");
                for (dir, dest) in [("grub", "EFI/ubuntu"), ("uboot", "")] {
                    if boot.join(dir).is_dir() {
                        entries.push((boot.join(dir), dest.to_string()));
                    }
                }
                Some(Filling { entries })
            }
            _ => Some(Filling {
                entries: resolved(tree, name, i),
            }),
        };
        plan.push(PlannedStructure { index: i, filling });
    }
    Ok(plan)
}

/// UC16/18: the entries of `image/` but `boot/`, under `system-data/`.
fn writable_entries(tree: &PreparedTree) -> Result<Vec<(PathBuf, String)>, DiskError> {
    let root = tree.image_root();
    let mut entries = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&root)
        .map_err(at("list", &root))?
        .collect::<Result<_, _>>()
        .map_err(at("list", &root))?;
    names.sort_by_key(|e| e.file_name());
    for e in names {
        let name = e.file_name().to_string_lossy().into_owned();
        if name != "boot" {
            entries.push((e.path(), format!("system-data/{name}")));
        }
    }
    Ok(entries)
}

/// Bytes a tree takes on disk, roughly: files and links rounded up to 4 KiB, 4 KiB per
/// directory.
fn tree_size(path: &Path) -> Result<u64, DiskError> {
    let mut total = 0u64;
    let mut stack = vec![path.to_path_buf()];
    while let Some(p) = stack.pop() {
        let meta = std::fs::symlink_metadata(&p).map_err(at("stat", &p))?;
        total = total.saturating_add(meta.len().div_ceil(4096).max(1).saturating_mul(4096));
        if meta.is_dir() {
            for e in std::fs::read_dir(&p).map_err(at("list", &p))? {
                stack.push(e.map_err(at("list", &p))?.path());
            }
        }
    }
    Ok(total)
}

/// UC16/18 gadgets without `system-data`: the `writable` partition appended to `laid`.
fn add_implicit_system_data(
    tree: &PreparedTree,
    laid: &mut LaidOutVolume,
) -> Result<(), DiskError> {
    let mut content = 0u64;
    for (src, _) in writable_entries(tree)? {
        content = content.saturating_add(tree_size(&src)?);
    }
    let size = (content.saturating_mul(3) / 2)
        .saturating_add(8 * MIB)
        .div_ceil(MIB)
        .saturating_mul(MIB);
    let end = laid
        .structures
        .iter()
        .map(LaidOutStructure::end)
        .max()
        .unwrap_or(0);
    let start = end.div_ceil(MIB).max(1).saturating_mul(MIB);
    let partitions = laid
        .structures
        .iter()
        .filter(|l| l.partition_number.is_some())
        .count();
    let structure = VolumeStructure {
        volume_name: laid.volume.name.clone(),
        yaml_index: laid.volume.structures.len(),
        name: IMPLICIT_SYSTEM_DATA_LABEL.into(),
        label: IMPLICIT_SYSTEM_DATA_LABEL.into(),
        offset: Some(start),
        min_size: size,
        size,
        type_: IMPLICIT_SYSTEM_DATA_TYPE.into(),
        role: "system-data".into(),
        filesystem: "ext4".into(),
        ..VolumeStructure::default()
    };
    laid.volume.structures.push(structure.clone());
    laid.structures.push(LaidOutStructure {
        structure,
        start_offset: start,
        size,
        partition_number: u32::try_from(partitions + 1).ok(),
        offset_write: None,
        content: Vec::new(),
    });
    laid.size = laid.size.max(start.saturating_add(size));
    Ok(())
}

/// Writes one image per gadget volume into the output directory, in volume-name order.
pub fn write_disk_images(
    model: &Assertion,
    tree: &PreparedTree,
    progress: &dyn Progress,
) -> Result<Vec<VolumeImage>, DiskError> {
    let (info, _) = read_gadget(model, tree)?;
    let gadget_dir = tree.gadget_dir();
    let mut laid_out = Vec::new();
    for volume in info.volumes.values() {
        laid_out.push(layout(volume, &info, &gadget_dir)?);
    }
    let has_data = laid_out.iter().any(|v| {
        v.structures
            .iter()
            .any(|l| l.structure.role == "system-data")
    });
    if !tree.is_core20() && !has_data {
        let target = laid_out
            .iter()
            .position(|v| !v.volume.bootloader.is_empty())
            .unwrap_or(0);
        if let Some(v) = laid_out.get_mut(target) {
            add_implicit_system_data(tree, v)?;
        }
    }
    let scratch = tempfile::Builder::new()
        .prefix(".disk-")
        .tempdir_in(tree.out())
        .map_err(at("create a scratch directory in", tree.out()))?;
    let mut images = Vec::new();
    for laid in &laid_out {
        let plan = plan_volume(tree, laid)?;
        let out = tree.volume_image(&laid.volume.name);
        images.push(volume::write_volume(
            laid,
            &gadget_dir,
            &plan,
            &out,
            scratch.path(),
            progress,
        )?);
    }
    Ok(images)
}
