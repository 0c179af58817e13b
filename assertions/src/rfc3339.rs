//! Dates as snapd reads them: Go `time.Parse(time.RFC3339, s)` (snapd's
//! `checkRFC3339Date` in `asserts/header_checks.go`), with Go's
//! error texts ([`TimeError`]).
//!
//! Accepted: `YYYY-MM-DDTHH:MM:SS`, an optional fraction of a second after `.` or
//! `,` (any number of digits, truncated to nanoseconds), then `Z` or `±hh:mm`.
//! Uppercase `T` and `Z` only.
//!
//! Go's `time.Parse` is laxer than RFC 3339 in two ways that depend on the Go release
//! snapd was built with; ucore rejects both (Go 1.19, which built snapd 2.57, accepts them):
//! * a single-digit hour (`T1:00:00Z`) → `cannot parse "1:00:00Z" as "15"`;
//! * offset hours ≥ 24 or minutes ≥ 60 (`+24:00`) → `time zone offset hour out of
//!   range` (Go ≥ 1.20's wording for its own, looser, check).

use serde::Serialize;

use crate::error::TimeError;
use crate::time::Timestamp;

/// A parsed RFC 3339 date: the instant plus the UTC offset it was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rfc3339Time {
    /// The instant.
    pub timestamp: Timestamp,
    /// The offset written in the text (`Z` is 0), in seconds east of UTC.
    pub offset_seconds: i32,
}

impl Rfc3339Time {
    /// Parses `value` like Go `time.Parse(time.RFC3339, value)` (see the module
    /// notes for the two lax forms ucore rejects).
    pub fn parse(value: &str) -> Result<Self, TimeError> {
        parse(value)
    }
}

impl Rfc3339Time {
    /// Go's `t.AddDate(1, 0, 0)` in the offset the time was written with, as
    /// (seconds since the epoch, nanoseconds): the same wall clock a calendar year
    /// later, where a 29 February becomes 1 March (Go normalises the date).
    pub(crate) fn one_year_later(&self) -> (i64, i32) {
        let wall = self.timestamp.as_second() + i64::from(self.offset_seconds);
        let (days, second_of_day) = (wall.div_euclid(86_400), wall.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        // days_from_civil counts from 1 March, so 29 February of a common year is 1 March.
        let later = days_from_civil(year + 1, month, day) * 86_400 + second_of_day;
        (
            later - i64::from(self.offset_seconds),
            self.timestamp.subsec_nanosecond(),
        )
    }
}

impl std::fmt::Display for Rfc3339Time {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match jiff::tz::Offset::from_seconds(self.offset_seconds) {
            Ok(offset) => write!(
                f,
                "{}",
                self.timestamp.as_jiff().display_with_offset(offset)
            ),
            Err(_) => write!(f, "{}", self.timestamp),
        }
    }
}

