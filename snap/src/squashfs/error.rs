//! What can go wrong reading a squashfs image.

use thiserror::Error;

/// A squashfs image could not be read (or a member of it could not be found).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SquashfsError {
    /// Reading the image file failed.
    #[error("cannot read squashfs image: {0}")]
    Io(#[source] std::io::Error),
    /// The image does not start with the `hsqs` magic.
    #[error("not a squashfs image")]
    NotSquashfs,
    /// The superblock names a squashfs version other than 4.0.
    #[error("unsupported squashfs version {major}.{minor}")]
    UnsupportedVersion {
        /// The major version in the superblock.
        major: u16,
        /// The minor version in the superblock.
        minor: u16,
    },
    /// The image uses a compressor this reader does not decode.
    #[error("unsupported squashfs compression {0}")]
    UnsupportedCompression(&'static str),
    /// A table or block is inconsistent with the rest of the image.
    #[error("corrupt squashfs image: {0}")]
    Corrupt(&'static str),
    /// A compressed block did not decompress (or decompressed to the wrong size).
    #[error("corrupt squashfs image: cannot decompress a block: {0}")]
    Decompress(#[source] std::io::Error),
    /// A directory contains itself (directly or through its subdirectories).
    #[error("corrupt squashfs image: directory loop at {path:?}")]
    DirectoryLoop {
        /// Where the loop was found.
        path: String,
    },
    /// A directory entry's name is empty, `.`, `..`, or holds `/` or NUL: it would escape
    /// the image's root or name nothing.
    #[error("corrupt squashfs image: invalid name {name:?} in directory {dir:?}")]
    BadName {
        /// The directory holding the entry.
        dir: String,
        /// The entry's name (lossily decoded).
        name: String,
    },
    /// Symbolic links nest more deeply than 40 (Linux's limit).
    #[error("too many levels of symbolic links: {path:?}")]
    SymlinkLoop {
        /// The path being resolved.
        path: String,
    },
    /// No member has this path.
    #[error("{path:?}: no such file or directory")]
    NotFound {
        /// The path looked up.
        path: String,
    },
    /// A path component that must be a directory is not one.
    #[error("{path:?}: not a directory")]
    NotADirectory {
        /// The path looked up.
        path: String,
    },
    /// The member is not a regular file.
    #[error("{path:?}: not a regular file")]
    NotARegularFile {
        /// The path looked up.
        path: String,
    },
    /// The member is larger than the caller's cap.
    #[error("{path:?}: file is {size} bytes, more than the limit of {limit}")]
    TooLarge {
        /// The path looked up.
        path: String,
        /// Its size in the image.
        size: u64,
        /// The caller's cap.
        limit: u64,
    },
}

impl SquashfsError {
    /// Whether the error means the member does not exist (Go's `os.IsNotExist`).
    pub fn is_not_found(&self) -> bool {
        matches!(self, SquashfsError::NotFound { .. })
    }
}
