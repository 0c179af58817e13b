//! # ucore-assertions
//!
//! snapd's assertion text format, byte-for-byte compatible with snapd: a
//! zero-copy decoder, a stream decoder and encoder, the canonical encoder used
//! for signing, the assertion type table and the value checks typed views use.
//!
//! ```
//! use ucore_assertions::{AssertionAccess, AssertionRef};
//!
//! let bytes = include_bytes!("../../tests/data/ubuntu-core-22-amd64.model");
//! let model = AssertionRef::decode(bytes)?;
//! println!("{} {:?}", model.assertion_type(), model.primary_key());
//! assert_eq!(model.assertion_type().name(), "model");
//! assert_eq!(model.primary_key(), ["16", "canonical", "ubuntu-core-22-amd64"]);
//! assert_eq!(model.header_str("architecture"), Some("amd64"));
//! assert_eq!(model.encode(), bytes); // encode(decode(x)) == x
//! # Ok::<(), ucore_assertions::Error>(())
//! ```
//!
//! ## Module map
//!
//! The modules form layers: each uses only the ones listed below it.
//!
//! * [`validation_sets`] — validation sets combined as snapd's `snapasserts` combines them:
//!   conflicts, presence queries, checking a device's installed snaps.
//! * [`stream`] — [`Decoder`] (over a reader), [`SliceDecoder`] (zero-copy, over
//!   bytes in memory; [`decode_slice`]) and [`Encoder`] for assertion streams.
//! * [`builder`] — [`AssertionBuilder`]: canonical content to sign.
//! * `assemble` (private) — decoding one assertion ([`AssertionRef::decode`],
//!   [`Assertion::from_parts`], …): snapd's common checks in its order, then the
//!   type's own.
//! * [`policy`] — snapd's interface policy: the installation, connection and
//!   auto-connection checks of a snap's plugs and slots against its snap-declaration and
//!   the base-declaration; it reads the declarations of [`types`] and re-exports [`rules`].
//! * [`types`] — type-specific checks (snapd's per-type `assemble…`, run by every
//!   decode) and a typed view per assertion type ([`types::Model`], [`types::AccountKey`], …).
//! * [`rules`] — the plug/slot rule language of snap- and base-declarations, compiled
//!   as snapd compiles it (by [`types`] while decoding), and its matching primitives; of
//!   [`types`] it uses only the regexp compiler (`types::constraint_regex`, a leaf).
//! * [`assertion`] — [`AssertionRef`] (borrowed), [`Assertion`] (owned) and the
//!   shared accessors [`AssertionAccess`] (typed header readers included, such as
//!   [`AssertionAccess::header_date`]).
//! * `checks` (private) — snapd's value helpers (strings, Go integers, booleans,
//!   dates, digests, lists, maps, name patterns) with its messages; users read
//!   values through [`types`] and [`AssertionAccess`].
//! * [`assertion_type`] — the type table ([`AssertionType`], [`PrimaryKey`],
//!   [`BodyRule`]).
//! * [`json_body`] — Go `json.MarshalIndent` canonical JSON bodies.
//! * [`headers`] — [`HeaderValue`], [`Headers`], [`HeaderMap`], the header grammar and its
//!   canonical serialization.
//! * [`go_regexp`] — Go's regexp syntax (what snapd's rule and constraint regexps accept,
//!   with Go's error texts), translated for the Rust engine; a leaf.
//! * [`rfc3339`] — dates as Go's `time.Parse(time.RFC3339)` reads them.
//! * [`error`] — [`Error`] and the type checks' [`types::TypeError`], with snapd's
//!   texts (Go's `%q` of them from `ucore_go_text`).
//! * [`openpgp`] — OpenPGP wire packets (standalone, with its own errors).
//!
//! ## Assertion types
//!
//! Decoding runs snapd's type-specific checks for all 26 types, in snapd's order
//! and with its messages (`assertion <type>: …`); the same code builds the typed
//! views of [`types`]. The plug/slot rules of `snap-declaration` and `base-declaration`
//! are compiled while decoding ([`rules`]), with snapd 2.57's texts and quirks, and
//! account-key `constraints` use the same attribute matcher
//! ([`types::AccountKey::can_sign`]).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod assemble;
pub mod assertion;
pub mod assertion_type;
pub mod builder;
mod checks;
pub mod error;
pub mod go_regexp;
pub mod headers;
pub mod json_body;
pub mod openpgp;
pub mod policy;
pub mod rfc3339;
pub mod rules;
pub mod stream;
pub mod time;
pub mod types;
pub mod validation_sets;

pub use assertion::{Assertion, AssertionAccess, AssertionRef};
pub use assertion_type::{AssertionType, BodyRule, PrimaryKey};
pub use builder::{AssertionBuilder, assemble_content, assemble_content_in};
pub use error::{Error, TimeError};
pub use headers::{HeaderMap, HeaderValue, Headers};
pub use rfc3339::Rfc3339Time;
pub use stream::{Decoder, Encoder, SliceDecoder, decode_slice};
pub use time::{Timestamp, TimestampError};
