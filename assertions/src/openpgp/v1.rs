//! snapd's "v1" wrapper: standard base64 (with padding) of `0x01 ‖ packet`.
//!
//! Encoding wraps at 76 characters with `\n` and adds no final newline.
//! Decoding follows Go's `base64.StdEncoding`: `\r` and `\n` are skipped
//! anywhere, padding is required, non-zero trailing bits are accepted, and an
//! error names the offset of the offending byte in the text as given.

use base64::Engine as _;

use super::error::{DataKind, PacketError};

/// The v1 format marker, the first decoded byte.
pub const V1_MARKER: u8 = 0x01;

/// Line width of snapd's base64 output.
const LINE_WIDTH: usize = 76;

/// Encodes `packet` (a complete OpenPGP packet) in snapd's v1 form.
///
/// ```
/// use ucore_assertions::openpgp::encode_v1;
/// assert_eq!(encode_v1(b"sig"), "AXNpZw==");
/// ```
pub fn encode_v1(packet: &[u8]) -> String {
    let mut raw = Vec::with_capacity(packet.len() + 1);
    raw.push(V1_MARKER);
    raw.extend_from_slice(packet);
    let flat = base64::engine::general_purpose::STANDARD.encode(raw);
    let mut out = String::with_capacity(flat.len() + flat.len() / LINE_WIDTH);
    for (i, line) in flat.as_bytes().chunks(LINE_WIDTH).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // base64 output is ASCII.
        out.extend(line.iter().map(|&b| char::from(b)));
    }
    out
}

/// Decodes v1 text down to the packet bytes (after the `0x01` marker), with
/// snapd's first four checks: no data, base64, base64 without data, version.
///
/// The packet checks (exactly one packet, nothing left over) are done by
/// [`decode_v1`](super::decode_v1), which parses the packet.
pub fn decode_v1_bytes(text: &[u8], kind: DataKind) -> Result<Vec<u8>, PacketError> {
    if text.is_empty() {
        return Err(PacketError::NoData { kind });
    }
    let mut raw =
        go_std_base64_decode(text).map_err(|offset| PacketError::Base64 { kind, offset })?;
    match raw.first() {
        None => Err(PacketError::Base64WithoutData { kind }),
        Some(&V1_MARKER) => {
            raw.remove(0);
            Ok(raw)
        }
        Some(&version) => Err(PacketError::UnsupportedFormatVersion { kind, version }),
    }
}

/// Go's `StdEncoding` on text without line breaks: standard alphabet, padding
/// required, non-zero trailing bits accepted.
const GO_STD: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireCanonical),
);

/// Go `base64.StdEncoding.Decode` semantics; `Err` is the `CorruptInputError`
/// offset.
///
/// Go skips `\r` and `\n` anywhere, so valid text decodes as the text without
/// them: that is decoded with the `base64` crate's engine (a few instructions
/// per byte). Text it rejects goes through [`go_std_base64_decode_exact`],
/// which finds the offset Go reports.
pub(crate) fn go_std_base64_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    let fast = if memchr::memchr2(b'\n', b'\r', src).is_none() {
        GO_STD.decode(src)
    } else {
        let mut joined = Vec::with_capacity(src.len());
        let mut start = 0;
        for end in memchr::memchr2_iter(b'\n', b'\r', src) {
            joined.extend_from_slice(src.get(start..end).unwrap_or_default());
            start = end + 1;
        }
        joined.extend_from_slice(src.get(start..).unwrap_or_default());
        GO_STD.decode(&joined)
    };
    fast.or_else(|_| go_std_base64_decode_exact(src))
}

