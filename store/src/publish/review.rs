//! The review of an upload, on what its `meta/snap.yaml` says: the name is registered to
//! a publisher the uploader acts for, the architectures are known, the type is one the
//! publisher may publish, and the builtin plug and slot sanitizer kept every plug and
//! slot; and, when the store is configured with a base-declaration
//! ([`crate::upload_policy`]), snapd would install it: its plugs and slots pass snapd's
//! installation check against its `snap-declaration` ([`check_policy`]).
//!
//! Types: `snapd`, `os` and `base` snaps make up the system every device runs, so only
//! the store's authority publishes them; brands publish `app`, `gadget` and `kernel`
//! snaps.
//!
//! Every refusal is [`Error::InvalidSnap`].

use std::collections::BTreeMap;

use ucore_snap::{Info, SnapType};

use ucore_assertions::Assertion;
use ucore_assertions::types::SnapDeclaration;

use super::scope::may_act_for;
use crate::authority::SERIES;
use crate::db::{CredentialScope, SnapRecord};
use crate::{Error, Store};

/// The architectures the store accepts (snapd's dpkg names, and `all`).
pub const KNOWN_ARCHITECTURES: [&str; 11] = [
    "all", "amd64", "arm64", "armel", "armhf", "i386", "powerpc", "ppc64", "ppc64el", "riscv64",
    "s390x",
];

/// The snap types only the store's authority publishes.
pub const AUTHORITY_TYPES: [SnapType; 3] = [SnapType::Snapd, SnapType::Os, SnapType::Base];

fn refuse(message: String) -> Error {
    Error::InvalidSnap {
        message,
        source: None,
    }
}

/// The registration of the uploaded snap's name: it must exist (`registered`) and belong
/// to a publisher `scope` acts for.
pub fn check_registration<'a>(
    info: &Info,
    registered: Option<&'a SnapRecord>,
    scope: &CredentialScope,
) -> Result<&'a SnapRecord, Error> {
    let snap = registered.ok_or_else(|| {
        refuse(format!(
            "snap name {:?} is not registered in this store",
            info.name
        ))
    })?;
    if !may_act_for(scope, &snap.publisher_id) {
        return Err(refuse(format!(
            "snap name {:?} is registered to another publisher",
            info.name
        )));
    }
    Ok(snap)
}

/// Every architecture is one of [`KNOWN_ARCHITECTURES`].
pub fn check_architectures(info: &Info) -> Result<(), Error> {
    match info
        .architectures
        .iter()
        .find(|a| !KNOWN_ARCHITECTURES.contains(&a.as_str()))
    {
        Some(unknown) => Err(refuse(format!("unknown architecture {unknown:?}"))),
        None => Ok(()),
    }
}

/// The snap's type is one `publisher` may publish: [`AUTHORITY_TYPES`] only when the
/// publisher is the store's authority (`authority_id`).
pub fn check_type(info: &Info, publisher: &str, authority_id: &str) -> Result<(), Error> {
    let snap_type = info.snap_type();
    if AUTHORITY_TYPES.contains(&snap_type) && publisher != authority_id {
        return Err(refuse(format!(
            "snap {:?} has type {:?}, which only the store's authority {:?} publishes",
            info.name,
            snap_type.as_str(),
            authority_id
        )));
    }
    Ok(())
}

/// The builtin sanitizer refused no plug or slot; otherwise snapd's summary of them
/// (`snap "x" has bad plugs or slots: a, b (reason); c (other reason)`).
pub fn check_interfaces(info: &Info) -> Result<(), Error> {
    if info.bad_interfaces.is_empty() {
        return Ok(());
    }
    Err(refuse(bad_interfaces_summary(info)))
}

/// The names refused, grouped by reason; reasons and names in byte order.
fn bad_interfaces_summary(info: &Info) -> String {
    let mut by_reason: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, reason) in &info.bad_interfaces {
        by_reason.entry(reason).or_default().push(name);
    }
    let groups: Vec<String> = by_reason
        .into_iter()
        .map(|(reason, names)| format!("{} ({reason})", names.join(", ")))
        .collect();
    format!(
        "snap {} has bad plugs or slots: {}",
        quote(&info.instance_name()),
        groups.join("; ")
    )
}

/// Go's `%q` for the plain names snap.yaml allows (validated before the review).
fn quote(s: &str) -> String {
    format!("{s:?}")
}

