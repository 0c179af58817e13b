//! Validation-set test cases: their description ([`Case`]), the proptest strategies that
//! generate them, and their files (a signed stream, an `--installed` list) in the shapes
//! snapd-oracle's `validation-sets` command reads.

use std::sync::OnceLock;

use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use ucore_assertions::{Encoder, Timestamp};
use ucore_signing::{RsaPrivateKey, builder_from_json, sign_assertion_at};

/// One snap entry of a set: presence `None` leaves the header out (snapd: required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    pub id: String,
    pub presence: Option<String>,
    pub revision: Option<u32>,
}

/// One validation set, signed by `account` (authority-id = account-id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Set {
    pub account: String,
    pub name: String,
    pub sequence: u32,
    pub snaps: Vec<Entry>,
}

/// An installed snap, in the oracle's `--installed` shape (revision a number or its text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installed {
    pub name: String,
    #[serde(rename = "snap-id")]
    pub snap_id: String,
    pub revision: Value,
}

/// One case of the differential: the sets in stream order, the installed snaps (`None`:
/// no `--installed`) and the `--ignore-validation` names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub sets: Vec<Set>,
    pub installed: Option<Vec<Installed>>,
    pub ignore: Vec<String>,
}

/// A 32-character snap id from a readable prefix.
pub fn snap_id(prefix: &str) -> String {
    let mut id: String = prefix.chars().filter(char::is_ascii_alphanumeric).collect();
    while id.len() < 32 {
        id.push('x');
    }
    id.truncate(32);
    id
}

/// The snaps sets draw from: `tools` exists under two ids, so the same name with another
/// id is exercised (in sets and in installed lists).
pub fn pool() -> Vec<(String, String)> {
    [
        ("hello", "helloid"),
        ("world", "worldid"),
        ("badsnap", "badsnapid"),
        ("core", "coreid"),
        ("tools", "toolsidA"),
        ("tools", "toolsidB"),
        ("gadget", "gadgetid"),
        ("kernel", "kernelid"),
    ]
    .into_iter()
    .map(|(n, p)| (n.to_string(), snap_id(p)))
    .collect()
}

const ACCOUNTS: [&str; 2] = ["acme", "brand"];
const SET_NAMES: [&str; 3] = ["base", "extra", "clash"];

fn entry_strategy(name: String, id: String) -> impl Strategy<Value = Entry> {
    // weighted towards sets that agree, so that installed checks are reached often
    let presence = prop_oneof![
        3 => Just(None),
        2 => Just(Some("required")),
        3 => Just(Some("optional")),
        1 => Just(Some("invalid")),
    ];
    (presence, prop::option::weighted(0.4, 1u32..=4)).prop_map(move |(presence, revision)| Entry {
        name: name.clone(),
        id: id.clone(),
        // snapd refuses a revision beside presence invalid at decoding
        revision: if presence == Some("invalid") {
            None
        } else {
            revision
        },
        presence: presence.map(str::to_string),
    })
}

fn set_strategy() -> impl Strategy<Value = Set> {
    let pool = pool();
    let n = pool.len();
    (
        0..ACCOUNTS.len(),
        0..SET_NAMES.len(),
        1u32..=3,
        prop::sample::subsequence((0..n).collect::<Vec<_>>(), 1..=n).prop_shuffle(),
    )
        .prop_flat_map(move |(account, name, sequence, picks)| {
            // one entry per name: a set cannot list a name (or an id) twice
            let mut names = std::collections::BTreeSet::new();
            let entries: Vec<_> = picks
                .into_iter()
                .filter_map(|i| pool.get(i).cloned())
                .filter(|(n, _)| names.insert(n.clone()))
                .map(|(n, id)| entry_strategy(n, id))
                .collect();
            entries.prop_map(move |snaps| Set {
                account: ACCOUNTS[account].to_string(),
                name: SET_NAMES[name].to_string(),
                sequence,
                snaps,
            })
        })
}

/// What is installed under a name of the pool.
#[derive(Debug, Clone)]
enum InstalledState {
    Absent,
    /// the `i`th id the pool has for the name, at a store revision (number or text)
    Store(usize, u32, bool),
    /// the name under an id no set uses
    ForeignId(u32),
    /// a local snap: no id, revision `x1`
    Local,
}

