//! Keeping what the authority signs in the database, where the assertions endpoint
//! serves it from.

use ucore_assertions::{Assertion, AssertionAccess as _};

use crate::Error;
use crate::Store;
use crate::db::AssertionRecord;

/// Stores `assertion` (a snap-declaration or snap-revision about `snap_id`) under its type
/// and full primary key; a stored one with the same or a higher revision stays. Whether it
/// was stored.
pub(crate) async fn store_assertion(
    store: &Store,
    assertion: &Assertion,
    snap_id: &str,
) -> Result<bool, Error> {
    let record = AssertionRecord {
        assertion_type: assertion.assertion_type().name().to_string(),
        primary_key: assertion
            .primary_key()
            .into_iter()
            .map(str::to_string)
            .collect(),
        revision: assertion.revision(),
        snap_id: snap_id.to_string(),
        text: String::from_utf8_lossy(&assertion.encode()).into_owned(),
    };
    store.db.put_assertion(&record).await
}
