//! Bad input never panics, and extreme but legal values run to completion with well-defined
//! results. Property tests generate scenario text, `--set` and `--vary` arguments; each input
//! must end in a scenario or in bad input (exit 2) with a message that names what was wrong.

use std::path::Path;

use casesim::commands::{Options, plan_sweep, resolve_scenario};
use casesim::error::Error;
use casesim::experiment::simulate_with;
use casesim::scenario::{ScenarioSource, scenario_from_source};
use casesim::{ReplicationResult, Scenario};
use proptest::prelude::*;

use crate::common::check_property;

const BASELINE: &str = "scenarios/baseline.toml";

fn baseline_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(BASELINE)
}

/// Every dotted key of the resolved default scenario whose value is not a table.
fn leaf_keys() -> Vec<String> {
    leaves().into_iter().map(|(k, _)| k).collect()
}

/// Every leaf of the resolved default scenario, with its default value.
fn leaves() -> Vec<(String, toml::Value)> {
    fn walk(prefix: &str, v: &toml::Value, out: &mut Vec<(String, toml::Value)>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            _ => out.push((prefix.to_string(), v.clone())),
        }
    }
    let mut out = Vec::new();
    walk(
        "",
        &toml::Value::try_from(Scenario::default()).unwrap(),
        &mut out,
    );
    out
}

/// Values of many shapes, legal and not, as TOML text or bare words.
fn value_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        (-2.0f64..3.0).prop_map(|f| format!("{f}")),
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("true".to_string()),
        Just("\"\"".to_string()),
        Just("[]".to_string()),
        Just("[1, 2]".to_string()),
        Just("{ a = 1 }".to_string()),
        "[a-z_]{0,12}",
        "\\PC{0,16}",
    ]
}

/// The words scenario keys take.
const WORDS: [&str; 24] = [
    "individual",
    "team",
    "hybrid",
    "generic",
    "task",
    "risk",
    "offence",
    "need",
    "structured",
    "discretionary",
    "risk_matched",
    "administrative",
    "brokerage",
    "therapeutic",
    "comprehensive",
    "open",
    "protocol",
    "statutory",
    "strict",
    "graduated",
    "low",
    "medium",
    "high",
    "very_high",
];

/// A plausible value for a key, of its default's type: a number from zero to about twice the
/// default, either boolean, or one of the words keys take.
fn plausible(default: &toml::Value) -> BoxedStrategy<String> {
    match default {
        toml::Value::Float(f) => (0.0..=(2.0 * f.abs() + 1.0))
            .prop_map(|x: f64| format!("{x:?}"))
            .boxed(),
        toml::Value::Integer(i) => (0..=(2 * i.abs() + 2)).prop_map(|x| x.to_string()).boxed(),
        toml::Value::Boolean(_) => any::<bool>().prop_map(|b| b.to_string()).boxed(),
        toml::Value::String(_) => prop::sample::select(WORDS.to_vec())
            .prop_map(String::from)
            .boxed(),
        _ => value_text().boxed(),
    }
}

/// `--set` arguments: real keys with plausible values (often legal), real keys with odd
/// values, near-miss keys, and noise.
fn set_argument() -> impl Strategy<Value = String> {
    let keys = leaf_keys();
    let plausible_set = prop::sample::select(leaves())
        .prop_flat_map(|(k, v)| plausible(&v).prop_map(move |x| format!("{k}={x}")));
    prop_oneof![
        6 => plausible_set,
        2 => (prop::sample::select(keys.clone()), value_text()).prop_map(|(k, v)| format!("{k}={v}")),
        1 => (prop::sample::select(keys), "[a-z.]{0,4}", value_text())
            .prop_map(|(k, junk, v)| format!("{k}{junk}={v}")),
        1 => "\\PC{0,30}",
    ]
}

/// What an input must end in: a valid scenario, or bad input whose message says something.
/// Returns whether the input was accepted.
fn ok_or_bad_input<T>(outcome: Result<T, Error>, input: &str) -> Result<bool, TestCaseError> {
    match outcome {
        Ok(_) => Ok(true),
        Err(e @ Error::Input(_)) => {
            prop_assert_eq!(e.exit_code(), 2);
            let message = e.to_string();
            prop_assert!(!message.trim().is_empty(), "empty message for {:?}", input);
            Ok(false)
        }
        Err(other) => Err(TestCaseError::fail(format!(
            "{input:?} ended in {other} rather than bad input"
        ))),
    }
}

