//! Names in snap.yaml: snaps, instances, plugs, slots, interfaces, hooks, apps, aliases,
//! sockets, snap-ids, provenances and system usernames (snapd's `snap/naming/validate.go`,
//! `snap/validate.go` and `osutil/user.go`'s username rule).
//!
//! Every rule is a plain character check (the patterns are given in each function's
//! documentation), linear in the name's length.

use thiserror::Error;
use ucore_go_text::quote;

/// A name that breaks its rule; Display is snapd's text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NameError {
    /// `invalid snap name: "X"`.
    #[error("invalid snap name: {}", quote(.0))]
    Snap(String),
    /// `invalid instance key: "K"` (the part after `_`).
    #[error("invalid instance key: {}", quote(.0))]
    InstanceKey(String),
    /// `invalid plug name: "X"`.
    #[error("invalid plug name: {}", quote(.0))]
    Plug(String),
    /// `invalid slot name: "X"`.
    #[error("invalid slot name: {}", quote(.0))]
    Slot(String),
    /// `invalid interface name: "X"`.
    #[error("invalid interface name: {}", quote(.0))]
    Interface(String),
    /// `invalid hook name: "X"`.
    #[error("invalid hook name: {}", quote(.0))]
    Hook(String),
    /// `invalid app name: "X"`.
    #[error("invalid app name: {}", quote(.0))]
    App(String),
    /// `invalid alias name: "X"`.
    #[error("invalid alias name: {}", quote(.0))]
    Alias(String),
    /// `invalid socket name: "X"`.
    #[error("invalid socket name: {}", quote(.0))]
    Socket(String),
    /// `invalid snap-id: "X"`.
    #[error("invalid snap-id: {}", quote(.0))]
    SnapId(String),
    /// `invalid provenance: must not be empty`.
    #[error("invalid provenance: must not be empty")]
    ProvenanceEmpty,
    /// `invalid provenance: "X"`.
    #[error("invalid provenance: {}", quote(.0))]
    Provenance(String),
    /// `invalid system username "X"`.
    #[error("invalid system username {}", quote(.0))]
    SystemUsername(String),
}

fn is_lower_digit(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// `^[a-z0-9-]*[a-z][a-z0-9-]*$`, not starting or ending with `-`, without `--`: the
/// charset rule of snap and socket names.
fn is_valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.iter().all(|&c| is_lower_digit(c) || c == b'-')
        && b.iter().any(u8::is_ascii_lowercase)
        && dashed(b, is_lower_digit)
}

/// Words of `word` characters joined by single dashes: `^W(?:-?W)*$` once the first
/// character's own rule is checked by the caller.
fn dashed(b: &[u8], word: fn(u8) -> bool) -> bool {
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    first != b'-'
        && last != b'-'
        && b.iter().all(|&c| c == b'-' || word(c))
        && !b.windows(2).any(|w| w == b"--")
}

/// `^[a-z](?:-?[a-z0-9])*$`: plugs, slots, interfaces and hooks.
fn is_plug_slot_iface(name: &str) -> bool {
    let b = name.as_bytes();
    b.first().is_some_and(u8::is_ascii_lowercase) && dashed(b, is_lower_digit)
}

/// `^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$`: apps and provenances.
fn is_alnum_dashed(name: &str) -> bool {
    dashed(name.as_bytes(), |c| c.is_ascii_alphanumeric())
}

/// `naming.ValidateSnap`: 2 to 40 bytes of `[a-z0-9-]`, at least one letter, no leading,
/// trailing or double dash.
pub fn validate_snap_name(name: &str) -> Result<(), NameError> {
    if (2..=40).contains(&name.len()) && is_valid_name(name) {
        Ok(())
    } else {
        Err(NameError::Snap(name.to_string()))
    }
}

/// `naming.ValidateInstance` (`name` or `name_key`): the snap name before the first `_`,
/// then a key of 1 to 10 `[a-z0-9]`.
pub fn validate_instance_name(name: &str) -> Result<(), NameError> {
    let Some((snap, key)) = name.split_once('_') else {
        return validate_snap_name(name);
    };
    validate_snap_name(snap)?;
    if (1..=10).contains(&key.len()) && key.bytes().all(is_lower_digit) {
        Ok(())
    } else {
        Err(NameError::InstanceKey(key.to_string()))
    }
}

