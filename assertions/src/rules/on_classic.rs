//! `on-classic` (policy.md §4.5): whether the device is a classic system, optionally
//! which operating systems; and the [`Release`] it is checked against.

use serde::Serialize;

use crate::headers::HeaderValue;

use super::error::OnClassicError;
use super::language::RuleLanguage;
use super::subrule::RuleContext;

/// The system a device runs (snapd's `release.OnClassic` and `release.ReleaseInfo`), the
/// environment of `on-classic` and `on-core-desktop`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// Whether this is a classic system (os-release `ID` is not `ubuntu-core`).
    pub on_classic: bool,
    /// os-release `ID` (lower-cased first field), `linux` when unknown.
    pub id: String,
    /// os-release `VARIANT_ID`, if any (newer snapd only).
    pub variant_id: Option<String>,
    /// Whether this is Ubuntu Core Desktop (newer snapd only).
    pub on_core_desktop: bool,
}

impl Default for Release {
    /// Ubuntu Core: not classic, `ID=ubuntu-core`.
    fn default() -> Self {
        Release {
            on_classic: false,
            id: "ubuntu-core".to_owned(),
            variant_id: None,
            on_core_desktop: false,
        }
    }
}

/// A compiled `on-classic` (snapd's `OnClassicConstraint`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OnClassicConstraint {
    /// `true` for `true` or a list, `false` for `false`.
    pub classic: bool,
    /// The operating system ids of a list (empty: any); under
    /// [`RuleLanguage::Current`] entries may be `distro/variant`, `distro/*` or `distro/`.
    #[serde(
        rename = "system-ids",
        serialize_with = "super::serialize_list_or_null"
    )]
    pub system_ids: Vec<String>,
    /// The language it was compiled for (the mismatch text depends on it).
    #[serde(skip)]
    pub language: RuleLanguage,
}

/// Whether `s` is an operating system id: `^[-0-9a-z._]+$`.
fn is_distro_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| matches!(b, b'-' | b'.' | b'_' | b'0'..=b'9' | b'a'..=b'z'))
}

impl OnClassicConstraint {
    /// Compiles the `on-classic` value of the constraint set at `context`.
    pub fn compile(
        value: &HeaderValue<'_>,
        context: &RuleContext,
        language: RuleLanguage,
    ) -> Result<Self, OnClassicError> {
        let constraint = |classic, system_ids| OnClassicConstraint {
            classic,
            system_ids,
            language,
        };
        match value {
            HeaderValue::String(s) if s == "true" => Ok(constraint(true, Vec::new())),
            HeaderValue::String(s) if s == "false" => Ok(constraint(false, Vec::new())),
            HeaderValue::List(items) => {
                let mut ids = Vec::with_capacity(items.len());
                for item in items {
                    let s = item.as_str().ok_or_else(|| OnClassicError::NotStringList {
                        context: context.clone(),
                    })?;
                    if let Err(reason) = check_element(s, language) {
                        return Err(OnClassicError::InvalidElement {
                            context: context.clone(),
                            element: s.to_owned(),
                            reason,
                        });
                    }
                    ids.push(s.to_owned());
                }
                Ok(constraint(true, ids))
            }
            _ => Err(OnClassicError::Invalid {
                context: context.clone(),
                language,
            }),
        }
    }

    /// Checks `release` (snapd's `checkOnClassic`): `on-classic mismatch`, then the
    /// system id (`operating system ID does not match`; newer snapd: `operating system
    /// does not match`).
    pub fn check(&self, release: &Release) -> Result<(), String> {
        if self.classic != release.on_classic {
            return Err("on-classic mismatch".to_owned());
        }
        if !self.classic || self.system_ids.is_empty() {
            return Ok(());
        }
        let matches = |entry: &String| match entry.split_once('/') {
            None => !release.id.is_empty() && *entry == release.id,
            Some((distro, variant)) => {
                !release.id.is_empty()
                    && distro == release.id
                    && match variant {
                        "*" => true,
                        "" => release.variant_id.as_deref().is_none_or(str::is_empty),
                        v => release.variant_id.as_deref() == Some(v),
                    }
            }
        };
        if self.system_ids.iter().any(matches) {
            Ok(())
        } else if self.language.is_current() {
            Err("operating system does not match".to_owned())
        } else {
            Err("operating system ID does not match".to_owned())
        }
    }
}

/// Checks one list element; the error is newer snapd's reason (none in 2.57).
///
/// Newer snapd's variant syntax is checked with the distro id's pattern (its source is
/// not at hand; variant ids of os-release use the same characters).
fn check_element(s: &str, language: RuleLanguage) -> Result<(), Option<&'static str>> {
    if !language.is_current() {
        return if is_distro_id(s) { Ok(()) } else { Err(None) };
    }
    let mut parts = s.splitn(3, '/');
    let distro = parts.next().unwrap_or_default();
    let variant = parts.next();
    if parts.next().is_some() {
        return Err(Some("too many '/' separators"));
    }
    if !is_distro_id(distro) {
        return Err(Some("invalid distro ID"));
    }
    match variant {
        None | Some("") | Some("*") => Ok(()),
        Some(v) if is_distro_id(v) => Ok(()),
        Some(_) => Err(Some("invalid variant ID")),
    }
}
