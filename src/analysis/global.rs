//! Global sensitivity: `casesim sensitivity --method sobol` (Sobol' indices, [`super::sobol`])
//! and `--method morris` (elementary effects, [`super::morris`]). Each parameter varies over a
//! range, all of them at once, so that these methods see effects across the ranges and (Sobol's
//! total index, Morris's σ) interactions, where one-at-a-time screening (`--method oat`,
//! [`super::sensitivity`]) sees only the slope at the scenario's values.
//!
//! A parameter's range is given (`--key KEY=LOW..HIGH`, checked against the key's range in the
//! parameter table) or taken from its value ± `--step` of it (`--key KEY`), cut to the table's
//! range. A point of the unit cube maps to a value low + u (high − low); an integer key takes
//! low + ⌊u (high − low + 1)⌋ (each whole number equally likely), at most high. Every point
//! of the design is a scenario, run with the same replications (the same seeds) as every other
//! point, common random numbers as in one-at-a-time screening; the output at a point is the
//! mean of each measure over its replications. Cost: N (k + 2) points for Sobol, r (k + 1) for
//! Morris, each run `--reps` times.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::analysis::sensitivity::{MEASURES, NOT_PARAMETERS, number_at, readable};
use crate::analysis::{morris, sobol};
use crate::error::{Error, InputProblem, Origin};
use crate::experiment::run_jobs_measured;
use crate::files::write_files;
use crate::output::effects::key_label;
use crate::output::plots::{Ranked, RankedBar, ranked_bars};
use crate::output::sensitivity_report::{Page, PageFigure, page_html};
use crate::scenario::{Scenario, validate};

/// The parameters varied by default by `--method sobol` and `morris`: fewer than
/// one-at-a-time screening's 35, as Sobol's cost grows with their number (N (k + 2) points);
/// the main levers (caseload cap, hours, service capacity) and the assumptions that screening
/// found the results hang on (docs/validation.md).
pub const DEFAULT_KEYS: [&str; 8] = [
    "compliance.base_attendance",
    "workforce.caseload_cap",
    "workforce.hours_per_week",
    "relationship.growth_per_contact",
    "needs.work_per_contact",
    "court.revocation.low",
    "enforcement.reconviction_revocation_prob",
    "services.capacity_scale",
];

/// Which global method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Sobol,
    Morris,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Sobol => "sobol",
            Method::Morris => "morris",
        }
    }
}

/// A parameter's range.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyRange {
    pub key: String,
    pub base: f64,
    pub low: f64,
    pub high: f64,
    /// The key takes whole numbers.
    pub integer: bool,
}

impl KeyRange {
    /// The value at `u` in [0, 1].
    pub fn value(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        if self.integer {
            let span = self.high - self.low;
            self.low + (u * (span + 1.0)).floor().min(span)
        } else {
            self.low + u * (self.high - self.low)
        }
    }

    /// Where a value lies in the range, 0 to 1.
    pub fn position(&self, v: f64) -> f64 {
        (v - self.low) / (self.high - self.low)
    }
}

fn bad(argument: String, message: String) -> Error {
    InputProblem {
        origin: Origin::Argument(argument),
        key: None,
        message,
    }
    .into()
}

