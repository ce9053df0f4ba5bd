//! `casesim calibrate`: estimating uncertain parameters from observed figures by approximate
//! Bayesian computation (ABC-SMC, [`smc`]). A calibration file ([`file`]) names a base
//! scenario, the arms the targets are measured in, the targets ([`target`]: rates, or contrasts
//! between arms, each with its uncertainty) and the priors ([`prior`]); the output directory
//! gets `posterior.csv` (the particles and their weights), the diagnostics of every generation,
//! the fit of the calibrated model to each target, plots and a report ([`report`]).
//! docs/calibration.md explains the method and how to calibrate to one's own area.

pub mod file;
pub mod plots;
pub mod prior;
pub mod report;
pub mod smc;
pub mod store;
pub mod target;

use std::path::{Path, PathBuf};

use crate::error::{Error, InputError, InputProblem, Origin};
use crate::experiment::{ReplicationResult, simulate};
use crate::scenario::{Override, Scenario, scenario_from_source};

pub use file::{BASE_ARM, CalibrationFile};
pub use prior::{Distribution, Prior};
pub use smc::{Generation, Outcome, Particle, Settings, Stop};
pub use target::{Contrast, Group, Quantity, Target};

/// A calibration ready to run: the file, checked, with every arm's scenario shown to build.
pub struct Problem {
    pub file: CalibrationFile,
    /// Whether each arm is measured by a fitted target (the others are not run while
    /// fitting).
    used: Vec<bool>,
    /// Whether each arm is measured by a held-out target (run for the predictive checks).
    held_out_arms: Vec<bool>,
    /// Offender-weeks simulated by this process (the unit of throughput).
    offender_weeks: std::sync::atomic::AtomicU64,
}

/// The unit at share `k` of its size: cases, inflow, posts, volunteers, service places and the
/// duty rota's hours scaled, so that every rate is the same in expectation.
fn scale_unit(s: &mut Scenario, k: f64) {
    if k == 1.0 {
        return;
    }
    let round = |n: u32| ((f64::from(n) * k).round() as u32).max(u32::from(n > 0));
    let p = &mut s.population;
    p.initial_cases = round(p.initial_cases);
    p.inflow_per_week *= k;
    p.cases_in_force = round(p.cases_in_force);
    let w = &mut s.workforce;
    w.case_managers = round(w.case_managers);
    w.volunteers = round(w.volunteers);
    w.duty_hours_per_week *= k;
    s.services.capacity_scale *= k;
}

/// The overrides that put a particle's values into a scenario.
fn value_overrides(priors: &[Prior], values: &[f64]) -> Vec<Override> {
    priors
        .iter()
        .zip(values)
        .map(|(p, v)| Override {
            key: p.key.clone(),
            value: if p.integer {
                toml::Value::Integer(v.round() as i64)
            } else {
                toml::Value::Float(*v)
            },
            origin: Origin::Argument(format!("prior of {}", p.key)),
        })
        .collect()
}

impl Problem {
    /// Checks that every arm's scenario loads with its overrides and the priors' means (bad
    /// input names the arm's scenario file and key).
    pub fn new(file: CalibrationFile) -> Result<Problem, InputError> {
        let arms_of = |held_out: bool| {
            let mut used = vec![false; file.arms.len()];
            for t in file.targets.iter().filter(|t| t.held_out == held_out) {
                used[t.arm] = true;
                if let Some((arm, _, _)) = &t.versus {
                    used[*arm] = true;
                }
            }
            used
        };
        let (used, held_out_arms) = (arms_of(false), arms_of(true));
        let means: Vec<f64> = file.priors.iter().map(Prior::mean).collect();
        let mut problems = Vec::new();
        for arm in &file.arms {
            let mut overrides = arm.overrides.clone();
            overrides.extend(value_overrides(&file.priors, &means));
            match scenario_from_source(&arm.source(), &overrides) {
                Err(e) => problems.extend(e.0.into_iter().map(|mut p| {
                    p.message = format!("arm `{}`: {}", arm.name, p.message);
                    p
                })),
                Ok(mut s) if file.scale != 1.0 => {
                    let files =
                        !s.population.initial_caseload.is_empty() || !s.workforce.posts.is_empty();
                    scale_unit(&mut s, file.scale);
                    let invalid = crate::scenario::validate(&s);
                    if files || !invalid.is_empty() {
                        problems.push(InputProblem {
                            origin: Origin::File {
                                path: file.path.clone(),
                                line: None,
                            },
                            key: Some("scale".into()),
                            message: if files {
                                format!(
                                    "arm `{}` reads its cases or posts from a file, which \
                                     cannot be scaled: give scale = 1",
                                    arm.name
                                )
                            } else {
                                format!(
                                    "arm `{}` is not a valid unit at {} of its size: {}",
                                    arm.name,
                                    file.scale,
                                    invalid
                                        .iter()
                                        .map(|p| format!("{}: {}", p.key, p.message))
                                        .collect::<Vec<_>>()
                                        .join("; ")
                                )
                            },
                        });
                    }
                }
                Ok(_) => {}
            }
        }
        if problems.is_empty() {
            Ok(Problem {
                file,
                used,
                held_out_arms,
                offender_weeks: Default::default(),
            })
        } else {
            Err(InputError(problems))
        }
    }

