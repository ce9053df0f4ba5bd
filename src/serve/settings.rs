//! What a request asks for, checked: the question, the replications, and every other field
//! as a `--set KEY=VALUE`, resolved against the question's file by the same code as the
//! command line ([`parse_override`], [`scenario_from_source`]), so that a bad value gets the
//! message `casesim run --set` would give. Then the training room's own limits, which keep
//! every change to seconds.

use crate::error::{InputError, InputProblem, Origin};
use crate::experiment::resources::{cases_present, estimate};
use crate::scenario::{Scenario, Sweep, parse_override, scenario_from_source};
use crate::serve::Limits;
use crate::serve::levers::value_at;
use crate::serve::questions::Question;

/// The fields of a request that are not scenario keys.
pub const QUESTION: &str = "question";
pub const REPLICATIONS: &str = "replications";
pub const SESSION: &str = "session";

/// Replications a change runs when the request does not say.
pub const DEFAULT_REPLICATIONS: u32 = 8;

/// A checked request: the question's baseline and the variant to compare with it, on common
/// random numbers (the same seed and replications).
#[derive(Clone, Debug)]
pub struct Settings {
    pub baseline: Scenario,
    pub variant: Scenario,
    /// The keys whose value differs from the question's, in the order given.
    pub changes: Vec<Change>,
    /// The scenario fields as given (`key`, `value`), to restore or download them.
    pub fields: Vec<(String, String)>,
}

/// One key the room moved away from the question's value.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub key: String,
    pub label: String,
    pub unit: &'static str,
    pub from: String,
    pub to: String,
}

impl Change {
    /// "caseload cap 50 → 70 cases".
    pub fn text(&self) -> String {
        let unit = if self.unit.is_empty() || self.unit.contains("multiplier") {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        format!("{} {} → {}{unit}", self.label, self.from, self.to)
    }
}

/// What a request asked that cannot run, each problem as the command line would say it.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    pub problems: Vec<InputProblem>,
}

impl Refused {
    fn one(origin: String, key: Option<&str>, message: String) -> Refused {
        Refused {
            problems: vec![InputProblem {
                origin: Origin::Argument(origin),
                key: key.map(str::to_string),
                message,
            }],
        }
    }

    /// Each problem on a line, as `casesim` prints them after `error: `.
    pub fn lines(&self) -> Vec<String> {
        self.problems.iter().map(|p| p.to_string()).collect()
    }

    /// The scenario keys at fault.
    pub fn keys(&self) -> Vec<String> {
        self.problems.iter().filter_map(|p| p.key.clone()).collect()
    }
}

impl From<InputError> for Refused {
    fn from(e: InputError) -> Refused {
        Refused { problems: e.0 }
    }
}

/// The question a request names (the first when it names none).
pub fn question<'q>(
    questions: &'q [Question],
    fields: &[(String, String)],
) -> Result<&'q Question, Refused> {
    match fields.iter().find(|(k, _)| k == QUESTION) {
        None => questions
            .first()
            .ok_or_else(|| Refused::one(QUESTION.into(), None, "no questions".into())),
        Some((_, id)) => questions.iter().find(|q| &q.id == id).ok_or_else(|| {
            let known: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
            Refused::one(
                format!("question={id}"),
                None,
                format!("no such question; the questions are {}", known.join(", ")),
            )
        }),
    }
}

/// Resolves a request to run: its question, its replications (within the limit), and every
/// other field as a `--set`, then the limits on size.
pub fn resolve(
    questions: &[Question],
    fields: &[(String, String)],
    limits: &Limits,
) -> Result<Settings, Refused> {
    let settings = resolve_scenario(questions, fields, limits)?;
    check_limits(&settings.variant, limits)?;
    Ok(settings)
}

