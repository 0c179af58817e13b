//! `snap pack`'s pieces: the content check, the container check, the exclude list, the
//! squashfs build (by `mksquashfs`, as snapd does; see the crate README) and the file name.
//!
//! The snap.yaml side (reading and validating `meta/snap.yaml`, gadget and kernel checks)
//! is the caller's; these functions take what they need of it as plain values.

mod accessible;
mod build;
mod excludes;
mod filename;
mod validate_container;

pub use accessible::{AccessError, NotAccessible, verify_content_accessible_for_build};
pub use build::{BuildError, BuildOptions, Mksquashfs, build_squashfs};
pub use excludes::{EXCLUDES_CONTENT, write_excludes_file};
pub use filename::{deb_architecture, snap_file_name, snap_path};
pub use validate_container::{AppPaths, ContainerCheck, ContainerCheckError, validate_container};
