//! The questions a room can choose from: the shipped scenarios (compiled into the binary, so
//! the server needs no files beside it), or the one scenario file given to `casesim serve`.
//!
//! A question is a scenario as its file writes it: that is the baseline every change is
//! compared with. A shipped question that is a sweep (most are) keeps its sweep's points as
//! suggestions, and its varied keys join the main levers on the page.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::scenario::{
    Scenario, ScenarioSource, Sweep, read_source, scenario_from_source, sweep_points, value_text,
};

/// The shipped questions, in the order the issue and the README name them: path, text.
const SHIPPED: [(&str, &str); 9] = [
    (
        "scenarios/baseline.toml",
        include_str!("../../scenarios/baseline.toml"),
    ),
    (
        "scenarios/caseload_sweep.toml",
        include_str!("../../scenarios/caseload_sweep.toml"),
    ),
    (
        "scenarios/individual_vs_team.toml",
        include_str!("../../scenarios/individual_vs_team.toml"),
    ),
    (
        "scenarios/generic_vs_specialised.toml",
        include_str!("../../scenarios/generic_vs_specialised.toml"),
    ),
    (
        "scenarios/modes.toml",
        include_str!("../../scenarios/modes.toml"),
    ),
    (
        "scenarios/continuity_of_care.toml",
        include_str!("../../scenarios/continuity_of_care.toml"),
    ),
    (
        "scenarios/icm_throughcare.toml",
        include_str!("../../scenarios/icm_throughcare.toml"),
    ),
    (
        "scenarios/service_scarcity.toml",
        include_str!("../../scenarios/service_scarcity.toml"),
    ),
    (
        "scenarios/intensive_supervision.toml",
        include_str!("../../scenarios/intensive_supervision.toml"),
    ),
];

/// One question: its file, the scenario it writes (the baseline), and its sweep's points.
pub struct Question {
    /// What the page and requests call it: the file's stem (`caseload_sweep`).
    pub id: String,
    /// The first line of the file's header ("Caseload sweep: what does the size of a caseload
    /// do to supervision and its outcomes?"), else the scenario's description.
    pub title: String,
    /// The file's path and text, kept to resolve every change against it as `--set` does,
    /// and to name it (and its lines) in messages.
    pub path: PathBuf,
    pub text: String,
    /// The scenario as the file writes it, without its sweep.
    pub baseline: Scenario,
    /// The keys the file sweeps, in order.
    pub varied_keys: Vec<String>,
    /// The sweep's points, each a label and its values: suggestions of what to try.
    pub points: Vec<Point>,
}

/// One point of a question's sweep.
pub struct Point {
    /// `caseload_cap=12 case_managers=250`.
    pub label: String,
    /// Each varied key and its value, as `--set` reads it.
    pub values: Vec<(String, String)>,
}

impl Question {
    /// The question in `text`, named `path` in messages; bad input as `casesim check` says it.
    pub fn from_text(path: &Path, text: &str) -> Result<Question, Error> {
        let source = ScenarioSource::new(path, text);
        let mut baseline = scenario_from_source(&source, &[])?;
        let sweep = std::mem::take(&mut baseline.sweep);
        Ok(Question {
            id: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| baseline.name.clone()),
            title: header_title(text).unwrap_or_else(|| {
                if baseline.description.is_empty() {
                    baseline.name.clone()
                } else {
                    baseline.description.clone()
                }
            }),
            varied_keys: sweep.vary.iter().map(|v| v.key.clone()).collect(),
            points: points(&sweep),
            path: path.to_path_buf(),
            text: text.to_string(),
            baseline,
        })
    }

    /// The file as the scenario loader reads it.
    pub fn source(&self) -> ScenarioSource {
        ScenarioSource::new(&self.path, self.text.as_str())
    }

    /// The scenario file at `path`, read as `casesim run` reads it.
    pub fn from_file(path: &Path) -> Result<Question, Error> {
        let source = read_source(path)?;
        Question::from_text(path, &source.text)
    }
}

/// The shipped questions.
pub fn shipped() -> Vec<Question> {
    SHIPPED
        .iter()
        .map(|(path, text)| {
            Question::from_text(Path::new(path), text)
                .unwrap_or_else(|e| unreachable!("the shipped {path} is valid: {e}"))
        })
        .collect()
}

/// The first comment line of a scenario file's header that is not a directive (`#:schema`).
fn header_title(text: &str) -> Option<String> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter(|l| !l.starts_with("#:"))
        .map(|l| l.trim_start_matches('#').trim())
        .find(|l| !l.is_empty())
        .map(str::to_string)
}

fn points(sweep: &Sweep) -> Vec<Point> {
    if sweep.is_empty() {
        return Vec::new();
    }
    sweep_points(sweep)
        .into_iter()
        .map(|p| {
            let values: Vec<(String, String)> = p
                .values
                .iter()
                .map(|(i, v)| (sweep.vary[*i].key.clone(), value_text(v)))
                .collect();
            let label = values
                .iter()
                .map(|(k, v)| format!("{}={v}", k.rsplit('.').next().unwrap_or(k)))
                .collect::<Vec<_>>()
                .join(" ");
            Point { label, values }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_question_loads_with_a_title() {
        let questions = shipped();
        assert_eq!(questions.len(), SHIPPED.len());
        let caseload = questions.iter().find(|q| q.id == "caseload_sweep").unwrap();
        assert!(
            caseload.title.starts_with("Caseload sweep"),
            "{}",
            caseload.title
        );
        assert_eq!(caseload.points.len(), 9);
        assert_eq!(
            caseload.points[0].label,
            "caseload_cap=12 case_managers=250"
        );
        assert!(caseload.baseline.sweep.is_empty());
        let baseline = questions.iter().find(|q| q.id == "baseline").unwrap();
        assert!(baseline.points.is_empty());
    }
}
