//! Property tests of `ucore_assertions::openpgp`: built packets round-trip
//! through their bytes, and arbitrary input never panics.

use proptest::prelude::*;
use ucore_assertions::openpgp::{
    DataKind, Packet, PublicKey, PublicKeyMaterial, RsaKeyMaterial, Signature, decode_public_key,
    decode_signature, decode_v1, encode_public_key, encode_v1,
};

fn rsa_key() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    (
        prop::collection::vec(any::<u8>(), 1..600),
        prop::collection::vec(any::<u8>(), 1..=3),
    )
}

proptest! {
    #[test]
    fn snapd_signatures_round_trip(ctime in any::<u32>(), left in any::<[u8; 2]>(),
                                   value in prop::collection::vec(any::<u8>(), 1..1100)) {
        let sig = Signature::new_snapd(ctime, left, &value).unwrap();
        let bytes = sig.to_bytes().unwrap();
        let (parsed, rest) = Packet::parse(&bytes).unwrap();
        prop_assert!(rest.is_empty());
        let Packet::Signature(parsed) = parsed else { panic!("not a signature") };
        prop_assert_eq!(parsed.to_bytes().unwrap(), bytes.clone());
        prop_assert_eq!(parsed.creation_time(), ctime);
        prop_assert_eq!(parsed.left16(), left);
        prop_assert_eq!(parsed.signature_mpi().unwrap().bytes(), &value[..]);
        prop_assert_eq!(parsed.hashed_trailer().unwrap(), Signature::snapd_hashed_trailer(ctime));
        // And through the v1 text, as snapd reads it.
        let text = encode_v1(&bytes);
        prop_assert_eq!(decode_signature(text.as_bytes()).unwrap().to_bytes().unwrap(), bytes);
    }

    #[test]
    fn rsa_keys_round_trip((n, e) in rsa_key(), ctime in any::<u32>()) {
        let key = PublicKey::new(ctime, PublicKeyMaterial::Rsa { algorithm: 1, key: RsaKeyMaterial::new(&n, &e).unwrap() });
        let bytes = key.to_bytes();
        let (parsed, rest) = Packet::parse(&bytes).unwrap();
        prop_assert!(rest.is_empty());
        prop_assert_eq!(parsed.to_bytes().unwrap(), bytes);
        // The id ignores the creation time; the body is canonical.
        let snapd = PublicKey::new_snapd_rsa(&n, &e).unwrap();
        prop_assert_eq!(key.key_id(), snapd.key_id());
        let body = encode_public_key(&key);
        let decoded = decode_public_key(body.as_bytes()).unwrap();
        prop_assert_eq!(decoded.key_id(), snapd.key_id());
        prop_assert_eq!(decoded.to_bytes(), snapd.to_bytes());
    }

    #[test]
    fn random_packets_never_panic_and_round_trip(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok((packet, rest)) = Packet::parse(&bytes) {
            let consumed = &bytes[..bytes.len() - rest.len()];
            prop_assert_eq!(packet.to_bytes().unwrap(), consumed.to_vec());
        }
        let _ = Packet::parse_strict(&bytes);
    }

    #[test]
    fn mutated_signatures_never_panic_and_round_trip(
        value in prop::collection::vec(any::<u8>(), 1..300),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let mut bytes = Signature::new_snapd(1_480_593_600, [1, 2], &value).unwrap().to_bytes().unwrap();
        for (i, b) in flips {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        if let Ok((packet, rest)) = Packet::parse(&bytes) {
            let consumed = &bytes[..bytes.len() - rest.len()];
            prop_assert_eq!(packet.to_bytes().unwrap(), consumed.to_vec());
        }
    }

    #[test]
    fn random_v1_text_never_panics(text in "[A-Za-z0-9+/=\n\r*]{0,200}") {
        let _ = decode_v1(text.as_bytes(), DataKind::Signature);
        let _ = decode_signature(text.as_bytes());
        let _ = decode_public_key(text.as_bytes());
    }
}