/// The ranges of `specs` (`KEY` or `KEY=LOW..HIGH`) around `base`; a `KEY` alone spans its
/// value ± `step` of it (± `step` from zero), cut to the table's range. Problems name the
/// argument at fault (`--key K`, or the scenario for a default key).
pub fn ranges(
    base: &Scenario,
    specs: &[String],
    step: f64,
    keys_given: bool,
    scenario: &Path,
) -> Result<Vec<KeyRange>, Error> {
    let table = toml::Value::try_from(base).map_err(|e| bad("SCENARIO".into(), e.to_string()))?;
    let mut out: Vec<KeyRange> = Vec::new();
    for spec in specs {
        let argument = if keys_given {
            format!("--key {spec}")
        } else {
            scenario.display().to_string()
        };
        let fail = |message: String| {
            if keys_given {
                bad(argument.clone(), message)
            } else {
                bad(argument.clone(), format!("default key `{spec}` {message}"))
            }
        };
        let (key, given) = match spec.split_once('=') {
            Some((k, r)) => (k.trim(), Some(r.trim())),
            None => (spec.trim(), None),
        };
        if let Some((_, why)) = NOT_PARAMETERS.iter().find(|(k, _)| *k == key) {
            return Err(fail(format!("`{key}` {why}")));
        }
        if out.iter().any(|r| r.key == key) {
            return Err(fail(format!("`{key}` is given twice")));
        }
        let value = number_at(&table, key)
            .ok_or_else(|| fail(format!("`{key}` is not a numeric key of the scenario")))?;
        let integer = matches!(
            key.split('.').try_fold(&table, |v, part| v.get(part)),
            Some(toml::Value::Integer(_))
        );
        let range = crate::scenario::table::parameter(key)
            .map(|p| p.range)
            .unwrap_or_default();
        let (low, high) = match given {
            Some(text) => {
                let parsed = text.split_once("..").and_then(|(l, h)| {
                    Some((l.trim().parse::<f64>().ok()?, h.trim().parse::<f64>().ok()?))
                });
                let Some((low, high)) = parsed else {
                    return Err(fail(format!(
                        "`{text}` is not a range LOW..HIGH of two numbers (e.g. {key}=0.1..0.3)"
                    )));
                };
                if !(low < high) {
                    return Err(fail(format!(
                        "the range {}..{} of `{key}` must go from low to high",
                        readable(low),
                        readable(high)
                    )));
                }
                for v in [low, high] {
                    if !range.contains(v) {
                        return Err(fail(format!(
                            "{} is outside the range of `{key}` ({})",
                            readable(v),
                            range.describe()
                        )));
                    }
                    if integer && v.fract() != 0.0 {
                        return Err(fail(format!(
                            "`{key}` takes whole numbers, not {}",
                            readable(v)
                        )));
                    }
                }
                (low, high)
            }
            None => {
                let delta = if value == 0.0 {
                    step
                } else {
                    value.abs() * step
                };
                let delta = if integer {
                    delta.round().max(1.0)
                } else {
                    delta
                };
                let (bottom, top) = range.bounds();
                // An inclusive bound is reached; an exclusive one is approached halfway.
                let low = match (range.min, bottom) {
                    (Some(m), _) => (value - delta).max(m),
                    (None, Some(b)) if value - delta <= b => b + (value - b) / 2.0,
                    _ => value - delta,
                };
                let high = match (range.max, top) {
                    (Some(m), _) => (value + delta).min(m),
                    (None, Some(b)) if value + delta >= b => b - (b - value) / 2.0,
                    _ => value + delta,
                };
                // Ten significant figures: 0.7 − 0.7 × 0.2 is 0.56, not 0.5599999999999999.
                let tidy = |x: f64| format!("{x:.9e}").parse::<f64>().unwrap_or(x);
                let (low, high) = if integer {
                    (low.ceil(), high.floor())
                } else {
                    (tidy(low), tidy(high))
                };
                if !(low < high) {
                    return Err(fail(format!(
                        "`{key}` ({value}) cannot be varied by a share {} of it within its \
                         range ({}): give a range, --key {key}=LOW..HIGH",
                        readable(step),
                        range.describe()
                    )));
                }
                (low, high)
            }
        };
        out.push(KeyRange {
            key: key.to_string(),
            base: value,
            low,
            high,
            integer,
        });
    }
    Ok(out)
}

