//! Writing results: the CSV and JSON files of the contract, and the table printed at the end.
//!
//! Every file is built in memory and read back as `casesim plot` would read it before anything
//! is written; the whole set then replaces the directory's previous outputs at once
//! ([`crate::files::publish`]), so a reader never sees half a file, a directory never mixes
//! the files of two runs, and a failed run leaves the previous complete outputs (or none).

pub mod docs;
pub mod effects;
pub mod plots;
pub mod report;
pub mod results;
pub mod sensitivity_report;
pub mod table;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::experiment::{
    RunResults, Summary, cost_effectiveness, kaplan_meier, paired_differences,
};
use crate::files::{Replace, lock_dir, publish};
use crate::metrics::{COLUMNS, Metrics};
use crate::model::unit::UnitSummary;
use crate::scenario::Scenario;

/// A number as written in CSV: shortest exact decimal; undefined is an empty cell.
pub fn cell(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn summary_cells(s: &Summary) -> [String; 4] {
    [
        cell(s.mean),
        cell(s.ci_low),
        cell(s.ci_high),
        s.n.to_string(),
    ]
}

/// The arms of a run, sweep or comparison as the outputs group them: the names of the grouping
/// columns (none for a single run; `arm` and the varied keys for a sweep; `arm` for a
/// comparison) and each arm's values of them, ahead of its results. Every CSV starts with the
/// grouping columns, so the files load as tidy tables.
pub struct Grouped<'a> {
    pub columns: Vec<String>,
    pub arms: Vec<(Vec<String>, &'a RunResults)>,
}

impl<'a> Grouped<'a> {
    /// A single run: no grouping columns.
    pub fn single(results: &'a RunResults) -> Self {
        Grouped {
            columns: Vec::new(),
            arms: vec![(Vec::new(), results)],
        }
    }

    fn header(&self, rest: &[&str]) -> Vec<String> {
        self.columns
            .iter()
            .cloned()
            .chain(rest.iter().map(|c| c.to_string()))
            .collect()
    }

    /// One block of rows per arm, each row led by the arm's grouping values.
    fn rows<'s, I>(&'s self, per_arm: impl Fn(&'a RunResults) -> I + 's) -> Vec<Vec<String>>
    where
        I: IntoIterator<Item = Vec<String>>,
    {
        self.arms
            .iter()
            .flat_map(|(groups, results)| {
                per_arm(results)
                    .into_iter()
                    .map(move |row| groups.iter().cloned().chain(row).collect::<Vec<String>>())
            })
            .collect()
    }
}

fn csv_bytes(header: &[String], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for row in rows {
        w.write_record(&row).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// `summary.csv`: one row per replication (per arm), every metric a column.
pub fn summary_csv(g: &Grouped) -> Vec<u8> {
    let mut columns = vec!["replication"];
    columns.extend(Metrics::NAMES);
    csv_bytes(
        &g.header(&columns),
        g.rows(|results| {
            results.replications.iter().map(|r| {
                std::iter::once(r.replication.to_string())
                    .chain(r.metrics.values().map(cell))
                    .collect()
            })
        }),
    )
}

/// `stats.csv`: `metric,mean,ci_low,ci_high,n`.
pub fn stats_csv(g: &Grouped) -> Vec<u8> {
    csv_bytes(
        &g.header(&["metric", "mean", "ci_low", "ci_high", "n"]),
        g.rows(|results| {
            results.stats().into_iter().map(|(name, s)| {
                std::iter::once(name.to_string())
                    .chain(summary_cells(&s))
                    .collect()
            })
        }),
    )
}

/// The 95% interval over replications (2.5th and 97.5th percentiles) of every metric, in
/// [`Metrics::NAMES`] order: with a posterior, the spread that includes parameter
/// uncertainty.
pub fn metric_intervals(results: &RunResults) -> Vec<(Option<f64>, Option<f64>)> {
    (0..Metrics::NAMES.len())
        .map(|i| {
            crate::experiment::posterior::interval(
                results.replications.iter().map(|r| r.metrics.values()[i]),
            )
        })
        .collect()
}

/// `stats.csv` with a posterior: `metric,mean,ci_low,ci_high,n,interval_low,interval_high`,
/// the interval the 2.5th and 97.5th percentiles of the replications' values.
pub fn stats_csv_with_intervals(g: &Grouped) -> Vec<u8> {
    csv_bytes(
        &g.header(&[
            "metric",
            "mean",
            "ci_low",
            "ci_high",
            "n",
            "interval_low",
            "interval_high",
        ]),
        g.rows(|results| {
            let intervals = metric_intervals(results);
            results
                .stats()
                .into_iter()
                .zip(intervals)
                .map(|((name, s), (lo, hi))| {
                    std::iter::once(name.to_string())
                        .chain(summary_cells(&s))
                        .chain([cell(lo), cell(hi)])
                        .collect()
                })
                .collect::<Vec<_>>()
        }),
    )
}

/// `by_tier.csv`: `tier,metric,mean,ci_low,ci_high,n` for the case-outcome metrics.
pub fn by_tier_csv(g: &Grouped) -> Vec<u8> {
    case_stats_csv(g, "tier", |results| {
        results
            .stats_by_tier()
            .into_iter()
            .map(|(tier, name, s)| (tier.name(), name, s))
            .collect()
    })
}

/// `by_disposal.csv`: `disposal,metric,mean,ci_low,ci_high,n` for the case-outcome metrics:
/// community orders apart from custodial sentences (counted from release).
pub fn by_disposal_csv(g: &Grouped) -> Vec<u8> {
    case_stats_csv(g, "disposal", |results| {
        results
            .stats_by_disposal()
            .into_iter()
            .map(|(disposal, name, s)| (disposal.name(), name, s))
            .collect()
    })
}

/// `by_age.csv`: `age,metric,mean,ci_low,ci_high,n` for the case-outcome metrics by age band
/// at sentence.
pub fn by_age_csv(g: &Grouped) -> Vec<u8> {
    case_stats_csv(g, "age", |results| {
        results
            .stats_by_age()
            .into_iter()
            .map(|(band, name, s)| (band.name(), name, s))
            .collect()
    })
}

/// `recalls.csv`: `reason,metric,mean,ci_low,ci_high,n` for the recalls to custody of the
/// measurement window: all recalls, those citing each reason (several may apply to one
/// recall), fixed-term and standard; each as recalls in the window, recalls a week and share
/// of all recalls.
pub fn recalls_csv(g: &Grouped) -> Vec<u8> {
    case_stats_csv(g, "reason", |results| {
        results
            .stats_recalls()
            .into_iter()
            .map(|(group, metric, s)| (group.name(), metric.name(), s))
            .collect()
    })
}

/// `by_need.csv`: `need,metric,mean,ci_low,ci_high,n`: the outcomes of the sentences ended
/// in the window by the case's primary need at the start (its most severe need, or `none`).
pub fn by_need_csv(g: &Grouped) -> Vec<u8> {
    case_stats_csv(g, "need", |results| {
        results
            .stats_by_need()
            .into_iter()
            .map(|(group, m, s)| (crate::metrics::groups::need_group_name(group), m.name, s))
            .collect()
    })
}

/// `by_offence.csv`: `offence,metric,mean,ci_low,ci_high,n`: the same by principal offence.
pub fn by_offence_csv(g: &Grouped) -> Vec<u8> {
    case_stats_csv(g, "offence", |results| {
        results
            .stats_by_offence()
            .into_iter()
            .map(|(group, m, s)| (crate::scenario::OffenceType::ALL[group].name(), m.name, s))
            .collect()
    })
}

/// The case-outcome metrics within groups (`group` names the column): one row per group and
/// metric.
fn case_stats_csv(
    g: &Grouped,
    group: &str,
    stats: impl Fn(&RunResults) -> Vec<(&'static str, &'static str, Summary)>,
) -> Vec<u8> {
    csv_bytes(
        &g.header(&[group, "metric", "mean", "ci_low", "ci_high", "n"]),
        g.rows(|results| {
            stats(results).into_iter().map(|(group, name, s)| {
                [group.to_string(), name.to_string()]
                    .into_iter()
                    .chain(summary_cells(&s))
                    .collect()
            })
        }),
    )
}

/// `timeseries.csv`: one row per week, the mean over replications of each weekly quantity.
pub fn timeseries_csv(g: &Grouped) -> Vec<u8> {
    let mut columns = vec!["week"];
    columns.extend(COLUMNS.iter().map(|c| c.name));
    csv_bytes(
        &g.header(&columns),
        g.rows(|results| {
            results.mean_timeseries().into_iter().map(|(week, means)| {
                std::iter::once(week.to_string())
                    .chain(means.into_iter().map(cell))
                    .collect()
            })
        }),
    )
}

/// `timeseries_by_replication.csv` (with `--cases`): the weekly series of every replication
/// of every arm, one row per arm, replication and week, with `arm` and `replication` columns.
pub fn timeseries_by_replication_csv(labels: &[&str], results: &[RunResults]) -> Vec<u8> {
    let mut header = vec!["arm".to_string(), "replication".into(), "week".into()];
    header.extend(COLUMNS.iter().map(|c| c.name.to_string()));
    let rows = labels.iter().zip(results).flat_map(|(label, r)| {
        r.replications.iter().flat_map(move |rep| {
            rep.weeks.iter().map(move |w| {
                [
                    label.to_string(),
                    rep.replication.to_string(),
                    w.week.to_string(),
                ]
                .into_iter()
                .chain(w.values().map(cell))
                .collect()
            })
        })
    });
    csv_bytes(&header, rows)
}

/// `cases.csv` (`--cases PATH`): every case of every replication of every arm, one row each,
/// with `arm` and `replication` columns (see [`crate::metrics::cases`]); gzip when `gzip`.
pub fn write_cases_csv(
    out: &mut std::fs::File,
    labels: &[&str],
    results: &[RunResults],
    gzip: bool,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let buffered = std::io::BufWriter::new(out);
    let buffered = if gzip {
        let encoder = flate2::write::GzEncoder::new(buffered, flate2::Compression::default());
        // `finish` writes the gzip trailer and reports an error a drop would lose.
        case_rows(encoder, labels, results)?.finish()?
    } else {
        case_rows(buffered, labels, results)?
    };
    buffered.into_inner().map_err(|e| e.into_error())?.flush()
}

/// Writes the rows of `cases.csv` to `sink`, and gives it back.
fn case_rows<W: std::io::Write>(
    sink: W,
    labels: &[&str],
    results: &[RunResults],
) -> std::io::Result<W> {
    let mut w = csv::Writer::from_writer(sink);
    let mut header = vec!["arm", "replication"];
    header.extend(crate::metrics::cases::CASE_COLUMNS.iter().map(|c| c.0));
    w.write_record(&header)?;
    for (label, r) in labels.iter().zip(results) {
        for rep in &r.replications {
            for case in rep.cases.iter().flatten() {
                let mut row = vec![label.to_string(), rep.replication.to_string()];
                row.extend(case.cells());
                w.write_record(&row)?;
            }
        }
    }
    w.into_inner().map_err(|e| e.into_error())
}

/// `survival.csv`: Kaplan–Meier curves of time to first proven reoffence (`event` =
/// `reoffence`) and to breach (`breach`), week by week, pooled over replications.
pub fn survival_csv(g: &Grouped) -> Vec<u8> {
    csv_bytes(
        &g.header(&[
            "event",
            "week",
            "at_risk",
            "events",
            "censored",
            "survival",
            "std_error",
            "ci_low",
            "ci_high",
        ]),
        g.rows(|results| {
            let pooled = results.survival();
            [("reoffence", pooled.reoffence), ("breach", pooled.breach)]
                .into_iter()
                .flat_map(|(event, times)| {
                    kaplan_meier(&times).into_iter().map(move |row| {
                        vec![
                            event.to_string(),
                            row.week.to_string(),
                            row.at_risk.to_string(),
                            row.events.to_string(),
                            row.censored.to_string(),
                            row.survival.to_string(),
                            row.std_error.to_string(),
                            row.ci_low.to_string(),
                            row.ci_high.to_string(),
                        ]
                    })
                })
                .collect::<Vec<_>>()
        }),
    )
}

/// `compare.csv`: for every arm after the first (the reference) and every metric, the paired
/// difference `arm − reference` with its 95% CI.
pub fn compare_csv(labels: &[String], arms: &[&RunResults]) -> Vec<u8> {
    compare_csv_with(labels, arms, false)
}

/// `compare.csv` with a posterior: `interval_low,interval_high` after `n`, the 2.5th and
/// 97.5th percentiles of the paired differences.
pub fn compare_csv_with_intervals(labels: &[String], arms: &[&RunResults]) -> Vec<u8> {
    compare_csv_with(labels, arms, true)
}

fn compare_csv_with(labels: &[String], arms: &[&RunResults], intervals: bool) -> Vec<u8> {
    let mut header: Vec<String> = [
        "arm",
        "reference",
        "metric",
        "reference_mean",
        "arm_mean",
        "difference",
        "ci_low",
        "ci_high",
        "n",
    ]
    .map(String::from)
    .to_vec();
    if intervals {
        header.extend(["interval_low".to_string(), "interval_high".to_string()]);
    }
    let reference = arms[0];
    let reference_stats = reference.stats();
    let mut rows = Vec::new();
    for (label, arm) in labels.iter().zip(arms).skip(1) {
        let arm_stats = arm.stats();
        for (i, (name, d)) in paired_differences(reference, arm).into_iter().enumerate() {
            rows.push(
                [
                    label.clone(),
                    labels[0].clone(),
                    name.to_string(),
                    cell(reference_stats[i].1.mean),
                    cell(arm_stats[i].1.mean),
                ]
                .into_iter()
                .chain(summary_cells(&d))
                .chain(
                    intervals
                        .then(|| {
                            let (lo, hi) = crate::experiment::posterior::interval(
                                reference.replications.iter().zip(&arm.replications).map(
                                    |(a, b)| Some(b.metrics.values()[i]? - a.metrics.values()[i]?),
                                ),
                            );
                            [cell(lo), cell(hi)]
                        })
                        .into_iter()
                        .flatten(),
                )
                .collect(),
            );
        }
    }
    csv_bytes(&header, rows)
}

/// `cost_effectiveness.csv`: for every arm after the first (the reference), what its extra
/// cost buys, paired by replication: the extra cost a week, the effect a week (orders completed
/// more; proven reoffences fewer) and their ratio with Fieller's 95% interval (empty when the
/// effect is not distinguishable from zero).
pub fn cost_effectiveness_csv(labels: &[String], arms: &[&RunResults]) -> Vec<u8> {
    let header = [
        "arm",
        "reference",
        "measure",
        "extra_cost_per_week",
        "extra_cost_ci_low",
        "extra_cost_ci_high",
        "effect_per_week",
        "effect_ci_low",
        "effect_ci_high",
        "ratio",
        "ci_low",
        "ci_high",
        "n",
    ]
    .map(String::from);
    let mut rows = Vec::new();
    for (label, arm) in labels.iter().zip(arms).skip(1) {
        for (name, e) in cost_effectiveness(arms[0], arm) {
            rows.push(vec![
                label.clone(),
                labels[0].clone(),
                name.to_string(),
                cell(e.extra_cost.mean),
                cell(e.extra_cost.ci_low),
                cell(e.extra_cost.ci_high),
                cell(e.effect.mean),
                cell(e.effect.ci_low),
                cell(e.effect.ci_high),
                cell(e.ratio),
                cell(e.ci_low),
                cell(e.ci_high),
                e.n.to_string(),
            ]);
        }
    }
    csv_bytes(&header, rows)
}

/// What `run.json` records about a run.
#[derive(Serialize)]
pub struct RunRecord<'a> {
    pub casesim_version: &'static str,
    /// What the experiment is (`run baseline --set workforce.caseload_cap=60`): an output
    /// directory holding another's is not written over without `--replace`.
    pub experiment: String,
    /// The `--set` arguments, `key=value`, that every arm ran with.
    pub settings: Vec<String>,
    pub command: String,
    pub scenario_file: &'a Path,
    pub seed: u64,
    pub replications: u32,
    pub threads: usize,
    /// How many shards were merged into these results (absent when run whole).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shards: Option<u32>,
    pub wall_time_seconds: f64,
    pub offender_weeks: u64,
    pub measurement_window_weeks: [u32; 2],
    /// The scenario as resolved: file, defaults and overrides together.
    pub scenario: &'a Scenario,
    /// The unit: the inflow `cases_in_force` worked out, and whether the posts can hold the
    /// caseload expected (the report's warning).
    pub unit: UnitSummary,
    /// `--posterior`: the file the parameters were drawn from (absent without it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posterior: Option<PosteriorRecord>,
}

/// What `run.json` records about a sweep or comparison.
#[derive(Serialize)]
pub struct ExperimentRecord<'a> {
    pub casesim_version: &'static str,
    /// What the experiment is (`run baseline --set workforce.caseload_cap=60`): an output
    /// directory holding another's is not written over without `--replace`.
    pub experiment: String,
    /// The `--set` arguments, `key=value`, that every arm ran with.
    pub settings: Vec<String>,
    /// `sweep` or `compare`.
    pub kind: &'static str,
    pub command: String,
    /// True when every arm used the same seed (common random numbers).
    pub common_random_numbers: bool,
    pub replications: u32,
    pub threads: usize,
    /// How many shards were merged into these results (absent when run whole).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shards: Option<u32>,
    pub wall_time_seconds: f64,
    pub offender_weeks: u64,
    pub arms: Vec<ArmRecord<'a>>,
    /// `--posterior`: the file the parameters were drawn from (absent without it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posterior: Option<PosteriorRecord>,
}

/// What `run.json` records of a posterior (`--posterior`): the file, its fingerprint, its
/// particles and keys, and the particle each replication ran on (the same in every arm).
#[derive(Serialize)]
pub struct PosteriorRecord {
    pub file: std::path::PathBuf,
    /// FNV-1a 64-bit hash of the file's bytes, in hex.
    pub fnv1a64: String,
    pub particles: usize,
    pub keys: Vec<String>,
    /// The `particle` column of the particle replication r ran on, at index r.
    pub particle_by_replication: Vec<u64>,
}

impl PosteriorRecord {
    pub fn of(p: &crate::experiment::posterior::Posterior, replications: u32) -> Self {
        PosteriorRecord {
            file: p.path.clone(),
            fnv1a64: p.digest.clone(),
            particles: p.particles.len(),
            keys: p.keys.clone(),
            particle_by_replication: (0..replications)
                .map(|r| p.particles[p.particle(r)].particle)
                .collect(),
        }
    }
}

/// One arm in `run.json`.
#[derive(Serialize)]
pub struct ArmRecord<'a> {
    pub arm: &'a str,
    pub scenario_file: &'a Path,
    /// The varied keys and their values at this sweep point (empty in a comparison).
    #[serde(serialize_with = "as_map")]
    pub varied: Vec<(String, toml::Value)>,
    pub seed: u64,
    pub measurement_window_weeks: [u32; 2],
    /// The scenario as resolved: file, defaults, sweep values and overrides together.
    pub scenario: &'a Scenario,
    /// As in a run's record.
    pub unit: UnitSummary,
}

