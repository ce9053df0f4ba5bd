//! `casesim sensitivity`: which assumptions drive the results. One at a time, each parameter
//! is moved down and up by a share of its value (on common random numbers with every other
//! arm), and the elasticity of each headline measure is estimated replication by replication:
//!
//! elasticity = ((m(high) − m(low)) / m(base)) / ((v(high) − v(low)) / v(base))
//!
//! the percentage change in the measure per percentage change in the parameter, with a 95% CI.
//! A move that would take a parameter out of its valid range is cut back to the base value on
//! that side (a one-sided estimate). This is local, one-at-a-time screening: it ranks
//! parameters near the scenario's values and misses interactions.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, InputProblem, Origin};
use crate::experiment::ReplicationResult;
use crate::experiment::{RunResults, Summary, run_arms, summarise};
use crate::files::write_files;
use crate::scenario::{Scenario, validate};

/// The parameters screened by default: the behavioural assumptions and the main levers, each
/// a number. docs/validation.md lists them.
pub const DEFAULT_KEYS: [&str; 35] = [
    "workforce.caseload_cap",
    "workforce.hours_per_week",
    "workforce.turnover_rate",
    "workforce.absence_rate",
    "relationship.growth_per_contact",
    "relationship.weekly_decay",
    "relationship.retained_on_handoff",
    "compliance.base_attendance",
    "compliance.motivation_effect",
    "compliance.relationship_effect",
    "compliance.violation_rate_per_week",
    "compliance.detection_with_contact",
    "court.revocation.medium",
    "court.revocation.low",
    "court.new_offence_odds",
    "enforcement.reconviction_revocation_prob",
    "needs.work_per_contact",
    "needs.relapse_per_week",
    "needs.peer_influence",
    "practice.untrained_skill",
    "engagement.gain_per_contact",
    "circumstances.job_loss_per_requirement_hour",
    "circumstances.prosocial_loss_per_requirement_hour",
    "reoffending.detection_prob",
    "reoffending.need_effect",
    "reoffending.time_shape",
    "reoffending.employment_effect",
    "reoffending.family_support_effect",
    "services.capacity_scale",
    "services.open_share",
    "services.max_wait_weeks",
    "supervision.assessment_hours",
    "enforcement.unseen_weeks_before_check",
    "reports.share",
    "reports.requirement_share",
];

/// The measures whose elasticities are estimated.
pub const MEASURES: [&str; 5] = [
    "completion_rate",
    "breach_rate",
    "reoffending_rate",
    "needs_met_rate",
    "cost",
];

/// One parameter's moves and the elasticity of each measure.
#[derive(Clone, Debug)]
pub struct Screened {
    pub key: String,
    pub base: f64,
    pub low: f64,
    pub high: f64,
    /// Elasticity of each of [`MEASURES`], over replications.
    pub elasticities: Vec<(&'static str, Summary)>,
}

/// Reads a numeric key of a resolved scenario.
pub(crate) fn number_at(table: &toml::Value, key: &str) -> Option<f64> {
    let mut v = table;
    for part in key.split('.') {
        v = v.get(part)?;
    }
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

/// The scenario with `key` set to `value` (rounded for an integer key), if it is valid.
fn with_value(base: &Scenario, key: &str, value: f64) -> Option<(Scenario, f64)> {
    let mut table = toml::Value::try_from(base).ok()?;
    let mut slot = &mut table;
    for part in key.split('.') {
        slot = slot.get_mut(part)?;
    }
    let set = match slot {
        toml::Value::Integer(_) => {
            let rounded = value.round();
            *slot = toml::Value::Integer(rounded as i64);
            rounded
        }
        toml::Value::Float(_) => {
            *slot = toml::Value::Float(value);
            value
        }
        _ => return None,
    };
    let scenario: Scenario = table.try_into().ok()?;
    validate(&scenario).is_empty().then_some((scenario, set))
}

/// The value a step below or above `base`: by `step` of it, at least one for an integer key,
/// and a step of `step` itself from zero.
fn moved(base: f64, step: f64, up: bool, integer: bool) -> f64 {
    let delta = if base == 0.0 { step } else { base.abs() * step };
    let delta = if integer {
        delta.round().max(1.0)
    } else {
        delta
    };
    if up { base + delta } else { base - delta }
}

/// A number for a message: as written when it is of a usual size, else in scientific notation
/// (`1e-300`, not three hundred digits).
pub fn readable(x: f64) -> String {
    if x == 0.0 || (1e-4..1e9).contains(&x.abs()) {
        x.to_string()
    } else {
        format!("{x:e}")
    }
}

/// Why a key cannot be screened.
#[derive(Clone, Debug, PartialEq)]
pub enum ScreenError {
    /// The key itself: not a number of the scenario, or not a parameter of the model.
    Key { key: String, message: String },
    /// The step: too small to move the key's value at all.
    Step { key: String, message: String },
}

impl std::fmt::Display for ScreenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScreenError::Key { key, message } | ScreenError::Step { key, message } => {
                write!(f, "`{key}` {message}")
            }
        }
    }
}

