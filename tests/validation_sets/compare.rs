//! Comparing ucore's answer with the oracle's: snapd prints a conflict's snaps and an
//! installed check's snaps in Go map order (random), so those texts are compared as their
//! header lines plus the set of lines under each.

use serde_json::{Value, json};

/// The lines of an error text grouped as `[first line, [section line, sorted items…]…]`:
/// an item is a line indented deeper than the section line before it. A text without
/// sections becomes `[first line, sorted lines…]`.
fn text_shape(text: &str) -> Value {
    let mut lines = text.split('\n');
    let head = lines.next().unwrap_or_default().to_string();
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    let mut flat: Vec<String> = Vec::new();
    for line in lines {
        if line.starts_with("  ") {
            match sections.last_mut() {
                Some((_, items)) => items.push(line.to_string()),
                None => flat.push(line.to_string()),
            }
        } else {
            sections.push((line.to_string(), Vec::new()));
        }
    }
    let mut shape = vec![json!(head)];
    flat.sort();
    shape.extend(flat.into_iter().map(Value::from));
    // a conflict's "- cannot constrain snap …" lines have no items and a random order; an
    // installed check's sections have items and a fixed order
    let order_free = sections.iter().all(|(_, items)| items.is_empty());
    let mut plain: Vec<Value> = Vec::new();
    for (section, mut items) in sections {
        if items.is_empty() {
            plain.push(json!(section));
        } else {
            items.sort();
            plain.push(json!([section, items]));
        }
    }
    if order_free {
        plain.sort_by_key(|v| v.to_string());
    }
    shape.extend(plain);
    Value::Array(shape)
}

/// `v` with its order-free texts replaced by their shapes.
pub fn normalize(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(Value::String(t)) = v.get("conflict") {
        v["conflict"] = text_shape(t);
    }
    if let Some(Value::String(t)) = v.get("installed_check").and_then(|c| c.get("error")) {
        v["installed_check"]["error"] = text_shape(t);
    }
    v
}

/// The fields where `ours` and `oracle` differ, after [`normalize`], each with both values
/// (per snap for `snaps`); empty when they agree.
pub fn differences(ours: &Value, oracle: &Value) -> Vec<String> {
    let (ours, oracle) = (normalize(ours), normalize(oracle));
    let mut fields: Vec<&String> = Vec::new();
    for v in [&ours, &oracle] {
        if let Some(m) = v.as_object() {
            fields.extend(m.keys());
        }
    }
    fields.sort();
    fields.dedup();
    let mut diffs = Vec::new();
    for f in fields {
        let (a, b) = (&ours[f.as_str()], &oracle[f.as_str()]);
        if a == b {
            continue;
        }
        if let (Some(sa), Some(sb)) = (a.as_object(), b.as_object())
            && f == "snaps"
        {
            let mut names: Vec<&String> = sa.keys().chain(sb.keys()).collect();
            names.sort();
            names.dedup();
            for n in names {
                if sa.get(n) != sb.get(n) {
                    diffs.push(format!(
                        "snaps[{n}]:\n  ours:   {}\n  oracle: {}",
                        sa.get(n).unwrap_or(&Value::Null),
                        sb.get(n).unwrap_or(&Value::Null)
                    ));
                }
            }
            continue;
        }
        diffs.push(format!("{f}:\n  ours:   {a}\n  oracle: {b}"));
    }
    diffs
}

#[test]
fn shapes_ignore_the_order_of_lines() {
    let a = "validation sets are in conflict:\n- cannot constrain snap \"a\" x\n- cannot constrain snap \"b\" y";
    let b = "validation sets are in conflict:\n- cannot constrain snap \"b\" y\n- cannot constrain snap \"a\" x";
    assert_eq!(text_shape(a), text_shape(b));
    let c = "validation sets are in conflict:\n- cannot constrain snap \"b\" y\n- cannot constrain snap \"a\" z";
    assert_ne!(text_shape(a), text_shape(c));
    let i = "validation sets assertions are not met:\n- missing required snaps:\n  - b (x)\n  - a (y)\n- invalid snaps:\n  - c (z)";
    let j = "validation sets assertions are not met:\n- missing required snaps:\n  - a (y)\n  - b (x)\n- invalid snaps:\n  - c (z)";
    assert_eq!(text_shape(i), text_shape(j));
    // an item under another section is a difference
    let k = "validation sets assertions are not met:\n- missing required snaps:\n  - a (y)\n- invalid snaps:\n  - b (x)\n  - c (z)";
    assert_ne!(text_shape(i), text_shape(k));
    // sections keep their order
    let l = "validation sets assertions are not met:\n- invalid snaps:\n  - c (z)\n- missing required snaps:\n  - a (y)\n  - b (x)";
    assert_ne!(text_shape(i), text_shape(l));
}
