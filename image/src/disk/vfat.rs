//! vfat filesystems of gadget structures (the ESP, ubuntu-seed), written in-process with
//! the `fatfs` crate instead of `mkfs.vfat` and `mcopy`: FAT32 with 512-byte sectors and
//! clusters as ubuntu-image asks (`mkfs.vfat -S 512 -s 1 -F 32`), or FAT16 / FAT12 when the
//! structure is too small for FAT32 (as mkfs.vfat would pick); `vfat-16` and `vfat-32`
//! force the type. Trees are copied in with their names kept (long names as needed);
//! symbolic links are followed when what they reach is inside the tree copied, and refused
//! otherwise (FAT stores no links).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use fatfs::{FatType, FileSystem, FormatVolumeOptions, FsOptions};
use thiserror::Error;

/// Sectors at which a vfat structure becomes FAT32 (65525 clusters of one sector, plus the
/// reserved sectors and two FATs).
const FAT32_MIN_SECTORS: u64 = 67_000;
/// Sectors at which it becomes FAT16.
const FAT16_MIN_SECTORS: u64 = 4_400;

/// Why a vfat filesystem could not be made or filled.
#[derive(Debug, Error)]
pub enum VfatError {
    /// Formatting failed (`fatfs`'s reason).
    #[error("cannot format vfat: {0}")]
    Format(#[source] io::Error),
    /// A file or directory could not be written into the filesystem.
    #[error("cannot write {path:?} into the vfat filesystem: {source}")]
    Write {
        /// The path inside the filesystem.
        path: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A source file could not be read.
    #[error("cannot read {path:?}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A symbolic link that leads outside the tree copied.
    #[error("cannot store symbolic link {0:?} in a vfat filesystem: it leads outside the tree")]
    Link(PathBuf),
}

/// The FAT type for a `filesystem` (`vfat`, `vfat-16`, `vfat-32`) of `size` bytes.
pub fn fat_type_for(filesystem: &str, size: u64) -> FatType {
    match filesystem {
        "vfat-16" => FatType::Fat16,
        "vfat-32" => FatType::Fat32,
        _ => {
            let sectors = size / 512;
            if sectors >= FAT32_MIN_SECTORS {
                FatType::Fat32
            } else if sectors >= FAT16_MIN_SECTORS {
                FatType::Fat16
            } else {
                FatType::Fat12
            }
        }
    }
}

/// The 11-byte label: as given (mkfs.vfat keeps the case too), space-padded, cut at 11.
fn label_bytes(label: &str) -> [u8; 11] {
    let mut out = [b' '; 11];
    for (o, b) in out.iter_mut().zip(label.bytes()) {
        *o = b;
    }
    out
}

/// Formats the whole of `image` (a file of the structure's size) as vfat with `label`, then
/// copies each `(source, destination)` in: a directory's contents merged under the
/// destination path (`""` for the root), a file to the destination path.
pub fn make_vfat(
    image: &Path,
    filesystem: &str,
    label: &str,
    entries: &[(PathBuf, String)],
) -> Result<(), VfatError> {
    let open = || {
        File::options()
            .read(true)
            .write(true)
            .open(image)
            .map_err(|source| VfatError::Read {
                path: image.to_path_buf(),
                source,
            })
    };
    let size = open()?
        .metadata()
        .map_err(|source| VfatError::Read {
            path: image.to_path_buf(),
            source,
        })?
        .len();
    let fat_type = fat_type_for(filesystem, size);
    let mut options = FormatVolumeOptions::new()
        .bytes_per_sector(512)
        .fat_type(fat_type)
        .volume_label(label_bytes(label));
    if fat_type == FatType::Fat32 {
        options = options.bytes_per_cluster(512);
    }
    fatfs::format_volume(open()?, options).map_err(VfatError::Format)?;
    let fs = FileSystem::new(open()?, FsOptions::new()).map_err(VfatError::Format)?;
    for (source, dest) in entries {
        copy_in(&fs, source, dest)?;
    }
    fs.unmount().map_err(VfatError::Format)?;
    let mut file = open()?;
    super::vfat_dots::fix_dot_entries(&mut file).map_err(|source| VfatError::Write {
        path: "/".into(),
        source,
    })
}

fn write_err(path: &str) -> impl FnOnce(io::Error) -> VfatError + '_ {
    move |source| VfatError::Write {
        path: path.to_string(),
        source,
    }
}

/// Creates the directories of `path` (`a/b/c`) in `fs`.
fn make_dirs(fs: &FileSystem<File>, path: &str) -> Result<(), VfatError> {
    let mut dir = fs.root_dir();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        dir = dir.create_dir(part).map_err(write_err(path))?;
    }
    Ok(())
}

