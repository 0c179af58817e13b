//! Per-volume checks of snapd's `validateVolume`: name and schema, each structure
//! (size, type, role, filesystem, content, update), GPT-area warnings, name uniqueness, and
//! the cross-structure checks (mbr placement, `offset-write`, overlaps).

use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, LintCode};
use crate::info::{Volume, VolumeStructure};
use crate::quantity::{MIB, iec_string};
use ucore_go_text::quote;

/// A leaf fault and the YAML path it is about; messages are prefixed while bubbling up.
pub(crate) struct Failure {
    pub message: String,
    pub path: String,
}

impl Failure {
    pub fn new(message: impl Into<String>, path: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            path: path.into(),
        }
    }

    pub fn prefixed(self, prefix: &str) -> Self {
        Failure {
            message: format!("{prefix}{}", self.message),
            path: self.path,
        }
    }
}

pub(crate) fn structure_label(index: usize, name: &str) -> String {
    if name.is_empty() {
        format!("#{index}")
    } else {
        format!("#{index} ({})", quote(name))
    }
}

/// snapd's message for a too-small system-boot-state partition, shared with tests.
pub(crate) fn boot_state_too_small(size: u64) -> String {
    format!(
        "system-boot-state partition must be at least 1 MiB, got {}",
        iec_string(size)
    )
}

/// GUID type required by the `system-boot-state` role.
pub const BOOT_STATE_TYPE: &str = "3DE21764-95BD-54BD-A5C3-4ABE786F38A8";

const KNOWN_ROLES: [&str; 14] = [
    "",
    "mbr",
    "system-boot",
    "system-seed",
    "system-seed-null",
    "system-data",
    "system-save",
    "system-boot-state",
    "system-boot-image",
    "system-boot-select",
    "system-seed-image",
    "system-seed-select",
    "bootimg",
    "bootselect",
];

/// The longest volume name accepted: a volume's name names its image file
/// (`<volume>.img`), so no file system takes more than 255 bytes of it. snapd sets no bound;
/// ucore does, because the name is copied into each structure and YAML path of its volume,
/// and a long one made memory quadratic in the text (120 KB took 212 MB).
pub(crate) const MAX_VOLUME_NAME: usize = 255;

/// `^[a-zA-Z0-9][a-zA-Z0-9-]+$`, at most [`MAX_VOLUME_NAME`] bytes.
pub(crate) fn valid_volume_name(name: &str) -> bool {
    let b = name.as_bytes();
    (2..=MAX_VOLUME_NAME).contains(&b.len())
        && b[0].is_ascii_alphanumeric()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'-')
}

