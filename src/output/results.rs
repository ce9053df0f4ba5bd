//! An output directory read back: the CSV files and `run.json` of a run, sweep or comparison,
//! as the plots and the report need them.
//!
//! Plots and `report.html` are drawn from the files, not from the replications in memory, so
//! `casesim plot DIR` redraws exactly what the run drew, and a directory merged from shards
//! draws the same as one written in a single run.
//!
//! The files are untrusted: a directory may have been edited, cut short or written by
//! something else. Every file is checked before anything is drawn: the columns are the ones
//! casesim writes, in their places; every arm of every file is an arm of `stats.csv`, and no
//! row comes twice; every number is finite (survival probabilities between 0 and 1, counts
//! whole and not negative); each arm's weeks run 0, 1, 2, ... A file that fails is refused as
//! bad input naming it, with the line and the column. The same checks run on the files of a
//! run before they are written (see [`parse_output`]), so what casesim writes it can read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::error::{Error, InputProblem, Origin};
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
    /// `by_age.csv`: (age band, metric) → estimate (empty for output written before the file
    /// existed).
    pub by_age: BTreeMap<(String, String), Estimate>,
    /// `recalls.csv`: (reason, metric) → estimate (empty for output written before the file
    /// existed).
    pub recalls: BTreeMap<(String, String), Estimate>,
    /// `by_need.csv` and `by_offence.csv`: (primary need, metric) and (offence, metric) →
    /// estimate (empty for output written before the files existed).
    pub by_need: BTreeMap<(String, String), Estimate>,
    pub by_offence: BTreeMap<(String, String), Estimate>,
    /// `timeseries.csv`: column name → one value a week (weeks in order from 0).
    pub weekly: BTreeMap<String, Vec<Option<f64>>>,
    /// `survival.csv`: event (`reoffence`, `breach`) → the Kaplan–Meier curve.
    pub survival: BTreeMap<String, Vec<SurvivalPoint>>,
    /// `summary.csv`: metric → replication → value, where defined (empty when the file is
    /// absent). Arms share random numbers by replication, so these pair up across arms.
    pub by_replication: BTreeMap<String, BTreeMap<u32, f64>>,
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

fn at_line(path: &Path, line: u64, message: impl Into<String>) -> Error {
    InputProblem {
        origin: Origin::File {
            path: path.to_path_buf(),
            line: Some(line as usize),
        },
        key: None,
        message: message.into(),
    }
    .into()
}

/// The files of an output directory that are read back, in the order they are checked.
pub const READ_FILES: [&str; 12] = [
    "run.json",
    "stats.csv",
    "summary.csv",
    "by_tier.csv",
    "by_disposal.csv",
    "by_age.csv",
    "recalls.csv",
    "by_need.csv",
    "by_offence.csv",
    "timeseries.csv",
    "survival.csv",
    "compare.csv",
];

const ESTIMATE: [&str; 4] = ["mean", "ci_low", "ci_high", "n"];
/// The columns `stats.csv` and `compare.csv` add with `--posterior`: the 2.5th and 97.5th
/// percentiles of the replications' values (of the paired differences in `compare.csv`).
const INTERVAL: [&str; 2] = ["interval_low", "interval_high"];

/// A CSV file as a header and rows of text, each with its line in the file.
struct Table {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<(u64, Vec<String>)>,
    /// How many leading columns group the rows by arm.
    groups: usize,
}

