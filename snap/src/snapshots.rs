//! `meta/snapshots.yaml` (snapd's `snap/snapshots.go`): the paths a snapshot of the snap
//! leaves out. Each must start with `$SNAP_DATA`, `$SNAP_COMMON`, `$SNAP_USER_DATA` or
//! `$SNAP_USER_COMMON`, be clean, and hold no glob characters but `*`.

use serde::Serialize;
use thiserror::Error;
use ucore_go_text::{filepath, quote};

use crate::unmarshal::{TypeErrors, entries, load, string_list};

/// A snap's snapshot options.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SnapshotOptions {
    /// The `exclude` paths.
    pub exclude: Vec<String>,
}

/// The first components an exclude path may have.
const VALID_FIRST: [&str; 4] = [
    "$SNAP_DATA",
    "$SNAP_COMMON",
    "$SNAP_USER_DATA",
    "$SNAP_USER_COMMON",
];

/// Why snapshots.yaml is refused; Display is snapd's text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SnapshotsError {
    /// `cannot read snapshot manifest: <err>`: not YAML, not the right shape, or no
    /// document at all (`EOF`).
    #[error("cannot read snapshot manifest: {0}")]
    Read(String),
    /// `snapshot exclude path must start with one of ["$SNAP_DATA" "$SNAP_COMMON"
    /// "$SNAP_USER_DATA" "$SNAP_USER_COMMON"] (got: "P")`.
    #[error(
        "snapshot exclude path must start with one of [{}] (got: {})",
        VALID_FIRST.map(quote).join(" "),
        quote(.0)
    )]
    FirstComponent(String),
    /// `snapshot exclude path not clean: "P"`.
    #[error("snapshot exclude path not clean: {}", quote(.0))]
    NotClean(String),
    /// `snapshot exclude path contains invalid characters: "P"` (`[]{}?` or `**`).
    #[error("snapshot exclude path contains invalid characters: {}", quote(.0))]
    InvalidCharacters(String),
}

/// Reads and validates `meta/snapshots.yaml`.
pub fn read_snapshots_yaml(text: &[u8]) -> Result<SnapshotOptions, SnapshotsError> {
    let root = load(text).map_err(SnapshotsError::Read)?;
    // yaml.v2's Decoder (unlike Unmarshal) wants a document: none is io.EOF. (`load`
    // gives no root for a null document either, which decodes as an empty one.)
    if root.is_none() && !has_document(&String::from_utf8_lossy(text)) {
        return Err(SnapshotsError::Read("EOF".into()));
    }
    let mut errors = TypeErrors::default();
    let mut options = SnapshotOptions::default();
    if let Some(root) = &root {
        for (key, value) in entries(root, "snap.SnapshotOptions", &mut errors) {
            if key == "exclude" {
                options.exclude = string_list(value, &mut errors);
            }
        }
    }
    errors.into_result().map_err(SnapshotsError::Read)?;
    for path in &options.exclude {
        validate_exclude_path(path)?;
    }
    Ok(options)
}

/// Whether a YAML text that [`ucore_go_yaml::load`] found no root in still holds a
/// document (`---`, `~`): some line other than blanks, comments and `...`.
fn has_document(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start_matches([' ', '\t', '\u{feff}']).trim_end();
        !line.is_empty() && !line.starts_with('#') && line != "..."
    })
}

/// Checks one `exclude` path.
pub fn validate_exclude_path(path: &str) -> Result<(), SnapshotsError> {
    let first = path.split_once('/').map_or(path, |(first, _)| first);
    if !VALID_FIRST.contains(&first) {
        return Err(SnapshotsError::FirstComponent(path.to_string()));
    }
    if filepath::clean(path) != path {
        return Err(SnapshotsError::NotClean(path.to_string()));
    }
    if path.contains(['[', ']', '{', '}', '?']) || path.contains("**") {
        return Err(SnapshotsError::InvalidCharacters(path.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRST: &str = r#"snapshot exclude path must start with one of ["$SNAP_DATA" "$SNAP_COMMON" "$SNAP_USER_DATA" "$SNAP_USER_COMMON"]"#;

    /// snapshots.yaml texts and snapd's errors, from the oracle: a snap directory with
    /// `meta/snap.yaml` (`name: foo`, `version: 1`) and `meta/snapshots.yaml`, then
    /// `/tmp/snapd-oracle snap-file DIR | jq .read_info_from_snap_file.error`.
    #[test]
    fn snapshots_yaml_matches_snapd() {
        let cases: &[(&str, String)] = &[
            ("", "cannot read snapshot manifest: EOF".into()),
            ("# c\n", "cannot read snapshot manifest: EOF".into()),
            ("\n  \n", "cannot read snapshot manifest: EOF".into()),
            (
                "foo\n",
                "cannot read snapshot manifest: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `foo` into snap.SnapshotOptions".into(),
            ),
            (
                "[a]\n",
                "cannot read snapshot manifest: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into snap.SnapshotOptions".into(),
            ),
            (
                "exclude: x\n",
                "cannot read snapshot manifest: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `x` into []string".into(),
            ),
            (
                "exclude: {a: b}\n",
                "cannot read snapshot manifest: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!map into []string".into(),
            ),
            (
                "exclude:\n - [a]\n - {b: c}\n - $SNAP_DATA/x\n",
                "cannot read snapshot manifest: yaml: unmarshal errors:\n  line 2: cannot unmarshal !!seq into string\n  line 3: cannot unmarshal !!map into string".into(),
            ),
            (
                "{[a]: b, exclude: [x]}\n",
                "cannot read snapshot manifest: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string".into(),
            ),
            ("exclude:\n - ~\n", format!("{FIRST} (got: \"\")")),
            ("exclude:\n - /etc/x\n", format!("{FIRST} (got: \"/etc/x\")")),
            ("exclude: [1, true]\n", format!("{FIRST} (got: \"1\")")),
            (
                "exclude: [$SNAP_DATA/a]\nexclude: [x]\n",
                format!("{FIRST} (got: \"x\")"),
            ),
            (
                "exclude:\n - $SNAP_DATA//x\n",
                r#"snapshot exclude path not clean: "$SNAP_DATA//x""#.into(),
            ),
            (
                "exclude:\n - $SNAP_DATA/x*?\n",
                r#"snapshot exclude path contains invalid characters: "$SNAP_DATA/x*?""#.into(),
            ),
            (
                "exclude:\n - $SNAP_DATA/**\n",
                r#"snapshot exclude path contains invalid characters: "$SNAP_DATA/**""#.into(),
            ),
        ];
        for (text, want) in cases {
            let got = read_snapshots_yaml(text.as_bytes())
                .err()
                .map(|e| e.to_string());
            assert_eq!(got.as_deref(), Some(want.as_str()), "{text:?}");
        }
        for ok in ["~\n", "---\n", "--- # x\n...\n", "exclude:\n", "other: 1\n"] {
            assert_eq!(
                read_snapshots_yaml(ok.as_bytes()),
                Ok(SnapshotOptions::default()),
                "{ok:?}"
            );
        }
        assert_eq!(
            read_snapshots_yaml(b"exclude:\n - $SNAP_DATA\n - $SNAP_COMMON/a*b\n")
                .map(|o| o.exclude),
            Ok(vec!["$SNAP_DATA".into(), "$SNAP_COMMON/a*b".into()])
        );
        assert!(matches!(
            read_snapshots_yaml(b"a: [\n"),
            Err(SnapshotsError::Read(e)) if e.starts_with("yaml: line ")
        ));
    }
}
