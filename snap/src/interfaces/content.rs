//! The `content` interface: the `content` tag defaults to the plug's or slot's name; a
//! slot shares `read`/`write` paths (or `source.read`/`source.write`), a plug mounts them
//! at `target`.

use ucore_go_text::quote;

use super::attrs::{default_to_name, string_attr};
use super::paths::{is_clean_sub_path, no_apparmor_regexp};
use crate::PlugSlot;
use crate::plug_slot::Value;

/// `validatePath` of content.go.
fn validate_path(path: &str) -> Result<(), String> {
    no_apparmor_regexp(path).map_err(|e| format!("content interface path is invalid: {e}"))?;
    if !is_clean_sub_path(path) {
        return Err(format!(
            "content interface path is not clean: {}",
            quote(path)
        ));
    }
    Ok(())
}

/// The slot's `read` or `write` paths: under `source` when `source` is a map, else the
/// legacy top-level attribute; none unless every entry is a string.
fn paths<'a>(slot: &'a PlugSlot, which: &str) -> Vec<&'a str> {
    let list = match slot.attrs.get("source") {
        Some(Value::Map(source)) => source.get(which),
        _ => slot.attrs.get(which),
    };
    let Some(Value::List(items)) = list else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::String(s) => out.push(s.as_str()),
            _ => return Vec::new(),
        }
    }
    out
}

/// `BeforePrepareSlot` of `content`.
pub fn slot(slot: &mut PlugSlot) -> Result<(), String> {
    default_to_name(&mut slot.attrs, "content", &slot.name);
    if slot.attrs.contains_key("source") {
        for legacy in ["read", "write"] {
            if slot.attrs.contains_key(legacy) {
                return Err(format!(
                    r#"move the "{legacy}" attribute into the "source" section"#
                ));
            }
        }
    }
    let mut all = paths(slot, "read");
    all.extend(paths(slot, "write"));
    if all.is_empty() {
        return Err("read or write path must be set".into());
    }
    all.into_iter().try_for_each(validate_path)
}

/// `BeforePreparePlug` of `content`.
pub fn plug(plug: &mut PlugSlot) -> Result<(), String> {
    default_to_name(&mut plug.attrs, "content", &plug.name);
    match string_attr(&plug.attrs, "target") {
        Some(target) if !target.is_empty() => validate_path(target),
        _ => Err("content plug must contain target path".into()),
    }
}