impl Table {
    fn parse(path: &Path, bytes: &[u8]) -> Result<Table, Error> {
        let mut reader = csv::Reader::from_reader(bytes);
        let header = reader
            .headers()
            .map_err(|e| problem(path, format!("bad header: {e}")))?
            .iter()
            .map(String::from)
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| match e.position() {
                Some(p) => at_line(path, p.line(), format!("bad row: {e}")),
                None => problem(path, format!("bad row: {e}")),
            })?;
            let line = record.position().map_or(0, |p| p.line());
            rows.push((line, record.iter().map(String::from).collect()));
        }
        Ok(Table {
            path: path.to_path_buf(),
            header,
            rows,
            groups: 0,
        })
    }

    /// Checks that the header is the grouping columns then `fixed` (then, when `more`, any
    /// further columns with distinct names), and records the grouping.
    fn expect_columns(
        &mut self,
        groups: &[String],
        fixed: &[&str],
        more: bool,
    ) -> Result<(), Error> {
        let expected: Vec<&str> = groups
            .iter()
            .map(String::as_str)
            .chain(fixed.iter().copied())
            .collect();
        let n = expected.len();
        let fits = self.header.len() >= n
            && self.header[..n].iter().zip(&expected).all(|(h, e)| h == e)
            && (more || self.header.len() == n);
        if !fits {
            return Err(problem(
                &self.path,
                format!(
                    "the columns are `{}`; casesim writes `{}{}` here",
                    self.header.join(","),
                    expected.join(","),
                    if more { ",..." } else { "" }
                ),
            ));
        }
        let mut seen = BTreeSet::new();
        for h in &self.header[n..] {
            if h.is_empty() || !seen.insert(h.as_str()) || expected.contains(&h.as_str()) {
                return Err(problem(
                    &self.path,
                    format!("column `{h}` is empty or comes twice"),
                ));
            }
        }
        self.groups = groups.len();
        Ok(())
    }

    fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .expect("columns checked by expect_columns")
    }

    /// A finite number, or `None` for an empty cell.
    fn number(&self, line: u64, row: &[String], column: usize) -> Result<Option<f64>, Error> {
        let text = &row[column];
        if text.is_empty() {
            return Ok(None);
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            Ok(_) => Err(at_line(
                &self.path,
                line,
                format!(
                    "column `{}`{}: `{text}` is not a finite number",
                    self.header[column],
                    Self::row_name(row, column)
                ),
            )),
            Err(_) => Err(at_line(
                &self.path,
                line,
                format!("column `{}`: `{text}` is not a number", self.header[column]),
            )),
        }
    }

    /// What a row is about, for a message: its cells before `column` that are not numbers
    /// (` of `cost``, ` of `baseline,low,breach_rate``).
    fn row_name(row: &[String], column: usize) -> String {
        let names: Vec<&str> = row[..column]
            .iter()
            .filter(|c| !c.is_empty() && c.parse::<f64>().is_err())
            .map(String::as_str)
            .collect();
        if names.is_empty() {
            String::new()
        } else {
            format!(" of `{}`", names.join(","))
        }
    }

    /// A number that must be there.
    fn required(&self, line: u64, row: &[String], column: usize) -> Result<f64, Error> {
        self.number(line, row, column)?.ok_or_else(|| {
            at_line(
                &self.path,
                line,
                format!("column `{}` is empty", self.header[column]),
            )
        })
    }

    /// A whole number from 0 up to `max`.
    fn count(&self, line: u64, row: &[String], column: usize, max: u64) -> Result<u64, Error> {
        let text = &row[column];
        text.parse::<u64>()
            .ok()
            .filter(|&v| v <= max)
            .ok_or_else(|| {
                at_line(
                    &self.path,
                    line,
                    format!(
                        "column `{}`: `{text}` is not a whole number from 0 to {max}",
                        self.header[column]
                    ),
                )
            })
    }

    /// A probability: a finite number from 0 to 1.
    fn share(&self, line: u64, row: &[String], column: usize) -> Result<f64, Error> {
        let v = self.required(line, row, column)?;
        if !(0.0..=1.0).contains(&v) {
            return Err(at_line(
                &self.path,
                line,
                format!(
                    "column `{}`: {v} is not between 0 and 1",
                    self.header[column]
                ),
            ));
        }
        Ok(v)
    }

    /// Mean, CI and `n` from the columns `mean`, `ci_low`, `ci_high`, `n` (or, with another
    /// first column, the four from it).
    fn estimate(&self, line: u64, row: &[String], first: usize) -> Result<Estimate, Error> {
        Ok(Estimate {
            mean: self.number(line, row, first)?,
            ci_low: self.number(line, row, first + 1)?,
            ci_high: self.number(line, row, first + 2)?,
            n: self.count(line, row, first + 3, u64::from(u32::MAX))?,
        })
    }

    /// The arm a row belongs to: one of `arms` (from `stats.csv`), by its grouping values.
    fn arm(&self, line: u64, row: &[String], arms: &Arms) -> Result<usize, Error> {
        let key = &row[..self.groups];
        arms.index.get(key).copied().ok_or_else(|| {
            at_line(
                &self.path,
                line,
                format!(
                    "arm `{}` is not one of the arms of stats.csv",
                    key.join(",")
                ),
            )
        })
    }
}

