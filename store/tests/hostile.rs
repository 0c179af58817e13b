//! Hostile input to what the store reads from peers before any database work: snap action
//! and session request bodies (many actions, long keys, deep `held` values, many context
//! entries), publishing bodies, `Macaroon` headers with many discharges, channel names,
//! download file names, `Range` headers, assertion sequence parameters, session tokens and the
//! TOML configuration — each at 1×, 8× and 64× its size. Every run must stay within 64 bytes
//! of memory per input byte (plus 1 MiB: JSON decodes into owned strings and vectors, a few
//! words per element), finish, not panic, and take time that grows no faster than the input
//! (`ucore_test_support::hostile`).

use ucore_assertions::Timestamp;
use ucore_store::StoreConfig;
use ucore_store::action::assertions::Sequence;
use ucore_store::channel::Channel;
use ucore_store::http::device::download::{parse_file_name, parse_range};
use ucore_store::publisher_api::{RegisterName, Release};
use ucore_store::session::SessionKeys;
use ucore_store_client::protocol::{MacaroonAuthorization, SessionRequest, SnapActionRequest};
use ucore_test_support::hostile::{Check, Limits};

#[global_allocator]
static ALLOC: ucore_test_support::alloc::Counting = ucore_test_support::alloc::Counting;

fn store_input(input: &[u8]) {
    let _ = serde_json::from_slice::<SnapActionRequest>(input);
    let _ = serde_json::from_slice::<SessionRequest>(input);
    let _ = serde_json::from_slice::<RegisterName>(input);
    let _ = serde_json::from_slice::<Release>(input);
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let _ = MacaroonAuthorization::parse(text);
    let _ = Channel::parse(text);
    let _ = parse_file_name(text);
    let _ = parse_range(Some(text), u64::MAX);
    let _ = Sequence::parse(text);
    let keys = SessionKeys::from_secret([1; 32]);
    let _ = keys.verify(text, "store", Timestamp::from_openpgp_time(0));
    let _ = StoreConfig::from_toml(text);
}

#[test]
fn store_inputs_stay_linear() {
    let limits = Limits {
        bytes_per_input_byte: 64,
        ..Limits::default()
    };
    let check = Check::new("store input", limits, store_input);
    check.growth("many install actions", 200, |n| {
        let actions: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"action":"install","instance-key":"install-{i}","name":"snap-{i}","channel":"latest/stable","epoch":null}}"#
                )
            })
            .collect();
        format!(r#"{{"context":[],"actions":[{}],"fields":["name"]}}"#, actions.join(",")).into_bytes()
    });
    check.growth("many context entries with validation sets", 200, |n| {
        let ctx: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"snap-id":"id{i}","instance-key":"id{i}","revision":{i},"tracking-channel":"stable","epoch":{{"read":[0,1,2],"write":[2]}},"validation-sets":[["16","acme","set{i}"]],"held":{{"by":["system"]}}}}"#
                )
            })
            .collect();
        format!(r#"{{"context":[{}],"actions":[]}}"#, ctx.join(",")).into_bytes()
    });
    check.growth("deep nesting in held", 100, |n| {
        format!(
            r#"{{"context":[{{"snap-id":"a","instance-key":"a","revision":1,"held":{}1{}}}]}}"#,
            "[".repeat(n),
            "]".repeat(n)
        )
        .into_bytes()
    });
    check.growth("a long session request", 1000, |n| {
        format!(
            r#"{{"device-session-request":"{}","serial-assertion":"{}","model-assertion":"x"}}"#,
            "a".repeat(40 * n),
            "\\u0041".repeat(n)
        )
        .into_bytes()
    });
    check.growth("many discharges", 500, |n| {
        let mut s = String::from("Macaroon root=\"r\"");
        for i in 0..n {
            s.push_str(&format!(", discharge=\"d{i}\""));
        }
        s.into_bytes()
    });
    check.growth("long channel and file names", 1000, |n| {
        format!("{}/stable/{}", "t".repeat(n), "b".repeat(n)).into_bytes()
    });
    check.growth("a long range", 1000, |n| {
        format!("bytes={}-", "9".repeat(n)).into_bytes()
    });
    check.growth("a long token", 1000, |n| {
        format!("{}.{}", "e".repeat(40 * n), "A".repeat(n)).into_bytes()
    });
    check.growth("many brands in the configuration", 100, |n| {
        let mut s = String::from("[store]\nid = \"s\"\n");
        for i in 0..n {
            s.push_str(&format!(
                "[[brand]]\nid = \"b{i}\"\nassertions = \"b{i}.assert\"\n"
            ));
        }
        s.into_bytes()
    });
}
