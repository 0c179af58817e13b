//! # ucore-gadget-yaml
//!
//! *Not built yet: this crate is the subject of the ucore-gadget-yaml issue.* It will parse
//! and validate gadget.yaml exactly as snapd does (every rule under every model kind, with
//! snapd's messages and the YAML line and column), lay out each gadget volume (offsets,
//! sizes, `offset-write`, partition numbering) and write the partition table of a volume image.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
