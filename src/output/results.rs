//! An output directory read back: the CSV files and `run.json` of a run, sweep or comparison,
//! as the plots and the report need them.
//!
//! Plots and `report.html` are drawn from the files, not from the replications in memory, so
//! `casesim plot DIR` redraws exactly what the run drew, and a directory merged from shards
//! draws the same as one written in a single run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::experiment::Kind;

/// A statistic of a metric: mean and 95% CI over replications (or a paired difference).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Estimate {
    pub mean: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub n: u64,
}

/// One arm: a run's single arm, a sweep point or a compared scenario.
#[derive(Clone, Debug, Default)]
pub struct ArmResults {
    pub label: String,
    /// The varied keys and their values as written (a sweep point); empty otherwise.
    pub varied: Vec<(String, String)>,
    /// `stats.csv`: metric name → estimate.
    pub stats: BTreeMap<String, Estimate>,
    /// `by_tier.csv`: (tier, metric) → estimate.
    pub by_tier: BTreeMap<(String, String), Estimate>,
    /// `by_disposal.csv`: (disposal, metric) → estimate (empty for output written before the
    /// file existed).
    pub by_disposal: BTreeMap<(String, String), Estimate>,
    /// `timeseries.csv`: column name → one value a week (weeks in order from 0).
    pub weekly: BTreeMap<String, Vec<Option<f64>>>,
    /// `survival.csv`: event (`reoffence`, `breach`) → the Kaplan–Meier curve.
    pub survival: BTreeMap<String, Vec<SurvivalPoint>>,
}

impl ArmResults {
    /// The mean of a metric, when defined.
    pub fn mean(&self, metric: &str) -> Option<f64> {
        self.stats.get(metric).and_then(|e| e.mean)
    }
}

/// One week of a Kaplan–Meier curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurvivalPoint {
    pub week: u32,
    pub at_risk: u64,
    pub survival: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// One row of `compare.csv`: an arm minus the reference, paired by replication.
#[derive(Clone, Debug)]
pub struct Difference {
    pub arm: String,
    pub reference: String,
    pub metric: String,
    pub reference_mean: Option<f64>,
    pub arm_mean: Option<f64>,
    pub difference: Estimate,
}

/// An output directory read back.
#[derive(Clone, Debug)]
pub struct OutputDir {
    pub path: PathBuf,
    pub kind: Kind,
    /// `run.json` as written.
    pub record: serde_json::Value,
    /// The varied keys of a sweep, in order; empty otherwise.
    pub varied_keys: Vec<String>,
    pub arms: Vec<ArmResults>,
    /// `compare.csv` (sweeps and comparisons).
    pub differences: Vec<Difference>,
}

impl OutputDir {
    /// The resolved scenario of arm `i`, as recorded in `run.json`.
    pub fn scenario(&self, i: usize) -> Option<&serde_json::Value> {
        match self.kind {
            Kind::Run => self.record.get("scenario"),
            _ => self.record.get("arms")?.get(i)?.get("scenario"),
        }
    }

    /// The measurement window `[warm-up, horizon]` in weeks.
    pub fn window(&self) -> Option<(u32, u32)> {
        let w = match self.kind {
            Kind::Run => self.record.get("measurement_window_weeks")?,
            _ => self
                .record
                .get("arms")?
                .get(0)?
                .get("measurement_window_weeks")?,
        };
        Some((w.get(0)?.as_u64()? as u32, w.get(1)?.as_u64()? as u32))
    }

    /// The paired difference of `metric` for `arm` against the reference, when recorded.
    pub fn difference(&self, arm: &str, metric: &str) -> Option<&Difference> {
        self.differences
            .iter()
            .find(|d| d.arm == arm && d.metric == metric)
    }
}

fn problem(path: &Path, message: impl Into<String>) -> Error {
    Error::in_file(path, message)
}

/// A CSV file as a header and rows of text.
struct Table {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn read(path: &Path) -> Result<Table, Error> {
        let mut reader = csv::Reader::from_path(path).map_err(|e| {
            problem(
                path,
                format!("cannot read it ({e}): is the directory a casesim output directory?"),
            )
        })?;
        let header = reader
            .headers()
            .map_err(|e| problem(path, format!("bad header: {e}")))?
            .iter()
            .map(String::from)
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| problem(path, format!("bad row: {e}")))?;
            rows.push(record.iter().map(String::from).collect());
        }
        Ok(Table {
            path: path.to_path_buf(),
            header,
            rows,
        })
    }

    fn column(&self, name: &str) -> Result<usize, Error> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| problem(&self.path, format!("no `{name}` column")))
    }

    fn number(&self, row: &[String], column: usize) -> Result<Option<f64>, Error> {
        let text = &row[column];
        if text.is_empty() {
            return Ok(None);
        }
        text.parse().map(Some).map_err(|_| {
            problem(
                &self.path,
                format!(
                    "`{text}` in column `{}` is not a number",
                    self.header[column]
                ),
            )
        })
    }

    fn estimate(&self, row: &[String], first: usize) -> Result<Estimate, Error> {
        Ok(Estimate {
            mean: self.number(row, first)?,
            ci_low: self.number(row, first + 1)?,
            ci_high: self.number(row, first + 2)?,
            n: self.number(row, first + 3)?.unwrap_or(0.0) as u64,
        })
    }
}

