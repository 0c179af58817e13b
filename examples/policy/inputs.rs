//! Reading the inputs of `assertions policy …` as the oracle reads them: snap.yaml files
//! (read and validated by ucore-snap with snapd's builtin sanitizer, attributes made
//! [`AttrValue`]s), snap-declarations, the base-declaration (a signed assertion or
//! headers-only text), the model and store assertions, dynamic attributes as JSON, and
//! the release flags. Failures are usage errors (exit 2) naming the file.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use ucore_assertions::policy::{
    AttrValue, BaseDeclarationRules, Device, DeviceModel, DeviceStore, PolicySnap, Release,
    RuleLanguage,
};
use ucore_assertions::types::{Model, SnapDeclaration, Store};
use ucore_assertions::{Assertion, AssertionAccess, AssertionType, Decoder};
use ucore_snap::Info;

/// Reads a file (`-`: standard input).
pub fn read_input(file: &str) -> Result<Vec<u8>, String> {
    if file == "-" {
        let mut input = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut input)
            .map_err(|e| format!("reading standard input: {e}"))?;
        Ok(input)
    } else {
        std::fs::read(file).map_err(|e| format!("{file}: {e}"))
    }
}

/// The one assertion of type `t` in the stream of `file` (the oracle's `loadAssertion`),
/// declarations' rules compiled in `language`.
pub fn load_assertion(
    file: &str,
    t: AssertionType,
    language: RuleLanguage,
) -> Result<Assertion, String> {
    let input = read_input(file)?;
    let mut found = None;
    for item in Decoder::new(input.as_slice()).with_rule_language(language) {
        let a = item.map_err(|e| format!("{file}: {e}"))?;
        if a.assertion_type() == t {
            if found.is_some() {
                return Err(format!("{file}: more than one {} assertion", t.name()));
            }
            found = Some(a);
        }
    }
    found.ok_or_else(|| format!("{file}: no {} assertion", t.name()))
}

/// A snap-declaration file, decoded (its rules compiled in `language`).
pub fn load_snap_declaration(
    file: Option<&str>,
    language: RuleLanguage,
) -> Result<Option<Assertion>, String> {
    file.map(|f| load_assertion(f, AssertionType::SnapDeclaration, language))
        .transpose()
}

/// The typed view of a decoded snap-declaration (its rules compiled in the language it
/// was decoded in).
pub fn snap_declaration(a: &Assertion) -> Result<SnapDeclaration<'_>, String> {
    SnapDeclaration::try_from(a).map_err(|e| e.to_string())
}

/// The base-declaration of `--base-decl FILE`: headers-only text (snapd's
/// `InitBuiltinBaseDeclaration`) or a signed assertion. ucore has no built-in one.
pub fn load_base_declaration(
    file: Option<&str>,
    language: RuleLanguage,
) -> Result<BaseDeclarationRules, String> {
    let Some(file) = file else {
        return Err(
            "--base-decl FILE is required: ucore has no built-in base-declaration \
                    (snapd's is part of its GPL-3 sources; `snapd-oracle policy \
                    base-declaration` prints it)"
                .into(),
        );
    };
    let text = read_input(file)?;
    if BaseDeclarationRules::is_headers_only(&text) {
        return BaseDeclarationRules::from_builtin_text(&text, language)
            .map_err(|e| format!("{file}: {e}"));
    }
    let a = load_assertion(file, AssertionType::BaseDeclaration, language)?;
    let view = ucore_assertions::types::BaseDeclaration::try_from(&a)
        .map_err(|e| format!("{file}: {e}"))?;
    Ok(BaseDeclarationRules::from(view))
}

/// The typed view of the one `t` assertion of `file`, made into `T`.
fn load_view<'a, V: TryFrom<&'a Assertion, Error = ucore_assertions::Error>, T>(
    file: &str,
    assertion: &'a Assertion,
    make: impl FnOnce(&V) -> T,
) -> Result<T, String> {
    V::try_from(assertion)
        .map(|v| make(&v))
        .map_err(|e| format!("{file}: {e}"))
}

/// The device of `--model` and `--store`.
pub fn load_device(model: Option<&str>, store: Option<&str>) -> Result<Device, String> {
    let mut device = Device::default();
    if let Some(f) = model {
        let a = load_assertion(f, AssertionType::Model, RuleLanguage::default())?;
        device.model = Some(load_view(f, &a, |m: &Model<'_>| DeviceModel::from(m))?);
    }
    if let Some(f) = store {
        let a = load_assertion(f, AssertionType::Store, RuleLanguage::default())?;
        device.store = Some(load_view(f, &a, |s: &Store<'_>| DeviceStore::from(s))?);
    }
    Ok(device)
}

/// The release of `--classic` / `--distro` (the oracle's default: an Ubuntu Core device;
/// `--classic` alone: `ubuntu`), and its JSON echo.
pub fn release(classic: bool, distro: Option<&str>) -> (Release, Value) {
    let id = distro
        .filter(|d| !d.is_empty())
        .unwrap_or(if classic { "ubuntu" } else { "ubuntu-core" })
        .to_owned();
    let json = json!({"distro": id, "on_classic": classic});
    (
        Release {
            on_classic: classic,
            id,
            ..Release::default()
        },
        json,
    )
}

/// A snap.yaml read and validated as the oracle's `loadPolicySnap` does, with the
/// plugs and slots snapd's sanitizer dropped listed by name with the reason.
pub struct LoadedSnap {
    /// The snap as the policy sees it.
    pub snap: PolicySnap,
    /// Plugs and slots the sanitizer dropped, with why.
    pub bad_interfaces: BTreeMap<String, String>,
}

/// Reads the snap.yaml at `file`.
pub fn load_snap(file: &str) -> Result<LoadedSnap, String> {
    let text = read_input(file)?;
    let info = Info::from_yaml(&text).map_err(|e| format!("{file}: snap.yaml parse error: {e}"))?;
    info.validate()
        .map_err(|e| format!("{file}: snap.yaml validate error: {e}"))?;
    let snap = ucore_snap::policy::policy_snap(&info).map_err(|e| format!("{file}: {e}"))?;
    Ok(LoadedSnap {
        snap,
        bad_interfaces: info.bad_interfaces.clone(),
    })
}

/// A JSON attribute value as Go's `json.Unmarshal` gives it (every number a float64).
pub fn json_attr(v: &Value) -> Result<AttrValue, String> {
    Ok(match v {
        Value::Bool(b) => AttrValue::Bool(*b),
        Value::Number(n) => AttrValue::Float(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => AttrValue::String(s.clone()),
        Value::Array(l) => AttrValue::List(l.iter().map(json_attr).collect::<Result<_, _>>()?),
        Value::Object(m) => AttrValue::Map(
            m.iter()
                .map(|(k, v)| Ok((k.clone(), json_attr(v)?)))
                .collect::<Result<_, String>>()?,
        ),
        Value::Null => return Err("null attribute values are not supported".into()),
    })
}

/// `--plug-attrs` / `--slot-attrs`: a JSON object of dynamic attributes.
pub fn json_attrs(
    flag: &str,
    text: Option<&str>,
) -> Result<Option<BTreeMap<String, AttrValue>>, String> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let v: Value = serde_json::from_str(text).map_err(|e| format!("--{flag}: {e}"))?;
    let Value::Object(m) = &v else {
        return Err(format!("--{flag}: not a JSON object"));
    };
    m.iter()
        .map(|(k, v)| {
            Ok((
                k.clone(),
                json_attr(v).map_err(|e| format!("--{flag}: {e}"))?,
            ))
        })
        .collect::<Result<_, String>>()
        .map(Some)
}
