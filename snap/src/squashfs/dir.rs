//! Directory listings of the directory table, read one entry at a time.

use super::SquashfsError;
use super::metadata::{Cursor, MetadataReader};

/// One entry of a listing.
#[derive(Debug, Clone)]
pub(crate) struct DirEntry {
    pub(crate) name: Vec<u8>,
    /// Reference of the entry's inode.
    pub(crate) inode: u64,
}

/// A listing being read: a sequence of headers (entry count, inode block) each followed by
/// its entries. Memory is one entry at a time, so a walk holds one of these per level.
#[derive(Debug, Clone)]
pub(crate) struct Listing {
    cursor: Cursor,
    /// Bytes of the listing not read yet.
    left: u64,
    /// Entries left under the current header, and that header's inode block.
    in_header: u64,
    start: u32,
}

impl Listing {
    /// The listing at `cursor` of `size` bytes (the inode's size minus 3).
    pub(crate) fn new(cursor: Cursor, size: u32) -> Listing {
        Listing {
            cursor,
            left: u64::from(size),
            in_header: 0,
            start: 0,
        }
    }

    fn take(&mut self, n: u64) -> Result<(), SquashfsError> {
        self.left = self.left.checked_sub(n).ok_or(SquashfsError::Corrupt(
            "directory listing overruns its size",
        ))?;
        Ok(())
    }

    /// The next entry, or `None` at the end. Names are checked: empty, `.`, `..` or holding
    /// `/` or NUL are refused (they would name nothing or escape the root).
    pub(crate) fn next(
        &mut self,
        md: &MetadataReader,
        dir_path: &str,
    ) -> Result<Option<DirEntry>, SquashfsError> {
        if self.in_header == 0 {
            if self.left == 0 {
                return Ok(None);
            }
            self.take(12)?;
            let count = u64::from(self.cursor.u32(md)?) + 1;
            self.start = self.cursor.u32(md)?;
            let _inode_number = self.cursor.u32(md)?;
            if count > 256 {
                return Err(SquashfsError::Corrupt(
                    "directory header counts over 256 entries",
                ));
            }
            self.in_header = count;
        }
        self.in_header -= 1;
        self.take(8)?;
        let offset = self.cursor.u16(md)?;
        let _inode_delta = self.cursor.u16(md)?;
        let _ty = self.cursor.u16(md)?;
        let name_len = u64::from(self.cursor.u16(md)?) + 1;
        if name_len > 256 {
            return Err(SquashfsError::Corrupt(
                "directory entry name over 256 bytes",
            ));
        }
        self.take(name_len)?;
        let name = self.cursor.bytes(md, name_len as usize)?;
        if name == b"." || name == b".." || name.contains(&b'/') || name.contains(&0) {
            return Err(SquashfsError::BadName {
                dir: dir_path.to_string(),
                name: String::from_utf8_lossy(&name).into_owned(),
            });
        }
        Ok(Some(DirEntry {
            name,
            inode: (u64::from(self.start) << 16) | u64::from(offset),
        }))
    }
}