/// The scenario at a point of the unit cube, or why it is not a valid scenario.
fn at_point(table: &toml::Value, ranges: &[KeyRange], u: &[f64]) -> Result<Scenario, String> {
    let mut table = table.clone();
    for (r, &u) in ranges.iter().zip(u) {
        let v = r.value(u);
        let mut slot = &mut table;
        for part in r.key.split('.') {
            slot = slot
                .get_mut(part)
                .ok_or_else(|| format!("`{}` is not a key", r.key))?;
        }
        *slot = if r.integer {
            toml::Value::Integer(v as i64)
        } else {
            toml::Value::Float(v)
        };
    }
    let scenario: Scenario = table.try_into().map_err(|e| e.to_string())?;
    let problems = validate(&scenario);
    if problems.is_empty() {
        Ok(scenario)
    } else {
        Err(problems
            .iter()
            .map(|p| format!("`{}` {}", p.key, p.message))
            .collect::<Vec<_>>()
            .join("; "))
    }
}

/// The scenarios at the design's points; an invalid one is bad input naming the values.
fn scenarios(
    base: &Scenario,
    ranges: &[KeyRange],
    points: &[Vec<f64>],
) -> Result<Vec<Scenario>, Error> {
    let table = toml::Value::try_from(base).map_err(|e| bad("SCENARIO".into(), e.to_string()))?;
    points
        .iter()
        .map(|u| {
            at_point(&table, ranges, u).map_err(|why| {
                let values = ranges
                    .iter()
                    .zip(u)
                    .map(|(r, &u)| format!("{}={}", r.key, readable(r.value(u))))
                    .collect::<Vec<_>>()
                    .join(", ");
                bad(
                    "--key".into(),
                    format!(
                        "the scenario is not valid at a point of the design ({values}): {why}; \
                         narrow the ranges"
                    ),
                )
            })
        })
        .collect()
}

/// Each measure's mean over the replications at each point: `[measure][point]`, `None` where
/// a replication left the measure undefined.
fn evaluate(arms: &[Scenario], reps: u32, done: &(dyn Fn() + Sync)) -> Vec<Vec<Option<f64>>> {
    let refs: Vec<&Scenario> = arms.iter().collect();
    let jobs: Vec<(usize, u32)> = (0..arms.len())
        .flat_map(|a| (0..reps).map(move |r| (a, r)))
        .collect();
    let values = run_jobs_measured(&refs, &jobs, &|r| MEASURES.map(|m| r.metrics.get(m)), done);
    (0..MEASURES.len())
        .map(|m| {
            values
                .chunks(reps as usize)
                .map(|reps_at_point| {
                    let mut sum = 0.0;
                    for v in reps_at_point {
                        sum += v[m]?;
                    }
                    Some(sum / reps_at_point.len() as f64)
                })
                .collect()
        })
        .collect()
}

/// The sample sizes of a global analysis.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    /// Sobol: base rows N.
    pub samples: usize,
    /// Morris: trajectories r and grid levels p.
    pub trajectories: usize,
    pub levels: usize,
}

/// Points of the design: N (k + 2) or r (k + 1).
pub fn points(method: Method, k: usize, sizes: &Sizes) -> usize {
    match method {
        Method::Sobol => sizes.samples * (k + 2),
        Method::Morris => sizes.trajectories * (k + 1),
    }
}

/// What a global analysis found: per measure of [`MEASURES`], the indices of every key.
#[derive(Clone, Debug)]
pub enum Found {
    Sobol(Vec<Option<sobol::Indices>>),
    Morris(Vec<Option<Vec<morris::Effects>>>),
}

/// A finished global analysis.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub method: Method,
    pub ranges: Vec<KeyRange>,
    pub sizes: Sizes,
    pub reps: u32,
    pub found: Found,
}

/// The design's seed from the scenario's.
fn design_seed(seed: u64) -> u64 {
    seed ^ 0x5eed_6c0b_a15e_0001
}

