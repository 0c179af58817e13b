//! Inter-process sharing: `shared-memory` (files in `/dev/shm`) and `posix-mq` (POSIX
//! message queues). Both name their share after the plug or slot unless told otherwise.

use std::sync::LazyLock;

use regex::Regex;
use ucore_go_text::quote;

use super::SnapContext;
use super::attrs::{AttrError, Target, attr, default_to_name, string_or_unset, strings};
use super::paths::is_clean_sub_path;
use crate::PlugSlot;
use crate::plug_slot::Value;

/// `shared-memory`'s `read`/`write` list: the strings, or snapd's text for a value that is
/// not a list of strings.
fn string_list<'a>(
    snap: &SnapContext<'_>,
    slot: &'a PlugSlot,
    key: &str,
) -> Result<Vec<&'a str>, String> {
    match attr(snap, &slot.interface, &slot.attrs, key, Target::StringList) {
        Ok(value) => Ok(strings(value)),
        Err(AttrError::NotFound(_)) => Ok(Vec::new()),
        Err(AttrError::WrongType(_)) => Err(format!(
            r#"shared-memory {} attribute must be a list of strings, not "{}""#,
            quote(key),
            slot.attrs
                .get(key)
                .map(Value::go_display)
                .unwrap_or_default()
        )),
    }
}

/// `validateSharedMemoryPath`: a name in `/dev/shm`, `*` allowed.
fn validate_shared_memory_path(path: &str) -> Result<(), String> {
    const AARE_WITHOUT_GLOB: &str = "?[]{}^\"\0";
    if path.is_empty() {
        return Err("shared-memory interface path is empty".into());
    }
    if path.trim() != path {
        return Err(format!(
            "shared-memory interface path has leading or trailing spaces: {}",
            quote(path)
        ));
    }
    if path.contains(|c| AARE_WITHOUT_GLOB.contains(c)) {
        return Err(format!(
            "shared-memory interface path is invalid: {} contains a reserved apparmor char from {AARE_WITHOUT_GLOB}",
            quote(path)
        ));
    }
    if path.contains("**") {
        return Err(format!(
            "shared-memory interface path is invalid: {} contains ** which is unsupported",
            quote(path)
        ));
    }
    if path.contains('/') {
        return Err(format!(
            "shared-memory interface path should not contain '/': {}",
            quote(path)
        ));
    }
    if !is_clean_sub_path(path) {
        return Err(format!(
            "shared-memory interface path is not clean: {}",
            quote(path)
        ));
    }
    Ok(())
}

