//! Calibration targets: a measure of an arm (a base rate), or a contrast between two arms or
//! two measures (as the validate checks are), with its observed value and uncertainty.

use serde::{Deserialize, Serialize};

use crate::analysis::validation::front_loading_ratio;
use crate::experiment::ReplicationResult;
use crate::metrics::recorder::AgeBand;
use crate::metrics::{Metrics, Scope, measure};
use crate::model::journey::Disposal;
use crate::scenario::RiskTier;

/// The cases a measure is taken over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    All,
    Tier(RiskTier),
    Disposal(Disposal),
    Age(AgeBand),
}

impl Group {
    /// Parses `tier:high`, `disposal:custody`, `age:18-24`; the empty text is every case.
    pub fn parse(text: &str) -> Result<Group, String> {
        if text.is_empty() || text == "all" {
            return Ok(Group::All);
        }
        let (kind, name) = text.split_once(':').unwrap_or((text, ""));
        let choices = |names: Vec<&str>| names.join(", ");
        match kind {
            "tier" => RiskTier::ALL
                .iter()
                .find(|t| t.name() == name)
                .map(|t| Group::Tier(*t))
                .ok_or_else(|| {
                    format!(
                        "`{name}` is not a risk tier: one of {}",
                        choices(RiskTier::ALL.iter().map(|t| t.name()).collect())
                    )
                }),
            "disposal" => Disposal::ALL
                .iter()
                .find(|d| d.name() == name)
                .map(|d| Group::Disposal(*d))
                .ok_or_else(|| {
                    format!(
                        "`{name}` is not a disposal: one of {}",
                        choices(Disposal::ALL.iter().map(|d| d.name()).collect())
                    )
                }),
            "age" => AgeBand::ALL
                .iter()
                .find(|a| a.name() == name)
                .map(|a| Group::Age(*a))
                .ok_or_else(|| {
                    format!(
                        "`{name}` is not an age band: one of {}",
                        choices(AgeBand::ALL.iter().map(|a| a.name()).collect())
                    )
                }),
            _ => Err(format!(
                "`{text}` is not a group: tier:<tier>, disposal:<community|custody>, \
                 age:<band> or all"
            )),
        }
    }

    pub fn text(self) -> String {
        match self {
            Group::All => "all".into(),
            Group::Tier(t) => format!("tier:{}", t.name()),
            Group::Disposal(d) => format!("disposal:{}", d.name()),
            Group::Age(a) => format!("age:{}", a.name()),
        }
    }

    fn metrics(self, r: &ReplicationResult) -> &Metrics {
        match self {
            Group::All => &r.metrics,
            Group::Tier(t) => &r.by_tier[t.index()],
            Group::Disposal(d) => &r.by_disposal[d as usize],
            Group::Age(a) => &r.by_age[a.index()],
        }
    }
}

/// What is measured in a replication.
#[derive(Clone, Debug, PartialEq)]
pub enum Quantity {
    /// A measure of the measure table (`summary.csv`'s columns), over a group of cases.
    Measure { name: String, group: Group },
    /// Proven reoffending in year 3 among those without one in years 1–2, over the year-1
    /// rate (the front-loading check; needs three years of follow-up).
    FrontLoading,
}

/// The name for a derived quantity in a calibration file.
pub const FRONT_LOADING: &str = "front_loading";

impl Quantity {
    /// Parses a measure name and group.
    pub fn parse(name: &str, group: &str) -> Result<Quantity, String> {
        if name == FRONT_LOADING {
            return match Group::parse(group)? {
                Group::All => Ok(Quantity::FrontLoading),
                _ => Err("front_loading is over every case: give no group".into()),
            };
        }
        let Some(m) = measure(name) else {
            return Err(format!(
                "`{name}` is not a measure (docs/outputs.md lists them; or {FRONT_LOADING})"
            ));
        };
        let group = Group::parse(group)?;
        if group != Group::All && m.scope != Scope::Case {
            return Err(format!(
                "`{name}` is a measure of the unit's weeks, not of cases: it has no groups"
            ));
        }
        Ok(Quantity::Measure {
            name: name.to_string(),
            group,
        })
    }

