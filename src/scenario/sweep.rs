//! A sweep: the keys a scenario is run at several values of, from `[[sweep.vary]]` entries in
//! the file or `--vary` arguments.
//!
//! Each entry is an **axis** and the sweep runs every combination of the axes' values (a full
//! grid, the first axis varying slowest), unless it names `with`: then it moves in step with that
//! earlier axis, value by value, and adds no combinations. The caseload sweep uses this to
//! adjust the number of case managers with the caseload cap, so that the same population is
//! served at every point.

use serde::{Deserialize, Serialize};

use crate::error::{InputError, InputProblem, Origin};
use crate::scenario::load::{is_dotted_key, parse_value};

/// The `[sweep]` table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Sweep {
    /// The keys varied, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vary: Vec<Vary>,
}

impl Sweep {
    pub fn is_empty(&self) -> bool {
        self.vary.is_empty()
    }
}

/// One varied key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vary {
    /// Dotted scenario key, e.g. `workforce.caseload_cap`.
    pub key: String,
    /// The values it takes, each a TOML value of the key's type.
    pub values: Vec<toml::Value>,
    /// An earlier key this one moves in step with (same number of values), instead of being
    /// crossed with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<String>,
}

/// One point of a sweep: a value for every varied key, with the index of the entry it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepPoint {
    pub values: Vec<(usize, toml::Value)>,
}

/// Consistency problems of a sweep, as (entry index, field at fault, message). Values
/// themselves are checked when each point's scenario is validated.
pub fn sweep_problems(sweep: &Sweep) -> Vec<(usize, &'static str, String)> {
    let mut problems = Vec::new();
    // Each key's first entry: finding an earlier entry is a lookup, not a scan, so thousands
    // of entries are checked at once.
    let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, v) in sweep.vary.iter().enumerate() {
        if !is_dotted_key(&v.key) {
            problems.push((
                i,
                "key",
                format!(
                    "`{}` is not a dotted key such as workforce.caseload_cap",
                    v.key
                ),
            ));
        } else if v.key == "name" || v.key == "sweep" || v.key.starts_with("sweep.") {
            problems.push((i, "key", format!("`{}` cannot be varied", v.key)));
        }
        if v.values.is_empty() {
            problems.push((i, "values", format!("`{}` needs at least one value", v.key)));
        }
        if first.contains_key(v.key.as_str()) {
            problems.push((i, "key", format!("`{}` is varied twice", v.key)));
        } else {
            first.insert(&v.key, i);
        }
        if let Some(leader) = &v.with {
            match first
                .get(leader.as_str())
                .filter(|&&j| j < i)
                .map(|&j| &sweep.vary[j])
            {
                None => problems.push((
                    i,
                    "with",
                    format!("`with = \"{leader}\"` must name a key varied before this one"),
                )),
                Some(l) if l.with.is_some() => problems.push((
                    i,
                    "with",
                    format!(
                        "`{leader}` itself moves with `{}`; name that key instead",
                        l.with.as_deref().unwrap_or_default()
                    ),
                )),
                Some(l) if l.values.len() != v.values.len() => problems.push((
                    i,
                    "values",
                    format!(
                        "moves in step with `{leader}`, so needs as many values ({}, got {})",
                        l.values.len(),
                        v.values.len()
                    ),
                )),
                Some(_) => {}
            }
        }
    }
    problems
}

/// Every point of a (consistent) sweep: the full grid of its axes, the first axis varying
/// slowest, each axis carrying the keys that move with it.
pub fn sweep_points(sweep: &Sweep) -> Vec<SweepPoint> {
    let axes: Vec<usize> = (0..sweep.vary.len())
        .filter(|&i| sweep.vary[i].with.is_none())
        .collect();
    let mut points = vec![SweepPoint { values: Vec::new() }];
    for &axis in &axes {
        let leader = &sweep.vary[axis];
        let followers: Vec<usize> = (0..sweep.vary.len())
            .filter(|&i| sweep.vary[i].with.as_deref() == Some(leader.key.as_str()))
            .collect();
        points = points
            .into_iter()
            .flat_map(|point| {
                let followers = &followers;
                (0..leader.values.len()).map(move |j| {
                    let mut values = point.values.clone();
                    values.push((axis, leader.values[j].clone()));
                    values.extend(
                        followers
                            .iter()
                            .map(|&f| (f, sweep.vary[f].values[j].clone())),
                    );
                    SweepPoint { values }
                })
            })
            .collect();
    }
    // Report values in the order the keys were listed.
    for point in &mut points {
        point.values.sort_by_key(|(entry, _)| *entry);
    }
    points
}

/// A value as a grouping column shows it: strings bare, everything else as TOML writes it.
pub fn value_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Splits a list of values at commas outside brackets, braces and quotes.
fn split_values(list: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    for (i, c) in list.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts
}

