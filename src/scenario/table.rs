//! The parameter table: every scenario key declared once, on its field, with its default, unit,
//! valid range or choices, plain-language label and source.
//!
//! Each section of the scenario derives [`Params`] (from the `casesim-derive` crate), which
//! reads the field's `#[param(...)]` declaration. That one declaration drives:
//! - validation: [`Params::check`] tests every value against its range (the rules that relate
//!   several keys are in `validate.rs`);
//! - [`parameters`], the flat table of every concrete key, with its default: `casesim check`,
//!   `docs/parameters.md` (`docs.rs`), the JSON Schema (`schema.rs`) and the labels that plots
//!   and the report use.

use std::fmt::Write as _;

use crate::scenario::{Need, PerNeed, PerTier, RiskTier, Scenario};

pub use casesim_derive::{Choice, Params};

/// One field of a section, as declared.
#[derive(Debug)]
pub struct Field {
    /// The key's last part, as in the file.
    pub name: &'static str,
    /// What it means (the field's doc comment).
    pub doc: &'static str,
    /// Plain-language label, for plots, the report and the training room.
    pub label: &'static str,
    pub unit: &'static str,
    /// Where the default comes from: an author-year citation, or "assumption" with a reason.
    /// Empty in a nested section's fields when the field holding the section gives the source.
    pub source: &'static str,
    /// Said after the range when a value is refused (why the range is what it is).
    pub why: &'static str,
    pub range: Range,
    /// What kind of value the key holds.
    pub kind: fn() -> Kind,
    /// The field is a nested section (or a container of sections).
    pub section: bool,
}

/// The valid range of a number: `min` and `max` inclusive, `above` and `below` exclusive.
/// Every number must also be finite.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Range {
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub above: Option<f64>,
    pub below: Option<f64>,
}

impl Range {
    /// Whether `v` is inside the range (and finite).
    pub fn contains(&self, v: f64) -> bool {
        v.is_finite()
            && self.min.is_none_or(|m| v >= m)
            && self.max.is_none_or(|m| v <= m)
            && self.above.is_none_or(|m| v > m)
            && self.below.is_none_or(|m| v < m)
    }

    /// The lowest and highest values a number may take (open ends at the bound itself).
    pub fn bounds(&self) -> (Option<f64>, Option<f64>) {
        (self.min.or(self.above), self.max.or(self.below))
    }

    /// The range in words: "from 0 to 1", "at least 1", "above 0 and at most 1".
    pub fn describe(&self) -> String {
        let low = match (self.min, self.above) {
            (Some(m), _) => Some(("at least", m)),
            (None, Some(m)) => Some(("above", m)),
            _ => None,
        };
        let high = match (self.max, self.below) {
            (Some(m), _) => Some(("at most", m)),
            (None, Some(m)) => Some(("below", m)),
            _ => None,
        };
        match (low, high) {
            (Some(("at least", a)), Some(("at most", b))) => {
                format!("from {} to {}", readable(a), readable(b))
            }
            (Some((l, a)), Some((h, b))) => {
                format!("{l} {} and {h} {}", readable(a), readable(b))
            }
            (Some((l, a)), None) => format!("{l} {}", readable(a)),
            (None, Some((h, b))) => format!("{h} {}", readable(b)),
            (None, None) => "any finite number".to_string(),
        }
    }
}

/// A number as a person reads it: plain up to a billion, in scientific notation beyond, and
/// for tiny fractions (never 300 digits).
pub fn readable(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.into()
    } else if v != 0.0 && (v.abs() >= 1e9 || v.abs() < 1e-4) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// One choice of a key whose values are names (an enum of the scenario).
#[derive(Debug)]
pub struct Choice {
    pub name: &'static str,
    pub doc: &'static str,
}

/// A section: its doc comment and its fields.
#[derive(Clone, Copy, Debug)]
pub struct Section {
    pub doc: &'static str,
    pub fields: &'static [Field],
}

/// What kind of value a key holds.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Number,
    Integer,
    Bool,
    Text,
    Choice(&'static [Choice]),
    /// A list, each element of the inner kind.
    List(fn() -> Kind),
    /// One value per risk tier (`low`, `medium`, `high`, `very_high`).
    PerTier(fn() -> Kind),
    /// One value per criminogenic need.
    PerNeed(fn() -> Kind),
    Section(Section),
}

