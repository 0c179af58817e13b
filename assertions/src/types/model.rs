//! `model` (snapd's `asserts/model.go`, `assembleModel`): the device model, UC16/18
//! (separate `gadget`/`kernel`/`required-snaps`) and UC20+ (the extended `snaps` header,
//! grade, storage-safety, components, validation sets).

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use regex::Regex;
use serde::Serialize;

use crate::checks::{self, HEADER, VALID_ACCOUNT_ID};
use crate::headers::HeaderValue;
use crate::rfc3339::Rfc3339Time;
use crate::{AssertionAccess, Error};
use ucore_go_text::quote;

use super::channel::{Channel, RISKS};
use super::common::{self, Map, forbidden, invalid_item, invalid_snap};
use super::{StrList, TypeError};

static VALID_SNAP_MODE: LazyLock<Regex> = LazyLock::new(|| common::regex("^[a-z][-a-z]+$"));
static VALID_DISTRIBUTION: LazyLock<Regex> = LazyLock::new(|| common::regex("^[a-z0-9._-]*$"));
/// Validation-set names: `^[a-z0-9](?:-?[a-z0-9])*$`.
pub(crate) static VALID_VALIDATION_SET_NAME: LazyLock<Regex> =
    LazyLock::new(|| common::regex("^[a-z0-9](?:-?[a-z0-9])*$"));

/// The modes of essential snaps.
const ESSENTIAL_MODES: [&str; 2] = ["run", "ephemeral"];
/// The default modes of other snaps.
const DEFAULT_MODES: [&str; 1] = ["run"];

/// The production store's well-known snap ids (snapd `naming.WellKnownSnapID`),
/// used for the synthesized entry of a `base` without a `snaps` entry.
/// Staging builds of snapd use other ids; ucore uses production's.
pub fn well_known_snap_id(name: &str) -> Option<&'static str> {
    Some(match name {
        "core" => "99T7MUlRhtI3U0QFgl5mXXESAiSwt776",
        "snapd" => "PMrrV4ml8uWuEUDBT8dSGnKUYbevVhc4",
        "core18" => "CSO04Jhav2yK0uz97cr0ipQRyqg0qQL6",
        "core20" => "DLqre5XGLbDqg9jPtiAhRRjDuPVa5X1q",
        "core22" => "amcUKQILKXHHTlmSa7NMdnXSx02dNeeT",
        "core24" => "dwTAh7MZZ01zyriOZErqd1JynQLiOGvM",
        _ => return None,
    })
}

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant,)*
        }

        impl $name {
            /// The value as written in the assertion.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            /// The value written `s`, if valid.
            pub fn from_name(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)* _ => None }
            }

            /// All values joined with `|` (snapd's messages).
            #[allow(dead_code)]
            pub(crate) fn choices() -> &'static str {
                concat!($($text, "|",)*).trim_end_matches('|')
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

string_enum!(
    /// A UC20+ model's grade.
    Grade {
        /// `secured`.
        Secured = "secured",
        /// `signed` (the default).
        Signed = "signed",
        /// `dangerous`.
        Dangerous = "dangerous",
    }
);

string_enum!(
    /// A UC20+ model's `storage-safety`.
    StorageSafety {
        /// `encrypted` (the default of secured models).
        Encrypted = "encrypted",
        /// `prefer-encrypted` (the default otherwise).
        PreferEncrypted = "prefer-encrypted",
        /// `prefer-unencrypted`.
        PreferUnencrypted = "prefer-unencrypted",
    }
);

string_enum!(
    /// Whether a snap (or component) must be installed.
    Presence {
        /// `required` (the default).
        Required = "required",
        /// `optional`.
        Optional = "optional",
    }
);

string_enum!(
    /// A snap's type in a model.
    SnapType {
        /// `app` (the default).
        App = "app",
        /// `base`.
        Base = "base",
        /// `gadget`.
        Gadget = "gadget",
        /// `kernel`.
        Kernel = "kernel",
        /// `core`.
        Core = "core",
        /// `snapd`.
        Snapd = "snapd",
    }
);

