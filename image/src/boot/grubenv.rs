//! GRUB's environment block (snapd's `bootloader/grubenv`): exactly 1024 bytes,
//! `# GRUB Environment Block\n`, one `key=value\n` per variable, `#` padding.
//!
//! Variables are written in the order they were first set (snapd sets them from a Go map,
//! so its order varies between runs; GRUB does not care), which makes our files
//! reproducible.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::fsio::{IoError, at};
use ucore_go_text::quote;

/// The size of a GRUB environment block.
pub const GRUBENV_SIZE: usize = 1024;
/// The first line of a GRUB environment block.
pub const GRUBENV_HEADER: &str = "# GRUB Environment Block\n";

/// Why a grubenv could not be read or written (snapd's texts).
#[derive(Debug, Error)]
pub enum GrubEnvError {
    /// The file is not 1024 bytes long.
    #[error("grubenv {} must be exactly 1024 byte, got {len}", quote(&.path.display().to_string()))]
    Size {
        /// The file.
        path: PathBuf,
        /// Its length.
        len: usize,
    },
    /// The file does not start with the header.
    #[error("cannot find grubenv header in {}", quote(&.path.display().to_string()))]
    NoHeader {
        /// The file.
        path: PathBuf,
    },
    /// The variables do not fit 1024 bytes.
    #[error("cannot write grubenv {}: bigger than 1024 bytes ({len})", quote(&.path.display().to_string()))]
    TooBig {
        /// The file.
        path: PathBuf,
        /// The bytes the variables need.
        len: usize,
    },
    /// Reading or writing a file failed.
    #[error(transparent)]
    Io(#[from] IoError),
}

/// A GRUB environment: variables in the order they are written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GrubEnv {
    vars: Vec<(String, String)>,
}

impl GrubEnv {
    /// An empty environment.
    pub fn new() -> GrubEnv {
        GrubEnv::default()
    }

    /// Sets `key` to `value`; a new key goes last, an existing one keeps its place.
    pub fn set(&mut self, key: &str, value: &str) {
        match self.vars.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value.to_string(),
            None => self.vars.push((key.to_string(), value.to_string())),
        }
    }

    /// The value of `key` (`None` when unset).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The variables, in file order.
    pub fn vars(&self) -> &[(String, String)] {
        &self.vars
    }

    /// Reads a block as snapd does: exactly 1024 bytes with the header; every later line
    /// holding a `=` is a variable (the last of a repeated key wins), others are skipped.
    /// `path` names the file in errors.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<GrubEnv, GrubEnvError> {
        if bytes.len() != GRUBENV_SIZE {
            return Err(GrubEnvError::Size {
                path: path.to_path_buf(),
                len: bytes.len(),
            });
        }
        let Some(body) = bytes.strip_prefix(GRUBENV_HEADER.as_bytes()) else {
            return Err(GrubEnvError::NoHeader {
                path: path.to_path_buf(),
            });
        };
        let mut env = GrubEnv::new();
        for line in body.split(|b| *b == b'\n') {
            let text = String::from_utf8_lossy(line);
            if let Some((k, v)) = text.split_once('=') {
                env.set(k, v);
            }
        }
        Ok(env)
    }

    /// Loads the block at `path`.
    pub fn load(path: &Path) -> Result<GrubEnv, GrubEnvError> {
        let bytes = std::fs::read(path).map_err(at("read", path))?;
        GrubEnv::parse(&bytes, path)
    }

    /// The 1024-byte block (`path` names the file in the error).
    pub fn to_bytes(&self, path: &Path) -> Result<Vec<u8>, GrubEnvError> {
        let mut out = Vec::with_capacity(GRUBENV_SIZE);
        out.extend_from_slice(GRUBENV_HEADER.as_bytes());
        for (k, v) in &self.vars {
            out.extend_from_slice(k.as_bytes());
            out.push(b'=');
            out.extend_from_slice(v.as_bytes());
            out.push(b'\n');
        }
        if out.len() > GRUBENV_SIZE {
            return Err(GrubEnvError::TooBig {
                path: path.to_path_buf(),
                len: out.len(),
            });
        }
        out.resize(GRUBENV_SIZE, b'#');
        Ok(out)
    }

    /// Writes the block to `path`.
    pub fn save(&self, path: &Path) -> Result<(), GrubEnvError> {
        let bytes = self.to_bytes(path)?;
        Ok(std::fs::write(path, bytes).map_err(at("write", path))?)
    }
}
