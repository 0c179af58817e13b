//! An app's `timer`: the schedule grammar of snapd's `timeutil.ParseSchedule`.
//!
//! ```text
//! eventlist  = eventset *( ",," eventset )
//! eventset   = wdaylist / timelist / wdaylist "," timelist
//! wdayset    = wday [DIGIT] [ "-" wday [DIGIT] ]      (wday: sun mon tue wed thu fri sat;
//!                                                      DIGIT: a week number, 1 to 5)
//! timeset    = [ time ( "-" / "~" ) ] time [ "/" count ]   (time: H:MM or HH:MM, up to
//!                                                           24:00)
//! ```
//!
//! Fragments holding a `:` are time sets, and after the first one every fragment of the
//! event set must be one. Only whether a schedule parses matters to snap.yaml (the
//! calendar semantics are a service manager's business); errors name the fragment at
//! fault as snapd does.

use thiserror::Error;
use ucore_go_text::quote;

/// Why a schedule does not parse; Display is snapd's text (`cannot parse "X": reason`; the
/// caller adds `timer has invalid format: `).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScheduleError {
    /// `cannot parse "X": not a valid fragment`: an empty fragment in the event set X.
    #[error("cannot parse {}: not a valid fragment", quote(.0))]
    Fragment(String),
    /// `cannot parse "X": invalid schedule fragment`: a weekday after a time.
    #[error("cannot parse {}: invalid schedule fragment", quote(.0))]
    ScheduleFragment(String),
    /// `cannot parse "X": invalid week span`: more than one `-` in a weekday span.
    #[error("cannot parse {}: invalid week span", quote(.0))]
    WeekSpan(String),
    /// `cannot parse "X": "D" is not a valid weekday`.
    #[error("cannot parse {}: {} is not a valid weekday", quote(.span), quote(.day))]
    Weekday {
        /// The weekday span.
        span: String,
        /// Its bad end.
        day: String,
    },
    /// `cannot parse "X": unsupported schedule`: a span whose end's week number is before
    /// its start's (`mon4-mon1`).
    #[error("cannot parse {}: unsupported schedule", quote(.0))]
    Unsupported(String),
    /// `cannot parse "X": not a valid interval`: a bad `/count`.
    #[error("cannot parse {}: not a valid interval", quote(.0))]
    Interval(String),
    /// `cannot parse "X": not a valid time`.
    #[error("cannot parse {}: not a valid time", quote(.0))]
    Time(String),
}

/// Parses a timer schedule as `timeutil.ParseSchedule` does (only whether it parses matters
/// to snap.yaml).
pub fn validate_schedule(schedule: &str) -> Result<(), ScheduleError> {
    schedule.split(",,").try_for_each(validate_event_set)
}

fn validate_event_set(set: &str) -> Result<(), ScheduleError> {
    let mut expect_time = false;
    for fragment in set.split(',') {
        if fragment.is_empty() {
            return Err(ScheduleError::Fragment(set.to_string()));
        }
        if fragment.contains(':') {
            validate_clock_span(fragment)?;
            expect_time = true;
        } else if !expect_time {
            validate_week_span(fragment)?;
        } else {
            return Err(ScheduleError::ScheduleFragment(fragment.to_string()));
        }
    }
    Ok(())
}

/// A weekday with its optional week number (0: every week).
fn parse_weekday(s: &str) -> Option<u8> {
    let b = s.as_bytes();
    let (day, pos) = match b {
        [_, _, _] => (b, 0),
        [d0, d1, d2, n] => {
            let n = n.wrapping_sub(b'0');
            if !(1..=5).contains(&n) {
                return None;
            }
            (&[*d0, *d1, *d2][..], n)
        }
        _ => return None,
    };
    const DAYS: [&[u8]; 7] = [b"sun", b"mon", b"tue", b"wed", b"thu", b"fri", b"sat"];
    DAYS.contains(&day).then_some(pos)
}

fn validate_week_span(s: &str) -> Result<(), ScheduleError> {
    let parts: Vec<&str> = s.splitn(3, '-').collect();
    let bad_day = |day: &str| ScheduleError::Weekday {
        span: s.to_string(),
        day: day.to_string(),
    };
    let (start, end) = match parts.as_slice() {
        [one] => {
            let pos = parse_weekday(one).ok_or_else(|| bad_day(one))?;
            (pos, pos)
        }
        [first, second] => {
            let start = parse_weekday(first).ok_or_else(|| bad_day(first))?;
            let end = parse_weekday(second).ok_or_else(|| bad_day(second))?;
            (start, end)
        }
        _ => return Err(ScheduleError::WeekSpan(s.to_string())),
    };
    if start != 0 && end != 0 && end < start {
        return Err(ScheduleError::Unsupported(s.to_string()));
    }
    Ok(())
}

/// `H:MM` or `HH:MM` from `0:00` to `23:59`, or `24:00`.
fn is_clock(s: &str) -> bool {
    if s == "24:00" {
        return true;
    }
    let Some((h, m)) = s.split_once(':') else {
        return false;
    };
    let hour_ok = match h.as_bytes() {
        [d] => d.is_ascii_digit(),
        [b'0' | b'1', d] => d.is_ascii_digit(),
        [b'2', d] => (b'0'..=b'3').contains(d),
        _ => false,
    };
    let minute_ok = matches!(m.as_bytes(), [b'0'..=b'5', d] if d.is_ascii_digit());
    hour_ok && minute_ok
}