fn installed_strategy() -> impl Strategy<Value = Vec<Installed>> {
    let pool = pool();
    let mut names: Vec<String> = pool.iter().map(|(n, _)| n.clone()).collect();
    names.dedup();
    let state = prop_oneof![
        2 => Just(InstalledState::Absent),
        5 => (0usize..2, 1u32..=4, any::<bool>()).prop_map(|(i, r, t)| InstalledState::Store(i, r, t)),
        1 => (1u32..=4).prop_map(InstalledState::ForeignId),
        1 => Just(InstalledState::Local),
    ];
    prop::collection::vec(state, names.len()).prop_map(move |states| {
        names
            .iter()
            .zip(states)
            .filter_map(|(name, state)| {
                let ids: Vec<&String> = pool
                    .iter()
                    .filter(|(n, _)| n == name)
                    .map(|(_, id)| id)
                    .collect();
                let (snap_id, revision) = match state {
                    InstalledState::Absent => return None,
                    InstalledState::Store(i, r, text) => {
                        let id = ids.get(i % ids.len().max(1))?;
                        let rev = if text { json!(r.to_string()) } else { json!(r) };
                        ((*id).clone(), rev)
                    }
                    InstalledState::ForeignId(r) => (snap_id(&format!("{name}foreign")), json!(r)),
                    InstalledState::Local => (String::new(), json!("x1")),
                };
                Some(Installed {
                    name: name.clone(),
                    snap_id,
                    revision,
                })
            })
            .collect()
    })
}

/// Generated cases: 1–6 sets, an installed list in most, a few ignored names.
pub fn case_strategy() -> impl Strategy<Value = Case> {
    let mut names: Vec<String> = pool().into_iter().map(|(n, _)| n).collect();
    names.dedup();
    names.push("unknown".to_string());
    (
        // mostly a few sets: many sets under six keys nearly always clash
        prop_oneof![3 => 1..=2usize, 2 => 3..=4usize, 1 => 5..=6usize]
            .prop_flat_map(|n| prop::collection::vec(set_strategy(), n)),
        prop::option::weighted(0.8, installed_strategy()),
        prop::sample::subsequence(names.clone(), 0..=2),
    )
        .prop_map(|(sets, installed, ignore)| Case {
            sets,
            installed,
            ignore,
        })
}

/// The headers of `set` as the oracle's `sign` reads them.
pub fn set_headers(set: &Set) -> Value {
    let snaps: Vec<Value> = set
        .snaps
        .iter()
        .map(|e| {
            let mut m = serde_json::Map::new();
            m.insert("name".into(), json!(e.name));
            m.insert("id".into(), json!(e.id));
            if let Some(p) = &e.presence {
                m.insert("presence".into(), json!(p));
            }
            if let Some(r) = e.revision {
                m.insert("revision".into(), json!(r.to_string()));
            }
            Value::Object(m)
        })
        .collect();
    json!({
        "type": "validation-set",
        "authority-id": set.account,
        "account-id": set.account,
        "series": "16",
        "name": set.name,
        "sequence": set.sequence.to_string(),
        "timestamp": "2020-01-01T00:00:00Z",
        "snaps": snaps,
    })
}

/// The checked-in **test-only** key `acme` (the oracle never verifies signatures, so one
/// key signs for every account).
fn key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        RsaPrivateKey::from_pem(ucore_test_support::keys::ACME).expect("the test-only acme key")
    })
}

/// Signature creation time of every generated assertion (2020-01-01T00:00:00Z), so that
/// streams are reproducible byte for byte.
const SIG_TIME: u32 = 1_577_836_800;

/// The signed stream of `sets` (snapd's encoding: a blank line between assertions).
pub fn stream(sets: &[Set]) -> Vec<u8> {
    let mut enc = Encoder::new(Vec::new());
    for set in sets {
        let builder =
            builder_from_json(&set_headers(set).to_string(), None).expect("validation-set headers");
        let signed = sign_assertion_at(&builder, key(), Timestamp::from_openpgp_time(SIG_TIME))
            .expect("signing with the test-only key");
        enc.encode(&signed).expect("encoding to memory");
    }
    enc.into_inner()
}

/// The `--installed` file's JSON.
pub fn installed_json(installed: &[Installed]) -> String {
    serde_json::to_string(installed).expect("installed snaps to JSON")
}
