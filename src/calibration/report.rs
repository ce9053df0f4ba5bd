//! What a calibration writes: `posterior.csv` (one row per particle), `generations.csv` (the
//! diagnostics of each generation), `parameters.csv` (each parameter's prior and posterior),
//! `fit.csv` (each target beside the calibrated model's value), `calibration.json`, the plots
//! and `report.html`; and the progress bar while it runs. docs/outputs.md lists the columns.

use std::fmt::Write as _;
use std::path::Path;

use html_escape::encode_text as esc;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use crate::calibration::smc::{
    self, Generation, Settings, weighted_moments, weighted_value_quantile,
};
use crate::calibration::{Calibrated, Problem, plots};
use crate::error::Error;
use crate::output::cell;
use crate::output::plots::Figure;
use crate::scenario::table::readable;

/// The progress bar: the generation, its particles accepted so far, the acceptance rate and
/// the tolerance, with the time left in the generation (generations after the first take
/// longer: their tolerance is tighter).
pub struct Progress {
    bar: ProgressBar,
    generation: std::sync::Mutex<Option<u32>>,
}

impl Progress {
    pub fn new(settings: &Settings, show: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(
            Some(settings.particles as u64),
            if show {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {pos}/{len} particles, {elapsed} (ETA {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Progress {
            bar,
            generation: std::sync::Mutex::new(None),
        }
    }

    pub fn update(&self, p: smc::Progress) {
        let mut current = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        if *current != Some(p.generation) {
            *current = Some(p.generation);
            self.bar.reset();
        }
        let acceptance = if p.simulations > 0 {
            format!("{:.0}%", 100.0 * p.accepted as f64 / p.simulations as f64)
        } else {
            "-".into()
        };
        self.bar.set_message(format!(
            "generation {} (tolerance {}, acceptance {acceptance})",
            p.generation,
            tolerance_text(p.tolerance)
        ));
        self.bar.set_position(p.accepted);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

pub fn tolerance_text(t: f64) -> String {
    if t.is_finite() {
        format!("{t:.3}")
    } else {
        "none".into()
    }
}

/// Refuses an output directory holding another experiment's outputs, unless `replace`.
pub fn check_directory(dir: &Path, problem: &Problem, replace: bool) -> Result<(), Error> {
    let manifest = dir.join(crate::files::MANIFEST_NAME);
    let listed = std::fs::read_to_string(&manifest).unwrap_or_default();
    if replace || listed.trim().is_empty() {
        return Ok(());
    }
    let held = std::fs::read(dir.join("calibration.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|j| j.get("identity")?.as_str().map(String::from));
    if held.as_deref() == Some(problem.identity().as_str()) {
        return Ok(());
    }
    Err(Error::in_file(
        dir,
        "holds the outputs of another experiment, not of this calibration; nothing was run or \
         changed. Give another --out, or --replace to replace those outputs with these",
    ))
}

/// The mean and 90% interval of values weighted by their particles' weights (values that
/// could not be measured left out, the rest reweighted).
fn predictive(weighted: impl Iterator<Item = (f64, f64)>) -> (f64, f64, f64) {
    let mut pairs: Vec<(f64, f64)> = weighted.filter(|(_, v)| v.is_finite()).collect();
    let total: f64 = pairs.iter().map(|(w, _)| w).sum();
    if pairs.is_empty() || total <= 0.0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    pairs.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mean = pairs.iter().map(|(w, v)| w * v).sum::<f64>() / total;
    let quantile = |q: f64| {
        let mut sum = 0.0;
        for (w, v) in &pairs {
            sum += w / total;
            if sum >= q {
                return *v;
            }
        }
        pairs[pairs.len() - 1].1
    };
    (mean, quantile(0.05), quantile(0.95))
}

/// `posterior.csv`: `particle,weight,distance,` then one column per parameter key.
pub fn posterior_csv(problem: &Problem, posterior: &Generation) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["particle".to_string(), "weight".into(), "distance".into()];
    header.extend(problem.file.priors.iter().map(|p| p.key.clone()));
    let _ = w.write_record(&header);
    for (i, p) in posterior.particles.iter().enumerate() {
        let mut row = vec![i.to_string(), p.weight.to_string(), p.distance.to_string()];
        row.extend(problem.file.priors.iter().zip(&p.values).map(|(prior, v)| {
            if prior.integer {
                v.round().to_string()
            } else {
                v.to_string()
            }
        }));
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}

/// `generations.csv`: one row per generation.
pub fn generations_csv(generations: &[Generation]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "generation",
        "tolerance",
        "particles",
        "simulations",
        "accepted",
        "acceptance_rate",
        "effective_sample_size",
        "redrawn",
        "simulations_total",
    ]);
    let mut total = 0;
    for g in generations {
        total += g.simulations;
        let _ = w.write_record([
            g.index.to_string(),
            if g.tolerance.is_finite() {
                g.tolerance.to_string()
            } else {
                String::new()
            },
            g.particles.len().to_string(),
            g.simulations.to_string(),
            g.accepted.to_string(),
            g.acceptance_rate().to_string(),
            g.effective_sample_size().to_string(),
            g.redrawn.to_string(),
            total.to_string(),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

/// One parameter's prior and posterior, for `parameters.csv` and the report.
pub struct ParameterSummary {
    pub key: String,
    pub prior: String,
    pub default: Option<f64>,
    pub prior_mean: f64,
    pub prior_sd: f64,
    pub mean: f64,
    pub sd: f64,
    pub q05: f64,
    pub median: f64,
    pub q95: f64,
}

impl ParameterSummary {
    /// How much the data narrowed the prior: `1 − sd(posterior) / sd(prior)`.
    pub fn shrinkage(&self) -> f64 {
        if self.prior_sd > 0.0 {
            1.0 - self.sd / self.prior_sd
        } else {
            0.0
        }
    }
}

pub fn parameter_summaries(problem: &Problem, outcome: &smc::Outcome) -> Vec<ParameterSummary> {
    let prior = &outcome.generations[0].particles;
    let posterior = &outcome.posterior().particles;
    problem
        .file
        .priors
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (prior_mean, prior_sd) = weighted_moments(prior, i);
            let (mean, sd) = weighted_moments(posterior, i);
            let q = |q| weighted_value_quantile(posterior, |x| x.values[i], q);
            ParameterSummary {
                key: p.key.clone(),
                prior: p.distribution.text(),
                default: crate::scenario::table::parameter(&p.key).and_then(|param| {
                    param
                        .default
                        .as_float()
                        .or_else(|| param.default.as_integer().map(|i| i as f64))
                }),
                prior_mean,
                prior_sd,
                mean,
                sd,
                q05: q(0.05),
                median: q(0.5),
                q95: q(0.95),
            }
        })
        .collect()
}

fn parameters_csv(summaries: &[ParameterSummary]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "key",
        "prior",
        "default",
        "prior_mean",
        "prior_sd",
        "posterior_mean",
        "posterior_sd",
        "posterior_q05",
        "posterior_median",
        "posterior_q95",
        "shrinkage",
    ]);
    for s in summaries {
        let _ = w.write_record([
            s.key.clone(),
            s.prior.clone(),
            cell(s.default),
            s.prior_mean.to_string(),
            s.prior_sd.to_string(),
            s.mean.to_string(),
            s.sd.to_string(),
            s.q05.to_string(),
            s.median.to_string(),
            s.q95.to_string(),
            s.shrinkage().to_string(),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

/// One target's fit, for `fit.csv` and the report.
pub struct Fit {
    pub name: String,
    pub describe: String,
    pub observed: f64,
    pub standard_error: f64,
    /// Held out: not fitted, measured on the posterior as a check.
    pub held_out: bool,
    pub prior: (f64, f64, f64),
    pub posterior: (f64, f64, f64),
}

impl Fit {
    /// The posterior predictive mean's distance from the observed value, in standard errors.
    pub fn z(&self) -> f64 {
        (self.posterior.0 - self.observed) / self.standard_error
    }
}

pub fn fits(problem: &Problem, calibrated: &Calibrated) -> Vec<Fit> {
    let names = problem.arm_names();
    let outcome = &calibrated.outcome;
    let generations = [&outcome.generations[0], outcome.posterior()];
    let (mut fitted, mut held) = (0, 0);
    problem
        .file
        .targets
        .iter()
        .map(|t| {
            // Fitted targets are the particles' summaries; held-out ones were measured after.
            let [prior, posterior] = [0, 1].map(|g| {
                let particles = &generations[g].particles;
                if t.held_out {
                    let values = &calibrated.held_out[g];
                    predictive(
                        particles
                            .iter()
                            .zip(values)
                            .map(|(p, v)| (p.weight, v.get(held).copied().unwrap_or(f64::NAN))),
                    )
                } else {
                    predictive(particles.iter().map(|p| {
                        (
                            p.weight,
                            p.summaries.get(fitted).copied().unwrap_or(f64::NAN),
                        )
                    }))
                }
            });
            if t.held_out {
                held += 1;
            } else {
                fitted += 1;
            }
            Fit {
                name: t.name.clone(),
                describe: t.describe(&names),
                observed: t.observed,
                standard_error: t.standard_error,
                held_out: t.held_out,
                prior,
                posterior,
            }
        })
        .collect()
}

fn fit_csv(fits: &[Fit]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "target",
        "measured",
        "role",
        "observed",
        "standard_error",
        "prior_mean",
        "prior_q05",
        "prior_q95",
        "posterior_mean",
        "posterior_q05",
        "posterior_q95",
        "posterior_z",
    ]);
    for f in fits {
        let _ = w.write_record([
            f.name.clone(),
            f.describe.clone(),
            if f.held_out { "held_out" } else { "fitted" }.to_string(),
            f.observed.to_string(),
            f.standard_error.to_string(),
            f.prior.0.to_string(),
            f.prior.1.to_string(),
            f.prior.2.to_string(),
            f.posterior.0.to_string(),
            f.posterior.1.to_string(),
            f.posterior.2.to_string(),
            f.z().to_string(),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

/// Every output file of a calibration.
pub fn files(
    problem: &Problem,
    calibrated: &Calibrated,
    command: &str,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let outcome = &calibrated.outcome;
    let summaries = parameter_summaries(problem, outcome);
    let fits = fits(problem, calibrated);
    let figures = plots::figures(problem, outcome, &summaries, &fits)?;
    let record = json!({
        "kind": "calibrate",
        "name": problem.file.name,
        "file": problem.file.path.display().to_string(),
        "command": command,
        "version": env!("CARGO_PKG_VERSION"),
        "settings": problem.file.settings,
        "replications_per_particle": problem.file.replications,
        "stop": outcome.stop,
        "stop_reason": outcome.stop.words(),
        "generations": outcome.generations.len(),
        "simulations": outcome.simulations(),
        "resumed_generations": calibrated.resumed_generations,
        "seconds": calibrated.seconds,
        "offender_weeks": calibrated.offender_weeks,
        "offender_weeks_per_second": calibrated.offender_weeks as f64 / calibrated.seconds.max(1e-9),
        "identity": problem.identity(),
    });
    let mut files = vec![
        (
            "posterior.csv".to_string(),
            posterior_csv(problem, outcome.posterior()),
        ),
        (
            "generations.csv".into(),
            generations_csv(&outcome.generations),
        ),
        ("parameters.csv".into(), parameters_csv(&summaries)),
        ("fit.csv".into(), fit_csv(&fits)),
        (
            "calibration.json".into(),
            serde_json::to_vec_pretty(&record).expect("the record serialises"),
        ),
    ];
    for f in &figures {
        files.push((format!("{}.svg", f.name), f.svg.clone().into_bytes()));
        files.push((format!("{}.png", f.name), f.png.clone()));
    }
    files.push((
        "report.html".into(),
        report_html(problem, outcome, &summaries, &fits, &figures).into_bytes(),
    ));
    Ok(files)
}

fn number(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// The report page: what was calibrated to what, how the run went, each parameter's
/// posterior, and the fit to each target.
pub fn report_html(
    problem: &Problem,
    outcome: &smc::Outcome,
    summaries: &[ParameterSummary],
    fits: &[Fit],
    figures: &[Figure],
) -> String {
    let f = &problem.file;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>casesim calibration: {}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n",
        esc(&f.name),
        crate::output::report::CSS
    );
    let _ = writeln!(h, "<h1>casesim calibration: {}</h1>", esc(&f.name));
    if !f.description.is_empty() {
        let _ = writeln!(h, "<p class=\"lead\">{}</p>", esc(&f.description));
    }
    let posterior = outcome.posterior();
    let _ = writeln!(
        h,
        "<p>{} parameters estimated from {} targets by approximate Bayesian computation \
         (ABC-SMC: population Monte Carlo with adaptive tolerances; docs/calibration.md). \
         {} generations of {} particles, {} simulations of {} replication(s) each; stopped \
         because {}. The final tolerance is {}: the particles' simulated targets lie within \
         that many standard errors of the observed ones, as a root mean square.</p>",
        f.priors.len(),
        f.targets.len(),
        outcome.generations.len(),
        f.settings.particles,
        outcome.simulations(),
        f.replications,
        outcome.stop.words(),
        tolerance_text(posterior.tolerance),
    );
    h.push_str("<h2>The fit to each target</h2>\n<p>The observed value with its standard error, \
        beside what the model gives under the prior and under the posterior (mean and 90% \
        interval of the particles' simulated values). z is the posterior mean's distance from \
        the observed value in standard errors. A held-out target was not fitted: it was measured \
        on the posterior afterwards, a check of what the calibration was not given.</p>\n<table>\n\
        <tr><th>target</th><th>measured</th><th>role</th><th>observed (se)</th><th>prior: mean (90%)</th><th>posterior: mean (90%)</th><th>z</th></tr>\n");
    for fit in fits {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} ({})</td><td>{} ({} to {})</td>\
             <td>{} ({} to {})</td><td>{:.1}</td></tr>",
            esc(&fit.name),
            esc(&fit.describe),
            if fit.held_out { "held out" } else { "fitted" },
            number(fit.observed),
            number(fit.standard_error),
            number(fit.prior.0),
            number(fit.prior.1),
            number(fit.prior.2),
            number(fit.posterior.0),
            number(fit.posterior.1),
            number(fit.posterior.2),
            fit.z()
        );
    }
    h.push_str(
        "</table>\n<h2>Parameters</h2>\n<p>Each parameter's prior, the default in the \
        parameter table, and its posterior (weighted over particles). Shrinkage is how much the \
        targets narrowed the prior (1 − posterior sd / prior sd): near 0, the targets say \
        little about it.</p>\n<table>\n<tr><th>key</th><th>prior</th><th>default</th>\
        <th>posterior mean (sd)</th><th>90% interval</th><th>shrinkage</th></tr>\n",
    );
    for s in summaries {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{} ({})</td>\
             <td>{} to {}</td><td>{:.0}%</td></tr>",
            esc(&s.key),
            esc(&s.prior),
            s.default.map_or("–".into(), readable),
            number(s.mean),
            number(s.sd),
            number(s.q05),
            number(s.q95),
            100.0 * s.shrinkage()
        );
    }
    h.push_str(
        "</table>\n<h2>Generations</h2>\n<table>\n<tr><th>generation</th>\
        <th>tolerance</th><th>simulations</th><th>acceptance</th><th>effective sample size</th>\
        </tr>\n",
    );
    for g in &outcome.generations {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.1}%</td><td>{:.0}</td></tr>",
            g.index,
            tolerance_text(g.tolerance),
            g.simulations,
            100.0 * g.acceptance_rate(),
            g.effective_sample_size()
        );
    }
    h.push_str("</table>\n");
    for fig in figures {
        let _ = writeln!(
            h,
            "<figure>{}<figcaption><strong>{}</strong>. {}</figcaption></figure>",
            crate::output::report::inline_svg(&fig.svg),
            esc(&fig.title),
            esc(&fig.caption)
        );
    }
    h.push_str(
        "<p>Files: posterior.csv (the particles: use it with <code>casesim run --posterior</code>), \
         parameters.csv, fit.csv, generations.csv, calibration.json.</p>\n</main>\n</body>\n</html>\n",
    );
    h
}

/// What `casesim calibrate` prints: how the run went, each parameter's posterior and the fit.
pub fn summary_text(problem: &Problem, done: &Calibrated) -> String {
    let outcome = &done.outcome;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "casesim calibrate: {} — {} parameters, {} targets, {} generations of {} particles, {} \
         simulations, {:.1} s ({:.2} M offender-weeks a second){}; stopped because {}\n",
        problem.file.name,
        problem.file.priors.len(),
        problem.file.targets.len(),
        outcome.generations.len(),
        problem.file.settings.particles,
        outcome.simulations(),
        done.seconds,
        done.offender_weeks as f64 / done.seconds.max(1e-9) / 1e6,
        if done.resumed_generations > 0 {
            format!(
                ", {} generations resumed from the checkpoint",
                done.resumed_generations
            )
        } else {
            String::new()
        },
        outcome.stop.words()
    );
    let _ = writeln!(
        t,
        "{:<48} {:>10} {:>10} {:>22}",
        "parameter", "prior mean", "posterior", "90% interval"
    );
    for s in parameter_summaries(problem, outcome) {
        let _ = writeln!(
            t,
            "{:<48} {:>10} {:>10} {:>22}",
            s.key,
            number(s.prior_mean),
            number(s.mean),
            format!("{} to {}", number(s.q05), number(s.q95))
        );
    }
    let _ = writeln!(
        t,
        "\n{:<36} {:>10} {:>10} {:>22} {:>6}",
        "target", "observed", "posterior", "90% interval", "z"
    );
    for f in fits(problem, done) {
        let _ = writeln!(
            t,
            "{:<36} {:>10} {:>10} {:>22} {:>6.1}",
            f.name,
            number(f.observed),
            number(f.posterior.0),
            format!("{} to {}", number(f.posterior.1), number(f.posterior.2)),
            f.z()
        );
    }
    let _ = writeln!(t, "\nWritten to {}", done.dir.display());
    t
}