fn copy_file(fs: &FileSystem<File>, src: &Path, dest: &str) -> Result<(), VfatError> {
    if let Some((parent, _)) = dest.rsplit_once('/') {
        make_dirs(fs, parent)?;
    }
    let mut input = File::open(src).map_err(|source| VfatError::Read {
        path: src.to_path_buf(),
        source,
    })?;
    let mut out = fs.root_dir().create_file(dest).map_err(write_err(dest))?;
    out.truncate().map_err(write_err(dest))?;
    io::copy(&mut input, &mut out).map_err(write_err(dest))?;
    Ok(())
}

fn join(dest: &str, name: &str) -> String {
    if dest.is_empty() {
        name.to_string()
    } else {
        format!("{}/{name}", dest.trim_end_matches('/'))
    }
}

/// Copies `source` (a file, or a directory's contents) to `dest` in `fs`.
fn copy_in(fs: &FileSystem<File>, source: &Path, dest: &str) -> Result<(), VfatError> {
    let read = |path: &Path| {
        let path = path.to_path_buf();
        move |source| VfatError::Read { path, source }
    };
    let top = source.canonicalize().map_err(read(source))?;
    if !top.is_dir() {
        return copy_file(fs, &top, dest.trim_start_matches('/'));
    }
    make_dirs(fs, dest)?;
    let mut stack = vec![(top.clone(), dest.trim_matches('/').to_string())];
    // Directories already copied (by their real path), so links cannot loop.
    let mut seen = std::collections::HashSet::new();
    while let Some((dir, at)) = stack.pop() {
        if !seen.insert(dir.clone()) {
            continue;
        }
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .map_err(read(&dir))?
            .collect::<Result<_, _>>()
            .map_err(read(&dir))?;
        names.sort_by_key(|e| e.file_name());
        for entry in names {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let inner = join(&at, &name);
            let real = path.canonicalize().map_err(read(&path))?;
            if !real.starts_with(&top) {
                return Err(VfatError::Link(path));
            }
            if real.is_dir() {
                make_dirs(fs, &inner)?;
                stack.push((real, inner));
            } else {
                copy_file(fs, &real, &inner)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_follow_the_size_unless_forced() {
        assert_eq!(fat_type_for("vfat", 50 << 20), FatType::Fat32);
        assert_eq!(fat_type_for("vfat", 16 << 20), FatType::Fat16);
        assert_eq!(fat_type_for("vfat", 1 << 20), FatType::Fat12);
        assert_eq!(fat_type_for("vfat-16", 50 << 20), FatType::Fat16);
        assert_eq!(&label_bytes("system-boot"), b"system-boot");
        assert_eq!(&label_bytes("ab"), b"ab         ");
    }

    #[test]
    fn a_tree_goes_in_and_reads_back() {
        use std::io::Read;
        let t = tempfile::tempdir().unwrap();
        let src = t.path().join("src");
        std::fs::create_dir_all(src.join("EFI/boot")).unwrap();
        std::fs::write(src.join("EFI/boot/long-file-name.cfg"), "hello").unwrap();
        let img = t.path().join("fs.img");
        File::create(&img).unwrap().set_len(30 << 20).unwrap();
        make_vfat(&img, "vfat", "ubuntu-seed", &[(src.clone(), String::new())]).unwrap();
        let file = File::options().read(true).write(true).open(&img).unwrap();
        let fs = FileSystem::new(file, FsOptions::new()).unwrap();
        assert_eq!(fs.fat_type(), FatType::Fat16);
        assert_eq!(fs.volume_label(), "ubuntu-seed");
        let mut text = String::new();
        fs.root_dir()
            .open_file("EFI/boot/long-file-name.cfg")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "hello");
        std::os::unix::fs::symlink("/etc", src.join("out")).unwrap();
        assert!(matches!(
            make_vfat(&img, "vfat", "x", &[(src, String::new())]),
            Err(VfatError::Link(_))
        ));
    }
}