/// Keys that are not assumptions of the model but of the experiment: moving them changes how
/// many replications there are or which random numbers they draw, not what is simulated.
pub(crate) const NOT_PARAMETERS: [(&str, &str); 2] = [
    (
        "simulation.replications",
        "is the number of replications, not a parameter of the model: give it with --reps",
    ),
    (
        "simulation.seed",
        "picks the random numbers, not a parameter of the model",
    ),
];

/// The arms of a screening: the base, then a low and a high arm per key; and for each key, its
/// value, the low and high values and the index of its low arm.
type Arms = (Vec<Scenario>, Vec<(String, f64, f64, f64, usize)>);

fn arms(base: &Scenario, keys: &[String], step: f64) -> Result<Arms, ScreenError> {
    let table = toml::Value::try_from(base).map_err(|e| ScreenError::Key {
        key: String::new(),
        message: e.to_string(),
    })?;
    let mut arms: Vec<Scenario> = vec![base.clone()];
    let mut plan = Vec::new();
    for key in keys {
        if let Some((_, why)) = NOT_PARAMETERS.iter().find(|(k, _)| k == key) {
            return Err(ScreenError::Key {
                key: key.clone(),
                message: why.to_string(),
            });
        }
        let value = number_at(&table, key).ok_or_else(|| ScreenError::Key {
            key: key.clone(),
            message: "is not a numeric key of the scenario".into(),
        })?;
        let integer = matches!(
            key.split('.').try_fold(&table, |v, part| v.get(part)),
            Some(toml::Value::Integer(_))
        );
        let side = |up: bool| {
            with_value(base, key, moved(value, step, up, integer))
                .unwrap_or_else(|| (base.clone(), value))
        };
        let ((low_scenario, low), (high_scenario, high)) = (side(false), side(true));
        if low == high {
            let unmoved = [false, true]
                .iter()
                .all(|&up| moved(value, step, up, integer) == value);
            return Err(if unmoved {
                ScreenError::Step {
                    key: key.clone(),
                    message: format!(
                        "({value}) does not move at all by a share {} of it: give a larger \
                         --step (e.g. 0.2)",
                        readable(step)
                    ),
                }
            } else {
                ScreenError::Key {
                    key: key.clone(),
                    message: format!("cannot be moved either way from {value} and stay valid"),
                }
            });
        }
        plan.push((key.clone(), value, low, high, arms.len()));
        arms.push(low_scenario);
        arms.push(high_scenario);
    }
    Ok((arms, plan))
}

/// Screens `keys` around `base` with `step` (a share of each value).
pub fn screen(
    base: &Scenario,
    keys: &[String],
    step: f64,
    done: &(dyn Fn() + Sync),
) -> Result<Vec<Screened>, ScreenError> {
    let (arms, plan) = arms(base, keys, step)?;
    Ok(run(arms, plan, done))
}

/// Where the arguments of a screening came from, for messages.
pub struct Origins {
    pub scenario: std::path::PathBuf,
    /// Whether the keys were given (`--key`) rather than the defaults.
    pub keys_given: bool,
    /// The step as given (`--step 0.2`).
    pub step: String,
}