string_enum!(
    /// How a model's validation set applies.
    ValidationSetMode {
        /// `prefer-enforce`.
        PreferEnforce = "prefer-enforce",
        /// `enforce`.
        Enforce = "enforce",
    }
);

/// One snap of a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ModelSnap<'a> {
    /// The snap name.
    pub name: &'a str,
    /// The snap id (`None` in non-extended models and for dangerous models without id).
    pub snap_id: Option<&'a str>,
    /// The snap type.
    pub snap_type: SnapType,
    /// The modes the snap is available in.
    pub modes: StrList<'a>,
    /// Whether the snap must be installed.
    pub presence: Presence,
    /// The default channel (`latest/stable` unless given; `<track>/stable` for
    /// UC16/18 `kernel=track`/`gadget=track`).
    pub default_channel: Cow<'a, str>,
    /// Per-snap `classic` (classic models only).
    pub classic: bool,
    /// Whether the snap is essential (snapd, kernel, gadget, or the base).
    pub essential: bool,
    /// The snap's components (UC20+).
    pub components: Vec<ModelComponent<'a>>,
}

/// One component of a model snap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ModelComponent<'a> {
    /// The component name.
    pub name: &'a str,
    /// Whether it must be installed.
    pub presence: Presence,
    /// Its modes (the snap's when not given).
    pub modes: StrList<'a>,
}

/// A validation set a model requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ModelValidationSet<'a> {
    /// The account (the brand when not given).
    pub account_id: &'a str,
    /// The set name.
    pub name: &'a str,
    /// A pinned sequence, if any.
    pub sequence: Option<i64>,
    /// The mode.
    pub mode: ValidationSetMode,
}

/// Who may sign system-user assertions for the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SystemUserAuthority<'a> {
    /// `*`: any account.
    Any,
    /// These accounts (the brand first when not listed).
    Accounts(StrList<'a>),
}

/// A `model` assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Model<'a> {
    /// `series`.
    pub series: &'a str,
    /// `brand-id`.
    pub brand_id: &'a str,
    /// `model`.
    pub model: &'a str,
    /// `display-name`, if any (an empty one is none).
    pub display_name: Option<&'a str>,
    /// `architecture` (may be absent in non-extended classic models).
    pub architecture: Option<&'a str>,
    /// `classic`.
    pub classic: bool,
    /// `distribution` (extended classic models).
    pub distribution: Option<&'a str>,
    /// `base`, if any.
    pub base: Option<&'a str>,
    /// `store`, if any (an empty one is none, as snapd reads it: no store).
    pub store: Option<&'a str>,
    /// `grade` (extended models only; `signed` when not written).
    pub grade: Option<Grade>,
    /// `storage-safety` (extended models only, with its default).
    pub storage_safety: Option<StorageSafety>,
    /// Whether the model uses the extended `snaps` header (UC20+).
    pub extended: bool,
    /// Every snap, as snapd's `AllSnaps()`: snapd, kernel, base, gadget, then
    /// the others in header order. The base entry may be synthesized.
    pub snaps: Vec<ModelSnap<'a>>,
    /// `required-snaps` (non-extended models).
    pub required_snaps: Vec<&'a str>,
    /// `serial-authority`, brand first.
    pub serial_authority: StrList<'a>,
    /// `system-user-authority`.
    pub system_user_authority: SystemUserAuthority<'a>,
    /// `preseed-authority`, brand first.
    pub preseed_authority: StrList<'a>,
    /// `validation-sets`.
    pub validation_sets: Vec<ModelValidationSet<'a>>,
    /// `timestamp`.
    pub timestamp: Rfc3339Time,
}

