//! A snap's files, whether in a `.snap` (squashfs) file or in a directory (`snap try`):
//! snapd's `snap.Container` and `snapfile.Open`.

use std::fmt;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

use crate::squashfs::{Squashfs, SquashfsError, file_has_squashfs_header};

/// The kind of a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// A regular file.
    Regular,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink,
    /// A block device.
    BlockDevice,
    /// A character device.
    CharDevice,
    /// A named pipe.
    Fifo,
    /// A Unix socket.
    Socket,
}

/// What `lstat` says of a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stat {
    /// The path relative to the container's root (`.` for the root).
    pub path: String,
    /// The kind.
    pub kind: FileKind,
    /// Permission bits, set-id and sticky bits included (`0o7777` at most).
    pub perm: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Size in bytes (a symlink: its target's length).
    pub size: u64,
    /// Modification time, seconds since the epoch.
    pub mtime: i64,
    /// A symlink's target.
    pub symlink_target: Option<String>,
    /// A device's (major, minor).
    pub device: Option<(u32, u32)>,
}

impl Stat {
    /// The mode as Go's `os.FileMode.String()` prints it (`drwxr-xr-x`, `Lrwxrwxrwx`,
    /// `-rw-------`, `urwxr-xr-x`, `Dcrw-rw-rw-`), as snapd's container check logs it.
    pub fn go_mode_string(&self) -> String {
        let mut s = String::new();
        match self.kind {
            FileKind::Directory => s.push('d'),
            FileKind::Symlink => s.push('L'),
            FileKind::BlockDevice => s.push('D'),
            FileKind::CharDevice => s.push('D'),
            FileKind::Fifo => s.push('p'),
            FileKind::Socket => s.push('S'),
            FileKind::Regular => {}
        }
        if self.perm & 0o4000 != 0 {
            s.push('u');
        }
        if self.perm & 0o2000 != 0 {
            s.push('g');
        }
        if self.kind == FileKind::CharDevice {
            s.push('c');
        }
        if self.perm & 0o1000 != 0 {
            s.push('t');
        }
        if s.is_empty() {
            s.push('-');
        }
        for (i, c) in "rwxrwxrwx".chars().enumerate() {
            s.push(if self.perm & (1 << (8 - i)) != 0 {
                c
            } else {
                '-'
            });
        }
        s
    }

    /// Whether this is a directory.
    pub fn is_dir(&self) -> bool {
        self.kind == FileKind::Directory
    }
}

/// A container operation failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ContainerError {
    /// `snapfile.Open`: neither a squashfs file nor a directory with `meta/snap.yaml`.
    #[error("{} is not a snap or snapdir", ucore_go_text::quote(&.0.display().to_string()))]
    NotASnap(PathBuf),
    /// Reading the squashfs image failed (a missing member is [`SquashfsError::NotFound`]).
    #[error(transparent)]
    Squashfs(#[from] SquashfsError),
    /// A file system error in a snap directory (a missing member has kind `NotFound`).
    #[error("open {}: {}", .path.display(), ucore_go_text::os::error_text(.source))]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// A member is larger than the caller's cap.
    #[error("{}: file is {size} bytes, more than the limit of {limit}", .path.display())]
    TooLarge {
        /// The path concerned.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The cap.
        limit: u64,
    },
}

impl ContainerError {
    /// Whether the error means "no such file" (Go's `os.IsNotExist`, which snapd's callers
    /// test, e.g. for an optional `meta/snapshots.yaml`).
    pub fn is_not_found(&self) -> bool {
        match self {
            ContainerError::Squashfs(e) => e.is_not_found(),
            ContainerError::Io { source, .. } => source.kind() == io::ErrorKind::NotFound,
            _ => false,
        }
    }
}

/// What to do after a walked member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkControl {
    /// Go on (into a directory's children too).
    Continue,
    /// Skip this directory's children (Go's `filepath.SkipDir`).
    SkipDir,
}

/// A walk callback.
pub type WalkFn<'a> = dyn FnMut(&Stat) -> Result<WalkControl, ContainerError> + 'a;

