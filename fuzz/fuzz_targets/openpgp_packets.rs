//! Fuzz target: arbitrary bytes as raw OpenPGP packets and as snapd v1 text.
//! Whatever parses must re-serialize to the bytes it was read from.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucore_assertions::openpgp::{
    DataKind, Packet, decode_public_key, decode_signature, decode_v1, v1::decode_v1_bytes,
};

fuzz_target!(|data: &[u8]| {
    for parse in [Packet::parse, Packet::parse_strict] {
        if let Ok((packet, rest)) = parse(data) {
            let consumed = &data[..data.len() - rest.len()];
            let bytes = packet.to_bytes().expect("a parsed packet serializes");
            assert_eq!(bytes, consumed, "re-serialization differs");
        }
    }
    for kind in [DataKind::Signature, DataKind::PublicKey] {
        if let Ok(packet) = decode_v1(data, kind) {
            let raw = decode_v1_bytes(data, kind).expect("v1 decodes twice");
            let bytes = packet.to_bytes().expect("a parsed packet serializes");
            assert!(
                raw.starts_with(&bytes),
                "v1 packet re-serialization differs"
            );
        }
    }
    if let Ok(sig) = decode_signature(data) {
        let _ = sig.hashed_trailer();
    }
    if let Ok(key) = decode_public_key(data) {
        let _ = key.key_id();
    }
});