impl Kind {
    /// A value of one key rather than a table of keys.
    pub fn is_leaf(&self) -> bool {
        !matches!(self, Kind::Section(_) | Kind::PerTier(_) | Kind::PerNeed(_))
    }

    /// The type in words, for the docs.
    pub fn describe(&self) -> String {
        match self {
            Kind::Number => "number".into(),
            Kind::Integer => "integer".into(),
            Kind::Bool => "true or false".into(),
            Kind::Text => "text".into(),
            Kind::Choice(c) => c
                .iter()
                .map(|c| format!("`{}`", c.name))
                .collect::<Vec<_>>()
                .join(", "),
            Kind::List(inner) => format!("list of {}s", inner().describe()),
            Kind::PerTier(inner) => format!("{} per tier", inner().describe()),
            Kind::PerNeed(inner) => format!("{} per need", inner().describe()),
            Kind::Section(_) => "table".into(),
        }
    }
}

/// A part of the scenario with a place in the parameter table: a section, or a value a key
/// holds. Derived for sections ([`Params`] derive) and choices ([`Choice`] derive).
pub trait Params {
    fn kind() -> Kind;
    /// Checks the value at `key` against `field`'s declaration, recording what is wrong.
    fn check(&self, key: &str, field: &Field, checker: &mut Checker);
}

/// `key.name`, or `name` at the top.
pub fn join(key: &str, name: &str) -> String {
    if key.is_empty() {
        name.to_string()
    } else {
        format!("{key}.{name}")
    }
}

/// One thing wrong with a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub key: String,
    pub message: String,
    /// Other keys whose values the problem depends on: the one the user changed may be any of
    /// them, so a message points at a `--set` of any.
    pub also: Vec<String>,
}

/// Collects problems as the checks run.
#[derive(Default)]
pub struct Checker {
    pub problems: Vec<Problem>,
}

impl Checker {
    pub fn fail(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            key: key.into(),
            message: message.into(),
            also: Vec::new(),
        });
    }

    /// A problem of `key` that also depends on the keys in `also`.
    pub fn fail_with(&mut self, key: &str, also: &[&str], message: impl Into<String>) {
        self.fail(key, message);
        if let Some(p) = self.problems.last_mut() {
            p.also = also.iter().map(|k| k.to_string()).collect();
        }
    }

    /// A number against its declared range.
    fn number(&mut self, key: &str, value: f64, field: &Field) {
        if field.range.contains(value) {
            return;
        }
        let r = &field.range;
        let unit_interval = r.min == Some(0.0) && r.max == Some(1.0);
        let mut message = if value.is_finite() && unit_interval {
            let noun = if field.unit.contains("probability") {
                "a probability"
            } else {
                "a number"
            };
            format!("must be {noun} from 0 to 1 (got {})", readable(value))
        } else if value.is_finite() {
            // Say the bound that was crossed.
            let side = if r.min.is_some_and(|m| value < m) {
                format!("at least {}", readable(r.min.unwrap_or_default()))
            } else if r.above.is_some_and(|m| value <= m) {
                format!("above {}", readable(r.above.unwrap_or_default()))
            } else if r.max.is_some_and(|m| value > m) {
                format!("at most {}", readable(r.max.unwrap_or_default()))
            } else {
                format!("below {}", readable(r.below.unwrap_or_default()))
            };
            format!("must be {side} (got {})", readable(value))
        } else if field.range == Range::default() {
            format!("must be a finite number (got {})", readable(value))
        } else {
            format!(
                "must be a finite number {} (got {})",
                field.range.describe(),
                readable(value)
            )
        };
        if !field.why.is_empty() {
            let _ = write!(message, ": {}", field.why);
        }
        self.fail(key, message);
    }
}

impl Params for f64 {
    fn kind() -> Kind {
        Kind::Number
    }
    fn check(&self, key: &str, field: &Field, checker: &mut Checker) {
        checker.number(key, *self, field);
    }
}