fn alphabet_value(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

fn is_newline(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// Go `base64.StdEncoding.Decode` step by step, as Go reads it; `Err` is the
/// `CorruptInputError` offset.
fn go_std_base64_decode_exact(src: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0usize;
    while si < src.len() {
        // One quantum of up to four symbols.
        let mut dbuf = [0u8; 4];
        let mut dlen = 4usize;
        let mut j = 0usize;
        let mut trailing_garbage = None;
        while j < 4 {
            let Some(&ch) = src.get(si) else {
                if j == 0 {
                    return Ok(out);
                }
                // Padding is required: an incomplete quantum is an error.
                return Err(si - j);
            };
            si += 1;
            if let Some(v) = alphabet_value(ch) {
                if let Some(slot) = dbuf.get_mut(j) {
                    *slot = v;
                }
                j += 1;
                continue;
            }
            if is_newline(ch) {
                continue;
            }
            if ch != b'=' {
                return Err(si - 1);
            }
            // Padding.
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    while src.get(si).is_some_and(|&b| is_newline(b)) {
                        si += 1;
                    }
                    match src.get(si) {
                        None => return Err(src.len()),
                        Some(&b'=') => si += 1,
                        Some(_) => return Err(si - 1),
                    }
                }
                _ => {}
            }
            while src.get(si).is_some_and(|&b| is_newline(b)) {
                si += 1;
            }
            if si < src.len() {
                trailing_garbage = Some(si);
            }
            dlen = j;
            break;
        }
        let val = (u32::from(dbuf[0]) << 18)
            | (u32::from(dbuf[1]) << 12)
            | (u32::from(dbuf[2]) << 6)
            | u32::from(dbuf[3]);
        let bytes = val.to_be_bytes();
        // dlen symbols give dlen-1 bytes (non-zero trailing bits are ignored).
        out.extend_from_slice(bytes.get(1..dlen).unwrap_or_default());
        if let Some(offset) = trailing_garbage {
            return Err(offset);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Result<Vec<u8>, usize> {
        go_std_base64_decode(s.as_bytes())
    }

    #[test]
    fn encode_wraps_at_76_without_final_newline() {
        let text = encode_v1(&[0u8; 120]);
        let lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].len(), 76);
        assert_eq!(lines[1].len(), 76);
        assert!(!text.ends_with('\n'));
        assert_eq!(dec(&text).unwrap().len(), 121);
    }

    #[test]
    fn go_base64_semantics() {
        assert_eq!(dec("AXNpZw==").unwrap(), b"\x01sig");
        assert_eq!(dec("AX\r\nNp\nZw=\n=\n").unwrap(), b"\x01sig");
        // Non-zero trailing bits are accepted.
        assert_eq!(dec("AXNpZx==").unwrap(), b"\x01sig");
        assert_eq!(dec("").unwrap(), b"");
        assert_eq!(dec("\n\n").unwrap(), b"");
        // Missing padding.
        assert_eq!(dec("AXNpZw"), Err(4));
        assert_eq!(dec("AXNpZw="), Err(7));
        // Bad characters.
        assert_eq!(dec("AX*p"), Err(2));
        assert_eq!(dec("AXNp Zw=="), Err(4));
        // Padding in the wrong place.
        assert_eq!(dec("A==="), Err(1));
        assert_eq!(dec("AXNpZ==="), Err(5));
        assert_eq!(dec("AXNpZw=x"), Err(6));
        // Trailing garbage after padding.
        assert_eq!(dec("AXNpZw==AAAA"), Err(8));
        assert_eq!(dec("AXNpZw==\nA"), Err(9));
        // Offsets count line breaks.
        assert_eq!(dec("AXNp\nZw=*"), Err(7));
    }

    proptest::proptest! {
        /// The fast path decodes exactly what Go's step-by-step reading does,
        /// and every rejection has Go's offset.
        #[test]
        fn fast_path_agrees_with_go(text in "[A-Za-z0-9+/=\r\n*]{0,40}") {
            proptest::prop_assert_eq!(
                go_std_base64_decode(text.as_bytes()),
                go_std_base64_decode_exact(text.as_bytes())
            );
        }

        #[test]
        fn fast_path_agrees_on_valid_wrapped_text(
            data in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
            breaks in proptest::collection::vec((0usize..300, "[\r\n]{1,2}"), 0..6),
        ) {
            let mut text = base64::engine::general_purpose::STANDARD.encode(&data);
            for (at, br) in breaks {
                let at = at.min(text.len());
                text.insert_str(at, &br);
            }
            proptest::prop_assert_eq!(go_std_base64_decode(text.as_bytes()), Ok(data.clone()));
            proptest::prop_assert_eq!(go_std_base64_decode_exact(text.as_bytes()), Ok(data));
        }
    }

    #[test]
    fn v1_checks_in_order() {
        let k = DataKind::Signature;
        assert_eq!(
            decode_v1_bytes(b"", k),
            Err(PacketError::NoData { kind: k })
        );
        assert_eq!(
            decode_v1_bytes(b"AX*", k),
            Err(PacketError::Base64 { kind: k, offset: 2 })
        );
        assert_eq!(
            decode_v1_bytes(b"\n", k),
            Err(PacketError::Base64WithoutData { kind: k })
        );
        assert_eq!(
            decode_v1_bytes(b"AnNpZw==", k).unwrap_err().to_string(),
            "unsupported signature format version: 2"
        );
        assert_eq!(decode_v1_bytes(b"AXNpZw==", k).unwrap(), b"sig");
    }
}
