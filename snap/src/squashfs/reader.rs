//! A read-only squashfs 4.0 image: look up, list, walk and read members without unpacking.

use std::fs::File;
use std::path::Path;

use super::SquashfsError;
use super::dir::{DirEntry, Listing};
use super::inode::{Inode, InodeKind, NO_FRAGMENT, read_inode};
use super::metadata::{Cursor, METADATA_SIZE, MetadataReader};
use super::source::{FileSource, ImageSource};
use super::superblock::{NOT_SET, SUPERBLOCK_SIZE, Superblock};
use crate::container::{FileKind, Stat};

/// Linux's limit on symbolic links followed while resolving one path.
const MAX_SYMLINK_HOPS: usize = 40;

/// An open squashfs 4.0 image.
///
/// Only the superblock and the id table are read when it is opened; inodes, listings and
/// data are read on demand, with at most 64 decompressed metadata blocks cached. Every
/// offset and size read from the image is checked before use, so a hostile image gives a
/// [`SquashfsError`], never a panic, and memory stays within a few blocks plus what the
/// caller asks for (a file's bytes up to the caller's cap, a listing's names).
pub struct Squashfs {
    md: MetadataReader,
    sb: Superblock,
    ids: Vec<u32>,
}

impl std::fmt::Debug for Squashfs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Squashfs")
            .field("superblock", &self.sb)
            .finish()
    }
}

