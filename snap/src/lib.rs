//! snap.yaml as snapd reads and validates it, and `.snap` files read, packed and digested
//! as snapd reads, packs and digests them: byte-for-byte compatible with snapd 2.57,
//! including its error texts.
//!
//! Read a `meta/snap.yaml` as `snap pack` and snapd's daemon do (`snap.InfoFromSnapYaml` with
//! the builtin plug and slot sanitizer, then `snap.Validate`):
//!
//! ```
//! use ucore_snap::{Info, SnapType};
//!
//! let yaml = b"name: hello\nversion: 1.10\nsummary: greets\napps:\n  hello:\n    command: bin/hello\n    plugs: [network]\n";
//! let info = Info::from_yaml(yaml)?;
//! info.validate()?;
//! assert_eq!(info.version, "1.10"); // the text as written, as yaml.v2 keeps it
//! assert_eq!(info.snap_type(), SnapType::App);
//! assert_eq!(info.plugs["network"].apps.iter().collect::<Vec<_>>(), ["hello"]);
//!
//! // Refusals carry snapd's exact text.
//! let err = Info::from_yaml(b"name: x\nversion: 1\n")?.validate().unwrap_err();
//! assert_eq!(err.to_string(), r#"invalid snap name: "x""#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Read a `.snap` in place (no unpacking), as snapd does before installing or seeding it
//! (`snap.ReadInfoFromSnapFile`), and digest it as its `snap-revision` assertion states it:
//!
//! ```
//! use ucore_snap::container;
//! use ucore_snap::parse::Sanitizer;
//!
//! let path = "tests/data/files/sample_1.0_amd64.snap";
//! let snap = container::open(path)?; // a squashfs file, or a snap directory
//! let read = ucore_snap::read_info::read_info(snap.container(), Sanitizer::Builtin)?;
//! assert_eq!(read.info.name, "sample");
//!
//! let digest = ucore_snap::digest::snap_file_digest(path)?;
//! assert_eq!(digest.size, read.size);
//! assert_eq!(digest.sha3_384_base64url().len(), 64); // snap-sha3-384
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`pack::pack_snap`] makes a `.snap` from a directory as `snap pack` does (the same checks
//! first, then `mksquashfs` with snapd's flags; see the crate README for why squashfs-tools).
//!
//! The modules form layers; each uses only those above it, so the crate reads from here down:
//!
//! 1. [`snap_type`] and [`plug_slot`]: the shared vocabulary ([`SnapType`], [`PlugSlot`]).
//! 2. The leaf rules, each a function with snapd's texts: [`naming`], [`version`],
//!    [`license`] (SPDX 3.11), [`timer`], [`socket`], [`links`], [`epoch`],
//!    [`snapshots`] (`meta/snapshots.yaml`), [`kernel_yaml`] (`meta/kernel.yaml`).
//! 3. [`interfaces`]: snapd's builtin plug and slot sanitizer (177 interfaces).
//! 4. [`info`]: the typed view ([`Info`], [`App`], [`Hook`] …) and [`layout`]'s rules on it.
//! 5. [`parse`] (snap.yaml → [`Info`], yaml.v2's decoding) and [`validate`] (`snap.Validate`).
//! 6. [`squashfs`] (a bounded squashfs 4.0 reader), [`container`] (a snap file or
//!    directory, snapd's `snapfile.Open`), [`digest`] (`snap-sha3-384`, `snap-size`).
//! 7. [`read_info`] (`ReadInfoFromSnapFile`) and [`pack`] (`snap pack`).
//! 8. `policy` (cargo feature `policy`): an [`Info`] as snapd's interface policy sees it.

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
pub mod read_info;
pub mod squashfs;

pub mod epoch;
pub mod info;
pub mod layout;
pub mod parse;
pub mod validate;

#[cfg(feature = "policy")]
pub mod policy;

pub use plug_slot::{PlugOrSlot, PlugSlot};
pub use snap_type::{Confinement, DaemonScope, SnapType};

pub use epoch::Epoch;
pub use info::{App, Hook, Info};
pub use parse::{ParseError, Sanitizer};
pub use validate::{SnapYamlError, ValidateError};
