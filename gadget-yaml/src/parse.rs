//! snapd's `InfoFromGadgetYaml`: decode, check defaults and connections, apply implicit
//! values (schema, roles, labels, offsets), order structures by offset, validate each volume
//! and count bootloaders. Volumes are processed in name order (Go's map order is random).

use std::collections::{BTreeMap, BTreeSet};

use crate::decode::{Decoder, Fault, RawInfo, normalize_stanza};
use crate::error::GadgetError;
use crate::info::*;
use crate::model::{Model, ModelGrade, Ruleset, classic_or_undetermined, ruleset};
use crate::quantity::MIB;
use crate::structure::{Failure, structure_label, validate_volume};
use ucore_go_text::quote;

impl GadgetInfo {
    /// Parses gadget.yaml text as snapd's `InfoFromGadgetYaml` does under `model`
    /// (`None`: no model). Errors carry snapd's text and the YAML line and column.
    pub fn parse(text: &str, model: Option<&dyn Model>) -> Result<GadgetInfo, GadgetError> {
        GadgetInfo::from_root(ucore_go_yaml::load(text), model)
    }

    /// Parses raw bytes; text that is not UTF-8 is a syntax error, as libyaml's reader
    /// refuses it.
    pub fn parse_bytes(bytes: &[u8], model: Option<&dyn Model>) -> Result<GadgetInfo, GadgetError> {
        GadgetInfo::from_root(ucore_go_yaml::load_bytes(bytes), model)
    }

    /// `InfoFromGadgetYaml` on the loaded YAML document.
    fn from_root(
        root: Result<Option<ucore_go_yaml::Node>, ucore_go_yaml::SyntaxError>,
        model: Option<&dyn Model>,
    ) -> Result<GadgetInfo, GadgetError> {
        let root = root.map_err(|e| GadgetError::Syntax {
            yaml: e.yaml_v2_text().to_string(),
            message: e.message,
            position: e.pos,
        })?;
        let mut decoder = Decoder::new();
        let raw = match &root {
            None => RawInfo::default(),
            Some(node) => decoder.info(node).map_err(|f| fault_error(f, true))?,
        };
        if let Some(first) = decoder.type_errors.first() {
            let list: Vec<&str> = decoder
                .type_errors
                .iter()
                .map(|f| f.message.as_str())
                .collect();
            return Err(GadgetError::Parse {
                message: format!(
                    "cannot parse gadget metadata: yaml: unmarshal errors:\n  {}",
                    list.join("\n  ")
                ),
                path: first.path.clone(),
                position: Some(first.pos),
            });
        }
        let mut info = GadgetInfo {
            positions: decoder.positions,
            ..GadgetInfo::default()
        };
        let fail = |info: &GadgetInfo, f: Failure| GadgetError::Parse {
            position: info.nearest_position(&f.path),
            message: f.message,
            path: f.path,
        };

        // defaults
        for (key, stanza) in &raw.defaults {
            let path = format!("defaults.{key}");
            if key != "system" && !is_snap_id(key) {
                return Err(fail(
                    &info,
                    Failure::new(
                        format!("default stanza not keyed by \"system\" or snap-id: {key}"),
                        path,
                    ),
                ));
            }
            let values = match stanza {
                None => BTreeMap::new(),
                Some(node) => normalize_stanza(node).map_err(|(shown, leaf)| {
                    fail(
                        &info,
                        Failure::new(
                            format!("default value {shown} of {}: {leaf}", quote(key)),
                            path.clone(),
                        ),
                    )
                })?,
            };
            info.defaults.insert(key.clone(), values);
        }

        // connections
        for (plug, slot, path) in &raw.connections {
            let Some(plug) = plug else {
                return Err(fail(
                    &info,
                    Failure::new(
                        "gadget connection plug cannot be empty",
                        format!("{path}.plug"),
                    ),
                ));
            };
            let slot = slot.clone().unwrap_or_else(|| ConnectionEnd {
                snap_id: "system".into(),
                name: plug.name.clone(),
            });
            info.connections.push(Connection {
                plug: plug.clone(),
                slot,
            });
        }
        info.kernel_cmdline = raw.kernel_cmdline.clone();

        if raw.volumes.is_empty() && classic_or_undetermined(model) {
            return Ok(info);
        }

        let rules = ruleset(model);
        let mut bootloaders = 0usize;
        for (name, volume) in &raw.volumes {
            let path = format!("volumes.{name}");
            let Some(volume) = volume else {
                return Err(fail(
                    &info,
                    Failure::new(format!("volume {} stanza is empty", quote(name)), path),
                ));
            };
            let mut volume = volume.clone();
            let prefix = format!("invalid volume {}: ", quote(name));
            validate_partial(&volume).map_err(|f| fail(&info, f.prefixed(&prefix)))?;
            set_implicit_for_volume(&mut volume, rules)
                .map_err(|f| fail(&info, f.prefixed(&prefix)))?;
            order_structures_by_offset(&mut volume);
            let mut warnings = Vec::new();
            validate_volume(&volume, &mut warnings)
                .map_err(|f| fail(&info, f.prefixed(&prefix)))?;
            for w in warnings {
                let position = info.nearest_position(&w.path);
                info.warnings.push(crate::Diagnostic { position, ..w });
            }
            match volume.bootloader.as_str() {
                "" => {}
                "grub" | "u-boot" | "android-boot" | "lk" => bootloaders += 1,
                "piboot" => {
                    if model.is_some_and(|m| m.grade() == ModelGrade::Unset) {
                        return Err(fail(
                            &info,
                            Failure::new(
                                "piboot bootloader valid only for UC20 onwards",
                                format!("{path}.bootloader"),
                            ),
                        ));
                    }
                    bootloaders += 1;
                }
                _ => {
                    return Err(fail(
                        &info,
                        Failure::new(
                            "bootloader must be one of grub, u-boot, android-boot, piboot or lk",
                            format!("{path}.bootloader"),
                        ),
                    ));
                }
            }
            info.volumes.insert(name.clone(), volume);
        }
        if bootloaders == 0 {
            return Err(fail(
                &info,
                Failure::new("bootloader not declared in any volume", "volumes"),
            ));
        }
        if bootloaders > 1 {
            return Err(fail(
                &info,
                Failure::new(
                    format!("too many ({bootloaders}) bootloaders declared"),
                    "volumes",
                ),
            ));
        }

        // volume-assignments
        // each assignment's volume → device map, with the first assignment that had it
        let mut seen: BTreeMap<BTreeMap<String, String>, String> = BTreeMap::new();
        for (name, assignments, path) in &raw.volume_assignments {
            let prefix = format!("volume-assignment variant {}: ", quote(name));
            if assignments.is_empty() {
                return Err(fail(
                    &info,
                    Failure::new(format!("{prefix}no assignments specified"), path.clone()),
                ));
            }
            let mut map = BTreeMap::new();
            for (vol, device) in assignments {
                let dpath = format!("{path}.assignment.{vol}");
                if !info.volumes.contains_key(vol) {
                    return Err(fail(
                        &info,
                        Failure::new(
                            format!(
                                "{prefix}volume {} is mentioned in assignment but has not been defined",
                                quote(vol)
                            ),
                            dpath,
                        ),
                    ));
                }
                let device = device.clone().unwrap_or_default();
                if !(device.starts_with("/dev/disk/by-path")
                    || device.starts_with("/dev/disk/by-id"))
                {
                    return Err(fail(
                        &info,
                        Failure::new(
                            format!(
                                "{prefix}{}: unsupported device path {}, for now only paths under /dev/disk/{{by-path,by-id}} are valid",
                                quote(vol),
                                quote(&device)
                            ),
                            format!("{dpath}.device"),
                        ),
                    ));
                }
                map.insert(vol.clone(), device);
            }
            if let Some(other) = seen.get(&map) {
                return Err(fail(
                    &info,
                    Failure::new(
                        format!("{prefix}identical to {}", quote(other)),
                        path.clone(),
                    ),
                ));
            }
            seen.insert(map.clone(), name.clone());
            info.volume_assignments.push(VolumeAssignment {
                name: name.clone(),
                assignments: map,
            });
        }
        Ok(info)
    }
}

