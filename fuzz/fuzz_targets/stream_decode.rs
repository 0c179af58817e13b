//! Fuzzes the stream decoder: no input may panic, every decoded assertion
//! re-encodes through the stream encoder and decodes back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucore_assertions::{AssertionAccess, Decoder, Encoder};

fuzz_target!(|data: &[u8]| {
    let mut decoded = Vec::new();
    for item in Decoder::new(data) {
        match item {
            Ok(a) => decoded.push(a),
            Err(_) => break,
        }
    }
    let mut encoder = Encoder::new(Vec::new());
    for a in &decoded {
        if encoder.encode(a).is_err() {
            return;
        }
    }
    let stream = encoder.into_inner();
    let again: Vec<_> = Decoder::new(&stream[..]).collect();
    // A signature holding a blank line cannot be carried by a stream (as in snapd).
    if decoded
        .iter()
        .all(|a| !a.signature().windows(2).any(|w| w == b"\n\n"))
    {
        assert_eq!(again.len(), decoded.len());
        for (a, b) in decoded.iter().zip(again) {
            let b = b.expect("re-encoded stream decodes");
            assert_eq!(a.headers(), b.headers());
            assert_eq!(a.content(), b.content());
        }
    }
});
