//! Kaplan–Meier estimates of time to an event (first proven reoffence, breach), with
//! Greenwood's variance and a 95% confidence interval on the log(-log) scale, which stays within
//! 0..1 (the `conf.type = "log-log"` interval of R's `survfit`).
//!
//! Times are whole weeks since the order started. Within a week, events are counted before
//! censoring: a case censored at week t was at risk of the event in week t.

use crate::experiment::stats::Z_975;
use crate::metrics::TimeToEvent;

/// The estimate at the end of one week.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KaplanMeierRow {
    pub week: usize,
    /// Cases still followed at the start of the week.
    pub at_risk: u64,
    pub events: u64,
    pub censored: u64,
    /// Estimated share without the event by the end of the week.
    pub survival: f64,
    /// Greenwood standard error of `survival`.
    pub std_error: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// The Kaplan–Meier curve from week 0 (everyone at risk, survival 1) to the last week with a
/// case at risk. Empty when the cohort is empty.
pub fn kaplan_meier(times: &TimeToEvent) -> Vec<KaplanMeierRow> {
    let mut at_risk = times.cases();
    if at_risk == 0 {
        return Vec::new();
    }
    let mut rows = vec![KaplanMeierRow {
        week: 0,
        at_risk,
        events: 0,
        censored: 0,
        survival: 1.0,
        std_error: 0.0,
        ci_low: 1.0,
        ci_high: 1.0,
    }];
    let mut survival = 1.0;
    // Greenwood's sum of d / (n (n - d)).
    let mut greenwood = 0.0;
    for week in 1..times.events.len() {
        if at_risk == 0 {
            break;
        }
        let (d, c) = (times.events[week], times.censored[week]);
        let n = at_risk as f64;
        survival *= 1.0 - d as f64 / n;
        if d < at_risk {
            greenwood += d as f64 / (n * (n - d as f64));
        }
        let (ci_low, ci_high) = log_log_interval(survival, greenwood);
        rows.push(KaplanMeierRow {
            week,
            at_risk,
            events: d,
            censored: c,
            survival,
            std_error: survival * greenwood.sqrt(),
            ci_low,
            ci_high,
        });
        at_risk -= d + c;
    }
    rows
}

/// 95% interval for S on the log(-log S) scale: S^exp(±z·sqrt(G)/|log S|), G Greenwood's sum.
/// Degenerate at S = 1 (no event yet) and S = 0, where it is the point itself.
fn log_log_interval(survival: f64, greenwood: f64) -> (f64, f64) {
    if survival <= 0.0 || survival >= 1.0 || greenwood <= 0.0 {
        return (survival, survival);
    }
    let k = Z_975 * greenwood.sqrt() / survival.ln().abs();
    (survival.powf(k.exp()), survival.powf((-k).exp()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seven cases: events at weeks 2, 3, 3 and 5; censored at weeks 3, 4 and 6.
    fn example() -> TimeToEvent {
        let mut t = TimeToEvent::default();
        for w in [2, 3, 3, 5] {
            t.event(w);
        }
        for w in [3, 4, 6] {
            t.censor(w);
        }
        t
    }

    #[test]
    fn matches_a_hand_computed_example_with_censoring() {
        let rows = kaplan_meier(&example());
        // By hand:
        // week 2: n 7, d 1 -> S = 6/7;           G = 1/(7*6)
        // week 3: n 6, d 2, c 1 -> S = 4/7;      G += 2/(6*4)
        // week 4: n 3, c 1 -> unchanged
        // week 5: n 2, d 1 -> S = 2/7;           G += 1/(2*1)
        // week 6: n 1, c 1 -> unchanged; then no one is at risk.
        let expected = [
            (0, 7, 1.0),
            (1, 7, 1.0),
            (2, 7, 6.0 / 7.0),
            (3, 6, 4.0 / 7.0),
            (4, 3, 4.0 / 7.0),
            (5, 2, 2.0 / 7.0),
            (6, 1, 2.0 / 7.0),
        ];
        assert_eq!(rows.len(), expected.len());
        for (row, (week, at_risk, s)) in rows.iter().zip(expected) {
            assert_eq!((row.week, row.at_risk), (week, at_risk));
            assert!((row.survival - s).abs() < 1e-12, "week {week}");
        }
        // Greenwood at week 3: S^2 (1/42 + 2/24) = (16/49)(0.1071429) -> se 0.1870439.
        let g3: f64 = 1.0 / 42.0 + 2.0 / 24.0;
        assert!((rows[3].std_error - 4.0 / 7.0 * g3.sqrt()).abs() < 1e-12);
        assert!((rows[3].std_error - 0.187_043_9).abs() < 1e-6);
        // log-log interval at week 3: k = 1.96 sqrt(G)/|ln(4/7)| = 1.14642;
        // (4/7)^exp(k) = 0.171866, (4/7)^exp(-k) = 0.837083.
        assert!((rows[3].ci_low - 0.171_866).abs() < 1e-6);
        assert!((rows[3].ci_high - 0.837_083).abs() < 1e-6);
        // Week 5: S = 2/7, G = 0.6071429 -> se 0.222627, interval 0.014417 to 0.690595.
        assert!((rows[5].std_error - 0.222_627).abs() < 1e-6);
        assert!((rows[5].ci_low - 0.014_417).abs() < 1e-6);
        assert!((rows[5].ci_high - 0.690_595).abs() < 1e-6);
        // Before any event the curve is certain.
        assert_eq!((rows[1].ci_low, rows[1].ci_high), (1.0, 1.0));
    }

    #[test]
    fn no_censoring_gives_the_empirical_share() {
        let mut t = TimeToEvent::default();
        for w in [1, 1, 2, 4] {
            t.event(w);
        }
        let rows = kaplan_meier(&t);
        let last = rows.last().unwrap();
        assert_eq!(last.week, 4);
        assert_eq!(last.survival, 0.0);
        assert_eq!(rows[2].survival, 0.25);
    }

    #[test]
    fn an_empty_cohort_has_no_curve() {
        assert!(kaplan_meier(&TimeToEvent::default()).is_empty());
    }
}