impl Squashfs {
    /// Opens the image file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Squashfs, SquashfsError> {
        let file = File::open(path).map_err(SquashfsError::Io)?;
        Squashfs::from_source(Box::new(FileSource::new(file).map_err(SquashfsError::Io)?))
    }

    /// Reads an image held in memory.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Squashfs, SquashfsError> {
        Squashfs::from_source(Box::new(bytes))
    }

    /// Reads an image from any [`ImageSource`].
    pub fn from_source(source: Box<dyn ImageSource>) -> Result<Squashfs, SquashfsError> {
        let mut raw = [0u8; SUPERBLOCK_SIZE];
        source.read_exact_at(&mut raw, 0).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                SquashfsError::NotSquashfs
            } else {
                SquashfsError::Io(e)
            }
        })?;
        let sb = Superblock::parse(&raw, source.len())?;
        // The xz/lzma decoder may use a dictionary of at most the block size (mksquashfs's
        // default and maximum), plus its own state.
        let memlimit = u64::from(sb.block_size) * 2 + (1 << 20);
        let md = MetadataReader::new(source, sb.compression, memlimit);
        let ids = read_ids(&md, &sb)?;
        Ok(Squashfs { md, sb, ids })
    }

    /// The superblock.
    pub fn superblock(&self) -> &Superblock {
        &self.sb
    }

    /// The image file's length (including padding).
    pub fn image_len(&self) -> u64 {
        self.md.source.len()
    }

    fn inode(&self, reference: u64) -> Result<Inode, SquashfsError> {
        read_inode(
            &self.md,
            self.sb.inode_table,
            self.sb.directory_table,
            reference,
        )
    }

    fn listing_cursor(&self, start_block: u32, offset: u16) -> Result<Cursor, SquashfsError> {
        if usize::from(offset) >= METADATA_SIZE {
            return Err(SquashfsError::Corrupt("bad directory listing offset"));
        }
        Ok(Cursor {
            block: self.sb.directory_table + u64::from(start_block),
            offset: usize::from(offset),
            table_end: self.sb.directory_table_end(),
        })
    }

    /// The listing of the directory `inode` (`None`: an empty directory).
    fn listing(&self, inode: &Inode, dir_path: &str) -> Result<Option<Listing>, SquashfsError> {
        let Some((start_block, offset, size)) = inode.kind.listing() else {
            return Err(SquashfsError::NotADirectory {
                path: dir_path.to_string(),
            });
        };
        if size < 3 {
            return Err(SquashfsError::Corrupt("directory size under 3"));
        }
        if size == 3 {
            return Ok(None);
        }
        let cursor = self.listing_cursor(start_block, offset)?;
        Ok(Some(Listing::new(cursor, size - 3)))
    }

    /// The listing of the directory `inode`, started at the block where `name` would be if
    /// the directory has an index (an extended directory crossing metadata blocks).
    fn indexed_listing(
        &self,
        inode: &Inode,
        dir_path: &str,
        name: &[u8],
    ) -> Result<Option<Listing>, SquashfsError> {
        let InodeKind::Dir {
            offset,
            size,
            index: Some((mut c, count)),
            ..
        } = inode.kind
        else {
            return self.listing(inode, dir_path);
        };
        // The last index entry whose name (the first in its block) is not past `name`:
        // (byte offset into the listing, its block relative to the directory table).
        let mut best = None;
        for _ in 0..count {
            let index = c.u32(&self.md)?;
            let start = c.u32(&self.md)?;
            let len = c.u32(&self.md)?;
            if len >= 256 {
                return Err(SquashfsError::Corrupt(
                    "directory index name over 256 bytes",
                ));
            }
            let entry_name = c.bytes(&self.md, len as usize + 1)?;
            if entry_name.as_slice() > name {
                break;
            }
            best = Some((index, start));
        }
        let Some((index, start)) = best else {
            return self.listing(inode, dir_path);
        };
        let listing_size = size.saturating_sub(3);
        if index >= listing_size {
            return Err(SquashfsError::Corrupt("directory index past its listing"));
        }
        let at = (usize::from(offset) + index as usize) % METADATA_SIZE;
        let mut cursor = self.listing_cursor(start, 0)?;
        cursor.offset = at;
        Ok(Some(Listing::new(cursor, listing_size - index)))
    }

    /// Calls `f` on each entry of the directory `inode`.
    fn each_entry(
        &self,
        inode: &Inode,
        dir_path: &str,
        mut f: impl FnMut(DirEntry) -> Result<(), SquashfsError>,
    ) -> Result<(), SquashfsError> {
        if let Some(mut listing) = self.listing(inode, dir_path)? {
            while let Some(e) = listing.next(&self.md, dir_path)? {
                f(e)?;
            }
        }
        Ok(())
    }

    /// Finds `path` (relative to the root; `/`, `.` and `..` handled as a kernel would,
    /// `..` stopping at the root), following symlinks on the way and, if `follow`, at the
    /// end too.
    fn lookup(&self, path: &str, follow: bool) -> Result<Inode, SquashfsError> {
        let root = self.inode(self.sb.root_inode)?;
        let mut hops = 0;
        // The components still to resolve, last first, and the directories walked so far.
        let mut todo: Vec<Vec<u8>> = components(path.as_bytes());
        let mut stack: Vec<Inode> = vec![root];
        while let Some(name) = todo.pop() {
            if name == b".." {
                if stack.len() > 1 {
                    stack.pop();
                }
                continue;
            }
            let Some(dir) = stack.last() else {
                return Err(SquashfsError::Corrupt("lost the root"));
            };
            if !matches!(dir.kind, InodeKind::Dir { .. }) {
                return Err(SquashfsError::NotADirectory {
                    path: path.to_string(),
                });
            }
            // Listings are sorted bytewise (mksquashfs sorts with strcmp): stop at the first
            // name past the one sought.
            let mut hit = None;
            if let Some(mut listing) = self.indexed_listing(dir, path, &name)? {
                while let Some(e) = listing.next(&self.md, path)? {
                    match e.name.cmp(&name) {
                        std::cmp::Ordering::Less => {}
                        std::cmp::Ordering::Equal => {
                            hit = Some(e.inode);
                            break;
                        }
                        std::cmp::Ordering::Greater => break,
                    }
                }
            }
            let Some(reference) = hit else {
                return Err(SquashfsError::NotFound {
                    path: path.to_string(),
                });
            };
            let inode = self.inode(reference)?;
            if let InodeKind::Symlink { target } = &inode.kind
                && (follow || !todo.is_empty())
            {
                hops += 1;
                if hops > MAX_SYMLINK_HOPS {
                    return Err(SquashfsError::SymlinkLoop {
                        path: path.to_string(),
                    });
                }
                if target.first() == Some(&b'/') {
                    stack.truncate(1);
                }
                let more = components(target);
                if todo.len().saturating_add(more.len()) > 4096 {
                    return Err(SquashfsError::SymlinkLoop {
                        path: path.to_string(),
                    });
                }
                todo.extend(more);
                continue;
            }
            stack.push(inode);
        }
        stack.pop().ok_or(SquashfsError::Corrupt("lost the root"))
    }

    fn stat_of(&self, path: String, inode: &Inode) -> Result<Stat, SquashfsError> {
        let id = |i: u16| {
            self.ids
                .get(usize::from(i))
                .copied()
                .ok_or(SquashfsError::Corrupt("id index out of range"))
        };
        let (kind, size, target, rdev) = match &inode.kind {
            InodeKind::Dir { size, .. } => (FileKind::Directory, u64::from(*size), None, None),
            InodeKind::File { size, .. } => (FileKind::Regular, *size, None, None),
            InodeKind::Symlink { target } => (
                FileKind::Symlink,
                target.len() as u64,
                Some(String::from_utf8_lossy(target).into_owned()),
                None,
            ),
            InodeKind::BlockDev { rdev } => (FileKind::BlockDevice, 0, None, Some(device(*rdev))),
            InodeKind::CharDev { rdev } => (FileKind::CharDevice, 0, None, Some(device(*rdev))),
            InodeKind::Fifo => (FileKind::Fifo, 0, None, None),
            InodeKind::Socket => (FileKind::Socket, 0, None, None),
        };
        Ok(Stat {
            path,
            kind,
            perm: u32::from(inode.perm),
            uid: id(inode.uid_index)?,
            gid: id(inode.gid_index)?,
            size,
            mtime: i64::from(inode.mtime),
            symlink_target: target,
            device: rdev,
        })
    }

    /// The member at `path`, not following a final symlink (`lstat`).
    pub fn stat(&self, path: &str) -> Result<Stat, SquashfsError> {
        let found = self.lookup(path, false)?;
        self.stat_of(clean(path), &found)
    }

    /// The names in directory `path`, in the image's (sorted) order.
    pub fn list_dir(&self, path: &str) -> Result<Vec<String>, SquashfsError> {
        let found = self.lookup(path, true)?;
        let mut names = Vec::new();
        self.each_entry(&found, path, |e| {
            names.push(String::from_utf8_lossy(&e.name).into_owned());
            Ok(())
        })?;
        Ok(names)
    }

    /// Walks the tree under `path` depth first, in lexical order like Go's
    /// `filepath.Walk`, calling `f` with each member (the start included). `f` returns
    /// whether to descend into a directory. A directory met twice (a loop, or a directory
    /// linked from two places) is an error, so the walk ends. Memory is one listing
    /// position per level.
    pub fn walk(
        &self,
        path: &str,
        f: &mut dyn FnMut(&Stat) -> Result<bool, SquashfsError>,
    ) -> Result<(), SquashfsError> {
        let start = self.lookup(path, false)?;
        let mut seen_dirs = std::collections::HashSet::new();
        // Listing bytes read in all, to bound the work on a hostile image.
        let mut budget = self.image_len().saturating_mul(64).max(1 << 20);
        let mut levels: Vec<(String, Listing)> = Vec::new();
        let mut next = Some((clean(path), start));
        loop {
            if let Some((p, inode)) = next.take() {
                let descend = f(&self.stat_of(p.clone(), &inode)?)?;
                if let Some((start_block, offset, size)) = inode.kind.listing()
                    && descend
                    && let Some(listing) = self.listing(&inode, &p)?
                {
                    if !seen_dirs.insert((start_block, offset)) {
                        return Err(SquashfsError::DirectoryLoop { path: p });
                    }
                    budget = budget
                        .checked_sub(u64::from(size))
                        .ok_or(SquashfsError::Corrupt(
                            "directory listings larger than the image allows",
                        ))?;
                    levels.push((p, listing));
                }
            }
            let Some((dir, listing)) = levels.last_mut() else {
                return Ok(());
            };
            match listing.next(&self.md, dir)? {
                None => {
                    levels.pop();
                }
                Some(e) => {
                    let name = String::from_utf8_lossy(&e.name);
                    let child = if dir == "." {
                        name.into_owned()
                    } else {
                        format!("{dir}/{name}")
                    };
                    next = Some((child, self.inode(e.inode)?));
                }
            }
        }
    }

    /// The target of the symlink at `path`.
    pub fn read_link(&self, path: &str) -> Result<String, SquashfsError> {
        let found = self.lookup(path, false)?;
        match found.kind {
            InodeKind::Symlink { target } => Ok(String::from_utf8_lossy(&target).into_owned()),
            _ => Err(SquashfsError::NotARegularFile {
                path: path.to_string(),
            }),
        }
    }

    /// The contents of the regular file at `path` (symlinks followed inside the image),
    /// refused with [`SquashfsError::TooLarge`] before anything is read if larger than
    /// `limit` bytes.
    pub fn read_file(&self, path: &str, limit: u64) -> Result<Vec<u8>, SquashfsError> {
        let found = self.lookup(path, true)?;
        let InodeKind::File {
            blocks_start,
            size,
            fragment,
            fragment_offset,
            block_list,
        } = found.kind
        else {
            return Err(SquashfsError::NotARegularFile {
                path: path.to_string(),
            });
        };
        if size > limit {
            return Err(SquashfsError::TooLarge {
                path: path.to_string(),
                size,
                limit,
            });
        }
        if size > self.sb.bytes_used.saturating_mul(1 << 16) {
            return Err(SquashfsError::Corrupt(
                "file larger than its image could hold",
            ));
        }
        let size_usize =
            usize::try_from(size).map_err(|_| SquashfsError::Corrupt("file too large"))?;
        let bs = u64::from(self.sb.block_size);
        let has_fragment = fragment != NO_FRAGMENT;
        let blocks = if has_fragment {
            size / bs
        } else {
            size.div_ceil(bs)
        };
        // Grown as blocks decompress: a lying size costs no more than the data it has.
        let mut out = Vec::with_capacity(size_usize.min(1 << 24));
        let mut list = block_list;
        let mut at = blocks_start;
        for i in 0..blocks {
            let word = list.u32(&self.md)?;
            let want = (size - i * bs).min(bs) as usize;
            if word & 0x00ff_ffff == 0 {
                out.resize(out.len() + want, 0);
                continue;
            }
            let data = self.md.data_block(at, word, bs as usize)?;
            if data.len() != want {
                return Err(SquashfsError::Corrupt("data block of the wrong size"));
            }
            out.extend_from_slice(&data);
            at = at
                .checked_add(u64::from(word & 0x00ff_ffff))
                .ok_or(SquashfsError::Corrupt("data block offset overflows"))?;
        }
        if has_fragment {
            let tail = (size % bs) as usize;
            let block = self.fragment_block(fragment)?;
            let start = fragment_offset as usize;
            let piece = block
                .get(start..start.saturating_add(tail))
                .filter(|p| p.len() == tail)
                .ok_or(SquashfsError::Corrupt(
                    "fragment shorter than the file's tail",
                ))?;
            out.extend_from_slice(piece);
        }
        if out.len() != size_usize {
            return Err(SquashfsError::Corrupt("file data of the wrong size"));
        }
        Ok(out)
    }

    /// The decompressed fragment block `index`.
    fn fragment_block(&self, index: u32) -> Result<Vec<u8>, SquashfsError> {
        if self.sb.fragment_table == NOT_SET || index >= self.sb.fragment_count {
            return Err(SquashfsError::Corrupt("fragment index out of range"));
        }
        let entries_per_block = (METADATA_SIZE / 16) as u64;
        let slot = u64::from(index) / entries_per_block;
        let mut ptr = [0u8; 8];
        self.md
            .read_at(&mut ptr, self.sb.fragment_table + slot * 8)?;
        let block = u64::from_le_bytes(ptr);
        if block < self.sb.directory_table || block >= self.sb.fragment_table {
            return Err(SquashfsError::Corrupt("fragment table block out of place"));
        }
        let mut c = Cursor {
            block,
            offset: ((u64::from(index) % entries_per_block) * 16) as usize,
            table_end: self.sb.fragment_table,
        };
        let start = c.u64(&self.md)?;
        let word = c.u32(&self.md)?;
        if start
            .checked_add(u64::from(word & 0x00ff_ffff))
            .is_none_or(|e| e > self.sb.bytes_used)
        {
            return Err(SquashfsError::Corrupt("fragment block outside the image"));
        }
        self.md.data_block(start, word, self.sb.block_size as usize)
    }
}