macro_rules! integer_params {
    ($($t:ty),*) => {$(
        impl Params for $t {
            fn kind() -> Kind {
                Kind::Integer
            }
            fn check(&self, key: &str, field: &Field, checker: &mut Checker) {
                checker.number(key, *self as f64, field);
            }
        }
    )*};
}
integer_params!(u8, u16, u32, u64);

impl Params for bool {
    fn kind() -> Kind {
        Kind::Bool
    }
    fn check(&self, _: &str, _: &Field, _: &mut Checker) {}
}

impl Params for String {
    fn kind() -> Kind {
        Kind::Text
    }
    fn check(&self, _: &str, _: &Field, _: &mut Checker) {}
}

impl<T: Params> Params for Vec<T> {
    fn kind() -> Kind {
        Kind::List(T::kind)
    }
    fn check(&self, key: &str, field: &Field, checker: &mut Checker) {
        for (i, v) in self.iter().enumerate() {
            v.check(&format!("{key}[{i}]"), field, checker);
        }
    }
}

impl<T: Params + Clone> Params for PerTier<T> {
    fn kind() -> Kind {
        Kind::PerTier(T::kind)
    }
    fn check(&self, key: &str, field: &Field, checker: &mut Checker) {
        for tier in RiskTier::ALL {
            self[tier].check(&join(key, tier.name()), field, checker);
        }
    }
}

impl<T: Params + Clone> Params for PerNeed<T> {
    fn kind() -> Kind {
        Kind::PerNeed(T::kind)
    }
    fn check(&self, key: &str, field: &Field, checker: &mut Checker) {
        for need in Need::ALL {
            self[need].check(&join(key, need.name()), field, checker);
        }
    }
}

/// One concrete key of the scenario, as the table declares it.
#[derive(Clone, Debug)]
pub struct Parameter {
    /// The dotted key, e.g. `services.providers.drugs.places`.
    pub key: String,
    /// The key with each tier or need in braces: the row of the docs it belongs to, e.g.
    /// `services.providers.{need}.places`.
    pub pattern: String,
    /// The top-level section (`workforce`), or "" for `name` and `description`.
    pub section: &'static str,
    /// Plain-language label, with the tier, need or section it belongs to.
    pub label: String,
    pub unit: &'static str,
    pub doc: &'static str,
    /// Its source, or the enclosing section's when it gives none.
    pub source: &'static str,
    pub range: Range,
    pub kind: Kind,
    /// The default, as TOML.
    pub default: toml::Value,
}

impl Parameter {
    /// Whether the key takes a number (that `--set` or a slider can move).
    pub fn is_numeric(&self) -> bool {
        matches!(self.kind, Kind::Number | Kind::Integer)
    }
}

/// How a tier reads in a label.
fn tier_words(tier: RiskTier) -> &'static str {
    match tier {
        RiskTier::Low => "low risk",
        RiskTier::Medium => "medium risk",
        RiskTier::High => "high risk",
        RiskTier::VeryHigh => "very high risk",
    }
}

/// Every concrete key of the scenario, in the order of the sections and their fields, with
/// its default.
pub fn parameters() -> Vec<Parameter> {
    let defaults = match toml::Value::try_from(Scenario::default()) {
        Ok(v) => v,
        Err(e) => unreachable!("the default scenario serialises: {e}"),
    };
    let mut out = Vec::new();
    let Kind::Section(root) = Scenario::kind() else {
        unreachable!("the scenario is a section")
    };
    for field in root.fields {
        let walk = Walk {
            key: field.name.to_string(),
            pattern: field.name.to_string(),
            section: if field.section { field.name } else { "" },
            label: String::new(),
            source: field.source,
        };
        let default = defaults.get(field.name).cloned();
        walk.field(field, (field.kind)(), default, true, &mut out);
    }
    out
}

/// Where the walk over the declarations is.
#[derive(Clone)]
struct Walk {
    key: String,
    pattern: String,
    section: &'static str,
    /// The label of the enclosing sections (empty at the top).
    label: String,
    source: &'static str,
}

impl Walk {
    fn field(
        &self,
        field: &'static Field,
        kind: Kind,
        default: Option<toml::Value>,
        top: bool,
        out: &mut Vec<Parameter>,
    ) {
        let label = match (self.label.is_empty(), field.label.is_empty()) {
            (_, true) => self.label.clone(),
            (true, false) => field.label.to_string(),
            (false, false) => format!("{}: {}", self.label, field.label),
        };
        let source = if field.source.is_empty() {
            self.source
        } else {
            field.source
        };
        self.value(field, kind, default, top, label, source, out);
    }

