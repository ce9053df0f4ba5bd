//! The calibration file: the base scenario, the arms the targets are measured in, the
//! targets and the priors (docs/calibration.md gives its keys). Every problem is reported at
//! once, naming the file, the line where one is known, and the key (`target[2].observed`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::calibration::prior::{Distribution, Prior};
use crate::calibration::smc::Settings;
use crate::calibration::target::{Contrast, Quantity, Target};
use crate::error::{InputError, InputProblem, Origin};
use crate::scenario::{Override, ScenarioSource, is_dotted_key, read_source};

/// The file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: Option<String>,
    #[serde(default)]
    description: String,
    /// The base scenario, relative to the calibration file.
    scenario: String,
    /// Overrides applied to every arm (as `--set`).
    #[serde(default)]
    set: toml::Table,
    #[serde(default = "one")]
    replications: u32,
    /// Every arm's unit at this share of its size (cases, inflow, posts, volunteers, service
    /// places, duty hours): the same rates in expectation, cheaper and noisier simulations.
    #[serde(default = "whole")]
    scale: f64,
    #[serde(default = "default_seed")]
    seed: u64,
    #[serde(default)]
    smc: RawSmc,
    #[serde(default)]
    prior: Vec<RawPrior>,
    #[serde(default)]
    arm: Vec<RawArm>,
    #[serde(default)]
    target: Vec<RawTarget>,
}

fn one() -> u32 {
    1
}

fn whole() -> f64 {
    1.0
}

