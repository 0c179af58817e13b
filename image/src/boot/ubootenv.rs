//! U-Boot's environment file (snapd's `bootloader/ubootenv`): a file of fixed size, a
//! little-endian CRC32 (IEEE) of the payload, one padding byte, then the payload:
//! `key=value\0` for each variable in sorted key order, an extra `\0`, and `0xff` up to the
//! end.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::fsio::{IoError, at};
use ucore_go_text::quote;

/// Bytes before the payload: the CRC32 and one padding byte.
pub const HEADER_SIZE: usize = 5;
/// The size snapd gives the environments it creates (`uboot.env`, `boot.sel`).
pub const DEFAULT_SIZE: usize = 4096;

/// Why a U-Boot environment could not be read or written.
#[derive(Debug, Error)]
pub enum UbootEnvError {
    /// The file is shorter than the header (snapd's text).
    #[error("cannot open {}: smaller than expected header", quote(&.path.display().to_string()))]
    TooSmall {
        /// The file.
        path: PathBuf,
    },
    /// The CRC does not match the payload (snapd's text).
    #[error("cannot open {}: bad CRC {stored} != {actual}", quote(&.path.display().to_string()))]
    BadCrc {
        /// The file.
        path: PathBuf,
        /// The CRC in the header.
        stored: u32,
        /// The CRC of the payload.
        actual: u32,
    },
    /// A payload entry has no `=` or an empty key (snapd's text).
    #[error("cannot parse line {} as key=value pair", quote(.0))]
    BadLine(String),
    /// The variables do not fit the file's size.
    #[error(
        "cannot write U-Boot environment {path:?}: its {len} bytes of variables do not fit {size} bytes"
    )]
    TooBig {
        /// The file.
        path: PathBuf,
        /// The payload's length.
        len: usize,
        /// The file's size.
        size: usize,
    },
    /// Reading or writing a file failed.
    #[error(transparent)]
    Io(#[from] IoError),
}

/// A U-Boot environment of a fixed size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UbootEnv {
    size: usize,
    vars: BTreeMap<String, String>,
}

impl UbootEnv {
    /// An empty environment of `size` bytes (header included).
    pub fn new(size: usize) -> UbootEnv {
        UbootEnv {
            size,
            vars: BTreeMap::new(),
        }
    }

    /// The file's size.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Sets `key` to `value`; an empty value removes the variable (as snapd's `Set`).
    pub fn set(&mut self, key: &str, value: &str) {
        if value.is_empty() {
            self.vars.remove(key);
        } else {
            self.vars.insert(key.to_string(), value.to_string());
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(String::as_str)
    }

    /// The variables, in key order.
    pub fn vars(&self) -> &BTreeMap<String, String> {
        &self.vars
    }

    /// Reads an environment as snapd does; with `best_effort`, malformed entries are skipped
    /// instead of refused (snapd's `OpenBestEffort`, used when setting boot variables).
    pub fn parse(bytes: &[u8], path: &Path, best_effort: bool) -> Result<UbootEnv, UbootEnvError> {
        let (Some(crc), Some(payload)) = (bytes.get(..4), bytes.get(HEADER_SIZE..)) else {
            return Err(UbootEnvError::TooSmall {
                path: path.to_path_buf(),
            });
        };
        let stored = u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]);
        let actual = crc32fast::hash(payload);
        if stored != actual {
            return Err(UbootEnvError::BadCrc {
                path: path.to_path_buf(),
                stored,
                actual,
            });
        }
        let end = payload
            .windows(2)
            .position(|w| w == [0, 0])
            .unwrap_or(payload.len());
        let mut env = UbootEnv::new(bytes.len());
        for entry in payload.get(..end).unwrap_or(payload).split(|b| *b == 0) {
            match entry.first() {
                None | Some(0) | Some(0xff) => continue,
                Some(_) => {}
            }
            let text = String::from_utf8_lossy(entry);
            match text.split_once('=') {
                Some((k, v)) if !k.is_empty() => {
                    env.vars.insert(k.to_string(), v.to_string());
                }
                _ if best_effort => {}
                _ => return Err(UbootEnvError::BadLine(text.into_owned())),
            }
        }
        Ok(env)
    }

    /// Loads the environment at `path`.
    pub fn load(path: &Path, best_effort: bool) -> Result<UbootEnv, UbootEnvError> {
        let bytes = std::fs::read(path).map_err(at("read", path))?;
        UbootEnv::parse(&bytes, path, best_effort)
    }

    /// The file's bytes (`path` names the file in the error).
    pub fn to_bytes(&self, path: &Path) -> Result<Vec<u8>, UbootEnvError> {
        let mut payload = Vec::new();
        for (k, v) in &self.vars {
            payload.extend_from_slice(k.as_bytes());
            payload.push(b'=');
            payload.extend_from_slice(v.as_bytes());
            payload.push(0);
        }
        payload.push(0);
        if self.vars.is_empty() {
            payload.push(0);
        }
        let room = self.size.saturating_sub(HEADER_SIZE);
        if payload.len() > room {
            return Err(UbootEnvError::TooBig {
                path: path.to_path_buf(),
                len: payload.len(),
                size: self.size,
            });
        }
        payload.resize(room, 0xff);
        let mut out = Vec::with_capacity(self.size);
        out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        out.push(0);
        out.extend_from_slice(&payload);
        Ok(out)
    }

    /// Writes the environment to `path`.
    pub fn save(&self, path: &Path) -> Result<(), UbootEnvError> {
        let bytes = self.to_bytes(path)?;
        Ok(std::fs::write(path, bytes).map_err(at("write", path))?)
    }
}