#[test]
fn any_set_argument_gives_a_scenario_or_bad_input_naming_it() {
    check_property(
        "--set arguments",
        prop::collection::vec(set_argument(), 1..4),
        |args| {
            let outcome = resolve_scenario(&baseline_path(), &args);
            if let Ok(s) = &outcome {
                // An accepted scenario runs: a short, small version of it, checked every week.
                let mut s = s.clone();
                s.simulation.weeks = s.simulation.weeks.min(40);
                s.simulation.warmup_weeks = s.simulation.weeks / 3;
                s.population.initial_cases = s.population.initial_cases.min(300);
                s.population.inflow_per_week = s.population.inflow_per_week.min(6.0);
                let r = simulate_with(&s, 0, |world| {
                    if let Err(broken) = world.check_invariants() {
                        panic!("{args:?}, week {}: {broken}", world.week() - 1);
                    }
                });
                assert_finite(&r, &format!("{args:?}"));
            }
            if let Err(Error::Input(e)) = &outcome {
                let message = e.to_string();
                prop_assert!(
                    args.iter().any(|a| message.contains(a.as_str())),
                    "the message {:?} does not name the argument among {:?}",
                    message,
                    args
                );
            }
            ok_or_bad_input(outcome, &args.join(" "))
        },
    );
}

#[test]
fn any_vary_argument_gives_a_sweep_or_bad_input() {
    let strategy = (
        prop::sample::select(leaves()).prop_flat_map(|(key, default)| {
            let values = prop_oneof![
                3 => prop::collection::vec(plausible(&default), 1..4),
                1 => prop::collection::vec(value_text(), 0..4),
            ];
            (Just(key), values)
        }),
        prop_oneof![4 => Just(""), 1 => Just("+")],
    );
    check_property("--vary arguments", strategy, |((key, values), prefix)| {
        let arg = format!("{prefix}{key}={}", values.join(","));
        let options = Options {
            replications: Some(1),
            ..Options::default()
        };
        let outcome = plan_sweep(&baseline_path(), std::slice::from_ref(&arg), &options);
        ok_or_bad_input(outcome, &arg)
    });
}

#[test]
fn any_edit_of_a_scenario_file_gives_a_scenario_or_bad_input_naming_the_file() {
    let original = std::fs::read_to_string(baseline_path()).unwrap();
    let strategy = (
        0usize..120,
        prop_oneof![
            Just(Edit::Delete),
            Just(Edit::Duplicate),
            "\\PC{0,20}".prop_map(Edit::Insert),
            value_text().prop_map(Edit::ReplaceValue),
            (0usize..40, "\\PC{0,3}").prop_map(|(at, s)| Edit::Splice(at, s)),
        ],
    );
    check_property("scenario-file edits", strategy, |(line, edit)| {
        let text = edit.apply(&original, line);
        let source = ScenarioSource::new(BASELINE, text);
        let outcome = scenario_from_source(&source, &[]).map_err(Error::from);
        if let Err(e) = &outcome {
            prop_assert!(
                e.to_string().contains(BASELINE),
                "{} does not name the file",
                e
            );
        }
        ok_or_bad_input(outcome, &format!("{edit:?} at line {line}"))
    });
}

/// An edit of one line of a scenario file.
#[derive(Clone, Debug)]
enum Edit {
    Delete,
    Duplicate,
    Insert(String),
    /// The value after `=` replaced.
    ReplaceValue(String),
    /// Characters spliced in at a column.
    Splice(usize, String),
}

impl Edit {
    fn apply(&self, text: &str, line: usize) -> String {
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let i = line % lines.len();
        match self {
            Edit::Delete => {
                lines.remove(i);
            }
            Edit::Duplicate => lines.insert(i, lines[i].clone()),
            Edit::Insert(s) => lines.insert(i, s.clone()),
            Edit::ReplaceValue(v) => {
                if let Some(eq) = lines[i].find('=') {
                    lines[i] = format!("{}= {v}", &lines[i][..eq]);
                }
            }
            Edit::Splice(at, s) => {
                let chars: Vec<char> = lines[i].chars().collect();
                let at = (*at).min(chars.len());
                let head: String = chars[..at].iter().collect();
                let tail: String = chars[at..].iter().collect();
                lines[i] = format!("{head}{s}{tail}");
            }
        }
        lines.join("\n")
    }
}