/// Runs the analysis of `ranges` around `base` (whose replications are used at every point).
/// The design is checked first (every point a valid scenario), then its cost against the
/// machine's limits (unless `force`).
pub fn analyse(
    base: &Scenario,
    ranges: Vec<KeyRange>,
    method: Method,
    sizes: Sizes,
    force: bool,
    done: &(dyn Fn() + Sync),
) -> Result<Analysis, Error> {
    let k = ranges.len();
    let seed = design_seed(base.simulation.seed);
    let reps = base.simulation.replications;
    let (sobol_design, mut morris_design) = match method {
        Method::Sobol => (
            Some(sobol::design(
                k,
                sizes.samples,
                (seed ^ (seed >> 32)) as u32,
            )),
            None,
        ),
        Method::Morris => (
            None,
            Some(morris::design(k, sizes.trajectories, sizes.levels, seed)),
        ),
    };
    let unit_points = match (&sobol_design, &morris_design) {
        (Some(d), _) => &d.points,
        (_, Some(d)) => &d.points,
        _ => unreachable!("one design"),
    };
    let arms = scenarios(base, &ranges, unit_points)?;
    let size_argument = match method {
        Method::Sobol => "--samples",
        Method::Morris => "--trajectories",
    };
    check_cost(base, arms.len(), size_argument, force)?;
    let outputs = evaluate(&arms, reps, done);
    drop(arms);
    let found = match method {
        Method::Sobol => Found::Sobol(
            outputs
                .iter()
                .enumerate()
                .map(|(m, y)| {
                    let y: Option<Vec<f64>> = y.iter().copied().collect();
                    sobol::indices(k, &y?, sobol::RESAMPLES, seed.wrapping_add(m as u64))
                })
                .collect(),
        ),
        Method::Morris => {
            // The moves as run: an integer key's value is a whole number, not every level.
            let d = morris_design.as_mut().expect("a Morris design");
            for p in d.points.iter_mut() {
                for (u, r) in p.iter_mut().zip(&ranges) {
                    *u = r.position(r.value(*u));
                }
            }
            Found::Morris(
                outputs
                    .iter()
                    .enumerate()
                    .map(|(m, y)| {
                        let y: Option<Vec<f64>> = y.iter().copied().collect();
                        morris::indices(d, &y?, morris::RESAMPLES, seed.wrapping_add(m as u64))
                    })
                    .collect(),
            )
        }
    };
    Ok(Analysis {
        method,
        ranges,
        sizes,
        reps,
        found,
    })
}

/// Refuses (without `force`) a design that would take longer than the machine's limits allow,
/// and warns of a long one. Only the measures of each replication are kept, so the memory is
/// that of the replications running at once.
fn check_cost(base: &Scenario, points: usize, argument: &str, force: bool) -> Result<(), Error> {
    use crate::experiment::resources::{Limits, estimate};
    let threads = rayon::current_num_threads();
    let reps = |s: &Scenario| u64::from(s.simulation.replications);
    let mut e = estimate(&[(base, points as u64)], reps, threads);
    let running = estimate(&[(base, 1)], |_| threads as u64, threads);
    e.bytes = running.bytes + points as f64 * 16_384.0;
    match e.check(&Limits::of_this_machine(), force) {
        Ok(Some(warning)) => {
            eprintln!("warning: {warning}");
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(message) => Err(bad(
            argument.into(),
            format!("{points} points of the design: {message}"),
        )),
    }
}

fn cell(v: f64) -> String {
    if v.is_finite() {
        v.to_string()
    } else {
        String::new()
    }
}

/// The rows of the table, in key order within each measure: `(measure, key index, cells)`.
fn rows(a: &Analysis) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (m, measure) in MEASURES.iter().enumerate() {
        for (i, r) in a.ranges.iter().enumerate() {
            let mut row = vec![r.key.clone(), measure.to_string()];
            match &a.found {
                Found::Sobol(found) => match &found[m] {
                    Some(s) => {
                        let (f, t) = (s.first[i], s.total[i]);
                        row.extend([f.value, f.low, f.high, t.value, t.low, t.high].map(cell));
                    }
                    None => row.extend(std::iter::repeat_n(String::new(), 6)),
                },
                Found::Morris(found) => match &found[m] {
                    Some(e) => {
                        let e = e[i];
                        row.extend(
                            [e.mu_star, e.mu_star_low, e.mu_star_high, e.sigma, e.mu].map(cell),
                        );
                    }
                    None => row.extend(std::iter::repeat_n(String::new(), 5)),
                },
            }
            out.push(row);
        }
    }
    out
}

