//! The builder writes exactly the content snapd signed. For each of the oracle's
//! sign cases (`tests/golden/assertions/generated/sign-cases.jsonl`: headers JSON
//! and body signed by snapd 2.57 `Database.Sign`), the content part of the
//! output (everything before the last `\n\n`) equals [`assemble_content`] of the
//! same headers, body and key id.

use std::borrow::Cow;
use std::fs;

use serde_json::Value;
use ucore_assertions::{
    AssertionAccess, AssertionRef, AssertionType, HeaderValue, Headers, assemble_content,
};
use ucore_test_support::repo;

/// `snap sign`'s JSON → headers (the oracle passes numbers as their text).
fn to_header(v: &Value) -> HeaderValue<'static> {
    match v {
        Value::String(s) => HeaderValue::from(s.clone()),
        Value::Number(n) => HeaderValue::from(n.to_string()),
        Value::Array(items) => HeaderValue::List(items.iter().map(to_header).collect()),
        Value::Object(map) => HeaderValue::Map(
            map.iter()
                .map(|(k, v)| (Cow::Owned(k.clone()), to_header(v)))
                .collect(),
        ),
        other => panic!("unexpected JSON value {other}"),
    }
}

#[test]
fn builder_reproduces_snapd_signed_content() {
    let cases =
        fs::read_to_string(repo().join("tests/golden/assertions/generated/sign-cases.jsonl"))
            .expect("sign cases");
    let mut compared = 0;
    for line in cases.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("JSON line");
        let output =
            fs::read(repo().join(case["output"].as_str().expect("output"))).expect("output file");
        let signed = AssertionRef::decode(&output).expect("oracle output decodes");
        let key = signed.sign_key_sha3_384().expect("signed").to_owned();
        let json: Value = serde_json::from_slice(
            &fs::read(repo().join(case["headers_file"].as_str().expect("headers")))
                .expect("headers file"),
        )
        .expect("headers JSON");
        let headers: Headers<'static> = json
            .as_object()
            .expect("object")
            .iter()
            .map(|(k, v)| (k.clone(), to_header(v)))
            .collect();
        let body = case["body_file"]
            .as_str()
            .map(|p| fs::read(repo().join(p)).expect("body file"));
        let t = AssertionType::from_name(case["type"].as_str().expect("type")).expect("known type");
        let content = assemble_content(t, &headers, body.as_deref(), &key)
            .unwrap_or_else(|e| panic!("{}: {e}", case["output"]));
        assert_eq!(
            String::from_utf8_lossy(&content),
            String::from_utf8_lossy(signed.content()),
            "{}",
            case["output"]
        );
        compared += 1;
    }
    assert_eq!(compared, 72);
}
