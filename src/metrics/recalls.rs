//! Recalls to custody over the measurement window, by reason and by type: what `recalls.csv`
//! gives. The Ministry of Justice's Offender Management Statistics (licence recalls) count each
//! recall once in the total and once under every reason recorded for it, so the reasons' shares
//! of recalls sum to more than 1; and they split recalls into fixed-term and standard. The
//! counts come from each week's [`RecallCounts`] (the model counts every recall as it is made);
//! nothing here changes the model.

use serde::{Deserialize, Serialize};

use crate::metrics::recorder::WeekRecord;
use crate::model::custody::{RecallCounts, RecallReason};

/// Recalls over the weeks of a measurement window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallTally {
    /// Weeks in the window (for the rates a week).
    pub weeks: u64,
    /// Recalls made in the window.
    pub recalls: u64,
    /// Of them, fixed-term recalls (the rest are standard).
    pub fixed_term: u64,
    /// Recalls citing each reason, in [`RecallReason::ALL`] order (a recall with several
    /// reasons counts under each).
    pub by_reason: [u64; RecallReason::COUNT],
}

/// A group of recalls, a row group of `recalls.csv` (its `reason` column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecallGroup {
    /// Every recall.
    All,
    /// The recalls citing a reason.
    Reason(RecallReason),
    /// Fixed-term recalls (`custody.fixed_term_weeks`).
    FixedTerm,
    /// Standard recalls (`custody.recall_weeks`).
    Standard,
}

impl RecallGroup {
    /// The groups in the order of `recalls.csv`.
    pub const ALL: [RecallGroup; RecallReason::COUNT + 3] = [
        RecallGroup::All,
        RecallGroup::Reason(RecallReason::FurtherCharge),
        RecallGroup::Reason(RecallReason::FailureToKeepInTouch),
        RecallGroup::Reason(RecallReason::NonCompliance),
        RecallGroup::Reason(RecallReason::FailureToReside),
        RecallGroup::Reason(RecallReason::DrugsOrAlcohol),
        RecallGroup::FixedTerm,
        RecallGroup::Standard,
    ];

    /// The `reason` column's value: `all`, the reason's own name, `fixed_term`, `standard`.
    pub fn name(self) -> &'static str {
        match self {
            RecallGroup::All => "all",
            RecallGroup::Reason(r) => r.name(),
            RecallGroup::FixedTerm => "fixed_term",
            RecallGroup::Standard => "standard",
        }
    }

    /// In words, for the report.
    pub fn label(self) -> &'static str {
        match self {
            RecallGroup::All => "all recalls",
            RecallGroup::Reason(r) => r.label(),
            RecallGroup::FixedTerm => "fixed-term recall",
            RecallGroup::Standard => "standard recall",
        }
    }
}

/// The measures of each group, the `metric` column of `recalls.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecallMetric {
    /// Recalls in the group over the measurement window (per replication).
    Recalls,
    /// The same a week of the window.
    RecallsPerWeek,
    /// The group's share of all recalls (undefined with no recall); not given for `all`.
    Share,
}

impl RecallMetric {
    pub const ALL: [RecallMetric; 3] = [
        RecallMetric::Recalls,
        RecallMetric::RecallsPerWeek,
        RecallMetric::Share,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RecallMetric::Recalls => "recalls",
            RecallMetric::RecallsPerWeek => "recalls_per_week",
            RecallMetric::Share => "share",
        }
    }

    /// The range a value can take (confidence intervals are cut to it).
    pub fn bounds(self) -> (f64, f64) {
        match self {
            RecallMetric::Share => (0.0, 1.0),
            _ => (0.0, f64::INFINITY),
        }
    }
}

impl RecallTally {
    /// The recalls of `weeks` (the weeks of a measurement window).
    pub fn of(weeks: &[WeekRecord]) -> RecallTally {
        let mut t = RecallTally {
            weeks: weeks.len() as u64,
            ..RecallTally::default()
        };
        for w in weeks {
            t.add_week(&w.steps.recalls);
        }
        t
    }

    fn add_week(&mut self, c: &RecallCounts) {
        self.recalls += u64::from(c.recalls);
        self.fixed_term += u64::from(c.fixed_term);
        for (sum, n) in self.by_reason.iter_mut().zip(c.by_reason) {
            *sum += u64::from(n);
        }
    }

    /// Recalls in a group.
    pub fn count(&self, group: RecallGroup) -> u64 {
        match group {
            RecallGroup::All => self.recalls,
            RecallGroup::Reason(r) => self.by_reason[r as usize],
            RecallGroup::FixedTerm => self.fixed_term,
            RecallGroup::Standard => self.recalls.saturating_sub(self.fixed_term),
        }
    }

    /// A group's measure: undefined for a rate a week without weeks, a share without recalls,
    /// and the share of `all` (always 1).
    pub fn value(&self, group: RecallGroup, metric: RecallMetric) -> Option<f64> {
        let n = self.count(group) as f64;
        match metric {
            RecallMetric::Recalls => Some(n),
            RecallMetric::RecallsPerWeek => (self.weeks > 0).then(|| n / self.weeks as f64),
            RecallMetric::Share if group == RecallGroup::All => None,
            RecallMetric::Share => (self.recalls > 0).then(|| n / self.recalls as f64),
        }
    }

    /// The (group, metric) rows of `recalls.csv`, in order: every metric of every group, but
    /// no share for `all`.
    pub fn rows() -> impl Iterator<Item = (RecallGroup, RecallMetric)> {
        RecallGroup::ALL.into_iter().flat_map(|g| {
            RecallMetric::ALL
                .into_iter()
                .filter(move |&m| !(g == RecallGroup::All && m == RecallMetric::Share))
                .map(move |m| (g, m))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_count_under_each_and_the_types_split_the_recalls() {
        let mut weeks = [WeekRecord::default(), WeekRecord::default()];
        weeks[0].steps.recalls = RecallCounts {
            recalls: 3,
            fixed_term: 1,
            by_reason: [1, 0, 3, 2, 0],
        };
        weeks[1].steps.recalls = RecallCounts {
            recalls: 1,
            fixed_term: 1,
            by_reason: [0, 1, 0, 0, 1],
        };
        let t = RecallTally::of(&weeks);
        assert_eq!((t.weeks, t.recalls, t.fixed_term), (2, 4, 2));
        assert_eq!(t.by_reason, [1, 1, 3, 2, 1]);
        let non_compliance = RecallGroup::Reason(RecallReason::NonCompliance);
        assert_eq!(t.value(non_compliance, RecallMetric::Share), Some(0.75));
        assert_eq!(
            t.value(RecallGroup::Standard, RecallMetric::Recalls),
            Some(2.0)
        );
        assert_eq!(
            t.value(RecallGroup::All, RecallMetric::RecallsPerWeek),
            Some(2.0)
        );
        assert_eq!(t.value(RecallGroup::All, RecallMetric::Share), None);
        let none = RecallTally::of(&weeks[..0]);
        assert_eq!(
            none.value(RecallGroup::All, RecallMetric::Recalls),
            Some(0.0)
        );
        assert_eq!(
            none.value(RecallGroup::FixedTerm, RecallMetric::Share),
            None
        );
        assert_eq!(RecallTally::rows().count(), 8 * 3 - 1);
    }
}
