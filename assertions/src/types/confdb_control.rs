//! `confdb-control` (as snapd newer than 2.57 checks it; the type is registered in its
//! `asserts/asserts.go`): which operators may use which confdb views on a device, signed
//! by the device key.

use serde::Serialize;

use crate::checks;
use crate::{AssertionAccess, Error};

use super::common::{self, invalid_header, invalid_item};

/// One `groups` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ConfdbControlGroup<'a> {
    /// `operators`.
    pub operators: Vec<&'a str>,
    /// `authentications`.
    pub authentications: Vec<&'a str>,
    /// `views` (`account/confdb/view`).
    pub views: Vec<&'a str>,
}

/// A `confdb-control` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ConfdbControl<'a> {
    /// `brand-id`.
    pub brand_id: &'a str,
    /// `model`.
    pub model: &'a str,
    /// `serial`.
    pub serial: &'a str,
    /// `groups`.
    pub groups: Vec<ConfdbControlGroup<'a>>,
}

/// Strict serials: `^[a-zA-Z0-9](?:[:+-]?[a-zA-Z0-9])*$`.
pub(crate) static VALID_STRICT_SERIAL: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| common::regex("^[a-zA-Z0-9](?:[:+-]?[a-zA-Z0-9])*$"));

impl<'a> ConfdbControl<'a> {
    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        let model = checks::check_model(h)?;
        let serial = h.get_str("serial").unwrap_or("");
        if !VALID_STRICT_SERIAL.is_match(serial) {
            return Err(invalid_header(
                "serial",
                format!(
                    "contains invalid characters: {}",
                    ucore_go_text::quote(serial)
                ),
            ));
        }
        const WRONG: &str = "\"groups\" header must be a list of maps";
        let mut groups = Vec::new();
        if let Some(list) = h.get("groups") {
            for m in common::list_of_maps(list, "groups", WRONG)? {
                let m = m?;
                let list_of = |name: &str| {
                    checks::check_string_list_in_map(
                        m,
                        name,
                        &format!("{} in \"groups\"", ucore_go_text::quote(name)),
                        None,
                    )
                };
                let authentications = list_of("authentications")?;
                let operators = list_of("operators")?;
                let views = list_of("views")?;
                for (field, l) in [
                    ("operators", &operators),
                    ("authentications", &authentications),
                    ("views", &views),
                ] {
                    if l.is_empty() {
                        return Err(invalid_item(
                            "groups",
                            format!("\"{field}\" field in group is mandatory"),
                        ));
                    }
                }
                groups.push(ConfdbControlGroup {
                    operators,
                    authentications,
                    views,
                });
            }
        }
        Ok(ConfdbControl {
            brand_id: h.get_str("brand-id").unwrap_or(""),
            model,
            serial,
            groups,
        })
    }
}

super::view!(ConfdbControl, ConfdbControl);
