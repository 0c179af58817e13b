//! Comparing what a command gave against another store with what it gave against snapd's
//! fakestore (the golden), where the fakestore implements the call.
//!
//! Equal means equal, with these exceptions, each for a reason:
//! * assertions (a `store-assertion` output, the assertion files `snap download` and
//!   `prepare-image` write) are compared by content: every header but `timestamp` (each
//!   store signs its own snap-declaration and snap-revision when it publishes), the body,
//!   and the set of assertions (a stream's order is snapd's fetch order); a signature is
//!   checked by snapd itself (`seed-check`, `snap download`) and by [`verify_chain`].
//!   `provenance: global-upload`, the default, counts as absent.
//! * each store signs snap-declarations and snap-revisions with its own key ([`Keys`]):
//!   their `sign-key-sha3-384` must be that store's key, and the account-key of that key
//!   (an assertion, or a seed's file named after it) belongs to the store's chain, so it is
//!   left out on its own side.
//! * a download URL only has to be on the same store (`{STORE}/…`): each store names its
//!   own files.
//! * `channel`, `summary` and `redirect-channel` of a snap in a result: the fakestore does
//!   not send them (they are `""` in the golden); the other store may, with a plausible
//!   value (a stable channel, the snaps' summary, no redirect).
//! * `results` are compared by snap name, not in the order the store answered.
//! * a grubenv's variables are compared as a set: snapd writes them in Go's map order,
//!   which changes from run to run.
//! * the standard error of a failed command is shown, not compared.

use serde_json::{Value, json};
use ucore_assertions::AssertionAccess;
use ucore_signing::Database;

use super::fixtures;

/// The summary of every test snap (`fakestore-setup.sh`).
const SUMMARY: &str = "snapd-oracle test snap";

/// The keys the two stores sign snap-declarations and snap-revisions with.
#[derive(Clone, Debug)]
pub struct Keys {
    /// The golden store's (the fakestore's: snapd's test store key).
    pub golden: String,
    /// The other store's.
    pub observed: String,
}

impl Keys {
    /// The fakestore's key: snapd's test store key (`tk/teststore-account-key.assert`).
    pub fn fakestore() -> String {
        fixtures::assertion("tk/teststore-account-key.assert")
            .header_str("public-key-sha3-384")
            .expect("public-key-sha3-384")
            .to_string()
    }

    /// Both stores sign with the fakestore's key.
    pub fn same() -> Keys {
        let k = Keys::fakestore();
        Keys {
            golden: k.clone(),
            observed: k,
        }
    }
}

/// [`compare_with`] for two stores that sign with the fakestore's key.
pub fn compare(golden: &Value, observed: &Value) -> Vec<String> {
    compare_with(golden, observed, &Keys::same())
}

/// The differences between `golden` and `observed` (both `{"exit", "output", …}`), each a
/// line naming where; empty when they agree.
pub fn compare_with(golden: &Value, observed: &Value, keys: &Keys) -> Vec<String> {
    let cx = Cx { keys };
    let mut diffs = Vec::new();
    let g = golden.as_object().cloned().unwrap_or_default();
    let o = observed.as_object().cloned().unwrap_or_default();
    // A command that failed on one side only: its exit and output tell why; what it did
    // not write is counted, not listed.
    let keys: &[&str] = if g.get("exit") == o.get("exit") {
        &["exit", "output", "files", "seed_check"]
    } else {
        let count = |m: &serde_json::Map<String, Value>| {
            m.get("files")
                .and_then(Value::as_object)
                .map_or(0, serde_json::Map::len)
        };
        if g.contains_key("files") {
            diffs.push(format!(
                "files: {} in the golden, {} got",
                count(&g),
                count(&o)
            ));
        }
        &["exit", "output"]
    };
    for &key in keys {
        match (g.get(key), o.get(key)) {
            (None, None) => {}
            (Some(gv), Some(ov)) => cx.walk(key, gv, ov, &mut diffs),
            (gv, ov) => diffs.push(format!(
                "{key}: golden {}, got {}",
                gv.map(short).unwrap_or_default(),
                ov.map(short).unwrap_or_default()
            )),
        }
    }
    if !diffs.is_empty()
        && let Some(e) = o.get("stderr").and_then(Value::as_str)
    {
        diffs.push(format!("(stderr: {e})"));
    }
    diffs
}