fn validate_clock_span(s: &str) -> Result<(), ScheduleError> {
    let mut rest = s;
    if s.contains('/') {
        let mut parts = s.split('/');
        let (Some(span), Some(count), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(ScheduleError::Interval(s.to_string()));
        };
        // `strconv.ParseUint(count, 10, 32)`, not zero.
        let count_ok = !count.is_empty()
            && count.bytes().all(|b| b.is_ascii_digit())
            && count.parse::<u32>().is_ok_and(|c| c > 0);
        if !count_ok {
            return Err(ScheduleError::Interval(s.to_string()));
        }
        rest = span;
    }
    // A `~` (spread) stands for the `-` of a span: only the first one is read so.
    let rest = rest.replacen('~', "-", 1);
    let ok = if rest == "-" {
        true
    } else if let Some((start, end)) = rest.split_once('-') {
        is_clock(start) && is_clock(end)
    } else {
        is_clock(&rest)
    };
    if ok {
        Ok(())
    } else {
        Err(ScheduleError::Time(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Schedules and snapd's texts, from the oracle (which adds `invalid definition of
    /// application "a": timer has invalid format: `): `printf 'name: foo\nversion: 1\napps:\n
    /// a:\n  command: x\n  daemon: simple\n  timer: "T"\n' | /tmp/snapd-oracle snap-yaml -`.
    const CASES: &[(&str, &str)] = &[
        (
            "bogus",
            r#"cannot parse "bogus": "bogus" is not a valid weekday"#,
        ),
        ("mon,,", r#"cannot parse "": not a valid fragment"#),
        ("mon,", r#"cannot parse "mon,": not a valid fragment"#),
        (",mon", r#"cannot parse ",mon": not a valid fragment"#),
        ("mon,,,fri", r#"cannot parse ",fri": not a valid fragment"#),
        (
            "10:00,mon",
            r#"cannot parse "mon": invalid schedule fragment"#,
        ),
        (
            "mon-tue-wed",
            r#"cannot parse "mon-tue-wed": invalid week span"#,
        ),
        ("mon-", r#"cannot parse "mon-": "" is not a valid weekday"#),
        (
            "mon-Tue",
            r#"cannot parse "mon-Tue": "Tue" is not a valid weekday"#,
        ),
        (
            "mon6",
            r#"cannot parse "mon6": "mon6" is not a valid weekday"#,
        ),
        (
            "mon0",
            r#"cannot parse "mon0": "mon0" is not a valid weekday"#,
        ),
        (
            "mon4-mon1",
            r#"cannot parse "mon4-mon1": unsupported schedule"#,
        ),
        (
            "9:00-11:00/0",
            r#"cannot parse "9:00-11:00/0": not a valid interval"#,
        ),
        (
            "9:00-11:00/1/2",
            r#"cannot parse "9:00-11:00/1/2": not a valid interval"#,
        ),
        (
            "9:00-11:00/+2",
            r#"cannot parse "9:00-11:00/+2": not a valid interval"#,
        ),
        (
            "9:00-11:00/10:00",
            r#"cannot parse "9:00-11:00/10:00": not a valid interval"#,
        ),
        (
            "9:00-11:00/4294967296",
            r#"cannot parse "9:00-11:00/4294967296": not a valid interval"#,
        ),
        ("24:01", r#"cannot parse "24:01": not a valid time"#),
        ("9:60", r#"cannot parse "9:60": not a valid time"#),
        ("009:00", r#"cannot parse "009:00": not a valid time"#),
        ("9:00-", r#"cannot parse "9:00-": not a valid time"#),
        (
            "9:00-10:00-11:00",
            r#"cannot parse "9:00-10:00-11:00": not a valid time"#,
        ),
        (
            "9:00~10:00~11:00",
            r#"cannot parse "9:00~10:00~11:00": not a valid time"#,
        ),
        (
            "mon,10:00,,fri,25:00",
            r#"cannot parse "25:00": not a valid time"#,
        ),
        (
            "9:00~10:00-11:00",
            r#"cannot parse "9:00~10:00-11:00": not a valid time"#,
        ),
        // (`timeutil.ParseSchedule("")`; snap.yaml has no timer when it is empty.)
        ("", r#"cannot parse "": not a valid fragment"#),
    ];

    #[test]
    fn schedules_match_snapd() {
        for (schedule, want) in CASES {
            let got = validate_schedule(schedule).err().map(|e| e.to_string());
            assert_eq!(got.as_deref(), Some(*want), "{schedule:?}");
        }
        for ok in [
            "mon,10:00,,fri,15:00",
            "mon,fri,10:00,15:00",
            "mon-wed,fri,9:00-11:00/2",
            "mon,9:00~11:00,,wed,22:00~23:00",
            "mon,wed",
            "mon1-wed",
            "mon-wed1",
            "mon5",
            "mon1-mon",
            "mon1-tue2",
            "00:00-24:00",
            "23:59",
            "9:00-11:00/4294967295",
            "10:00,11:00",
        ] {
            assert_eq!(validate_schedule(ok), Ok(()), "{ok:?}");
        }
    }
}
