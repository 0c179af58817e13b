//! A snap as snapd's interface policy sees it (cargo feature `policy`): its name, type,
//! and plugs and slots with their attributes, for the installation and connection checks
//! of [`ucore_assertions::policy`].
//!
//! ```
//! let info = ucore_snap::Info::from_yaml(
//!     b"name: hello\nversion: 1\nplugs:\n  docker:\n    interface: docker-support\n",
//! )?;
//! info.validate()?;
//! let snap = ucore_snap::policy::policy_snap(&info)?;
//! assert_eq!(snap.plugs["docker"].interface, "docker-support");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use thiserror::Error;
use ucore_assertions::policy::{AttrValue, PlugSlotInfo, PolicySnap};

use crate::info::Info;
use crate::plug_slot::{PlugSlot, Value};

/// An attribute the policy cannot take: snapd's normalisation refuses `null` and integers
/// above `i64::MAX`, so only a snap.yaml that was not validated has one.
#[derive(Debug, Clone, PartialEq, Error)]
#[error(
    "attribute {attribute:?} of {plug_or_slot} {name:?}: {value} is not a policy attribute value"
)]
pub struct AttrError {
    /// `plug` or `slot`.
    pub plug_or_slot: &'static str,
    /// The plug's or slot's name.
    pub name: String,
    /// The attribute.
    pub attribute: String,
    /// The value, as YAML reads it.
    pub value: String,
}

/// The snap of `info` (validated) as the policy sees it: its instance name, its type as
/// snap.yaml spells it (the policy itself reads an `app` with the snapd snap's id as
/// `snapd`), and its plugs and slots with their static attributes.
pub fn policy_snap(info: &Info) -> Result<PolicySnap, AttrError> {
    Ok(PolicySnap {
        name: info.instance_name(),
        snap_type: info.type_.as_str().to_owned(),
        plugs: side(&info.plugs, "plug")?,
        slots: side(&info.slots, "slot")?,
    })
}

fn side(
    defs: &std::collections::BTreeMap<String, PlugSlot>,
    plug_or_slot: &'static str,
) -> Result<std::collections::BTreeMap<String, PlugSlotInfo>, AttrError> {
    defs.iter()
        .map(|(name, def)| {
            let attrs = def
                .attrs
                .iter()
                .map(|(k, v)| {
                    attr_value(v)
                        .map(|a| (k.clone(), a))
                        .ok_or_else(|| AttrError {
                            plug_or_slot,
                            name: name.clone(),
                            attribute: k.clone(),
                            value: serde_json::to_string(v).unwrap_or_default(),
                        })
                })
                .collect::<Result<_, _>>()?;
            Ok((
                name.clone(),
                PlugSlotInfo {
                    name: def.name.clone(),
                    interface: def.interface.clone(),
                    attrs,
                },
            ))
        })
        .collect()
}

/// A snap.yaml attribute as a policy attribute (`None` for `null` and integers above
/// `i64::MAX`).
pub fn attr_value(v: &Value) -> Option<AttrValue> {
    Some(match v {
        Value::Bool(b) => AttrValue::Bool(*b),
        Value::Int(i) => AttrValue::Int(*i),
        Value::Float(f) => AttrValue::Float(*f),
        Value::String(s) => AttrValue::String(s.clone()),
        Value::List(l) => AttrValue::List(l.iter().map(attr_value).collect::<Option<_>>()?),
        Value::Map(m) => AttrValue::Map(
            m.iter()
                .map(|(k, v)| Some((k.clone(), attr_value(v)?)))
                .collect::<Option<_>>()?,
        ),
        Value::Null | Value::Uint(_) => return None,
    })
}
