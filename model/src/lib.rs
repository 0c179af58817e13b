//! # ucore-model
//!
//! From a brand's statement to a signed `model` assertion, and what a model means.
//!
//! ```
//! use ucore_model::{Model, ModelMeaning, ModelKind, Statement};
//! use ucore_signing::RsaPrivateKey;
//!
//! // The seed's statement (production guide): brand ACME, an armhf UC16 device.
//! let statement = Statement::parse(include_str!("../tests/data/model.json"))?;
//! // A test-only key of the brand (never use it for anything real).
//! # let brand_key_pem = ucore_test_support::keys::ACME;
//! let key = RsaPrivateKey::from_pem(brand_key_pem)?;
//! let signed = statement.sign(&key)?;
//!
//! // The signed model, read back through the typed view.
//! let model = Model::try_from(&signed)?;
//! assert_eq!(model.brand_id, "acme");
//! assert_eq!(model.kind(), ModelKind::Core16Or18);
//! assert_eq!(model.gadget().map(|g| g.name), Some("device-1"));
//! assert_eq!(model.required_snaps, ["acme-dashboard", "acme-control-plane"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Module map
//!
//! * [`statement`] — [`Statement`] (JSON / YAML, as `snap sign` takes it) and
//!   [`ModelBuilder`] (typed), checked with every rule snapd applies, then signed.
//! * [`meaning`] — [`ModelMeaning`] on the typed [`Model`]: UC16/18 vs UC20+ vs classic,
//!   snaps per boot mode, grade order, storage safety, validation sets, authorities;
//!   [`ModelSummary`] for people and machines.
//! * [`remodel`] — [`remodel::RemodelReport`]: what changes from one model to another,
//!   whether snapd allows it (with its reasons) and what must be done first.
//! * [`consistency`] — an offline check of a model against the assertions around it
//!   (brand account, account-keys, validation sets, authorities).
//! * [`validation_set`] — validation sets as code:
//!   [`ValidationSetStatement`](validation_set::ValidationSetStatement) (JSON / YAML,
//!   checked with snapd's rules), sequence and revision management, the diff from the last
//!   signed revision, conflicts with a model's sets, signing.
//! * [`error`] — [`Error`], with typed causes ([`SyntaxError`], [`StatementError`],
//!   [`RejectionCause`]).
//!
//! The typed [`Model`] view itself (and its snap, grade, … types) comes from
//! `ucore-assertions` and is re-exported here.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod consistency;
pub mod error;
pub mod meaning;
pub mod remodel;
pub mod statement;
pub mod validation_set;

pub use error::{Error, RejectionCause, StatementError, SyntaxError};
pub use meaning::{
    BootMode, EnforcedSet, ModelKind, ModelMeaning, ModelSummary, default_storage_safety,
    grade_cmp, grade_rank,
};
pub use statement::{CheckedStatement, ModelBuilder, SnapEntry, Statement, ValidationSetEntry};
pub use ucore_assertions::types::{
    Grade, Model, ModelComponent, ModelSnap, ModelValidationSet, Presence, SnapType, StorageSafety,
    SystemUserAuthority, ValidationSetMode,
};
