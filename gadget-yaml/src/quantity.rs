//! Sizes, offsets and relative offsets (`1M`, `440`, `mbr+92`), and IEC size strings.
//!
//! Grammar as snapd's `quantity.ParseSize`/`ParseOffset` and `strutil.SplitUnit`: a decimal
//! number (digits and `-`), then a unit of `""`, `M` or `G`. Like Go, the unit multiplication
//! wraps on overflow (`9000000000G` is reported as negative).

use serde::Serialize;

use ucore_go_text::quote;

/// One mebibyte.
pub const MIB: u64 = 1 << 20;
/// One gibibyte.
pub const GIB: u64 = 1 << 30;

/// `strutil.SplitUnit`: the numeric prefix and the unit.
fn split_unit(input: &str) -> Result<(i64, &str), String> {
    let non_digit = input
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '-'))
        .map(|(i, _)| i);
    let (prefix, unit) = match non_digit {
        Some(0) => return Err("no numerical prefix".into()),
        Some(i) => (&input[..i], &input[i..]),
        None => (input, ""),
    };
    let number = ucore_go_text::number::atoi(prefix)
        .map_err(|_| format!("{} is not a number", quote(prefix)))?;
    Ok((number, unit))
}

fn parse_quantity(input: &str, what: &str) -> Result<u64, String> {
    let (number, unit) = split_unit(input)?;
    let multiplier: i64 = match unit {
        "" => 1,
        "M" => MIB as i64,
        "G" => GIB as i64,
        other => return Err(format!("invalid suffix {}", quote(other))),
    };
    let value = number.wrapping_mul(multiplier);
    if value < 0 {
        return Err(format!("{what} cannot be negative"));
    }
    Ok(value as u64)
}

/// Parses a structure or content size (`1M`, `440`); the error is snapd's, without the
/// `cannot parse size "…": ` prefix.
pub fn parse_size_value(input: &str) -> Result<u64, String> {
    parse_quantity(input, "size")
}

/// Parses an offset; the error is snapd's, without the `cannot parse offset "…": ` prefix.
pub fn parse_offset_value(input: &str) -> Result<u64, String> {
    parse_quantity(input, "offset")
}

/// Parses a size as snapd's YAML unmarshaler does, with its full message on failure.
pub fn parse_size(input: &str) -> Result<u64, String> {
    parse_size_value(input).map_err(|e| format!("cannot parse size {}: {e}", quote(input)))
}

/// Parses an offset as snapd's YAML unmarshaler does, with its full message on failure.
pub fn parse_offset(input: &str) -> Result<u64, String> {
    parse_offset_value(input).map_err(|e| format!("cannot parse offset {}: {e}", quote(input)))
}

/// An `offset-write` value: a byte position, optionally relative to a named structure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelativeOffset {
    /// Name of the structure the offset counts from; empty for the volume start.
    #[serde(rename = "relative-to")]
    pub relative_to: String,
    /// Bytes from that start.
    pub offset: u64,
}

impl RelativeOffset {
    /// Parses `[<name>+]<offset>` with snapd's full message on failure.
    pub fn parse(input: &str) -> Result<RelativeOffset, String> {
        Self::parse_inner(input)
            .map_err(|e| format!("cannot parse relative offset {}: {e}", quote(input)))
    }

    fn parse_inner(input: &str) -> Result<RelativeOffset, String> {
        let (relative_to, spec) = match input.find('+') {
            Some(i) => {
                let to = &input[..i];
                if to.is_empty() {
                    return Err("missing volume name".into());
                }
                (to, &input[i + 1..])
            }
            None => ("", input),
        };
        if spec.is_empty() {
            return Err("missing offset".into());
        }
        let offset = parse_offset(spec)?;
        if offset > 4096 * MIB {
            return Err("offset above 4G limit".into());
        }
        Ok(RelativeOffset {
            relative_to: relative_to.to_string(),
            offset,
        })
    }
}

impl std::fmt::Display for RelativeOffset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.relative_to.is_empty() {
            write!(f, "{}", self.offset)
        } else {
            write!(f, "{}+{}", self.relative_to, self.offset)
        }
    }
}

/// snapd's `IECString`: `1.01 KiB`, `1.12 GiB`, `440 B`.
pub fn iec_string(value: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = value as f64;
    let mut unit = 0;
    while v >= 1023.5 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if v == v.trunc() {
        format!("{v:.0} {}", UNITS[unit])
    } else {
        format!("{v:.2} {}", UNITS[unit])
    }
}

