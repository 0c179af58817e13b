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

#[test]
fn empty_optional_headers_are_none() {
    let t = edited(
        "model-uc20-signed",
        "grade: signed\n",
        "grade: signed\nstore: \ndisplay-name: \n",
    );
    let a = AssertionRef::decode(t.as_bytes()).unwrap();
    let m = Model::try_from(&a).unwrap();
    assert_eq!((m.store, m.display_name), (None, None));

    let t = edited(
        "account-basic",
        "validation: unproven\n",
        "validation: unproven\nusername: \n",
    );
    let a = AssertionRef::decode(t.as_bytes()).unwrap();
    assert_eq!(Account::try_from(&a).unwrap().username, None);

    let t = edited("store-url", "location: cloud", "location: ");
    let a = AssertionRef::decode(t.as_bytes()).unwrap();
    let s = Store::try_from(&a).unwrap();
    assert_eq!(s.location, None);
    let t = edited(
        "store-url",
        "url: https://store.acme.example:8443/api",
        "url: ",
    );
    let a = AssertionRef::decode(t.as_bytes()).unwrap();
    assert_eq!(Store::try_from(&a).unwrap().url, None);

    let t = edited("system-user-basic", "name: ACME Admin", "name: ");
    let a = AssertionRef::decode(t.as_bytes()).unwrap();
    assert_eq!(SystemUser::try_from(&a).unwrap().name, None);

    let t = edited("serial-request-serial", "serial: A1B2C3-0003", "serial: ");
    let a = AssertionRef::decode(t.as_bytes()).unwrap();
    assert_eq!(SerialRequest::try_from(&a).unwrap().serial, None);

    let t = edited(
        "confdb-schema-basic",
        "summary: network settings",
        "summary: ",
    );
    let a = AssertionRef::decode(t.as_bytes()).unwrap();
    assert_eq!(ConfdbSchema::try_from(&a).unwrap().summary, None);
}
