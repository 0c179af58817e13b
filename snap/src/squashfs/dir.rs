//! Directory listings of the directory table.

use super::SquashfsError;
use super::metadata::{Cursor, MetadataReader};

/// One entry of a listing.
#[derive(Debug, Clone)]
pub(crate) struct DirEntry {
    pub(crate) name: Vec<u8>,
    /// Reference of the entry's inode.
    pub(crate) inode: u64,
}

/// Reads the listing at `cursor` of `size` bytes (the inode's size minus 3), calling `f`
/// on each entry; memory is one entry at a time. Names are checked: empty, `.`, `..` or
/// holding `/` or NUL are refused (they would name nothing or escape the root).
pub(crate) fn read_listing(
    md: &MetadataReader,
    mut cursor: Cursor,
    size: u32,
    dir_path: &str,
    mut f: impl FnMut(DirEntry) -> Result<(), SquashfsError>,
) -> Result<(), SquashfsError> {
    let mut left = u64::from(size);
    fn take(left: &mut u64, n: u64) -> Result<(), SquashfsError> {
        *left = left.checked_sub(n).ok_or(SquashfsError::Corrupt(
            "directory listing overruns its size",
        ))?;
        Ok(())
    }
    while left > 0 {
        take(&mut left, 12)?;
        let count = u64::from(cursor.u32(md)?) + 1;
        let start = cursor.u32(md)?;
        let _inode_number = cursor.u32(md)?;
        if count > 256 {
            return Err(SquashfsError::Corrupt(
                "directory header counts over 256 entries",
            ));
        }
        for _ in 0..count {
            take(&mut left, 8)?;
            let offset = cursor.u16(md)?;
            let _inode_delta = cursor.u16(md)?;
            let _ty = cursor.u16(md)?;
            let name_len = u64::from(cursor.u16(md)?) + 1;
            if name_len > 256 {
                return Err(SquashfsError::Corrupt(
                    "directory entry name over 256 bytes",
                ));
            }
            take(&mut left, name_len)?;
            let name = cursor.bytes(md, name_len as usize)?;
            if name.is_empty()
                || name == b"."
                || name == b".."
                || name.contains(&b'/')
                || name.contains(&0)
            {
                return Err(SquashfsError::BadName {
                    dir: dir_path.to_string(),
                    name: String::from_utf8_lossy(&name).into_owned(),
                });
            }
            f(DirEntry {
                name,
                inode: (u64::from(start) << 16) | u64::from(offset),
            })?;
        }
    }
    Ok(())
}