    /// Arm `arm`'s scenario at `values`, with random numbers from `seed`; `None` if the values
    /// make it invalid (a relation between keys that the priors' ranges cannot express).
    pub fn scenario(&self, arm: usize, values: &[f64], seed: u64) -> Option<Scenario> {
        let a = &self.file.arms[arm];
        let mut overrides = a.overrides.clone();
        overrides.extend(value_overrides(&self.file.priors, values));
        let mut s = scenario_from_source(&a.source(), &overrides).ok()?;
        if self.file.scale != 1.0 {
            scale_unit(&mut s, self.file.scale);
            if !crate::scenario::validate(&s).is_empty() {
                return None;
            }
        }
        crate::experiment::steady::resolve(&mut s);
        s.simulation.seed = seed;
        s.simulation.replications = self.file.replications;
        Some(s)
    }

    /// The arms' replications at `values` (an empty list for an arm that none of the targets
    /// asked for measures); the arms share random numbers (common random numbers within a
    /// particle).
    pub fn results(
        &self,
        values: &[f64],
        seed: u64,
        held_out: bool,
    ) -> Option<Vec<Vec<ReplicationResult>>> {
        let used = if held_out {
            &self.held_out_arms
        } else {
            &self.used
        };
        let mut results = Vec::with_capacity(self.file.arms.len());
        for (arm, used) in used.iter().enumerate() {
            if !used {
                results.push(Vec::new());
                continue;
            }
            let s = self.scenario(arm, values, seed)?;
            let arm: Vec<ReplicationResult> = (0..s.simulation.replications)
                .map(|r| simulate(&s, r))
                .collect();
            let weeks: u64 = arm.iter().map(|r| r.offender_weeks).sum();
            self.offender_weeks
                .fetch_add(weeks, std::sync::atomic::Ordering::Relaxed);
            results.push(arm);
        }
        Some(results)
    }

    /// The targets fitted (`held_out` false) or held out, in the file's order.
    pub fn targets(&self, held_out: bool) -> impl Iterator<Item = &Target> {
        self.file
            .targets
            .iter()
            .filter(move |t| t.held_out == held_out)
    }

    /// The fitted targets' simulated values at `values` (the particles' summaries).
    pub fn summaries(&self, values: &[f64], seed: u64) -> Option<Vec<f64>> {
        let results = self.results(values, seed, false)?;
        self.targets(false).map(|t| t.value(&results)).collect()
    }

    /// The held-out targets' values for each particle of a generation (a posterior, or the
    /// prior's, predictive check), each particle on random numbers of its own; NaN where a
    /// value cannot be measured.
    pub fn held_out_values(&self, generation: &Generation) -> Vec<Vec<f64>> {
        use rayon::prelude::*;
        if self.targets(true).next().is_none() {
            return vec![Vec::new(); generation.particles.len()];
        }
        generation
            .particles
            .par_iter()
            .enumerate()
            .map(|(i, p)| {
                // Not any proposal's seed: proposals draw theirs from their own streams.
                let seed = self.file.settings.seed
                    ^ (u64::from(generation.index) << 48)
                    ^ (0x4e1d_0000_0000 + i as u64);
                match self.results(&p.values, seed, true) {
                    Some(results) => self
                        .targets(true)
                        .map(|t| t.value(&results).unwrap_or(f64::NAN))
                        .collect(),
                    None => vec![f64::NAN; self.targets(true).count()],
                }
            })
            .collect()
    }