/// `edition.Number`: a decimal `uint32`; snapd's message on failure.
pub fn parse_edition(input: &str) -> Result<u32, String> {
    let digits = !input.is_empty() && input.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| input.parse::<u32>().ok())
        .flatten()
        .ok_or_else(|| {
            format!(
                "\"edition\" must be a positive number, not {}",
                quote(input)
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    // snapd's quantity tests (gadget/quantity/size_test.go, offset_test.go) and the branches
    // of `ParseSize`, `ParseOffset` (gadget/quantity/) and `parseRelativeOffset`
    // (gadget/gadget.go).
    #[test]
    fn sizes() {
        let ok = [
            ("1234", 1234),
            ("1234M", 1234 * MIB),
            ("1234G", 1234 * GIB),
            ("0", 0),
            ("017", 17),
            ("9223372036854775807", i64::MAX as u64),
        ];
        for (s, v) in ok {
            assert_eq!(parse_size(s), Ok(v), "{s}");
        }
        let bad = [
            ("", r#"cannot parse size "": "" is not a number"#),
            ("-1", r#"cannot parse size "-1": size cannot be negative"#),
            ("-5M", r#"cannot parse size "-5M": size cannot be negative"#),
            ("-5x", r#"cannot parse size "-5x": invalid suffix "x""#),
            ("a0M", r#"cannot parse size "a0M": no numerical prefix"#),
            ("+5", r#"cannot parse size "+5": no numerical prefix"#),
            ("1-2", r#"cannot parse size "1-2": "1-2" is not a number"#),
            ("1m", r#"cannot parse size "1m": invalid suffix "m""#),
            ("1K", r#"cannot parse size "1K": invalid suffix "K""#),
            ("1MiB", r#"cannot parse size "1MiB": invalid suffix "MiB""#),
            ("1.5M", r#"cannot parse size "1.5M": invalid suffix ".5M""#),
            (
                "0x100",
                r#"cannot parse size "0x100": invalid suffix "x100""#,
            ),
            ("1 M", r#"cannot parse size "1 M": invalid suffix " M""#),
            (
                "1_000",
                r#"cannot parse size "1_000": invalid suffix "_000""#,
            ),
            (
                "9223372036854775808",
                r#"cannot parse size "9223372036854775808": "9223372036854775808" is not a number"#,
            ),
            (
                "9000000000G",
                r#"cannot parse size "9000000000G": size cannot be negative"#,
            ),
        ];
        for (s, e) in bad {
            assert_eq!(parse_size(s), Err(e.to_string()), "{s}");
        }
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("1M"), Ok(MIB));
        assert_eq!(
            parse_offset("-1"),
            Err(r#"cannot parse offset "-1": offset cannot be negative"#.into())
        );
    }

    // TestUnmarshalGadgetRelativeOffset rows.
    #[test]
    fn relative_offsets() {
        let ok = [
            ("1234", "", 1234),
            ("1234M", "", 1234 * MIB),
            ("4096M", "", 4096 * MIB),
            ("0", "", 0),
            ("mbr+0", "mbr", 0),
            ("foo+1234", "foo", 1234),
            ("foo+1G", "foo", GIB),
            ("foo+4096M", "foo", 4096 * MIB),
        ];
        for (s, to, off) in ok {
            assert_eq!(
                RelativeOffset::parse(s),
                Ok(RelativeOffset {
                    relative_to: to.into(),
                    offset: off
                }),
                "{s}"
            );
        }
        let bad = [
            (
                "+12",
                r#"cannot parse relative offset "+12": missing volume name"#,
            ),
            ("a+", r#"cannot parse relative offset "a+": missing offset"#),
            (
                "foo+1+2",
                r#"cannot parse relative offset "foo+1+2": cannot parse offset "1+2": invalid suffix "+2""#,
            ),
            (
                "foo+-12",
                r#"cannot parse relative offset "foo+-12": cannot parse offset "-12": offset cannot be negative"#,
            ),
            (
                "4097M",
                r#"cannot parse relative offset "4097M": offset above 4G limit"#,
            ),
            (
                "foo+4097M",
                r#"cannot parse relative offset "foo+4097M": offset above 4G limit"#,
            ),
            (
                "foo+x",
                r#"cannot parse relative offset "foo+x": cannot parse offset "x": no numerical prefix"#,
            ),
        ];
        for (s, e) in bad {
            assert_eq!(RelativeOffset::parse(s), Err(e.to_string()), "{s}");
        }
    }

    #[test]
    fn iec_strings() {
        assert_eq!(iec_string(0), "0 B");
        assert_eq!(iec_string(440), "440 B");
        assert_eq!(iec_string(1030), "1.01 KiB");
        assert_eq!(iec_string(1024), "1 KiB");
        assert_eq!(iec_string(GIB + 123 * MIB), "1.12 GiB");
        assert_eq!(iec_string(MIB), "1 MiB");
    }

    #[test]
    fn editions() {
        assert_eq!(parse_edition("7"), Ok(7));
        assert_eq!(parse_edition("4294967295"), Ok(u32::MAX));
        for bad in ["5.0", "-5", "+5", "4294967296", "", "x"] {
            assert_eq!(
                parse_edition(bad),
                Err(format!(
                    "\"edition\" must be a positive number, not {}",
                    quote(bad)
                ))
            );
        }
    }
}