impl<'a> Model<'a> {
    /// The essential snaps (snapd, kernel, base, gadget), in that order.
    pub fn essential_snaps(&self) -> impl Iterator<Item = &ModelSnap<'a>> {
        self.snaps.iter().filter(|s| s.essential)
    }

    /// The other snaps, in header order.
    pub fn non_essential_snaps(&self) -> impl Iterator<Item = &ModelSnap<'a>> {
        self.snaps.iter().filter(|s| !s.essential)
    }

    fn essential_of(&self, t: SnapType) -> Option<&ModelSnap<'a>> {
        self.essential_snaps().find(|s| s.snap_type == t)
    }

    /// The gadget snap, if any.
    pub fn gadget(&self) -> Option<&ModelSnap<'a>> {
        self.essential_of(SnapType::Gadget)
    }

    /// The kernel snap, if any.
    pub fn kernel(&self) -> Option<&ModelSnap<'a>> {
        self.essential_of(SnapType::Kernel)
    }

    /// The snapd snap, if listed.
    pub fn snapd(&self) -> Option<&ModelSnap<'a>> {
        self.essential_of(SnapType::Snapd)
    }

    /// The boot base snap, if any.
    pub fn base_snap(&self) -> Option<&ModelSnap<'a>> {
        self.essential_of(SnapType::Base)
    }

    pub(crate) fn parse<A: AssertionAccess + ?Sized>(a: &'a A) -> Result<Self, Error> {
        let h = a.headers();
        common::authority_matches(a, "brand-id", "brand")?;
        let brand_id = h.get_str("brand-id").unwrap_or("");
        let model = checks::check_model(h)?;
        let classic = checks::check_optional_bool(h, "classic")?;
        let extended_snaps = h.get("snaps");
        let extended = extended_snaps.is_some();
        if extended {
            for conflicting in ["kernel", "gadget", "required-snaps"] {
                if h.contains(conflicting) {
                    return Err(forbidden(
                        conflicting,
                        format!(
                            "cannot specify separate {} header once using the extended snaps header",
                            quote(conflicting)
                        ),
                    ));
                }
            }
        } else {
            if h.contains("grade") {
                return Err(forbidden(
                    "grade",
                    "cannot specify a grade for model without the extended snaps header",
                ));
            }
            if h.contains("storage-safety") {
                return Err(forbidden(
                    "storage-safety",
                    "cannot specify storage-safety for model without the extended snaps header",
                ));
            }
        }
        if classic && !extended {
            if h.contains("kernel") {
                return Err(forbidden(
                    "kernel",
                    "cannot specify a kernel with a non-extended classic model",
                ));
            }
            if h.contains("base") {
                return Err(forbidden(
                    "base",
                    "cannot specify a base with a non-extended classic model",
                ));
            }
        }
        let distribution = if classic && extended {
            let see = |e: Error| {
                forbidden(
                    "distribution",
                    format!("{e}, see distribution ID in os-release spec"),
                )
            };
            Some(
                checks::check_string_matches(h, "distribution", HEADER, &VALID_DISTRIBUTION)
                    .map_err(see)?,
            )
        } else if h.contains("distribution") {
            return Err(forbidden(
                "distribution",
                "cannot specify distribution for model unless it is classic and has an extended snaps header",
            ));
        } else {
            None
        };
        let architecture = if extended {
            let arch = checks::check_not_empty_string(h, "architecture", HEADER)?;
            checks::check_not_empty_string(h, "base", HEADER)?;
            Some(arch)
        } else if classic {
            let arch = checks::check_optional_string(h, "architecture", HEADER)?;
            checks::check_optional_string(h, "gadget", HEADER)?;
            arch
        } else {
            let arch = checks::check_not_empty_string(h, "architecture", HEADER)?;
            checks::check_not_empty_string(h, "gadget", HEADER)?;
            checks::check_not_empty_string(h, "kernel", HEADER)?;
            Some(arch)
        };
        let base = checks::check_optional_string(h, "base", HEADER)?.filter(|b| !b.is_empty());
        if let Some(b) = base {
            check_snap_name_in(b, "base")?;
        }
        let store = checks::check_optional_string(h, "store", HEADER)?.filter(|s| !s.is_empty());
        let display_name =
            checks::check_optional_string(h, "display-name", HEADER)?.filter(|d| !d.is_empty());

        let mut grade = None;
        let mut storage_safety = None;
        let mut required_snaps = Vec::new();
        let snaps = if let Some(value) = extended_snaps {
            let g = match checks::check_optional_string(h, "grade", HEADER)? {
                None | Some("") => Grade::Signed,
                Some(s) => Grade::from_name(s).ok_or_else(|| {
                    forbidden(
                        "grade",
                        format!(
                            "grade for model must be {}, not {}",
                            Grade::choices(),
                            quote(s)
                        ),
                    )
                })?,
            };
            let ss = match checks::check_optional_string(h, "storage-safety", HEADER)? {
                None | Some("") if g == Grade::Secured => StorageSafety::Encrypted,
                None | Some("") => StorageSafety::PreferEncrypted,
                Some(s) => StorageSafety::from_name(s).ok_or_else(|| {
                    forbidden(
                        "storage-safety",
                        format!(
                            "storage-safety for model must be {}, not {}",
                            StorageSafety::choices(),
                            quote(s)
                        ),
                    )
                })?,
            };
            if g == Grade::Secured && ss != StorageSafety::Encrypted {
                return Err(forbidden(
                    "storage-safety",
                    "secured grade model must not have storage-safety overridden, only \"encrypted\" is valid",
                ));
            }
            grade = Some(g);
            storage_safety = Some(ss);
            extended_snaps_of(value, base.unwrap_or(""), g, classic)?
        } else {
            let mut snaps = Vec::new();
            let kernel = snap_with_track(h, "kernel", SnapType::Kernel)?;
            let gadget = snap_with_track(h, "gadget", SnapType::Gadget)?;
            required_snaps = checks::check_string_list(h, "required-snaps")?;
            for name in &required_snaps {
                check_snap_name_in(name, "required-snaps")?;
            }
            snaps.extend(kernel);
            if let Some(b) = base {
                snaps.push(essential(
                    b,
                    SnapType::Base,
                    None,
                    Cow::Borrowed("latest/stable"),
                ));
            }
            snaps.extend(gadget);
            snaps.extend(required_snaps.iter().map(|name| ModelSnap {
                name,
                snap_id: None,
                snap_type: SnapType::App,
                modes: StrList::of_static(&DEFAULT_MODES),
                presence: Presence::Required,
                default_channel: Cow::Borrowed("latest/stable"),
                classic: false,
                essential: false,
                components: Vec::new(),
            }));
            snaps
        };
        let serial_authority = authority_list(h, "serial-authority", brand_id)?;
        let system_user_authority = match h.get("system-user-authority") {
            None => SystemUserAuthority::Accounts(StrList::one(brand_id)),
            Some(HeaderValue::String(s)) if s == "*" => SystemUserAuthority::Any,
            Some(_) => SystemUserAuthority::Accounts(
                authority_list(h, "system-user-authority", brand_id).map_err(|_| {
                    common::invalid_header(
                        "system-user-authority",
                        "must be '*' or a list of account ids",
                    )
                })?,
            ),
        };
        let preseed_authority = authority_list(h, "preseed-authority", brand_id)?;
        let validation_sets = validation_sets(h.get("validation-sets"), brand_id)?;
        let timestamp = checks::check_rfc3339_date(h, "timestamp", HEADER)?;
        Ok(Model {
            series: h.get_str("series").unwrap_or(""),
            brand_id,
            model,
            display_name,
            architecture,
            classic,
            distribution,
            base,
            store,
            grade,
            storage_safety,
            extended,
            snaps,
            required_snaps,
            serial_authority,
            system_user_authority,
            preseed_authority,
            validation_sets,
            timestamp,
        })
    }
}

