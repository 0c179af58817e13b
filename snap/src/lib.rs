//! snap.yaml as snapd reads and validates it, and `.snap` files: read, packed and digested.
//!
//! (The crate is being built: see the module list below for what each module will hold.)

#![forbid(unsafe_code)]

pub mod plug_slot;
pub mod snap_type;

pub use plug_slot::{PlugOrSlot, PlugSlot};
pub use snap_type::{Confinement, DaemonScope, SnapType};
