//! The workspace's checked-in **test-only** RSA keys, in one place (`test-support/keys/`).
//! They are published on purpose and are NOT secret: never trust them for anything.
//! Generating RSA-4096 keys is slow, so tests load these instead.
//!
//! | constant | file | what it is |
//! |---|---|---|
//! | [`ROOT`] | `test-only-root.pem` | 4096 bits: the self-made trust root (the oracle's `selfmade/root.pem`) |
//! | [`ACME`] | `test-only-acme.pem` | 2048 bits: the brand `acme` (the oracle's `selfmade/acme.pem`) |
//! | [`DEVICE`] | `test-only-device.pem` | 2048 bits: a device key |
//! | [`DEVICE_4096`] | `test-only-device-4096.pem` | 4096 bits: a device key of a real device's size |
//! | [`SPARE`] | `test-only-spare.pem` | 2048 bits: "another key" |
//! | [`REQUESTER`] | `test-only-requester.pem` | 2048 bits: signs account-key-requests |

use std::path::PathBuf;

/// The self-made trust root's key (4096 bits).
pub const ROOT: &str = include_str!("../keys/test-only-root.pem");
/// The brand `acme`'s key (2048 bits).
pub const ACME: &str = include_str!("../keys/test-only-acme.pem");
/// A device key (2048 bits).
pub const DEVICE: &str = include_str!("../keys/test-only-device.pem");
/// A device key of a real device's size (4096 bits).
pub const DEVICE_4096: &str = include_str!("../keys/test-only-device-4096.pem");
/// Another key (2048 bits).
pub const SPARE: &str = include_str!("../keys/test-only-spare.pem");
/// The account-key-request signer (2048 bits).
pub const REQUESTER: &str = include_str!("../keys/test-only-requester.pem");

/// The key named `name` (`root`, `acme`, `device`, `device-4096`, `spare`, `requester`).
pub fn pem(name: &str) -> &'static str {
    match name {
        "root" => ROOT,
        "acme" => ACME,
        "device" => DEVICE,
        "device-4096" => DEVICE_4096,
        "spare" => SPARE,
        "requester" => REQUESTER,
        _ => panic!("no test-only key named {name:?}"),
    }
}

/// The file of the key named `name`, for tools that take a path (the oracle, the examples).
pub fn path(name: &str) -> PathBuf {
    crate::repo().join(format!("test-support/keys/test-only-{name}.pem"))
}
