//! The attribute matcher (policy.md §3; snapd's `asserts/constraint.go`): compiled from
//! `plug-attributes`/`slot-attributes` (and account-key `constraints`), matched against
//! plug/slot attributes or assertion headers with snapd's exact error texts (M1…M9).
//!
//! A matcher is a tree: maps of per-key matchers (ANDed), lists of alternatives (ORed),
//! regexps (anchored as `^(…)$`), `$MISSING`, and `$SLOT(arg)`/`$PLUG(arg)` references
//! to the other side's attributes. Where snapd iterates a map in Go's random order (the
//! entries of a map matcher, so which failing entry is reported), ucore goes in bytewise
//! key order.

use serde::{Serialize, Serializer};
use ucore_go_text::quote;

use crate::headers::{HeaderValue, MAX_NESTING_DEPTH};
use crate::types::constraint_regex::Budget;

use super::anchored::AnchoredRegex;
use super::attr_value::{AttrValue, Attrer};
use super::error::AttrMatcherError;
use super::language::RuleLanguage;
use super::subrule::Side;

/// How deep an attribute value may nest for matching (deeper values fail to match).
const MAX_MATCH_DEPTH: usize = 256;

/// What a `$SLOT(arg)`/`$PLUG(arg)` reference (and newer snapd's publisher references)
/// reads: the connection being checked (snapd's `AttrMatchContext`).
pub trait AttrMatchContext {
    /// The plug's attribute at `dotted`, or snapd's error (`plug attribute "x" not found`).
    fn plug_attr(&self, dotted: &str) -> Result<&AttrValue, String>;
    /// The slot's attribute at `dotted`, or snapd's error (`slot attribute "x" not found`).
    fn slot_attr(&self, dotted: &str) -> Result<&AttrValue, String>;
    /// The publisher id of the plug's snap-declaration (`""` without one).
    fn plug_publisher_id(&self) -> &str {
        ""
    }
    /// The publisher id of the slot's snap-declaration (`""` without one).
    fn slot_publisher_id(&self) -> &str {
        ""
    }
}

/// The operation of a `$OP(arg)` reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EvalOp {
    /// `$SLOT(arg)`: the slot's attribute.
    Slot,
    /// `$PLUG(arg)`: the plug's attribute.
    Plug,
}

impl EvalOp {
    /// `SLOT` or `PLUG`.
    pub fn as_str(self) -> &'static str {
        match self {
            EvalOp::Slot => "SLOT",
            EvalOp::Plug => "PLUG",
        }
    }
}

/// A compiled attribute matcher.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttrMatcher {
    /// Entries by key, in bytewise key order; all must match.
    Map(Vec<(String, AttrMatcher)>),
    /// Alternatives, in order; one must match (each element of a list value must).
    Alternatives(Vec<AttrMatcher>),
    /// A regexp: the value (or each element of a list) must match it whole.
    Regex(AnchoredRegex),
    /// `$MISSING`: the value must be unset.
    Missing,
    /// `$SLOT(arg)` / `$PLUG(arg)`: equal to the other side's attribute.
    Eval {
        /// Which side's attribute.
        op: EvalOp,
        /// Its dotted path (as written, spaces included).
        arg: String,
    },
    /// `$PLUG_PUBLISHER_ID` / `$SLOT_PUBLISHER_ID` (newer snapd only): a string equal to
    /// that side's publisher id.
    PublisherId(Side),
}

/// A matcher serializes as it is written: maps, lists of alternatives, the regexp text,
/// `$MISSING`, `$SLOT(arg)`, `$PLUG_PUBLISHER_ID`.
impl Serialize for AttrMatcher {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AttrMatcher::Map(entries) => {
                serializer.collect_map(entries.iter().map(|(k, m)| (k, m)))
            }
            AttrMatcher::Alternatives(alts) => serializer.collect_seq(alts),
            AttrMatcher::Regex(re) => serializer.serialize_str(re.as_str()),
            AttrMatcher::Missing => serializer.serialize_str("$MISSING"),
            AttrMatcher::Eval { op, arg } => {
                serializer.collect_str(&format_args!("${}({arg})", op.as_str()))
            }
            AttrMatcher::PublisherId(side) => serializer.collect_str(&format_args!(
                "${}_PUBLISHER_ID",
                side.as_str().to_ascii_uppercase()
            )),
        }
    }
}