/// snapd's installation check of the upload against its snap's current
/// `snap-declaration` and the store's base-declaration, on one of the store's models
/// ([`crate::upload_policy::UploadPolicy::review`]); nothing to check when the store has
/// no base-declaration.
pub async fn check_policy(store: &Store, info: &Info, snap: &SnapRecord) -> Result<(), Error> {
    if !store.policy.is_enabled() {
        return Ok(());
    }
    let key = [SERIES.to_string(), snap.snap_id.clone()];
    let record = store
        .db
        .assertion("snap-declaration", &key)
        .await?
        .ok_or_else(|| {
            refuse(format!(
                "cannot find snap declaration for {:?}: not found",
                info.name
            ))
        })?;
    let assertion = Assertion::decode_in(record.text.as_bytes(), store.policy.rule_language())
        .map_err(|e| Error::assertion("cannot decode the stored snap-declaration", e))?;
    let declaration = SnapDeclaration::try_from(&assertion)
        .map_err(|e| Error::assertion("cannot decode the stored snap-declaration", e))?;
    let policy_snap = ucore_snap::policy::policy_snap(info).map_err(|e| refuse(e.to_string()))?;
    store
        .policy
        .review(&policy_snap, &declaration)
        .map_err(refuse)
}

/// The whole review, in the order above; the registration on success.
pub fn review<'a>(
    info: &Info,
    registered: Option<&'a SnapRecord>,
    scope: &CredentialScope,
    authority_id: &str,
) -> Result<&'a SnapRecord, Error> {
    let snap = check_registration(info, registered, scope)?;
    check_architectures(info)?;
    check_type(info, &snap.publisher_id, authority_id)?;
    check_interfaces(info)?;
    Ok(snap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ucore_assertions::Timestamp;

    fn info(yaml: &str) -> Info {
        let info = Info::from_yaml(yaml.as_bytes()).unwrap();
        info.validate().unwrap();
        info
    }

    fn record(publisher: &str) -> SnapRecord {
        SnapRecord {
            snap_id: "a".repeat(32),
            name: "hello".into(),
            publisher_id: publisher.into(),
            registered_at: Timestamp::UNIX_EPOCH,
        }
    }

    fn message(e: Error) -> String {
        assert_eq!(e.code(), "invalid-snap");
        e.to_string()
    }

    #[test]
    fn the_name_must_be_registered_to_the_uploader() {
        let hello = info("name: hello\nversion: 1\n");
        let acme = CredentialScope::Publisher("acme".into());
        let rec = record("acme");
        assert!(check_registration(&hello, Some(&rec), &acme).is_ok());
        assert!(check_registration(&hello, Some(&rec), &CredentialScope::Admin).is_ok());
        assert_eq!(
            message(check_registration(&hello, None, &acme).unwrap_err()),
            "snap name \"hello\" is not registered in this store"
        );
        let other = record("other");
        assert_eq!(
            message(check_registration(&hello, Some(&other), &acme).unwrap_err()),
            "snap name \"hello\" is registered to another publisher"
        );
    }

    #[test]
    fn architectures_must_be_known() {
        assert!(check_architectures(&info("name: hello\nversion: 1\n")).is_ok());
        let multi = info("name: hello\nversion: 1\narchitectures: [amd64, arm64]\n");
        assert!(check_architectures(&multi).is_ok());
        let odd = info("name: hello\nversion: 1\narchitectures: [amd64, vax]\n");
        assert_eq!(
            message(check_architectures(&odd).unwrap_err()),
            "unknown architecture \"vax\""
        );
    }

    #[test]
    fn system_types_are_the_authoritys() {
        let base = info("name: core24\nversion: 1\ntype: base\n");
        assert!(check_type(&base, "store", "store").is_ok());
        assert_eq!(
            message(check_type(&base, "acme", "store").unwrap_err()),
            "snap \"core24\" has type \"base\", which only the store's authority \"store\" publishes"
        );
        let snapd = info("name: snapd\nversion: 1\n");
        assert!(check_type(&snapd, "acme", "store").is_err());
        for t in ["app", "gadget", "kernel"] {
            let i = info(&format!("name: pc\nversion: 1\ntype: {t}\n"));
            assert!(check_type(&i, "acme", "store").is_ok(), "{t}");
        }
    }

    #[test]
    fn plugs_and_slots_the_sanitizer_refused_are_listed_by_reason() {
        let ok = info("name: hello\nversion: 1\nplugs: {net: {interface: network}}\n");
        assert!(check_interfaces(&ok).is_ok());
        let bad = info(
            "name: hello\nversion: 1\nplugs:\n  a: {interface: no-such-one}\n  b: {interface: no-such-one}\nslots:\n  c: {interface: network}\n",
        );
        let text = message(check_interfaces(&bad).unwrap_err());
        assert!(
            text.starts_with("snap \"hello\" has bad plugs or slots: "),
            "{text}"
        );
        assert!(text.contains("a, b ("), "{text}");
    }
}