/// As [`screen`], with the arms' memory and time checked against the machine's limits first
/// (unless `force`), and problems as bad input naming the argument at fault: `--key K`, the
/// step, or the scenario for a default key.
pub fn screen_checked(
    base: &Scenario,
    keys: &[String],
    step: f64,
    origins: &Origins,
    force: bool,
    done: &(dyn Fn() + Sync),
) -> Result<Vec<Screened>, Error> {
    let bad = |origin: Origin, message: String| -> Error {
        InputProblem {
            origin,
            key: None,
            message,
        }
        .into()
    };
    let (arms, plan) = arms(base, keys, step).map_err(|e| match &e {
        ScreenError::Step { .. } => bad(Origin::Argument(origins.step.clone()), e.to_string()),
        ScreenError::Key { key, .. } if origins.keys_given => {
            bad(Origin::Argument(format!("--key {key}")), e.to_string())
        }
        ScreenError::Key { .. } => bad(
            Origin::File {
                path: origins.scenario.clone(),
                line: None,
            },
            format!("default key {e}"),
        ),
    })?;
    let estimate = crate::experiment::resources::estimate(
        &[(base, arms.len() as u64)],
        |s| u64::from(s.simulation.replications),
        rayon::current_num_threads(),
    );
    match estimate.check(
        &crate::experiment::resources::Limits::of_this_machine(),
        force,
    ) {
        Ok(Some(warning)) => eprintln!("warning: {warning}"),
        Ok(None) => {}
        Err(message) => {
            return Err(bad(
                Origin::File {
                    path: origins.scenario.clone(),
                    line: None,
                },
                format!("screening {} keys: {message}", keys.len()),
            ));
        }
    }
    Ok(run(arms, plan, done))
}

fn run(
    arms: Vec<Scenario>,
    plan: Vec<(String, f64, f64, f64, usize)>,
    done: &(dyn Fn() + Sync),
) -> Vec<Screened> {
    let refs: Vec<&Scenario> = arms.iter().collect();
    let results = run_arms(&refs, done);
    plan.into_iter()
        .map(|(key, value, low, high, arm)| {
            let relative_move = (high - low) / value.abs().max(f64::MIN_POSITIVE);
            let elasticities = MEASURES
                .iter()
                .map(|&m| {
                    let e = elasticity(&results[0], &results[arm], &results[arm + 1], m);
                    // A ratio of extreme values can overflow: left out like an undefined one,
                    // never written as inf or NaN.
                    (
                        m,
                        summarise(
                            e.into_iter()
                                .map(|x| Some(x? / relative_move).filter(|v| v.is_finite())),
                        ),
                    )
                })
                .collect();
            Screened {
                key,
                base: value,
                low,
                high,
                elasticities,
            }
        })
        .collect()
}

/// Per replication: (m(high) − m(low)) / m(base).
fn elasticity(
    base: &RunResults,
    low: &RunResults,
    high: &RunResults,
    measure: &str,
) -> Vec<Option<f64>> {
    // Replications pair up by index; the arms have as many each (the number of replications
    // is not screened), and a shorter one would end the pairs, not index past its end.
    let get = |r: &ReplicationResult| r.metrics.get(measure);
    base.replications
        .iter()
        .zip(&low.replications)
        .zip(&high.replications)
        .map(|((b, l), h)| {
            let b = get(b)?;
            let (h, l) = (get(h)?, get(l)?);
            (b != 0.0).then(|| (h - l) / b)
        })
        .collect()
}

/// The ranking for the terminal: for each measure, the parameters by the size of their
/// elasticity, the `top` largest.
pub fn table(screened: &[Screened], top: usize) -> String {
    let mut out = String::new();
    for (j, measure) in MEASURES.iter().enumerate() {
        let mut ranked: Vec<(&Screened, &Summary)> =
            screened.iter().map(|s| (s, &s.elasticities[j].1)).collect();
        ranked.sort_by(|a, b| {
            let size = |s: &Summary| s.mean.map_or(0.0, f64::abs);
            size(b.1).total_cmp(&size(a.1)).then(a.0.key.cmp(&b.0.key))
        });
        let _ = writeln!(out, "{measure}: elasticity (95% CI)");
        for (s, e) in ranked.into_iter().take(top) {
            let number = |v: Option<f64>| v.map_or("-".into(), |x| format!("{x:+.3}"));
            let _ = writeln!(
                out,
                "  {:<44} {:>7}  ({} to {})",
                s.key,
                number(e.mean),
                number(e.ci_low),
                number(e.ci_high)
            );
        }
        out.push('\n');
    }
    out
}

