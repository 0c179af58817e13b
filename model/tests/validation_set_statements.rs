//! Validation-set statements: snapd's decoding vectors (spec §9.1) refused before signing
//! with snapd's signing-time texts, YAML numbers, defaults, and signing round trips.

use serde_json::{Value, json};
use ucore_assertions::types::{ValidationSet, ValidationSetPresence};
use ucore_assertions::{Assertion, AssertionAccess, Timestamp};
use ucore_model::validation_set::{Error, ValidationSetStatement};
use ucore_signing::RsaPrivateKey;

const PREFIX: &str = "cannot assemble assertion validation-set: ";

fn now() -> Timestamp {
    "2024-01-01T00:00:00Z".parse().unwrap()
}

/// spec §9.1's base assertion, as a statement.
fn base() -> Value {
    json!({
        "authority-id": "brand-id1",
        "account-id": "brand-id1",
        "series": "16",
        "name": "baz-3000-good",
        "sequence": "2",
        "snaps": [{"name": "baz-linux", "id": "bazlinuxidididididididididididid",
                   "presence": "optional", "revision": "99"}],
        "timestamp": "2020-11-06T09:16:26Z",
    })
}

fn check(v: Value) -> Result<(), Error> {
    let Value::Object(m) = v else {
        panic!("not a map")
    };
    ValidationSetStatement::from_headers(m)
        .check_at(now())
        .map(drop)
}

fn refused(mutate: impl FnOnce(&mut Value)) -> String {
    let mut v = base();
    mutate(&mut v);
    check(v).unwrap_err().to_string()
}

#[test]
fn base_statement_checks() {
    check(base()).unwrap();
}

#[test]
fn decoding_vectors_are_refused_with_snapd_texts() {
    type Mutation = Box<dyn FnOnce(&mut Value)>;
    let cases: Vec<(Mutation, String)> = vec![
        (
            Box::new(|v| v["series"] = json!("")),
            "\"series\" header should not be empty".into(),
        ),
        (
            Box::new(|v| v["account-id"] = json!("random")),
            format!(
                "{PREFIX}authority-id and account-id must match, validation-set assertions are \
                 expected to be signed by the issuer account: \"brand-id1\" != \"random\""
            ),
        ),
        (
            Box::new(|v| v["name"] = json!("baz/3000/good")),
            "\"name\" primary key header cannot contain '/'".into(),
        ),
        (
            Box::new(|v| v["name"] = json!("baz+3000+good")),
            format!("{PREFIX}\"name\" header contains invalid characters: \"baz+3000+good\""),
        ),
        (
            Box::new(|v| v["sequence"] = json!("one")),
            format!("{PREFIX}\"sequence\" header is not an integer: one"),
        ),
        (
            Box::new(|v| v["sequence"] = json!(0)),
            format!("{PREFIX}\"sequence\" must be >=1: 0"),
        ),
        (
            Box::new(|v| v["sequence"] = json!("010")),
            format!("{PREFIX}\"sequence\" header has invalid prefix zeros: 010"),
        ),
        (
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("snaps");
            }),
            format!("{PREFIX}\"snaps\" header is mandatory"),
        ),
        (
            Box::new(|v| v["snaps"] = json!("snap")),
            format!("{PREFIX}\"snaps\" header must be a list of maps"),
        ),
        (
            Box::new(|v| v["snaps"][0]["name"] = json!("linux_2")),
            format!("{PREFIX}invalid snap name \"linux_2\""),
        ),
        (
            Box::new(|v| v["snaps"][0]["id"] = json!("2")),
            format!("{PREFIX}\"id\" of snap \"baz-linux\" contains invalid characters: \"2\""),
        ),
        (
            Box::new(|v| v["snaps"][0]["presence"] = json!("no")),
            format!(
                "{PREFIX}presence of snap \"baz-linux\" must be one of required|optional|invalid"
            ),
        ),
        (
            Box::new(|v| v["snaps"][0]["revision"] = json!(0)),
            format!("{PREFIX}\"revision\" of snap \"baz-linux\" must be >=1: 0"),
        ),
        (
            Box::new(|v| {
                let first = v["snaps"][0].clone();
                v["snaps"].as_array_mut().unwrap().push(first);
            }),
            format!("{PREFIX}cannot list the same snap \"baz-linux\" multiple times"),
        ),
        (
            Box::new(|v| {
                let mut second = v["snaps"][0].clone();
                second["name"] = json!("baz-linux2");
                v["snaps"].as_array_mut().unwrap().push(second);
            }),
            format!(
                "{PREFIX}cannot specify the same snap id \"bazlinuxidididididididididididid\" \
                 multiple times, specified for snaps \"baz-linux\" and \"baz-linux2\""
            ),
        ),
        (
            Box::new(|v| v["snaps"][0]["presence"] = json!("invalid")),
            format!(
                "{PREFIX}cannot specify revision of snap \"baz-linux\" at the same time as \
                 stating its presence is invalid"
            ),
        ),
    ];
    for (mutate, want) in cases {
        assert_eq!(refused(mutate), want);
    }
}

#[test]
fn refusals_name_the_field() {
    let mut v = base();
    v["snaps"][0]["revision"] = json!("x");
    let e = check(v).unwrap_err();
    assert_eq!(e.field(), Some("snaps[baz-linux].revision"), "{e}");
    let mut v = base();
    v["snapz"] = json!([]);
    assert_eq!(check(v).unwrap_err().field(), Some("snapz"));
}

#[test]
fn yaml_numbers_and_defaults() {
    let statement = ValidationSetStatement::parse(
        "account-id: acme\nname: base\nsequence: 3\nsnaps:\n  - name: hello\n    id: helloidaaaaaaaaaaaaaaaaaaaaaaaaa\n    revision: 5\n  - name: world\n    id: worldidbbbbbbbbbbbbbbbbbbbbbbbbb\n    presence: optional\n",
    )
    .unwrap();
    let checked = statement.check_at(now()).unwrap();
    let set = checked.view().unwrap();
    assert_eq!((set.series, set.sequence), ("16", 3));
    assert_eq!(set.snaps[0].revision, Some(5));
    assert_eq!(set.snaps[0].presence, ValidationSetPresence::Required);
    assert_eq!(set.snaps[1].presence, ValidationSetPresence::Optional);
    assert_eq!(set.timestamp.to_string(), "2024-01-01T00:00:00+00:00");
}

#[test]
fn oracle_shaped_statements_sign_and_decode() {
    let key = RsaPrivateKey::from_pem(ucore_test_support::keys::ACME).unwrap();
    let dir = ucore_test_support::repo().join("model/tests/data/validation-sets");
    for name in ["base", "extra", "clash"] {
        let text = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
        let signed = ValidationSetStatement::parse(&text)
            .unwrap()
            .sign_at(&key, now())
            .unwrap();
        let again = Assertion::decode(&signed.encode()).unwrap();
        let set = ValidationSet::from_assertion(&again).unwrap();
        assert_eq!((set.account_id, set.name), ("acme", name));
        assert_eq!(again.revision(), 0);
    }
}

#[test]
fn not_a_mapping_is_a_syntax_error() {
    let e = ValidationSetStatement::parse("- a\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot read the validation-set statement as YAML: a statement must be a mapping of \
         header names to values"
    );
    assert!(ValidationSetStatement::parse("{").is_err());
}
