//! snapd's builtin plug and slot sanitizer (`interfaces/builtin`): which interfaces exist,
//! and each interface's own checks (`BeforePreparePlug`/`BeforePrepareSlot`), which may
//! also set attributes.
//!
//! [`sanitize`] is what `builtin.SanitizePlugsSlots` does for one plug or slot. The
//! interfaces' checks live in private modules by theme: `content`, D-Bus names (`dbus`:
//! dbus, mpris, polkit), device slots (`devices`), `custom_device` (with AppArmor path
//! patterns in [`path_pattern`](mod@path_pattern)), file access (`files`: personal-files,
//! system-files, home), shared memory and POSIX message queues (`ipc`), socket paths
//! (`sockets`: cups, pkcs11) and one-attribute flags (`flags`); `attrs` reads attributes
//! as snapd's `Attr`/`Lookup` do and `paths` has Go's path functions.
//!
//! None of 2.57's checks look at the snap's type or at `release.OnClassic`.

mod attrs;
mod content;
mod custom_device;
mod dbus;
mod devices;
mod files;
mod flags;
mod ipc;
mod list;
pub mod path_pattern;
mod paths;
mod sockets;

use thiserror::Error;

use crate::naming::{self, NameError};
use crate::{PlugOrSlot, PlugSlot, SnapType};

pub use list::BUILTIN_INTERFACES;

/// What the sanitizer knows of the snap that holds a plug or slot.
#[derive(Debug, Clone, Copy)]
pub struct SnapContext<'a> {
    /// The instance name (`name` or `name_key`).
    pub instance_name: &'a str,
    /// The snap name.
    pub snap_name: &'a str,
    /// The snap's type.
    pub snap_type: SnapType,
    /// The interface of every plug the snap defines, by plug name, as they are when the
    /// sanitizer runs (before any is dropped). `shared-memory` plugs with `private: true`
    /// look at the others.
    pub plug_interfaces: &'a [(String, String)],
    /// The interface of every slot the snap defines, by slot name (as `plug_interfaces`).
    pub slot_interfaces: &'a [(String, String)],
}

impl<'a> SnapContext<'a> {
    /// A context without the snap's other plugs and slots (`plug_interfaces` and
    /// `slot_interfaces` empty).
    pub fn new(instance_name: &'a str, snap_name: &'a str, snap_type: SnapType) -> Self {
        SnapContext {
            instance_name,
            snap_name,
            snap_type,
            plug_interfaces: &[],
            slot_interfaces: &[],
        }
    }
}

/// Why a plug or slot is bad; Display is the text snapd records in `BadInterfaces`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SanitizeError {
    /// `unknown interface "X"`.
    #[error("unknown interface {}", ucore_go_text::quote(.0))]
    UnknownInterface(String),
    /// `invalid plug name: "X"` / `invalid slot name: "X"`.
    #[error(transparent)]
    InvalidName(#[from] NameError),
    /// The interface's own check refused the plug or slot.
    #[error("{message}")]
    Refused {
        /// The interface whose check refused.
        interface: String,
        /// snapd's text.
        message: String,
    },
}

/// Whether `name` is one of snapd 2.57's builtin interfaces.
pub fn is_builtin_interface(name: &str) -> bool {
    BUILTIN_INTERFACES.binary_search(&name).is_ok()
}

/// Sanitizes one plug or slot as `builtin.SanitizePlugsSlots` does for each: the interface
/// must be known, the name valid, and the interface's own check must pass (it may change
/// `def.attrs`). An error means snapd drops the plug or slot and records the error's text.
pub fn sanitize(
    snap: &SnapContext<'_>,
    kind: PlugOrSlot,
    def: &mut PlugSlot,
) -> Result<(), SanitizeError> {
    if !is_builtin_interface(&def.interface) {
        return Err(SanitizeError::UnknownInterface(def.interface.clone()));
    }
    match kind {
        PlugOrSlot::Plug => naming::validate_plug_name(&def.name)?,
        PlugOrSlot::Slot => naming::validate_slot_name(&def.name)?,
    }
    let checked = match kind {
        PlugOrSlot::Plug => before_prepare_plug(snap, def),
        PlugOrSlot::Slot => before_prepare_slot(snap, def),
    };
    checked.map_err(|message| SanitizeError::Refused {
        interface: def.interface.clone(),
        message,
    })
}

/// The interface's `BeforePreparePlug`, if it has one. Errors are snapd's texts.
fn before_prepare_plug(snap: &SnapContext<'_>, plug: &mut PlugSlot) -> Result<(), String> {
    match plug.interface.as_str() {
        "browser-support" => flags::browser_support_plug(plug),
        "content" => content::plug(plug),
        "custom-device" => custom_device::plug(plug),
        "dbus" => dbus::dbus(snap, plug),
        "desktop" => flags::desktop_plug(plug),
        "docker-support" => flags::docker_support_plug(plug),
        "home" => files::home_plug(plug),
        "kubernetes-support" => flags::kubernetes_support_plug(plug),
        "netlink-driver" => devices::netlink_driver_plug(plug),
        "optical-drive" => flags::optical_drive_plug(plug),
        "personal-files" => files::personal_files_plug(plug),
        "polkit" => dbus::polkit_plug(snap, plug),
        "posix-mq" => ipc::posix_mq_plug(plug),
        "shared-memory" => ipc::shared_memory_plug(snap, plug),
        "snapd-control" => flags::snapd_control_plug(plug),
        "system-files" => files::system_files_plug(plug),
        _ => Ok(()),
    }
}

/// The interface's `BeforePrepareSlot`, if it has one. Errors are snapd's texts.
fn before_prepare_slot(snap: &SnapContext<'_>, slot: &mut PlugSlot) -> Result<(), String> {
    match slot.interface.as_str() {
        "bool-file" => devices::bool_file_slot(slot),
        "content" => content::slot(slot),
        "cups" => sockets::cups_slot(snap, slot),
        "custom-device" => custom_device::slot(snap, slot),
        "dbus" => dbus::dbus(snap, slot),
        "gpio" => devices::gpio_slot(slot),
        "hidraw" => devices::hidraw_slot(slot),
        "i2c" => devices::i2c_slot(slot),
        "iio" => devices::iio_slot(slot),
        "mpris" => dbus::mpris_slot(slot),
        "netlink-driver" => devices::netlink_driver_slot(slot),
        "pkcs11" => sockets::pkcs11_slot(slot),
        "posix-mq" => ipc::posix_mq_slot(snap, slot),
        "pwm" => devices::pwm_slot(slot),
        "raw-volume" => devices::raw_volume_slot(snap, slot),
        "serial-port" => devices::serial_port_slot(slot),
        "shared-memory" => ipc::shared_memory_slot(snap, slot),
        "spi" => devices::spi_slot(snap, slot),
        "uio" => devices::uio_slot(snap, slot),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_and_known() {
        assert!(BUILTIN_INTERFACES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(BUILTIN_INTERFACES.len(), 177);
        assert!(is_builtin_interface("network"));
        assert!(is_builtin_interface("xilinx-dma"));
        assert!(!is_builtin_interface("bogus"));
    }

    #[test]
    fn unknown_interface_first() {
        let snap = SnapContext::new("foo", "foo", SnapType::App);
        let mut def = PlugSlot {
            name: "Bad".into(),
            interface: "bogus".into(),
            ..PlugSlot::default()
        };
        let err = sanitize(&snap, PlugOrSlot::Plug, &mut def).unwrap_err();
        assert_eq!(err.to_string(), r#"unknown interface "bogus""#);
    }
}
