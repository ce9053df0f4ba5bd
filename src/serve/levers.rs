//! The controls on the page: the main levers of case management, each a scenario key whose
//! label, meaning, unit and valid range come from the parameter table
//! ([`crate::scenario::table`]), never declared again here.
//!
//! A number is a slider with a box beside it: the slider spans a practical window around the
//! question's value (so that a drag moves it usefully), the box takes any value, and the
//! server checks whatever comes exactly as `--set` is checked. A choice is a list of its
//! names; a yes/no key is a choice of `true` and `false`.

use crate::scenario::table::{Kind, Parameter, parameter};
use crate::scenario::{Scenario, value_text};

/// The main levers, in the order the page shows them: staffing, how cases are organised and
/// worked, enforcement, services, and the custodial journey (through the gate, Integrated
/// Case Management).
pub const MAIN_LEVERS: [&str; 13] = [
    "workforce.case_managers",
    "workforce.caseload_cap",
    "workforce.hours_per_week",
    "modes.policy",
    "organisation.approach",
    "organisation.streaming",
    "organisation.prioritisation",
    "enforcement.policy",
    "services.capacity_scale",
    "services.access",
    "custody.through_the_gate",
    "custody.conference_interval_weeks",
    "custody.family_involvement",
];

/// One control: a key, what the table says of it, and its value in the question.
#[derive(Clone, Debug)]
pub struct Control {
    pub key: String,
    /// The table's plain-language label ("caseload cap").
    pub label: String,
    /// What it means (the field's doc comment).
    pub doc: &'static str,
    /// Its unit ("cases"), empty for a choice.
    pub unit: &'static str,
    /// Its valid range in words ("at least 1 and at most 1000000"), empty for a choice.
    pub range: String,
    /// Its source (a study, or "assumption").
    pub source: &'static str,
    pub input: Input,
    /// The question's value, as `--set` would write it.
    pub value: String,
}

/// How a control is moved.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A slider from `min` to `max` in steps of `step`, with a box for any value.
    Number { min: f64, max: f64, step: f64 },
    /// One of the names, each with what it means.
    Choice(Vec<(&'static str, &'static str)>),
}

/// The controls for a question: the main levers, then any key its sweep varies that is not
/// among them (continuity of care sweeps turnover and cover groups), at the question's values.
pub fn controls(baseline: &Scenario, varied_keys: &[String]) -> Vec<Control> {
    let resolved = toml::Value::try_from(baseline).ok();
    let mut keys: Vec<&str> = MAIN_LEVERS.to_vec();
    for key in varied_keys {
        if !keys.contains(&key.as_str()) {
            keys.push(key);
        }
    }
    keys.into_iter()
        .filter_map(|key| {
            let p = parameter(key)?;
            let value = resolved.as_ref().and_then(|r| value_at(r, key))?;
            control(&p, &value)
        })
        .collect()
}

/// The value at a dotted key of a resolved scenario.
pub fn value_at(resolved: &toml::Value, key: &str) -> Option<toml::Value> {
    key.split('.')
        .try_fold(resolved, |v, part| v.get(part))
        .cloned()
}

fn control(p: &Parameter, value: &toml::Value) -> Option<Control> {
    let input = match p.kind {
        Kind::Number | Kind::Integer => {
            let v = value
                .as_float()
                .or_else(|| value.as_integer().map(|i| i as f64))?;
            slider(p, v)
        }
        Kind::Choice(choices) => Input::Choice(choices.iter().map(|c| (c.name, c.doc)).collect()),
        Kind::Bool => Input::Choice(vec![("true", "yes"), ("false", "no")]),
        _ => return None,
    };
    let numeric = matches!(input, Input::Number { .. });
    Some(Control {
        key: p.key.clone(),
        label: p.label.clone(),
        doc: p.doc,
        unit: if numeric { p.unit } else { "" },
        range: if numeric {
            p.range.describe()
        } else {
            String::new()
        },
        source: p.source,
        input,
        value: value_text(value),
    })
}

/// A slider's span for a key at value `v`: from the table's lower bound (0 when it has none)
/// to four times the value (at least ten steps above the bottom), never past the table's
/// upper bound; whole steps for integers, else about a hundredth of the span, rounded to a
/// power of ten.
fn slider(p: &Parameter, v: f64) -> Input {
    let integer = matches!(p.kind, Kind::Integer);
    let (low, high) = p.range.bounds();
    let mut min = low.unwrap_or(0.0).min(v);
    if p.range.above.is_some() && p.range.min.is_none() && min == p.range.above.unwrap_or(0.0) {
        // An open bottom (above 0): start the slider one step inside it.
        min += if integer { 1.0 } else { 0.01 };
    }
    let mut max = (4.0 * v).max(min + if integer { 10.0 } else { 1.0 });
    if let Some(h) = high {
        max = max.min(h);
    }
    if p.range.below.is_some() && p.range.max.is_none() && Some(max) == high {
        max -= if integer { 1.0 } else { 0.01 };
    }
    let max = max.max(v);
    let step = if integer {
        1.0
    } else {
        let span = (max - min).max(1e-9);
        10f64.powf(span.log10().floor() - 2.0)
    };
    if integer {
        min = min.floor();
    }
    Input::Number { min, max, step }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of<'a>(controls: &'a [Control], key: &str) -> &'a Control {
        controls.iter().find(|c| c.key == key).unwrap()
    }

    #[test]
    fn levers_take_their_words_units_and_ranges_from_the_table() {
        let controls = controls(&Scenario::default(), &[]);
        assert_eq!(controls.len(), MAIN_LEVERS.len());
        let cap = of(&controls, "workforce.caseload_cap");
        assert_eq!(cap.label, "caseload cap");
        assert_eq!(cap.unit, "cases");
        assert_eq!(cap.range, "from 1 to 1000000");
        assert_eq!(cap.value, "50");
        assert_eq!(
            cap.input,
            Input::Number {
                min: 1.0,
                max: 200.0,
                step: 1.0
            }
        );
        let hours = of(&controls, "workforce.hours_per_week");
        assert_eq!(hours.value, "30.0");
        assert!(matches!(
            hours.input,
            Input::Number {
                max: 120.0,
                step: 1.0,
                ..
            }
        ));
        let ttg = of(&controls, "custody.through_the_gate");
        assert!(matches!(&ttg.input, Input::Choice(c) if c.len() == 2));
        let policy = of(&controls, "modes.policy");
        assert_eq!(policy.value, "risk_matched");
        assert!(matches!(&policy.input, Input::Choice(c) if c.len() == 5));
    }

    #[test]
    fn a_question_s_varied_keys_join_the_levers() {
        let varied = [
            "workforce.turnover_rate".into(),
            "workforce.absence_rate".into(),
        ];
        let controls = controls(&Scenario::default(), &varied);
        assert_eq!(controls.len(), MAIN_LEVERS.len() + 2);
        let Input::Number { min, max, .. } = of(&controls, "workforce.turnover_rate").input else {
            panic!()
        };
        assert_eq!((min, max), (0.0, 1.0));
        // Below 1 (an open end): the slider stops short of it.
        let Input::Number { max, .. } = of(&controls, "workforce.absence_rate").input else {
            panic!()
        };
        assert!(max < 1.0, "{max}");
    }
}
