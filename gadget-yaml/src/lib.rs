//! # ucore-gadget-yaml
//!
//! gadget.yaml as snapd reads it: parsing with yaml.v2's quirks, the validation rules of
//! every model kind with snapd's messages (and the YAML line and column), the image-build
//! layout of each volume, a writer for the volume's partition table, and lints for what
//! snapd lets through.
//!
//! ```
//! use ucore_gadget_yaml::{GadgetInfo, LayoutOptions, ModelClass, layout_volume, validate};
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
//! let model = ModelClass::Uc20;
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
//! ## Module map
//!
//! The modules form layers: each uses only the ones above it, so the crate reads from
//! here down.
//!
//! 1. `error` ([`GadgetError`], [`Position`], [`Stage`]), [`quantity`] (sizes and
//!    offsets), [`kcmdline`] (kernel command-line rules), `model` ([`Model`],
//!    [`ModelClass`]): no other module.
//! 2. `diagnostic`: what a warning is ([`Diagnostic`], [`LintCode`]). The YAML node tree
//!    with positions and yaml.v2's scalar rules ([`ConfigValue`]) is `ucore-go-yaml`'s.
//! 3. `info`: the gadget's types ([`GadgetInfo`], [`Volume`], [`VolumeStructure`] …).
//! 4. `structure`: snapd's per-volume rules (`validateVolume`) on those types.
//! 5. `decode`: yaml.v2's decoding of the node tree into the raw gadget.
//! 6. `parse`: [`GadgetInfo::parse`], snapd's `InfoFromGadgetYaml` (decode, implicit
//!    values, ordering, the per-volume rules).
//! 7. `validate`: [`validate()`] and [`validate_content`], the checks across volumes and
//!    against the model.
//! 8. `read_dir`: [`read_info_and_validate`] and [`check_gadget_dir`], a gadget snap
//!    directory as snapd reads it before packing or installing it.
//! 9. `layout`: [`layout_volume`], then `image`: [`write_image`].
//! 10. `lint`: [`lint()`], snapd's verdict plus warnings, over all of the above.
//!
//! The oracle-shaped JSON reports live with the `gadget` example
//! (`examples/gadget/report.rs`), not in the library.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod decode;
mod diagnostic;
mod error;
mod image;
mod info;
pub mod kcmdline;
mod layout;
mod lint;
mod model;
mod parse;
pub mod quantity;
mod read_dir;
mod structure;
mod validate;

pub use diagnostic::{Diagnostic, LintCode};
pub use error::{GadgetError, Position, Stage};
pub use image::{ImageOptions, SECTOR_SIZE, image_size, write_image};
pub use info::{
    CORE_SNAP_ID, Connection, ConnectionEnd, GadgetInfo, KernelCmdline, Volume, VolumeAssignment,
    VolumeContent, VolumeStructure, VolumeUpdate,
};
pub use layout::{LaidOutContent, LaidOutStructure, LaidOutVolume, LayoutOptions, layout_volume};
pub use lint::{LintReport, lint, lint_info};
pub use model::{Model, ModelClass, ModelGrade};
pub use quantity::RelativeOffset;
pub use read_dir::{check_gadget_dir, read_info_and_validate};
pub use structure::BOOT_STATE_TYPE;
pub use ucore_go_yaml::Value as ConfigValue;
pub use validate::{ValidationConstraints, split_kernel_ref, validate, validate_content};
