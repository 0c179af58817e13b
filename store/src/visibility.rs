//! Who is asking, and what they may see.
//!
//! A request carries a [`Viewer`]: nobody, a device session (its brand and model), a
//! publishing credential (`Authorization: Macaroon root=…, discharge=…`), or both. The
//! rule: the snaps published by the store's authority (bases, snapd) are public; a brand's
//! snaps are visible only to that brand's devices and to credentials that speak for the
//! brand (or the store's admin). What a viewer may not see does not exist for it: every
//! lookup answers "not found", never "forbidden", so that nobody learns which names a
//! brand has.

use crate::db::{CredentialScope, SnapRecord};
use crate::session::DeviceSession;

/// Who is asking.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Viewer {
    /// The device session, if the request carries a valid one.
    pub device: Option<DeviceSession>,
    /// The publishing credential's scope, if the request carries a valid one.
    pub credential: Option<CredentialScope>,
}

impl Viewer {
    /// Nobody in particular: sees the public snaps only.
    pub fn anonymous() -> Self {
        Viewer::default()
    }

    /// A device with a session.
    pub fn device(session: DeviceSession) -> Self {
        Viewer {
            device: Some(session),
            credential: None,
        }
    }

    /// A publishing credential.
    pub fn credential(scope: CredentialScope) -> Self {
        Viewer {
            device: None,
            credential: Some(scope),
        }
    }

    /// Whether this viewer sees the snaps of `publisher_id` in a store whose authority is
    /// `authority_id`.
    pub fn sees_publisher(&self, publisher_id: &str, authority_id: &str) -> bool {
        if publisher_id == authority_id {
            return true;
        }
        let by_device = self
            .device
            .as_ref()
            .is_some_and(|d| d.brand_id == publisher_id);
        let by_credential = match &self.credential {
            Some(CredentialScope::Admin) => true,
            Some(CredentialScope::Publisher(p)) => p == publisher_id,
            None => false,
        };
        by_device || by_credential
    }

    /// Whether this viewer sees `snap`.
    pub fn sees(&self, snap: &SnapRecord, authority_id: &str) -> bool {
        self.sees_publisher(&snap.publisher_id, authority_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(brand: &str) -> Viewer {
        Viewer::device(DeviceSession {
            brand_id: brand.into(),
            model: "m".into(),
            serial: "s".into(),
            device_key_id: "k".into(),
            store_id: "st".into(),
            expires: 0,
        })
    }

    #[test]
    fn the_authority_is_public_and_brands_are_private() {
        let auth = "store-authority";
        for v in [Viewer::anonymous(), device("acme"), device("other")] {
            assert!(v.sees_publisher(auth, auth));
        }
        assert!(!Viewer::anonymous().sees_publisher("acme", auth));
        assert!(device("acme").sees_publisher("acme", auth));
        assert!(!device("other").sees_publisher("acme", auth));
        let cred = |s| Viewer::credential(s);
        assert!(cred(CredentialScope::Admin).sees_publisher("acme", auth));
        assert!(cred(CredentialScope::Publisher("acme".into())).sees_publisher("acme", auth));
        assert!(!cred(CredentialScope::Publisher("other".into())).sees_publisher("acme", auth));
        let both = Viewer {
            credential: Some(CredentialScope::Publisher("other".into())),
            ..device("acme")
        };
        assert!(both.sees_publisher("acme", auth) && both.sees_publisher("other", auth));
        assert!(!both.sees_publisher("third", auth));
    }
}