/// As [`resolve`], without the limits on size: a scenario to download, for `casesim run`,
/// which takes any size.
pub fn resolve_scenario(
    questions: &[Question],
    fields: &[(String, String)],
    limits: &Limits,
) -> Result<Settings, Refused> {
    let question = question(questions, fields)?;
    let replications = match fields.iter().find(|(k, _)| k == REPLICATIONS) {
        None => DEFAULT_REPLICATIONS.min(limits.replications),
        Some((_, text)) => match text.trim().parse::<u32>() {
            Ok(n) if (2..=limits.replications).contains(&n) => n,
            _ => {
                return Err(Refused::one(
                    format!("replications={text}"),
                    None,
                    format!(
                        "must be a whole number from 2 to {} in the training room (two at \
                         least for a confidence interval; `casesim run --reps` takes more)",
                        limits.replications
                    ),
                ));
            }
        },
    };
    let scenario_fields: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| ![QUESTION, REPLICATIONS, SESSION].contains(&k.as_str()))
        .cloned()
        .collect();
    if scenario_fields.len() > limits.fields {
        return Err(Refused::one(
            "the request".into(),
            None,
            format!(
                "sets {} keys; the training room takes at most {}",
                scenario_fields.len(),
                limits.fields
            ),
        ));
    }
    // Exactly what `--set KEY=VALUE` does, argument by argument.
    let mut overrides = Vec::new();
    let mut problems = Vec::new();
    for (key, value) in &scenario_fields {
        match parse_override(&format!("{key}={value}")) {
            Ok(ov) => overrides.push(ov),
            Err(e) => problems.extend(e.0),
        }
    }
    if !problems.is_empty() {
        return Err(Refused { problems });
    }
    let mut variant = scenario_from_source(&question.source(), &overrides)?;
    variant.sweep = Sweep::default();
    variant.simulation.replications = replications;
    let mut baseline = question.baseline.clone();
    baseline.simulation.replications = replications;
    // Common random numbers: the arms share the seed whichever one the request gives.
    baseline.simulation.seed = variant.simulation.seed;
    Ok(Settings {
        changes: changes(&baseline, &variant, &scenario_fields),
        baseline,
        variant,
        fields: scenario_fields,
    })
}

/// The training room's limits on one change: sizes the command line accepts but that would
/// not redraw while the room waits.
fn check_limits(s: &Scenario, limits: &Limits) -> Result<(), Refused> {
    let mut problems = Vec::new();
    let refuse = |problems: &mut Vec<InputProblem>, key: &str, message: String| {
        problems.push(InputProblem {
            origin: Origin::Argument("the training room's limits".into()),
            key: Some(key.to_string()),
            message,
        })
    };
    let cases = cases_present(s);
    if cases > limits.cases {
        refuse(
            &mut problems,
            "population.initial_cases",
            format!(
                "with population.inflow_per_week, about {cases:.0} cases at once; the training \
                 room takes at most {:.0} (`casesim run` takes any size)",
                limits.cases
            ),
        );
    }
    if s.workforce.case_managers > limits.posts {
        refuse(
            &mut problems,
            "workforce.case_managers",
            format!(
                "at most {} in the training room (got {}; `casesim run` takes more)",
                limits.posts, s.workforce.case_managers
            ),
        );
    }
    if s.simulation.weeks > limits.weeks {
        refuse(
            &mut problems,
            "simulation.weeks",
            format!(
                "at most {} in the training room (got {}; `casesim run` takes more)",
                limits.weeks, s.simulation.weeks
            ),
        );
    }
    if problems.is_empty() {
        // Both arms, on two threads: the estimate errs on the high side.
        let e = estimate(&[(s, 2)], |s| u64::from(s.simulation.replications), 2);
        if e.seconds > limits.seconds {
            refuse(
                &mut problems,
                "population.initial_cases",
                format!(
                    "this change would take about {:.0} s to run; the training room runs \
                     changes of at most {:.0} s (`casesim run` takes any size)",
                    e.seconds, limits.seconds
                ),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Refused { problems })
    }
}

/// The fields whose value differs from the baseline's, with their labels and units.
fn changes(baseline: &Scenario, variant: &Scenario, fields: &[(String, String)]) -> Vec<Change> {
    let (Ok(b), Ok(v)) = (
        toml::Value::try_from(baseline),
        toml::Value::try_from(variant),
    ) else {
        return Vec::new();
    };
    let mut out: Vec<Change> = Vec::new();
    for (key, _) in fields {
        if out.iter().any(|c| &c.key == key) {
            continue;
        }
        let (Some(from), Some(to)) = (value_at(&b, key), value_at(&v, key)) else {
            continue;
        };
        if same(&from, &to) {
            continue;
        }
        let p = crate::scenario::table::parameter(key);
        out.push(Change {
            key: key.clone(),
            label: p.as_ref().map_or_else(|| key.clone(), |p| p.label.clone()),
            unit: p.as_ref().map_or("", |p| p.unit),
            from: crate::scenario::value_text(&from),
            to: crate::scenario::value_text(&to),
        });
    }
    out
}

/// Two values equal as numbers (an integer and the same float) or as values.
fn same(a: &toml::Value, b: &toml::Value) -> bool {
    let number = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}
