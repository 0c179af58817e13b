//! What the database reads out of assertions, through the generic header accessors. All of
//! it is here, in one place. The assertions were decoded, so their type's checks (the typed
//! views of `ucore_assertions::types`) have run; the readings here do not build a view
//! again (an `AccountKey` view would decode the key body on every signature check).

use ucore_assertions::{AssertionAccess, HeaderValue, Rfc3339Time, Timestamp};

use crate::error::Error;
use crate::keys::rsa::RsaPublicKey;

/// The fields of an `account-key` the database needs.
#[derive(Debug, Clone)]
pub(crate) struct AccountKeyView {
    pub account_id: String,
    pub name: Option<String>,
    pub since: Rfc3339Time,
    pub until: Option<Rfc3339Time>,
    pub key_id: String,
}

impl AccountKeyView {
    pub fn of(a: &(impl AssertionAccess + ?Sized)) -> Result<Self, Error> {
        Ok(Self {
            account_id: string(a, "account-id").to_string(),
            name: a.header_str("name").map(str::to_string),
            since: a.header_date("since")?,
            until: a
                .header("until")
                .map(|_| a.header_date("until"))
                .transpose()?,
            key_id: string(a, "public-key-sha3-384").to_string(),
        })
    }

    /// `since ≤ t < until` (spec §7.17).
    pub fn valid_at(&self, t: impl Into<Timestamp>) -> bool {
        let t = t.into();
        self.since.timestamp <= t && self.until.is_none_or(|u| t < u.timestamp)
    }
}

/// The public key in an account-key (or account-key-request) body.
pub(crate) fn body_public_key(
    a: &(impl AssertionAccess + ?Sized),
) -> Result<RsaPublicKey, crate::error::KeyError> {
    RsaPublicKey::from_snapd_text(a.body().unwrap_or_default().as_bytes())
}

/// The public key of a `device-key` header (serial, serial-request).
pub(crate) fn device_key(
    a: &(impl AssertionAccess + ?Sized),
) -> Result<RsaPublicKey, crate::error::KeyError> {
    let text = a.header_str("device-key").unwrap_or_default();
    RsaPublicKey::from_snapd_text(text.as_bytes())
}

/// A string header (empty when absent or not a string).
pub(crate) fn string<'a, A: AssertionAccess + ?Sized>(a: &'a A, name: &str) -> &'a str {
    a.header_str(name).unwrap_or_default()
}

/// A model's `serial-authority` (the brand is prepended when missing, as snapd does).
pub(crate) fn model_serial_authority(model: &(impl AssertionAccess + ?Sized)) -> Vec<String> {
    let brand = string(model, "brand-id").to_string();
    let mut out: Vec<String> = match model.header("serial-authority") {
        Some(HeaderValue::List(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    if !out.contains(&brand) {
        out.insert(0, brand);
    }
    out
}

/// The `revision-authority` entries of a snap-declaration: (account-id, provenance list,
/// min-revision, max-revision (0 = none)).
pub(crate) fn revision_authorities(
    decl: &(impl AssertionAccess + ?Sized),
) -> Vec<(String, Vec<String>, i64, i64)> {
    let Some(HeaderValue::List(items)) = decl.header("revision-authority") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        let Some(m) = item.as_map() else { continue };
        let get = |k: &str| m.get(k).and_then(HeaderValue::as_str).map(str::to_string);
        let provenance = match m.get("provenance") {
            Some(HeaderValue::List(p)) => p
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        let num = |k: &str, d: i64| get(k).and_then(|s| s.parse().ok()).unwrap_or(d);
        out.push((
            get("account-id").unwrap_or_default(),
            provenance,
            num("min-revision", 1),
            num("max-revision", 0),
        ));
    }
    out
}

/// The `developer-id`s of a snap-developer's `developers` list, sorted and unique.
pub(crate) fn snap_developers(a: &(impl AssertionAccess + ?Sized)) -> Vec<String> {
    let Some(HeaderValue::List(items)) = a.header("developers") else {
        return Vec::new();
    };
    let mut out: Vec<String> = items
        .iter()
        .filter_map(|i| {
            i.as_map()?
                .get("developer-id")?
                .as_str()
                .map(str::to_string)
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Go's `time.Time.Format(time.RFC3339)`: no fraction, `Z` for a zero offset.
pub(crate) fn go_rfc3339(ts: Timestamp, offset_seconds: i32) -> String {
    let offset = jiff::tz::Offset::from_seconds(offset_seconds).unwrap_or(jiff::tz::Offset::UTC);
    let dt = offset.to_datetime(ts.as_jiff());
    let base = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    );
    if offset_seconds == 0 {
        format!("{base}Z")
    } else {
        format!("{base}{}", offset_hhmm(offset_seconds, true))
    }
}

fn offset_hhmm(offset_seconds: i32, colon: bool) -> String {
    let sign = if offset_seconds < 0 { '-' } else { '+' };
    let a = offset_seconds.unsigned_abs();
    if colon {
        format!("{sign}{:02}:{:02}", a / 3600, (a / 60) % 60)
    } else {
        format!("{sign}{:02}{:02}", a / 3600, (a / 60) % 60)
    }
}

/// Go's `time.Time.String()` of a time parsed from RFC 3339 on a machine whose local zone
/// is UTC: `2006-01-02 15:04:05[.fraction] -0700 MST`, where a zero offset is `+0000 UTC`
/// and any other offset is named after itself (`+0100 +0100`).
pub(crate) fn go_time_string(t: &Rfc3339Time) -> String {
    let offset = jiff::tz::Offset::from_seconds(t.offset_seconds).unwrap_or(jiff::tz::Offset::UTC);
    let dt = offset.to_datetime(t.timestamp.as_jiff());
    let mut s = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    );
    let nanos = dt.subsec_nanosecond();
    if nanos > 0 {
        let frac = format!("{nanos:09}");
        s.push('.');
        s.push_str(frac.trim_end_matches('0'));
    }
    let zone = offset_hhmm(t.offset_seconds, false);
    if t.offset_seconds == 0 {
        s.push_str(" +0000 UTC");
    } else {
        s.push(' ');
        s.push_str(&zone);
        s.push(' ');
        s.push_str(&zone);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_time_formats() {
        let t = Rfc3339Time::parse("2015-12-01T12:00:00+01:00").unwrap();
        assert_eq!(go_time_string(&t), "2015-12-01 12:00:00 +0100 +0100");
        assert_eq!(
            go_rfc3339(t.timestamp, t.offset_seconds),
            "2015-12-01T12:00:00+01:00"
        );
        let u = Rfc3339Time::parse("2016-01-01T00:00:00.50Z").unwrap();
        assert_eq!(go_time_string(&u), "2016-01-01 00:00:00.5 +0000 UTC");
        assert_eq!(go_rfc3339(u.timestamp, 0), "2016-01-01T00:00:00Z");
        let z = Rfc3339Time::parse("2016-01-01T00:00:00+00:00").unwrap();
        assert_eq!(go_time_string(&z), "2016-01-01 00:00:00 +0000 UTC");
    }
}
