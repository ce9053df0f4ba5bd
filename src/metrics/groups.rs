//! Outcomes by primary need and by principal offence: what `by_need.csv` and `by_offence.csv`
//! give. A case's primary need is its most severe need when it started (the first of equals, in
//! the order of [`Need::ALL`]), or `none`; its offence is the principal offence of its sentence.
//! Each sentence that ended in the measurement window (a community order terminated, or a
//! licence that reached the sentence's end) is counted once in its group when it ends, with what
//! became of its needs and the referrals it had; its follow-up is counted when that ends, as the
//! headline reoffending measure counts it. So the groups' counts sum to the totals of
//! `summary.csv`: `cases` to `orders_terminated` plus `licences_ended`, `followed_up` to
//! `cohort_followed_up`, `reoffenders` to the people it found reoffending. The question the
//! table answers: does specialising by need (need streaming, `organisation.specialist_effect`)
//! or more of a service help the people with that need? Nothing here changes the model.

use serde::{Deserialize, Serialize};

use crate::metrics::Unit;
use crate::model::journey::OrderOutcome;
use crate::model::offender::Offender;
use crate::scenario::{Need, OffenceType};

/// The groups of `by_need.csv`: each need, then `none` (no need at the start).
pub const NEED_GROUPS: usize = Need::COUNT + 1;

/// Outcomes of one group's cases in one replication.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupTally {
    /// Sentences ended in the window (orders terminated and licences ended).
    pub cases: u64,
    /// Community orders among them, and those revoked for breach.
    pub terminated: u64,
    pub breached: u64,
    /// The headline needs-met share, summed over the cases that started with a need.
    pub needs_met_sum: f64,
    pub needs_met_cases: u64,
    /// Cases with a primary need; of them, the primary need met (severity 0 at the end) and
    /// lowered (below its severity at the start).
    pub with_primary_need: u64,
    pub primary_need_met: u64,
    pub primary_need_lowered: u64,
    /// Referrals to services made during those sentences, and the sentences with one.
    pub referrals: u64,
    pub cases_referred: u64,
    /// Weeks waited for a place, summed over the sentences with a referral, and the median
    /// over them of the weeks each waited in all (undefined when none was referred).
    pub wait_weeks: u64,
    pub median_case_wait_weeks: Option<f64>,
    /// People followed up (whose follow-up ended in the run, as `cohort_followed_up`), and of
    /// them those with a proven reoffence in the follow-up.
    pub followed_up: u64,
    pub reoffenders: u64,
}

/// The outcomes of every group of one replication, with the weeks each waiting case waited
/// (kept only while it runs, for the medians).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupTallies {
    /// By primary need, in [`Need::ALL`] order, then `none`.
    pub by_need: [GroupTally; NEED_GROUPS],
    /// By principal offence, in [`OffenceType::ALL`] order.
    pub by_offence: [GroupTally; OffenceType::COUNT],
    /// How many referred cases of each group waited each number of weeks in all (index:
    /// weeks).
    #[serde(skip)]
    need_waits: [Vec<u32>; NEED_GROUPS],
    #[serde(skip)]
    offence_waits: [Vec<u32>; OffenceType::COUNT],
}

/// The group of `by_need.csv` a case counts in.
pub fn need_group(o: &Offender) -> usize {
    o.tallies
        .primary_need()
        .map_or(Need::COUNT, |(need, _)| need.index())
}

/// The `need` column's value of a group.
pub fn need_group_name(group: usize) -> &'static str {
    Need::ALL.get(group).map_or("none", |n| n.name())
}

/// In words, for the report.
pub fn need_group_label(group: usize) -> &'static str {
    match Need::ALL.get(group) {
        Some(Need::Drugs) => "drugs",
        Some(Need::Alcohol) => "alcohol",
        Some(Need::MentalHealth) => "mental health",
        Some(Need::Accommodation) => "accommodation",
        Some(Need::Employment) => "employment",
        Some(Need::Family) => "family",
        Some(Need::Thinking) => "thinking",
        None => "no need",
    }
}

