//! Squashfs 4.0 images read in place: the format of `.snap` files.
//!
//! A small read-only reader of our own (see the crate README for why not a library):
//! superblock, id table, metadata blocks, every inode type, directory listings, data blocks
//! and fragments, xz/lzma and zlib ("gzip") compression. Every number read from the image is
//! bounded before it sizes an allocation or a loop.

mod decompress;
mod dir;
mod error;
mod inode;
mod metadata;
mod reader;
mod source;
mod superblock;

pub use error::SquashfsError;
pub use reader::Squashfs;
pub use source::{FileSource, ImageSource};
pub use superblock::{Compression, MAGIC, SUPERBLOCK_SIZE, Superblock, flags};

/// Whether the file at `path` starts like a squashfs image, as snapd's
/// `squashfs.FileHasSquashfsHeader` decides: its first 97 bytes can be read (the superblock
/// is 96) and start with `hsqs`.
pub fn file_has_squashfs_header(path: &std::path::Path) -> bool {
    use std::io::Read;
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = [0u8; SUPERBLOCK_SIZE + 1];
    f.take(head.len() as u64).read_exact(&mut head).is_ok() && head.starts_with(MAGIC)
}
