//! # ucore-gadget-yaml
//!
//! gadget.yaml as snapd reads it: parsing with yaml.v2's quirks, the validation rules of
//! every model kind with snapd's messages (and the YAML line and column), the image-build
//! layout of each volume, a writer for the volume's partition table, and lints for what
//! snapd lets through.
//!
//! ```
//! use ucore_gadget_yaml::{GadgetInfo, LayoutOptions, ModelKind, layout_volume, validate};
//!
//! let yaml = r#"
//! volumes:
//!   pc:
//!     bootloader: grub
//!     structure:
//!       - name: mbr
//!         type: mbr
//!         size: 440
//!       - name: BIOS Boot
//!         type: DA,21686148-6449-6E6F-744E-656564454649
//!         size: 1M
//!         offset: 1M
//!         offset-write: mbr+92
//!       - name: ubuntu-seed
//!         role: system-seed
//!         filesystem: vfat
//!         type: EF,C12A7328-F81F-11D2-BA4B-00A0C93EC93B
//!         size: 1200M
//!       - name: ubuntu-data
//!         role: system-data
//!         filesystem: ext4
//!         type: 83,0FC63DAF-8483-4772-8E79-3D69D8477DE4
//!         size: 1G
//! "#;
//! let model = ModelKind::Uc20;
//! let info = GadgetInfo::parse(yaml, model.model())?;
//! validate(&info, model.model(), None)?;
//! let laid = layout_volume(&info.volumes["pc"], &LayoutOptions::default(), Some(&info))?;
//! for s in &laid.structures {
//!     println!("{:<12} {:>12} {:>12}", s.structure.name, s.start_offset, s.size);
//! }
//! assert_eq!(laid.structures[2].start_offset, 2 << 20);
//! assert_eq!(laid.structures[2].structure.label, "ubuntu-seed"); // implied by the role
//! assert_eq!(laid.structures[1].offset_write, Some(92));
//! # Ok::<(), ucore_gadget_yaml::GadgetError>(())
//! ```
//!
//! Modules, in the order data flows: [`yaml`](crate::ConfigValue) node tree →
//! `decode` (yaml.v2 decoding rules) → `parse` (implicit values, ordering) and `structure`
//! (per-volume rules) → [`validate()`] → [`layout_volume`] → [`write_image`]; [`lint()`] adds
//! warnings; [`report`] prints the oracle's JSON.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod decode;
mod error;
mod image;
mod info;
pub mod kcmdline;
mod layout;
mod lint;
mod model;
mod parse;
pub mod quantity;
pub mod report;
mod structure;
mod validate;
mod yaml;

pub use error::{GadgetError, Position, Stage};
pub use image::{ImageOptions, SECTOR_SIZE, image_size, write_image};
pub use info::{
    CORE_SNAP_ID, Connection, ConnectionEnd, GadgetInfo, KernelCmdline, Volume, VolumeAssignment,
    VolumeContent, VolumeStructure, VolumeUpdate,
};
pub use layout::{LaidOutContent, LaidOutStructure, LaidOutVolume, LayoutOptions, layout_volume};
pub use lint::{Diagnostic, LintCode, LintReport, lint, lint_info};
pub use model::{Model, ModelGrade, ModelKind};
pub use quantity::RelativeOffset;
pub use structure::BOOT_STATE_TYPE;
pub use validate::{ValidationConstraints, split_kernel_ref, validate, validate_content};
pub use yaml::ConfigValue;