    #[allow(clippy::too_many_arguments)]
    fn value(
        &self,
        field: &'static Field,
        kind: Kind,
        default: Option<toml::Value>,
        top: bool,
        label: String,
        source: &'static str,
        out: &mut Vec<Parameter>,
    ) {
        let get = |name: &str| default.as_ref().and_then(|d| d.get(name)).cloned();
        match kind {
            Kind::Section(section) => {
                // A top-level section's keys carry no prefix in their labels.
                let inner = Walk {
                    label: if top { String::new() } else { label },
                    source,
                    ..self.clone()
                };
                for f in section.fields {
                    let walk = Walk {
                        key: join(&self.key, f.name),
                        pattern: join(&self.pattern, f.name),
                        ..inner.clone()
                    };
                    walk.field(f, (f.kind)(), get(f.name), false, out);
                }
            }
            Kind::PerTier(inner) => {
                for tier in RiskTier::ALL {
                    let walk = Walk {
                        key: join(&self.key, tier.name()),
                        pattern: join(&self.pattern, "{tier}"),
                        ..self.clone()
                    };
                    let label = format!("{label} ({})", tier_words(tier));
                    walk.value(field, inner(), get(tier.name()), false, label, source, out);
                }
            }
            Kind::PerNeed(inner) => {
                for need in Need::ALL {
                    let walk = Walk {
                        key: join(&self.key, need.name()),
                        pattern: join(&self.pattern, "{need}"),
                        ..self.clone()
                    };
                    let label = format!("{label} ({})", need.name().replace('_', " "));
                    walk.value(field, inner(), get(need.name()), false, label, source, out);
                }
            }
            leaf => out.push(Parameter {
                key: self.key.clone(),
                pattern: self.pattern.clone(),
                section: self.section,
                label,
                unit: field.unit,
                doc: field.doc,
                source,
                range: field.range,
                kind: leaf,
                default: default
                    .unwrap_or_else(|| unreachable!("every key has a default: {}", self.key)),
            }),
        }
    }
}

/// The parameter at a dotted key, if it is one.
pub fn parameter(key: &str) -> Option<Parameter> {
    parameters().into_iter().find(|p| p.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_label_a_unit_a_source_and_a_default() {
        let table = parameters();
        assert!(table.len() > 150, "{} keys", table.len());
        for p in &table {
            assert!(!p.label.is_empty(), "{} has no label", p.key);
            assert!(!p.source.is_empty(), "{} has no source", p.key);
            assert!(!p.doc.is_empty(), "{} has no meaning", p.key);
            if p.is_numeric() {
                assert!(!p.unit.is_empty(), "{} has no unit", p.key);
            }
        }
    }

    #[test]
    fn keys_are_unique_and_defaults_are_in_range() {
        let table = parameters();
        let mut keys: Vec<&str> = table.iter().map(|p| p.key.as_str()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), table.len());
        for p in table.iter().filter(|p| p.is_numeric()) {
            let v = p
                .default
                .as_float()
                .or(p.default.as_integer().map(|i| i as f64));
            let v = v.unwrap_or_else(|| panic!("{} default {:?}", p.key, p.default));
            assert!(
                p.range.contains(v),
                "{} default {v} outside its range",
                p.key
            );
        }
    }

    #[test]
    fn labels_say_which_tier_need_or_section() {
        let p = parameter("population.risk_mix.very_high").expect("a key");
        assert!(p.label.ends_with("(very high risk)"), "{}", p.label);
        assert_eq!(p.pattern, "population.risk_mix.{tier}");
        let p = parameter("services.providers.mental_health.places").expect("a key");
        assert!(p.label.contains("mental health"), "{}", p.label);
    }

    #[test]
    fn numbers_read_plainly_and_huge_ones_in_scientific_notation() {
        assert_eq!(readable(0.25), "0.25");
        assert_eq!(readable(5200.0), "5200");
        assert_eq!(readable(1e308), "1e308");
        assert_eq!(readable(1e-300), "1e-300");
    }
}
