//! Structure-aware: a valid assertion of a real type (one or more templates per type, every
//! type), whose headers are edited by the input — a header set to a plausible value (ids,
//! timestamps, lists, maps, rule words from the dictionary) or removed, a value deep inside a
//! list or map replaced, the format or the body changed — then assembled with ucore's encoder
//! (`assemble_content`), given a placeholder signature and decoded. Most inputs so get past
//! the generic checks and fail, or pass, one of the type's own checks.
//!
//! An input that is a JSON object is read instead as the headers of the first template of
//! the type it names (the seeds: the generated cases' `.json` headers), so real data seeds
//! the run.
//!
//! Checks beyond "no panic": what assembles (the encoder decodes what it writes, so a type
//! check refuses there) decodes again with the placeholder signature, re-encodes to the same
//! bytes and survives a copy to the owned form.
#![no_main]

#[path = "shared/header_values.rs"]
mod header_values;

use arbitrary::Arbitrary;
use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use ucore_assertions::{AssertionAccess, HeaderValue};

use header_values::{Name, Value, assemble_and_decode, json_headers, template_headers};

/// One or more valid assertions per type (`tests/data/assertions/generated/valid/`).
const TEMPLATES: &[&str] = &[
    include_str!("../../tests/data/assertions/generated/valid/account-basic.assert"),
    include_str!(
        "../../tests/data/assertions/generated/valid/account-key-constraints-format1.assert"
    ),
    include_str!("../../tests/data/assertions/generated/valid/repair-filters.assert"),
    include_str!("../../tests/data/assertions/generated/valid/model-core16.assert"),
    include_str!("../../tests/data/assertions/generated/valid/model-classic.assert"),
    include_str!("../../tests/data/assertions/generated/valid/model-uc20-components.assert"),
    include_str!("../../tests/data/assertions/generated/valid/model-uc20-validation-sets.assert"),
    include_str!("../../tests/data/assertions/generated/valid/model-uc22-classic.assert"),
    include_str!("../../tests/data/assertions/generated/valid/serial-basic.assert"),
    include_str!("../../tests/data/assertions/generated/valid/base-declaration-plugs.assert"),
    include_str!(
        "../../tests/data/assertions/generated/valid/snap-declaration-plugs-format1.assert"
    ),
    include_str!(
        "../../tests/data/assertions/generated/valid/snap-declaration-revision-authority.assert"
    ),
    include_str!("../../tests/data/assertions/generated/valid/snap-declaration-aliases.assert"),
    include_str!("../../tests/data/assertions/generated/valid/snap-build-basic.assert"),
    include_str!("../../tests/data/assertions/generated/valid/snap-revision-integrity.assert"),
    include_str!("../../tests/data/assertions/generated/valid/snap-revision-provenance.assert"),
    include_str!("../../tests/data/assertions/generated/valid/snap-developer-basic.assert"),
    include_str!("../../tests/data/assertions/generated/valid/system-user-password.assert"),
    include_str!("../../tests/data/assertions/generated/valid/system-user-serials-format1.assert"),
    include_str!(
        "../../tests/data/assertions/generated/valid/system-user-user-presence-format2.assert"
    ),
    include_str!("../../tests/data/assertions/generated/valid/validation-basic.assert"),
    include_str!("../../tests/data/assertions/generated/valid/validation-set-basic.assert"),
    include_str!(
        "../../tests/data/assertions/generated/valid/validation-set-presence-revision.assert"
    ),
    include_str!("../../tests/data/assertions/generated/valid/store-url.assert"),
    include_str!("../../tests/data/assertions/generated/valid/preseed-components.assert"),
    include_str!("../../tests/data/assertions/generated/valid/snap-resource-revision-basic.assert"),
    include_str!("../../tests/data/assertions/generated/valid/snap-resource-pair-basic.assert"),
    include_str!("../../tests/data/assertions/generated/valid/confdb-schema-basic.assert"),
    include_str!("../../tests/data/assertions/generated/valid/cluster-basic.assert"),
    include_str!("../../tests/data/assertions/generated/valid/request-message-basic.assert"),
    include_str!("../../tests/data/assertions/generated/valid/hardware-identity-basic.assert"),
    include_str!("../../tests/data/assertions/generated/valid/device-session-request-basic.assert"),
    include_str!("../../tests/data/assertions/generated/valid/serial-request-body.assert"),
    include_str!("../../tests/data/assertions/generated/valid/account-key-request-basic.assert"),
    include_str!("../../tests/data/assertions/generated/valid/confdb-control-basic.assert"),
    include_str!("../../tests/data/assertions/generated/valid/response-message-basic.assert"),
];

