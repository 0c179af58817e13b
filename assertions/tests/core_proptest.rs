//! Property tests of the core: random header trees survive build → decode →
//! re-encode byte for byte, and no input makes the decoders panic.

use std::borrow::Cow;

use proptest::prelude::*;
use ucore_assertions::{
    Assertion, AssertionAccess, AssertionBuilder, AssertionRef, AssertionType, Decoder,
    HeaderValue, assemble_content,
};

const KEY: &str = "dKgGLvNmYhvRaJM33UC9mpIVjQvGqdmwzpKv85BOrpO7QhXgYetYUCKYYf8-V6E6";
const RESERVED: &[&str] = &[
    "type",
    "authority-id",
    "account-id",
    "format",
    "revision",
    "body-length",
    "sign-key-sha3-384",
    "display-name",
    "validation",
    "timestamp",
    "username",
];

fn name() -> impl Strategy<Value = String> {
    "[a-z](-?[a-z0-9]){0,8}"
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,12}",
        "[ -~\n]{0,24}",
        "[a-zé☃ \n-]{0,12}",
        Just(String::new()),
        Just("\n".to_owned()),
    ]
}

fn value() -> impl Strategy<Value = HeaderValue<'static>> {
    text()
        .prop_map(HeaderValue::from)
        .prop_recursive(5, 40, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(HeaderValue::List),
                prop::collection::btree_map(name(), inner, 1..4).prop_map(|m| {
                    HeaderValue::Map(
                        m.into_iter()
                            .map(|(k, v)| (Cow::Owned(k), v))
                            .collect::<ucore_assertions::HeaderMap<'_>>(),
                    )
                }),
            ]
        })
}

fn headers() -> impl Strategy<Value = Vec<(String, HeaderValue<'static>)>> {
    prop::collection::btree_map(
        name().prop_filter("meta header", |n| !RESERVED.contains(&n.as_str())),
        value(),
        0..6,
    )
    .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #[test]
    fn header_trees_round_trip(hs in headers(), body in "[ -~\n]{0,40}", sig in "[A-Za-z0-9+/=\n]{1,20}") {
        let mut builder = AssertionBuilder::new(AssertionType::Account)
            .header("authority-id", "acme")
            .header("account-id", "acme")
            .header("display-name", "ACME")
            .header("validation", "unproven")
            .header("timestamp", "2016-01-01T00:00:00Z");
        for (n, v) in &hs {
            builder = builder.header(n.clone(), v.clone());
        }
        if !body.is_empty() {
            builder = builder.body(body.clone());
        }
        let content = builder.content(KEY).unwrap();
        prop_assume!(!sig.starts_with('\n'));
        let assertion = Assertion::from_parts(content.clone(), sig.clone().into_bytes()).unwrap();
        for (n, v) in &hs {
            prop_assert_eq!(assertion.header(n), Some(v));
        }
        prop_assert_eq!(assertion.body(), (!body.is_empty()).then_some(body.as_str()));

        let encoded = assertion.encode();
        let mut expected = content.clone();
        expected.extend_from_slice(b"\n\n");
        expected.extend_from_slice(sig.as_bytes());
        prop_assert_eq!(&encoded, &expected);

        // Building again from the decoded headers is a fixpoint.
        let rebuilt = assemble_content(
            AssertionType::Account,
            assertion.headers(),
            assertion.body().map(str::as_bytes),
            KEY,
        ).unwrap();
        prop_assert_eq!(&rebuilt, &content);

        // Single decode of the encoding, when the signature has no blank line.
        if !sig.contains("\n\n") && !sig.ends_with('\n') {
            let again = AssertionRef::decode(&encoded).unwrap();
            prop_assert_eq!(again.encode(), encoded.clone());
            prop_assert_eq!(again.headers(), assertion.headers());
        }
        // The stream encoder/decoder carry it too (a blank line inside the
        // signature would end it early, as in snapd).
        if sig.contains("\n\n") {
            return Ok(());
        }
        let mut enc = ucore_assertions::Encoder::new(Vec::new());
        enc.encode(&assertion).unwrap();
        enc.encode(&assertion).unwrap();
        let stream = enc.into_inner();
        let decoded: Vec<_> = Decoder::new(&stream[..]).collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(decoded.len(), 2);
        prop_assert_eq!(decoded[0].headers(), assertion.headers());
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = AssertionRef::decode(&bytes);
        same_stream_results(&bytes)?;
    }

    #[test]
    fn mutated_assertions_never_panic(pos in 0usize..400, insert in prop::collection::vec(prop_oneof![Just(b'\n'), Just(b' '), Just(b':'), Just(b'-'), any::<u8>()], 0..8), cut in 0usize..400) {
        let base = include_bytes!("../../tests/data/ubuntu-core-22-amd64.model");
        let mut bytes = base.to_vec();
        let pos = pos.min(bytes.len());
        bytes.splice(pos..pos, insert);
        let cut = cut.min(bytes.len());
        bytes.drain(..cut / 4);
        if let Ok(a) = AssertionRef::decode(&bytes) {
            prop_assert_eq!(a.encode(), bytes.clone());
        }
        same_stream_results(&bytes)?;
    }
}

/// A reader that hands out at most `chunk` bytes per read.
struct Trickle<'a> {
    rest: &'a [u8],
    chunk: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.rest.len().min(self.chunk).min(out.len());
        out[..n].copy_from_slice(&self.rest[..n]);
        self.rest = &self.rest[n..];
        Ok(n)
    }
}

/// The `Read` decoder (one read, and reads of 3 bytes) and the in-memory
/// decoder give the same assertions and the same error; none panics.
fn same_stream_results(bytes: &[u8]) -> Result<(), TestCaseError> {
    fn collect<A: AssertionAccess>(
        items: impl Iterator<Item = Result<A, ucore_assertions::Error>>,
    ) -> Vec<Result<Vec<u8>, String>> {
        items
            .map(|r| r.map(|a| a.encode()).map_err(|e| e.to_string()))
            .collect()
    }
    let from_reader = collect(Decoder::new(bytes));
    let trickled = collect(Decoder::new(Trickle {
        rest: bytes,
        chunk: 3,
    }));
    prop_assert_eq!(&trickled, &from_reader);
    let in_memory = collect(ucore_assertions::decode_slice(bytes));
    prop_assert_eq!(&in_memory, &from_reader);
    Ok(())
}
