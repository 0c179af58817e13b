//! Names in snap.yaml: snaps, instances, plugs, slots, interfaces, hooks, apps, aliases,
//! sockets, snap-ids, provenances, system usernames and links keys (snapd's
//! `snap/naming/validate.go` and friends).
//!
//! STUB: H2 fills this in. The signatures are the contract with `parse` and `validate`.

use thiserror::Error;

/// A name that breaks its rule; Display is snapd's text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NameError {
    /// `invalid snap name: "X"`.
    #[error("invalid snap name: {}", ucore_go_text::quote(.0))]
    Snap(String),
}

/// `naming.ValidateSnap`.
pub fn validate_snap_name(_name: &str) -> Result<(), NameError> {
    Ok(())
}
/// `naming.ValidateInstance` (`name` or `name_key`).
pub fn validate_instance_name(_name: &str) -> Result<(), NameError> {
    Ok(())
}
/// `naming.ValidatePlug`: `invalid plug name: "X"`.
pub fn validate_plug_name(_name: &str) -> Result<(), NameError> {
    Ok(())
}
/// `naming.ValidateSlot`: `invalid slot name: "X"`.
pub fn validate_slot_name(_name: &str) -> Result<(), NameError> {
    Ok(())
}
/// `naming.ValidateInterface`: `invalid interface name: "X"`.
pub fn validate_interface_name(_name: &str) -> Result<(), NameError> {
    Ok(())
}
/// `naming.ValidateHook`: `invalid hook name: "X"`.
pub fn validate_hook_name(_name: &str) -> Result<(), NameError> {
    Ok(())
}
/// `naming.ValidateApp`: `invalid app name: "X"`.
pub fn validate_app_name(_name: &str) -> Result<(), NameError> {
    Ok(())
}
/// `naming.ValidateSocket`: `invalid socket name: "X"`.
pub fn validate_socket_name(_name: &str) -> Result<(), NameError> {
    Ok(())
}
/// `naming.ValidateSnapID`: `invalid snap-id: "X"`.
pub fn validate_snap_id(_id: &str) -> Result<(), NameError> {
    Ok(())
}
/// `naming.ValidateProvenance`: `invalid provenance: "X"`.
pub fn validate_provenance(_provenance: &str) -> Result<(), NameError> {
    Ok(())
}
/// `osutil.IsValidUsername`-based check: `invalid system username "X"`.
pub fn validate_system_username(_name: &str) -> Result<(), NameError> {
    Ok(())
}
/// The alias rule (`^[a-zA-Z0-9][-_.a-zA-Z0-9]*$`): whether `alias` is a valid alias name.
pub fn is_valid_alias(_alias: &str) -> bool {
    true
}