/// Where a matcher is compiled (snapd's `compileContext`).
#[derive(Clone)]
struct Compile<'p> {
    dotted: String,
    had_map: bool,
    was_alt: bool,
    depth: usize,
    opts: &'p Options,
}

/// What a matcher may contain.
struct Options {
    /// `$SLOT()`/`$PLUG()` (and, newer, the publisher refs) are allowed.
    ops: bool,
    language: RuleLanguage,
}

/// A value being matched: the root attrer or a value below it (`None` when unset).
#[derive(Clone, Copy)]
enum Value<'v> {
    Root(&'v dyn Attrer),
    Attr(Option<&'v AttrValue>),
}

/// How a match runs: the word for "attribute" in errors and the context for references.
struct Matching<'c> {
    word: &'c str,
    ctx: Option<&'c dyn AttrMatchContext>,
}

fn chain(path: &str, k: &str) -> String {
    if path.is_empty() {
        k.to_owned()
    } else {
        format!("{path}.{k}")
    }
}

/// Go's `%T` of an attribute value.
fn go_type(v: &AttrValue) -> &'static str {
    match v {
        AttrValue::String(_) => "string",
        AttrValue::Bool(_) => "bool",
        AttrValue::Int(_) => "int64",
        AttrValue::Float(_) => "float64",
        AttrValue::List(_) => "[]interface {}",
        AttrValue::Map(_) => "map[string]interface {}",
    }
}

/// Parses `$OP(arg)` / `$OP(arg1,arg2)` as snapd's `^\$([A-Z]+)\(([^,]+)(?:,([^,]+))?\)$`:
/// (op, arg, whether a second argument is present).
fn parse_eval(s: &str) -> Option<(&str, &str, bool)> {
    let rest = s.strip_prefix('$')?;
    let op_len = rest.bytes().take_while(u8::is_ascii_uppercase).count();
    let (op, rest) = rest.split_at(op_len);
    let inner = rest.strip_prefix('(')?.strip_suffix(')')?;
    if op.is_empty() {
        return None;
    }
    let mut parts = inner.split(',');
    let arg = parts.next().filter(|a| !a.is_empty())?;
    match (parts.next(), parts.next()) {
        (None, _) => Some((op, arg, false)),
        (Some(second), None) if !second.is_empty() => Some((op, arg, true)),
        _ => None,
    }
}

impl AttrMatcher {
    /// Compiles `value`: `ops` allows `$SLOT()`/`$PLUG()` (plug and slot rules; not
    /// account-key constraints).
    pub fn compile(
        value: &HeaderValue<'_>,
        ops: bool,
        language: RuleLanguage,
    ) -> Result<Self, AttrMatcherError> {
        let mut budget = Budget::for_patterns(super::string_bytes(value));
        Self::compile_with(value, ops, language, &mut budget)
    }

    pub(crate) fn compile_with(
        value: &HeaderValue<'_>,
        ops: bool,
        language: RuleLanguage,
        budget: &mut Budget,
    ) -> Result<Self, AttrMatcherError> {
        let opts = Options { ops, language };
        let cc = Compile {
            dotted: String::new(),
            had_map: false,
            was_alt: false,
            depth: 0,
            opts: &opts,
        };
        compile(&cc, value, budget)
    }

    /// Whether the matcher uses `$SLOT()`, `$PLUG()` or `$MISSING` (snapd's
    /// `dollar-attr-constraints` feature, format 2).
    pub fn has_dollar_constraints(&self) -> bool {
        match self {
            AttrMatcher::Missing | AttrMatcher::Eval { .. } => true,
            AttrMatcher::Map(entries) => entries.iter().any(|(_, m)| m.has_dollar_constraints()),
            AttrMatcher::Alternatives(alts) => alts.iter().any(AttrMatcher::has_dollar_constraints),
            AttrMatcher::Regex(_) | AttrMatcher::PublisherId(_) => false,
        }
    }

    /// Whether the matcher has alternatives anywhere (`alt-attr-matcher`, format 5).
    pub fn has_alternatives(&self) -> bool {
        match self {
            AttrMatcher::Alternatives(_) => true,
            AttrMatcher::Map(entries) => entries.iter().any(|(_, m)| m.has_alternatives()),
            _ => false,
        }
    }

