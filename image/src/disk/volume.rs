//! One volume image, `OUT/VOLUME.img`: the partition table and raw content written by
//! `ucore_gadget_yaml::write_image`, then each filesystem built in a temporary file of its
//! structure's size and copied to the structure's offset.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use ucore_gadget_yaml::{ImageOptions, LaidOutStructure, LaidOutVolume, image_size, write_image};

use super::{DiskError, StructureError, VolumeImage, ext4, vfat};
use crate::fsio::{self, at};
use crate::progress::Progress;

/// What goes into a filesystem structure: each `(source, destination)` is a directory whose
/// contents are merged under the destination path (`""`: the root), or a file put there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filling {
    /// The entries, in copy order.
    pub entries: Vec<(PathBuf, String)>,
}

/// A structure of the volume and how its filesystem is filled (`None`: no filesystem is
/// made, the region stays as the table writer left it).
#[derive(Debug, Clone)]
pub struct PlannedStructure {
    /// Index in the laid-out volume.
    pub index: usize,
    /// The filling of its filesystem.
    pub filling: Option<Filling>,
}

/// Writes `laid` to `out`: the table, raw content, then the filesystems `plan` asks for,
/// built in `scratch` (a directory on the same disk, emptied by the caller).
pub fn write_volume(
    laid: &LaidOutVolume,
    gadget_dir: &Path,
    plan: &[PlannedStructure],
    out: &Path,
    scratch: &Path,
    progress: &dyn Progress,
) -> Result<VolumeImage, DiskError> {
    let name = laid.volume.name.clone();
    let size = image_size(laid);
    progress.start(&name, size);
    write_image(laid, Some(gadget_dir), out, &ImageOptions::default()).map_err(|source| {
        DiskError::Volume {
            volume: name.clone(),
            source,
        }
    })?;
    for p in plan {
        let Some(filling) = &p.filling else { continue };
        let Some(l) = laid.structures.get(p.index) else {
            continue;
        };
        let fail = |source| DiskError::Structure {
            volume: name.clone(),
            structure: l.structure.describe(),
            source,
        };
        build_filesystem(l, filling, out, scratch).map_err(fail)?;
        progress.advance(&name, l.size);
    }
    progress.finish(&name);
    Ok(VolumeImage {
        volume: name,
        path: out.to_path_buf(),
        size,
    })
}

/// Builds the filesystem of `l` in a scratch file and copies it into `out` at its offset.
fn build_filesystem(
    l: &LaidOutStructure,
    filling: &Filling,
    out: &Path,
    scratch: &Path,
) -> Result<(), StructureError> {
    let part = scratch.join(format!("part{}.img", l.structure.yaml_index));
    File::create(&part)
        .and_then(|f| f.set_len(l.size))
        .map_err(at("create", &part))?;
    let s = &l.structure;
    match s.linux_filesystem() {
        "vfat" => vfat::make_vfat(&part, &s.filesystem, &s.label, &filling.entries)?,
        "ext4" => {
            let root = ext4_root(filling, scratch, s.yaml_index)?;
            ext4::make_ext4(&part, &s.label, root.as_deref())?;
        }
        other => return Err(StructureError::UnsupportedFilesystem(other.to_string())),
    }
    let mut from = File::open(&part).map_err(at("open", &part))?;
    let mut to = File::options()
        .write(true)
        .open(out)
        .map_err(at("open", out))?;
    copy_sparse(&mut from, &mut to, l.start_offset, l.size).map_err(at("write", out))?;
    std::fs::remove_file(&part).map_err(at("remove", &part))?;
    Ok(())
}

/// Copies `len` bytes of `from` to `to` at `offset`, visiting only the data regions of
/// `from` (`SEEK_DATA`/`SEEK_HOLE`: a fresh filesystem is mostly holes) and seeking over
/// blocks of zeros in them (the image file is sparse and already zero there), so a mostly
/// empty filesystem costs neither reads nor disk space.
fn copy_sparse(from: &mut File, to: &mut File, offset: u64, len: u64) -> std::io::Result<()> {
    const BLOCK: usize = 64 << 10;
    let mut buf = vec![0u8; BLOCK];
    let mut pos = 0u64;
    while pos < len {
        let Some((data, hole)) = data_region(from, pos, len)? else {
            return Ok(());
        };
        from.seek(SeekFrom::Start(data))?;
        let mut input = (&mut *from).take(hole - data);
        let mut done = data;
        loop {
            let n = input.read(&mut buf)?;
            let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
                break;
            };
            if chunk.iter().any(|b| *b != 0) {
                to.seek(SeekFrom::Start(offset + done))?;
                to.write_all(chunk)?;
            }
            done += n as u64;
        }
        pos = hole;
    }
    Ok(())
}

/// The next data region of `file` at or after `pos`, cut at `len`: `(start, end)`, or
/// `None` when only holes remain. A file system without `SEEK_DATA` gives the whole rest.
fn data_region(file: &File, pos: u64, len: u64) -> std::io::Result<Option<(u64, u64)>> {
    use rustix::fs::{SeekFrom as Whence, seek};
    use rustix::io::Errno;
    let data = match seek(file, Whence::Data(pos)) {
        Ok(d) => d,
        Err(Errno::NXIO) => return Ok(None),
        Err(Errno::INVAL | Errno::OPNOTSUPP) => return Ok(Some((pos, len))),
        Err(e) => return Err(e.into()),
    };
    if data >= len {
        return Ok(None);
    }
    let hole = seek(file, Whence::Hole(data)).map_err(std::io::Error::from)?;
    Ok(Some((data, hole.min(len))))
}

/// The directory `mkfs.ext4 -d` copies: the filling's single root directory when it is one,
/// else a scratch tree assembled from hard links.
fn ext4_root(
    filling: &Filling,
    scratch: &Path,
    index: usize,
) -> Result<Option<PathBuf>, StructureError> {
    match filling.entries.as_slice() {
        [] => Ok(None),
        [(dir, dest)] if dest.is_empty() && dir.is_dir() => Ok(Some(dir.clone())),
        entries => {
            let root = scratch.join(format!("root{index}"));
            for (src, dest) in entries {
                fsio::copy_any(src, &root.join(dest), fsio::Mode::Link)?;
            }
            Ok(Some(root))
        }
    }
}
