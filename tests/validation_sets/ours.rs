//! ucore's answer to a case, in the JSON shape of snapd-oracle's `validation-sets` (see the
//! oracle's README): the same calls in the same order, on `ucore_assertions::validation_sets`.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};
use ucore_assertions::types::ValidationSet;
use ucore_assertions::validation_sets::{InstalledSnap, RevisionSets, ValidationSets};
use ucore_assertions::{AssertionAccess, AssertionRef, decode_slice};

/// `null` for an empty map, else the object.
fn object_or_null(m: Map<String, Value>) -> Value {
    if m.is_empty() {
        Value::Null
    } else {
        Value::Object(m)
    }
}

/// `{NAME: {REVISION: [KEY]}}` with revisions in snapd's text, `null` when empty.
fn by_revision(m: &RevisionSets) -> Value {
    object_or_null(
        m.iter()
            .map(|(name, revs)| {
                let revs: Map<String, Value> = revs
                    .iter()
                    .map(|(r, keys)| (r.to_string(), json!(keys)))
                    .collect();
                (name.clone(), Value::Object(revs))
            })
            .collect(),
    )
}

fn decode_all(stream: &[u8]) -> Result<Vec<AssertionRef<'_>>, String> {
    let mut dec = decode_slice(stream);
    let mut all = Vec::new();
    while let Some(a) = dec.decode().map_err(|e| e.to_string())? {
        all.push(a);
    }
    Ok(all)
}

fn set_echo(a: &AssertionRef<'_>, vs: &ValidationSet<'_>) -> Value {
    let snaps: Vec<Value> = vs
        .snaps
        .iter()
        .map(|s| {
            json!({"name": s.name, "id": s.snap_id, "presence": s.presence.to_string(),
                   "revision": s.revision.unwrap_or(0)})
        })
        .collect();
    json!({
        "key": format!("{}/{}", vs.account_id, vs.name),
        "primary_key": a.primary_key(),
        "sequence": vs.sequence,
        "revision": a.revision(),
        "snaps": snaps,
    })
}

/// Runs the case on ucore; `installed` is the `--installed` JSON.
pub fn run(stream: &[u8], installed: Option<&str>, ignore: &[String]) -> Value {
    let mut out = json!({
        "sets": [], "decode_error": null, "add_errors": [], "conflict": null,
        "conflict_snaps": null, "conflict_sets": null, "installed_check": null, "snaps": {},
    });
    let assertions = match decode_all(stream) {
        Ok(a) => a,
        Err(e) => {
            out["decode_error"] = json!(e);
            out["ok"] = json!(false);
            return out;
        }
    };
    let mut sets = ValidationSets::new();
    let mut echo = Vec::new();
    let mut add_errors = Vec::new();
    let mut refs: Vec<(String, String)> = Vec::new();
    for a in &assertions {
        let vs = ValidationSet::from_assertion(a).expect("a decoded validation-set");
        echo.push(set_echo(a, &vs));
        for s in &vs.snaps {
            let r = (s.name.to_string(), s.snap_id.to_string());
            if !refs.contains(&r) {
                refs.push(r);
            }
        }
        if let Err(e) = sets.add(&vs) {
            add_errors.push(e.to_string());
        }
    }
    let mut ok = add_errors.is_empty();
    out["sets"] = json!(echo);
    out["add_errors"] = json!(add_errors);

    if let Err(e) = sets.conflict() {
        ok = false;
        out["conflict"] = json!(e.to_string());
        let per: Map<String, Value> = e
            .snaps
            .iter()
            .map(|(id, c)| (id.to_string(), json!(c.to_string())))
            .collect();
        out["conflict_snaps"] = Value::Object(per);
        out["conflict_sets"] = json!(e.sets);
    }

    if let Some(json) = installed {
        let installed: Vec<InstalledSnap> = serde_json::from_str(json).expect("the installed list");
        let ignore: BTreeSet<String> = ignore.iter().cloned().collect();
        let mut res = json!({"error": null, "missing": null, "invalid": null,
                             "wrong_revision": null, "sets": null});
        if let Err(e) = sets.check_installed(&installed, &ignore) {
            ok = false;
            res["error"] = json!(e.to_string());
            res["missing"] = by_revision(&e.missing);
            res["wrong_revision"] = by_revision(&e.wrong_revision);
            res["invalid"] = object_or_null(
                e.invalid
                    .iter()
                    .map(|(n, k)| (n.clone(), json!(k)))
                    .collect(),
            );
            res["sets"] = json!(e.sets);
        }
        out["installed_check"] = res;
    }

    let mut snaps = Map::new();
    for (name, id) in &refs {
        let required = match sets.check_presence_required(name, id) {
            Ok(r) => json!({"sets": r.sets, "revision": r.revision.to_string(), "error": null}),
            Err(e) => json!({"sets": [], "revision": "unset", "error": e.to_string()}),
        };
        // the oracle's presence: "invalid" when CheckPresenceInvalid passes (an unknown
        // snap too: one only in a set that was not added), else the presence its error
        // names; `presence()` must agree with it, or the difference shows
        let (invalid, derived) = match sets.check_presence_invalid(name, id) {
            Ok(keys) => (json!({"sets": keys, "error": null}), "invalid".to_string()),
            Err(e) => (
                json!({"sets": [], "error": e.to_string()}),
                e.presence.to_string(),
            ),
        };
        let presence = match sets.presence(name, id) {
            Some(p) if p.to_string() == derived => derived,
            None if derived == "invalid" => derived,
            other => format!("presence() is {other:?}, the queries say {derived}"),
        };
        let entry = json!({"snap-id": id, "presence": presence, "required": required,
                           "invalid": invalid});
        // the oracle's key: the name, or "name (id)" for a second id under a name
        let key = if snaps.contains_key(name) {
            format!("{name} ({id})")
        } else {
            name.clone()
        };
        snaps.insert(key, entry);
    }
    out["snaps"] = Value::Object(snaps);
    out["ok"] = json!(ok);
    out
}
