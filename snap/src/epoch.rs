//! A snap's `epoch` (snapd's `snap.Epoch`): which revisions' data a revision can read and
//! write. snap.yaml writes it as `N`, `N*` or `{read: [...], write: [...]}`.

use serde::Serialize;
use thiserror::Error;
use ucore_go_text::quote;

/// Most entries a read or write list may have.
const MAX_ENTRIES: usize = 10;

/// A bad epoch; Display is snapd's text (`EpochError`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EpochError {
    /// `0*`: there is no epoch before 0.
    #[error("0* is an invalid epoch")]
    ZeroStar,
    /// A number at or above 2³².
    #[error("epoch numbers must be less than 2³², but got {}", quote(.0))]
    Huge(String),
    /// A number that is not plain base 10 (`01`, `x`, `""`).
    #[error("epoch numbers must be base 10 with no zero padding, but got {}", quote(.0))]
    BadNumber(String),
    /// `read` or `write` that is not a list of scalars.
    #[error("epoch read/write attributes must be lists of epoch numbers")]
    BadList,
    /// `read: []` or `write: []`.
    #[error("epoch list cannot be explicitly empty")]
    EmptyList,
    /// A list that is not strictly increasing.
    #[error("epoch list must be a strictly increasing sequence")]
    NotIncreasing,
    /// A list of more than 10 entries.
    #[error("epoch list must not have more than 10 entries")]
    TooLong,
    /// No epoch is both read and written.
    #[error("epoch read and write lists must have a non-empty intersection")]
    NoIntersection,
}

/// The epochs a revision reads and writes. The default (no `epoch`) is `{[0], [0]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Epoch {
    /// The epochs whose data this revision can read.
    pub read: Vec<u32>,
    /// The epochs whose data this revision writes.
    pub write: Vec<u32>,
}

impl Default for Epoch {
    fn default() -> Self {
        Epoch {
            read: vec![0],
            write: vec![0],
        }
    }
}

/// Parses one epoch number as snapd does: base 10, no zero padding, below 2³².
pub fn parse_epoch_number(text: &str) -> Result<u32, EpochError> {
    let padded = text.len() > 1 && text.starts_with('0');
    if !padded && !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<u32>()
            .map_err(|_| EpochError::Huge(text.to_string()));
    }
    Err(EpochError::BadNumber(text.to_string()))
}

impl Epoch {
    /// The short form: `""` or `0` is the zero epoch, `N` is `{[N], [N]}`, `N*` is
    /// `{[N-1, N], [N]}`.
    pub fn parse_short(text: &str) -> Result<Epoch, EpochError> {
        if text.is_empty() || text == "0" {
            return Ok(Epoch::default());
        }
        let (number, star) = match text.strip_suffix('*') {
            Some(n) => (n, true),
            None => (text, false),
        };
        let n = parse_epoch_number(number)?;
        let read = if star {
            if n == 0 {
                return Err(EpochError::ZeroStar);
            }
            vec![n - 1, n]
        } else {
            vec![n]
        };
        Ok(Epoch {
            read,
            write: vec![n],
        })
    }

    /// The structured form: a missing `read` is `write`, a missing `write` is the last
    /// `read`, both missing are `[0]`; an explicitly empty list is an error. The result is
    /// validated.
    pub fn from_lists(
        read: Option<Vec<u32>>,
        write: Option<Vec<u32>>,
    ) -> Result<Epoch, EpochError> {
        let (read, write) = match (read, write) {
            (Some(r), _) if r.is_empty() => return Err(EpochError::EmptyList),
            (_, Some(w)) if w.is_empty() => return Err(EpochError::EmptyList),
            (None, None) => (vec![0], vec![0]),
            (None, Some(w)) => (w.clone(), w),
            (Some(r), None) => {
                let last = r.last().copied().unwrap_or(0);
                (r, vec![last])
            }
            (Some(r), Some(w)) => (r, w),
        };
        let epoch = Epoch { read, write };
        epoch.validate()?;
        Ok(epoch)
    }

    /// Whether this is the zero epoch (`{[0], [0]}` or empty lists).
    pub fn is_zero(&self) -> bool {
        let zero = |l: &[u32]| l.is_empty() || l == [0];
        zero(&self.read) && zero(&self.write)
    }

    /// `Epoch.Validate`: at most 10 entries each, strictly increasing, and some epoch both
    /// read and written.
    pub fn validate(&self) -> Result<(), EpochError> {
        if self.is_zero() {
            return Ok(());
        }
        if self.read.len() > MAX_ENTRIES || self.write.len() > MAX_ENTRIES {
            return Err(EpochError::TooLong);
        }
        let increasing = |l: &[u32]| l.windows(2).all(|w| w[0] < w[1]);
        if !increasing(&self.read) || !increasing(&self.write) {
            return Err(EpochError::NotIncreasing);
        }
        if self.read.iter().any(|r| self.write.contains(r)) {
            Ok(())
        } else {
            Err(EpochError::NoIntersection)
        }
    }

    /// Whether a revision of this epoch can read data written by one of `other`
    /// (`Epoch.CanRead`).
    pub fn can_read(&self, other: &Epoch) -> bool {
        let or_zero = |l: &[u32]| if l.is_empty() { vec![0] } else { l.to_vec() };
        let reads = or_zero(&self.read);
        let writes = or_zero(&other.write);
        reads.iter().any(|r| writes.contains(r))
    }