super::view!(Model, Model);

fn check_snap_name_in(name: &str, header: &str) -> Result<(), Error> {
    if checks::is_valid_snap_name(name) {
        Ok(())
    } else {
        Err(TypeError::InvalidSnapNameInHeader {
            header: header.to_owned(),
            name: name.to_owned(),
        }
        .into())
    }
}

fn essential<'a>(
    name: &'a str,
    snap_type: SnapType,
    snap_id: Option<&'a str>,
    channel: Cow<'a, str>,
) -> ModelSnap<'a> {
    ModelSnap {
        name,
        snap_id,
        snap_type,
        modes: StrList::of_static(&ESSENTIAL_MODES),
        presence: Presence::Required,
        default_channel: channel,
        classic: false,
        essential: true,
        components: Vec::new(),
    }
}

/// UC16/18 `kernel`/`gadget`: `name` or `name=track`.
fn snap_with_track<'a>(
    h: &'a crate::Headers<'_>,
    which: &str,
    snap_type: SnapType,
) -> Result<Option<ModelSnap<'a>>, Error> {
    let Some(value) = h.get(which) else {
        return Ok(None);
    };
    let value = value
        .as_str()
        .ok_or_else(|| common::invalid_header(which, "must be a string"))?;
    let (name, track) = match value.split_once('=') {
        Some((n, t)) => (n, Some(t)),
        None => (value, None),
    };
    check_snap_name_in(name, which)?;
    let channel = match track {
        None => Cow::Borrowed("latest/stable"),
        Some(t) if t.contains('/') => {
            return Err(forbidden(
                which,
                format!(
                    "{} channel selector must be a track name only",
                    quote(which)
                ),
            ));
        }
        Some(t) if RISKS.contains(&t) => {
            return Err(forbidden(
                which,
                format!("{} channel selector must be a track name", quote(which)),
            ));
        }
        Some(t) => Cow::Owned(format!("{t}/stable")),
    };
    Ok(Some(essential(name, snap_type, None, channel)))
}

