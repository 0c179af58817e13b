//! The UC20+ seed (spec §5.1–5.3, §6.9): model snaps in the shared `snaps/`, the system
//! `systems/LABEL/` with `model`, the `assertions/` streams (`model-etc`, `snaps`,
//! `extra-snaps`), extra and unasserted snaps in its own `snaps/`, `options.yaml` for
//! overrides (grade dangerous) and `snaps/aux-info.json` for store contacts and private
//! snaps.

use std::collections::BTreeMap;

use ucore_assertions::types::{Grade, Model};

use super::yaml::{Options20Entry, options_yaml};
use super::{SeedError, contact, file_name, files};
use crate::snaps::{SeedContents, SeedSnap};
use crate::tree::PreparedTree;

/// Writes a UC20+ seed.
pub(super) fn write(contents: &mut SeedContents, tree: &PreparedTree) -> Result<(), SeedError> {
    let seed = tree.seed_dir();
    let label = contents.label.clone().unwrap_or_default();
    let system = tree.system_dir().ok_or(SeedError::Label)?;
    let shared = seed.join("snaps");
    files::make_dirs(&shared)?;
    files::make_dirs(&seed.join("systems"))?;
    match std::fs::create_dir(&system) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(SeedError::SystemExists(label));
        }
        Err(source) => {
            return Err(SeedError::Io {
                op: "create directory",
                path: system,
                source,
            });
        }
    }
    let own = system.join("snaps");
    let staging = tree.staging_dir();
    for (snap, is_model) in contents
        .model_snaps
        .iter_mut()
        .map(|s| (s, true))
        .chain(contents.extra_snaps.iter_mut().map(|s| (s, false)))
    {
        let dst = if !snap.is_asserted() {
            own.join(format!(
                "{}_{}.snap",
                snap.info.snap_name(),
                snap.info.version
            ))
        } else if is_model {
            shared.join(file_name(snap))
        } else {
            own.join(file_name(snap))
        };
        if dst.starts_with(&own) {
            files::make_dirs(&own)?;
        }
        files::place_snap(snap, dst, &staging)?;
    }

    let asserts = system.join("assertions");
    files::make_dirs(&asserts)?;
    files::write_stream(&system.join("model"), [&contents.model])?;
    files::write_stream(&asserts.join("model-etc"), &contents.model_refs)?;
    files::write_stream(
        &asserts.join("snaps"),
        contents.model_snaps.iter().flat_map(|s| &s.assertions),
    )?;
    if !contents.extra_snaps.is_empty() {
        files::write_stream(
            &asserts.join("extra-snaps"),
            contents.extra_snaps.iter().flat_map(|s| &s.assertions),
        )?;
    }

    let model = Model::try_from(&contents.model).map_err(|e| SeedError::Model(Box::new(e)))?;
    let options = options_entries(&model, contents);
    if !options.is_empty() {
        let grade = model.grade.unwrap_or(Grade::Signed);
        if grade != Grade::Dangerous {
            return Err(SeedError::Overrides(grade.to_string()));
        }
        files::write_new(
            &system.join("options.yaml"),
            options_yaml(&options).as_bytes(),
        )?;
    }

    let aux = aux_info(contents);
    if !aux.is_empty() {
        files::make_dirs(&own)?;
        files::write_new(&own.join("aux-info.json"), aux.as_bytes())?;
    }
    Ok(())
}

fn base_name(snap: &SeedSnap) -> String {
    snap.file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `options.yaml`'s entries: model snaps with another channel than the model's
/// `default-channel` or without assertions, then every extra snap.
fn options_entries(model: &Model<'_>, contents: &SeedContents) -> Vec<Options20Entry> {
    let mut out = Vec::new();
    for s in &contents.model_snaps {
        let name = &s.planned.name;
        // The system snap the writer adds follows latest/stable.
        let default = model
            .snaps
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.default_channel.to_string())
            .unwrap_or_else(|| "latest/stable".to_string());
        let channel = if s.planned.channel != default {
            s.planned.channel.clone()
        } else {
            String::new()
        };
        if s.is_asserted() && channel.is_empty() {
            continue;
        }
        out.push(Options20Entry {
            name: name.clone(),
            id: s.planned.snap_id.clone().unwrap_or_default(),
            unasserted: if s.is_asserted() {
                String::new()
            } else {
                base_name(s)
            },
            channel,
        });
    }
    for s in &contents.extra_snaps {
        let asserted = s.is_asserted();
        out.push(Options20Entry {
            name: s.info.snap_name().to_string(),
            id: s.snap_id.clone().unwrap_or_default(),
            unasserted: if asserted {
                String::new()
            } else {
                base_name(s)
            },
            channel: if asserted {
                s.planned.channel.clone()
            } else {
                String::new()
            },
        });
    }
    out
}

/// One value of `aux-info.json` (`internal.AuxInfo20`).
#[derive(serde::Serialize)]
struct AuxInfo {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    private: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    contact: String,
}

/// `aux-info.json`: snap id → `{"private":true,"contact":"…"}` for asserted snaps with a
/// store contact or the private flag, as Go's JSON encoder writes it (keys sorted, one
/// line, `<`, `>`, `&`, U+2028 and U+2029 escaped); empty when there is none. (Go escapes
/// other control characters differently from serde_json, but a contact `url.Parse`
/// accepts has none, and snap ids are alphanumeric.)
fn aux_info(contents: &SeedContents) -> String {
    let mut infos = BTreeMap::new();
    for s in contents.model_snaps.iter().chain(&contents.extra_snaps) {
        let Some(id) = &s.snap_id else { continue };
        let edited = s.contact.as_deref().unwrap_or_default();
        if edited.is_empty() && !s.private {
            continue;
        }
        infos.insert(
            id.clone(),
            AuxInfo {
                private: s.private,
                contact: contact(s),
            },
        );
    }
    if infos.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    for c in serde_json::to_string(&infos).unwrap_or_default().chars() {
        match c {
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snaps::{PlannedSnap, Revision, SnapOrigin};

    #[test]
    fn aux_info_is_gos_json() {
        let snap = |id: &str, contact: Option<&str>, private: bool| SeedSnap {
            planned: PlannedSnap {
                name: "x".into(),
                snap_id: None,
                model_type: None,
                essential: false,
                required: false,
                modes: vec![],
                channel: String::new(),
                pinned_revision: None,
                local: None,
                origin: SnapOrigin::Extra,
            },
            info: ucore_snap::Info::from_yaml(b"name: x\nversion: '1'\n").unwrap(),
            revision: Revision(1),
            snap_id: Some(id.into()),
            publisher_id: None,
            file: "x".into(),
            size: 0,
            sha3_384: String::new(),
            assertions: vec![],
            contact: contact.map(str::to_string),
            private,
        };
        let c = SeedContents {
            model: ucore_assertions::Assertion::decode(include_bytes!(
                "../../../store/tests/data/fixtures/uc20.model"
            ))
            .unwrap(),
            model_refs: vec![],
            model_snaps: vec![
                snap("bbb", Some("https://x/?a=1&b=<2>"), false),
                snap("aaa", None, true),
                snap("ccc", None, false),
            ],
            extra_snaps: vec![snap("ddd", Some("me@example.com"), true)],
            label: Some("l".into()),
            warnings: vec![],
        };
        assert_eq!(
            aux_info(&c),
            "{\"aaa\":{\"private\":true},\"bbb\":{\"contact\":\"https://x/?a=1\\u0026b=\\u003c2\\u003e\"},\"ddd\":{\"private\":true,\"contact\":\"mailto:me@example.com\"}}\n"
        );
    }
}