/// The arms of `stats.csv`, by their grouping values.
struct Arms {
    index: BTreeMap<Vec<String>, usize>,
}

/// Reads an output directory written by `casesim run`, `sweep` or `compare`, checking every
/// file (see the module's documentation).
pub fn read_output_dir(dir: &Path) -> Result<OutputDir, Error> {
    if !dir.is_dir() {
        return Err(problem(dir, "no such output directory"));
    }
    let mut files = Vec::new();
    for name in READ_FILES {
        let path = dir.join(name);
        match std::fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(problem(&path, format!("cannot read it: {e}"))),
            // A FIFO or a device would block the read, or never end it.
            Ok(m) if !m.is_file() => return Err(problem(&path, "is not a regular file")),
            Ok(_) => {}
        }
        let bytes =
            std::fs::read(&path).map_err(|e| problem(&path, format!("cannot read it: {e}")))?;
        files.push((name.to_string(), bytes));
    }
    parse_output(dir, &files)
}

/// Reads the files of an output directory from memory (`name`, contents), as
/// [`read_output_dir`] reads them from `dir`; messages name them as files of `dir`.
pub fn parse_output(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<OutputDir, Error> {
    let file = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
    };
    let required = |name: &str| {
        file(name).ok_or_else(|| {
            problem(
                &dir.join(name),
                "cannot read it (no such file): is the directory a casesim output directory?",
            )
        })
    };
    let table = |name: &str| -> Result<Option<Table>, Error> {
        file(name)
            .map(|b| Table::parse(&dir.join(name), b))
            .transpose()
    };
    let json_path = dir.join("run.json");
    let record: serde_json::Value = serde_json::from_slice(required("run.json")?)
        .map_err(|e| problem(&json_path, format!("not valid JSON: {e}")))?;
    if !record.is_object() {
        return Err(problem(&json_path, "is not a JSON object"));
    }
    let kind = match record.get("kind") {
        None => Kind::Run,
        Some(k) => match k.as_str() {
            Some("sweep") => Kind::Sweep,
            Some("compare") => Kind::Compare,
            _ => return Err(problem(&json_path, format!("unknown kind `{k}`"))),
        },
    };
    if kind != Kind::Run && !record.get("arms").is_some_and(|a| a.is_array()) {
        return Err(problem(&json_path, "has no list of `arms`"));
    }

    let stats_path = dir.join("stats.csv");
    let mut stats = Table::parse(&stats_path, required("stats.csv")?)?;
    // Grouping columns lead every file: `arm` and the varied keys (none for a run).
    let groups: Vec<String> = match stats.header.iter().position(|h| h == "metric") {
        Some(i) => stats.header[..i].to_vec(),
        None => return Err(problem(&stats_path, "no `metric` column")),
    };
    let groups_fit = match kind {
        Kind::Run => groups.is_empty(),
        Kind::Compare => groups == ["arm"],
        Kind::Sweep => groups.len() >= 2 && groups[0] == "arm",
    };
    if !groups_fit {
        return Err(problem(
            &stats_path,
            format!(
                "the columns before `metric` are `{}`; the output of a {} has {}",
                groups.join(","),
                kind.name(),
                match kind {
                    Kind::Run => "none",
                    Kind::Compare => "`arm`",
                    Kind::Sweep => "`arm` and the varied keys",
                }
            ),
        ));
    }
    let mut fixed = vec!["metric"];
    fixed.extend(ESTIMATE);
    // With `--posterior`, the interval over replications follows.
    let intervals = stats.header.ends_with(&INTERVAL.map(String::from));
    if intervals {
        fixed.extend(INTERVAL);
    }
    stats.expect_columns(&groups, &fixed, false)?;
    let varied_keys: Vec<String> = groups.iter().skip(1).cloned().collect();
    let run_label = record
        .pointer("/scenario/name")
        .and_then(|n| n.as_str())
        .unwrap_or("run")
        .to_string();

    let mut arms: Vec<ArmResults> = Vec::new();
    let mut index = Arms {
        index: BTreeMap::new(),
    };
    let metric_column = stats.column("metric");
    for (line, row) in &stats.rows {
        let key = row[..groups.len()].to_vec();
        for (c, value) in key.iter().enumerate() {
            if value.parse::<f64>().is_ok_and(|v| !v.is_finite()) {
                return Err(at_line(
                    &stats_path,
                    *line,
                    format!("column `{}`: `{value}` is not a finite number", groups[c]),
                ));
            }
        }
        let i = match index.index.get(&key) {
            Some(&i) => i,
            None => {
                let label = if groups.is_empty() {
                    run_label.clone()
                } else {
                    key[0].clone()
                };
                if arms.iter().any(|a| a.label == label) {
                    return Err(at_line(
                        &stats_path,
                        *line,
                        format!("arm `{label}` comes twice with different varied values"),
                    ));
                }
                arms.push(ArmResults {
                    label,
                    varied: varied_keys
                        .iter()
                        .cloned()
                        .zip(key[1.min(key.len())..].iter().cloned())
                        .collect(),
                    ..ArmResults::default()
                });
                index.index.insert(key, arms.len() - 1);
                arms.len() - 1
            }
        };
        let estimate = stats.estimate(*line, row, metric_column + 1)?;
        let metric = row[metric_column].clone();
        if arms[i].stats.insert(metric.clone(), estimate).is_some() {
            return Err(at_line(
                &stats_path,
                *line,
                format!("metric `{metric}` of arm `{}` comes twice", arms[i].label),
            ));
        }
    }
    if arms.is_empty() {
        return Err(problem(&stats_path, "has no results"));
    }

    if let Some(mut summary) = table("summary.csv")? {
        summary.expect_columns(&groups, &["replication"], true)?;
        let first = groups.len() + 1;
        for (line, row) in &summary.rows {
            let i = summary.arm(*line, row, &index)?;
            let replication = summary.count(*line, row, groups.len(), u64::from(u32::MAX))?;
            for c in first..row.len() {
                if let Some(v) = summary.number(*line, row, c)? {
                    arms[i]
                        .by_replication
                        .entry(summary.header[c].clone())
                        .or_default()
                        .insert(replication as u32, v);
                }
            }
        }
    }

    let labels: Vec<String> = arms.iter().map(|a| a.label.clone()).collect();
    let by_group = |name: &str,
                    group: &str,
                    optional: bool|
     -> Result<Option<Vec<(usize, (String, String), Estimate)>>, Error> {
        let Some(mut t) = table(name)? else {
            return if optional {
                Ok(None)
            } else {
                Err(problem(&dir.join(name), "cannot read it (no such file)"))
            };
        };
        let mut fixed = vec![group, "metric"];
        fixed.extend(ESTIMATE);
        t.expect_columns(&groups, &fixed, false)?;
        let (g, m) = (t.column(group), t.column("metric"));
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for (line, row) in &t.rows {
            let i = t.arm(*line, row, &index)?;
            let key = (row[g].clone(), row[m].clone());
            if !seen.insert((i, key.clone())) {
                return Err(at_line(
                    &t.path,
                    *line,
                    format!(
                        "`{}`, `{}` of arm `{}` comes twice",
                        key.0, key.1, labels[i]
                    ),
                ));
            }
            out.push((i, key, t.estimate(*line, row, m + 1)?));
        }
        Ok(Some(out))
    };
    for (i, key, e) in by_group("by_tier.csv", "tier", false)?.unwrap_or_default() {
        arms[i].by_tier.insert(key, e);
    }
    for (i, key, e) in by_group("by_disposal.csv", "disposal", true)?.unwrap_or_default() {
        arms[i].by_disposal.insert(key, e);
    }
    for (i, key, e) in by_group("by_age.csv", "age", true)?.unwrap_or_default() {
        arms[i].by_age.insert(key, e);
    }
    for (i, key, e) in by_group("recalls.csv", "reason", true)?.unwrap_or_default() {
        arms[i].recalls.insert(key, e);
    }
    for (i, key, e) in by_group("by_need.csv", "need", true)?.unwrap_or_default() {
        arms[i].by_need.insert(key, e);
    }
    for (i, key, e) in by_group("by_offence.csv", "offence", true)?.unwrap_or_default() {
        arms[i].by_offence.insert(key, e);
    }

    let weekly_path = dir.join("timeseries.csv");
    let mut weekly = table("timeseries.csv")?
        .ok_or_else(|| problem(&weekly_path, "cannot read it (no such file)"))?;
    weekly.expect_columns(&groups, &["week"], true)?;
    let week_column = weekly.column("week");
    let mut weeks_seen = vec![0u64; arms.len()];
    for (line, row) in &weekly.rows {
        let i = weekly.arm(*line, row, &index)?;
        let week = weekly.count(*line, row, week_column, u64::from(u32::MAX))?;
        if week != weeks_seen[i] {
            return Err(at_line(
                &weekly_path,
                *line,
                format!(
                    "week {week} of arm `{}` where week {} comes next: each arm's weeks run \
                     0, 1, 2, ... in order",
                    arms[i].label, weeks_seen[i]
                ),
            ));
        }
        weeks_seen[i] += 1;
        for c in week_column + 1..weekly.header.len() {
            let value = weekly.number(*line, row, c)?;
            arms[i]
                .weekly
                .entry(weekly.header[c].clone())
                .or_default()
                .push(value);
        }
    }

    let survival_path = dir.join("survival.csv");
    let mut survival = table("survival.csv")?
        .ok_or_else(|| problem(&survival_path, "cannot read it (no such file)"))?;
    survival.expect_columns(
        &groups,
        &[
            "event",
            "week",
            "at_risk",
            "events",
            "censored",
            "survival",
            "std_error",
            "ci_low",
            "ci_high",
        ],
        false,
    )?;
    let [
        event,
        week,
        at_risk,
        events,
        censored,
        surv,
        std_error,
        low,
        high,
    ] = [
        "event",
        "week",
        "at_risk",
        "events",
        "censored",
        "survival",
        "std_error",
        "ci_low",
        "ci_high",
    ]
    .map(|c| survival.column(c));
    for (line, row) in &survival.rows {
        let i = survival.arm(*line, row, &index)?;
        let line = *line;
        survival.count(line, row, events, u64::MAX)?;
        survival.count(line, row, censored, u64::MAX)?;
        survival.required(line, row, std_error)?;
        let point = SurvivalPoint {
            week: survival.count(line, row, week, u64::from(u32::MAX))? as u32,
            at_risk: survival.count(line, row, at_risk, u64::MAX)?,
            survival: survival.share(line, row, surv)?,
            ci_low: survival.share(line, row, low)?,
            ci_high: survival.share(line, row, high)?,
        };
        arms[i]
            .survival
            .entry(row[event].clone())
            .or_default()
            .push(point);
    }

    let mut differences = Vec::new();
    if kind != Kind::Run {
        if let Some(mut compare) = table("compare.csv")? {
            let mut fixed = vec![
                "arm",
                "reference",
                "metric",
                "reference_mean",
                "arm_mean",
                "difference",
            ];
            fixed.extend(&ESTIMATE[1..]);
            if compare.header.ends_with(&INTERVAL.map(String::from)) {
                fixed.extend(INTERVAL);
            }
            compare.expect_columns(&[], &fixed, false)?;
            let labels: BTreeSet<&str> = arms.iter().map(|a| a.label.as_str()).collect();
            for (line, row) in &compare.rows {
                for c in [0, 1] {
                    if !labels.contains(row[c].as_str()) {
                        return Err(at_line(
                            &compare.path,
                            *line,
                            format!(
                                "column `{}`: `{}` is not one of the arms of stats.csv",
                                compare.header[c], row[c]
                            ),
                        ));
                    }
                }
                differences.push(Difference {
                    arm: row[0].clone(),
                    reference: row[1].clone(),
                    metric: row[2].clone(),
                    reference_mean: compare.number(*line, row, 3)?,
                    arm_mean: compare.number(*line, row, 4)?,
                    difference: compare.estimate(*line, row, 5)?,
                });
            }
        }
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