/// Key-value pairs as a JSON object, in their order.
fn as_map<S: serde::Serializer>(
    pairs: &[(String, toml::Value)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

/// The contract's CSV files for a run, sweep or comparison.
pub fn result_files(g: &Grouped) -> Vec<(String, Vec<u8>)> {
    vec![
        ("summary.csv".into(), summary_csv(g)),
        ("stats.csv".into(), stats_csv(g)),
        ("by_tier.csv".into(), by_tier_csv(g)),
        ("by_disposal.csv".into(), by_disposal_csv(g)),
        ("by_age.csv".into(), by_age_csv(g)),
        ("recalls.csv".into(), recalls_csv(g)),
        ("by_need.csv".into(), by_need_csv(g)),
        ("by_offence.csv".into(), by_offence_csv(g)),
        ("timeseries.csv".into(), timeseries_csv(g)),
        ("survival.csv".into(), survival_csv(g)),
    ]
}

/// The run record as `run.json`.
pub fn json_file(record: &impl Serialize) -> (String, Vec<u8>) {
    (
        "run.json".into(),
        serde_json::to_vec_pretty(record).expect("the record serialises"),
    )
}

/// Draws the plots (PNG and SVG) and `report.html` of an output directory read back.
pub fn render(results: &results::OutputDir) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let figures = plots::figures(results)?;
    let mut files = Vec::new();
    for f in &figures {
        files.push((format!("{}.svg", f.name), f.svg.as_bytes().to_vec()));
        files.push((format!("{}.png", f.name), f.png.clone()));
    }
    let report = report::report_html(results, &figures);
    files.push(("report.html".to_string(), report.into_bytes()));
    Ok(files)
}

/// Writes the files of a run, sweep or comparison (the CSV files and `run.json`) into `dir`,
/// which the caller has locked, with the plots and `report.html` drawn from them. They are
/// first read back from memory as `casesim plot` would read them (so what is written can be
/// read, and a number that is not finite stops everything before any file is written), then
/// replace the directory's previous outputs as a whole ([`crate::files::publish`]).
pub fn write_outputs(dir: &Path, mut files: Vec<(String, Vec<u8>)>) -> Result<(), Error> {
    let results = results::parse_output(dir, &files)?;
    files.extend(render(&results)?);
    publish(dir, &files, Replace::All)
}

/// `casesim plot DIR`: redraws the plots and `report.html` from the files in an output
/// directory, checking them first, and writes them there. Returns the files written.
pub fn draw_outputs(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    if !dir.is_dir() {
        return Err(Error::in_file(dir, "no such output directory"));
    }
    let _lock = lock_dir(dir)?;
    let results = results::read_output_dir(dir)?;
    let files = render(&results)?;
    publish(dir, &files, Replace::Same)?;
    Ok(files.iter().map(|(name, _)| dir.join(name)).collect())
}