impl GroupTally {
    /// One ended sentence's part.
    fn sentence_ended(&mut self, o: &Offender, custodial: bool) {
        self.cases += 1;
        if !custodial {
            self.terminated += 1;
            self.breached += u64::from(o.journey.outcome == Some(OrderOutcome::Breached));
        }
        if let Some(share) = o.share_of_needs_met() {
            self.needs_met_sum += share;
            self.needs_met_cases += 1;
        }
        if let Some((need, at_start)) = o.tallies.primary_need() {
            let now = o.needs.severity(need);
            self.with_primary_need += 1;
            self.primary_need_met += u64::from(now == 0);
            self.primary_need_lowered += u64::from(now < at_start);
        }
        let t = &o.tallies;
        self.referrals += u64::from(t.referrals);
        if t.referrals > 0 {
            self.cases_referred += 1;
            self.wait_weeks += u64::from(t.service_wait_weeks);
        }
    }
}

/// Counts one more case that waited `weeks` in all.
fn add_wait(histogram: &mut Vec<u32>, weeks: u8) {
    let w = usize::from(weeks);
    if histogram.len() <= w {
        histogram.resize(w + 1, 0);
    }
    histogram[w] += 1;
}

/// The median of the values a histogram counts (the mean of the middle two for an even count).
fn median(histogram: &[u32]) -> Option<f64> {
    let n: u64 = histogram.iter().map(|&c| u64::from(c)).sum();
    if n == 0 {
        return None;
    }
    // The values of rank (n - 1) / 2 and n / 2, counting from 0.
    let value_at = |rank: u64| {
        let mut seen = 0;
        histogram
            .iter()
            .position(|&c| {
                seen += u64::from(c);
                seen > rank
            })
            .unwrap_or(0) as f64
    };
    Some((value_at((n - 1) / 2) + value_at(n / 2)) / 2.0)
}

impl GroupTallies {
    /// A sentence ended in the window: counted in its need's and its offence's group.
    pub fn sentence_ended(&mut self, o: &Offender, custodial: bool) {
        let (n, k) = (need_group(o), o.offence.index());
        self.by_need[n].sentence_ended(o, custodial);
        self.by_offence[k].sentence_ended(o, custodial);
        if o.tallies.referrals > 0 {
            add_wait(&mut self.need_waits[n], o.tallies.service_wait_weeks);
            add_wait(&mut self.offence_waits[k], o.tallies.service_wait_weeks);
        }
    }

    /// A follow-up ended in the run, with a proven reoffence in it or not.
    pub fn follow_up_ended(&mut self, o: &Offender, proven: bool) {
        for t in [
            &mut self.by_need[need_group(o)],
            &mut self.by_offence[o.offence.index()],
        ] {
            t.followed_up += 1;
            t.reoffenders += u64::from(proven);
        }
    }

    /// At the end of the replication: the medians.
    pub fn finish(&mut self) {
        for (t, h) in self.by_need.iter_mut().zip(&self.need_waits) {
            t.median_case_wait_weeks = median(h);
        }
        for (t, h) in self.by_offence.iter_mut().zip(&self.offence_waits) {
            t.median_case_wait_weeks = median(h);
        }
    }

    /// Whether every value is a finite number, and every count could have been counted
    /// (for results read back from a checkpoint).
    pub fn is_sound(&self) -> bool {
        self.by_need.iter().chain(&self.by_offence).all(|t| {
            t.needs_met_sum.is_finite()
                && t.median_case_wait_weeks.is_none_or(f64::is_finite)
                && [t.cases, t.referrals, t.wait_weeks, t.followed_up]
                    .iter()
                    .all(|&c| c < 1 << 48)
        })
    }
}

