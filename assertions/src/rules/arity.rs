//! Arity constraints, `slots-per-plug` and `plugs-per-slot` (policy.md §4.7): how many
//! slots one plug auto-connects to. Compiled from `*`, or an integer >= 1 in Go's
//! `strconv.Atoi` syntax, then normalized so that only `slots-per-plug: *` in
//! `allow-auto-connection` has an effect.

use serde::{Serialize, Serializer};

use crate::checks::{NumError, go_atoi};
use crate::headers::{HeaderMap, HeaderValue};

use super::error::RuleError;
use super::subrule::{At, Subrule};

/// One side's arity (snapd's `SideArityConstraint`).
///
/// Serializes as the oracle prints it: `"*"`, the number as a string, or `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SideArity {
    /// Not set (N = 0): every `deny-*` set, and installation sets.
    #[default]
    Undefined,
    /// `*` (N = -1): any number.
    Any,
    /// At most this many (N >= 1); after normalization only 1 remains.
    N(i64),
}

impl SideArity {
    /// Whether this is `*` (snapd's `SlotsPerPlugAny`).
    pub fn is_any(self) -> bool {
        self == SideArity::Any
    }

    /// Whether this is exactly one (snapd's `SlotsPerPlugOne`).
    pub fn is_one(self) -> bool {
        self == SideArity::N(1)
    }
}

impl Serialize for SideArity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            SideArity::Undefined => serializer.serialize_none(),
            SideArity::Any => serializer.serialize_str("*"),
            SideArity::N(n) => serializer.collect_str(n),
        }
    }
}

/// The two arity keys, in snapd's order.
pub(crate) const ARITY_KEYS: [&str; 2] = ["slots-per-plug", "plugs-per-slot"];

/// Compiles arity key `key` of a constraint set, `Undefined` when absent.
pub(crate) fn compile_side_arity(
    m: &HeaderMap<'_>,
    key: &'static str,
    context: At<'_>,
    subrule: Subrule,
) -> Result<SideArity, RuleError> {
    let Some(value) = m.get(key) else {
        return Ok(SideArity::Undefined);
    };
    if subrule.is_installation() || !subrule.is_allow() {
        return Err(RuleError::ArityNotAllowed {
            key,
            context: context.owned(),
        });
    }
    let invalid = || RuleError::ArityInvalid {
        key,
        context: context.owned(),
    };
    let s = match value {
        HeaderValue::String(s) if !s.is_empty() => s,
        _ => return Err(invalid()),
    };
    if s == "*" {
        return Ok(SideArity::Any);
    }
    let n = match go_atoi(s) {
        Ok(n) => n,
        Err(NumError::Syntax) => return Err(invalid()),
        Err(NumError::Range) => {
            return Err(RuleError::ArityOutOfRange {
                key,
                context: context.owned(),
                value: s.to_string(),
            });
        }
    };
    if s.len() > 1 && s.starts_with('0') {
        return Err(RuleError::ArityPrefixZeros {
            key,
            context: context.owned(),
            value: s.to_string(),
        });
    }
    if n < 1 {
        return Err(invalid());
    }
    Ok(SideArity::N(n))
}

/// snapd's `normalizeSideArityConstraints` for the `allow-*connection` sets:
/// `plugs-per-slot` becomes any; `slots-per-plug` becomes any in `allow-connection`, and
/// in `allow-auto-connection` stays any only if it was `*`, else becomes 1. Other
/// subrules are left as they are.
pub(crate) fn normalize(
    subrule: Subrule,
    slots_per_plug: &mut SideArity,
    plugs_per_slot: &mut SideArity,
) {
    match subrule {
        Subrule::AllowConnection => {
            *slots_per_plug = SideArity::Any;
            *plugs_per_slot = SideArity::Any;
        }
        Subrule::AllowAutoConnection => {
            if *slots_per_plug != SideArity::Any {
                *slots_per_plug = SideArity::N(1);
            }
            *plugs_per_slot = SideArity::Any;
        }
        _ => {}
    }
}