fn is_digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// Go `getnum` with `fixed = true`: exactly two digits.
fn two_digits(s: &[u8]) -> Option<(i32, &[u8])> {
    if is_digit(s, 0) && is_digit(s, 1) {
        Some((
            i32::from(s[0] - b'0') * 10 + i32::from(s[1] - b'0'),
            &s[2..],
        ))
    } else {
        None
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn days_in(month: i32, year: i32) -> i32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to `year`-`month`-`day` of the proleptic Gregorian calendar
/// (a valid date): the era-based count, March first, so that leap days fall last.
fn days_from_civil(year: i32, month: i32, day: i32) -> i64 {
    let y = i64::from(if month <= 2 { year - 1 } else { year });
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` days after 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i32, i32, i32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Timestamps span years -9999..=9999: the casts cannot truncate.
    (year as i32, month as i32, day as i32)
}

fn parse(value: &str) -> Result<Rfc3339Time, TimeError> {
    let cannot = |rest: &[u8], elem: &'static str| TimeError::CannotParse {
        value: value.to_owned(),
        rest: text(rest),
        layout_element: elem,
    };
    let range = |what: &'static str| TimeError::OutOfRange {
        value: value.to_owned(),
        what,
    };
    let literal = |v: &[u8], c: u8, elem: &'static str| -> Result<usize, TimeError> {
        match v.first() {
            Some(&x) if x == c => Ok(1),
            _ => Err(cannot(v, elem)),
        }
    };
    let v = value.as_bytes();

    // "2006": four characters, the first a digit, then Go's atoi of all four.
    if v.len() < 4 || !is_digit(v, 0) {
        return Err(cannot(v, "2006"));
    }
    let (y, mut v) = v.split_at(4);
    if !y.iter().all(u8::is_ascii_digit) {
        return Err(cannot(v, "2006"));
    }
    let year = y.iter().fold(0i32, |a, &d| a * 10 + i32::from(d - b'0'));
    v = &v[literal(v, b'-', "-")?..];
    let (month, rest) = two_digits(v).ok_or_else(|| cannot(v, "01"))?;
    if !(1..=12).contains(&month) {
        return Err(range("month"));
    }
    v = &rest[literal(rest, b'-', "-")?..];
    let (day, rest) = two_digits(v).ok_or_else(|| cannot(v, "02"))?;
    v = &rest[literal(rest, b'T', "T")?..];
    let (hour, rest) = two_digits(v).ok_or_else(|| cannot(v, "15"))?;
    if hour >= 24 {
        return Err(range("hour"));
    }
    v = &rest[literal(rest, b':', ":")?..];
    let (minute, rest) = two_digits(v).ok_or_else(|| cannot(v, "04"))?;
    if minute >= 60 {
        return Err(range("minute"));
    }
    v = &rest[literal(rest, b':', ":")?..];
    let (second, rest) = two_digits(v).ok_or_else(|| cannot(v, "05"))?;
    if second >= 60 {
        return Err(range("second"));
    }
    v = rest;
    let mut nanos = 0i32;
    if v.len() >= 2 && (v[0] == b'.' || v[0] == b',') && is_digit(v, 1) {
        let n = 1 + v[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        let digits = &v[1..n.min(10)];
        nanos = digits
            .iter()
            .fold(0i32, |a, &d| a * 10 + i32::from(d - b'0'));
        for _ in digits.len()..9 {
            nanos *= 10;
        }
        v = &v[n..];
    }
    // "Z07:00"
    let offset_seconds = if v.first() == Some(&b'Z') {
        v = &v[1..];
        0
    } else {
        if v.len() < 6 || v[3] != b':' {
            return Err(cannot(v, "Z07:00"));
        }
        let (sign, hh, mm, rest) = (v[0], &v[1..3], &v[4..6], &v[6..]);
        let (Some((oh, _)), Some((om, _))) = (two_digits(hh), two_digits(mm)) else {
            return Err(cannot(rest, "Z07:00"));
        };
        let off = (oh * 60 + om) * 60;
        let off = match sign {
            b'+' => off,
            b'-' => -off,
            _ => return Err(cannot(rest, "Z07:00")),
        };
        if oh >= 24 {
            return Err(range("time zone offset hour"));
        }
        if om >= 60 {
            return Err(range("time zone offset minute"));
        }
        v = rest;
        off
    };
    if !v.is_empty() {
        return Err(TimeError::ExtraText {
            value: value.to_owned(),
            rest: text(v),
        });
    }
    if day < 1 || day > days_in(month, year) {
        return Err(range("day"));
    }
    let civil_seconds =
        days_from_civil(year, month, day) * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    let timestamp = Timestamp::new(civil_seconds - i64::from(offset_seconds), nanos)
        .map_err(|_| range("day"))?;
    Ok(Rfc3339Time {
        timestamp,
        offset_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_of_the_range() {
        // jiff's last instant is 9999-12-30T22:00:00Z: later dates are out of range,
        // as they were when jiff did the arithmetic.
        assert!(Rfc3339Time::parse("9999-12-30T22:00:00Z").is_ok());
        assert_eq!(
            err("9999-12-31T23:59:59Z"),
            r#"parsing time "9999-12-31T23:59:59Z": day out of range"#
        );
        assert!(Rfc3339Time::parse("9999-12-31T23:59:59+23:59").is_err());
        assert!(Rfc3339Time::parse("9999-12-31T20:00:00+23:59").is_ok());
        let first = Rfc3339Time::parse("0000-01-01T00:00:00Z").unwrap();
        assert_eq!(first.timestamp.as_second(), -62_167_219_200);
        let leap = Rfc3339Time::parse("2000-02-29T12:00:00-01:30").unwrap();
        assert_eq!(leap.timestamp.as_second(), 951_831_000);
    }

    proptest::proptest! {
        /// The instant equals jiff's reading of the same civil time and offset (or both
        /// are out of jiff's range).
        #[test]
        fn instant_matches_jiff(
            year in 0i16..=9999,
            month in 1i8..=12,
            day in 1i8..=31,
            hour in 0i8..24,
            minute in 0i8..60,
            second in 0i8..60,
            nanos in 0i32..1_000_000_000,
            offset_minutes in -(23i32 * 60 + 59)..=(23 * 60 + 59),
        ) {
            proptest::prop_assume!(i32::from(day) <= days_in(i32::from(month), i32::from(year)));
            let sign = if offset_minutes < 0 { '-' } else { '+' };
            let text = format!(
                "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{nanos:09}{sign}{:02}:{:02}",
                offset_minutes.abs() / 60,
                offset_minutes.abs() % 60
            );
            let civil = jiff::civil::DateTime::new(year, month, day, hour, minute, second, nanos).unwrap();
            let offset = jiff::tz::Offset::from_seconds(offset_minutes * 60).unwrap();
            let want = offset.to_timestamp(civil).ok();
            let got = Rfc3339Time::parse(&text).ok().map(|t| t.timestamp.as_jiff());
            proptest::prop_assert_eq!(got, want, "{}", text);
        }
    }

    fn err(s: &str) -> String {
        Rfc3339Time::parse(s).unwrap_err().to_string()
    }

    #[test]
    fn accepts_go_forms() {
        let t = Rfc3339Time::parse("2016-04-01T00:00:00.0Z").unwrap();
        assert_eq!(t.timestamp.as_second(), 1459468800);
        let t = Rfc3339Time::parse("2016-02-03T10:00:00,5+01:30").unwrap();
        assert_eq!(t.offset_seconds, 5400);
        assert_eq!(t.timestamp.as_second(), 1454488200);
        assert_eq!(t.timestamp.subsec_nanosecond(), 500_000_000);
        assert!(Rfc3339Time::parse("2016-02-29T23:59:59.1234567891234-00:00").is_ok());
        assert_eq!(
            Rfc3339Time::parse("2022-04-04T10:40:41+00:00")
                .unwrap()
                .to_string(),
            "2022-04-04T10:40:41+00:00"
        );
    }

    /// Texts checked against the oracle (Go 1.19 `time.Parse`).
    #[test]
    fn go_error_texts() {
        assert_eq!(
            err("2016"),
            r#"parsing time "2016" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "-""#
        );
        assert_eq!(
            err("2016-13-01T10:00:00Z"),
            r#"parsing time "2016-13-01T10:00:00Z": month out of range"#
        );
        assert_eq!(
            err("2016-02-30T10:00:00Z"),
            r#"parsing time "2016-02-30T10:00:00Z": day out of range"#
        );
        assert_eq!(
            err("2016-02-03T10:00:60Z"),
            r#"parsing time "2016-02-03T10:00:60Z": second out of range"#
        );
        assert_eq!(
            err("2016-02-03T10:00:00.z"),
            r#"parsing time "2016-02-03T10:00:00.z" as "2006-01-02T15:04:05Z07:00": cannot parse ".z" as "Z07:00""#
        );
        assert_eq!(
            err("2016-01-01t10:00:00Z"),
            r#"parsing time "2016-01-01t10:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "t10:00:00Z" as "T""#
        );
        assert_eq!(
            err("2016-01-01T10:00:00Zx"),
            r#"parsing time "2016-01-01T10:00:00Zx": extra text: "x""#
        );
        assert_eq!(
            err("2016-01-01T24:00:00Z"),
            r#"parsing time "2016-01-01T24:00:00Z": hour out of range"#
        );
        assert_eq!(
            err("2016-01-01T10:00:00+0100"),
            r#"parsing time "2016-01-01T10:00:00+0100" as "2006-01-02T15:04:05Z07:00": cannot parse "+0100" as "Z07:00""#
        );
    }

    /// Go 1.19 (snapd 2.57's) accepts these; that depends on the Go release, so ucore
    /// rejects them.
    #[test]
    fn rejects_go_lax_forms() {
        assert_eq!(
            err("2016-01-01T1:00:00Z"),
            r#"parsing time "2016-01-01T1:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "1:00:00Z" as "15""#
        );
        assert_eq!(
            err("2016-01-01T10:00:00+24:00"),
            r#"parsing time "2016-01-01T10:00:00+24:00": time zone offset hour out of range"#
        );
    }

    /// Go's `AddDate(1, 0, 0)`: the same wall clock in the same offset a year later, a
    /// 29 February becoming 1 March; days round trip through the civil calendar.
    #[test]
    fn one_year_later_as_go() {
        let later = |s: &str| Rfc3339Time::parse(s).unwrap().one_year_later();
        let at = |s: &str| {
            let t = Rfc3339Time::parse(s).unwrap().timestamp;
            (t.as_second(), t.subsec_nanosecond())
        };
        for (from, to) in [
            ("2016-01-01T00:00:00Z", "2017-01-01T00:00:00Z"),
            ("2016-02-29T12:00:00Z", "2017-03-01T12:00:00Z"),
            ("2015-03-01T00:00:00Z", "2016-03-01T00:00:00Z"),
            ("2016-12-31T23:00:00.5-02:00", "2017-12-31T23:00:00.5-02:00"),
            ("0000-01-01T00:30:00+01:00", "0001-01-01T00:30:00+01:00"),
            ("1969-12-31T23:59:59Z", "1970-12-31T23:59:59Z"),
        ] {
            assert_eq!(later(from), at(to), "{from}");
        }
        for days in [-800_000, -1, 0, 59, 60, 365, 11_016, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{days}");
        }
    }
}
