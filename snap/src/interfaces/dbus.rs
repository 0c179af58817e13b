//! D-Bus names: the `dbus` interface's `bus` and well-known `name`, `mpris`'s name
//! element and `polkit`'s `action-prefix`.

use std::sync::LazyLock;

use regex::Regex;
use ucore_go_text::quote;

use super::SnapContext;
use super::attrs::attr_string;
use crate::PlugSlot;
use crate::plug_slot::Value;

static BUS_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-zA-Z_-][a-zA-Z0-9_-]*(\.[a-zA-Z_-][a-zA-Z0-9_-]*)+$").expect("valid regex")
});
static ENDS_WITH_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"-[0-9]+$").expect("valid regex"));
static DBUS_ELEMENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-zA-Z0-9_-]*$").expect("valid regex"));

/// `interfaces.ValidateDBusBusName`.
pub fn validate_bus_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("DBus bus name must be set".into());
    }
    if name.len() > 255 {
        return Err("DBus bus name is too long (must be <= 255)".into());
    }
    if !BUS_NAME.is_match(name) {
        return Err(format!("invalid DBus bus name: {}", quote(name)));
    }
    Ok(())
}

/// `BeforePreparePlug` and `BeforePrepareSlot` of `dbus`: `bus` is `session` or `system`,
/// `name` a bus name not ending in `-NUMBER`.
pub fn dbus(snap: &SnapContext<'_>, def: &mut PlugSlot) -> Result<(), String> {
    let bus = attr_string(snap, &def.interface, &def.attrs, "bus")
        .map_err(|_| "cannot find attribute 'bus'".to_string())?;
    if bus != "session" && bus != "system" {
        return Err(format!("bus '{bus}' must be one of 'session' or 'system'"));
    }
    let name = attr_string(snap, &def.interface, &def.attrs, "name")
        .map_err(|_| "cannot find attribute 'name'".to_string())?;
    validate_bus_name(name)?;
    if ENDS_WITH_NUMBER.is_match(name) {
        return Err("DBus bus name must not end with -NUMBER".into());
    }
    Ok(())
}

/// `BeforePrepareSlot` of `mpris`: only a `name` attribute, a D-Bus name element. (snapd
/// walks the attributes in Go's random map order; with several bad ones this reports
/// the first in sorted order, one of the texts snapd may give.)
pub fn mpris_slot(slot: &mut PlugSlot) -> Result<(), String> {
    for (key, value) in &slot.attrs {
        if key != "name" {
            return Err(format!("unknown attribute '{key}'"));
        }
        let Value::String(name) = value else {
            return Err(format!(
                "name element {} is not a string",
                value.go_display()
            ));
        };
        if !DBUS_ELEMENT.is_match(name) {
            return Err(format!("invalid name element: {}", quote(name)));
        }
    }
    Ok(())
}

/// `BeforePreparePlug` of `polkit`: `action-prefix` is a D-Bus bus name.
pub fn polkit_plug(snap: &SnapContext<'_>, plug: &mut PlugSlot) -> Result<(), String> {
    let prefix =
        attr_string(snap, &plug.interface, &plug.attrs, "action-prefix").map_err(|e| e.text())?;
    validate_bus_name(prefix)
        .map_err(|_| format!("plug has invalid action-prefix: {}", quote(prefix)))
}