/// The CSV's header.
pub fn header(method: Method) -> &'static [&'static str] {
    match method {
        Method::Sobol => &[
            "key",
            "measure",
            "first_order",
            "first_low",
            "first_high",
            "total",
            "total_low",
            "total_high",
        ],
        Method::Morris => &[
            "key",
            "measure",
            "mu_star",
            "mu_star_low",
            "mu_star_high",
            "sigma",
            "mu",
        ],
    }
}

/// `sobol.csv` or `morris.csv`: one row per key and measure.
pub fn csv(a: &Analysis) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header(a.method)).expect("writing to memory");
    for row in rows(a) {
        w.write_record(row).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// The keys' order for measure `m`: by total index (Sobol) or μ* (Morris), largest first, an
/// undefined one last, ties by key.
pub fn ranking(a: &Analysis, m: usize) -> Vec<usize> {
    let size = |i: usize| -> f64 {
        match &a.found {
            Found::Sobol(f) => f[m]
                .as_ref()
                .map_or(f64::NEG_INFINITY, |s| s.total[i].value),
            Found::Morris(f) => f[m].as_ref().map_or(f64::NEG_INFINITY, |e| e[i].mu_star),
        }
    };
    let mut order: Vec<usize> = (0..a.ranges.len()).collect();
    order.sort_by(|&x, &y| {
        size(y)
            .total_cmp(&size(x))
            .then(a.ranges[x].key.cmp(&a.ranges[y].key))
    });
    order
}

/// The ranking for the terminal, for each measure.
pub fn table(a: &Analysis, top: usize) -> String {
    let mut out = String::new();
    let n = |v: f64| format!("{v:.3}");
    for (m, measure) in MEASURES.iter().enumerate() {
        match &a.found {
            Found::Sobol(found) => {
                let _ = writeln!(
                    out,
                    "{measure}: total index ST and first order S1 (95% CIs), by ST"
                );
                let Some(s) = &found[m] else {
                    let _ = writeln!(out, "  (does not vary over the design)\n");
                    continue;
                };
                for i in ranking(a, m).into_iter().take(top) {
                    let (t, f) = (s.total[i], s.first[i]);
                    let _ = writeln!(
                        out,
                        "  {:<44} ST {:>6} ({} to {})  S1 {:>6} ({} to {})",
                        a.ranges[i].key,
                        n(t.value),
                        n(t.low),
                        n(t.high),
                        n(f.value),
                        n(f.low),
                        n(f.high)
                    );
                }
            }
            Found::Morris(found) => {
                let _ = writeln!(out, "{measure}: mu* (95% CI), sigma and mu, by mu*");
                let Some(e) = &found[m] else {
                    let _ = writeln!(out, "  (undefined at a point of the design)\n");
                    continue;
                };
                for i in ranking(a, m).into_iter().take(top) {
                    let e = e[i];
                    let _ = writeln!(
                        out,
                        "  {:<44} mu* {:>8} ({} to {})  sigma {}  mu {}",
                        a.ranges[i].key,
                        readable_short(e.mu_star),
                        readable_short(e.mu_star_low),
                        readable_short(e.mu_star_high),
                        readable_short(e.sigma),
                        readable_short(e.mu)
                    );
                }
            }
        }
        out.push('\n');
    }
    out
}

/// A number in four significant figures.
fn readable_short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.digits$}")
}