    /// Whether the matcher uses a publisher reference (`publisher-id-constraints`,
    /// format 6; newer snapd only).
    pub fn has_publisher_id_constraints(&self) -> bool {
        match self {
            AttrMatcher::PublisherId(_) => true,
            AttrMatcher::Map(entries) => entries
                .iter()
                .any(|(_, m)| m.has_publisher_id_constraints()),
            AttrMatcher::Alternatives(alts) => {
                alts.iter().any(AttrMatcher::has_publisher_id_constraints)
            }
            _ => false,
        }
    }

    /// Matches `attrs` (snapd's root `match`): `word` is `attribute` for plugs and slots,
    /// `header` for assertion headers; `ctx` resolves references (without it they fail:
    /// `… cannot be matched without context`).
    pub fn matches(
        &self,
        attrs: &dyn Attrer,
        word: &str,
        ctx: Option<&dyn AttrMatchContext>,
    ) -> Result<(), String> {
        self.match_value("", Value::Root(attrs), &Matching { word, ctx }, 0)
    }

    fn match_value(
        &self,
        apath: &str,
        v: Value<'_>,
        m: &Matching<'_>,
        depth: usize,
    ) -> Result<(), String> {
        if depth > MAX_MATCH_DEPTH {
            return Err(format!("{} {} is nested too deeply", m.word, quote(apath)));
        }
        if let Value::Attr(Some(AttrValue::List(l))) = v
            && !matches!(
                self,
                AttrMatcher::Missing | AttrMatcher::Eval { .. } | AttrMatcher::PublisherId(_)
            )
        {
            // maps, regexps and alternatives apply to each element of a list
            for (i, elem) in l.iter().enumerate() {
                self.match_value(
                    &chain(apath, &i.to_string()),
                    Value::Attr(Some(elem)),
                    m,
                    depth + 1,
                )?;
            }
            return Ok(());
        }
        match self {
            AttrMatcher::Map(entries) => {
                for (k, matcher) in entries {
                    let entry = match v {
                        Value::Root(attrs) => attrs.lookup(k),
                        Value::Attr(Some(AttrValue::Map(map))) => map.get(k),
                        Value::Attr(_) => {
                            return Err(format!("{} {} must be a map", m.word, quote(apath)));
                        }
                    };
                    let path = chain(apath, k);
                    if entry.is_none() && *matcher != AttrMatcher::Missing {
                        return Err(format!(
                            "{} {} has constraints but is unset",
                            m.word,
                            quote(&path)
                        ));
                    }
                    matcher.match_value(&path, Value::Attr(entry), m, depth + 1)?;
                }
                Ok(())
            }
            AttrMatcher::Alternatives(alts) => {
                let mut first = None;
                for alt in alts {
                    match alt.match_value(apath, v, m, depth + 1) {
                        Ok(()) => return Ok(()),
                        Err(e) => {
                            first.get_or_insert(e);
                        }
                    }
                }
                let descr = if apath.is_empty() {
                    String::new()
                } else {
                    format!(" for {} {}", m.word, quote(apath))
                };
                Err(format!(
                    "no alternative{descr} matches: {}",
                    first.unwrap_or_default()
                ))
            }
            AttrMatcher::Missing => match v {
                Value::Attr(None) => Ok(()),
                _ => Err(format!(
                    "{} {} is constrained to be missing but is set",
                    m.word,
                    quote(apath)
                )),
            },
            AttrMatcher::Regex(re) => {
                let s = match v {
                    Value::Attr(Some(AttrValue::String(s))) => s.clone(),
                    Value::Attr(Some(AttrValue::Bool(b))) => b.to_string(),
                    Value::Attr(Some(AttrValue::Int(i))) => i.to_string(),
                    _ => {
                        return Err(format!(
                            "{} {} must be a scalar or list",
                            m.word,
                            quote(apath)
                        ));
                    }
                };
                if re.is_match(&s) {
                    Ok(())
                } else {
                    Err(format!(
                        "{} {} value {} does not match {re}",
                        m.word,
                        quote(apath),
                        quote(&s)
                    ))
                }
            }
            AttrMatcher::Eval { op, arg } => {
                let Some(ctx) = m.ctx else {
                    return Err(format!(
                        "{} {} cannot be matched without context",
                        m.word,
                        quote(apath)
                    ));
                };
                let other = match op {
                    EvalOp::Slot => ctx.slot_attr(arg),
                    EvalOp::Plug => ctx.plug_attr(arg),
                }
                .map_err(|e| {
                    format!(
                        "{} {} constraint ${}({arg}) cannot be evaluated: {e}",
                        m.word,
                        quote(apath),
                        op.as_str()
                    )
                })?;
                let value = match v {
                    Value::Attr(value) => value,
                    Value::Root(_) => None,
                };
                if value == Some(other) {
                    return Ok(());
                }
                let shown = value.map_or_else(|| "<nil>".to_owned(), AttrValue::to_string);
                Err(format!(
                    "{} {} does not match ${}({arg}): {shown} != {other}",
                    m.word,
                    quote(apath),
                    op.as_str()
                ))
            }
            AttrMatcher::PublisherId(side) => {
                let Some(ctx) = m.ctx else {
                    return Err(format!(
                        "{} {} cannot be matched without context",
                        m.word,
                        quote(apath)
                    ));
                };
                let (name, id) = match side {
                    Side::Plug => ("PLUG_PUBLISHER_ID", ctx.plug_publisher_id()),
                    Side::Slot => ("SLOT_PUBLISHER_ID", ctx.slot_publisher_id()),
                };
                match v {
                    Value::Attr(Some(AttrValue::String(s))) if s == id => Ok(()),
                    Value::Attr(Some(AttrValue::String(s))) => Err(format!(
                        "{} {} does not match ${name}: {s} != {id}",
                        m.word,
                        quote(apath)
                    )),
                    Value::Attr(Some(other)) => Err(format!(
                        "{} {} is not expected string type: {}",
                        m.word,
                        quote(apath),
                        go_type(other)
                    )),
                    _ => Err(format!(
                        "{} {} is not expected string type: <nil>",
                        m.word,
                        quote(apath)
                    )),
                }
            }
        }
    }
}

