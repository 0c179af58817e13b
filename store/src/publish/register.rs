//! Registering a snap name: the name and id, and the `snap-declaration` (revision 0)
//! the store's authority signs for it.

use ucore_assertions::Timestamp;
use ucore_snap::naming::{validate_snap_id, validate_snap_name};

use super::assertions::store_assertion;
use super::scope::{check_known_publisher, check_may_act_for};
use crate::Error;
use crate::Store;
use crate::db::{CredentialScope, SnapRecord};
use crate::publisher_api::{NameRegistered, RegisterName};

/// The characters of a generated snap id (snapd's `^[a-z0-9A-Z]{32}$`).
const SNAP_ID_CHARS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Registers `req.name` for `req.publisher`: `scope` must act for the publisher, which must
/// publish in this store; the name must be a valid snap name (snapd's text otherwise);
/// `req.snap_id`, when given, a valid snap id (32 alphanumerics). Signs and stores the
/// snap-declaration. [`Error::Conflict`] when the name or the id is taken.
pub async fn register_name(
    store: &Store,
    scope: &CredentialScope,
    req: &RegisterName,
) -> Result<NameRegistered, Error> {
    check_may_act_for(scope, &req.publisher)?;
    validate_snap_name(&req.name).map_err(|e| Error::BadRequest(e.to_string()))?;
    let snap_id = match &req.snap_id {
        Some(id) => {
            validate_snap_id(id).map_err(|e| Error::BadRequest(e.to_string()))?;
            id.clone()
        }
        None => generate_snap_id(),
    };
    check_known_publisher(store, &req.publisher).await?;

    let now = Timestamp::now().trunc_to_second();
    let declaration =
        store
            .authority
            .sign_snap_declaration(&snap_id, &req.name, &req.publisher, 0, now)?;
    store
        .db
        .register_name(&SnapRecord {
            snap_id: snap_id.clone(),
            name: req.name.clone(),
            publisher_id: req.publisher.clone(),
            registered_at: now,
        })
        .await?;
    store_assertion(store, &declaration, &snap_id).await?;
    tracing::info!(name = %req.name, %snap_id, publisher = %req.publisher, "snap name registered");
    Ok(NameRegistered {
        name: req.name.clone(),
        snap_id,
        publisher: req.publisher.clone(),
    })
}

/// A new random snap id: 32 characters of `[0-9A-Za-z]`, uniformly drawn.
pub fn generate_snap_id() -> String {
    let mut id = String::with_capacity(32);
    while id.len() < 32 {
        let mut random = [0u8; 32];
        rand::fill(&mut random);
        // 248 = 4 × 62: rejecting the bytes above keeps every character equally likely.
        for b in random.into_iter().filter(|b| *b < 248) {
            if id.len() == 32 {
                break;
            }
            id.push(char::from(SNAP_ID_CHARS[usize::from(b % 62)]));
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_snap_ids_are_valid_and_differ() {
        let a = generate_snap_id();
        let b = generate_snap_id();
        assert!(validate_snap_id(&a).is_ok(), "{a}");
        assert!(validate_snap_id(&b).is_ok(), "{b}");
        assert_ne!(a, b);
    }
}
