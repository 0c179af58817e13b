//! Fuzzes validation-set statements: arbitrary bytes read as JSON and as YAML, checked,
//! placed after an empty history and compared with nothing, without panicking. A parsed
//! statement survives a JSON round trip; a checked one decodes back from its unsigned
//! content to the same typed set; a refusal has a text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ucore_assertions::types::ValidationSet;
use ucore_assertions::{Assertion, AssertionAccess, Timestamp};
use ucore_model::validation_set::{SetHistory, SignOptions, SignPlan, ValidationSetStatement};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let now: Timestamp = "2023-11-14T22:13:20Z".parse().unwrap();
    for parse in [
        ValidationSetStatement::from_json,
        ValidationSetStatement::from_yaml,
    ] {
        let statement = match parse(text) {
            Ok(s) => s,
            Err(e) => {
                assert!(!e.to_string().is_empty());
                continue;
            }
        };
        let again = ValidationSetStatement::from_json(&statement.to_json()).unwrap();
        assert_eq!(again.headers(), statement.headers());
        match statement.check_at(now) {
            Ok(checked) => {
                let set = checked.view().unwrap();
                let unsigned = checked.unsigned();
                let decoded = Assertion::decode(&unsigned.encode()).unwrap();
                assert_eq!(decoded.content(), unsigned.content());
                assert_eq!(ValidationSet::from_assertion(&decoded).unwrap(), set);
                let history = SetHistory::for_statement(&statement).unwrap();
                if let Ok(plan) = SignPlan::new(&statement, &history, SignOptions::default(), now) {
                    assert!(!plan.diff().to_string().is_empty());
                    assert_eq!(plan.diff().added.len(), set.snaps.len());
                }
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
});
