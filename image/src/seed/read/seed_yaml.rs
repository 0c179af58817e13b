//! A UC16/18 seed's `seed.yaml` (snapd's `seed/internal.ReadSeedYaml`, spec
//! `snap-image.md` §4.2): the list of the seed's snaps with their channel, confinement and
//! file, checked entry by entry.

use std::path::Path;

use super::entry::{self, EntryError, GoTypes, Unique};

/// One `seed.yaml` entry (snapd's `internal.Snap16`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seed16Snap {
    /// `name`.
    pub name: String,
    /// `snap-id` (cross-reference only).
    pub snap_id: String,
    /// `channel` (empty when absent).
    pub channel: String,
    /// `devmode`.
    pub devmode: bool,
    /// `classic`.
    pub classic: bool,
    /// `private`.
    pub private: bool,
    /// `contact`.
    pub contact: String,
    /// `unasserted`: no assertions in the seed for this snap.
    pub unasserted: bool,
    /// `file`: the base name of the snap file in `snaps/`.
    pub file: String,
}

/// Reads and checks `seed.yaml` (the errors come without snapd's `cannot read seed yaml: `
/// prefix, which the caller adds).
pub fn read(path: &Path) -> Result<Vec<Seed16Snap>, EntryError> {
    parse(&entry::read(path)?)
}

/// Parses and checks the text of a `seed.yaml`.
pub fn parse(bytes: &[u8]) -> Result<Vec<Seed16Snap>, EntryError> {
    let entries = decode(bytes)?;
    let mut unique = Unique::default();
    let mut snaps = Vec::with_capacity(entries.len());
    for entry in entries {
        let snap = entry.ok_or(EntryError::EmptySeedElement)?;
        entry::check_name(&snap.name)?;
        entry::check_channel(&snap.channel)?;
        if snap.file.is_empty() {
            return Err(EntryError::EmptyFile { name: snap.name });
        }
        entry::check_filename(&snap.file)?;
        unique.see(&snap.name)?;
        snaps.push(snap);
    }
    Ok(snaps)
}

/// yaml.v2's `Unmarshal` into `internal.Seed16`: null entries stay `None`.
fn decode(bytes: &[u8]) -> Result<Vec<Option<Seed16Snap>>, EntryError> {
    let types = GoTypes {
        document: "internal.Seed16",
        list: "[]*internal.Snap16",
        entry: "internal.Snap16",
    };
    entry::decode_snaps(
        bytes,
        &types,
        |s: &mut Seed16Snap, key, u, value| match key {
            "name" => s.name = u.string(value),
            "snap-id" => s.snap_id = u.string(value),
            "channel" => s.channel = u.string(value),
            "devmode" => s.devmode = u.boolean(value),
            "classic" => s.classic = u.boolean(value),
            "private" => s.private = u.boolean(value),
            "contact" => s.contact = u.string(value),
            "unasserted" => s.unasserted = u.boolean(value),
            "file" => s.file = u.string(value),
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
    fn reads_the_entries_in_order() {
        let snaps = parse(
            b"snaps:\n- name: core\n  snap-id: x\n  channel: stable\n  file: core_1.snap\n- name: local\n  unasserted: true\n  devmode: true\n  file: local_x1.snap\n",
        )
        .unwrap();
        assert_eq!(snaps.len(), 2);
        assert_eq!(snaps[0].channel, "stable");
        assert!(snaps[1].unasserted && snaps[1].devmode);
        assert!(parse(b"").unwrap().is_empty());
    }

    #[test]
    fn refuses_with_snapds_texts() {
        assert_eq!(err("snaps:\n-\n"), "empty element in seed");
        assert_eq!(
            err("snaps:\n- name: A\n  file: a\n"),
            "invalid snap name: \"A\""
        );
        assert_eq!(
            err("snaps:\n- name: ab\n"),
            "\"file\" attribute for \"ab\" cannot be empty"
        );
        assert_eq!(
            err("snaps:\n- name: ab\n  file: x/a.snap\n"),
            "\"x/a.snap\" must be a filename, not a path"
        );
        assert_eq!(
            err("snaps:\n- name: ab\n  file: a\n- name: ab\n  file: b\n"),
            "snap name \"ab\" must be unique"
        );
        assert_eq!(
            err("snaps: 3\n"),
            "cannot unmarshal \"snaps: 3\\n\": yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `3` into []*internal.Snap16"
        );
        assert_eq!(
            err("snaps:\n- x\n"),
            "cannot unmarshal \"snaps:\\n- x\\n\": yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `x` into internal.Snap16"
        );
    }
}
