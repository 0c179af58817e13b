//! # ucore-model
//!
//! *Not built yet: this crate is the subject of the ucore-model issue.* It will turn a
//! brand's model statement (JSON, YAML or a typed builder) into a checked, signed `model`
//! assertion, and tell what a decoded model means: UC16/18 versus UC20+ versus classic, the
//! essential snaps, the snap set per boot mode, grade and storage safety, validation sets,
//! serial and system-user authorities, remodel checks and an offline consistency check.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