fn last(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

struct Cx<'a> {
    keys: &'a Keys,
}

impl Cx<'_> {
    fn walk(&self, path: &str, g: &Value, o: &Value, diffs: &mut Vec<String>) {
        let key = last(path);
        // Fields the fakestore does not send.
        if g.as_str() == Some("") && matches!(key, "channel" | "summary" | "redirect-channel") {
            let ok = match (key, o.as_str()) {
                ("channel", Some(c)) => c.is_empty() || c.ends_with("stable"),
                ("summary", Some(s)) => s.is_empty() || s == SUMMARY,
                ("redirect-channel", Some(r)) => r.is_empty(),
                _ => false,
            };
            if !ok {
                diffs.push(format!(
                    "{path}: not sent by the fakestore, got implausible {}",
                    short(o)
                ));
            }
            return;
        }
        if key == "url" && path.ends_with("download/url") {
            let same_store = |v: &Value| v.as_str().is_some_and(|s| s.starts_with("{STORE}/"));
            if !(same_store(g) && same_store(o)) {
                diffs.push(format!(
                    "{path}: golden {}, got {}: not on the store",
                    short(g),
                    short(o)
                ));
            }
            return;
        }
        if let (Some(gs), Some(os)) = (g.as_str(), o.as_str())
            && key == "text"
            && path.ends_with("grubenv/text")
        {
            if grubenv(gs) != grubenv(os) {
                diffs.push(format!("{path}: golden {}, got {}", short(g), short(o)));
            }
            return;
        }
        if let (Some(gs), Some(os)) = (g.as_str(), o.as_str())
            && (key == "assertions" || (key == "output" && gs.starts_with("type: ")))
        {
            let (ga, oa) = (
                essentials_signed_by(gs, &self.keys.golden),
                essentials_signed_by(os, &self.keys.observed),
            );
            if ga != oa {
                diffs.push(format!(
                    "{path}: assertions differ\n  golden: {}\n  got:    {}",
                    serde_json::to_string(&ga).unwrap_or_default(),
                    serde_json::to_string(&oa).unwrap_or_default()
                ));
            }
            return;
        }
        match (g, o) {
            (Value::Object(gm), Value::Object(om)) => {
                // a seed's file holding a store's own account-key
                let own = |k: &str, key: &str| k.ends_with(&format!("/{key}.account-key"));
                let gm: serde_json::Map<String, Value> = gm
                    .iter()
                    .filter(|(k, _)| !own(k, &self.keys.golden))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                let om: serde_json::Map<String, Value> = om
                    .iter()
                    .filter(|(k, _)| !own(k, &self.keys.observed))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                for (k, gv) in &gm {
                    match om.get(k) {
                        Some(ov) => self.walk(&format!("{path}/{k}"), gv, ov, diffs),
                        None => diffs.push(format!("{path}/{k}: missing (golden {})", short(gv))),
                    }
                }
                for (k, ov) in &om {
                    if !gm.contains_key(k) {
                        diffs.push(format!("{path}/{k}: not in the golden (got {})", short(ov)));
                    }
                }
            }
            (Value::Array(ga), Value::Array(oa)) => {
                let (ga, oa) = if key == "results" {
                    (by_name(ga), by_name(oa))
                } else {
                    (ga.clone(), oa.clone())
                };
                if ga.len() != oa.len() {
                    diffs.push(format!(
                        "{path}: {} elements in the golden, {} got\n  golden: {}\n  got:    {}",
                        ga.len(),
                        oa.len(),
                        Value::Array(ga.clone()),
                        Value::Array(oa.clone())
                    ));
                    return;
                }
                for (i, (gv, ov)) in ga.iter().zip(&oa).enumerate() {
                    self.walk(&format!("{path}/{i}"), gv, ov, diffs);
                }
            }
            _ if g == o => {}
            _ => diffs.push(format!("{path}: golden {}, got {}", short(g), short(o))),
        }
    }
}