/// The valid `$` forms for E-A5.
fn valid_ops_text(language: RuleLanguage) -> &'static str {
    if language.is_current() {
        "$SLOT()/$PLUG()/$PLUG_PUBLISHER_ID/$SLOT_PUBLISHER_ID"
    } else {
        "$SLOT()/$PLUG()"
    }
}

fn compile(
    cc: &Compile<'_>,
    value: &HeaderValue<'_>,
    budget: &mut Budget,
) -> Result<AttrMatcher, AttrMatcherError> {
    if cc.depth > MAX_NESTING_DEPTH {
        return Err(AttrMatcherError::TooDeep {
            dotted: cc.dotted.clone(),
        });
    }
    match value {
        HeaderValue::Map(m) => {
            let mut entries = Vec::with_capacity(m.len());
            for (k, v) in m.iter() {
                let entry = Compile {
                    dotted: chain(&cc.dotted, k),
                    had_map: true,
                    was_alt: false,
                    depth: cc.depth + 1,
                    opts: cc.opts,
                };
                entries.push((k.to_string(), compile(&entry, v, budget)?));
            }
            Ok(AttrMatcher::Map(entries))
        }
        HeaderValue::List(l) => {
            if cc.was_alt {
                return Err(AttrMatcherError::NestedAlternatives {
                    dotted: cc.dotted.clone(),
                });
            }
            let mut alts = Vec::with_capacity(l.len());
            for (i, v) in l.iter().enumerate() {
                let alt = Compile {
                    dotted: format!("{}/alt#{}/", cc.dotted, i + 1),
                    had_map: cc.had_map,
                    was_alt: true,
                    depth: cc.depth + 1,
                    opts: cc.opts,
                };
                alts.push(compile(&alt, v, budget)?);
            }
            Ok(AttrMatcher::Alternatives(alts))
        }
        HeaderValue::String(s) => {
            let language = cc.opts.language;
            if !cc.had_map {
                return Err(AttrMatcherError::FirstLevelNotMap { language });
            }
            if s == "$MISSING" {
                return Ok(AttrMatcher::Missing);
            }
            if s.starts_with('$') {
                return compile_eval(cc, s);
            }
            AnchoredRegex::compile(s, budget)
                .map(AttrMatcher::Regex)
                .map_err(|message| AttrMatcherError::Regexp {
                    dotted: cc.dotted.clone(),
                    constraint: s.to_string(),
                    message,
                })
        }
    }
}

