//! snapd's builtin plug and slot sanitizer (`interfaces/builtin`): which interfaces exist,
//! and each interface's own checks (`BeforePreparePlug`/`BeforePrepareSlot`), which may
//! also set attributes.
//!
//! STUB: H4 fills this in.

use thiserror::Error;

use crate::{PlugOrSlot, PlugSlot, SnapType};

/// What the sanitizer knows of the snap that holds a plug or slot.
#[derive(Debug, Clone, Copy)]
pub struct SnapContext<'a> {
    /// The instance name (`name` or `name_key`).
    pub instance_name: &'a str,
    /// The snap name.
    pub snap_name: &'a str,
    /// The snap's type.
    pub snap_type: SnapType,
}

/// Why a plug or slot is bad; Display is the text snapd records in `BadInterfaces`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SanitizeError {
    /// `unknown interface "X"`.
    #[error("unknown interface {}", ucore_go_text::quote(.0))]
    UnknownInterface(String),
}

/// Sanitizes one plug or slot as `builtin.SanitizePlugsSlots` does for each: the interface
/// must be known, the name valid, and the interface's own check must pass (it may change
/// `def.attrs`). An error means snapd drops the plug or slot and records the error's text.
pub fn sanitize(
    _snap: &SnapContext<'_>,
    _kind: PlugOrSlot,
    _def: &mut PlugSlot,
) -> Result<(), SanitizeError> {
    Ok(())
}
