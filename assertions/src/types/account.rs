//! `account` (snapd's `asserts/account.go`, `assembleAccount`): an account known to the
//! store.

use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};

/// How the store validated an account (`validation` header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountValidation {
    /// `verified` (or the legacy `certified`, reported as verified).
    Verified,
    /// `starred`.
    Starred,
    /// `unproven`.
    Unproven,
    /// Any other value (snapd accepts any non-empty text).
    Other,
}

/// An `account` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Account<'a> {
    /// `account-id` (not checked against the account-id pattern, as in snapd).
    pub account_id: &'a str,
    /// `display-name`.
    pub display_name: &'a str,
    /// `validation`, as written.
    pub validation: &'a str,
    /// `username`, if any (an empty one is none, as snapd reads it).
    pub username: Option<&'a str>,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
}

impl<'a> Account<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        let display_name = checks::check_not_empty_string(h, "display-name", HEADER)?;
        let validation = checks::check_not_empty_string(h, "validation", HEADER)?;
        // snapd's order: the timestamp before the username.
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        let username =
            checks::check_optional_string(h, "username", HEADER)?.filter(|u| !u.is_empty());
        Ok(Account {
            account_id: h.get_str("account-id").unwrap_or(""),
            display_name,
            validation,
            username,
            timestamp,
        })
    }

    /// snapd's `Validation()`: `certified` is reported as `verified`.
    pub fn validation(&self) -> AccountValidation {
        match self.validation {
            "verified" | "certified" => AccountValidation::Verified,
            "starred" => AccountValidation::Starred,
            "unproven" => AccountValidation::Unproven,
            _ => AccountValidation::Other,
        }
    }
}

super::view!(Account, Account);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::tests::{KEY, decode_err, decode_ok};

    fn text(extra: &str, drop: &str) -> String {
        let base = "type: account\nauthority-id: canonical\naccount-id: acme\ndisplay-name: Acme\nvalidation: certified\nusername: acme\ntimestamp: 2016-01-01T00:00:00Z\n";
        let mut s: String = base
            .lines()
            .filter(|l| !l.starts_with(drop) || drop.is_empty())
            .map(|l| format!("{l}\n"))
            .collect();
        s.push_str(extra);
        format!("{s}sign-key-sha3-384: {KEY}\n\nAXNpZw==")
    }

    #[test]
    fn view() {
        let t = text("", "");
        let a = decode_ok(&t);
        let v = Account::try_from(&a).unwrap();
        assert_eq!(v.account_id, "acme");
        assert_eq!(v.username, Some("acme"));
        assert_eq!(v.validation(), AccountValidation::Verified);
        assert_eq!(serde_json::to_value(&v).unwrap()["display_name"], "Acme");
    }

    #[test]
    fn errors() {
        assert_eq!(
            decode_err(&text("", "display-name")),
            r#"assertion account: "display-name" header is mandatory"#
        );
        assert_eq!(
            decode_err(&text("", "validation")),
            r#"assertion account: "validation" header is mandatory"#
        );
        assert_eq!(
            decode_err(&text("", "timestamp")),
            r#"assertion account: "timestamp" header is mandatory"#
        );
        assert_eq!(
            decode_err(&text("", "username").replace("timestamp", "username:\n  - a\ntimestamp")),
            r#"assertion account: "username" header must be a string"#
        );
    }
}