/// A grubenv's variables, sorted (snapd writes them in Go's map order), and its size.
fn grubenv(text: &str) -> (Vec<&str>, usize) {
    let mut vars: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    vars.sort_unstable();
    (vars, text.len())
}

/// A value for a message: its JSON, cut after 300 characters.
fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}… ({} characters)", &s[..i], s.chars().count()),
        None => s,
    }
}

fn by_name(v: &[Value]) -> Vec<Value> {
    let mut v = v.to_vec();
    v.sort_by_key(|x| {
        x.get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    });
    v
}

/// What two stores' assertions must share: per assertion its type, headers without
/// `timestamp` (and a default `provenance`), and body; sorted.
pub fn essentials(text: &str) -> Vec<Value> {
    essentials_signed_by(text, &Keys::fakestore())
}

/// [`essentials`] of a store that signs with `store_key`: the account-key of that key is
/// left out, and the `sign-key-sha3-384` of a snap-declaration or snap-revision is
/// `"{STORE-KEY}"` when it is `store_key` (any other key stays, and differs).
pub fn essentials_signed_by(text: &str, store_key: &str) -> Vec<Value> {
    let mut out: Vec<Value> = fixtures::decode_stream(text.as_bytes())
        .iter()
        .filter(|a| {
            !(a.assertion_type().name() == "account-key"
                && a.header_str("public-key-sha3-384") == Some(store_key))
        })
        .map(|a| {
            let mut h = serde_json::to_value(a.headers()).unwrap_or_default();
            if let Some(m) = h.as_object_mut() {
                m.remove("timestamp");
                if m.get("provenance").and_then(Value::as_str) == Some("global-upload") {
                    m.remove("provenance");
                }
                let store_signed = matches!(
                    a.assertion_type().name(),
                    "snap-declaration" | "snap-revision"
                );
                if store_signed && a.sign_key_sha3_384() == Some(store_key) {
                    m.insert("sign-key-sha3-384".into(), "{STORE-KEY}".into());
                }
            }
            json!({"type": a.assertion_type().name(), "headers": h, "body": a.body()})
        })
        .collect();
    out.sort_by_key(|v| v.to_string());
    out
}

/// Adds every assertion of `text` to a snapd database that trusts the fixtures' test root
/// (`tk/testrootorg-trusted.stream`) after `prereqs` (e.g. the account-keys), and returns
/// the first refusal.
pub fn verify_chain(prereqs: &[&str], text: &str) -> Result<(), String> {
    let trusted = fixtures::decode_stream(&fixtures::read("tk/testrootorg-trusted.stream"));
    let mut seen: Vec<Vec<u8>> = trusted.iter().map(|a| a.encode()).collect();
    let db = Database::with_trusted(trusted).map_err(|e| e.to_string())?;
    let mut all: Vec<ucore_assertions::Assertion> = prereqs
        .iter()
        .flat_map(|p| fixtures::decode_stream(p.as_bytes()))
        .collect();
    all.extend(fixtures::decode_stream(text.as_bytes()));
    // Prerequisites first: accounts, account-keys, snap-declarations, the rest.
    let rank = |a: &ucore_assertions::Assertion| match a.assertion_type().name() {
        "account" => 0,
        "account-key" => 1,
        "snap-declaration" => 2,
        _ => 3,
    };
    all.sort_by_key(rank);
    for a in all {
        // the trusted ones, and an assertion given twice, are there already
        let bytes = a.encode();
        if seen.contains(&bytes) {
            continue;
        }
        seen.push(bytes);
        let what = format!("{} {:?}", a.assertion_type().name(), a.primary_key());
        db.add(a).map_err(|e| format!("{what}: {e}"))?;
    }
    Ok(())
}
