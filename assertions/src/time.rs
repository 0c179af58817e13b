//! [`Timestamp`], the one instant type of ucore's public API.
//!
//! Every public signature of the ucore crates that takes or returns an instant uses it:
//! validity checks (`AccountKey::is_valid_at`), the trust database's clock, statement
//! checks, signature creation times, the vault's nonces. It is a `Copy` newtype over
//! [`jiff::Timestamp`] (jiff does the arithmetic) and converts from and to
//! [`jiff::Timestamp`] and [`std::time::SystemTime`] (fallible where ranges differ); with the `chrono` cargo feature, from
//! and to `chrono::DateTime<Utc>` too, so a chrono user writes no conversion.
//!
//! Its text is RFC 3339 in UTC (`2016-04-01T00:00:00Z`, a fraction only when there is
//! one); [`str::parse`] reads dates as snapd does ([`Rfc3339Time::parse`]: Go's
//! `time.Parse(time.RFC3339, s)`, any offset, converted to the instant). Serde uses the
//! same text.

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use crate::error::TimeError;
use crate::rfc3339::Rfc3339Time;

/// An instant: seconds and nanoseconds from the Unix epoch, in jiff's range (the years
/// -9999 to 9999).
///
/// ```
/// use ucore_assertions::Timestamp;
///
/// let t: Timestamp = "2016-04-01T02:00:00+02:00".parse()?;
/// assert_eq!(t.as_second(), 1_459_468_800);
/// assert_eq!(t.to_string(), "2016-04-01T00:00:00Z");
/// assert_eq!(Timestamp::from_second(1_459_468_800)?, t);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(jiff::Timestamp);

/// An instant outside the range a [`Timestamp`] holds, or one that does not fit where it
/// was to go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// Outside the target's range: jiff's (the years -9999 to 9999) for a [`Timestamp`]
    /// made from a wider chrono or `SystemTime` value, the platform's for a `SystemTime`.
    #[error("instant {second} s {nanosecond} ns from the Unix epoch is out of range")]
    OutOfRange {
        /// Whole seconds from the Unix epoch (saturated to `i64`).
        second: i64,
        /// Nanoseconds within that second.
        nanosecond: i32,
    },
    /// Not representable as an OpenPGP creation time: whole seconds from 1970-01-01 to
    /// 2106-02-07T06:28:15Z (the packet's unsigned 32-bit field).
    #[error("instant {0} does not fit an OpenPGP creation time (0 to 4294967295 s from 1970)")]
    NotOpenPgpTime(Timestamp),
}

impl Timestamp {
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Timestamp = Timestamp(jiff::Timestamp::UNIX_EPOCH);

    /// The current time of the system clock.
    pub fn now() -> Self {
        Timestamp(jiff::Timestamp::now())
    }

    /// `second` whole seconds from the Unix epoch.
    pub fn from_second(second: i64) -> Result<Self, TimestampError> {
        Self::new(second, 0)
    }

    /// `second` seconds plus `nanosecond` nanoseconds from the Unix epoch (jiff's rules:
    /// `nanosecond` in ±999 999 999, with the sign of `second` when that is not zero).
    pub fn new(second: i64, nanosecond: i32) -> Result<Self, TimestampError> {
        jiff::Timestamp::new(second, nanosecond)
            .map(Timestamp)
            .map_err(|_| TimestampError::OutOfRange { second, nanosecond })
    }

    /// Whole seconds from the Unix epoch (rounded towards zero).
    pub fn as_second(self) -> i64 {
        self.0.as_second()
    }

    /// The nanoseconds within the second (negative before the epoch).
    pub fn subsec_nanosecond(self) -> i32 {
        self.0.subsec_nanosecond()
    }

    /// The same instant without its fraction of a second (rounded towards zero), as snapd
    /// writes headers such as `timestamp`.
    pub fn trunc_to_second(self) -> Self {
        Timestamp(jiff::Timestamp::from_second(self.as_second()).unwrap_or(self.0))
    }

    /// The jiff instant.
    pub const fn as_jiff(self) -> jiff::Timestamp {
        self.0
    }

