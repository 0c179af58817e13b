//! `snap pack`'s pieces: the content check, the container check, the exclude list, the
//! squashfs build (by `mksquashfs`, as snapd does; see the crate README) and the file name.
//!
//! [`pack_snap`] is `snap pack` as a whole: [`check_snap_dir`] reads and validates the
//! directory as snapd does, then the pieces build the snap. The pieces take plain values,
//! for callers that pack differently.

mod accessible;
mod build;
mod excludes;
mod filename;
mod pack_snap;
mod validate_container;

pub use accessible::{AccessError, NotAccessible, verify_content_accessible_for_build};
pub use build::{BuildError, BuildOptions, Mksquashfs, build_squashfs};
pub use excludes::{EXCLUDES_CONTENT, write_excludes_file};
pub use filename::{deb_architecture, snap_file_name, snap_path};
pub use pack_snap::{GadgetCheck, PackError, PackOptions, check_snap_dir, pack_snap};
pub use validate_container::{AppPaths, ContainerCheck, ContainerCheckError, validate_container};