fn default_seed() -> u64 {
    20_261_204
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSmc {
    particles: Option<usize>,
    max_generations: Option<u32>,
    quantile: Option<f64>,
    min_acceptance: Option<f64>,
    min_tolerance_drop: Option<f64>,
    max_simulations: Option<u64>,
    batch: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrior {
    key: String,
    distribution: String,
    low: Option<f64>,
    high: Option<f64>,
    mean: Option<f64>,
    sd: Option<f64>,
    alpha: Option<f64>,
    beta: Option<f64>,
    mu: Option<f64>,
    sigma: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArm {
    name: String,
    /// Another scenario for this arm, relative to the calibration file (default: the base).
    scenario: Option<String>,
    #[serde(default)]
    set: toml::Table,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: String,
    measure: String,
    #[serde(default)]
    group: String,
    arm: Option<String>,
    versus: Option<String>,
    versus_measure: Option<String>,
    versus_group: Option<String>,
    contrast: Option<String>,
    observed: f64,
    standard_error: Option<f64>,
    range: Option<[f64; 2]>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    hold_out: bool,
}

/// The name of the implicit first arm: the base scenario with the file's `set`.
pub const BASE_ARM: &str = "base";

/// One arm: a scenario's source and its overrides (the file's `set`, then the arm's).
pub struct Arm {
    pub name: String,
    /// The scenario file's path and text (a [`ScenarioSource`] is made from them for each
    /// particle: it caches a parse that cannot be shared between threads).
    pub path: PathBuf,
    pub text: String,
    pub overrides: Vec<Override>,
}

impl Arm {
    pub fn source(&self) -> ScenarioSource {
        ScenarioSource::new(self.path.clone(), self.text.clone())
    }
}

/// A calibration file, checked (the arms' scenarios are checked by [`super::Problem::new`]).
pub struct CalibrationFile {
    pub path: PathBuf,
    pub name: String,
    pub description: String,
    pub text: String,
    pub replications: u32,
    /// The share of its size each arm's unit is run at.
    pub scale: f64,
    pub settings: Settings,
    pub priors: Vec<Prior>,
    pub arms: Vec<Arm>,
    pub targets: Vec<Target>,
}

/// The line of the `index`th `[[name]]` table, or of `key = ` at the top, for messages.
fn line_of_table(text: &str, name: &str, index: Option<usize>) -> Option<usize> {
    let header = format!("[[{name}]]");
    match index {
        Some(i) => text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim() == header)
            .nth(i)
            .map(|(n, _)| n + 1),
        None => text
            .lines()
            .position(|l| {
                let t = l.trim_start();
                t.strip_prefix(name)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .map(|n| n + 1),
    }
}

/// The overrides of a `set` table, each key checked to be dotted.
fn overrides_of(
    table: &toml::Table,
    origin: &Origin,
    key: &str,
    problems: &mut Vec<InputProblem>,
) -> Vec<Override> {
    let mut out = Vec::new();
    for (k, v) in table {
        if !is_dotted_key(k) {
            problems.push(InputProblem {
                origin: origin.clone(),
                key: Some(format!("{key}.\"{k}\"")),
                message: "not a dotted scenario key such as \"workforce.caseload_cap\"".into(),
            });
            continue;
        }
        out.push(Override {
            key: k.clone(),
            value: v.clone(),
            origin: origin.clone(),
        });
    }
    out
}

impl CalibrationFile {
    pub fn load(path: &Path) -> Result<CalibrationFile, InputError> {
        let source = read_source(path)?;
        Self::from_source(&source)
    }

    pub fn from_source(source: &ScenarioSource) -> Result<CalibrationFile, InputError> {
        let path = source.path.clone();
        let text = &source.text;
        let at = |line: Option<usize>| Origin::File {
            path: path.clone(),
            line,
        };
        let raw: Raw = toml::from_str(text).map_err(|e| InputProblem {
            origin: at(e
                .span()
                .map(|s| text[..s.start.min(text.len())].lines().count().max(1))),
            key: None,
            message: format!("not a valid calibration file: {}", e.message()),
        })?;
        let mut problems = Vec::new();
        let mut fail = |line: Option<usize>, key: String, message: String| {
            problems.push(InputProblem {
                origin: at(line),
                key: Some(key),
                message,
            })
        };
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let name = raw.name.clone().unwrap_or_else(|| {
            path.file_stem()
                .map_or("calibration".into(), |s| s.to_string_lossy().into_owned())
        });

        // The settings of the algorithm.
        let smc = &raw.smc;
        let particles = smc.particles.unwrap_or(100);
        let line = line_of_table(text, "smc", None);
        let settings = Settings {
            particles,
            max_generations: smc.max_generations.unwrap_or(8),
            quantile: smc.quantile.unwrap_or(0.5),
            min_acceptance: smc.min_acceptance.unwrap_or(0.02),
            min_tolerance_drop: smc.min_tolerance_drop.unwrap_or(0.05),
            max_simulations: smc.max_simulations.unwrap_or(20_000),
            batch: smc.batch.unwrap_or(particles),
            seed: raw.seed,
        };
        if !(10..=100_000).contains(&settings.particles) {
            fail(
                line,
                "smc.particles".into(),
                "must be from 10 to 100000".into(),
            );
        }
        if !(1..=100).contains(&settings.max_generations) {
            fail(
                line,
                "smc.max_generations".into(),
                "must be from 1 to 100".into(),
            );
        }
        if !(settings.quantile > 0.0 && settings.quantile < 1.0) {
            fail(
                line,
                "smc.quantile".into(),
                "must be between 0 and 1".into(),
            );
        }
        if !(0.0..1.0).contains(&settings.min_acceptance) {
            fail(
                line,
                "smc.min_acceptance".into(),
                "must be from 0 to below 1".into(),
            );
        }
        if !(0.0..1.0).contains(&settings.min_tolerance_drop) {
            fail(
                line,
                "smc.min_tolerance_drop".into(),
                "must be from 0 to below 1".into(),
            );
        }
        if settings.max_simulations < settings.particles as u64 {
            fail(
                line,
                "smc.max_simulations".into(),
                "must be at least smc.particles (the prior's generation alone needs them)".into(),
            );
        }
        if !(1..=100_000).contains(&settings.batch) {
            fail(line, "smc.batch".into(), "must be from 1 to 100000".into());
        }
        if !(1..=1000).contains(&raw.replications) {
            fail(
                line_of_table(text, "replications", None),
                "replications".into(),
                "must be from 1 to 1000".into(),
            );
        }

        if !(raw.scale >= 0.05 && raw.scale <= 1.0) {
            fail(
                line_of_table(text, "scale", None),
                "scale".into(),
                "must be from 0.05 to 1 (the share of the unit's size to run)".into(),
            );
        }

        // The arms: the base, then the file's.
        let mut arms = Vec::new();
        let read_arm = |file: &str, key: &str, line, problems: &mut Vec<InputProblem>| {
            let scenario_path = dir.join(file);
            match read_source(&scenario_path) {
                Ok(s) => Some(s),
                Err(e) => {
                    problems.push(InputProblem {
                        origin: at(line),
                        key: Some(key.into()),
                        message: format!("cannot read the scenario: {e}"),
                    });
                    None
                }
            }
        };
        let base_set = overrides_of(
            &raw.set,
            &at(line_of_table(text, "set", None)),
            "set",
            &mut problems,
        );
        let base_line = line_of_table(text, "scenario", None);
        if let Some(s) = read_arm(&raw.scenario, "scenario", base_line, &mut problems) {
            arms.push(Arm {
                name: BASE_ARM.into(),
                path: s.path,
                text: s.text,
                overrides: base_set.clone(),
            });
        }
        for (i, a) in raw.arm.iter().enumerate() {
            let line = line_of_table(text, "arm", Some(i));
            let key = format!("arm[{}]", i + 1);
            let taken = a.name == BASE_ARM || raw.arm[..i].iter().any(|b| b.name == a.name);
            if a.name.is_empty() || taken {
                problems.push(InputProblem {
                    origin: at(line),
                    key: Some(format!("{key}.name")),
                    message: format!(
                        "`{}` is empty or already used (`{BASE_ARM}` is the base scenario)",
                        a.name
                    ),
                });
            }
            let file = a.scenario.as_deref().unwrap_or(&raw.scenario);
            let mut overrides = base_set.clone();
            overrides.extend(overrides_of(
                &a.set,
                &at(line),
                &format!("{key}.set"),
                &mut problems,
            ));
            if let Some(s) = read_arm(file, &format!("{key}.scenario"), line, &mut problems) {
                arms.push(Arm {
                    name: a.name.clone(),
                    path: s.path,
                    text: s.text,
                    overrides,
                });
            }
        }
        let arm_names: Vec<String> = std::iter::once(BASE_ARM.to_string())
            .chain(raw.arm.iter().map(|a| a.name.clone()))
            .collect();

        // The priors.
        let mut priors = Vec::new();
        if raw.prior.is_empty() {
            problems.push(InputProblem {
                origin: at(None),
                key: Some("prior".into()),
                message: "no [[prior]]: name at least one parameter to estimate".into(),
            });
        }
        for (i, p) in raw.prior.iter().enumerate() {
            let line = line_of_table(text, "prior", Some(i));
            let key = format!("prior[{}]", i + 1);
            match prior_of(p, arms.iter().map(|a| a.overrides.as_slice())) {
                Ok(prior) => {
                    if raw.prior[..i].iter().any(|q| q.key == p.key) {
                        problems.push(InputProblem {
                            origin: at(line),
                            key: Some(format!("{key}.key")),
                            message: format!("`{}` has a prior already", p.key),
                        });
                    }
                    priors.push(prior)
                }
                Err((field, message)) => problems.push(InputProblem {
                    origin: at(line),
                    key: Some(format!("{key}.{field}")),
                    message,
                }),
            }
        }

        // The targets.
        let mut targets = Vec::new();
        if raw.target.is_empty() {
            problems.push(InputProblem {
                origin: at(None),
                key: Some("target".into()),
                message: "no [[target]]: give at least one observed figure".into(),
            });
        }
        for (i, t) in raw.target.iter().enumerate() {
            let line = line_of_table(text, "target", Some(i));
            let key = format!("target[{}]", i + 1);
            match target_of(t, &arm_names) {
                Ok(target) => {
                    if raw.target[..i].iter().any(|u| u.name == t.name) {
                        problems.push(InputProblem {
                            origin: at(line),
                            key: Some(format!("{key}.name")),
                            message: format!("`{}` is the name of another target", t.name),
                        });
                    }
                    targets.push(target)
                }
                Err((field, message)) => problems.push(InputProblem {
                    origin: at(line),
                    key: Some(format!("{key}.{field}")),
                    message,
                }),
            }
        }
        if !raw.target.is_empty() && raw.target.iter().all(|t| t.hold_out) {
            problems.push(InputProblem {
                origin: at(None),
                key: Some("target".into()),
                message: "every target is held out: at least one must be fitted".into(),
            });
        }
        if !problems.is_empty() {
            return Err(InputError(problems));
        }
        Ok(CalibrationFile {
            path,
            name,
            description: raw.description,
            text: text.clone(),
            replications: raw.replications,
            scale: raw.scale,
            settings,
            priors,
            arms,
            targets,
        })
    }
}

/// A prior, checked against the parameter table; `(field, message)` on a problem.
fn prior_of<'a>(
    p: &RawPrior,
    mut arm_overrides: impl Iterator<Item = &'a [Override]>,
) -> Result<Prior, (&'static str, String)> {
    let Some(param) = crate::scenario::table::parameter(&p.key) else {
        return Err(("key", format!("`{}` is not a scenario key", p.key)));
    };
    if !param.is_numeric() {
        return Err((
            "key",
            format!(
                "`{}` is not a number: only numeric keys can be estimated",
                p.key
            ),
        ));
    }
    if arm_overrides.any(|set| set.iter().any(|o| o.key == p.key)) {
        return Err((
            "key",
            format!(
                "`{}` is also set by the file's or an arm's `set`: a parameter is either fixed \
                 or estimated",
                p.key
            ),
        ));
    }
    let need = |v: Option<f64>, name: &'static str| {
        v.ok_or((name, format!("a {} prior needs `{name}`", p.distribution)))
    };
    let given: Vec<&str> = [
        ("low", p.low),
        ("high", p.high),
        ("mean", p.mean),
        ("sd", p.sd),
        ("alpha", p.alpha),
        ("beta", p.beta),
        ("mu", p.mu),
        ("sigma", p.sigma),
    ]
    .iter()
    .filter(|(_, v)| v.is_some())
    .map(|(n, _)| *n)
    .collect();
    let (distribution, allowed): (Distribution, &[&str]) = match p.distribution.as_str() {
        "uniform" => (
            Distribution::Uniform {
                low: need(p.low, "low")?,
                high: need(p.high, "high")?,
            },
            &["low", "high"],
        ),
        "normal" => (
            Distribution::Normal {
                mean: need(p.mean, "mean")?,
                sd: need(p.sd, "sd")?,
            },
            &["mean", "sd"],
        ),
        "beta" => (
            Distribution::Beta {
                alpha: need(p.alpha, "alpha")?,
                beta: need(p.beta, "beta")?,
                low: p.low,
                high: p.high,
            },
            &["alpha", "beta", "low", "high"],
        ),
        "log_normal" | "lognormal" => (
            Distribution::LogNormal {
                mu: need(p.mu, "mu")?,
                sigma: need(p.sigma, "sigma")?,
            },
            &["mu", "sigma"],
        ),
        other => {
            return Err((
                "distribution",
                format!("`{other}` is not a prior: uniform, normal, beta or log_normal"),
            ));
        }
    };
    if let Some(extra) = given.iter().find(|g| !allowed.contains(g)) {
        return Err((
            "distribution",
            format!(
                "a {} prior takes {}, not `{extra}`",
                p.distribution,
                allowed.join(", ")
            ),
        ));
    }
    if let Some(problem) = distribution.problem() {
        return Err(("distribution", problem));
    }
    let (table_lo, table_hi) = param.range.bounds();
    let range = (
        table_lo.unwrap_or(f64::NEG_INFINITY),
        table_hi.unwrap_or(f64::INFINITY),
    );
    let (lo, hi) = distribution.support();
    let describe = param.range.describe();
    if matches!(
        distribution,
        Distribution::Uniform { .. } | Distribution::Beta { .. }
    ) && (lo < range.0 || hi > range.1)
    {
        return Err((
            "distribution",
            format!(
                "{} reaches outside the range of `{}` ({describe})",
                distribution.text(),
                p.key
            ),
        ));
    }
    let mass = distribution.mass_within(range.0, range.1);
    if mass < 0.5 {
        return Err((
            "distribution",
            format!(
                "{} puts {:.0}% of its mass inside the range of `{}` ({describe}); a prior is \
                 cut to the range, and must have most of its mass there",
                distribution.text(),
                mass * 100.0,
                p.key
            ),
        ));
    }
    Ok(Prior {
        key: p.key.clone(),
        distribution,
        range: (range.0.max(lo), range.1.min(hi)),
        integer: matches!(param.kind, crate::scenario::table::Kind::Integer),
    })
}

/// A target, checked; `(field, message)` on a problem.
fn target_of(t: &RawTarget, arms: &[String]) -> Result<Target, (&'static str, String)> {
    let arm_index = |name: &str, field: &'static str| {
        arms.iter().position(|a| a == name).ok_or((
            field,
            format!("`{name}` is not an arm: {}", arms.join(", ")),
        ))
    };
    if t.name.is_empty() {
        return Err(("name", "a target needs a name".into()));
    }
    let arm = arm_index(t.arm.as_deref().unwrap_or(BASE_ARM), "arm")?;
    let quantity = Quantity::parse(&t.measure, &t.group).map_err(|m| ("measure", m))?;
    let contrast = match t.contrast.as_deref() {
        None => None,
        Some(c) => Some(Contrast::ALL.into_iter().find(|k| k.name() == c).ok_or((
            "contrast",
            format!(
                "`{c}` is not a contrast: {}",
                Contrast::ALL.map(|k| k.name()).join(", ")
            ),
        ))?),
    };
    let contrasted = t.versus.is_some() || t.versus_measure.is_some() || t.versus_group.is_some();
    let versus = match (contrasted, contrast) {
        (false, None) => None,
        (false, Some(_)) => {
            return Err((
                "contrast",
                "a contrast needs `versus` (an arm), `versus_measure` or `versus_group`".into(),
            ));
        }
        (true, None) => {
            return Err((
                "contrast",
                "a target with `versus` needs `contrast`: difference, ratio, relative_change or \
                 odds_ratio"
                    .into(),
            ));
        }
        (true, Some(c)) => {
            let other_arm = match &t.versus {
                Some(a) => arm_index(a, "versus")?,
                None => arm,
            };
            let other = Quantity::parse(
                t.versus_measure.as_deref().unwrap_or(&t.measure),
                t.versus_group.as_deref().unwrap_or(&t.group),
            )
            .map_err(|m| ("versus_measure", m))?;
            if other_arm == arm && other == quantity {
                return Err((
                    "versus",
                    "a target contrasted with itself is always the same: name another arm, \
                     measure or group"
                        .into(),
                ));
            }
            Some((other_arm, other, c))
        }
    };
    if !t.observed.is_finite() {
        return Err(("observed", "must be a finite number".into()));
    }
    let standard_error = match (t.standard_error, t.range) {
        (Some(se), None) if se.is_finite() && se > 0.0 => se,
        (Some(_), None) => return Err(("standard_error", "must be above 0".into())),
        (None, Some([lo, hi])) if lo.is_finite() && hi.is_finite() && lo < hi => {
            if !(lo..=hi).contains(&t.observed) {
                return Err(("range", "must contain the observed value".into()));
            }
            // A range is read as a 95% interval: ±1.96 standard errors.
            (hi - lo) / (2.0 * crate::experiment::stats::Z_975)
        }
        (None, Some(_)) => return Err(("range", "must be [low, high] with low < high".into())),
        (Some(_), Some(_)) => {
            return Err(("range", "give a standard_error or a range, not both".into()));
        }
        (None, None) => {
            return Err((
                "standard_error",
                "a target needs its uncertainty: standard_error, or range = [low, high] (a 95% \
                 interval)"
                    .into(),
            ));
        }
    };
    Ok(Target {
        name: t.name.clone(),
        arm,
        quantity,
        versus,
        observed: t.observed,
        standard_error,
        source: t.source.clone(),
        held_out: t.hold_out,
    })
}
