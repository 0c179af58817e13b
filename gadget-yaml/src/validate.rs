//! snapd's `Validate` (roles and labels across volumes, against the model) and
//! `ValidateContent` (content files in an unpacked gadget directory).

use std::path::Path;

use crate::error::GadgetError;
use crate::info::{GadgetInfo, VolumeStructure};
use crate::model::{Model, ModelGrade};
use crate::structure::structure_label;
use ucore_go_text::quote;

/// Extra requirements of [`validate`] (snapd's `ValidationConstraints`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ValidationConstraints {
    /// The device will encrypt its data: needs modes and a `system-save` structure.
    pub encrypted_data: bool,
}

const UNIQUE_ROLES: [&str; 6] = [
    "system-seed",
    "system-seed-null",
    "system-boot",
    "system-data",
    "system-save",
    "system-boot-state",
];

/// A structure found by role, with its volume.
#[derive(Clone, Copy)]
struct Found<'a> {
    volume: &'a str,
    structure: &'a VolumeStructure,
}

impl GadgetInfo {
    fn fail_validate(&self, message: String, path: String) -> GadgetError {
        GadgetError::Validate {
            position: self.nearest_position(&path),
            message,
            path,
        }
    }

    fn fail_content(&self, message: String, path: String) -> GadgetError {
        GadgetError::Content {
            position: self.nearest_position(&path),
            message,
            path,
        }
    }
}

/// `HasLabel`: case-insensitive for vfat filesystems, exact otherwise.
fn has_label(s: &VolumeStructure, label: &str) -> bool {
    if s.linux_filesystem() == "vfat" {
        s.label.eq_ignore_ascii_case(label)
    } else {
        s.label == label
    }
}