    /// The distance of the fitted targets' summaries from their observed values.
    pub fn distance(&self, summaries: &[f64]) -> f64 {
        let fitted: Vec<Target> = self.targets(false).cloned().collect();
        target::distance(&fitted, summaries)
    }

    /// Offender-weeks simulated so far by this process.
    pub fn offender_weeks(&self) -> u64 {
        self.offender_weeks
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn arm_names(&self) -> Vec<String> {
        self.file.arms.iter().map(|a| a.name.clone()).collect()
    }

    /// What identifies this calibration: a resumed run or an output directory is this one's
    /// only when it matches (the file, every arm's scenario text and the program's version).
    pub fn identity(&self) -> String {
        let mut id = format!(
            "casesim {} calibration\n{}\n",
            env!("CARGO_PKG_VERSION"),
            self.file.text
        );
        for arm in &self.file.arms {
            id.push_str(&format!(
                "arm {} from {}\n{}\n",
                arm.name,
                arm.path.display(),
                arm.text
            ));
        }
        id
    }
}

/// The options of `casesim calibrate`.
pub struct Options {
    pub out: Option<PathBuf>,
    pub progress: bool,
    pub replace: bool,
    /// Overrides the file's `smc.particles`, `smc.max_generations` (for quick trials).
    pub particles: Option<usize>,
    pub max_generations: Option<u32>,
    pub command: String,
}

/// What a calibration did.
pub struct Calibrated {
    pub dir: PathBuf,
    pub outcome: Outcome,
    /// The held-out targets' values for each particle of the prior's generation and of the
    /// posterior ([`Problem::held_out_values`]).
    pub held_out: [Vec<Vec<f64>>; 2],
    pub seconds: f64,
    pub offender_weeks: u64,
    pub resumed_generations: usize,
}

/// Loads a calibration file, with the options' overrides of its settings.
pub fn load(path: &Path, options: &Options) -> Result<Problem, Error> {
    let mut file = CalibrationFile::load(path)?;
    let argument = |text: String, message: &str| {
        Error::Input(
            InputProblem {
                origin: Origin::Argument(text),
                key: None,
                message: message.into(),
            }
            .into(),
        )
    };
    if let Some(n) = options.particles {
        if !(10..=100_000).contains(&n) {
            return Err(argument(
                format!("--particles {n}"),
                "must be from 10 to 100000",
            ));
        }
        if file.settings.batch == file.settings.particles {
            file.settings.batch = n;
        }
        file.settings.particles = n;
    }
    if let Some(g) = options.max_generations {
        if !(1..=100).contains(&g) {
            return Err(argument(
                format!("--generations {g}"),
                "must be from 1 to 100",
            ));
        }
        file.settings.max_generations = g;
    }
    Ok(Problem::new(file)?)
}

/// Runs a calibration to its stop and writes the outputs.
pub fn calibrate(problem: &Problem, options: &Options) -> Result<Calibrated, Error> {
    let dir = options.out.clone().unwrap_or_else(|| {
        PathBuf::from("output").join(crate::files::safe_file_name(&format!(
            "{}-calibration",
            problem.file.name
        )))
    });
    let lock = crate::files::lock_dir(&dir)?;
    report::check_directory(&dir, problem, options.replace)?;
    let store = store::DirStore::open(&dir, problem)?;
    let resumed = store.generations_found();
    let started = std::time::Instant::now();
    let bar = report::Progress::new(&problem.file.settings, options.progress);
    let settings = problem.file.settings.clone();
    let simulate = |values: &[f64], seed: u64| problem.summaries(values, seed);
    let distance = |summaries: &[f64]| problem.distance(summaries);
    let prior = prior::Joint(&problem.file.priors);
    let outcome = smc::run(&settings, &prior, &simulate, &distance, &store, &|p| {
        bar.update(p)
    })
    .map_err(|message| Error::in_file(&problem.file.path, message))?;
    bar.finish();
    let held_out = [
        problem.held_out_values(&outcome.generations[0]),
        problem.held_out_values(outcome.posterior()),
    ];
    let seconds = started.elapsed().as_secs_f64();
    let offender_weeks = problem.offender_weeks();
    let calibrated = Calibrated {
        dir: dir.clone(),
        outcome,
        held_out,
        seconds,
        offender_weeks,
        resumed_generations: resumed,
    };
    let files = report::files(problem, &calibrated, &options.command)?;
    crate::files::publish(&dir, &files, crate::files::Replace::All)?;
    store.finish()?;
    drop(lock);
    Ok(calibrated)
}
