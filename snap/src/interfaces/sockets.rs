//! Slots that name a socket: `cups`'s `cups-socket-directory` (in `$SNAP_COMMON` or
//! `$SNAP_DATA`) and `pkcs11`'s `pkcs11-socket` (in `/run/p11-kit`).

use ucore_go_text::quote;

use super::SnapContext;
use super::attrs::attr_string;
use super::paths::{is_clean_sub_path, no_apparmor_regexp};
use crate::PlugSlot;
use crate::plug_slot::Value;
use ucore_go_text::filepath::dir;

/// `snap.ValidatePathVariables`: only `$SNAP`, `$SNAP_DATA` and `$SNAP_COMMON`.
pub fn validate_path_variables(path: &str) -> Result<(), String> {
    let mut rest = path;
    while let Some(start) = rest.find('$') {
        let after = rest.get(start + 1..).unwrap_or("");
        let end = after
            .find(|c: char| !(c.is_ascii_alphabetic() || c == '_'))
            .unwrap_or(after.len());
        let name = after.get(..end).unwrap_or("");
        if !matches!(name, "SNAP" | "SNAP_DATA" | "SNAP_COMMON") {
            return Err(format!(
                "reference to unknown variable {}",
                quote(&format!("${name}"))
            ));
        }
        rest = after.get(end..).unwrap_or("");
    }
    Ok(())
}

/// `BeforePrepareSlot` of `cups`: no `cups-socket-directory` (a legacy slot), or a clean
/// directory under `$SNAP_COMMON` or `$SNAP_DATA`.
pub fn cups_slot(snap: &SnapContext<'_>, slot: &mut PlugSlot) -> Result<(), String> {
    if !slot.attrs.contains_key("cups-socket-directory") {
        return Ok(());
    }
    let dir = attr_string(snap, &slot.interface, &slot.attrs, "cups-socket-directory")
        .map_err(|e| e.text())?;
    no_apparmor_regexp(dir).map_err(|e| format!("cups-socket-directory is not usable: {e}"))?;
    if !is_clean_sub_path(dir) {
        return Err(format!(
            "cups-socket-directory is not clean: {}",
            quote(dir)
        ));
    }
    if !dir.starts_with("$SNAP_COMMON") && !dir.starts_with("$SNAP_DATA") {
        return Err(
            "cups-socket-directory must be a directory of $SNAP_COMMON or $SNAP_DATA".into(),
        );
    }
    validate_path_variables(dir)
}

/// `BeforePrepareSlot` of `pkcs11`: `pkcs11-socket` is a clean path in `/run/p11-kit`.
pub fn pkcs11_slot(slot: &mut PlugSlot) -> Result<(), String> {
    let socket = match slot.attrs.get("pkcs11-socket") {
        None => return Err(r#"cannot use pkcs11 slot without "pkcs11-socket" attribute"#.into()),
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return Err(format!(
                r#"pkcs11 slot "pkcs11-socket" attribute must be a string, not {}"#,
                other.go_display()
            ));
        }
    };
    if !is_clean_sub_path(socket) {
        return Err(format!(
            "pkcs11 unix socket path is not clean: {}",
            quote(socket)
        ));
    }
    if dir(socket) != "/run/p11-kit" {
        return Err(format!(
            "pkcs11 unix socket has to be in the /run/p11-kit directory: {}",
            quote(socket)
        ));
    }
    no_apparmor_regexp(socket).map_err(|e| format!("pkcs11 unix socket path is invalid: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_variables() {
        assert!(validate_path_variables("$SNAP_DATA/x/$SNAP").is_ok());
        assert_eq!(
            validate_path_variables("$SNAP_COMMON/$HOME").unwrap_err(),
            r#"reference to unknown variable "$HOME""#
        );
        assert_eq!(
            validate_path_variables("$SNAP_DATA/$").unwrap_err(),
            r#"reference to unknown variable "$""#
        );
    }
}
