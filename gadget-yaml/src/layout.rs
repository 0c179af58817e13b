//! Image-build layout: snapd's `OnDiskStructsFromGadget` plus `LayoutVolume` — start
//! offsets, sizes, partition numbers, resolved `offset-write` and raw content placement.

use serde::Serialize;
use std::path::{Path, PathBuf};

use crate::error::GadgetError;
use crate::info::{GadgetInfo, Volume, VolumeStructure};
use ucore_go_text::quote;

/// Options of [`layout_volume`].
#[derive(Debug, Clone, Default)]
pub struct LayoutOptions {
    /// Unpacked gadget snap: raw `image` content is measured and placed. Without it content
    /// is ignored (structure offsets and the volume size do not depend on it).
    pub gadget_dir: Option<PathBuf>,
}

/// A volume with every structure placed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaidOutVolume {
    /// The gadget volume.
    pub volume: Volume,
    /// Bytes the volume needs: the farthest structure end, or the farthest `offset-write`
    /// end if larger (at least 4, as in snapd).
    pub size: u64,
    /// Structures in disk order.
    pub structures: Vec<LaidOutStructure>,
}

/// One structure placed on the volume.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LaidOutStructure {
    /// The gadget structure.
    pub structure: VolumeStructure,
    /// Bytes from the start of the volume.
    pub start_offset: u64,
    /// Size in bytes (the gadget's maximum size).
    pub size: u64,
    /// 1-based partition-table index, for partitions (not `bare`, not role `mbr`).
    pub partition_number: Option<u32>,
    /// Absolute byte position where the start LBA is written, if any.
    pub offset_write: Option<u64>,
    /// Raw image content, in disk order.
    pub content: Vec<LaidOutContent>,
}

impl LaidOutStructure {
    /// First byte after the structure.
    pub fn end(&self) -> u64 {
        self.start_offset.saturating_add(self.size)
    }
}

/// A raw image placed in a structure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LaidOutContent {
    /// Index in the structure's `content` list.
    pub index: usize,
    /// Image file, relative to the gadget directory.
    pub image: String,
    /// Absolute start on the volume.
    pub start_offset: u64,
    /// Declared size, or the file's size.
    pub size: u64,
}

fn layout_error(info: Option<&GadgetInfo>, message: String, path: String) -> GadgetError {
    GadgetError::Layout {
        position: info.and_then(|i| i.nearest_position(&path)),
        message,
        path,
    }
}

/// Lays out `volume` for image building (positions are looked up in `info` when given).
pub fn layout_volume(
    volume: &Volume,
    options: &LayoutOptions,
    info: Option<&GadgetInfo>,
) -> Result<LaidOutVolume, GadgetError> {
    let mut cursor: u64 = 0;
    let mut structures = Vec::with_capacity(volume.structures.len());
    let mut partition: u32 = 0;
    for s in &volume.structures {
        if let Some(o) = s.offset {
            cursor = o;
        }
        let partition_number = if s.is_partition() {
            partition += 1;
            Some(partition)
        } else {
            None
        };
        structures.push(LaidOutStructure {
            structure: s.clone(),
            start_offset: cursor,
            size: s.size,
            partition_number,
            offset_write: None,
            content: Vec::new(),
        });
        cursor = cursor.saturating_add(s.size);
    }
    // offset-write: relative to a named structure's start, or absolute.
    let starts: Vec<(String, u64)> = structures
        .iter()
        .map(|l| (l.structure.name.clone(), l.start_offset))
        .collect();
    for l in &mut structures {
        if let Some(ow) = &l.structure.offset_write {
            let base = if ow.relative_to.is_empty() {
                0
            } else {
                match starts.iter().find(|(n, _)| *n == ow.relative_to) {
                    Some((_, start)) => *start,
                    None => {
                        return Err(layout_error(
                            info,
                            format!(
                                "cannot lay out structure {}: refers to an unknown structure {}",
                                l.structure.describe(),
                                quote(&ow.relative_to)
                            ),
                            format!("{}.offset-write", l.structure.yaml_path()),
                        ));
                    }
                }
            };
            l.offset_write = Some(base.saturating_add(ow.offset));
        }
    }
    if let Some(dir) = &options.gadget_dir {
        let partial_fs = volume.has_partial("filesystem");
        for l in &mut structures {
            if !l.structure.has_filesystem(partial_fs) {
                l.content = layout_content(l, dir, volume.schema == "emmc", info)?;
            }
        }
    }
    // As snapd 2.57's LayoutVolume: the farthest end, or the farthest offset-write (0 when
    // there is none) plus its 4 bytes, whichever is larger. An empty volume has size 4.
    let farthest_end = structures.iter().map(|l| l.end()).max().unwrap_or(0);
    let farthest_write = structures
        .iter()
        .filter_map(|l| l.offset_write)
        .max()
        .unwrap_or(0);
    let size = farthest_end.max(farthest_write.saturating_add(4));
    Ok(LaidOutVolume {
        volume: volume.clone(),
        size,
        structures,
    })
}

/// `layOutStructureContent`: raw images in YAML order, then sorted and checked for overlap.
fn layout_content(
    l: &LaidOutStructure,
    dir: &Path,
    emmc: bool,
    info: Option<&GadgetInfo>,
) -> Result<Vec<LaidOutContent>, GadgetError> {
    let s = &l.structure;
    let mut out: Vec<LaidOutContent> = Vec::new();
    let mut prev: u64 = 0;
    for (i, c) in s.content.iter().enumerate() {
        let path = format!("{}.content[{i}]", s.yaml_path());
        let prefix = format!(
            "cannot lay out structure {}: content {}",
            s.describe(),
            quote(&c.image)
        );
        let file = dir.join(&c.image);
        let meta = std::fs::metadata(&file).map_err(|e| {
            layout_error(
                info,
                format!(
                    "{prefix}: stat {}: {}",
                    file.display(),
                    ucore_go_text::os::error_text(&e)
                ),
                format!("{path}.image"),
            )
        })?;
        let start = c.offset.unwrap_or(prev);
        let mut size = meta.len();
        if c.size != 0 {
            if c.size < size {
                return Err(layout_error(
                    info,
                    format!("{prefix} size {size} is larger than declared {}", c.size),
                    format!("{path}.size"),
                ));
            }
            size = c.size;
        }
        prev = start.saturating_add(size);
        if !emmc && prev > s.size {
            return Err(layout_error(
                info,
                format!("{prefix} does not fit in the structure"),
                path,
            ));
        }
        out.push(LaidOutContent {
            index: i,
            image: c.image.clone(),
            start_offset: l.start_offset.saturating_add(start),
            size,
        });
    }
    out.sort_by_key(|c| c.start_offset);
    for pair in out.windows(2) {
        if let [a, b] = pair
            && b.start_offset < a.start_offset.saturating_add(a.size)
        {
            return Err(layout_error(
                info,
                format!(
                    "cannot lay out structure {}: content {} overlaps with preceding image {}",
                    s.describe(),
                    quote(&b.image),
                    quote(&a.image)
                ),
                format!("{}.content[{}]", s.yaml_path(), b.index),
            ));
        }
    }
    Ok(out)
}

impl GadgetInfo {
    /// Lays out every volume, in name order.
    pub fn layout(&self, options: &LayoutOptions) -> Result<Vec<LaidOutVolume>, GadgetError> {
        self.volumes
            .values()
            .map(|v| layout_volume(v, options, Some(self)))
            .collect()
    }
}
