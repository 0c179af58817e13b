//! Account-key `constraints` (format 1): a key may sign an assertion only if the
//! assertion's headers match at least one constraint's `headers` map.
//!
//! The constraints are compiled by `ucore-assertions`' account-key view (Go's regexp
//! semantics, ASCII Perl classes, within a memory budget) and matched there: a string is a
//! regular expression anchored as `^(…)$`, `$MISSING` matches an absent header, a list is a
//! set of alternatives, a map matches a map header key by key, and a list-valued header
//! matches a string matcher when every element does.

use ucore_assertions::types::AccountKey;
use ucore_assertions::{Assertion, AssertionAccess};

/// Whether an account-key with these `constraints` may sign `assertion`. No `constraints`
/// header means no restriction; constraints that do not compile allow nothing.
pub(crate) fn can_sign(
    account_key: &Assertion,
    assertion: &(impl AssertionAccess + ?Sized),
) -> bool {
    if account_key.header("constraints").is_none() {
        return true;
    }
    AccountKey::try_from(account_key).is_ok_and(|key| key.can_sign(assertion))
}