/// `serial-authority` / `preseed-authority` (and the list form of
/// `system-user-authority`): account ids, brand prepended if missing.
fn authority_list<'a>(
    h: &'a crate::Headers<'_>,
    name: &str,
    brand_id: &'a str,
) -> Result<StrList<'a>, Error> {
    let Some(value) = h.get(name) else {
        return Ok(StrList::one(brand_id));
    };
    let bad = || common::invalid_header(name, "must be a list of account ids");
    if value.as_list().is_none() {
        return Err(bad());
    }
    let mut list =
        checks::check_string_list_matches(h, name, &VALID_ACCOUNT_ID).map_err(|_| bad())?;
    if !list.contains(&brand_id) {
        list.insert(0, brand_id);
    }
    Ok(list.into())
}

fn extended_snaps_of<'a>(
    value: &'a HeaderValue<'_>,
    base: &'a str,
    grade: Grade,
    model_is_classic: bool,
) -> Result<Vec<ModelSnap<'a>>, Error> {
    const WRONG: &str = "\"snaps\" header must be a list of maps";
    let entries = common::list_of_maps(value, "snaps", WRONG)?;
    let mut snaps: Vec<ModelSnap<'a>> = Vec::with_capacity(entries.size_hint().0 + 1);
    let mut seen = common::SnapIndex::default();
    let (mut snapd, mut kernel, mut gadget, mut base_entry) = (None, None, None, None);
    for m in entries {
        let m = m?;
        let mut snap = model_snap(m, base, grade, model_is_classic)?;
        seen.add(snap.name, snap.snap_id)?;
        let slot = match snap.snap_type {
            SnapType::Snapd => Some((&mut snapd, "snapd")),
            SnapType::Kernel => Some((&mut kernel, "kernel")),
            SnapType::Gadget => Some((&mut gadget, "gadget")),
            _ if snap.name == base => {
                if snap.snap_type != SnapType::Base {
                    return Err(invalid_snap(
                        snap.name,
                        format!(
                            "boot base {} must specify type \"base\", not {}",
                            quote(base),
                            quote(snap.snap_type.as_str())
                        ),
                    ));
                }
                Some((&mut base_entry, "base"))
            }
            _ => None,
        };
        if let Some((slot, what)) = slot {
            if let Some(i) = *slot {
                let first: &ModelSnap<'_> = &snaps[i];
                return Err(invalid_snap(
                    snap.name,
                    format!(
                        "cannot specify multiple {what} snaps: {} and {}",
                        quote(first.name),
                        quote(snap.name)
                    ),
                ));
            }
            if !snap.modes.is_empty()
                || m.get("presence")
                    .and_then(HeaderValue::as_str)
                    .is_some_and(|p| !p.is_empty())
            {
                return Err(invalid_snap(
                    snap.name,
                    format!(
                        "essential snaps are always available, cannot specify modes or presence for snap {}",
                        quote(snap.name)
                    ),
                ));
            }
            snap.essential = true;
            snap.modes = StrList::of_static(&ESSENTIAL_MODES);
            *slot = Some(snaps.len());
        }
        if snap.modes.is_empty() {
            snap.modes = StrList::of_static(&DEFAULT_MODES);
        }
        snaps.push(snap);
    }
    if !model_is_classic {
        if gadget.is_none() {
            return Err(invalid_item(
                "snaps",
                "one \"snaps\" header entry must specify the model gadget",
            ));
        }
        if kernel.is_none() {
            return Err(invalid_item(
                "snaps",
                "one \"snaps\" header entry must specify the model kernel",
            ));
        }
    } else if kernel.is_some() && gadget.is_none() {
        return Err(invalid_item(
            "snaps",
            "cannot specify a kernel in an extended classic model without a model gadget",
        ));
    }
    let synthesized = if base_entry.is_none() {
        let id = well_known_snap_id(base);
        if id.is_none() && grade != Grade::Dangerous {
            return Err(invalid_item(
                "snaps",
                format!(
                    "cannot specify not well-known base {} without a corresponding \"snaps\" header entry",
                    quote(base)
                ),
            ));
        }
        Some(essential(
            base,
            SnapType::Base,
            id,
            Cow::Borrowed("latest/stable"),
        ))
    } else {
        None
    };
    // snapd's AllSnaps order: snapd, kernel, base, gadget, then the others.
    let mut ordered = Vec::with_capacity(snaps.len() + 1);
    let mut taken: Vec<Option<ModelSnap<'a>>> = snaps.into_iter().map(Some).collect();
    let mut take = |i: Option<usize>| i.and_then(|i| taken.get_mut(i).and_then(Option::take));
    ordered.extend(take(snapd));
    ordered.extend(take(kernel));
    ordered.extend(take(base_entry).or(synthesized));
    ordered.extend(take(gadget));
    ordered.extend(taken.into_iter().flatten());
    Ok(ordered)
}