    fn lists_or_zero(&self) -> (Vec<u32>, Vec<u32>) {
        let or_zero = |l: &[u32]| if l.is_empty() { vec![0] } else { l.to_vec() };
        (or_zero(&self.read), or_zero(&self.write))
    }
}

/// `Epoch.String`: `0`, `N`, `N*`, or the JSON form `{"read":[..],"write":[..]}`.
impl std::fmt::Display for Epoch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_zero() {
            return f.write_str("0");
        }
        match (self.read.as_slice(), self.write.as_slice()) {
            ([r], [w]) if r == w => write!(f, "{r}"),
            ([a, b], [w]) if a.checked_add(1) == Some(*b) && b == w => write!(f, "{b}*"),
            _ => {
                let list = |l: &[u32]| l.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
                write!(
                    f,
                    "{{\"read\":[{}],\"write\":[{}]}}",
                    list(&self.read),
                    list(&self.write)
                )
            }
        }
    }
}

/// Epoch's JSON: `{"read": [..], "write": [..]}`, an empty list shown as `[0]`.
impl Serialize for Epoch {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (read, write) = self.lists_or_zero();
        let mut st = s.serialize_struct("Epoch", 2)?;
        st.serialize_field("read", &read)?;
        st.serialize_field("write", &write)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(r: &[u32], w: &[u32]) -> Epoch {
        Epoch {
            read: r.to_vec(),
            write: w.to_vec(),
        }
    }

    #[test]
    fn short_forms() {
        assert_eq!(Epoch::parse_short("").unwrap(), Epoch::default());
        assert_eq!(Epoch::parse_short("0").unwrap(), Epoch::default());
        assert_eq!(Epoch::parse_short("5").unwrap(), e(&[5], &[5]));
        assert_eq!(Epoch::parse_short("5*").unwrap(), e(&[4, 5], &[5]));
        assert_eq!(
            Epoch::parse_short("0*").unwrap_err().to_string(),
            "0* is an invalid epoch"
        );
        assert_eq!(
            Epoch::parse_short("01").unwrap_err().to_string(),
            "epoch numbers must be base 10 with no zero padding, but got \"01\""
        );
        assert_eq!(
            Epoch::parse_short("*").unwrap_err().to_string(),
            "epoch numbers must be base 10 with no zero padding, but got \"\""
        );
        assert_eq!(
            Epoch::parse_short("+1").unwrap_err(),
            EpochError::BadNumber("+1".into())
        );
        assert_eq!(
            Epoch::parse_short("5000000000").unwrap_err().to_string(),
            "epoch numbers must be less than 2³², but got \"5000000000\""
        );
        assert_eq!(
            Epoch::parse_short("4294967295").unwrap(),
            e(&[u32::MAX], &[u32::MAX])
        );
    }

    #[test]
    fn structured_forms_fill_in_and_validate() {
        assert_eq!(Epoch::from_lists(None, None).unwrap(), Epoch::default());
        assert_eq!(
            Epoch::from_lists(Some(vec![1, 2]), None).unwrap(),
            e(&[1, 2], &[2])
        );
        assert_eq!(
            Epoch::from_lists(None, Some(vec![3])).unwrap(),
            e(&[3], &[3])
        );
        assert_eq!(
            Epoch::from_lists(Some(vec![]), None),
            Err(EpochError::EmptyList)
        );
        assert_eq!(
            Epoch::from_lists(None, Some(vec![])),
            Err(EpochError::EmptyList)
        );
        assert_eq!(
            Epoch::from_lists(Some(vec![2, 1]), Some(vec![2])),
            Err(EpochError::NotIncreasing)
        );
        assert_eq!(
            Epoch::from_lists(Some(vec![1]), Some(vec![2])),
            Err(EpochError::NoIntersection)
        );
        assert_eq!(
            Epoch::from_lists(Some((1..=11).collect()), None),
            Err(EpochError::TooLong)
        );
    }

    #[test]
    fn display_is_epoch_string() {
        assert_eq!(Epoch::default().to_string(), "0");
        assert_eq!(e(&[], &[]).to_string(), "0");
        assert_eq!(e(&[3], &[3]).to_string(), "3");
        assert_eq!(e(&[2, 3], &[3]).to_string(), "3*");
        assert_eq!(
            e(&[1, 2, 3], &[3]).to_string(),
            "{\"read\":[1,2,3],\"write\":[3]}"
        );
        assert_eq!(
            e(&[1, 3], &[3]).to_string(),
            "{\"read\":[1,3],\"write\":[3]}"
        );
    }

    #[test]
    fn serializes_as_snapd_json() {
        assert_eq!(
            serde_json::to_string(&e(&[0, 1], &[1])).unwrap(),
            "{\"read\":[0,1],\"write\":[1]}"
        );
        assert_eq!(
            serde_json::to_string(&e(&[], &[])).unwrap(),
            "{\"read\":[0],\"write\":[0]}"
        );
    }

    #[test]
    fn can_read() {
        assert!(e(&[1, 2], &[2]).can_read(&e(&[1], &[1])));
        assert!(!e(&[2], &[2]).can_read(&e(&[1], &[1])));
        assert!(Epoch::default().can_read(&e(&[], &[])));
    }
}
