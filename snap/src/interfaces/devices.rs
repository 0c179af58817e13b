//! Device slots, which gadget and core snaps define: a device node or sysfs file in
//! `path` (`bool-file`, `hidraw`, `i2c`, `iio`, `raw-volume`, `serial-port`, `spi`, `uio`),
//! or numbers (`gpio`, `pwm`, `netlink-driver`), with optional USB ids.

use std::sync::LazyLock;

use regex::Regex;
use ucore_go_text::quote;

use super::SnapContext;
use super::attrs::{attr_string, int_attr, string_attr};
use crate::PlugSlot;
use crate::plug_slot::Value;
use ucore_go_text::filepath::clean;

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid regex")
}

static LED_BRIGHTNESS: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^/sys/class/leds/[^/]+/brightness$"));
static GPIO_VALUE: LazyLock<Regex> = LazyLock::new(|| regex(r"^/sys/class/gpio/gpio[0-9]+/value$"));
static HIDRAW_NODE: LazyLock<Regex> = LazyLock::new(|| regex(r"^/dev/hidraw[0-9]{1,3}$"));
static HIDRAW_SYMLINK: LazyLock<Regex> = LazyLock::new(|| regex(r"^/dev/hidraw-[a-z0-9]+$"));
static I2C_NODE: LazyLock<Regex> = LazyLock::new(|| regex(r"^/dev/i2c-[0-9]+$"));
static I2C_SYSFS_NAME: LazyLock<Regex> = LazyLock::new(|| regex(r"^[a-zA-Z0-9_-]+$"));
static IIO_NODE: LazyLock<Regex> = LazyLock::new(|| regex(r"^/dev/iio:device[0-9]+$"));
static FAMILY_NAME: LazyLock<Regex> = LazyLock::new(|| regex(r"^[a-z]+[a-z0-9-]*[^\-]$"));
static SERIAL_NODE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^/dev/tty(mxc|USB|ACM|AMA|XRUSB|S|O|SC|MSM|HS|GS)[0-9]+$"));
static SERIAL_SYMLINK: LazyLock<Regex> = LazyLock::new(|| regex(r"^/dev/serial-port-[a-z0-9]+$"));
static SPI_NODE: LazyLock<Regex> = LazyLock::new(|| regex(r"^/dev/spidev[0-9]+\.[0-9]+$"));
static UIO_NODE: LazyLock<Regex> = LazyLock::new(|| regex(r"^/dev/uio[0-9]+$"));
static PARTITION: LazyLock<Regex> = LazyLock::new(|| {
    let hd = r"hd[a-t]([1-9]|[1-5][0-9]|6[0-3])";
    let sd = r"sd([a-z]|[a-h][a-z]|i[a-v])([1-9]|1[0-5])";
    let i2o = r"i2o/hd([a-z]|[a-c][a-z]|d[a-x])([1-9]|1[0-5])";
    let mmc = r"mmcblk([0-9]|[1-9][0-9]{1,2})p([1-9]|[1-5][0-9]|6[0-3])";
    let nvme = r"nvme([0-9]|[1-9][0-9])(n([1-9]|[1-5][0-9]|6[0-3])){0,1}p([1-9]|[1-5][0-9]|6[0-3])";
    let vd = r"vd[a-z]([1-9]|[1-5][0-9]|6[0-3])";
    regex(&format!("^/dev/({hd}|{sd}|{i2o}|{mmc}|{nvme}|{vd})$"))
});

/// USB devices have at most this many interfaces (`UsbMaxInterfaces`).
const USB_MAX_INTERFACES: i64 = 32;

/// The slot's `path` when it is a non-empty string.
fn path_attr(slot: &PlugSlot) -> Option<&str> {
    string_attr(&slot.attrs, "path").filter(|p| !p.is_empty())
}

/// `BeforePrepareSlot` of `bool-file`: an LED's brightness or a GPIO's value.
pub fn bool_file_slot(slot: &mut PlugSlot) -> Result<(), String> {
    let path = path_attr(slot).ok_or("bool-file must contain the path attribute")?;
    let path = clean(path);
    if LED_BRIGHTNESS.is_match(&path) || GPIO_VALUE.is_match(&path) {
        return Ok(());
    }
    Err("bool-file can only point at LED brightness or GPIO value".into())
}

/// `BeforePrepareSlot` of `gpio`: an integer `number`.
pub fn gpio_slot(slot: &mut PlugSlot) -> Result<(), String> {
    match slot.attrs.get("number") {
        None => Err("gpio slot must have a number attribute".into()),
        Some(Value::Int(_)) => Ok(()),
        Some(_) => Err("gpio slot number attribute must be an int".into()),
    }
}

