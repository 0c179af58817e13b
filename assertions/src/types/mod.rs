//! Type-specific checks and typed views, one file per assertion type (§4).
//!
//! [`check`] is step 11 of `assemble` (§1.3): it runs after the common checks and
//! returns errors **without** the `assertion <type>: ` prefix, which the caller
//! adds. Each arm will call the checks of its type's module as they are written.

use crate::Error;
use crate::assertion::AssertionRef;
use crate::assertion_type::AssertionType;

/// Runs the type-specific checks of `assertion`'s type.
pub(crate) fn check(assertion: &AssertionRef<'_>) -> Result<(), Error> {
    use crate::AssertionAccess as _;
    match assertion.assertion_type() {
        AssertionType::Account => Ok(()),
        AssertionType::AccountKey => Ok(()),
        AssertionType::Repair => Ok(()),
        AssertionType::Model => Ok(()),
        AssertionType::Serial => Ok(()),
        AssertionType::BaseDeclaration => Ok(()),
        AssertionType::SnapDeclaration => Ok(()),
        AssertionType::SnapBuild => Ok(()),
        AssertionType::SnapRevision => Ok(()),
        AssertionType::SnapDeveloper => Ok(()),
        AssertionType::SystemUser => Ok(()),
        AssertionType::Validation => Ok(()),
        AssertionType::ValidationSet => Ok(()),
        AssertionType::Store => Ok(()),
        AssertionType::Preseed => Ok(()),
        AssertionType::SnapResourceRevision => Ok(()),
        AssertionType::SnapResourcePair => Ok(()),
        AssertionType::ConfdbSchema => Ok(()),
        AssertionType::Cluster => Ok(()),
        AssertionType::RequestMessage => Ok(()),
        AssertionType::HardwareIdentity => Ok(()),
        AssertionType::DeviceSessionRequest => Ok(()),
        AssertionType::SerialRequest => Ok(()),
        AssertionType::AccountKeyRequest => Ok(()),
        AssertionType::ConfdbControl => Ok(()),
        AssertionType::ResponseMessage => Ok(()),
    }
}
