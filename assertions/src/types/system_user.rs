//! `system-user` (snapd's `asserts/system_user.go`, `assembleSystemUser`): a user to
//! create on devices of given models.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::checks::{self, HEADER};
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};
use ucore_go_text::quote;

use super::common::{self, forbidden, invalid_header};
use super::mail_address::parse_address;

static VALID_USERNAME: LazyLock<Regex> = LazyLock::new(|| common::regex("^[a-z0-9][-a-z0-9._]*$"));
static VALID_SALT_AND_HASH: LazyLock<Regex> = LazyLock::new(|| common::regex("^[a-zA-Z0-9./]+$"));

/// `user-presence`: how long the user stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UserPresence {
    /// `until-expiration`: the user is removed when the assertion expires.
    UntilExpiration,
}

/// A `system-user` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SystemUser<'a> {
    /// `brand-id`.
    pub brand_id: &'a str,
    /// `email`.
    pub email: &'a str,
    /// `series`.
    pub series: Vec<&'a str>,
    /// `models`.
    pub models: Vec<&'a str>,
    /// `serials` (format 1).
    pub serials: Vec<&'a str>,
    /// `name`, if any (an empty one is none).
    pub name: Option<&'a str>,
    /// `username`.
    pub username: &'a str,
    /// `password`: a crypt(3) hash, if any.
    pub password: Option<&'a str>,
    /// `force-password-change`.
    pub force_password_change: bool,
    /// `ssh-keys`.
    pub ssh_keys: Vec<&'a str>,
    /// `since`.
    pub since: Rfc3339Time,
    /// `until`.
    pub until: Rfc3339Time,
    /// `user-presence` (format 2).
    pub user_presence: Option<UserPresence>,
}

impl<'a> SystemUser<'a> {
    /// Whether the assertion is valid at `t` (`since <= t < until`).
    pub fn is_valid_at(&self, t: impl Into<crate::Timestamp>) -> bool {
        let t = t.into();
        self.since.timestamp <= t && t < self.until.timestamp
    }

    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        let email = checks::check_not_empty_string(h, "email", HEADER)?;
        if let Err(e) = parse_address(email) {
            return Err(invalid_header(
                "email",
                format!("must be a RFC 5322 compliant email address: {e}"),
            ));
        }
        let series = checks::check_string_list(h, "series")?;
        let models = checks::check_string_list(h, "models")?;
        let serials = checks::check_string_list(h, "serials")?;
        if !serials.is_empty() && a.format() < 1 {
            return Err(forbidden(
                "serials",
                "the \"serials\" header is only supported for format 1 or greater",
            ));
        }
        if !serials.is_empty() && models.len() != 1 {
            return Err(forbidden(
                "serials",
                "in the presence of the \"serials\" header \"models\" must specify exactly one model",
            ));
        }
        let name = checks::check_optional_string(h, "name", HEADER)?.filter(|n| !n.is_empty());
        let username = checks::check_string_matches(h, "username", HEADER, &VALID_USERNAME)?;
        let password = hashed_password(h)?;
        let force_password_change = checks::check_optional_bool(h, "force-password-change")?;
        if force_password_change && password.is_none() {
            return Err(forbidden(
                "force-password-change",
                "cannot use \"force-password-change\" with an empty \"password\"",
            ));
        }
        let ssh_keys = checks::check_string_list(h, "ssh-keys")?;
        let since = checks::check_rfc3339_date(h, "since", HEADER)?;
        let until = checks::check_rfc3339_date(h, "until", HEADER)?;
        common::check_until(&since, Some(&until))?;
        // snapd: `until.After(since.AddDate(1, 0, 0))`, a calendar year (366 days
        // across a 29 February).
        let until_exact = (
            until.timestamp.as_second(),
            until.timestamp.subsec_nanosecond(),
        );
        if models.is_empty() && until_exact > since.one_year_later() {
            return Err(forbidden(
                "until",
                "'until' time cannot be more than 365 days in the future when no models are specified",
            ));
        }
        let user_presence = match checks::check_optional_string(h, "user-presence", HEADER)? {
            None => None,
            Some(_) if a.format() < 2 => {
                return Err(forbidden(
                    "user-presence",
                    "the \"user-presence\" header is only supported for format 2 or greater",
                ));
            }
            Some("until-expiration") => Some(UserPresence::UntilExpiration),
            Some(other) => {
                return Err(forbidden(
                    "user-presence",
                    format!(
                        "invalid \"user-presence\" header, only explicit valid value is \"until-expiration\": {}",
                        quote(other)
                    ),
                ));
            }
        };
        Ok(SystemUser {
            brand_id: h.get_str("brand-id").unwrap_or(""),
            email,
            series,
            models,
            serials,
            name,
            username,
            password,
            force_password_change,
            ssh_keys,
            since,
            until,
            user_presence,
        })
    }
}

super::view!(SystemUser, SystemUser);

/// `password`: a crypt(3) hash read like a shadow line, `$id$salt$hash` or
/// `$id$rounds=N$salt$hash`, with id ≥ 6 (snapd's `parseShadowLine` and
/// `checkHashedPassword`). An empty password is none.
fn hashed_password<'a>(h: &'a crate::Headers<'_>) -> Result<Option<&'a str>, Error> {
    let Some(pw) = checks::check_optional_string(h, "password", HEADER)?.filter(|p| !p.is_empty())
    else {
        return Ok(None);
    };
    let parts: Vec<&str> = pw.splitn(5, '$').collect();
    if parts.len() != 4 && parts.len() != 5 {
        return Err(invalid_header(
            "password",
            "invalid: hashed password must be of the form \"$integer-id$salt$hash\", see crypt(3)",
        ));
    }
    // Four fields whose second is `rounds=`: the rounds took the salt's place.
    if parts.len() == 4 && parts[2].starts_with("rounds=") {
        return Err(invalid_header("password", "invalid: missing hash field"));
    }
    let id = checks::go_atoi(parts[1]).map_err(|_| {
        invalid_header(
            "password",
            format!("must start with \"$integer-id$\", got {}", quote(parts[1])),
        )
    })?;
    if id < 6 {
        return Err(invalid_header(
            "password",
            "only supports $id$ values of 6 (sha512crypt) or higher",
        ));
    }
    // Only a fifth field makes the second one the rounds; snapd ignores a second field
    // of five that does not start with `rounds=`.
    if parts.len() == 5
        && let Some(rounds) = parts[2].strip_prefix("rounds=")
    {
        let n = ucore_go_text::number::atoi(rounds).map_err(|e| {
            invalid_header("password", format!("has invalid number of rounds: {e}"))
        })?;
        if !(5000..=999_999_999).contains(&n) {
            return Err(invalid_header(
                "password",
                format!("rounds parameter out of bounds: {n}"),
            ));
        }
    }
    let (salt, hash) = (parts[parts.len() - 2], parts[parts.len() - 1]);
    if !VALID_SALT_AND_HASH.is_match(salt) {
        return Err(invalid_header(
            "password",
            format!("has invalid chars in salt {}", quote(salt)),
        ));
    }
    if !VALID_SALT_AND_HASH.is_match(hash) {
        return Err(invalid_header(
            "password",
            format!("has invalid chars in hash {}", quote(hash)),
        ));
    }
    Ok(Some(pw))
}
