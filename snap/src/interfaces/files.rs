//! File access plugs: `personal-files` and `system-files` list the paths they `read` and
//! `write`; `home` may only widen `read` to `all`.

use ucore_go_text::quote;

use super::paths::no_apparmor_regexp;
use crate::PlugSlot;
use crate::plug_slot::Value;
use ucore_go_text::filepath::clean;

/// The per-interface rule on each path of `personal-files` / `system-files`.
type ExtraCheck = fn(&str) -> Result<(), String>;

/// `validateSinglePath` of common_files.go.
fn validate_path(path: &str, extra: ExtraCheck) -> Result<(), String> {
    if path.ends_with('/') {
        return Err(format!(r#"{} cannot end with "/""#, quote(path)));
    }
    let cleaned = clean(path);
    if cleaned != path {
        return Err(format!(
            "cannot use {}: try {}",
            quote(path),
            quote(&cleaned)
        ));
    }
    if path.contains('~') {
        return Err(format!(r#"{} cannot contain "~""#, quote(path)));
    }
    no_apparmor_regexp(path)?;
    extra(path)
}

/// `BeforePreparePlug` of `personal-files` and `system-files`.
fn files_plug(plug: &PlugSlot, extra: ExtraCheck) -> Result<(), String> {
    let iface = plug.interface.as_str();
    let mut has_valid = false;
    for key in ["read", "write"] {
        let Some(value) = plug.attrs.get(key) else {
            continue;
        };
        let Value::List(paths) = value else {
            return Err(format!(
                "cannot add {iface} plug: {} must be a list of strings",
                quote(key)
            ));
        };
        for path in paths {
            let Value::String(path) = path else {
                return Err(format!(
                    "cannot add {iface} plug: {} must be a list of strings",
                    quote(key)
                ));
            };
            validate_path(path, extra).map_err(|e| format!("cannot add {iface} plug: {e}"))?;
        }
        has_valid = true;
    }
    if !has_valid {
        return Err(format!(
            r#"cannot add {iface} plug: needs valid "read" or "write" attribute"#
        ));
    }
    Ok(())
}

/// `personal-files` paths are under `$HOME/`, with `$HOME` only there.
fn home_path(path: &str) -> Result<(), String> {
    if !path.starts_with("$HOME/") {
        return Err(format!(r#"{} must start with "$HOME/""#, quote(path)));
    }
    if path.matches("$HOME").count() > 1 {
        return Err(format!(
            "$HOME must only be used at the start of the path of {}",
            quote(path)
        ));
    }
    Ok(())
}

/// `system-files` paths are absolute, without `$HOME`.
fn system_path(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err(format!(r#"{} must start with "/""#, quote(path)));
    }
    if path.contains("$HOME") {
        return Err(format!("$HOME cannot be used in {}", quote(path)));
    }
    Ok(())
}

/// `BeforePreparePlug` of `personal-files`.
pub fn personal_files_plug(plug: &mut PlugSlot) -> Result<(), String> {
    files_plug(plug, home_path)
}

/// `BeforePreparePlug` of `system-files`.
pub fn system_files_plug(plug: &mut PlugSlot) -> Result<(), String> {
    files_plug(plug, system_path)
}

/// `BeforePreparePlug` of `home`: `read`, when set, is `all`.
pub fn home_plug(plug: &mut PlugSlot) -> Result<(), String> {
    match plug.attrs.get("read") {
        Some(Value::String(s)) if s == "all" => Ok(()),
        None => Ok(()),
        Some(_) => Err(r#"home plug requires "read" be 'all'"#.into()),
    }
}