fn is_mbr_code(t: &str) -> bool {
    t.len() == 2
        && t.bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

fn is_guid(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Checks a structure `type` alone; `Ok((is_mbr, is_gpt))`.
pub(crate) fn check_type_format(t: &str) -> Result<(bool, bool), String> {
    if t.is_empty() {
        return Err("type is not specified".into());
    }
    if t == "bare" || t == "mbr" {
        return Ok((false, false));
    }
    if let Some((code, guid)) = t.split_once(',') {
        if !is_mbr_code(code) || !is_guid(guid) {
            return Err("invalid format of hybrid type".into());
        }
        return Ok((true, true));
    }
    if is_mbr_code(t) {
        return Ok((true, false));
    }
    if is_guid(t) {
        return Ok((false, true));
    }
    Err("invalid format".into())
}

fn validate_type(s: &VolumeStructure, v: &Volume) -> Result<(), String> {
    let (is_mbr, is_gpt) = check_type_format(&s.type_)?;
    let hybrid = is_mbr && is_gpt;
    if v.has_partial("schema") {
        if !hybrid && s.type_ != "bare" && s.type_ != "mbr" {
            return Err(
                "both MBR type and GUID structure type needs to be defined on partial schemas"
                    .into(),
            );
        }
        return Ok(());
    }
    if hybrid {
        return Ok(());
    }
    if is_gpt && v.schema != "gpt" {
        return Err(format!(
            "GUID structure type with non-GPT schema {}",
            quote(&v.schema)
        ));
    }
    if is_mbr && v.schema != "mbr" {
        return Err(format!(
            "MBR structure type with non-MBR schema {}",
            quote(&v.schema)
        ));
    }
    Ok(())
}

fn validate_role(s: &VolumeStructure) -> Result<(), String> {
    if s.type_ == "bare" && !(s.role.is_empty() || s.role == "mbr") {
        return Err("conflicting type: \"bare\"".into());
    }
    let role = if s.role.is_empty() && s.type_ == "mbr" {
        "mbr"
    } else {
        s.role.as_str()
    };
    if s.type_ == "mbr" && !(role.is_empty() || role == "mbr") {
        return Err("conflicting legacy type: \"mbr\"".into());
    }
    match role {
        "mbr" => {
            if s.size > 446 {
                return Err("mbr structures cannot be larger than 446 bytes".into());
            }
            if s.offset.is_some_and(|o| o != 0) {
                return Err("mbr structure must start at offset 0".into());
            }
            if !s.id.is_empty() {
                return Err("mbr structure must not specify partition ID".into());
            }
            if !s.filesystem.is_empty() && s.filesystem != "none" {
                return Err("mbr structures must not specify a file system".into());
            }
        }
        "system-boot-state" => {
            if s.min_size != s.size {
                return Err("system-boot-state role does not support min-size".into());
            }
            if s.size < MIB {
                return Err(boot_state_too_small(s.size));
            }
            if !s.filesystem.is_empty() && s.filesystem != "none" {
                return Err("system-boot-state role must have no filesystem".into());
            }
            if !s.type_.eq_ignore_ascii_case(BOOT_STATE_TYPE) {
                return Err(format!(
                    "system-boot-state role requires type {BOOT_STATE_TYPE}, got {}",
                    s.type_
                ));
            }
        }
        r if KNOWN_ROLES.contains(&r) => {}
        _ => return Err("unsupported role".into()),
    }
    Ok(())
}

fn validate_emmc_structure(s: &VolumeStructure) -> Result<(), Failure> {
    let path = s.yaml_path();
    let not_allowed = |field: &str| {
        Failure::new(
            format!("{} not allowed for emmc volume structures", quote(field)),
            format!("{path}.{field}"),
        )
    };
    if s.size != 0 {
        return Err(not_allowed("size"));
    }
    if s.min_size != 0 {
        return Err(not_allowed("min-size"));
    }
    if !s.label.is_empty() {
        return Err(not_allowed("filesystem-label"));
    }
    if s.offset.is_some_and(|o| o != 0) {
        return Err(not_allowed("offset"));
    }
    if s.offset_write.is_some() {
        return Err(not_allowed("offset-write"));
    }
    if !s.filesystem.is_empty() {
        return Err(not_allowed("filesystem"));
    }
    if !s.type_.is_empty() {
        return Err(not_allowed("type"));
    }
    if !s.id.is_empty() {
        return Err(not_allowed("id"));
    }
    if !s.role.is_empty() {
        return Err(not_allowed("role"));
    }
    for (i, c) in s.content.iter().enumerate() {
        let cpath = format!("{path}.content[{i}]");
        let fail = |m: &str| Failure::new(format!("invalid content #{i}: {m}"), cpath.clone());
        if c.offset.is_some() || c.size != 0 {
            return Err(fail("cannot specify size or offset for content"));
        }
        if !c.source.is_empty() || !c.target.is_empty() {
            return Err(fail("cannot use non-image content for hardware partitions"));
        }
        if c.image.is_empty() {
            return Err(fail("missing image file name"));
        }
    }
    Ok(())
}

/// `validateVolumeStructure`; messages without the `invalid structure` prefix.
fn validate_structure(s: &VolumeStructure, v: &Volume) -> Result<(), Failure> {
    if v.schema == "emmc" {
        return validate_emmc_structure(s);
    }
    let path = s.yaml_path();
    let partial_size = v.has_partial("size") && s.size == 0;
    if !partial_size {
        if s.size == 0 {
            return Err(Failure::new("missing size", format!("{path}.size")));
        }
        if s.min_size > s.size {
            return Err(Failure::new(
                format!("min-size ({}) is bigger than size ({})", s.min_size, s.size),
                format!("{path}.min-size"),
            ));
        }
    }
    validate_type(s, v).map_err(|e| {
        Failure::new(
            format!("invalid type {}: {e}", quote(&s.type_)),
            format!("{path}.type"),
        )
    })?;
    validate_role(s).map_err(|e| {
        let prefix = if s.role.is_empty() {
            format!("invalid implicit role {}: ", quote(&s.type_))
        } else {
            format!("invalid role {}: ", quote(&s.role))
        };
        Failure::new(format!("{prefix}{e}"), format!("{path}.role"))
    })?;
    if !matches!(
        s.filesystem.as_str(),
        "" | "none" | "ext4" | "vfat" | "vfat-16" | "vfat-32"
    ) {
        return Err(Failure::new(
            format!("invalid filesystem {}", quote(&s.filesystem)),
            format!("{path}.filesystem"),
        ));
    }
    let has_fs = s.has_filesystem(v.has_partial("filesystem"));
    for (i, c) in s.content.iter().enumerate() {
        let cpath = format!("{path}.content[{i}]");
        let fail = |m: &str| Failure::new(format!("invalid content #{i}: {m}"), cpath.clone());
        if has_fs {
            if !c.image.is_empty() || c.offset.is_some() || c.size != 0 {
                return Err(fail("cannot use image content for non-bare file system"));
            }
            if c.source.is_empty() {
                return Err(fail("missing source"));
            }
            if c.target.is_empty() {
                return Err(fail("missing target"));
            }
        } else {
            if !c.source.is_empty() || !c.target.is_empty() {
                return Err(fail("cannot use non-image content for bare file system"));
            }
            if c.image.is_empty() {
                return Err(fail("missing image file name"));
            }
        }
    }
    if !s.update.preserve.is_empty() && !has_fs {
        return Err(Failure::new(
            "preserving files during update is not supported for non-filesystem structures",
            format!("{path}.update.preserve"),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, p) in s.update.preserve.iter().enumerate() {
        if !seen.insert(p.as_str()) {
            return Err(Failure::new(
                format!("duplicate \"preserve\" entry {}", quote(p)),
                format!("{path}.update.preserve[{i}]"),
            ));
        }
    }
    Ok(())
}

/// `validateVolume` (after implicit values and ordering). GPT-area warnings go to
/// `warnings`.
pub(crate) fn validate_volume(v: &Volume, warnings: &mut Vec<Diagnostic>) -> Result<(), Failure> {
    if !valid_volume_name(&v.name) {
        return Err(Failure::new("invalid name", format!("volumes.{}", v.name)));
    }
    if !v.has_partial("schema") && !matches!(v.schema.as_str(), "gpt" | "mbr" | "emmc") {
        return Err(Failure::new(
            format!("invalid schema {}", quote(&v.schema)),
            format!("volumes.{}.schema", v.name),
        ));
    }
    let mut names = BTreeSet::new();
    for (i, s) in v.structures.iter().enumerate() {
        validate_structure(s, v).map_err(|f| {
            f.prefixed(&format!(
                "invalid structure {}: ",
                structure_label(i, &s.name)
            ))
        })?;
        if v.schema == "gpt"
            && let Some(start) = s.offset
        {
            let end = start.saturating_add(s.min_size);
            let message = if start < 17408 && end > 4096 {
                Some(format!(
                    "WARNING: invalid structure: GPT header or GPT partition table overlapped with structure {}",
                    quote(&s.name)
                ))
            } else if start < 24576 && end > 512 {
                Some(format!(
                    "WARNING: GPT header or GPT partition table might be overlapped with structure {}",
                    quote(&s.name)
                ))
            } else {
                None
            };
            if let Some(message) = message {
                warnings.push(Diagnostic {
                    message,
                    path: format!("{}.offset", s.yaml_path()),
                    position: None,
                    code: LintCode::SnapdGptOverlap,
                });
            }
        }
        if !s.name.is_empty() && !names.insert(s.name.as_str()) {
            return Err(Failure::new(
                format!("structure name {} is not unique", quote(&s.name)),
                format!("{}.name", s.yaml_path()),
            ));
        }
    }
    if v.schema != "emmc" {
        validate_cross_structure(v)?;
    }
    Ok(())
}

fn validate_cross_structure(v: &Volume) -> Result<(), Failure> {
    let Some(first) = v.structures.first() else {
        return Ok(());
    };
    let mut previous_end: u64 = 0;
    let mut previous: Option<&VolumeStructure> = None;
    // walks every structure: once, not once for each offset-write
    let volume_min_size = v.min_size();
    for s in &v.structures {
        let path = s.yaml_path();
        let name = quote(&s.name);
        if s.is_mbr() && s.offset != Some(0) {
            return Err(Failure::new(
                format!("structure {name} has \"mbr\" role and must start at offset 0"),
                format!("{path}.offset"),
            ));
        }
        if let Some(ow) = &s.offset_write {
            let wpath = format!("{path}.offset-write");
            let end = ow.offset.saturating_add(4);
            if !ow.relative_to.is_empty() {
                let r = quote(&ow.relative_to);
                if ow.relative_to != first.name {
                    return Err(Failure::new(
                        format!("structure {name} refers to an unexpected structure {r}"),
                        wpath,
                    ));
                }
                if first.offset != Some(0) {
                    return Err(Failure::new(
                        format!(
                            "structure {name} refers to structure {r}, which does not have 0 offset"
                        ),
                        wpath,
                    ));
                }
                if end > first.min_size {
                    return Err(Failure::new(
                        format!(
                            "structure {name} wants to write offset of 4 bytes to {}, outside of referred structure {r}",
                            ow.offset
                        ),
                        wpath,
                    ));
                }
            } else if end > volume_min_size {
                return Err(Failure::new(
                    format!(
                        "structure {name} wants to write offset of 4 bytes to {}, outside of volume of min size {}",
                        ow.offset,
                        v.min_size()
                    ),
                    wpath,
                ));
            }
        }
        match s.offset {
            Some(o) => {
                if o < previous_end {
                    let prev = previous.map(|p| p.name.as_str()).unwrap_or("");
                    return Err(Failure::new(
                        format!(
                            "structure {name} overlaps with the preceding structure {}",
                            quote(prev)
                        ),
                        format!("{path}.offset"),
                    ));
                }
                previous_end = o.saturating_add(s.size);
            }
            None => previous_end = previous_end.saturating_add(s.size),
        }
        previous = Some(s);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // TestValidateStructureType rows (format only; schema rows are in tests/conformance.rs).
    #[test]
    fn type_formats() {
        let ok = [
            "bare",
            "mbr",
            "83",
            "0C",
            "EF,C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
            "0fc63daf-8483-4772-8e79-3d69d8477de4",
            "21686148-6449-6E6F-744E-656564454649",
        ];
        for t in ok {
            assert!(check_type_format(t).is_ok(), "{t}");
        }
        let bad = [
            ("", "type is not specified"),
            ("0c", "invalid format"),
            ("1e", "invalid format"),
            ("MBR", "invalid format"),
            ("Bare", "invalid format"),
            ("0x0C", "invalid format"),
            ("{21686148-6449-6E6F-744E-656564454649}", "invalid format"),
            (" 83", "invalid format"),
            ("123", "invalid format"),
            (
                "8,21686148-6449-6E6F-744E-656564454649",
                "invalid format of hybrid type",
            ),
            (
                "ef,21686148-6449-6E6F-744E-656564454649",
                "invalid format of hybrid type",
            ),
            (
                "EF,21686148-6449-6E6F-744E",
                "invalid format of hybrid type",
            ),
            ("EF,", "invalid format of hybrid type"),
            (
                ",21686148-6449-6E6F-744E-656564454649",
                "invalid format of hybrid type",
            ),
        ];
        for (t, e) in bad {
            assert_eq!(check_type_format(t), Err(e.to_string()), "{t:?}");
        }
    }

    // TestValidateVolumeName rows.
    #[test]
    fn volume_names() {
        for ok in ["valid", "v-a-l-i-d", "pc", "pc-2", "aaa", "Foo1", "123"] {
            assert!(valid_volume_name(ok), "{ok}");
        }
        for bad in [
            "", "a", "-valid", "in valid", "in_valid", "in/valid", "é-bad", "pc.2",
        ] {
            assert!(!valid_volume_name(bad), "{bad}");
        }
    }
}