/// Reads the id (uid/gid) table.
fn read_ids(md: &MetadataReader, sb: &Superblock) -> Result<Vec<u32>, SquashfsError> {
    let count = usize::from(sb.id_count);
    let per_block = METADATA_SIZE / 4;
    let blocks = count.div_ceil(per_block);
    let mut ids = Vec::with_capacity(count);
    for b in 0..blocks {
        let mut ptr = [0u8; 8];
        md.read_at(&mut ptr, sb.id_table + (b as u64) * 8)?;
        let at = u64::from_le_bytes(ptr);
        if at < sb.directory_table || at >= sb.id_table {
            return Err(SquashfsError::Corrupt("id table block out of place"));
        }
        let mut c = Cursor {
            block: at,
            offset: 0,
            table_end: sb.id_table,
        };
        let n = (count - b * per_block).min(per_block);
        for _ in 0..n {
            ids.push(c.u32(md)?);
        }
    }
    Ok(ids)
}

/// A squashfs device number as (major, minor), the kernel's old encoding.
fn device(rdev: u32) -> (u32, u32) {
    (
        (rdev >> 8) & 0xfff,
        (rdev & 0xff) | ((rdev >> 12) & 0xfff00),
    )
}

/// The components of a path, last first (so `pop` gives the next), without empty ones and `.`.
fn components(path: &[u8]) -> Vec<Vec<u8>> {
    path.split(|&b| b == b'/')
        .filter(|c| !c.is_empty() && *c != b".")
        .rev()
        .map(<[u8]>::to_vec)
        .collect()
}

/// `path` cleaned, relative to the root, `.` for the root (Go's `filepath.Clean` minus `/`).
fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}