/// snapd's `Validate`: role and label rules across all volumes under `model`.
pub fn validate(
    info: &GadgetInfo,
    model: Option<&dyn Model>,
    constraints: Option<&ValidationConstraints>,
) -> Result<(), GadgetError> {
    let across = if info.volumes.len() != 1 {
        " across volumes"
    } else {
        ""
    };
    let mut found: std::collections::BTreeMap<&str, Found> = std::collections::BTreeMap::new();
    for (vname, v) in &info.volumes {
        for s in &v.structures {
            if !UNIQUE_ROLES.contains(&s.role.as_str()) {
                continue;
            }
            let path = format!("{}.role", s.yaml_path());
            if found.contains_key(s.role.as_str()) {
                return Err(info.fail_validate(
                    format!(
                        "cannot have more than one partition with {} role{across}",
                        s.role
                    ),
                    path,
                ));
            }
            let is_seed = |r: &str| r == "system-seed" || r == "system-seed-null";
            if is_seed(&s.role) && found.keys().any(|r| is_seed(r)) {
                return Err(info.fail_validate(
                    format!(
                        "cannot have more than one partition with system-seed/system-seed-null role{across}"
                    ),
                    path,
                ));
            }
            found.insert(
                s.role.as_str(),
                Found {
                    volume: vname,
                    structure: s,
                },
            );
        }
    }
    let (has_modes, classic_with_modes) = match model {
        Some(m) => {
            let modes = m.grade() != ModelGrade::Unset;
            (modes, m.classic() && modes)
        }
        None => (
            found.contains_key("system-seed") || found.contains_key("system-seed-null"),
            found.contains_key("system-seed-null"),
        ),
    };

    let reserved: &[&str] = if has_modes {
        &["ubuntu-boot", "ubuntu-seed", "ubuntu-data", "ubuntu-save"]
    } else {
        &["ubuntu-seed", "ubuntu-data"]
    };
    for (vname, v) in &info.volumes {
        for (i, s) in v.structures.iter().enumerate() {
            if s.role.is_empty() && !s.label.is_empty() && reserved.iter().any(|l| has_label(s, l))
            {
                return Err(info.fail_validate(
                    format!(
                        "invalid volume {}: invalid structure {}: label {} is reserved",
                        quote(vname),
                        structure_label(i, &s.name),
                        quote(&s.label)
                    ),
                    format!("{}.filesystem-label", s.yaml_path()),
                ));
            }
        }
        if v.schema == "emmc" {
            for (field, set) in [
                ("bootloader", !v.bootloader.is_empty()),
                ("id", !v.id.is_empty()),
                ("partial", !v.partial.is_empty()),
            ] {
                if set {
                    return Err(info.fail_validate(
                        format!("cannot set {} for eMMC schemas", quote(field)),
                        format!("volumes.{vname}.{field}"),
                    ));
                }
            }
            for s in &v.structures {
                if s.name != "boot0" && s.name != "boot1" {
                    return Err(info.fail_validate(
                        format!(
                            "cannot use {} as emmc name, only [\"boot0\" \"boot1\"] is allowed",
                            quote(&s.name)
                        ),
                        format!("{}.name", s.yaml_path()),
                    ));
                }
            }
        }
    }

    let label_check = |role: &str, f: Option<Found>, expected: &str| -> Result<(), GadgetError> {
        let Some(f) = f else { return Ok(()) };
        let s = f.structure;
        if s.label.is_empty() || has_label(s, expected) {
            return Ok(());
        }
        Err(info.fail_validate(
            format!(
                "{role} structure must have an implicit label or {}, not {}",
                quote(expected),
                quote(&s.label)
            ),
            format!("{}.filesystem-label", s.yaml_path()),
        ))
    };
    let get = |r: &str| found.get(r).copied();
    let seed = get("system-seed");
    let seed_null = get("system-seed-null");
    let boot = get("system-boot");
    let data = get("system-data");
    let save = get("system-save");

    if classic_with_modes {
        let (Some(b), Some(_)) = (boot, data) else {
            return Err(info.fail_validate(
                "system-boot and system-data roles are needed on classic".into(),
                "volumes".into(),
            ));
        };
        label_check("system-boot", boot, "ubuntu-boot")?;
        label_check("system-data", data, "ubuntu-data")?;
        label_check("system-seed", seed, "ubuntu-seed")?;
        label_check("system-seed-null", seed_null, "ubuntu-seed")?;
        label_check("system-save", save, "ubuntu-save")?;
        for (role, f) in [
            ("system-seed", seed),
            ("system-seed-null", seed_null),
            ("system-save", save),
        ] {
            if let Some(f) = f
                && f.volume != b.volume
            {
                return Err(info.fail_validate(
                    format!("system-boot and {role} are expected to share the same volume"),
                    format!("{}.role", f.structure.yaml_path()),
                ));
            }
        }
    } else {
        let seed_expected = has_modes;
        match (seed, data) {
            (None, None) => {
                if seed_expected {
                    return Err(info.fail_validate(
                        "model requires system-seed partition, but no system-seed or system-data partition found".into(),
                        "volumes".into(),
                    ));
                }
            }
            (Some(s), None) => {
                return Err(info.fail_validate(
                    "the system-seed role requires system-data to be defined".into(),
                    format!("{}.role", s.structure.yaml_path()),
                ));
            }
            (None, Some(_)) => {
                if seed_expected {
                    return Err(info.fail_validate(
                        "model requires system-seed structure, but none was found".into(),
                        "volumes".into(),
                    ));
                }
                label_check("system-data", data, "writable")?;
            }
            (Some(s), Some(_)) => {
                if !seed_expected {
                    return Err(info.fail_validate(
                        "model does not support the system-seed role".into(),
                        format!("{}.role", s.structure.yaml_path()),
                    ));
                }
                label_check("system-data", data, "ubuntu-data")?;
                label_check("system-seed", seed, "ubuntu-seed")?;
            }
        }
        if let Some(sv) = save {
            if !has_modes {
                return Err(info.fail_validate(
                    "model does not support the system-save role".into(),
                    format!("{}.role", sv.structure.yaml_path()),
                ));
            }
            label_check("system-save", save, "ubuntu-save")?;
        }
        if has_modes && let Some(sd) = seed {
            for f in [boot, data, save].into_iter().flatten() {
                if f.volume != sd.volume {
                    return Err(info.fail_validate(
                        "system-boot, system-data, and system-save are expected to share the same volume as system-seed".into(),
                        format!("{}.role", f.structure.yaml_path()),
                    ));
                }
            }
        }
    }

    if constraints.is_some_and(|c| c.encrypted_data) {
        if !has_modes {
            return Err(info.fail_validate(
                "internal error: cannot support encrypted data in a system without modes".into(),
                "volumes".into(),
            ));
        }
        if save.is_none() {
            return Err(info.fail_validate(
                "gadget does not support encrypted data: required partition with system-save role is missing".into(),
                "volumes".into(),
            ));
        }
    }
    Ok(())
}