/// Reads an output directory written by `casesim run`, `sweep` or `compare`.
pub fn read_output_dir(dir: &Path) -> Result<OutputDir, Error> {
    if !dir.is_dir() {
        return Err(problem(dir, "no such output directory"));
    }
    let json_path = dir.join("run.json");
    let record: serde_json::Value = std::fs::read(&json_path)
        .map_err(|e| problem(&json_path, format!("cannot read it: {e}")))
        .and_then(|bytes| {
            serde_json::from_slice(&bytes)
                .map_err(|e| problem(&json_path, format!("not valid JSON: {e}")))
        })?;
    let kind = match record.get("kind").and_then(|k| k.as_str()) {
        None => Kind::Run,
        Some("sweep") => Kind::Sweep,
        Some("compare") => Kind::Compare,
        Some(other) => return Err(problem(&json_path, format!("unknown kind `{other}`"))),
    };

    let stats = Table::read(&dir.join("stats.csv"))?;
    let metric_column = stats.column("metric")?;
    // Grouping columns lead every file: `arm` and the varied keys (none for a run).
    let varied_keys: Vec<String> = stats.header[..metric_column]
        .iter()
        .skip(1)
        .cloned()
        .collect();
    let groups = metric_column;
    let mut arms: Vec<ArmResults> = Vec::new();
    let run_label = record
        .pointer("/scenario/name")
        .and_then(|n| n.as_str())
        .unwrap_or("run")
        .to_string();
    // The arm a row belongs to, created on first sight, in file order.
    let arm_of = |row: &[String], arms: &mut Vec<ArmResults>| -> usize {
        let label = if groups == 0 {
            run_label.clone()
        } else {
            row[0].clone()
        };
        if let Some(i) = arms.iter().position(|a| a.label == label) {
            return i;
        }
        arms.push(ArmResults {
            label,
            varied: varied_keys
                .iter()
                .cloned()
                .zip(row[1..groups.max(1)].iter().cloned())
                .collect(),
            ..ArmResults::default()
        });
        arms.len() - 1
    };
    for row in &stats.rows {
        let i = arm_of(row, &mut arms);
        let estimate = stats.estimate(row, metric_column + 1)?;
        arms[i].stats.insert(row[metric_column].clone(), estimate);
    }

    let by_tier = Table::read(&dir.join("by_tier.csv"))?;
    let tier_column = by_tier.column("tier")?;
    for row in &by_tier.rows {
        let i = arm_of(row, &mut arms);
        let estimate = by_tier.estimate(row, tier_column + 2)?;
        arms[i].by_tier.insert(
            (row[tier_column].clone(), row[tier_column + 1].clone()),
            estimate,
        );
    }

    let path = dir.join("by_disposal.csv");
    if path.exists() {
        let by_disposal = Table::read(&path)?;
        let column = by_disposal.column("disposal")?;
        for row in &by_disposal.rows {
            let i = arm_of(row, &mut arms);
            let estimate = by_disposal.estimate(row, column + 2)?;
            arms[i]
                .by_disposal
                .insert((row[column].clone(), row[column + 1].clone()), estimate);
        }
    }

    let weekly = Table::read(&dir.join("timeseries.csv"))?;
    let week_column = weekly.column("week")?;
    for row in &weekly.rows {
        let i = arm_of(row, &mut arms);
        for c in week_column + 1..weekly.header.len() {
            let value = weekly.number(row, c)?;
            arms[i]
                .weekly
                .entry(weekly.header[c].clone())
                .or_default()
                .push(value);
        }
    }

    let survival = Table::read(&dir.join("survival.csv"))?;
    let event_column = survival.column("event")?;
    let [week, at_risk, surv, low, high] =
        ["week", "at_risk", "survival", "ci_low", "ci_high"].map(|c| survival.column(c));
    let (week, at_risk, surv, low, high) = (week?, at_risk?, surv?, low?, high?);
    for row in &survival.rows {
        let i = arm_of(row, &mut arms);
        let get = |c| survival.number(row, c).map(|v| v.unwrap_or(f64::NAN));
        let point = SurvivalPoint {
            week: get(week)? as u32,
            at_risk: get(at_risk)? as u64,
            survival: get(surv)?,
            ci_low: get(low)?,
            ci_high: get(high)?,
        };
        arms[i]
            .survival
            .entry(row[event_column].clone())
            .or_default()
            .push(point);
    }

    let mut differences = Vec::new();
    let compare_path = dir.join("compare.csv");
    if kind != Kind::Run && compare_path.exists() {
        let compare = Table::read(&compare_path)?;
        let [arm, reference, metric, reference_mean, arm_mean, difference] = [
            "arm",
            "reference",
            "metric",
            "reference_mean",
            "arm_mean",
            "difference",
        ]
        .map(|c| compare.column(c));
        let (arm, reference, metric) = (arm?, reference?, metric?);
        let (reference_mean, arm_mean, difference) = (reference_mean?, arm_mean?, difference?);
        for row in &compare.rows {
            differences.push(Difference {
                arm: row[arm].clone(),
                reference: row[reference].clone(),
                metric: row[metric].clone(),
                reference_mean: compare.number(row, reference_mean)?,
                arm_mean: compare.number(row, arm_mean)?,
                difference: compare.estimate(row, difference)?,
            });
        }
    }

    if arms.is_empty() {
        return Err(problem(&dir.join("stats.csv"), "has no results"));
    }
    Ok(OutputDir {
        path: dir.to_path_buf(),
        kind,
        record,
        varied_keys,
        arms,
        differences,
    })
}