fn fault_error(f: Fault, wrap: bool) -> GadgetError {
    GadgetError::Parse {
        message: if wrap {
            format!("cannot parse gadget metadata: {}", f.message)
        } else {
            f.message
        },
        path: f.path,
        position: Some(f.pos),
    }
}

/// `naming.ValidateSnapID`: 32 ASCII letters or digits.
fn is_snap_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

const PARTIAL_VALUES: [&str; 4] = ["size", "filesystem", "schema", "structure"];

fn validate_partial(v: &Volume) -> Result<(), Failure> {
    let mut seen = BTreeSet::new();
    for (i, p) in v.partial.iter().enumerate() {
        let path = format!("volumes.{}.partial[{i}]", v.name);
        if !seen.insert(p.as_str()) {
            return Err(Failure::new(
                format!("partial value {} is repeated", quote(p)),
                path,
            ));
        }
        if !PARTIAL_VALUES.contains(&p.as_str()) {
            return Err(Failure::new(
                format!("{} is not a valid partial value", quote(p)),
                path,
            ));
        }
    }
    if v.has_partial("schema") && !v.schema.is_empty() {
        return Err(Failure::new(
            format!(
                "partial schema is set but schema is still specified as {}",
                quote(&v.schema)
            ),
            format!("volumes.{}.schema", v.name),
        ));
    }
    Ok(())
}