/// The snap name of an instance name: the part before the first `_`
/// (`snap.InstanceSnap`).
pub fn instance_snap(instance_name: &str) -> &str {
    instance_name
        .split_once('_')
        .map_or(instance_name, |(snap, _)| snap)
}

/// `naming.ValidatePlug` (`^[a-z](?:-?[a-z0-9])*$`): `invalid plug name: "X"`.
pub fn validate_plug_name(name: &str) -> Result<(), NameError> {
    check(is_plug_slot_iface(name), || NameError::Plug(name.into()))
}

/// `naming.ValidateSlot` (`^[a-z](?:-?[a-z0-9])*$`): `invalid slot name: "X"`.
pub fn validate_slot_name(name: &str) -> Result<(), NameError> {
    check(is_plug_slot_iface(name), || NameError::Slot(name.into()))
}

/// `naming.ValidateInterface` (`^[a-z](?:-?[a-z0-9])*$`): `invalid interface name: "X"`.
pub fn validate_interface_name(name: &str) -> Result<(), NameError> {
    check(is_plug_slot_iface(name), || {
        NameError::Interface(name.into())
    })
}

/// `naming.ValidateHook` (`^[a-z](?:-?[a-z0-9])*$`): `invalid hook name: "X"`.
pub fn validate_hook_name(name: &str) -> Result<(), NameError> {
    check(is_plug_slot_iface(name), || NameError::Hook(name.into()))
}

/// `naming.ValidateApp` (`^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$`): `invalid app name: "X"`.
pub fn validate_app_name(name: &str) -> Result<(), NameError> {
    check(is_alnum_dashed(name), || NameError::App(name.into()))
}

/// `naming.ValidateAlias` (`^[a-zA-Z0-9][-_.a-zA-Z0-9]*$`): `invalid alias name: "X"`.
pub fn validate_alias(alias: &str) -> Result<(), NameError> {
    check(is_valid_alias(alias), || NameError::Alias(alias.into()))
}

/// `naming.ValidateSocket`: the snap-name charset rule without the length bound:
/// `invalid socket name: "X"`.
pub fn validate_socket_name(name: &str) -> Result<(), NameError> {
    check(is_valid_name(name), || NameError::Socket(name.into()))
}

/// `naming.ValidateSnapID` (`^[a-z0-9A-Z]{32}$`): `invalid snap-id: "X"`.
pub fn validate_snap_id(id: &str) -> Result<(), NameError> {
    let ok = id.len() == 32 && id.bytes().all(|c| c.is_ascii_alphanumeric());
    check(ok, || NameError::SnapId(id.into()))
}

/// `naming.ValidateProvenance` (`^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$`): `invalid provenance:
/// "X"`, or `invalid provenance: must not be empty`.
pub fn validate_provenance(provenance: &str) -> Result<(), NameError> {
    if provenance.is_empty() {
        return Err(NameError::ProvenanceEmpty);
    }
    check(is_alnum_dashed(provenance), || {
        NameError::Provenance(provenance.into())
    })
}

/// `osutil.IsValidUsername` (`^[a-z0-9][-a-z0-9+._]*$`) as `snap.ValidateSystemUsernames`
/// uses it: `invalid system username "X"`.
pub fn validate_system_username(name: &str) -> Result<(), NameError> {
    let b = name.as_bytes();
    let ok = b.first().is_some_and(|&c| is_lower_digit(c))
        && b.iter()
            .all(|&c| is_lower_digit(c) || matches!(c, b'-' | b'+' | b'.' | b'_'));
    check(ok, || NameError::SystemUsername(name.into()))
}