/// A measure of each group: the `metric` column of `by_need.csv` and `by_offence.csv`.
pub struct GroupMeasure {
    pub name: &'static str,
    pub unit: Unit,
    pub label: &'static str,
    pub meaning: &'static str,
    pub value: fn(&GroupTally) -> Option<f64>,
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// The measures of each group, in the files' order.
pub const GROUP_MEASURES: &[GroupMeasure] = &[
    GroupMeasure {
        name: "cases",
        unit: Unit::Count("sentences"),
        label: "sentences ended",
        meaning: "Sentences of the group that ended in the window (community orders terminated \
                  and licences ended), per replication; the groups sum to `orders_terminated` \
                  plus `licences_ended`.",
        value: |t| Some(t.cases as f64),
    },
    GroupMeasure {
        name: "needs_met_rate",
        unit: Unit::Share,
        label: "needs met",
        meaning: "`needs_met_rate` of summary.csv within the group: the mean share of the needs \
                  present at the start that were met (severity 0) at the end.",
        value: |t| (t.needs_met_cases > 0).then(|| t.needs_met_sum / t.needs_met_cases as f64),
    },
    GroupMeasure {
        name: "primary_need_met_rate",
        unit: Unit::Share,
        label: "primary need met",
        meaning: "Of the cases with a primary need, the share whose primary need was met \
                  (severity 0) when the sentence ended.",
        value: |t| ratio(t.primary_need_met, t.with_primary_need),
    },
    GroupMeasure {
        name: "primary_need_lowered_rate",
        unit: Unit::Share,
        label: "primary need lowered",
        meaning: "Of the cases with a primary need, the share whose primary need was less \
                  severe at the end than at the start (met or lowered).",
        value: |t| ratio(t.primary_need_lowered, t.with_primary_need),
    },
    GroupMeasure {
        name: "referrals",
        unit: Unit::Count("referrals"),
        label: "service referrals",
        meaning: "Referrals to services made during those sentences (accepted, refused, or \
                  ending in the case manager's own work), per replication.",
        value: |t| Some(t.referrals as f64),
    },
    GroupMeasure {
        name: "referrals_per_case",
        unit: Unit::Count("referrals per sentence"),
        label: "referrals per sentence",
        meaning: "`referrals` / `cases`.",
        value: |t| ratio(t.referrals, t.cases),
    },
    GroupMeasure {
        name: "cases_referred",
        unit: Unit::Count("sentences"),
        label: "sentences with a referral",
        meaning: "Of the `cases`, those with at least one referral to a service, per \
                  replication.",
        value: |t| Some(t.cases_referred as f64),
    },
    GroupMeasure {
        name: "mean_case_wait_weeks",
        unit: Unit::Weeks,
        label: "mean weeks waiting for a service",
        meaning: "Over the sentences with a referral, the weeks each waited for a place in all \
                  (from referral to a place, the case manager's own work, or the referral \
                  lapsing; 0 for a referral refused or taken on at once), the mean. Counted to \
                  255 weeks a case.",
        value: |t| ratio(t.wait_weeks, t.cases_referred),
    },
    GroupMeasure {
        name: "median_case_wait_weeks",
        unit: Unit::Weeks,
        label: "median weeks waiting for a service",
        meaning: "The same, the median (of each replication's sentences, then the mean over \
                  replications).",
        value: |t| t.median_case_wait_weeks,
    },
    GroupMeasure {
        name: "followed_up",
        unit: Unit::Count("people"),
        label: "people followed up",
        meaning: "People whose reoffending follow-up ended in the run (as `cohort_followed_up`), \
                  per replication.",
        value: |t| Some(t.followed_up as f64),
    },
    GroupMeasure {
        name: "reoffenders",
        unit: Unit::Count("people"),
        label: "people reoffending",
        meaning: "Of them, people with a proven reoffence within the follow-up, per \
                  replication; the groups sum to `cohort_followed_up` × `reoffending_rate`.",
        value: |t| Some(t.reoffenders as f64),
    },
    GroupMeasure {
        name: "reoffending_rate",
        unit: Unit::Share,
        label: "reoffending",
        meaning: "`reoffenders` / `followed_up`: `reoffending_rate` within the group.",
        value: |t| ratio(t.reoffenders, t.followed_up),
    },
    GroupMeasure {
        name: "orders_terminated",
        unit: Unit::Count("orders"),
        label: "community orders ended",
        meaning: "Community orders among the `cases`, per replication.",
        value: |t| Some(t.terminated as f64),
    },
    GroupMeasure {
        name: "breach_rate",
        unit: Unit::Share,
        label: "breach",
        meaning: "Of those orders, the share revoked for breach: `breach_rate` within the group.",
        value: |t| ratio(t.breached, t.terminated),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_a_histogram_is_the_middle_value() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[0, 0, 1]), Some(2.0));
        // 1, 1, 3, 4: the middle two are 1 and 3.
        assert_eq!(median(&[0, 2, 0, 1, 1]), Some(2.0));
        // 0, 2, 2: the middle one is 2.
        assert_eq!(median(&[1, 0, 2]), Some(2.0));
    }

    #[test]
    fn every_need_and_none_is_a_group() {
        assert_eq!(need_group_name(Need::Thinking.index()), "thinking");
        assert_eq!(need_group_name(Need::COUNT), "none");
        assert_eq!(need_group_label(Need::COUNT), "no need");
    }
}