/// Label uniqueness (`setKnownLabel`): exact for non-vfat, case-insensitive when vfat is
/// involved. Returns whether the label is new.
struct KnownLabels {
    known: BTreeSet<String>,
    /// `known`, lower-cased, for the vfat comparison (a scan of `known` for each vfat
    /// label would be quadratic)
    known_lower: BTreeSet<String>,
    known_vfat: BTreeSet<String>,
}

impl KnownLabels {
    fn add(&mut self, label: &str, filesystem: &str) -> bool {
        let lower = label.to_lowercase();
        if self.known_vfat.contains(&lower) {
            return false;
        }
        if matches!(filesystem, "vfat" | "vfat-16" | "vfat-32") {
            if self.known_lower.contains(&lower) {
                return false;
            }
            self.known_vfat.insert(lower);
        } else {
            if self.known.contains(label) {
                return false;
            }
            self.known.insert(label.to_string());
            self.known_lower.insert(lower);
        }
        true
    }
}

fn implicit_label(rules: Ruleset, role: &str) -> Option<&'static str> {
    match (rules, role) {
        (Ruleset::Uc16, "system-data") => Some("writable"),
        (Ruleset::Uc20, "system-data") => Some("ubuntu-data"),
        (Ruleset::Uc20, "system-seed") | (Ruleset::Uc20, "system-seed-null") => Some("ubuntu-seed"),
        (Ruleset::Uc20, "system-boot") => Some("ubuntu-boot"),
        (Ruleset::Uc20, "system-save") => Some("ubuntu-save"),
        _ => None,
    }
}

/// `setImplicitForVolume`: schema, min-size, roles, labels and offsets, in YAML order.
fn set_implicit_for_volume(v: &mut Volume, rules: Ruleset) -> Result<(), Failure> {
    if !v.has_partial("schema") && v.schema.is_empty() {
        v.schema = "gpt".into();
    }
    let mut labels = KnownLabels {
        known: BTreeSet::new(),
        known_lower: BTreeSet::new(),
        known_vfat: BTreeSet::new(),
    };
    for s in &v.structures {
        if !s.label.is_empty() && !labels.add(&s.label, &s.filesystem) {
            return Err(Failure::new(
                format!("filesystem label {} is not unique", quote(&s.label)),
                format!("{}.filesystem-label", s.yaml_path_in(&v.name)),
            ));
        }
    }
    let partial_size = v.has_partial("size");
    let is_emmc = v.schema == "emmc";
    let mut previous_end: Option<u64> = Some(0);
    let volume_name = v.name.clone();
    for (i, s) in v.structures.iter_mut().enumerate() {
        s.volume_name = volume_name.clone();
        s.yaml_index = i;
        if s.min_size == 0 {
            s.min_size = s.size;
        }
        // Implicit role and label.
        if s.role.is_empty() && s.type_ == "mbr" {
            s.role = "mbr".into();
        } else if rules == Ruleset::Uc16 && s.role.is_empty() && s.label == "system-boot" {
            s.role = "system-boot".into();
        } else if s.label.is_empty()
            && let Some(label) = implicit_label(rules, &s.role)
        {
            if !labels.add(label, &s.filesystem) {
                return Err(Failure::new(
                    format!(
                        "filesystem label {} is implied by {} role but was already set elsewhere",
                        quote(label),
                        s.role
                    ),
                    format!("{}.role", s.yaml_path()),
                ));
            }
            s.label = label.into();
        }
        if s.role == "system-boot-state" && s.offset.is_none() {
            return Err(Failure::new(
                format!(
                    "invalid structure {}: invalid role \"system-boot-state\": system-boot-state role requires explicit offset",
                    structure_label(i, &s.name)
                ),
                format!("{}.role", s.yaml_path()),
            ));
        }
        // Implicit offset.
        if s.offset.is_none()
            && let Some(end) = previous_end
        {
            s.offset = Some(if s.role != "mbr" && end < MIB {
                MIB
            } else {
                end
            });
        }
        let fixed = s.size == s.min_size && !(partial_size && s.size == 0);
        previous_end = match (s.offset, fixed) {
            (Some(o), true) => Some(o.saturating_add(s.size)),
            _ => None,
        };
        if is_emmc {
            s.offset = Some(0);
        }
    }
    Ok(())
}

/// `orderStructuresByOffset`: runs start at each structure with an offset; runs are
/// stably sorted by their first offset.
fn order_structures_by_offset(v: &mut Volume) {
    let mut runs: Vec<Vec<VolumeStructure>> = Vec::new();
    for s in std::mem::take(&mut v.structures) {
        match runs.last_mut() {
            Some(run) if s.offset.is_none() => run.push(s),
            _ => runs.push(vec![s]),
        }
    }
    runs.sort_by_key(|run| run.first().and_then(|s| s.offset).unwrap_or(0));
    v.structures = runs.into_iter().flatten().collect();
}

impl VolumeStructure {
    fn yaml_path_in(&self, volume: &str) -> String {
        format!("volumes.{volume}.structure[{}]", self.yaml_index)
    }
}