    pub fn value(&self, r: &ReplicationResult) -> Option<f64> {
        match self {
            Quantity::Measure { name, group } => group.metrics(r).get(name),
            Quantity::FrontLoading => front_loading_ratio(r),
        }
    }

    pub fn text(&self) -> String {
        match self {
            Quantity::Measure { name, group } if *group == Group::All => name.clone(),
            Quantity::Measure { name, group } => format!("{name} ({})", group.text()),
            Quantity::FrontLoading => FRONT_LOADING.into(),
        }
    }
}

/// How a quantity is set against another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contrast {
    /// `a − b`.
    Difference,
    /// `a / b`.
    Ratio,
    /// `(a − b) / b`.
    RelativeChange,
    /// `odds(a) / odds(b)`, for shares.
    OddsRatio,
}

impl Contrast {
    pub const ALL: [Contrast; 4] = [
        Contrast::Difference,
        Contrast::Ratio,
        Contrast::RelativeChange,
        Contrast::OddsRatio,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Contrast::Difference => "difference",
            Contrast::Ratio => "ratio",
            Contrast::RelativeChange => "relative_change",
            Contrast::OddsRatio => "odds_ratio",
        }
    }

    pub fn apply(self, a: f64, b: f64) -> Option<f64> {
        let odds = |p: f64| (p > 0.0 && p < 1.0).then(|| p / (1.0 - p));
        match self {
            Contrast::Difference => Some(a - b),
            Contrast::Ratio => (b != 0.0).then(|| a / b),
            Contrast::RelativeChange => (b != 0.0).then(|| (a - b) / b),
            Contrast::OddsRatio => Some(odds(a)? / odds(b)?),
        }
    }
}

/// One target, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub name: String,
    /// Index of the arm measured.
    pub arm: usize,
    pub quantity: Quantity,
    /// The arm and quantity it is contrasted with, and how.
    pub versus: Option<(usize, Quantity, Contrast)>,
    pub observed: f64,
    /// The observed value's standard error (a range given is read as a 95% interval).
    pub standard_error: f64,
    /// Where the observed value comes from.
    pub source: String,
    /// Not fitted: measured on the posterior afterwards, as a check of what the calibration
    /// was not given (a held-out finding stays a validation, not a calibration).
    pub held_out: bool,
}

impl Target {
    /// The target's value in replication `rep` of the arms' results, `results[arm][rep]`.
    fn value_at(&self, results: &[Vec<ReplicationResult>], rep: usize) -> Option<f64> {
        let a = self.quantity.value(&results[self.arm][rep])?;
        match &self.versus {
            None => Some(a),
            Some((arm, q, contrast)) => contrast.apply(a, q.value(&results[*arm][rep])?),
        }
    }

    /// The mean of the target's value over replications; `None` if a replication has none.
    pub fn value(&self, results: &[Vec<ReplicationResult>]) -> Option<f64> {
        let reps = results[self.arm].len();
        let mut sum = 0.0;
        for rep in 0..reps {
            sum += self.value_at(results, rep)?;
        }
        (reps > 0).then(|| sum / reps as f64)
    }

    /// What it measures, in words: `reoffending_rate of halved against base (relative_change)`.
    pub fn describe(&self, arm_names: &[String]) -> String {
        let mut text = format!("{} of {}", self.quantity.text(), arm_names[self.arm]);
        if let Some((arm, q, contrast)) = &self.versus {
            text.push_str(&format!(
                " against {} of {} ({})",
                q.text(),
                arm_names[*arm],
                contrast.name()
            ));
        }
        text
    }
}

/// The distance of simulated summaries from the targets: the root mean square of the
/// standardised differences, `sqrt(mean(((s − o) / se)²))` — each target counts by its own
/// uncertainty, and a distance of 1 is a fit within one standard error on average.
pub fn distance(targets: &[Target], summaries: &[f64]) -> f64 {
    let sum: f64 = targets
        .iter()
        .zip(summaries)
        .map(|(t, s)| ((s - t.observed) / t.standard_error).powi(2))
        .sum();
    (sum / targets.len().max(1) as f64).sqrt()
}