/// `BeforePrepareSlot` of `shared-memory`: `shared-memory` defaults to the slot's name; at
/// least one valid path in `read` or `write`.
pub fn shared_memory_slot(snap: &SnapContext<'_>, slot: &mut PlugSlot) -> Result<(), String> {
    string_or_unset(&slot.attrs, "shared-memory").map_err(|v| {
        format!(r#"shared-memory "shared-memory" attribute must be a string, not {v}"#)
    })?;
    default_to_name(&mut slot.attrs, "shared-memory", &slot.name);
    let mut all = string_list(snap, slot, "read")?;
    all.extend(string_list(snap, slot, "write")?);
    if all.is_empty() {
        return Err(
            r#"shared memory interface requires at least a valid "read" or "write" attribute"#
                .into(),
        );
    }
    all.into_iter().try_for_each(validate_shared_memory_path)
}

/// `BeforePreparePlug` of `shared-memory`: `private` (a bool, default false, always set);
/// a private plug is the snap's only `shared-memory` plug or slot and names no
/// `shared-memory`, else `shared-memory` defaults to the plug's name.
pub fn shared_memory_plug(snap: &SnapContext<'_>, plug: &mut PlugSlot) -> Result<(), String> {
    let private = match plug.attrs.get("private") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(format!(
                r#"shared-memory "private" attribute must be a bool, not {}"#,
                other.go_display()
            ));
        }
    };
    plug.attrs.insert("private".into(), Value::Bool(private));
    string_or_unset(&plug.attrs, "shared-memory").map_err(|v| {
        format!(r#"shared-memory "shared-memory" attribute must be a string, not {v}"#)
    })?;
    if !private {
        default_to_name(&mut plug.attrs, "shared-memory", &plug.name);
        return Ok(());
    }
    if plug.attrs.contains_key("shared-memory") {
        return Err(r#"shared-memory "shared-memory" attribute must not be set together with "private: true""#.into());
    }
    let is_shared_memory = |(_, iface): &&(String, String)| iface == "shared-memory";
    if snap
        .plug_interfaces
        .iter()
        .filter(|(name, _)| *name != plug.name)
        .any(|p| is_shared_memory(&p))
    {
        return Err(r#"shared-memory plug with "private: true" set cannot be used with other shared-memory plugs"#.into());
    }
    if snap.slot_interfaces.iter().any(|s| is_shared_memory(&s)) {
        return Err(r#"shared-memory plug with "private: true" set cannot be used with shared-memory slots"#.into());
    }
    Ok(())
}

/// The permissions a `posix-mq` slot may grant.
const POSIX_MQ_PERMISSIONS: [&str; 5] = ["open", "read", "write", "create", "delete"];

/// A message queue name: a slash and 1 to 255 non-slashes.
static POSIX_MQ_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^/[^/]{1,255}$").expect("valid regex"));

/// The `posix-mq` attribute defaults to the plug's or slot's name.
fn posix_mq_attr(def: &mut PlugSlot) -> Result<(), String> {
    string_or_unset(&def.attrs, "posix-mq")
        .map_err(|v| format!(r#"posix-mq "posix-mq" attribute must be a string, not {v}"#))?;
    default_to_name(&mut def.attrs, "posix-mq", &def.name);
    Ok(())
}

/// `BeforePreparePlug` of `posix-mq`. (snapd also refuses when the host's AppArmor lacks
/// message-queue support; Ubuntu Core's has it.)
pub fn posix_mq_plug(plug: &mut PlugSlot) -> Result<(), String> {
    posix_mq_attr(plug)
}

/// `validatePath` of posix_mq.go.
fn validate_posix_mq_path(path: &str) -> Result<(), String> {
    if !POSIX_MQ_NAME.is_match(path) {
        return Err(format!(
            r#"posix-mq "path" attribute must conform to the POSIX message queue name specifications (see "man mq_overview"): {path}"#
        ));
    }
    if path.contains(|c| super::paths::APPARMOR_RESERVED.contains(c)) {
        // snapd's text, stray quote included.
        return Err(format!(r#"posix-mq "path" attribute is invalid: {path}""#));
    }
    if !is_clean_sub_path(path) {
        return Err(format!(
            r#"posix-mq "path" attribute is not a clean path: {}"#,
            quote(path)
        ));
    }
    Ok(())
}

/// `BeforePrepareSlot` of `posix-mq`: `posix-mq` defaults to the slot's name; known
/// `permissions` (default read and write); one or more queue names in `path`.
pub fn posix_mq_slot(snap: &SnapContext<'_>, slot: &mut PlugSlot) -> Result<(), String> {
    posix_mq_attr(slot)?;
    match attr(
        snap,
        &slot.interface,
        &slot.attrs,
        "permissions",
        Target::StringList,
    ) {
        Ok(perms) => {
            if let Some(bad) = strings(perms)
                .into_iter()
                .find(|p| !POSIX_MQ_PERMISSIONS.contains(p))
            {
                return Err(format!(
                    r#"posix-mq slot permission "{bad}" not valid, must be one of [{}]"#,
                    POSIX_MQ_PERMISSIONS.join(" ")
                ));
            }
        }
        Err(AttrError::NotFound(_)) => {}
        Err(e) => return Err(e.text()),
    }
    let paths = match attr(snap, &slot.interface, &slot.attrs, "path", Target::String) {
        Ok(Value::String(path)) => vec![path.as_str()],
        Ok(_) => Vec::new(),
        Err(AttrError::NotFound(_)) => {
            return Err(r#"posix-mq slot requires the "path" attribute"#.into());
        }
        Err(AttrError::WrongType(_)) => {
            let list = attr(
                snap,
                &slot.interface,
                &slot.attrs,
                "path",
                Target::StringList,
            )
            .map_err(|e| e.text())?;
            strings(list)
        }
    };
    if paths.is_empty() {
        return Err(r#"posix-mq slot requires at least one value in the "path" attribute"#.into());
    }
    for path in paths {
        if path.is_empty() {
            return Err(r#"posix-mq slot "path" attribute values cannot be empty"#.into());
        }
        if path.starts_with('/') {
            validate_posix_mq_path(path)?;
        } else {
            validate_posix_mq_path(&format!("/{path}"))?;
        }
    }
    Ok(())
}
