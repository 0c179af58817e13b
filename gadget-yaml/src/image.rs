//! Writes a volume image: placeholder.
use crate::error::GadgetError;
use crate::layout::LaidOutVolume;
use std::path::Path;

/// Options of [`write_image`].
#[derive(Debug, Clone, Default)]
pub struct ImageOptions {}

/// Writes the image.
pub fn write_image(
    _v: &LaidOutVolume,
    _gadget_dir: Option<&Path>,
    _out: &Path,
    _o: &ImageOptions,
) -> Result<(), GadgetError> {
    Ok(())
}