/// Runs `check` (a pure check whose context only shapes its message) without
/// building the context; on an error, runs it again with the context so the
/// message is snapd's.
fn in_context<T>(
    check: impl Fn(&str) -> Result<T, Error>,
    context: impl Fn() -> String,
) -> Result<T, Error> {
    check("").or_else(|_| check(&context()))
}

fn model_snap<'a>(
    m: &'a Map<'_>,
    base: &str,
    grade: Grade,
    model_is_classic: bool,
) -> Result<ModelSnap<'a>, Error> {
    let _ = base;
    let name = checks::check_not_empty_string(m, "name", "of snap")?;
    if !checks::is_valid_snap_name(name) {
        return Err(invalid_snap(
            name,
            format!("invalid snap name {}", quote(name)),
        ));
    }
    // The context of messages, built only for an error.
    let what = || format!("of snap {}", quote(name));
    let snap_id = if m.contains_key("id") {
        Some(in_context(|w| checks::check_snap_id(m, "id", w), what)?)
    } else if grade != Grade::Dangerous {
        return Err(invalid_snap(
            name,
            format!("\"id\" {} is mandatory for {grade} grade model", what()),
        ));
    } else {
        None
    };
    let snap_type = match in_context(|w| checks::check_optional_string(m, "type", w), what)? {
        None | Some("") => SnapType::App,
        Some(t) => SnapType::from_name(t).ok_or_else(|| {
            invalid_snap(
                name,
                format!(
                    "type of snap {} must be one of {}",
                    quote(name),
                    SnapType::choices()
                ),
            )
        })?,
    };
    let modes = in_context(
        |w| checks::check_string_list_in_map(m, "modes", w, Some(&VALID_SNAP_MODE)),
        || format!("\"modes\" {}", what()),
    )?;
    let default_channel = match in_context(
        |w| checks::check_optional_string(m, "default-channel", w),
        what,
    )? {
        None | Some("") => "latest/stable",
        Some(c) => c,
    };
    let channel = Channel::parse(default_channel).map_err(|e| {
        invalid_snap(
            name,
            format!("invalid default channel for snap {}: {e}", quote(name)),
        )
    })?;
    if channel.track.is_empty() {
        return Err(invalid_snap(
            name,
            format!(
                "default channel for snap {} must specify a track",
                quote(name)
            ),
        ));
    }
    let presence = match in_context(|w| checks::check_optional_string(m, "presence", w), what)? {
        None | Some("") => Presence::Required,
        Some(p) => Presence::from_name(p).ok_or_else(|| {
            invalid_snap(
                name,
                format!(
                    "presence of snap {} must be one of required|optional",
                    quote(name)
                ),
            )
        })?,
    };
    let classic = in_context(|w| common::check_optional_bool_in(m, "classic", w), what)?;
    if classic {
        if !model_is_classic {
            return Err(invalid_snap(
                name,
                format!(
                    "snap {} cannot be classic in non-classic model",
                    quote(name)
                ),
            ));
        }
        if snap_type != SnapType::App {
            return Err(invalid_snap(
                name,
                format!(
                    "snap {} cannot be classic with type {} instead of app",
                    quote(name),
                    quote(snap_type.as_str())
                ),
            ));
        }
        if !(modes.is_empty() || modes == ["run"]) {
            return Err(invalid_snap(
                name,
                format!(
                    "classic snap {} not allowed outside of run mode: [{}]",
                    quote(name),
                    modes.join(" ")
                ),
            ));
        }
    }
    let components = model_components(m, name, &what, &modes)?;
    Ok(ModelSnap {
        name,
        snap_id,
        snap_type,
        modes: modes.into(),
        presence,
        default_channel: Cow::Borrowed(default_channel),
        classic,
        essential: false,
        components,
    })
}