/// The alias rule (`^[a-zA-Z0-9][-_.a-zA-Z0-9]*$`): whether `alias` is a valid alias name.
pub fn is_valid_alias(alias: &str) -> bool {
    let b = alias.as_bytes();
    b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

fn check(ok: bool, err: impl FnOnce() -> NameError) -> Result<(), NameError> {
    if ok { Ok(()) } else { Err(err()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<T>(r: Result<T, NameError>) -> String {
        r.err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn snap_names() {
        for ok in ["aa", "a0", "0a", "foo-bar", "1-2-a", &"a".repeat(40)] {
            assert_eq!(validate_snap_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "a",
            "00",
            "-ab",
            "ab-",
            "a--b",
            "Ab",
            "a_b",
            "é",
            &"a".repeat(41),
        ] {
            assert_eq!(
                validate_snap_name(bad),
                Err(NameError::Snap(bad.into())),
                "{bad}"
            );
        }
        assert_eq!(
            text(validate_snap_name("Foo\n")),
            r#"invalid snap name: "Foo\n""#
        );
    }

    #[test]
    fn instance_names() {
        assert_eq!(validate_instance_name("foo_bar1"), Ok(()));
        assert_eq!(validate_instance_name("foo_0123456789"), Ok(()));
        // (snap.yaml's `name` is checked as a snap name first: `name: foo_B` gives
        // `invalid snap name: "foo_B"`; the key rule is `naming.ValidateInstance`'s.)
        assert_eq!(
            text(validate_instance_name("foo_B")),
            r#"invalid instance key: "B""#
        );
        assert_eq!(
            text(validate_instance_name("foo_")),
            r#"invalid instance key: """#
        );
        assert_eq!(
            text(validate_instance_name("foo_01234567890")),
            r#"invalid instance key: "01234567890""#
        );
        assert_eq!(
            text(validate_instance_name("foo_a_b")),
            r#"invalid instance key: "a_b""#
        );
        assert_eq!(
            text(validate_instance_name("F_a")),
            r#"invalid snap name: "F""#
        );
        assert_eq!(instance_snap("foo_a_b"), "foo");
        assert_eq!(instance_snap("foo"), "foo");
    }

    #[test]
    fn plug_slot_interface_hook_names() {
        for ok in ["a", "a1", "a-b-c", "network-bind", "x0-9"] {
            assert_eq!(validate_plug_name(ok), Ok(()));
            assert_eq!(validate_hook_name(ok), Ok(()));
        }
        for bad in ["", "1a", "a-", "a--b", "A", "-a", "a_b"] {
            assert!(validate_plug_name(bad).is_err(), "{bad}");
        }
        assert_eq!(
            text(validate_plug_name("Foo")),
            r#"invalid plug name: "Foo""#
        );
        assert_eq!(text(validate_slot_name("a-")), r#"invalid slot name: "a-""#);
        assert_eq!(
            text(validate_interface_name("x_y")),
            r#"invalid interface name: "x_y""#
        );
        assert_eq!(text(validate_hook_name("1")), r#"invalid hook name: "1""#);
    }

    #[test]
    fn apps_aliases_provenances() {
        assert_eq!(validate_app_name("Foo-9"), Ok(()));
        assert_eq!(validate_app_name("9"), Ok(()));
        assert_eq!(
            text(validate_app_name("a--b")),
            r#"invalid app name: "a--b""#
        );
        assert_eq!(text(validate_app_name("")), r#"invalid app name: """#);
        assert!(is_valid_alias("a.B_c-9"));
        assert!(!is_valid_alias("_a") && !is_valid_alias("") && !is_valid_alias("a b"));
        assert_eq!(text(validate_alias(".a")), r#"invalid alias name: ".a""#);
        assert_eq!(validate_provenance("global-upload"), Ok(()));
        assert_eq!(
            text(validate_provenance("")),
            "invalid provenance: must not be empty"
        );
        // `printf 'name: foo\nversion: 1\nprovenance: a_b\n' | /tmp/snapd-oracle snap-yaml -`
        assert_eq!(
            text(validate_provenance("a_b")),
            r#"invalid provenance: "a_b""#
        );
    }

    #[test]
    fn sockets_ids_usernames() {
        assert_eq!(validate_socket_name(&"a".repeat(100)), Ok(()));
        assert_eq!(text(validate_socket_name("a")), "");
        assert_eq!(
            text(validate_socket_name("0")),
            r#"invalid socket name: "0""#
        );
        assert_eq!(validate_snap_id("99T7MUlRhtI3U0QFgl5mXXESAiSwt776"), Ok(()));
        assert_eq!(
            text(validate_snap_id("short")),
            r#"invalid snap-id: "short""#
        );
        assert_eq!(validate_system_username("snap_daemon"), Ok(()));
        assert_eq!(validate_system_username("0a+.-_"), Ok(()));
        // `printf 'name: foo\nversion: 1\nsystem-usernames:\n  _x: shared\n' | /tmp/snapd-oracle snap-yaml -`
        assert_eq!(
            text(validate_system_username("_x")),
            r#"invalid system username "_x""#
        );
        assert!(validate_system_username("").is_err());
        assert!(validate_system_username("aB").is_err());
    }
}