/// Which header an edit changes.
#[derive(Arbitrary, Debug)]
enum Target {
    /// One of the template's own headers (by index).
    Template(u8),
    /// Any name (mostly a known header name).
    Named(Name),
}

/// One change to the template's headers.
#[derive(Arbitrary, Debug)]
enum Edit {
    /// Sets a header (adds it if absent).
    Set(Target, Value),
    /// Removes a header.
    Remove(Target),
    /// Replaces the value found by walking `path` into a header's lists and maps (each step
    /// an index, modulo the length), or removes it when `value` is `None`.
    Inside(Target, Vec<u8>, Option<Value>),
}

/// The body: kept, removed or replaced.
#[derive(Arbitrary, Debug)]
enum Body {
    Keep,
    Remove,
    Text(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    template: u8,
    edits: Vec<Edit>,
    body: Body,
}

fn header_name(headers: &ucore_assertions::Headers<'_>, target: &Target) -> String {
    match target {
        Target::Template(i) => {
            let n = headers.len().max(1);
            headers
                .iter()
                .nth(usize::from(*i) % n)
                .map(|(k, _)| k.to_owned())
                .unwrap_or_default()
        }
        Target::Named(name) => name.text(),
    }
}

/// Walks `path` into `value` and replaces (or removes) what it reaches.
fn edit_inside(value: &mut HeaderValue<'static>, path: &[u8], new: Option<HeaderValue<'static>>) {
    let Some((&step, rest)) = path.split_first() else {
        if let Some(new) = new {
            *value = new;
        }
        return;
    };
    match value {
        HeaderValue::String(_) => {
            if let Some(new) = new {
                *value = new;
            }
        }
        HeaderValue::List(items) if !items.is_empty() => {
            let i = usize::from(step) % items.len();
            if rest.is_empty() && new.is_none() {
                items.remove(i);
            } else {
                edit_inside(&mut items[i], rest, new);
            }
        }
        HeaderValue::Map(map) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(usize::from(step) % map.len())
                .map(str::to_owned)
                .unwrap_or_default();
            if rest.is_empty() && new.is_none() {
                map.remove(&key);
            } else if let Some(mut inner) = map.remove(&key) {
                edit_inside(&mut inner, rest, new);
                map.insert(key, inner);
            }
        }
        _ => {}
    }
}

/// JSON headers, assembled with the first template of the type they name.
fn from_json(data: &[u8]) -> bool {
    let Some(headers) = json_headers(data) else {
        return false;
    };
    let named = headers.get_str("type").unwrap_or_default();
    let template = TEMPLATES
        .iter()
        .map(|t| template_headers(t).0)
        .find(|t| t.assertion_type().name() == named);
    if let Some(template) = template {
        assemble_and_decode(&template, &headers, template.body().map(str::as_bytes));
    }
    true
}

fuzz_target!(|data: &[u8]| {
    if from_json(data) {
        return;
    }
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let text = TEMPLATES[usize::from(input.template) % TEMPLATES.len()];
    let (template, mut headers) = template_headers(text);
    for edit in input.edits.iter().take(16) {
        match edit {
            Edit::Set(target, value) => {
                let name = header_name(&headers, target);
                headers.insert(name, value.header_value());
            }
            Edit::Remove(target) => {
                let name = header_name(&headers, target);
                headers.remove(&name);
            }
            Edit::Inside(target, path, value) => {
                let name = header_name(&headers, target);
                if let Some(mut v) = headers.remove(&name) {
                    edit_inside(&mut v, path, value.as_ref().map(Value::header_value));
                    headers.insert(name, v);
                }
            }
        }
    }
    let body = match &input.body {
        Body::Keep => template.body().map(str::as_bytes),
        Body::Remove => None,
        Body::Text(t) => Some(t.as_bytes()),
    };
    assemble_and_decode(&template, &headers, body);
});