/// Every number a replication reports is finite: an undefined measure is `None` (an empty
/// cell), never NaN or infinite.
fn assert_finite(r: &ReplicationResult, what: &str) {
    let all = std::iter::once(&r.metrics)
        .chain(&r.by_tier)
        .chain(&r.by_disposal);
    for m in all {
        for (name, v) in casesim::metrics::Metrics::NAMES.iter().zip(m.values()) {
            assert!(v.is_none_or(f64::is_finite), "{what}: {name} = {v:?}");
        }
    }
    for w in &r.weeks {
        for (c, v) in casesim::metrics::COLUMNS.iter().zip(w.values()) {
            let name = c.name;
            assert!(
                v.is_none_or(f64::is_finite),
                "{what}: week {} {name} = {v:?}",
                w.week
            );
        }
    }
}

#[test]
fn extreme_but_legal_values_run_with_every_invariant_and_no_undefined_numbers() {
    let small = [
        "simulation.weeks=80",
        "simulation.warmup_weeks=20",
        "population.initial_cases=300",
        "population.inflow_per_week=6",
        "workforce.case_managers=10",
    ];
    let custody = [
        "sentencing.custody_share.low=0.5",
        "sentencing.custody_share.medium=0.5",
        "sentencing.custody_share.high=1",
        "sentencing.custody_share.very_high=1",
    ];
    let cases: Vec<Vec<&str>> = vec![
        vec!["workforce.caseload_cap=1"],
        vec!["workforce.caseload_cap=10000"],
        vec!["population.inflow_per_week=0"],
        vec!["population.inflow_per_week=0", "population.initial_cases=0"],
        vec!["services.capacity_scale=0"],
        vec!["simulation.weeks=1", "simulation.warmup_weeks=0"],
        vec!["workforce.case_managers=0"],
        vec!["workforce.hours_per_week=0"],
        vec!["compliance.base_attendance=0"],
        vec!["compliance.base_attendance=1"],
        vec![
            "relationship.growth_per_contact=1",
            "relationship.weekly_decay=1",
            "relationship.retained_on_handoff=0",
        ],
        vec![
            "compliance.violation_rate_per_week=1",
            "compliance.detection_with_contact=1",
            "compliance.detection_unsupervised=1",
        ],
        vec![
            "court.revocation.high=1",
            "court.revocation.medium=1",
            "court.revocation.low=1",
            "court.revocation.wilful=1",
            "enforcement.reconviction_revocation_prob=1",
            "enforcement.warnings_before_breach=0",
        ],
        vec!["reoffending.detection_prob=1", "needs.relapse_per_week=1"],
        vec!["workforce.turnover_rate=1", "workforce.absence_rate=0.99"],
        vec!["custody.release_fraction=1"],
        vec![
            "custody.recall_on_breach=1",
            "custody.recall_on_reoffence=1",
            "custody.hazard_factor=1",
        ],
        vec![
            "custody.family_involvement=100",
            "custody.cip_available=0",
            "custody.through_the_gate=false",
        ],
        // Streams need more posts than the small unit's ten.
        vec![
            "reports.share=1",
            "organisation.streaming=\"task\"",
            "workforce.case_managers=20",
        ],
        vec![
            "organisation.approach=\"team\"",
            "organisation.streaming=\"need\"",
            "workforce.case_managers=20",
        ],
        vec![
            "organisation.approach=\"hybrid\"",
            "organisation.streaming=\"risk\"",
            "workforce.case_managers=20",
        ],
        vec![
            "organisation.cover_group_size=50",
            "enforcement.policy=\"graduated\"",
        ],
    ];
    for (i, extra) in cases.iter().enumerate() {
        for with_custody in [false, true] {
            let mut set: Vec<String> = small.iter().map(|s| s.to_string()).collect();
            if with_custody {
                set.extend(custody.iter().map(|s| s.to_string()));
            }
            set.extend(extra.iter().map(|s| s.to_string()));
            let what = format!("case {i} {extra:?} (custody: {with_custody})");
            let s = resolve_scenario(&baseline_path(), &set)
                .unwrap_or_else(|e| panic!("{what} should be legal: {e}"));
            let r = simulate_with(&s, 0, |world| {
                if let Err(broken) = world.check_invariants() {
                    panic!("{what}, week {}: {broken}", world.week() - 1);
                }
            });
            assert_finite(&r, &what);
        }
    }
}