/// A measure's unit on the Morris plot's axis.
fn unit_words(unit: crate::metrics::Unit) -> String {
    use crate::metrics::Unit;
    match unit {
        Unit::Share => "a share, 0 to 1".into(),
        Unit::Score => "0 to 1".into(),
        Unit::Count(what) => what.into(),
        Unit::Weeks => "weeks".into(),
        Unit::Hours => "hours a week".into(),
        Unit::Money(per) => format!("£ {per}"),
    }
}

/// The ranked plot of measure `m`.
fn plot(a: &Analysis, m: usize) -> Option<Ranked> {
    let measure = crate::metrics::measure(MEASURES[m])?;
    let bars: Vec<RankedBar> = match &a.found {
        Found::Sobol(found) => {
            let s = found[m].as_ref()?;
            ranking(a, m)
                .into_iter()
                .map(|i| RankedBar {
                    label: key_label(&a.ranges[i].key),
                    value: s.total[i].value,
                    low: s.total[i].low,
                    high: s.total[i].high,
                    second: Some((s.first[i].value, s.first[i].low, s.first[i].high)),
                })
                .collect()
        }
        Found::Morris(found) => {
            let e = found[m].as_ref()?;
            ranking(a, m)
                .into_iter()
                .map(|i| RankedBar {
                    label: key_label(&a.ranges[i].key),
                    value: e[i].mu_star,
                    low: e[i].mu_star_low,
                    high: e[i].mu_star_high,
                    second: None,
                })
                .collect()
        }
    };
    Some(match a.method {
        Method::Sobol => Ranked {
            title: format!("{}: Sobol' indices (95% CIs)", measure.title()),
            axis: "share of the variance of the measure".into(),
            legend: vec!["total index".into(), "first-order index".into()],
            bars,
        },
        Method::Morris => Ranked {
            title: format!("{}: Morris μ* (95% CIs)", measure.title()),
            axis: format!(
                "mean absolute change over the parameter's range ({})",
                unit_words(measure.unit)
            ),
            legend: Vec::new(),
            bars,
        },
    })
}

/// The files of the analysis: the CSV, a ranked plot per measure (PNG and SVG) and
/// report.html.
pub fn files(a: &Analysis, scenario_name: &str) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let csv_name = format!("{}.csv", a.method.name());
    let mut files = vec![(csv_name.clone(), csv(a))];
    let mut figures = Vec::new();
    for m in 0..MEASURES.len() {
        let Some(p) = plot(a, m) else { continue };
        let (svg, png) = ranked_bars(&p)?;
        let name = format!("{}_{}", a.method.name(), MEASURES[m]);
        files.push((format!("{name}.svg"), svg.clone().into_bytes()));
        files.push((format!("{name}.png"), png));
        figures.push(PageFigure {
            name,
            title: p.title,
            svg,
        });
    }
    let runs = points(a.method, a.ranges.len(), &a.sizes) as u64 * u64::from(a.reps);
    let (what, how, caption) = match a.method {
        Method::Sobol => (
            format!(
                "Sobol' indices of {} parameters: Saltelli's design with N = {} base points \
                 ({} points, N × (k + 2)), each run {} times on common random numbers: {} \
                 replications.",
                a.ranges.len(),
                a.sizes.samples,
                points(a.method, a.ranges.len(), &a.sizes),
                a.reps,
                runs
            ),
            "The first-order index S1 is the share of the measure's variance over the ranges \
             that a parameter explains alone; the total index ST adds its interactions with \
             the others. ST near zero: the parameter can be fixed anywhere in its range. The \
             95% intervals are percentile bootstrap intervals over the base points (500 \
             resamples). Replication noise adds to the variance and to each ST, so a \
             parameter with no effect shows a small ST, not zero."
                .to_string(),
            "Parameters ranked by total index (blue, with its 95% CI); the first-order index \
             under it (vermillion).",
        ),
        Method::Morris => (
            format!(
                "Morris elementary effects of {} parameters: {} trajectories on a grid of {} \
                 levels ({} points, r × (k + 1)), each run {} times on common random numbers: \
                 {} replications.",
                a.ranges.len(),
                a.sizes.trajectories,
                a.sizes.levels,
                points(a.method, a.ranges.len(), &a.sizes),
                a.reps,
                runs
            ),
            "μ* is the mean absolute change in the measure when a parameter moves across its \
             whole range (in the measure's units), its 95% interval a percentile bootstrap \
             over trajectories; σ, their spread, is large when the effect depends on the \
             other parameters or is curved; μ, the mean signed effect, is near μ* when the \
             effect has one sign."
                .to_string(),
            "Parameters ranked by μ* with its 95% CI.",
        ),
    };
    let page = Page {
        title: format!("{scenario_name} ({})", a.method.name()),
        lead: vec![what, how],
        ranges: a
            .ranges
            .iter()
            .map(|r| {
                [
                    r.key.clone(),
                    key_label(&r.key),
                    readable(r.low),
                    readable(r.high),
                ]
            })
            .collect(),
        figures,
        caption: caption.into(),
        header: header(a.method).iter().map(|s| s.to_string()).collect(),
        rows: rows(a),
        csv: csv_name,
    };
    files.push(("report.html".into(), page_html(&page).into_bytes()));
    Ok(files)
}

