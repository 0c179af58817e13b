//! The `custom-device` interface: a slot lists device nodes (`devices`, `read-devices`),
//! other files (`files: {read, write}`) and udev tagging rules; the `custom-device` tag
//! defaults to the plug's or slot's name. (Where snapd walks a Go map, in random order,
//! this walks it sorted: with several bad entries the text is one snapd may give.)

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use ucore_go_text::quote;

use super::SnapContext;
use super::attrs::{AttrError, Target, attr, default_to_name, string_or_unset, strings};
use super::path_pattern;
use super::paths::is_clean_sub_path;
use crate::PlugSlot;
use crate::plug_slot::Value;

static FILE_PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^/[^"@]*$"#).expect("valid regex"));
static DEVICE_PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^/dev/[^"|{}\\]+$"#).expect("valid regex"));
static UDEV_VALUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^[^"{}\\]+$"#).expect("valid regex"));

/// `validateFilePath`.
fn validate_file_path(path: &str, attr_name: &str) -> Result<(), String> {
    let name = quote(attr_name);
    if !FILE_PATH.is_match(path) {
        return Err(format!(
            "custom-device {name} path must start with / and cannot contain special characters: {}",
            quote(path)
        ));
    }
    if !is_clean_sub_path(path) {
        return Err(format!(
            "custom-device {name} path is not clean: {}",
            quote(path)
        ));
    }
    path_pattern::validate(path)
        .map_err(|e| format!("custom-device {name} path cannot be used: {e}"))?;
    if path.contains("**") {
        return Err(format!(
            r#"custom-device {name} path contains invalid glob pattern "**""#
        ));
    }
    Ok(())
}

/// `validateDevice`.
fn validate_device(path: &str, attr_name: &str) -> Result<(), String> {
    if !DEVICE_PATH.is_match(path) {
        return Err(format!(
            "custom-device {} path must start with /dev/ and cannot contain special characters: {}",
            quote(attr_name),
            quote(path)
        ));
    }
    validate_file_path(path, attr_name)
}

/// `slot.Attr(key, &target)` where a missing attribute is fine: `None` then.
fn optional<'v>(
    snap: &SnapContext<'_>,
    slot: &'v PlugSlot,
    key: &str,
    target: Target,
) -> Result<Option<&'v Value>, String> {
    match attr(snap, &slot.interface, &slot.attrs, key, target) {
        Ok(value) => Ok(Some(value)),
        Err(AttrError::NotFound(_)) => Ok(None),
        Err(e) => Err(e.text()),
    }
}

/// `validateUDevValue`.
fn validate_udev_value(value: &Value) -> Result<(), String> {
    let Value::String(text) = value else {
        return Err(format!(r#"value "{}" is not a string"#, value.go_display()));
    };
    if !UDEV_VALUE.is_match(text) {
        return Err(format!(r#"value "{text}" contains invalid characters"#));
    }
    Ok(())
}

/// `validateUDevValueMap`.
fn validate_udev_value_map(value: &Value) -> Result<(), String> {
    let Value::Map(map) = value else {
        return Err(format!(r#"value "{}" is not a map"#, value.go_display()));
    };
    for (key, value) in map {
        if !UDEV_VALUE.is_match(key) {
            return Err(format!(r#"key "{key}" contains invalid characters"#));
        }
        validate_udev_value(value)?;
    }
    Ok(())
}

/// `validateUDevTaggingRule`: known keys, and a `kernel` naming one of the devices.
fn validate_udev_rule(rule: &BTreeMap<String, Value>, devices: &[&str]) -> Result<(), String> {
    let mut has_kernel = false;
    for (key, value) in rule {
        let checked = match key.as_str() {
            "subsystem" => validate_udev_value(value),
            "kernel" => {
                has_kernel = true;
                validate_udev_value(value).and_then(|()| match value {
                    Value::String(name) if !devices.contains(&format!("/dev/{name}").as_str()) => {
                        Err(format!("{} does not match a specified device", quote(name)))
                    }
                    _ => Ok(()),
                })
            }
            "attributes" | "environment" => validate_udev_value_map(value),
            _ => Err("unknown tag".to_string()),
        };
        checked.map_err(|e| {
            format!(
                r#"custom-device "udev-tagging" invalid {} tag: {e}"#,
                quote(key)
            )
        })?;
    }
    if !has_kernel {
        return Err(r#"custom-device udev tagging rule missing mandatory "kernel" key"#.into());
    }
    Ok(())
}

/// `BeforePrepareSlot` of `custom-device`.
pub fn slot(snap: &SnapContext<'_>, slot: &mut PlugSlot) -> Result<(), String> {
    string_or_unset(&slot.attrs, "custom-device").map_err(|v| {
        format!(r#"custom-device "custom-device" attribute must be a string, not {v}"#)
    })?;
    default_to_name(&mut slot.attrs, "custom-device", &slot.name);
    let slot = &*slot;

    let devices = optional(snap, slot, "devices", Target::StringList)?
        .map(strings)
        .unwrap_or_default();
    for device in &devices {
        validate_device(device, "devices")?;
    }
    let read_devices = optional(snap, slot, "read-devices", Target::StringList)?
        .map(strings)
        .unwrap_or_default();
    for device in &read_devices {
        validate_device(device, "read-devices")?;
        if devices.contains(device) {
            return Err(format!(
                r#"cannot specify path {} both in "devices" and "read-devices" attributes"#,
                quote(device)
            ));
        }
    }
    let mut all_devices = devices;
    all_devices.extend(read_devices);

    let files = match optional(snap, slot, "files", Target::StringListMap)? {
        Some(Value::Map(files)) => Some(files),
        _ => None,
    };
    for (key, paths) in files.into_iter().flatten() {
        if key != "read" && key != "write" {
            return Err(format!(
                r#"cannot specify {} in "files" section, only "read" and "write" allowed"#,
                quote(key)
            ));
        }
        for path in strings(paths) {
            validate_file_path(path, key)?;
        }
    }
    if all_devices.is_empty() && files.is_none_or(BTreeMap::is_empty) {
        return Err("cannot use custom-device slot without any files or devices".into());
    }

    if let Some(Value::List(rules)) = optional(snap, slot, "udev-tagging", Target::MapList)? {
        for rule in rules {
            if let Value::Map(rule) = rule {
                validate_udev_rule(rule, &all_devices)?;
            }
        }
    }
    Ok(())
}

/// `BeforePreparePlug` of `custom-device`: the tag defaults to the plug's name.
pub fn plug(plug: &mut PlugSlot) -> Result<(), String> {
    string_or_unset(&plug.attrs, "custom-device").map_err(|v| {
        format!(r#"custom-device "custom-device" attribute must be a string, not {v}"#)
    })?;
    default_to_name(&mut plug.attrs, "custom-device", &plug.name);
    Ok(())
}