    /// This instant as an OpenPGP creation time: whole seconds from the Unix epoch (the
    /// fraction dropped), in the packet's 32 bits.
    pub fn to_openpgp_time(self) -> Result<u32, TimestampError> {
        u32::try_from(self.as_second()).map_err(|_| TimestampError::NotOpenPgpTime(self))
    }

    /// The instant of an OpenPGP creation time (whole seconds from the Unix epoch; every
    /// `u32` is in range).
    pub const fn from_openpgp_time(second: u32) -> Self {
        // Widening, and 2106 is well within jiff's range: `constant` cannot panic here.
        Timestamp(jiff::Timestamp::constant(second as i64, 0))
    }
}

impl From<jiff::Timestamp> for Timestamp {
    fn from(t: jiff::Timestamp) -> Self {
        Timestamp(t)
    }
}

impl From<Timestamp> for jiff::Timestamp {
    fn from(t: Timestamp) -> Self {
        t.0
    }
}

impl TryFrom<SystemTime> for Timestamp {
    type Error = TimestampError;

    fn try_from(t: SystemTime) -> Result<Self, Self::Error> {
        jiff::Timestamp::try_from(t).map(Timestamp).map_err(|_| {
            let (second, nanosecond) = match t.duration_since(SystemTime::UNIX_EPOCH) {
                Ok(d) => (
                    i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                    i32::try_from(d.subsec_nanos()).unwrap_or(0),
                ),
                Err(e) => (
                    i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
                    -i32::try_from(e.duration().subsec_nanos()).unwrap_or(0),
                ),
            };
            TimestampError::OutOfRange { second, nanosecond }
        })
    }
}

/// Fails only where the platform's `SystemTime` is narrower than the years -9999 to 9999.
impl TryFrom<Timestamp> for SystemTime {
    type Error = TimestampError;

    fn try_from(t: Timestamp) -> Result<Self, Self::Error> {
        SystemTime::try_from(t.0).map_err(|_| TimestampError::OutOfRange {
            second: t.as_second(),
            nanosecond: t.subsec_nanosecond(),
        })
    }
}

/// RFC 3339 in UTC: `2016-04-01T00:00:00Z`, with a fraction of a second only when there
/// is one (`…T00:00:00.5Z`).
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// snapd's reading of a date ([`Rfc3339Time::parse`]), keeping the instant.
impl FromStr for Timestamp {
    type Err = TimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rfc3339Time::parse(s).map(|t| t.timestamp)
    }
}

impl From<Rfc3339Time> for Timestamp {
    fn from(t: Rfc3339Time) -> Self {
        t.timestamp
    }
}

/// The [`Display`](fmt::Display) text.
impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Parsed with [`FromStr`] (snapd's RFC 3339 rules).
impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "chrono")]
mod chrono_conversions {
    use super::{Timestamp, TimestampError};

    /// Fails outside the years -9999 to 9999 (chrono's range is wider).
    impl TryFrom<chrono::DateTime<chrono::Utc>> for Timestamp {
        type Error = TimestampError;

        fn try_from(t: chrono::DateTime<chrono::Utc>) -> Result<Self, Self::Error> {
            let second = t.timestamp();
            // chrono keeps a leap second as nanoseconds ≥ 1e9: fold it into the next second
            // like jiff's clock does.
            let nanos = t.timestamp_subsec_nanos();
            let (second, nanos) = if nanos >= 1_000_000_000 {
                (second.saturating_add(1), nanos - 1_000_000_000)
            } else {
                (second, nanos)
            };
            let nanosecond = i32::try_from(nanos).unwrap_or(0);
            // jiff wants the fraction to carry the sign of the seconds.
            if second < 0 && nanosecond > 0 {
                Timestamp::new(second + 1, nanosecond - 1_000_000_000)
            } else {
                Timestamp::new(second, nanosecond)
            }
            .map_err(|_| TimestampError::OutOfRange { second, nanosecond })
        }
    }

    /// Fails outside the years -9999 to 9999 (chrono's range is wider).
    impl TryFrom<chrono::DateTime<chrono::FixedOffset>> for Timestamp {
        type Error = TimestampError;

        fn try_from(t: chrono::DateTime<chrono::FixedOffset>) -> Result<Self, Self::Error> {
            Timestamp::try_from(t.to_utc())
        }
    }

