//! A `layout` entry (snapd's `snap.Layout`): what appears at a path inside the snap's
//! mount namespace. Its rules are in [`crate::layout`].

use serde::Serialize;

/// One layout entry; exactly one of `bind`, `bind_file`, `type_` and `symlink` should be
/// set (checked by validation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LayoutEntry {
    /// The path inside the namespace (the key; may use `$SNAP`, `$SNAP_DATA`, `$SNAP_COMMON`).
    #[serde(skip)]
    pub path: String,
    /// A directory to bind-mount there.
    pub bind: String,
    /// A file to bind-mount there.
    pub bind_file: String,
    /// A filesystem to mount there (`tmpfs`).
    #[serde(rename = "type")]
    pub type_: String,
    /// What a symlink there points to.
    pub symlink: String,
    /// Owner; `root` by default (the only value accepted).
    pub user: String,
    /// Group; `root` by default (the only value accepted).
    pub group: String,
    /// Permission bits, from the octal `mode` text; 0755 by default.
    pub mode: u32,
}

impl LayoutEntry {
    /// An entry at `path` with snapd's defaults and nothing mounted.
    pub fn new(path: &str) -> LayoutEntry {
        LayoutEntry {
            path: path.to_string(),
            bind: String::new(),
            bind_file: String::new(),
            type_: String::new(),
            symlink: String::new(),
            user: "root".into(),
            group: "root".into(),
            mode: 0o755,
        }
    }
}
