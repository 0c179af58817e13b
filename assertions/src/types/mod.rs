//! Type-specific checks and typed views, one file per assertion type (snapd's per-type
//! `assemble…` functions, found through the type table in `asserts/asserts.go`).
//!
//! Every type snapd knows has a **typed view** named as snapd names the
//! type ([`Account`], [`AccountKey`], [`Model`], [`Serial`], …). A view borrows
//! from a decoded assertion ([`AssertionRef`] or [`Assertion`](crate::Assertion))
//! and exposes every header snapd reads as a typed field (dates as
//! [`Rfc3339Time`](crate::Rfc3339Time), integers, lists, enums); views are
//! `#[non_exhaustive]` so they can only be made by reading an assertion:
//!
//! ```
//! use ucore_assertions::{AssertionRef, types::{Grade, Model}};
//!
//! let bytes = include_bytes!("../../../tests/data/ubuntu-core-22-amd64.model");
//! let assertion = AssertionRef::decode(bytes)?;
//! let model = Model::try_from(&assertion)?;
//! assert_eq!(model.grade, Some(Grade::Signed));
//! assert_eq!(model.base, Some("core22"));
//! assert!(model.essential_snaps().any(|s| s.name == "pc-kernel"));
//! # Ok::<(), ucore_assertions::Error>(())
//! ```
//!
//! `check` is the last step of `assemble` (snapd's `asserts/asserts.go`, where
//! `assemble` ends by calling the type's assembler): it builds the view of the
//! assertion's type, so decoding rejects exactly what the views reject, in
//! snapd's order and with snapd's messages ([`TypeError`] and the crate's value
//! checks); the caller adds the `assertion <type>: ` prefix.
//!
//! The plug/slot rules of snap-declaration and base-declaration are compiled while
//! decoding, as snapd compiles them ([`crate::policy`]); account-key `constraints` are
//! compiled with the same attribute matcher and usable through [`AccountKey::can_sign`].

mod account;
mod account_key;
mod account_key_request;
mod base_declaration;
mod channel;
mod cluster;
mod common;
mod confdb_control;
mod confdb_schema;
pub(crate) mod constraint_regex;
mod device;
mod device_session_request;
mod hardware_identity;
mod mail_address;
mod model;
mod preseed;
mod repair;
mod request_message;
mod response_message;
mod rules;
mod serial;
mod serial_request;
mod snap_build;
mod snap_declaration;
mod snap_developer;
mod snap_resource_pair;
mod snap_resource_revision;
mod snap_revision;
mod store;
mod str_list;
mod system_user;
mod validation;
mod validation_set;

pub use crate::error::TypeError;
pub use account::{Account, AccountValidation};
pub use account_key::{AccountKey, HeaderConstraint};
pub use account_key_request::AccountKeyRequest;
pub use base_declaration::{BaseDeclaration, BuiltinBaseDeclaration, BuiltinBaseDeclarationError};
pub use channel::Channel;
pub use cluster::{Cluster, ClusterDevice, ClusterSnap, ClusterSnapState, Subcluster};
pub use common::Map;
pub use confdb_control::{ConfdbControl, ConfdbControlGroup};
pub use confdb_schema::ConfdbSchema;
pub use device_session_request::DeviceSessionRequest;
pub use hardware_identity::{HardwareIdentity, HardwareKeyAlgorithm};
pub use model::{
    Grade, Model, ModelComponent, ModelSnap, ModelValidationSet, Presence, SnapType, StorageSafety,
    SystemUserAuthority, ValidationSetMode, well_known_snap_id,
};
pub use preseed::{Preseed, PreseedComponent, PreseedSnap};
pub use repair::Repair;
pub use request_message::RequestMessage;
pub use response_message::{ResponseMessage, ResponseStatus};
pub use serial::Serial;
pub use serial_request::SerialRequest;
pub use snap_build::SnapBuild;
pub use snap_declaration::{Alias, RevisionAuthority, SnapDeclaration};
pub use snap_developer::{Developer, SnapDeveloper};
pub use snap_resource_pair::SnapResourcePair;
pub use snap_resource_revision::SnapResourceRevision;
pub use snap_revision::{Integrity, SnapRevision};
pub use store::Store;
pub use str_list::StrList;
pub use system_user::{SystemUser, UserPresence};
pub use validation::Validation;
pub use validation_set::{
    ValidationSet, ValidationSetComponent, ValidationSetPresence, ValidationSetSnap,
};

use crate::Error;
use crate::assertion::AssertionRef;
use crate::assertion_type::AssertionType;