fn compile_eval(cc: &Compile<'_>, s: &str) -> Result<AttrMatcher, AttrMatcherError> {
    let language = cc.opts.language;
    if !cc.opts.ops {
        return Err(AttrMatcherError::NoOps {
            dotted: cc.dotted.clone(),
            constraint: s.to_owned(),
            language,
        });
    }
    if language.is_current() {
        match s {
            "$PLUG_PUBLISHER_ID" => return Ok(AttrMatcher::PublisherId(Side::Plug)),
            "$SLOT_PUBLISHER_ID" => return Ok(AttrMatcher::PublisherId(Side::Slot)),
            _ => {}
        }
    }
    let invalid = || AttrMatcherError::InvalidOp {
        dotted: cc.dotted.clone(),
        constraint: s.to_owned(),
        valid: valid_ops_text(language).to_owned(),
    };
    let (op, arg, second) = parse_eval(s).ok_or_else(invalid)?;
    let op = match op {
        "SLOT" => EvalOp::Slot,
        "PLUG" => EvalOp::Plug,
        _ => return Err(invalid()),
    };
    if second {
        return Err(AttrMatcherError::OneArgument {
            dotted: cc.dotted.clone(),
            constraint: s.to_owned(),
            op: op.as_str().to_owned(),
        });
    }
    Ok(AttrMatcher::Eval {
        op,
        arg: arg.to_owned(),
    })
}

/// Compiled `plug-attributes` / `slot-attributes` (snapd's `AttributeConstraints`): a
/// matcher, or one of the fixed matchers of absent keys and shortcuts.
///
/// Serializes as the oracle prints it: `"always"`, `"never"` or `"constraints"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeConstraints {
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Always,
    Never,
    Matcher(AttrMatcher),
}

impl AttributeConstraints {
    /// snapd's `AlwaysMatchAttributes`: matches everything.
    pub fn always() -> Self {
        AttributeConstraints { kind: Kind::Always }
    }

    /// snapd's `NeverMatchAttributes`: matches nothing (`not allowed`).
    pub fn never() -> Self {
        AttributeConstraints { kind: Kind::Never }
    }

    /// Compiles `plug-attributes`/`slot-attributes` (`$SLOT()`/`$PLUG()` allowed).
    pub fn compile(
        value: &HeaderValue<'_>,
        language: RuleLanguage,
    ) -> Result<Self, AttrMatcherError> {
        AttrMatcher::compile(value, true, language).map(AttributeConstraints::from)
    }

    /// Whether this is [`always`](Self::always).
    pub fn is_always(&self) -> bool {
        self.kind == Kind::Always
    }

    /// Whether this is [`never`](Self::never).
    pub fn is_never(&self) -> bool {
        self.kind == Kind::Never
    }

    /// The compiled matcher, unless fixed.
    pub fn matcher(&self) -> Option<&AttrMatcher> {
        match &self.kind {
            Kind::Matcher(m) => Some(m),
            _ => None,
        }
    }

    /// Checks a plug's or slot's attributes (attrWord `attribute`); `ctx` resolves
    /// `$SLOT()`/`$PLUG()` (none at installation, where they never match).
    pub fn check(
        &self,
        attrs: &dyn Attrer,
        ctx: Option<&dyn AttrMatchContext>,
    ) -> Result<(), String> {
        match &self.kind {
            Kind::Always => Ok(()),
            Kind::Never => Err("not allowed".to_owned()),
            Kind::Matcher(m) => m.matches(attrs, "attribute", ctx),
        }
    }
}

impl From<AttrMatcher> for AttributeConstraints {
    fn from(m: AttrMatcher) -> Self {
        AttributeConstraints {
            kind: Kind::Matcher(m),
        }
    }
}

impl Serialize for AttributeConstraints {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(match self.kind {
            Kind::Always => "always",
            Kind::Never => "never",
            Kind::Matcher(_) => "constraints",
        })
    }
}