/// Parses the `--vary` arguments: `KEY=V1,V2,...` adds an axis; `+KEY=V1,V2,...` moves in step
/// with the axis before it.
pub fn parse_vary_args(args: &[String]) -> Result<Sweep, InputError> {
    let mut sweep = Sweep::default();
    let mut problems = Vec::new();
    let mut last_axis: Option<String> = None;
    for arg in args {
        let problem = |key: Option<&str>, message: String| InputProblem {
            origin: Origin::Argument(format!("--vary {arg}")),
            key: key.map(str::to_string),
            message,
        };
        let (linked, body) = match arg.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, arg.as_str()),
        };
        let Some((key, list)) = body.split_once('=') else {
            problems.push(problem(
                None,
                "expected KEY=V1,V2,..., e.g. --vary workforce.caseload_cap=30,40,50".into(),
            ));
            continue;
        };
        let key = key.trim();
        let mut values = Vec::new();
        for raw in split_values(list).into_iter().map(str::trim) {
            match parse_value(raw) {
                Some(v) => values.push(v),
                None => problems.push(problem(
                    Some(key),
                    format!("`{raw}` is not a TOML value or a bare word"),
                )),
            }
        }
        let with = if linked {
            if last_axis.is_none() {
                problems.push(problem(
                    Some(key),
                    "a `+` key moves in step with the --vary before it, and there is none".into(),
                ));
            }
            last_axis.clone()
        } else {
            last_axis = Some(key.to_string());
            None
        };
        sweep.vary.push(Vary {
            key: key.to_string(),
            values,
            with,
        });
    }
    for (i, _, message) in sweep_problems(&sweep) {
        problems.push(InputProblem {
            origin: Origin::Argument(format!("--vary {}", args[i])),
            key: Some(sweep.vary[i].key.clone()),
            message,
        });
    }
    if problems.is_empty() {
        Ok(sweep)
    } else {
        Err(InputError(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn keys_and_values(point: &SweepPoint, sweep: &Sweep) -> Vec<String> {
        point
            .values
            .iter()
            .map(|(i, v)| format!("{}={}", sweep.vary[*i].key, value_text(v)))
            .collect()
    }

    #[test]
    fn two_axes_give_every_combination_once() {
        let sweep = parse_vary_args(&args(&[
            "workforce.caseload_cap=30,40,50",
            "organisation.prioritisation=structured,discretionary",
        ]))
        .unwrap();
        let points = sweep_points(&sweep);
        assert_eq!(points.len(), 6);
        let mut seen: Vec<Vec<String>> =
            points.iter().map(|p| keys_and_values(p, &sweep)).collect();
        assert_eq!(
            seen[0],
            [
                "workforce.caseload_cap=30",
                "organisation.prioritisation=structured"
            ]
        );
        assert_eq!(
            seen[1],
            [
                "workforce.caseload_cap=30",
                "organisation.prioritisation=discretionary"
            ]
        );
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 6, "no combination twice");
    }

    #[test]
    fn a_linked_key_moves_in_step() {
        let sweep = parse_vary_args(&args(&[
            "workforce.caseload_cap=25,50",
            "+workforce.case_managers=120,60",
            "simulation.seed=1,2",
        ]))
        .unwrap();
        let points: Vec<Vec<String>> = sweep_points(&sweep)
            .iter()
            .map(|p| keys_and_values(p, &sweep))
            .collect();
        assert_eq!(points.len(), 4);
        assert_eq!(
            points[2],
            [
                "workforce.caseload_cap=50",
                "workforce.case_managers=60",
                "simulation.seed=1"
            ]
        );
    }

    #[test]
    fn values_are_toml_and_may_hold_commas() {
        let sweep = parse_vary_args(&args(&["a.b=[1, 2],[3, 4]", "c.d=task,\"x, y\""])).unwrap();
        assert_eq!(sweep.vary[0].values.len(), 2);
        assert_eq!(
            sweep.vary[1].values,
            [
                toml::Value::String("task".into()),
                toml::Value::String("x, y".into())
            ]
        );
    }

    #[test]
    fn bad_vary_arguments_are_named() {
        for bad in [
            &["workforce.caseload_cap"][..],
            &["+workforce.case_managers=1,2"],
            &[
                "workforce.caseload_cap=1,2",
                "+workforce.case_managers=1,2,3",
            ],
            &["workforce.caseload_cap=1,2", "workforce.caseload_cap=3"],
            &["workforce.caseload_cap=two words"],
            &["sweep.vary=1"],
        ] {
            let err = parse_vary_args(&args(bad)).unwrap_err();
            assert!(err.to_string().contains("--vary"), "{bad:?} gave {err}");
        }
    }
}
