//! The squashfs 4.0 superblock: the first 96 bytes of the image.

use serde::Serialize;

use super::SquashfsError;

/// The superblock's size in bytes.
pub const SUPERBLOCK_SIZE: usize = 96;

/// The magic at the start of every squashfs image (`hsqs`, little-endian).
pub const MAGIC: &[u8; 4] = b"hsqs";

/// "No table" in a table offset.
pub(crate) const NOT_SET: u64 = u64::MAX;

/// The compressors squashfs 4.0 names (superblock compression id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// zlib (id 1), squashfs's "gzip".
    Gzip,
    /// Legacy LZMA "alone" streams (id 2).
    Lzma,
    /// LZO (id 3).
    Lzo,
    /// xz (id 4), what `snap pack` uses by default.
    Xz,
    /// LZ4 (id 5).
    Lz4,
    /// Zstandard (id 6).
    Zstd,
}

impl Compression {
    fn from_id(id: u16) -> Option<Compression> {
        Some(match id {
            1 => Compression::Gzip,
            2 => Compression::Lzma,
            3 => Compression::Lzo,
            4 => Compression::Xz,
            5 => Compression::Lz4,
            6 => Compression::Zstd,
            _ => return None,
        })
    }

    /// The name `mksquashfs -comp` and `unsquashfs -s` use.
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Lzma => "lzma",
            Compression::Lzo => "lzo",
            Compression::Xz => "xz",
            Compression::Lz4 => "lz4",
            Compression::Zstd => "zstd",
        }
    }
}

/// Superblock flag bits (squashfs 4.0).
pub mod flags {
    /// Inodes are stored uncompressed.
    pub const UNCOMPRESSED_INODES: u16 = 0x0001;
    /// Data blocks are stored uncompressed.
    pub const UNCOMPRESSED_DATA: u16 = 0x0002;
    /// Fragments are stored uncompressed.
    pub const UNCOMPRESSED_FRAGMENTS: u16 = 0x0008;
    /// No fragments are used (`-no-fragments`).
    pub const NO_FRAGMENTS: u16 = 0x0010;
    /// Tail ends always go to fragments.
    pub const ALWAYS_FRAGMENTS: u16 = 0x0020;
    /// Duplicate files are stored once.
    pub const DUPLICATES: u16 = 0x0040;
    /// The export (NFS) table is present.
    pub const EXPORTABLE: u16 = 0x0080;
    /// Xattrs are stored uncompressed.
    pub const UNCOMPRESSED_XATTRS: u16 = 0x0100;
    /// No xattrs are stored (`-no-xattrs`).
    pub const NO_XATTRS: u16 = 0x0200;
    /// Compressor options follow the superblock.
    pub const COMPRESSOR_OPTIONS: u16 = 0x0400;
    /// The id table is stored uncompressed.
    pub const UNCOMPRESSED_IDS: u16 = 0x0800;
}

/// A parsed and checked squashfs 4.0 superblock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Superblock {
    /// Number of inodes.
    pub inode_count: u32,
    /// Creation (or last append) time, seconds since the epoch.
    pub mkfs_time: u32,
    /// Data block size in bytes (a power of two, 4 KiB to 1 MiB).
    pub block_size: u32,
    /// Number of fragment table entries.
    pub fragment_count: u32,
    /// The compressor.
    pub compression: Compression,
    /// Flag bits ([`flags`]).
    pub flags: u16,
    /// Number of entries in the id (uid/gid) table.
    pub id_count: u16,
    /// Reference of the root directory's inode.
    pub root_inode: u64,
    /// Bytes of the image used by the filesystem (before padding).
    pub bytes_used: u64,
    /// Offset of the id table's index.
    pub id_table: u64,
    /// Offset of the xattr table, or `u64::MAX`.
    pub xattr_table: u64,
    /// Offset of the inode table.
    pub inode_table: u64,
    /// Offset of the directory table.
    pub directory_table: u64,
    /// Offset of the fragment table's index, or `u64::MAX`.
    pub fragment_table: u64,
    /// Offset of the export table's index, or `u64::MAX`.
    pub export_table: u64,
}

fn u16_at(b: &[u8; SUPERBLOCK_SIZE], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8; SUPERBLOCK_SIZE], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u64_at(b: &[u8; SUPERBLOCK_SIZE], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

impl Superblock {
    /// Parses the superblock and checks it against an image of `image_len` bytes: the
    /// version, the block size, and that every table lies inside the used bytes in the order
    /// mksquashfs writes them.
    pub fn parse(b: &[u8; SUPERBLOCK_SIZE], image_len: u64) -> Result<Superblock, SquashfsError> {
        if &b[0..4] != MAGIC {
            return Err(SquashfsError::NotSquashfs);
        }
        let (major, minor) = (u16_at(b, 28), u16_at(b, 30));
        if (major, minor) != (4, 0) {
            return Err(SquashfsError::UnsupportedVersion { major, minor });
        }
        let block_size = u32_at(b, 12);
        let block_log = u16_at(b, 22);
        if !(12..=20).contains(&block_log) || block_size != 1 << block_log {
            return Err(SquashfsError::Corrupt("bad block size"));
        }
        let compression = Compression::from_id(u16_at(b, 20))
            .ok_or(SquashfsError::Corrupt("unknown compression id"))?;
        let sb = Superblock {
            inode_count: u32_at(b, 4),
            mkfs_time: u32_at(b, 8),
            block_size,
            fragment_count: u32_at(b, 16),
            compression,
            flags: u16_at(b, 24),
            id_count: u16_at(b, 26),
            root_inode: u64_at(b, 32),
            bytes_used: u64_at(b, 40),
            id_table: u64_at(b, 48),
            xattr_table: u64_at(b, 56),
            inode_table: u64_at(b, 64),
            directory_table: u64_at(b, 72),
            fragment_table: u64_at(b, 80),
            export_table: u64_at(b, 88),
        };
        sb.check(image_len)?;
        Ok(sb)
    }

    fn check(&self, image_len: u64) -> Result<(), SquashfsError> {
        let used = self.bytes_used;
        if used > image_len || used < SUPERBLOCK_SIZE as u64 {
            return Err(SquashfsError::Corrupt("bytes used exceeds the image"));
        }
        if self.inode_table < SUPERBLOCK_SIZE as u64
            || self.inode_table >= self.directory_table
            || self.directory_table >= used
        {
            return Err(SquashfsError::Corrupt(
                "inode or directory table out of place",
            ));
        }
        for table in [
            self.id_table,
            self.fragment_table,
            self.export_table,
            self.xattr_table,
        ] {
            if table != NOT_SET && (table <= self.directory_table || table >= used) {
                return Err(SquashfsError::Corrupt("table outside the image"));
            }
        }
        if self.id_table == NOT_SET || self.id_count == 0 {
            return Err(SquashfsError::Corrupt("no id table"));
        }
        if self.inode_count == 0 {
            return Err(SquashfsError::Corrupt("no inodes"));
        }
        Ok(())
    }

    /// Whether a flag bit ([`flags`]) is set.
    pub fn has_flag(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    /// Where the directory table ends: at the first table that follows it.
    pub(crate) fn directory_table_end(&self) -> u64 {
        [
            self.fragment_table,
            self.export_table,
            self.id_table,
            self.xattr_table,
        ]
        .into_iter()
        .filter(|&t| t != NOT_SET)
        .min()
        .unwrap_or(self.bytes_used)
    }
}