/// Syntax of a `$kernel:<asset>/<path>` reference (`splitKernelRef`).
pub fn split_kernel_ref(source: &str) -> Result<(String, String), String> {
    let Some(rest) = source.strip_prefix("$kernel:") else {
        return Err(format!(
            "internal error: not a kernel ref {}",
            quote(source)
        ));
    };
    let Some((asset, content)) = rest.split_once('/') else {
        return Err(format!(
            "invalid asset and content in kernel ref {}",
            quote(source)
        ));
    };
    if asset.is_empty() || content.is_empty() {
        return Err(format!(
            "missing asset name or content in kernel ref {}",
            quote(source)
        ));
    }
    let trimmed = content.trim_end_matches('/');
    if trimmed.is_empty()
        || trimmed
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Err(format!("invalid content in kernel ref {}", quote(source)));
    }
    let b = asset.as_bytes();
    let valid_asset = b
        .first()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-');
    if !valid_asset {
        return Err(format!(
            "invalid asset name in kernel ref {}",
            quote(source)
        ));
    }
    Ok((asset.to_string(), content.to_string()))
}

/// snapd's `ValidateContent` without a kernel: raw images exist and fit their declared
/// size, filesystem sources exist (a trailing `/` must be a directory), `$kernel:` refs are
/// well formed.
pub fn validate_content(info: &GadgetInfo, gadget_dir: &Path) -> Result<(), GadgetError> {
    for v in info.volumes.values() {
        let partial_fs = v.has_partial("filesystem");
        for s in &v.structures {
            let label = s.describe();
            for (i, c) in s.content.iter().enumerate() {
                let cpath = format!("{}.content[{i}]", s.yaml_path());
                if !s.has_filesystem(partial_fs) {
                    if c.image.is_empty() {
                        continue;
                    }
                    let file = gadget_dir.join(&c.image);
                    let meta = std::fs::metadata(&file).map_err(|e| {
                        info.fail_content(
                            format!(
                                "structure {label}: content {}: stat {}: {}",
                                quote(&c.image),
                                file.display(),
                                ucore_go_text::os::error_text(&e)
                            ),
                            format!("{cpath}.image"),
                        )
                    })?;
                    if c.size != 0 && meta.len() > c.size {
                        return Err(info.fail_content(
                            format!(
                                "structure {label}: content {} size {} is larger than declared {}",
                                quote(&c.image),
                                meta.len(),
                                c.size
                            ),
                            format!("{cpath}.size"),
                        ));
                    }
                } else if c.source.starts_with("$kernel:") {
                    split_kernel_ref(&c.source).map_err(|e| {
                        info.fail_content(
                            format!("structure {label}, content source:{}: {e}", c.source),
                            format!("{cpath}.source"),
                        )
                    })?;
                } else {
                    let file = gadget_dir.join(&c.source);
                    let ok = if c.source.ends_with('/') {
                        file.is_dir()
                    } else {
                        file.exists()
                    };
                    if !ok {
                        return Err(info.fail_content(
                            format!(
                                "structure {label}, content source:{}: source path does not exist",
                                c.source
                            ),
                            format!("{cpath}.source"),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_refs() {
        assert_eq!(
            split_kernel_ref("$kernel:dtbs/dtbs/"),
            Ok(("dtbs".into(), "dtbs/".into()))
        );
        assert!(split_kernel_ref("$kernel:dtbs").is_err());
        assert!(split_kernel_ref("$kernel:/x").is_err());
        assert!(split_kernel_ref("$kernel:a/../x").is_err());
        assert!(split_kernel_ref("$kernel:Bad/x").is_err());
    }
}
