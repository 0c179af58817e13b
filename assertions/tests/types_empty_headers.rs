//! Optional headers written empty read as absent in the typed views, as snapd reads them
//! (`HeaderString` gives `""` for both, and snapd's code tests `!= ""`): a model's empty
//! `store` is no store and its empty `display-name` falls back to the model name, an empty
//! store `url` or `location`, account `username`, system-user `name`, serial-request
//! `serial` or confdb-schema `summary` is none. The oracle (snapd 2.57) accepts each edited
//! input (`types_crafted.jsonl` has the empty store url).

use std::fs;

use ucore_assertions::AssertionRef;
use ucore_assertions::types::{Account, ConfdbSchema, Model, SerialRequest, Store, SystemUser};
use ucore_test_support::repo;

/// A generated valid assertion with `old` replaced by `new` and the placeholder signature.
fn edited(base: &str, old: &str, new: &str) -> String {
    let file = repo().join(format!(
        "tests/data/assertions/generated/valid/{base}.assert"
    ));
    let text = fs::read_to_string(file).expect("base");
    let text = format!(
        "{}\n\nAXNpZw==",
        &text[..text.rfind("\n\n").expect("signature")]
    );
    assert!(text.contains(old), "{base}: {old:?}");
    text.replacen(old, new, 1)
}

/// The view's field for the header `name` of the decoded case.
fn field<'a>(a: &'a AssertionRef<'a>, name: &str) -> Option<&'a str> {
    match name {
        "store" => Model::try_from(a).unwrap().store,
        "display-name" => Model::try_from(a).unwrap().display_name,
        "username" => Account::try_from(a).unwrap().username,
        "location" => Store::try_from(a).unwrap().location,
        "url" => Store::try_from(a).unwrap().url,
        "name" => SystemUser::try_from(a).unwrap().name,
        "serial" => SerialRequest::try_from(a).unwrap().serial,
        "summary" => ConfdbSchema::try_from(a).unwrap().summary,
        _ => unreachable!("{name}"),
    }
}

#[test]
fn empty_optional_headers_are_none() {
    // (generated valid case, text replaced, replacement, the header written empty)
    let cases = [
        (
            "model-uc20-signed",
            "grade: signed\n",
            "grade: signed\nstore: \n",
            "store",
        ),
        (
            "model-uc20-signed",
            "grade: signed\n",
            "grade: signed\ndisplay-name: \n",
            "display-name",
        ),
        (
            "account-basic",
            "validation: unproven\n",
            "validation: unproven\nusername: \n",
            "username",
        ),
        ("store-url", "location: cloud", "location: ", "location"),
        (
            "store-url",
            "url: https://store.acme.example:8443/api",
            "url: ",
            "url",
        ),
        ("system-user-basic", "name: ACME Admin", "name: ", "name"),
        (
            "serial-request-serial",
            "serial: A1B2C3-0003",
            "serial: ",
            "serial",
        ),
        (
            "confdb-schema-basic",
            "summary: network settings",
            "summary: ",
            "summary",
        ),
    ];
    for (base, old, new, name) in cases {
        let text = edited(base, old, new);
        let a = AssertionRef::decode(text.as_bytes()).expect("the oracle accepts it");
        assert_eq!(field(&a, name), None, "{base}: {name}");
    }
}
