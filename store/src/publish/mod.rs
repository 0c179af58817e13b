//! The publishing flow, free of HTTP: each function takes the [`Store`](crate::Store), the
//! caller's [`CredentialScope`](crate::db::CredentialScope) and the request, and answers
//! the body of [`crate::publisher_api`] or an [`Error`](crate::Error).
//!
//! * [`register_name`]: a snap name (and id) for a publisher, with its signed
//!   `snap-declaration`;
//! * [`push`]: an uploaded `.snap` becomes a new revision, with its signed
//!   `snap-revision`, after the [`review`];
//! * [`set_interface_rules`]: the interface rules an admin grants a snap, in a new
//!   revision of its `snap-declaration`;
//! * [`release`], [`close`]: the channels;
//! * [`status`]: revisions and the channel map;
//! * [`push_validation_set`], [`validation_sets()`]: a brand's validation sets
//!   ([`validation_sets`](mod@validation_sets)), refused with a [`ValidationSetError`].
//!
//! Who may do what ([`scope`]): an admin credential acts for every publisher; a publisher
//! credential only for its own account. The publishers are the store's authority and the
//! brands whose `account` assertion the store's database holds.

mod assertions;
mod channels;
mod interface_rules;
mod register;
mod release;
pub mod review;
pub mod scope;
mod status;
mod upload;
mod validation_set_error;
pub mod validation_sets;

pub use interface_rules::set_interface_rules;
pub use register::{generate_snap_id, register_name};
pub use release::{close, release};
pub use status::status;
pub use upload::push;
pub use validation_set_error::ValidationSetError;
pub use validation_sets::{push_validation_set, validation_sets};