/// `BeforePrepareSlot` of `pwm`: integer `channel` and `chip-number`.
pub fn pwm_slot(slot: &mut PlugSlot) -> Result<(), String> {
    for (key, what) in [("channel", "channel"), ("chip-number", "chip-number")] {
        match slot.attrs.get(key) {
            None => return Err(format!("pwm slot must have a {what} attribute")),
            Some(Value::Int(_)) => {}
            Some(_) => return Err(format!("pwm slot {what} attribute must be an int")),
        }
    }
    Ok(())
}

/// Whether `usb-vendor` or `usb-product` is an integer (`hasUsbAttrs`).
fn has_usb_attrs(slot: &PlugSlot) -> bool {
    int_attr(&slot.attrs, "usb-vendor").is_some() || int_attr(&slot.attrs, "usb-product").is_some()
}

/// The USB ids' checks `hidraw` and `serial-port` share: `usb-vendor` in 1..=0xFFFF and
/// `usb-product` in 0..=0xFFFF.
fn usb_ids(slot: &PlugSlot, iface: &str) -> Result<(), String> {
    let vendor = int_attr(&slot.attrs, "usb-vendor")
        .ok_or_else(|| format!("{iface} slot failed to find usb-vendor attribute"))?;
    if !(0x1..=0xFFFF).contains(&vendor) {
        return Err(format!("{iface} usb-vendor attribute not valid: {vendor}"));
    }
    let product = int_attr(&slot.attrs, "usb-product")
        .ok_or_else(|| format!("{iface} slot failed to find usb-product attribute"))?;
    if !(0x0..=0xFFFF).contains(&product) {
        return Err(format!(
            "{iface} usb-product attribute not valid: {product}"
        ));
    }
    Ok(())
}

/// `BeforePrepareSlot` of `hidraw`: a device node, or a udev symlink with USB ids.
pub fn hidraw_slot(slot: &mut PlugSlot) -> Result<(), String> {
    let path = clean(path_attr(slot).ok_or("hidraw slots must have a path attribute")?);
    if has_usb_attrs(slot) {
        if !HIDRAW_SYMLINK.is_match(&path) {
            return Err("hidraw path attribute specifies invalid symlink location".into());
        }
        usb_ids(slot, "hidraw")
    } else if !HIDRAW_NODE.is_match(&path) {
        Err("hidraw path attribute must be a valid device node".into())
    } else {
        Ok(())
    }
}

/// `BeforePrepareSlot` of `serial-port`: a tty node, or a udev symlink with USB ids and an
/// optional interface number.
pub fn serial_port_slot(slot: &mut PlugSlot) -> Result<(), String> {
    let path = clean(path_attr(slot).ok_or("serial-port slot must have a path attribute")?);
    if has_usb_attrs(slot) {
        if !SERIAL_SYMLINK.is_match(&path) {
            return Err("serial-port path attribute specifies invalid symlink location".into());
        }
        usb_ids(slot, "serial-port")?;
        if let Some(number) = int_attr(&slot.attrs, "usb-interface-number")
            && !(0..USB_MAX_INTERFACES).contains(&number)
        {
            return Err(format!(
                "serial-port usb-interface-number attribute cannot be negative or larger than {}",
                USB_MAX_INTERFACES - 1
            ));
        }
        Ok(())
    } else if !SERIAL_NODE.is_match(&path) {
        Err("serial-port path attribute must be a valid device node".into())
    } else {
        Ok(())
    }
}

/// `BeforePrepareSlot` of `i2c`: a `sysfs-name` or an i2c device node in `path`.
pub fn i2c_slot(slot: &mut PlugSlot) -> Result<(), String> {
    if let Some(sysfs_name) = string_attr(&slot.attrs, "sysfs-name") {
        if !I2C_SYSFS_NAME.is_match(sysfs_name) {
            return Err("i2c sysfs-name attribute must be a valid sysfs-name".into());
        }
        if string_attr(&slot.attrs, "path").is_some() {
            return Err("i2c slot can only use path or sysfs-name".into());
        }
        return Ok(());
    }
    let path = path_attr(slot).ok_or("i2c slot must have a path or sysfs-name attribute")?;
    if !I2C_NODE.is_match(&clean(path)) {
        return Err("i2c path attribute must be a valid device node".into());
    }
    Ok(())
}

