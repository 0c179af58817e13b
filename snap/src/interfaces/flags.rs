//! Plugs whose only check is the type or word of one attribute: `browser-support`'s
//! `allow-sandbox`, `docker-support`'s `privileged-containers`, `desktop`'s
//! `mount-host-font-cache`, `optical-drive`'s `write`, `kubernetes-support`'s `flavor` and
//! `snapd-control`'s `refresh-schedule`.

use ucore_go_text::quote;

use crate::PlugSlot;
use crate::plug_slot::Value;

/// `key`, when set, must be a bool; else `message`.
fn bool_or_unset(plug: &PlugSlot, key: &str, message: &str) -> Result<(), String> {
    match plug.attrs.get(key) {
        None | Some(Value::Bool(_)) => Ok(()),
        Some(_) => Err(message.to_string()),
    }
}

/// `BeforePreparePlug` of `browser-support`.
pub fn browser_support_plug(plug: &mut PlugSlot) -> Result<(), String> {
    bool_or_unset(
        plug,
        "allow-sandbox",
        "browser-support plug requires bool with 'allow-sandbox'",
    )
}

/// `BeforePreparePlug` of `docker-support`.
pub fn docker_support_plug(plug: &mut PlugSlot) -> Result<(), String> {
    bool_or_unset(
        plug,
        "privileged-containers",
        "docker-support plug requires bool with 'privileged-containers'",
    )
}

/// `BeforePreparePlug` of `desktop`.
pub fn desktop_plug(plug: &mut PlugSlot) -> Result<(), String> {
    bool_or_unset(
        plug,
        "mount-host-font-cache",
        "desktop plug requires bool with 'mount-host-font-cache'",
    )
}

/// `BeforePreparePlug` of `optical-drive`.
pub fn optical_drive_plug(plug: &mut PlugSlot) -> Result<(), String> {
    bool_or_unset(
        plug,
        "write",
        r#"optical-drive "write" attribute must be a boolean"#,
    )
}

/// `BeforePreparePlug` of `kubernetes-support`: `flavor`, when set, is one of three words.
pub fn kubernetes_support_plug(plug: &mut PlugSlot) -> Result<(), String> {
    match plug.attrs.get("flavor") {
        None => Ok(()),
        Some(Value::String(s)) if matches!(s.as_str(), "kubelet" | "kubeproxy" | "autobind-unix") => {
            Ok(())
        }
        Some(_) => Err(r#"kubernetes-support plug requires "flavor" to be either "kubelet", "kubeproxy" or "autobind-unix""#.into()),
    }
}

/// `BeforePreparePlug` of `snapd-control`: a string `refresh-schedule` is `managed` (other
/// types pass).
pub fn snapd_control_plug(plug: &mut PlugSlot) -> Result<(), String> {
    match plug.attrs.get("refresh-schedule") {
        Some(Value::String(s)) if s != "managed" => {
            Err(format!("unsupported refresh-schedule value: {}", quote(s)))
        }
        _ => Ok(()),
    }
}
