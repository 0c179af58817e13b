//! snap.yaml as snapd reads and validates it, and `.snap` files: read, packed and digested.
//!
//! (The crate is being built: see the module list below for what each module will hold.)

#![forbid(unsafe_code)]

pub mod plug_slot;
pub mod snap_type;

pub mod kernel_yaml;
pub mod license;
pub mod links;
pub mod naming;
pub mod snapshots;
pub mod socket;
pub mod timer;
pub mod version;

mod unmarshal;

pub mod interfaces;

pub mod container;
pub mod digest;
pub mod pack;
pub mod squashfs;

pub mod epoch;
pub mod info;
pub mod layout;
pub mod parse;
pub mod validate;

pub use plug_slot::{PlugOrSlot, PlugSlot};
pub use snap_type::{Confinement, DaemonScope, SnapType};

pub use epoch::Epoch;
pub use info::{App, Hook, Info};
pub use parse::{ParseError, Sanitizer};
pub use validate::{SnapYamlError, ValidateError};
