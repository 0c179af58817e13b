//! A UC20+ system's `options.yaml` (snapd's `seed/internal.ReadOptions20`, spec
//! `snap-image.md` §5.2): channel overrides of model snaps and the extra snaps of a
//! grade-dangerous system, checked entry by entry.

use std::path::Path;

use ucore_snap::naming::validate_snap_id;

use super::entry::{self, EntryError, GoTypes, Unique};

/// One `options.yaml` entry (snapd's `internal.Snap20`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options20Snap {
    /// `name`.
    pub name: String,
    /// `id` (empty when absent).
    pub snap_id: String,
    /// `unasserted`: the file name of an unasserted local snap in the system's `snaps/`.
    pub unasserted: String,
    /// `channel` (empty when absent).
    pub channel: String,
}

/// Reads and checks `options.yaml` (the errors come without snapd's `cannot read grade
/// dangerous options yaml: ` prefix, which the caller adds).
pub fn read(path: &Path) -> Result<Vec<Options20Snap>, EntryError> {
    parse(&entry::read(path)?)
}

/// Parses and checks the text of an `options.yaml`.
pub fn parse(bytes: &[u8]) -> Result<Vec<Options20Snap>, EntryError> {
    let entries = decode(bytes)?;
    let mut unique = Unique::default();
    let mut snaps = Vec::with_capacity(entries.len());
    for entry in entries {
        let snap = entry.ok_or(EntryError::EmptyOptionsElement)?;
        entry::check_name(&snap.name)?;
        if snap.snap_id.is_empty() && snap.channel.is_empty() && snap.unasserted.is_empty() {
            return Err(EntryError::NothingSet { name: snap.name });
        }
        if !snap.snap_id.is_empty() {
            validate_snap_id(&snap.snap_id).map_err(EntryError::SnapId)?;
        }
        entry::check_channel(&snap.channel)?;
        entry::check_filename(&snap.unasserted)?;
        unique.see(&snap.name)?;
        snaps.push(snap);
    }
    Ok(snaps)
}

/// yaml.v2's `Unmarshal` into `internal.Options20`: null entries stay `None`.
fn decode(bytes: &[u8]) -> Result<Vec<Option<Options20Snap>>, EntryError> {
    let types = GoTypes {
        document: "internal.Options20",
        list: "[]*internal.Snap20",
        entry: "internal.Snap20",
    };
    entry::decode_snaps(
        bytes,
        &types,
        |s: &mut Options20Snap, key, u, value| match key {
            "name" => s.name = u.string(value),
            "id" => s.snap_id = u.string(value),
            "unasserted" => s.unasserted = u.string(value),
            "channel" => s.channel = u.string(value),
            _ => {}
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text.as_bytes()).unwrap_err().to_string()
    }

    #[test]
    fn reads_the_spec_example() {
        let snaps = parse(
            b"snaps:\n- name: hello20\n  id: hello20xoracleoracleoracleoracle\n  channel: latest/edge\n- name: local-tool\n  unasserted: local-tool_1.0.snap\n",
        )
        .unwrap();
        assert_eq!(snaps[0].channel, "latest/edge");
        assert_eq!(snaps[1].unasserted, "local-tool_1.0.snap");
    }

    #[test]
    fn refuses_with_snapds_texts() {
        assert_eq!(err("snaps:\n-\n"), "empty snaps element");
        assert_eq!(
            err("snaps:\n- name: ab\n"),
            "at least one of id, channel or unasserted must be set for snap \"ab\""
        );
        assert_eq!(
            err("snaps:\n- name: ab\n  id: short\n"),
            "invalid snap-id: \"short\""
        );
        assert_eq!(
            err("snaps:\n- name: ab\n  unasserted: b/c.snap\n"),
            "\"b/c.snap\" must be a filename, not a path"
        );
        assert_eq!(
            err("snaps:\n- name: ab\n  unasserted: a.snap\n- name: ab\n  unasserted: b.snap\n"),
            "snap name \"ab\" must be unique"
        );
    }
}