    impl From<Timestamp> for chrono::DateTime<chrono::Utc> {
        fn from(t: Timestamp) -> Self {
            let (mut second, mut nanosecond) = (t.as_second(), t.subsec_nanosecond());
            if nanosecond < 0 {
                second -= 1;
                nanosecond += 1_000_000_000;
            }
            // Every jiff instant is within chrono's range.
            chrono::DateTime::from_timestamp(second, nanosecond.unsigned_abs()).unwrap_or_default()
        }
    }

    impl From<Timestamp> for chrono::DateTime<chrono::FixedOffset> {
        fn from(t: Timestamp) -> Self {
            chrono::DateTime::<chrono::Utc>::from(t).fixed_offset()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_seconds() {
        let t: Timestamp = "2016-02-03T10:00:00,5+01:30".parse().unwrap();
        assert_eq!(t.as_second(), 1_454_488_200);
        assert_eq!(t.subsec_nanosecond(), 500_000_000);
        assert_eq!(t.to_string(), "2016-02-03T08:30:00.5Z");
        assert_eq!(t.trunc_to_second().to_string(), "2016-02-03T08:30:00Z");
        assert_eq!(
            "2016-01-01t10:00:00Z"
                .parse::<Timestamp>()
                .unwrap_err()
                .to_string(),
            r#"parsing time "2016-01-01t10:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "t10:00:00Z" as "T""#
        );
        assert_eq!(Timestamp::default(), Timestamp::UNIX_EPOCH);
        assert!(matches!(
            Timestamp::from_second(i64::MAX),
            Err(TimestampError::OutOfRange { .. })
        ));
    }

    #[test]
    fn serde_is_the_text() {
        let t = Timestamp::from_second(1_459_468_800).unwrap();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, r#""2016-04-01T00:00:00Z""#);
        assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), t);
        assert!(serde_json::from_str::<Timestamp>(r#""yesterday""#).is_err());
    }

    #[test]
    fn jiff_and_system_time() {
        let j = jiff::Timestamp::new(-5, -250).unwrap();
        let t = Timestamp::from(j);
        assert_eq!(jiff::Timestamp::from(t), j);
        let s = SystemTime::try_from(t).unwrap();
        assert_eq!(Timestamp::try_from(s).unwrap(), t);
    }

    #[test]
    fn openpgp_times() {
        let t = Timestamp::from_openpgp_time(u32::MAX);
        assert_eq!(t.to_string(), "2106-02-07T06:28:15Z");
        assert_eq!(t.to_openpgp_time(), Ok(u32::MAX));
        let late = Timestamp::from_second(1 << 32).unwrap();
        assert_eq!(
            late.to_openpgp_time(),
            Err(TimestampError::NotOpenPgpTime(late))
        );
        let early = Timestamp::from_second(-1).unwrap();
        assert!(early.to_openpgp_time().is_err());
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_round_trips() {
        use chrono::{DateTime, FixedOffset, TimeZone, Utc};

        for (s, n) in [
            (0, 0),
            (1_459_468_800, 5),
            (-1, 999_999_999),
            (-62_167_219_200, 0),
        ] {
            let c = DateTime::from_timestamp(s, n).unwrap();
            let t = Timestamp::try_from(c).unwrap();
            assert_eq!(DateTime::<Utc>::from(t), c, "{c}");
            assert_eq!(
                t.to_string(),
                c.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
            );
        }
        let before = Timestamp::try_from(DateTime::from_timestamp(-1, 250).unwrap()).unwrap();
        assert_eq!(
            (before.as_second(), before.subsec_nanosecond()),
            (0, -999_999_750)
        );

        let offset = FixedOffset::east_opt(5400)
            .unwrap()
            .with_ymd_and_hms(2016, 2, 3, 10, 0, 0)
            .unwrap();
        let t = Timestamp::try_from(offset).unwrap();
        assert_eq!(t, "2016-02-03T10:00:00+01:30".parse().unwrap());
        assert_eq!(DateTime::<FixedOffset>::from(t), offset);

        let far = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap();
        assert!(matches!(
            Timestamp::try_from(far),
            Err(TimestampError::OutOfRange { .. })
        ));
        assert!(Timestamp::try_from(DateTime::<Utc>::MIN_UTC).is_err());
    }
}
