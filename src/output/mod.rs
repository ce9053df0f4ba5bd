//! Writing results: the CSV and JSON files of the contract, and the table printed at the end.
//!
//! Every file is built in memory, written to a temporary file in the output directory and
//! renamed into place, so a reader never sees half a file and a failed run leaves the previous
//! complete file (or none). The directory itself is created only once results exist.

pub mod table;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Error;
use crate::experiment::{RunResults, Summary};
use crate::metrics::{Metrics, WeekRecord};
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

fn csv_bytes(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for row in rows {
        w.write_record(&row).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// `summary.csv`: one row per replication, every metric a column.
pub fn summary_csv(results: &RunResults) -> Vec<u8> {
    let mut header = vec!["replication"];
    header.extend(Metrics::NAMES);
    csv_bytes(
        &header,
        results.replications.iter().map(|r| {
            std::iter::once(r.replication.to_string())
                .chain(r.metrics.values().map(cell))
                .collect()
        }),
    )
}

/// `stats.csv`: `metric,mean,ci_low,ci_high,n`.
pub fn stats_csv(results: &RunResults) -> Vec<u8> {
    csv_bytes(
        &["metric", "mean", "ci_low", "ci_high", "n"],
        results.stats().iter().map(|(name, s)| {
            std::iter::once(name.to_string())
                .chain(summary_cells(s))
                .collect()
        }),
    )
}

/// `by_tier.csv`: `tier,metric,mean,ci_low,ci_high,n` for the case-outcome metrics.
pub fn by_tier_csv(results: &RunResults) -> Vec<u8> {
    csv_bytes(
        &["tier", "metric", "mean", "ci_low", "ci_high", "n"],
        results.stats_by_tier().iter().map(|(tier, name, s)| {
            [tier.name().to_string(), name.to_string()]
                .into_iter()
                .chain(summary_cells(s))
                .collect()
        }),
    )
}

/// `timeseries.csv`: one row per week, the mean over replications of each weekly quantity.
pub fn timeseries_csv(results: &RunResults) -> Vec<u8> {
    let mut header = vec!["week"];
    header.extend(WeekRecord::COLUMNS);
    csv_bytes(
        &header,
        results.mean_timeseries().into_iter().map(|(week, means)| {
            std::iter::once(week.to_string())
                .chain(means.map(cell))
                .collect()
        }),
    )
}

/// What `run.json` records about a run.
#[derive(Serialize)]
pub struct RunRecord<'a> {
    pub casesim_version: &'static str,
    pub command: String,
    pub scenario_file: &'a Path,
    pub seed: u64,
    pub replications: u32,
    pub threads: usize,
    pub wall_time_seconds: f64,
    pub offender_weeks: u64,
    pub measurement_window_weeks: [u32; 2],
    /// The scenario as resolved: file, defaults and overrides together.
    pub scenario: &'a Scenario,
}

/// Writes `bytes` to `dir/name` through a temporary file renamed into place.
pub fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
    let path = dir.join(name);
    let fail = |source| Error::Output {
        path: path.clone(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    // Temporary files are private; results are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(&path).map_err(|e| fail(e.error))?;
    Ok(path)
}

/// Writes every output file of a run into `dir`, creating it.
pub fn write_run(dir: &Path, results: &RunResults, record: &RunRecord) -> Result<(), Error> {
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("summary.csv", summary_csv(results)),
        ("stats.csv", stats_csv(results)),
        ("by_tier.csv", by_tier_csv(results)),
        ("timeseries.csv", timeseries_csv(results)),
        (
            "run.json",
            serde_json::to_vec_pretty(record).expect("the record serialises"),
        ),
    ];
    std::fs::create_dir_all(dir).map_err(|source| Error::Output {
        path: dir.to_path_buf(),
        source,
    })?;
    for (name, bytes) in files {
        write_atomically(dir, name, &bytes)?;
    }
    Ok(())
}
