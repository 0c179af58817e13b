//! Inodes of the inode table (basic and extended forms of every type).

use super::SquashfsError;
use super::metadata::{Cursor, MetadataReader};

/// "No fragment" in a file inode.
pub(crate) const NO_FRAGMENT: u32 = u32::MAX;

/// Longest symlink target accepted (Linux's squashfs driver refuses longer ones).
const MAX_SYMLINK: u32 = 4096;

/// What an inode is, with the fields of its type.
#[derive(Debug, Clone)]
pub(crate) enum InodeKind {
    Dir {
        /// Start of the listing's block, relative to the directory table.
        start_block: u32,
        /// Offset of the listing in that block.
        offset: u16,
        /// The listing's size plus 3 (squashfs counts `.` and `..`).
        size: u32,
        /// An extended directory's index (one entry per metadata block the listing
        /// crosses): where it starts and how many entries it has.
        index: Option<(Cursor, u16)>,
    },
    File {
        blocks_start: u64,
        size: u64,
        fragment: u32,
        fragment_offset: u32,
        /// Where the block size list starts.
        block_list: Cursor,
    },
    Symlink {
        target: Vec<u8>,
    },
    BlockDev {
        rdev: u32,
    },
    CharDev {
        rdev: u32,
    },
    Fifo,
    Socket,
}

impl InodeKind {
    fn dir(start_block: u32, offset: u16, size: u32, index: Option<(Cursor, u16)>) -> InodeKind {
        InodeKind::Dir {
            start_block,
            offset,
            size,
            index,
        }
    }

    fn file(blocks_start: u64, size: u64, fragment: (u32, u32), block_list: Cursor) -> InodeKind {
        InodeKind::File {
            blocks_start,
            size,
            fragment: fragment.0,
            fragment_offset: fragment.1,
            block_list,
        }
    }

    /// A directory's listing: (start block, offset, size + 3).
    pub(crate) fn listing(&self) -> Option<(u32, u16, u32)> {
        match *self {
            InodeKind::Dir {
                start_block,
                offset,
                size,
                ..
            } => Some((start_block, offset, size)),
            _ => None,
        }
    }
}

/// One inode.
#[derive(Debug, Clone)]
pub(crate) struct Inode {
    pub(crate) kind: InodeKind,
    /// Permission bits (07777).
    pub(crate) perm: u16,
    pub(crate) uid_index: u16,
    pub(crate) gid_index: u16,
    pub(crate) mtime: u32,
}

/// Reads the inode at `reference` (block offset relative to the inode table << 16 | offset).
pub(crate) fn read_inode(
    md: &MetadataReader,
    inode_table: u64,
    table_end: u64,
    reference: u64,
) -> Result<Inode, SquashfsError> {
    let block = reference >> 16;
    let offset = (reference & 0xffff) as usize;
    if block > u64::from(u32::MAX) || offset >= super::metadata::METADATA_SIZE {
        return Err(SquashfsError::Corrupt("bad inode reference"));
    }
    let mut c = Cursor {
        block: inode_table
            .checked_add(block)
            .ok_or(SquashfsError::Corrupt("bad inode reference"))?,
        offset,
        table_end,
    };
    let ty = c.u16(md)?;
    let perm = c.u16(md)? & 0o7777;
    let uid_index = c.u16(md)?;
    let gid_index = c.u16(md)?;
    let mtime = c.u32(md)?;
    let _inode_number = c.u32(md)?;
    let kind = match ty {
        1 => {
            let start_block = c.u32(md)?;
            let _links = c.u32(md)?;
            let size = u32::from(c.u16(md)?);
            InodeKind::dir(start_block, c.u16(md)?, size, None)
        }
        8 => {
            let _links = c.u32(md)?;
            let size = c.u32(md)?;
            let start_block = c.u32(md)?;
            let _parent = c.u32(md)?;
            let index_count = c.u16(md)?;
            let offset = c.u16(md)?;
            let _xattr = c.u32(md)?;
            let index = (index_count > 0).then_some((c, index_count));
            InodeKind::dir(start_block, offset, size, index)
        }
        2 => {
            let blocks_start = u64::from(c.u32(md)?);
            let fragment = c.u32(md)?;
            let fragment_offset = c.u32(md)?;
            let size = u64::from(c.u32(md)?);
            InodeKind::file(blocks_start, size, (fragment, fragment_offset), c)
        }
        9 => {
            let blocks_start = c.u64(md)?;
            let size = c.u64(md)?;
            let _sparse = c.u64(md)?;
            let _links = c.u32(md)?;
            let fragment = c.u32(md)?;
            let fragment_offset = c.u32(md)?;
            let _xattr = c.u32(md)?;
            InodeKind::file(blocks_start, size, (fragment, fragment_offset), c)
        }
        3 | 10 => {
            let _links = c.u32(md)?;
            let len = c.u32(md)?;
            if len == 0 || len > MAX_SYMLINK {
                return Err(SquashfsError::Corrupt("bad symlink target size"));
            }
            let target = c.bytes(md, len as usize)?;
            InodeKind::Symlink { target }
        }
        4 | 11 => {
            let _links = c.u32(md)?;
            InodeKind::BlockDev { rdev: c.u32(md)? }
        }
        5 | 12 => {
            let _links = c.u32(md)?;
            InodeKind::CharDev { rdev: c.u32(md)? }
        }
        6 | 13 => InodeKind::Fifo,
        7 | 14 => InodeKind::Socket,
        _ => return Err(SquashfsError::Corrupt("unknown inode type")),
    };
    Ok(Inode {
        kind,
        perm,
        uid_index,
        gid_index,
        mtime,
    })
}