/// `BeforePrepareSlot` of `iio`: an iio device node.
pub fn iio_slot(slot: &mut PlugSlot) -> Result<(), String> {
    let path = path_attr(slot).ok_or("iio slot must have a path attribute")?;
    if !IIO_NODE.is_match(&clean(path)) {
        return Err("iio path attribute must be a valid device node".into());
    }
    Ok(())
}

/// `snap:slot`, as `interfaces.SlotRef` prints.
fn slot_ref(snap: &SnapContext<'_>, slot: &PlugSlot) -> String {
    format!("{}:{}", snap.instance_name, slot.name)
}

/// `verifySlotPathAttribute` (builtin/utils.go): `path` is a clean string matching
/// `pattern`; `invalid` is the text when it does not match.
fn verify_slot_path(
    snap: &SnapContext<'_>,
    slot: &PlugSlot,
    pattern: &Regex,
    invalid: &str,
) -> Result<(), String> {
    let slot_ref = quote(&slot_ref(snap, slot));
    let path = attr_string(snap, &slot.interface, &slot.attrs, "path")
        .ok()
        .filter(|p| !p.is_empty())
        .ok_or_else(|| format!("slot {slot_ref} must have a path attribute"))?;
    let cleaned = clean(path);
    if cleaned != path {
        return Err(format!(
            r#"cannot use slot {slot_ref} path {}: try {}""#,
            quote(path),
            quote(&cleaned)
        ));
    }
    if !pattern.is_match(&cleaned) {
        return Err(format!(
            "slot {slot_ref} path attribute must be a valid {invalid}"
        ));
    }
    Ok(())
}

/// `BeforePrepareSlot` of `raw-volume`: a disk partition's device node.
pub fn raw_volume_slot(snap: &SnapContext<'_>, slot: &mut PlugSlot) -> Result<(), String> {
    verify_slot_path(snap, slot, &PARTITION, "device node")
}

/// `BeforePrepareSlot` of `uio`: a UIO device node.
pub fn uio_slot(snap: &SnapContext<'_>, slot: &mut PlugSlot) -> Result<(), String> {
    verify_slot_path(snap, slot, &UIO_NODE, "UIO device node")
}

/// `BeforePrepareSlot` of `spi`: an spidev node (cleaned first).
pub fn spi_slot(snap: &SnapContext<'_>, slot: &mut PlugSlot) -> Result<(), String> {
    let path = attr_string(snap, &slot.interface, &slot.attrs, "path")
        .ok()
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            format!(
                "slot {} must have a path attribute",
                quote(&slot_ref(snap, slot))
            )
        })?;
    let path = clean(path);
    if !SPI_NODE.is_match(&path) {
        return Err(format!("{} is not a valid SPI device", quote(&path)));
    }
    Ok(())
}

/// The `family-name` check of `netlink-driver` plugs and slots.
fn family_name(def: &PlugSlot, side: &str) -> Result<(), String> {
    match def.attrs.get("family-name") {
        None => Err(format!(
            "netlink-driver {side} must have a family-name attribute"
        )),
        Some(Value::String(name)) if FAMILY_NAME.is_match(name) => Ok(()),
        Some(Value::String(name)) => Err(format!(
            "netlink-driver {side} family-name {} is invalid",
            quote(name)
        )),
        Some(_) => Err(format!(
            "netlink-driver {side} family-name attribute must be a string"
        )),
    }
}

/// `BeforePrepareSlot` of `netlink-driver`: an integer `family` and a `family-name`.
pub fn netlink_driver_slot(slot: &mut PlugSlot) -> Result<(), String> {
    match slot.attrs.get("family") {
        None => Err("netlink-driver slot must have a family number attribute".into()),
        Some(Value::Int(_)) => family_name(slot, "slot"),
        Some(_) => Err("netlink-driver slot family number attribute must be an int".into()),
    }
}

/// `BeforePreparePlug` of `netlink-driver`: a `family-name`.
pub fn netlink_driver_plug(plug: &mut PlugSlot) -> Result<(), String> {
    family_name(plug, "plug")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partition_pattern() {
        for ok in [
            "/dev/sda1",
            "/dev/nvme0n1p3",
            "/dev/mmcblk0p1",
            "/dev/i2o/hda1",
        ] {
            assert!(PARTITION.is_match(ok), "{ok}");
        }
        for bad in ["/dev/sda", "/dev/sda0", "/dev/mmcblk0", "/dev/nvme0n64p1"] {
            assert!(!PARTITION.is_match(bad), "{bad}");
        }
    }
}