/// Writes the analysis's files into `dir` (created if needed); the CSV's path.
pub fn write(dir: &Path, a: &Analysis, scenario_name: &str) -> Result<PathBuf, Error> {
    let files = files(a, scenario_name)?;
    let refs: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    write_files(dir, &refs)?;
    Ok(dir.join(format!("{}.csv", a.method.name())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(low: f64, high: f64, integer: bool) -> KeyRange {
        KeyRange {
            key: "k".into(),
            base: low,
            low,
            high,
            integer,
        }
    }

    #[test]
    fn a_point_maps_onto_the_range_and_an_integer_range_takes_each_whole_number_equally() {
        let r = range(0.2, 0.6, false);
        assert_eq!(r.value(0.0), 0.2);
        assert!((r.value(0.5) - 0.4).abs() < 1e-12);
        assert_eq!(r.value(1.0 + 1e-15), 0.6);
        let r = range(16.0, 24.0, true);
        let mut counts = [0; 9];
        for j in 0..900 {
            counts[(r.value(j as f64 / 900.0) - 16.0) as usize] += 1;
        }
        assert_eq!(counts, [100; 9]);
        assert_eq!(r.value(1.0), 24.0);
    }

    #[test]
    fn ranges_come_from_the_step_cut_to_the_table_or_as_given_and_bad_ones_are_refused() {
        let base = Scenario::default();
        let path = Path::new("x.toml");
        let r = ranges(
            &base,
            &[
                "workforce.caseload_cap".into(),
                "compliance.base_attendance=0.5..0.9".into(),
            ],
            0.2,
            true,
            path,
        )
        .unwrap();
        assert_eq!((r[0].low, r[0].high, r[0].integer), (40.0, 60.0, true));
        assert_eq!((r[1].low, r[1].high, r[1].integer), (0.5, 0.9, false));
        let refused = |spec: &str| {
            ranges(&base, &[spec.to_string()], 0.2, true, path)
                .unwrap_err()
                .to_string()
        };
        let e = refused("compliance.base_attendance=0.9..0.5");
        assert!(
            e.contains("--key compliance.base_attendance=0.9..0.5"),
            "{e}"
        );
        assert!(e.contains("low to high"), "{e}");
        let e = refused("compliance.base_attendance=0.5..1.5");
        assert!(e.contains("outside the range"), "{e}");
        let e = refused("compliance.base_attendance=a..b");
        assert!(e.contains("not a range"), "{e}");
        let e = refused("organisation.streaming");
        assert!(e.contains("not a numeric key"), "{e}");
        let e = refused("simulation.seed");
        assert!(e.contains("random numbers"), "{e}");
    }
}
