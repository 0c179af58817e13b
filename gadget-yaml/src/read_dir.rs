//! A gadget snap directory's `meta/gadget.yaml`, read and checked as snapd does before
//! packing or installing the gadget (`gadget.ReadInfoAndValidate`, `gadget.ValidateContent`).

use std::path::Path;

use crate::model::classic_or_undetermined;
use crate::{GadgetError, GadgetInfo, Model, ValidationConstraints, validate, validate_content};

/// snapd's `gadget.ReadInfoAndValidate(dir, model, constraints)`: reads
/// `DIR/meta/gadget.yaml`, parses it under `model` and validates it. Without a model, or
/// under a classic one, a missing gadget.yaml is an empty gadget (snapd: optional for
/// classic gadgets), so `snap pack` packs a gadget snap without one.
pub fn read_info_and_validate(
    gadget_dir: &Path,
    model: Option<&dyn Model>,
    constraints: Option<&ValidationConstraints>,
) -> Result<GadgetInfo, GadgetError> {
    let path = gadget_dir.join("meta").join("gadget.yaml");
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && classic_or_undetermined(model) => {
            return Ok(GadgetInfo::default());
        }
        Err(e) => {
            return Err(GadgetError::Read {
                path,
                reason: ucore_go_text::os::error_text(&e),
            });
        }
    };
    let info = GadgetInfo::parse_bytes(&bytes, model)?;
    validate(&info, model, constraints)?;
    Ok(info)
}

/// What `snap pack` checks of a gadget snap directory (snapd's `loadAndValidate`):
/// [`read_info_and_validate`] without a model, then [`validate_content`] in the directory.
pub fn check_gadget_dir(gadget_dir: &Path) -> Result<GadgetInfo, GadgetError> {
    let info = read_info_and_validate(gadget_dir, None, None)?;
    validate_content(&info, gadget_dir)?;
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ModelClass;

    /// `snap pack` of a gadget snap directory, 2.57: without gadget.yaml it packs
    /// (`/tmp/snapd-snap pack DIR OUT` → `built: …`); with a bad bootloader it says
    /// `cannot pack "DIR": bootloader must be one of grub, u-boot, android-boot, piboot or lk`.
    #[test]
    fn gadget_dirs_read_as_snap_pack_reads_them() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::create_dir(dir.path().join("meta")).expect("meta");
        assert_eq!(check_gadget_dir(dir.path()), Ok(GadgetInfo::default()));
        // Under a Core model, the file is required.
        let e = read_info_and_validate(dir.path(), ModelClass::Uc16.model(), None).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "open {}/meta/gadget.yaml: no such file or directory",
                dir.path().display()
            )
        );
        std::fs::write(
            dir.path().join("meta/gadget.yaml"),
            "volumes:\n  pc:\n    bootloader: bogus\n",
        )
        .expect("write");
        assert_eq!(
            check_gadget_dir(dir.path()).unwrap_err().to_string(),
            "bootloader must be one of grub, u-boot, android-boot, piboot or lk"
        );
    }
}