fn model_components<'a>(
    m: &'a Map<'_>,
    snap: &str,
    what: &dyn Fn() -> String,
    snap_modes: &[&'a str],
) -> Result<Vec<ModelComponent<'a>>, Error> {
    let Some(comps) = in_context(|w| checks::check_map(m, "components", w), what)? else {
        return Ok(Vec::new());
    };
    // A component without modes has the snap's: one shared list for all of them (a copy
    // each would make many components of a snap with many modes quadratic). Both the
    // shared list and the set of allowed modes are made only when a component needs them.
    let shared_modes: OnceCell<Arc<[&'a str]>> = OnceCell::new();
    let effective_modes = || {
        if snap_modes.is_empty() {
            StrList::of_static(&DEFAULT_MODES)
        } else {
            StrList::shared(shared_modes.get_or_init(|| snap_modes.into()).clone())
        }
    };
    let allowed: OnceCell<HashSet<&str>> = OnceCell::new();
    let allowed = || {
        allowed.get_or_init(|| {
            let modes = if snap_modes.is_empty() {
                &DEFAULT_MODES[..]
            } else {
                snap_modes
            };
            modes.iter().copied().collect()
        })
    };
    let mut out = Vec::with_capacity(comps.len());
    for (cname, value) in comps {
        let cname: &'a str = cname;
        if !checks::is_valid_snap_name(cname) {
            return Err(invalid_snap(
                snap,
                format!("invalid component name {}", quote(cname)),
            ));
        }
        let cwhat = || format!("of component {} {}", quote(cname), what());
        let (presence_text, modes) = match value {
            HeaderValue::String(p) => (p.as_ref(), effective_modes()),
            HeaderValue::Map(cm) => {
                for key in cm.keys() {
                    if key != "presence" && key != "modes" {
                        return Err(invalid_snap(
                            snap,
                            format!("entry {} {} is unknown", quote(key), cwhat()),
                        ));
                    }
                }
                let p = in_context(|w| checks::check_not_empty_string(cm, "presence", w), cwhat)?;
                let modes = in_context(
                    |w| checks::check_string_list_in_map(cm, "modes", w, Some(&VALID_SNAP_MODE)),
                    || format!("\"modes\" {}", cwhat()),
                )?;
                for mode in &modes {
                    if !allowed().contains(mode) {
                        return Err(invalid_snap(
                            snap,
                            format!(
                                "mode {} {} is incompatible with the snap modes",
                                quote(mode),
                                cwhat()
                            ),
                        ));
                    }
                }
                (
                    p,
                    if modes.is_empty() {
                        effective_modes()
                    } else {
                        modes.into()
                    },
                )
            }
            HeaderValue::List(_) => {
                return Err(invalid_snap(
                    snap,
                    format!(
                        "component {} {} must be a map or a presence string",
                        quote(cname),
                        what()
                    ),
                ));
            }
        };
        let presence = Presence::from_name(presence_text).ok_or_else(|| {
            invalid_snap(
                snap,
                format!(
                    "presence {} must be one of required|optional, not {}",
                    cwhat(),
                    quote(presence_text)
                ),
            )
        })?;
        out.push(ModelComponent {
            name: cname,
            presence,
            modes,
        });
    }
    Ok(out)
}