/// `sensitivity.csv`: `key,base,low,high,metric,elasticity,ci_low,ci_high,n`.
pub fn sensitivity_csv(screened: &[Screened]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "key",
        "base",
        "low",
        "high",
        "metric",
        "elasticity",
        "ci_low",
        "ci_high",
        "n",
    ])
    .expect("writing to memory");
    // Only finite numbers are written (elasticities are summarised from finite values; the
    // moves are valid scenario values).
    let number = |v: Option<f64>| {
        v.filter(|x| x.is_finite())
            .map(|x| x.to_string())
            .unwrap_or_default()
    };
    for s in screened {
        for (metric, e) in &s.elasticities {
            w.write_record([
                s.key.clone(),
                s.base.to_string(),
                s.low.to_string(),
                s.high.to_string(),
                metric.to_string(),
                number(e.mean),
                number(e.ci_low),
                number(e.ci_high),
                e.n.to_string(),
            ])
            .expect("writing to memory");
        }
    }
    w.into_inner().expect("writing to memory")
}

/// Writes `sensitivity.csv` into `dir` (created if needed).
pub fn write(dir: &Path, screened: &[Screened]) -> Result<PathBuf, Error> {
    write_files(dir, &[("sensitivity.csv", sensitivity_csv(screened))])?;
    Ok(dir.join("sensitivity.csv"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Metrics;

    #[test]
    fn the_measures_are_metrics_and_moves_are_symmetric() {
        for m in MEASURES {
            assert!(Metrics::NAMES.contains(&m), "{m}");
        }
        assert_eq!(moved(0.5, 0.2, true, false), 0.6);
        assert_eq!(moved(0.5, 0.2, false, false), 0.4);
        assert_eq!(
            moved(3.0, 0.2, true, true),
            4.0,
            "an integer moves by at least one"
        );
        assert_eq!(moved(0.0, 0.2, true, false), 0.2);
    }

    #[test]
    fn a_probability_at_its_bound_is_screened_one_sided_and_a_text_key_is_refused() {
        let mut base = Scenario::default();
        base.simulation.replications = 2;
        base.simulation.weeks = 60;
        base.simulation.warmup_weeks = 20;
        base.population.initial_cases = 300;
        base.population.inflow_per_week = 6.0;
        base.workforce.case_managers = 8;
        base.compliance.base_attendance = 1.0;
        let screened = screen(&base, &["compliance.base_attendance".into()], 0.2, &|| {}).unwrap();
        assert_eq!((screened[0].low, screened[0].high), (0.8, 1.0));
        let refused = screen(&base, &["organisation.streaming".into()], 0.2, &|| {});
        assert!(
            refused
                .unwrap_err()
                .to_string()
                .contains("not a numeric key")
        );
        let refused = screen(&base, &["simulation.replications".into()], 0.2, &|| {});
        assert!(refused.unwrap_err().to_string().contains("--reps"));
        let refused = screen(
            &base,
            &["compliance.base_attendance".into()],
            1e-300,
            &|| {},
        );
        assert!(
            matches!(refused, Err(ScreenError::Step { .. })),
            "{refused:?}"
        );
    }

    #[test]
    fn a_parameter_that_drives_a_measure_has_an_elasticity_of_the_right_sign() {
        let mut base = Scenario::default();
        base.simulation.replications = 16;
        base.simulation.weeks = 200;
        base.simulation.warmup_weeks = 80;
        base.population.initial_cases = 1_200;
        base.population.inflow_per_week = 24.0;
        base.workforce.case_managers = 30;
        let screened = screen(
            &base,
            &[
                "compliance.violation_rate_per_week".into(),
                "compliance.base_attendance".into(),
            ],
            0.2,
            &|| {},
        )
        .unwrap();
        let e = |key: &str, metric: &str| {
            let s = screened.iter().find(|s| s.key == key).unwrap();
            s.elasticities.iter().find(|(m, _)| *m == metric).unwrap().1
        };
        let breach = e("compliance.violation_rate_per_week", "breach_rate");
        assert!(
            breach.ci_low.unwrap() > 0.0,
            "more violations, more breaches: {breach:?}"
        );
        let completion = e("compliance.base_attendance", "completion_rate");
        assert!(
            completion.ci_low.unwrap() > 0.0,
            "better attendance, more completions: {completion:?}"
        );
    }
}