/// Implements the constructors every view shares: `from_assertion` (type check,
/// then the view's `parse`, errors prefixed `assertion <type>: `) and `TryFrom`
/// for borrowed and owned assertions.
macro_rules! view {
    ($view:ident, $variant:ident) => {
        impl<'a> $view<'a> {
            /// The assertion type this view reads.
            pub const TYPE: $crate::AssertionType = $crate::AssertionType::$variant;

            /// Reads `assertion` (of this view's type) with snapd's checks; errors
            /// carry the `assertion <type>: ` prefix as decoding's do.
            pub fn from_assertion<A: $crate::AssertionAccess + ?Sized>(
                assertion: &'a A,
            ) -> Result<Self, $crate::Error> {
                let found = assertion.assertion_type();
                if found != Self::TYPE {
                    return Err($crate::types::TypeError::WrongType {
                        expected: Self::TYPE.name(),
                        found: found.name(),
                    }
                    .into());
                }
                Self::parse(assertion).map_err(|e| e.in_type(Self::TYPE.name()))
            }
        }

        impl<'a, 'b> TryFrom<&'a $crate::AssertionRef<'b>> for $view<'a> {
            type Error = $crate::Error;
            fn try_from(assertion: &'a $crate::AssertionRef<'b>) -> Result<Self, $crate::Error> {
                Self::from_assertion(assertion)
            }
        }

        impl<'a> TryFrom<&'a $crate::Assertion> for $view<'a> {
            type Error = $crate::Error;
            fn try_from(assertion: &'a $crate::Assertion) -> Result<Self, $crate::Error> {
                Self::from_assertion(assertion)
            }
        }
    };
}
pub(crate) use view;

/// Implements the readers of a declaration with plug/slot rules: `parse` (decoding and
/// `from_assertion`: rules in the language the assertion was decoded in) and
/// `with_language`, both through the view's `parse_with`.
macro_rules! rules_view {
    ($view:ident) => {
        impl<'a> $view<'a> {
            pub(crate) fn parse<A: $crate::AssertionAccess + ?Sized>(
                a: &'a A,
            ) -> Result<Self, $crate::Error> {
                Self::parse_with(a, a.rule_language())
            }

            /// Reads `assertion` as [`from_assertion`](Self::from_assertion) does,
            /// compiling the rules in `language` instead of the one it was decoded in
            /// ([`rule_language`](crate::AssertionAccess::rule_language)).
            pub fn with_language<A: $crate::AssertionAccess + ?Sized>(
                assertion: &'a A,
                language: $crate::rules::RuleLanguage,
            ) -> Result<Self, $crate::Error> {
                $crate::types::expect_type(assertion, Self::TYPE)?;
                Self::parse_with(assertion, language).map_err(|e| e.in_type(Self::TYPE.name()))
            }
        }
    };
}
pub(crate) use rules_view;

/// A [`TypeError::WrongType`] unless `assertion` is of type `expected`.
pub(crate) fn expect_type<A: crate::AssertionAccess + ?Sized>(
    assertion: &A,
    expected: AssertionType,
) -> Result<(), Error> {
    let found = assertion.assertion_type();
    if found != expected {
        return Err(TypeError::WrongType {
            expected: expected.name(),
            found: found.name(),
        }
        .into());
    }
    Ok(())
}

/// Runs the type-specific checks of `assertion`'s type (errors without the
/// `assertion <type>: ` prefix, which the caller adds).
pub(crate) fn check(assertion: &AssertionRef<'_>) -> Result<(), Error> {
    use crate::AssertionAccess as _;
    let a = assertion;
    match a.assertion_type() {
        AssertionType::Account => Account::parse(a).map(drop),
        AssertionType::AccountKey => AccountKey::parse(a).map(drop),
        AssertionType::Repair => Repair::parse(a).map(drop),
        AssertionType::Model => Model::parse(a).map(drop),
        AssertionType::Serial => Serial::parse(a).map(drop),
        AssertionType::BaseDeclaration => BaseDeclaration::parse(a).map(drop),
        AssertionType::SnapDeclaration => SnapDeclaration::parse(a).map(drop),
        AssertionType::SnapBuild => SnapBuild::parse(a).map(drop),
        AssertionType::SnapRevision => SnapRevision::parse(a).map(drop),
        AssertionType::SnapDeveloper => SnapDeveloper::parse(a).map(drop),
        AssertionType::SystemUser => SystemUser::parse(a).map(drop),
        AssertionType::Validation => Validation::parse(a).map(drop),
        AssertionType::ValidationSet => ValidationSet::parse(a).map(drop),
        AssertionType::Store => Store::parse(a).map(drop),
        AssertionType::Preseed => Preseed::parse(a).map(drop),
        AssertionType::SnapResourceRevision => SnapResourceRevision::parse(a).map(drop),
        AssertionType::SnapResourcePair => SnapResourcePair::parse(a).map(drop),
        AssertionType::ConfdbSchema => ConfdbSchema::parse(a).map(drop),
        AssertionType::Cluster => Cluster::parse(a).map(drop),
        AssertionType::RequestMessage => RequestMessage::parse(a).map(drop),
        AssertionType::HardwareIdentity => HardwareIdentity::parse(a).map(drop),
        AssertionType::DeviceSessionRequest => DeviceSessionRequest::parse(a).map(drop),
        AssertionType::SerialRequest => SerialRequest::parse(a).map(drop),
        AssertionType::AccountKeyRequest => AccountKeyRequest::parse(a).map(drop),
        AssertionType::ConfdbControl => ConfdbControl::parse(a).map(drop),
        AssertionType::ResponseMessage => ResponseMessage::parse(a).map(drop),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::AssertionRef;

    /// A placeholder `sign-key-sha3-384`.
    pub(crate) const KEY: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    pub(crate) fn decode_ok(text: &str) -> AssertionRef<'_> {
        AssertionRef::decode(text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    pub(crate) fn decode_err(text: &str) -> String {
        match AssertionRef::decode(text.as_bytes()) {
            Ok(_) => panic!("decoded:\n{text}"),
            Err(e) => e.to_string(),
        }
    }
}