/// snapd's `snap.Container`: a snap's files, read in place.
pub trait Container {
    /// The size of the snap file (a snap directory: the sum of its members' `lstat` sizes,
    /// directories included, as snapd's `snapdir.Size` adds them).
    fn size(&self) -> Result<u64, ContainerError>;
    /// A regular file's contents, refused if larger than `limit` bytes.
    fn read_file(&self, path: &str, limit: u64) -> Result<Vec<u8>, ContainerError>;
    /// The names in a directory, sorted.
    fn list_dir(&self, path: &str) -> Result<Vec<String>, ContainerError>;
    /// Walks the tree under `path` in lexical order (Go's `filepath.Walk`), not following
    /// symlinks; the start itself comes first.
    fn walk(&self, path: &str, f: &mut WalkFn<'_>) -> Result<(), ContainerError>;
}

/// A snap directory (the `snap try` form, or a tree to pack).
#[derive(Debug, Clone)]
pub struct SnapDir {
    root: PathBuf,
}

impl SnapDir {
    /// The directory at `root` (not checked).
    pub fn new(root: impl Into<PathBuf>) -> SnapDir {
        SnapDir { root: root.into() }
    }

    /// The directory's path.
    pub fn path(&self) -> &Path {
        &self.root
    }

    fn join(&self, path: &str) -> PathBuf {
        let rel = path.trim_start_matches('/');
        if rel.is_empty() || rel == "." {
            self.root.clone()
        } else {
            self.root.join(rel)
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> ContainerError + '_ {
    move |source| ContainerError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A [`Stat`] from an `lstat` of a directory's member.
pub fn stat_from_metadata(path: String, md: &std::fs::Metadata, target: Option<String>) -> Stat {
    let ft = md.file_type();
    let kind = if ft.is_dir() {
        FileKind::Directory
    } else if ft.is_symlink() {
        FileKind::Symlink
    } else if ft.is_block_device() {
        FileKind::BlockDevice
    } else if ft.is_char_device() {
        FileKind::CharDevice
    } else if ft.is_fifo() {
        FileKind::Fifo
    } else if ft.is_socket() {
        FileKind::Socket
    } else {
        FileKind::Regular
    };
    let rdev = md.rdev();
    let device = matches!(kind, FileKind::BlockDevice | FileKind::CharDevice).then(|| {
        (
            (((rdev >> 32) & 0xffff_f000) | ((rdev >> 8) & 0xfff)) as u32,
            (((rdev >> 12) & 0xffff_ff00) | (rdev & 0xff)) as u32,
        )
    });
    Stat {
        path,
        kind,
        perm: md.mode() & 0o7777,
        uid: md.uid(),
        gid: md.gid(),
        size: md.len(),
        mtime: md.mtime(),
        symlink_target: target,
        device,
    }
}

impl Container for SnapDir {
    fn size(&self) -> Result<u64, ContainerError> {
        let mut total = 0u64;
        // snapd ignores walk errors here and returns what it summed.
        let _ = self.walk(".", &mut |st| {
            total = total.saturating_add(st.size);
            Ok(WalkControl::Continue)
        });
        Ok(total)
    }

    fn read_file(&self, path: &str, limit: u64) -> Result<Vec<u8>, ContainerError> {
        use std::io::Read;
        let full = self.join(path);
        let f = std::fs::File::open(&full).map_err(io_err(&full))?;
        let size = f.metadata().map_err(io_err(&full))?.len();
        if size > limit {
            return Err(ContainerError::TooLarge {
                path: full,
                size,
                limit,
            });
        }
        let mut out = Vec::with_capacity(size as usize);
        f.take(limit.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(io_err(&full))?;
        if out.len() as u64 > limit {
            return Err(ContainerError::TooLarge {
                path: full,
                size: out.len() as u64,
                limit,
            });
        }
        Ok(out)
    }

    fn list_dir(&self, path: &str) -> Result<Vec<String>, ContainerError> {
        let full = self.join(path);
        let mut names = Vec::new();
        for e in std::fs::read_dir(&full).map_err(io_err(&full))? {
            let e = e.map_err(io_err(&full))?;
            names.push(e.file_name().to_string_lossy().into_owned());
        }
        names.sort();
        Ok(names)
    }

    fn walk(&self, path: &str, f: &mut WalkFn<'_>) -> Result<(), ContainerError> {
        let start = clean_rel(path);
        let start_full = self.join(&start);
        // Each member: its path as the callback sees it (lossy where a name is not UTF-8)
        // and its real path (the raw name, as Go keeps names as bytes).
        let mut stack = vec![(start, start_full)];
        while let Some((rel, full)) = stack.pop() {
            let md = std::fs::symlink_metadata(&full).map_err(io_err(&full))?;
            let target = if md.file_type().is_symlink() {
                Some(
                    std::fs::read_link(&full)
                        .map_err(io_err(&full))?
                        .to_string_lossy()
                        .into_owned(),
                )
            } else {
                None
            };
            let stat = stat_from_metadata(rel.clone(), &md, target);
            let control = f(&stat)?;
            if !md.is_dir() || control == WalkControl::SkipDir {
                continue;
            }
            let mut names = Vec::new();
            for e in std::fs::read_dir(&full).map_err(io_err(&full))? {
                names.push(e.map_err(io_err(&full))?.file_name());
            }
            // Go's filepath.Walk visits names in byte order.
            names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            for n in names.into_iter().rev() {
                let shown = n.to_string_lossy();
                let child_rel = if rel == "." {
                    shown.into_owned()
                } else {
                    format!("{rel}/{shown}")
                };
                stack.push((child_rel, full.join(&n)));
            }
        }
        Ok(())
    }
}

/// `path` cleaned and relative (`.` for the root).
fn clean_rel(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// A `.snap` file read in place.
#[derive(Debug)]
pub struct SnapFile {
    path: PathBuf,
    image: Squashfs,
}

impl SnapFile {
    /// Opens the squashfs file at `path`.
    pub fn open(path: impl Into<PathBuf>) -> Result<SnapFile, ContainerError> {
        let path = path.into();
        let image = Squashfs::open(&path)?;
        Ok(SnapFile { path, image })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The squashfs image.
    pub fn image(&self) -> &Squashfs {
        &self.image
    }
}

impl Container for SnapFile {
    fn size(&self) -> Result<u64, ContainerError> {
        Ok(self.image.image_len())
    }

    fn read_file(&self, path: &str, limit: u64) -> Result<Vec<u8>, ContainerError> {
        Ok(self.image.read_file(path, limit)?)
    }

    /// A missing directory lists empty, as snapd's `unsquashfs -l` does.
    fn list_dir(&self, path: &str) -> Result<Vec<String>, ContainerError> {
        match self.image.list_dir(path) {
            Err(e) if e.is_not_found() => Ok(Vec::new()),
            r => Ok(r?),
        }
    }

    fn walk(&self, path: &str, f: &mut WalkFn<'_>) -> Result<(), ContainerError> {
        let mut failure = None;
        let r = self.image.walk(path, &mut |st| match f(st) {
            Ok(c) => Ok(c == WalkControl::Continue),
            Err(e) => {
                failure = Some(e);
                Err(SquashfsError::Corrupt("walk stopped"))
            }
        });
        match (failure, r) {
            (Some(e), _) => Err(e),
            (None, r) => Ok(r?),
        }
    }
}

/// An opened snap: a squashfs file or a snap directory.
#[derive(Debug)]
pub enum OpenedSnap {
    /// A `.snap` file.
    File(SnapFile),
    /// A directory with `meta/snap.yaml`.
    Dir(SnapDir),
}

impl OpenedSnap {
    /// The container.
    pub fn container(&self) -> &dyn Container {
        match self {
            OpenedSnap::File(f) => f,
            OpenedSnap::Dir(d) => d,
        }
    }
}

impl fmt::Display for OpenedSnap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenedSnap::File(s) => write!(f, "{}", s.path.display()),
            OpenedSnap::Dir(d) => write!(f, "{}", d.root.display()),
        }
    }
}

/// snapd's `snapfile.Open`: a file whose first 97 bytes read and start with `hsqs` is a
/// squashfs snap; a directory with `meta/snap.yaml` is a snap directory; anything else is
/// `"PATH" is not a snap or snapdir`.
pub fn open(path: impl AsRef<Path>) -> Result<OpenedSnap, ContainerError> {
    let path = path.as_ref();
    if file_has_squashfs_header(path) {
        return Ok(OpenedSnap::File(SnapFile::open(path)?));
    }
    if path.join("meta/snap.yaml").is_file() {
        return Ok(OpenedSnap::Dir(SnapDir::new(path)));
    }
    Err(ContainerError::NotASnap(path.to_path_buf()))
}

/// Default cap for reading `meta/*.yaml`: 16 MiB (snapd has none; this only stops a
/// hostile file from taking the memory).
pub const META_FILE_LIMIT: u64 = 16 << 20;

/// `meta/snap.yaml`'s bytes.
pub fn read_snap_yaml(c: &dyn Container, limit: u64) -> Result<Vec<u8>, ContainerError> {
    c.read_file("meta/snap.yaml", limit)
}

/// `meta/gadget.yaml`'s bytes (for a gadget snap).
pub fn read_gadget_yaml(c: &dyn Container, limit: u64) -> Result<Vec<u8>, ContainerError> {
    c.read_file("meta/gadget.yaml", limit)
}

/// The names in `meta/hooks/` (snapd's implicit hooks); none if the directory is missing.
pub fn list_hooks(c: &dyn Container) -> Result<Vec<String>, ContainerError> {
    match c.list_dir("meta/hooks") {
        Err(e) if e.is_not_found() => Ok(Vec::new()),
        r => r,
    }
}
