//! The names the admin API accepts, checked with snapd's rules before anything is stored:
//! a row the vault accepts must be one snapd accepts in the assertions it signs.
//!
//! * account ids (brand-id, a key's authority-id): snapd's `validAccountID`,
//!   `^(?:[a-z0-9A-Z]{32}|[-a-z0-9]{2,28})$` (`asserts/account.go`);
//! * model names (a model, a sub-store's from-model and model name): snapd's `validModel`,
//!   `^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$` (`asserts/model.go`);
//! * key names: snapd's `validAccountKeyName`, `^(?:[a-z0-9]+-?)*[a-z](?:-?[a-z0-9])*$`
//!   (`asserts/account_key.go`);
//! * store ids (a sub-store's store): ucore's rule, as snapd has none: 1 to 64 of
//!   `[a-zA-Z0-9._-]`, starting with a letter or digit (so no `../`, no whitespace);
//! * serial numbers: the vault's policy in [`check_serial`].
//!
//! Each check is written out by hand (no regex engine), linear in the name.

use thiserror::Error;

/// What kind of name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum NameKind {
    /// An account id (brand-id, authority-id).
    AccountId,
    /// A model name.
    Model,
    /// A key name.
    KeyName,
    /// A store id.
    Store,
    /// A serial number.
    Serial,
}

impl NameKind {
    fn rule(self) -> &'static str {
        match self {
            NameKind::AccountId => "^(?:[a-z0-9A-Z]{32}|[-a-z0-9]{2,28})$",
            NameKind::Model => "^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$",
            NameKind::KeyName => "^(?:[a-z0-9]+-?)*[a-z](?:-?[a-z0-9])*$",
            NameKind::Store => "1 to 64 of [a-zA-Z0-9._-], starting with a letter or digit",
            NameKind::Serial => {
                "not empty, at most 128 bytes, no '/', no control characters (newlines), \
                 no leading or trailing whitespace"
            }
        }
    }
}

/// A name refused by its rule.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid {field} {value:?}: must match {}", .kind.rule())]
pub struct NameError {
    /// The field (`brand_id`, `model`, `name`, …).
    pub field: &'static str,
    /// Which rule.
    pub kind: NameKind,
    /// The refused value (shortened to 80 characters).
    pub value: String,
}

fn refuse(field: &'static str, kind: NameKind, value: &str) -> NameError {
    NameError {
        field,
        kind,
        value: value.chars().take(80).collect(),
    }
}

/// `value` is an account id (snapd's `validAccountID`).
pub fn check_account_id(field: &'static str, value: &str) -> Result<(), NameError> {
    let b = value.as_bytes();
    let long = b.len() == 32 && b.iter().all(u8::is_ascii_alphanumeric);
    let short = (2..=28).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-');
    if long || short {
        Ok(())
    } else {
        Err(refuse(field, NameKind::AccountId, value))
    }
}

/// Letters/digits and single inner dashes: neither first nor last a dash, no `--`.
fn dashed(b: &[u8], ok: impl Fn(u8) -> bool) -> bool {
    !b.is_empty()
        && b.first() != Some(&b'-')
        && b.last() != Some(&b'-')
        && !b.windows(2).any(|w| w == b"--")
        && b.iter().all(|&c| c == b'-' || ok(c))
}

/// `value` is a model name (snapd's `validModel`).
pub fn check_model(field: &'static str, value: &str) -> Result<(), NameError> {
    if dashed(value.as_bytes(), |c| c.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(refuse(field, NameKind::Model, value))
    }
}

/// `value` is a key name (snapd's `validAccountKeyName`: lower-case letters, digits and
/// single inner dashes, with at least one letter).
pub fn check_key_name(field: &'static str, value: &str) -> Result<(), NameError> {
    let b = value.as_bytes();
    if dashed(b, |c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && b.iter().any(u8::is_ascii_lowercase)
    {
        Ok(())
    } else {
        Err(refuse(field, NameKind::KeyName, value))
    }
}

/// `value` is a store id (ucore's rule, see the module doc).
pub fn check_store(field: &'static str, value: &str) -> Result<(), NameError> {
    let b = value.as_bytes();
    let ok = (1..=64).contains(&b.len())
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(refuse(field, NameKind::Store, value))
    }
}

/// The vault's serial-number policy (see the [`crate::vault`] module doc): a serial is an
/// exact, case-sensitive string, never trimmed nor case-folded; it must not be empty, be
/// longer than 128 bytes, contain `/` (snapd refuses it in a primary key) or a control
/// character (a newline), nor start or end with whitespace.
pub fn check_serial(field: &'static str, value: &str) -> Result<(), NameError> {
    let ok = !value.is_empty()
        && value.len() <= 128
        && !value.contains('/')
        && !value.chars().any(char::is_control)
        && value.trim() == value;
    if ok {
        Ok(())
    } else {
        Err(refuse(field, NameKind::Serial, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids() {
        for ok in [
            "acme",
            "ab",
            "my-brand-1",
            "abcdefghijABCDEFGHIJ0123456789xy",
        ] {
            assert!(check_account_id("brand_id", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a",
            "Acme",
            "acme\n",
            "../acme",
            "a_b",
            "abcdefghijabcdefghijabcdefghi", // 29
            "abcdefghijABCDEFGHIJ0123456789x-",
        ] {
            assert!(check_account_id("brand_id", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn models() {
        for ok in ["m", "acme-device-1", "PC", "a-b-c"] {
            assert!(check_model("model", ok).is_ok(), "{ok}");
        }
        for bad in ["", "-a", "a-", "a--b", "a b", "a\n", "../a", "a.b", "a_b"] {
            assert!(check_model("model", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn key_names() {
        for ok in ["serials", "a", "1a", "1-2a", "key-2026"] {
            assert!(check_key_name("name", ok).is_ok(), "{ok}");
        }
        for bad in ["", "12", "Serials", "a-", "-a", "a--b", "a b", "a/b", "a\n"] {
            assert!(check_key_name("name", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn stores() {
        for ok in ["brand-store", "ABC123", "a.b_c-d"] {
            assert!(check_store("store", ok).is_ok(), "{ok}");
        }
        let long = "a".repeat(65);
        for bad in ["", "../x", ".x", "a/b", "a b", "a\n", long.as_str()] {
            assert!(check_store("store", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serials() {
        for ok in ["A123456L", "a123456l", "with inner space", "x"] {
            assert!(check_serial("serial", ok).is_ok(), "{ok}");
        }
        let long = "1".repeat(129);
        for bad in [
            "",
            " A1",
            "A1 ",
            "A1\n",
            "A\n1",
            "A\t1",
            "a/b",
            long.as_str(),
        ] {
            assert!(check_serial("serial", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_message_names_field_value_and_rule() {
        let e = check_model("model", "a--b").unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"invalid model "a--b": must match ^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$"#
        );
    }
}
