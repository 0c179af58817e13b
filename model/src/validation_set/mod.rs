//! Validation sets as code: a brand's or device maker's statement of a validation set
//! (JSON or YAML), checked with snapd's rules before anything is signed, placed after the
//! set's earlier revisions, compared with the last of them, checked for conflicts with the
//! sets a model enforces, and signed.
//!
//! * [`statement`] — [`ValidationSetStatement`]: the headers, their defaults and every
//!   check of snapd's `assembleValidationSet`; [`CheckedValidationSet`] signs.
//! * [`sequence`] — [`SetHistory`]: the set's earlier signed revisions, and where a new
//!   statement goes ([`Placement`]: next revision, new sequence, or the one it states).
//! * [`diff`] — [`SetDiff`]: snaps added, removed and changed since the last revision.
//! * [`plan`] — [`SignPlan`]: placement, check and diff together; a dry run, or signing
//!   (refused when nothing changed, unless forced).
//! * [`conflicts`] — [`ConflictReport`]: the new set against the model's sets and others,
//!   as snapd's `snapasserts` reports conflicts.
//! * [`error`] — [`Error`] and its causes.
//!
//! ```
//! use ucore_model::validation_set::{SetHistory, SignOptions, SignPlan, ValidationSetStatement};
//! use ucore_signing::RsaPrivateKey;
//!
//! let statement = ValidationSetStatement::parse(r#"{
//!     "account-id": "acme", "name": "base",
//!     "snaps": [{"name": "hello", "id": "helloidaaaaaaaaaaaaaaaaaaaaaaaaa", "revision": 5}]
//! }"#)?;
//! let history = SetHistory::for_statement(&statement)?; // no earlier revisions
//! let plan = SignPlan::new(&statement, &history, SignOptions::default(), ucore_assertions::Timestamp::now())?;
//! assert_eq!(plan.diff().added.len(), 1);
//! # let pem = ucore_test_support::keys::ACME;
//! let signed = plan.sign(&RsaPrivateKey::from_pem(pem)?)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod conflicts;
pub mod diff;
pub mod error;
pub mod plan;
pub mod sequence;
pub mod statement;

pub use conflicts::{ConflictReport, ModelSetUse};
pub use diff::SetDiff;
pub use error::{Error, StatementProblem, SyntaxError};
pub use plan::{SignOptions, SignPlan};
pub use sequence::{Placement, Position, SequenceChoice, SequenceError, SetHistory};
pub use statement::{CheckedValidationSet, ValidationSetStatement};
