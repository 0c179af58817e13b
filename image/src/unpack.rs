//! Unpacking a snap file into a directory, as snapd's `unsquashfs -n -f -d DIR SNAP` does,
//! with ucore-snap's squashfs reader (no squashfs-tools needed).
//!
//! What is written: directories, regular files with their permission bits (set-id and
//! sticky bits dropped, as unsquashfs does for a user that is not root), and symbolic
//! links as they are (never followed). Devices, fifos and sockets are skipped. Ownership is
//! not kept. An existing member of `dest` is overwritten (`-f`), but a directory is never
//! replaced by a file or a link, and nothing is written through a symbolic link: every
//! member lands under `dest`.
//!
//! A file's data is read whole before it is written (ucore-snap's reader has no streaming
//! read yet), each file bounded by [`MAX_MEMBER_SIZE`].

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

use thiserror::Error;

use crate::fsio::{IoError, at};
use ucore_snap::container::{FileKind, Stat};
use ucore_snap::squashfs::{Squashfs, SquashfsError};

/// The largest member unpacked: a file claiming more is refused before any byte of it is
/// read (a kernel's `initrd.img` is far below it).
pub const MAX_MEMBER_SIZE: u64 = 2 << 30;

/// Why a snap could not be unpacked.
#[derive(Debug, Error)]
pub enum UnpackError {
    /// The snap file could not be read as a squashfs image.
    #[error("cannot read snap {path:?}: {source}")]
    Open {
        /// The snap file.
        path: PathBuf,
        /// Why.
        #[source]
        source: SquashfsError,
    },
    /// A member could not be read from the image.
    #[error("cannot read {member:?} from snap {path:?}: {source}")]
    Read {
        /// The snap file.
        path: PathBuf,
        /// The member.
        member: String,
        /// Why.
        #[source]
        source: SquashfsError,
    },
    /// A member's path would land outside the destination.
    #[error("cannot unpack {member:?}: the path leaves the destination")]
    Escape {
        /// The member.
        member: String,
    },
    /// A member would replace a directory, or would be written under something that is not
    /// a directory (a symbolic link, a file).
    #[error("cannot unpack {member:?}: {path:?} is in the way")]
    InTheWay {
        /// The member.
        member: String,
        /// The path in the way.
        path: PathBuf,
    },
    /// Writing into the destination failed.
    #[error(transparent)]
    Io(#[from] IoError),
}

/// Unpacks every member of the snap at `snap` into `dest` (created if missing).
pub fn unpack(snap: &Path, dest: &Path) -> Result<(), UnpackError> {
    let image = Squashfs::open(snap).map_err(|source| UnpackError::Open {
        path: snap.to_path_buf(),
        source,
    })?;
    fs::create_dir_all(dest).map_err(at("create", dest))?;
    // Directory modes are applied last, deepest first, so a read-only directory does not
    // stop its own members from being written.
    let mut dir_modes: Vec<(PathBuf, u32)> = Vec::new();
    let mut failure: Option<UnpackError> = None;
    let walked =
        image.walk(
            ".",
            &mut |st: &Stat| match unpack_member(&image, snap, dest, st, &mut dir_modes) {
                Ok(()) => Ok(true),
                Err(e) => {
                    failure = Some(e);
                    Err(SquashfsError::Corrupt("unpacking stopped"))
                }
            },
        );
    if let Some(e) = failure {
        return Err(e);
    }
    walked.map_err(|source| UnpackError::Open {
        path: snap.to_path_buf(),
        source,
    })?;
    for (path, mode) in dir_modes.iter().rev() {
        fs::set_permissions(path, fs::Permissions::from_mode(*mode)).map_err(at("chmod", path))?;
    }
    Ok(())
}

/// The member's path under `dest`, refused if any component is not a plain name.
fn target_of(dest: &Path, member: &str) -> Result<PathBuf, UnpackError> {
    let mut out = dest.to_path_buf();
    for c in Path::new(member).components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            _ => {
                return Err(UnpackError::Escape {
                    member: member.to_string(),
                });
            }
        }
    }
    Ok(out)
}

/// Whether `path` is a real directory (not a link to one).
fn is_real_dir(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_dir())
}

fn unpack_member(
    image: &Squashfs,
    snap: &Path,
    dest: &Path,
    st: &Stat,
    dir_modes: &mut Vec<(PathBuf, u32)>,
) -> Result<(), UnpackError> {
    let target = target_of(dest, &st.path)?;
    let in_the_way = |path: &Path| UnpackError::InTheWay {
        member: st.path.clone(),
        path: path.to_path_buf(),
    };
    if target != dest {
        // Parents were written as real directories earlier in the walk; make sure no
        // member replaced one in the meantime.
        let parent = target.parent().unwrap_or(dest);
        if !is_real_dir(parent) {
            return Err(in_the_way(parent));
        }
    }
    let existing = fs::symlink_metadata(&target).ok();
    let perm = st.perm & 0o777;
    match st.kind {
        FileKind::Directory => {
            match existing {
                Some(m) if m.file_type().is_dir() => {}
                Some(_) => return Err(in_the_way(&target)),
                None => fs::create_dir(&target).map_err(at("create", &target))?,
            }
            // Writable for us while unpacking; the real mode at the end.
            fs::set_permissions(&target, fs::Permissions::from_mode(perm | 0o700))
                .map_err(at("chmod", &target))?;
            dir_modes.push((target, perm));
        }
        FileKind::Regular => {
            clear_for_write(existing.as_ref(), &target, &in_the_way)?;
            let data = image
                .read_file(&st.path, MAX_MEMBER_SIZE)
                .map_err(|source| UnpackError::Read {
                    path: snap.to_path_buf(),
                    member: st.path.clone(),
                    source,
                })?;
            let mut f = fs::File::create(&target).map_err(at("create", &target))?;
            f.write_all(&data).map_err(at("write", &target))?;
            f.set_permissions(fs::Permissions::from_mode(perm))
                .map_err(at("chmod", &target))?;
        }
        FileKind::Symlink => {
            clear_for_write(existing.as_ref(), &target, &in_the_way)?;
            let link = image
                .read_link(&st.path)
                .map_err(|source| UnpackError::Read {
                    path: snap.to_path_buf(),
                    member: st.path.clone(),
                    source,
                })?;
            std::os::unix::fs::symlink(&link, &target).map_err(at("symlink", &target))?;
        }
        // unsquashfs creates these only as root; a seed never needs them.
        FileKind::BlockDevice | FileKind::CharDevice | FileKind::Fifo | FileKind::Socket => {}
    }
    Ok(())
}

/// Removes a file or link about to be overwritten; a directory stays and refuses.
fn clear_for_write(
    existing: Option<&fs::Metadata>,
    target: &Path,
    in_the_way: &dyn Fn(&Path) -> UnpackError,
) -> Result<(), UnpackError> {
    match existing {
        Some(m) if m.file_type().is_dir() => Err(in_the_way(target)),
        Some(_) => Ok(fs::remove_file(target).map_err(at("remove", target))?),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_paths_stay_under_the_destination() {
        let d = Path::new("/d");
        assert_eq!(target_of(d, ".").unwrap(), PathBuf::from("/d"));
        assert_eq!(
            target_of(d, "meta/snap.yaml").unwrap(),
            d.join("meta/snap.yaml")
        );
        assert!(matches!(
            target_of(d, "a/../../etc"),
            Err(UnpackError::Escape { .. })
        ));
        assert!(matches!(
            target_of(d, "/etc/passwd"),
            Err(UnpackError::Escape { .. })
        ));
    }
}
