//! What `seed.yaml` and `options.yaml` have in common: reading the file, decoding it, and
//! the checks their entries go through (snapd's `seed/internal` `ReadSeedYaml` and
//! `ReadOptions20`), with snapd's texts (spec `snap-image.md` §4.2, §5.2).

use std::collections::HashSet;
use std::path::Path;

use thiserror::Error;
use ucore_go_text::quote;
use ucore_go_yaml::Node;
use ucore_snap::naming::{NameError, validate_snap_name};

use super::yaml::Unmarshal;
use crate::channel::{self, ChannelError};

/// Why a seed's `seed.yaml` or `options.yaml` was refused (without the file's prefix).
#[derive(Debug, Error)]
pub enum EntryError {
    /// The file could not be read (Go's `*os.PathError` text).
    #[error("{op} {}: {}", .path.display(), ucore_go_text::os::error_text(.source))]
    Read {
        /// `open` or `read`.
        op: &'static str,
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The text is not YAML of the document's shape (yaml.v2's text after the file's).
    #[error("cannot unmarshal {}: {error}", ucore_go_text::quote::quote_bytes(.text))]
    Unmarshal {
        /// The whole file.
        text: Vec<u8>,
        /// yaml.v2's error.
        error: String,
    },
    /// A null entry in `seed.yaml`'s list.
    #[error("empty element in seed")]
    EmptySeedElement,
    /// A null entry in `options.yaml`'s list.
    #[error("empty snaps element")]
    EmptyOptionsElement,
    /// An entry's name is not a valid snap name.
    #[error(transparent)]
    Name(NameError),
    /// An entry's snap id is not valid.
    #[error(transparent)]
    SnapId(NameError),
    /// An entry's channel does not parse.
    #[error(transparent)]
    Channel(#[from] ChannelError),
    /// A `seed.yaml` entry without a file.
    #[error("\"file\" attribute for {} cannot be empty", quote(.name))]
    EmptyFile {
        /// The snap.
        name: String,
    },
    /// A file name with a `/`.
    #[error("{} must be a filename, not a path", quote(.file))]
    NotAFilename {
        /// The file as written.
        file: String,
    },
    /// An `options.yaml` entry that sets none of id, channel or unasserted.
    #[error("at least one of id, channel or unasserted must be set for snap {}", quote(.name))]
    NothingSet {
        /// The snap.
        name: String,
    },
    /// Two entries for one snap.
    #[error("snap name {} must be unique", quote(.name))]
    NotUnique {
        /// The snap.
        name: String,
    },
}

/// The bytes of a seed metadata file.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>, EntryError> {
    use std::io::Read as _;
    let err = |op| {
        move |source| EntryError::Read {
            op,
            path: path.to_path_buf(),
            source,
        }
    };
    let mut file = std::fs::File::open(path).map_err(err("open"))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(err("read"))?;
    Ok(bytes)
}

/// The Go types a metadata file decodes into, for yaml.v2's messages.
pub(crate) struct GoTypes {
    /// The document (`internal.Seed16`).
    pub document: &'static str,
    /// Its `snaps` list (`[]*internal.Snap16`).
    pub list: &'static str,
    /// One entry (`internal.Snap16`).
    pub entry: &'static str,
}

/// yaml.v2's `Unmarshal` of a metadata file, a document whose `snaps` key lists entries:
/// each entry decoded by `entry` (its fields), a null entry kept as `None`; the errors
/// keep the whole text for snapd's message (`cannot unmarshal "<text>": <yaml error>`).
pub(crate) fn decode_snaps<T: Default>(
    bytes: &[u8],
    types: &GoTypes,
    mut field: impl FnMut(&mut T, &str, &mut Unmarshal, &Node),
) -> Result<Vec<Option<T>>, EntryError> {
    let unmarshal_error = |error| EntryError::Unmarshal {
        text: bytes.to_vec(),
        error,
    };
    let Some(root) = super::yaml::load(bytes).map_err(unmarshal_error)? else {
        return Ok(Vec::new());
    };
    let mut u = Unmarshal::default();
    let mut list: &[Node] = &[];
    for (key, value) in u.fields(&root, types.document) {
        if key == "snaps" {
            list = u.items(value, types.list);
        }
    }
    let mut entries = Vec::with_capacity(list.len());
    for item in list {
        if item.is_null() {
            entries.push(None);
            continue;
        }
        let mut entry = T::default();
        for (key, value) in u.fields(item, types.entry) {
            field(&mut entry, &key, &mut u, value);
        }
        entries.push(Some(entry));
    }
    u.finish().map_err(unmarshal_error)?;
    Ok(entries)
}

/// A valid snap name.
pub(crate) fn check_name(name: &str) -> Result<(), EntryError> {
    validate_snap_name(name).map_err(EntryError::Name)
}

/// A channel that parses, if any.
pub(crate) fn check_channel(channel: &str) -> Result<(), EntryError> {
    if !channel.is_empty() {
        channel::parse_verbatim(channel)?;
    }
    Ok(())
}

/// A file name without `/`.
pub(crate) fn check_filename(file: &str) -> Result<(), EntryError> {
    if file.contains('/') {
        return Err(EntryError::NotAFilename { file: file.into() });
    }
    Ok(())
}

/// Names seen so far: the second entry for a name is refused.
#[derive(Debug, Default)]
pub(crate) struct Unique(HashSet<String>);

impl Unique {
    /// Records `name`; an error if it was seen before.
    pub(crate) fn see(&mut self, name: &str) -> Result<(), EntryError> {
        if !self.0.insert(name.to_string()) {
            return Err(EntryError::NotUnique { name: name.into() });
        }
        Ok(())
    }
}