fn validation_sets<'a>(
    value: Option<&'a HeaderValue<'_>>,
    brand_id: &'a str,
) -> Result<Vec<ModelValidationSet<'a>>, Error> {
    const WRONG: &str = "\"validation-sets\" must be a list of validation sets";
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let list = value
        .as_list()
        .ok_or_else(|| invalid_item("validation-sets", WRONG))?;
    let mut out: Vec<ModelValidationSet<'a>> = Vec::with_capacity(list.len());
    for item in list {
        let m = item
            .as_map()
            .ok_or_else(|| invalid_item("validation-sets", WRONG))?;
        const WHAT: &str = "of validation-set";
        let account_id = match checks::check_optional_string(m, "account-id", WHAT)? {
            None | Some("") => brand_id,
            Some(a) => a,
        };
        let name = checks::check_string_matches(m, "name", WHAT, &VALID_VALIDATION_SET_NAME)?;
        let sequence = if m.contains_key("sequence") {
            let n = checks::check_int(m, "sequence", WHAT)?;
            if n <= 0 {
                return Err(invalid_item(
                    "validation-sets",
                    format!(
                        "\"sequence\" {WHAT} must be larger than 0 or left unspecified (meaning tracking latest)"
                    ),
                ));
            }
            Some(n)
        } else {
            None
        };
        let mode_text = checks::check_not_empty_string(m, "mode", WHAT)?;
        let mode = ValidationSetMode::from_name(mode_text).ok_or_else(|| {
            invalid_item(
                "validation-sets",
                format!(
                    "\"mode\" {WHAT} must be {}, not {}",
                    ValidationSetMode::choices(),
                    quote(mode_text)
                ),
            )
        })?;
        let key = format!("{account_id}/{name}");
        if out
            .iter()
            .any(|v| v.account_id == account_id && v.name == name)
        {
            return Err(invalid_item(
                "validation-sets",
                format!("cannot add validation set {} twice", quote(&key)),
            ));
        }
        out.push(ModelValidationSet {
            account_id,
            name,
            sequence,
            mode,
        });
    }
    Ok(out)
}
