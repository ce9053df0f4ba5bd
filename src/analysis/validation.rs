//! `casesim validate`: the model against published base rates and the findings of the studies
//! its mechanisms come from. Each check is a small experiment on the shipped baseline (arms on
//! common random numbers) with a stated expectation and tolerance; docs/validation.md gives
//! each check's source and its current result.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, InputError};
use crate::experiment::ReplicationResult;
use crate::experiment::{RunResults, Summary, kaplan_meier, run_arms, summarise};
use crate::files::write_files;
use crate::metrics::recorder::AgeBand;
use crate::model::modes::ModePolicy;
use crate::model::offender::RiskTier;
use crate::scenario::{
    BASELINE_TOML, EnforcementPolicy, Override, Scenario, ScenarioSource, scenario_from_source,
};

/// Whether a check tests the model or was met by tuning an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A published finding the model was not tuned to: the mechanisms must produce it.
    Validation,
    /// A base rate an input was set to approach: a test that the setting still holds, not of
    /// the model.
    Calibration,
    /// A property the budget must have whatever the inputs (posts are paid whether busy or
    /// absent): a test of the cost accounting, not of the model's behaviour.
    Accounting,
    /// A behaviour the model's design asks of a mechanism (an issue's), not a published
    /// finding: a test that the mechanism still gives it.
    Behaviour,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Validation => "validation",
            Kind::Calibration => "calibration",
            Kind::Accounting => "accounting",
            Kind::Behaviour => "behaviour",
        }
    }
}

/// One check's result.
#[derive(Clone, Debug)]
pub struct Finding {
    pub check: &'static str,
    pub kind: Kind,
    /// What should hold, with its tolerance.
    pub expectation: String,
    pub source: &'static str,
    /// The quantity compared, over replications (a rate, or a paired difference).
    pub measured: Summary,
    pub scale: Scale,
    pub passed: bool,
}

/// How a measured quantity reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// A share, in percent.
    Percent,
    /// A difference of shares, in percentage points.
    Points,
    /// A ratio of two shares (or of odds).
    Ratio,
    /// A relative change, in percent.
    Relative,
    /// Money, in pounds (a difference of cost a week).
    Money,
}

/// A per-replication quantity from one arm's results.
fn values(results: &RunResults, q: impl Fn(&ReplicationResult) -> Option<f64>) -> Vec<Option<f64>> {
    results.replications.iter().map(q).collect()
}

/// Mean and 95% CI of `f(q(a), q(b))`, replication by replication (the arms share random
/// numbers, so the pairs are matched).
fn paired_by(
    a: &RunResults,
    b: &RunResults,
    q: impl Fn(&ReplicationResult) -> Option<f64> + Copy,
    f: impl Fn(f64, f64) -> Option<f64>,
) -> Summary {
    summarise(
        values(a, q)
            .into_iter()
            .zip(values(b, q))
            .map(|(x, y)| f(x?, y?)),
    )
}

/// Mean and 95% CI of `q(b) − q(a)`, replication by replication.
fn paired(
    a: &RunResults,
    b: &RunResults,
    q: impl Fn(&ReplicationResult) -> Option<f64> + Copy,
) -> Summary {
    paired_by(a, b, q, |x, y| Some(y - x))
}

/// Whether the whole 95% CI lies in `low..=high`.
fn ci_within(s: &Summary, low: f64, high: f64) -> bool {
    matches!((s.ci_low, s.ci_high), (Some(lo), Some(hi)) if lo >= low && hi <= high)
}

fn ci_above(s: &Summary, bound: f64) -> bool {
    s.ci_low.is_some_and(|lo| lo > bound)
}

fn ci_below(s: &Summary, bound: f64) -> bool {
    s.ci_high.is_some_and(|hi| hi < bound)
}

/// The shipped scenarios the checks start from, compiled in so that validation does not depend
/// on the working directory, with the same `--set` overrides applied to each.
#[derive(Clone, Debug)]
pub struct Scenarios {
    pub baseline: Scenario,
    /// `scenarios/intensive_supervision.toml`: a high-risk caseload.
    pub intensive_supervision: Scenario,
    /// `scenarios/us_probation_parole.toml`: US terms and revocation.
    pub us_probation_parole: Scenario,
}

impl Scenarios {
    /// The shipped scenarios with `overrides` applied, and `replications` per arm if given
    /// (else the baseline's). An override that does not apply is an error naming it.
    pub fn shipped(overrides: &[Override], replications: Option<u32>) -> Result<Self, InputError> {
        let load = |file: &str, text: &str| {
            let source = ScenarioSource::new(PathBuf::from(file), text.to_string());
            scenario_from_source(&source, overrides)
        };
        let mut scenarios = Scenarios {
            baseline: load("scenarios/baseline.toml", BASELINE_TOML)?,
            intensive_supervision: load(
                "scenarios/intensive_supervision.toml",
                include_str!("../../scenarios/intensive_supervision.toml"),
            )?,
            us_probation_parole: load(
                "scenarios/us_probation_parole.toml",
                include_str!("../../scenarios/us_probation_parole.toml"),
            )?,
        };
        let reps = replications.unwrap_or(scenarios.baseline.simulation.replications);
        for s in [
            &mut scenarios.baseline,
            &mut scenarios.intensive_supervision,
            &mut scenarios.us_probation_parole,
        ] {
            s.simulation.replications = reps;
        }
        Ok(scenarios)
    }

    /// The shipped scenarios as they are.
    pub fn default_set() -> Self {
        Self::shipped(&[], None).expect("the shipped scenarios are valid")
    }

    /// Applies `change` to every scenario (the tests use this to break a mechanism).
    pub fn with(mut self, change: impl Fn(&mut Scenario)) -> Self {
        change(&mut self.baseline);
        change(&mut self.intensive_supervision);
        change(&mut self.us_probation_parole);
        self
    }
}

/// The shipped baseline.
pub fn baseline() -> Scenario {
    Scenarios::default_set().baseline
}

/// A unit that also supervises licences: about a quarter of cases sent to custody, more at
/// higher risk (the mix of `continuity_of_care.toml`), with staff for the licences.
fn with_prisoners(base: &Scenario) -> Scenario {
    let mut s = base.clone();
    let share = &mut s.sentencing.custody_share;
    (share.low, share.medium, share.high, share.very_high) = (0.10, 0.20, 0.35, 0.50);
    s.population.initial_cases = 3_000;
    s.workforce.case_managers = 66;
    s
}

/// A check: a small experiment on the baseline (or on a variant of it) and what should hold.
pub struct Check {
    /// The names of the findings it gives.
    pub findings: &'static [&'static str],
    /// Replications it runs per replication of the base (its arms).
    pub arms: u64,
    pub run: fn(&Scenarios, &(dyn Fn() + Sync)) -> Vec<Finding>,
}

/// Every check, in the order of the table.
pub const CHECKS: [Check; 13] = [
    Check {
        findings: &[
            "completion_rate",
            "breach_rate",
            "reoffending_rate",
            "above_all_adults",
            "short_sentences",
            "retention",
        ],
        arms: 2,
        run: base_rates,
    },
    Check {
        findings: &["reduced_caseloads", "reduced_caseloads_revocations"],
        arms: 2,
        run: reduced_caseloads,
    },
    Check {
        findings: &["caseloads_without_treatment"],
        arms: 2,
        run: caseloads_without_treatment,
    },
    Check {
        findings: &["breach_at_caseload_200"],
        arms: 1,
        run: breach_at_caseload_200,
    },
    Check {
        findings: &["isp_violations", "isp_reoffending"],
        arms: 2,
        run: intensive_supervision,
    },
    Check {
        findings: &["risk_principle_high", "risk_principle_low"],
        arms: 2,
        run: risk_principle,
    },
    Check {
        findings: &["core_correctional_practices"],
        arms: 2,
        run: core_correctional_practices,
    },
    Check {
        findings: &["front_loading"],
        arms: 1,
        run: front_loading,
    },
    Check {
        findings: &["age"],
        arms: 1,
        run: age,
    },
    Check {
        findings: &[
            "treatment_lowers_reoffending",
            "sanctions_do_not_lower_it",
            "treatment_beats_sanctions",
        ],
        arms: 3,
        run: treatment_and_sanctions,
    },
    Check {
        findings: &["us_probation_exits", "us_parole_exits"],
        arms: 1,
        run: us_exits,
    },
    Check {
        findings: &["hiring_pays_the_posts", "absence_is_paid"],
        arms: 3,
        run: posts_are_paid,
    },
    Check {
        findings: &["turnover_costs"],
        arms: 2,
        run: turnover_costs,
    },
];

/// How many replications the checks run in all, per replication of the base (for progress).
pub const ARMS: u64 = {
    let mut n = 0;
    let mut i = 0;
    while i < CHECKS.len() {
        n += CHECKS[i].arms;
        i += 1;
    }
    n
};

/// Runs every check on `scenarios`; `done` is called after each replication.
pub fn run_checks(scenarios: &Scenarios, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    CHECKS
        .iter()
        .flat_map(|c| (c.run)(scenarios, done))
        .collect()
}

/// Exits from US probation and parole, in the shipped US scenario (a calibration of that
/// variant: its terms and revocation were set towards these figures).
fn us_exits(scenarios: &Scenarios, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    let results = run_arms(&[&scenarios.us_probation_parole], done);
    let source = "BJS 2012 (Probation and Parole in the United States, 2012, NCJ 243826)";
    let probation = summarise(values(&results[0], |r| r.by_disposal[0].completion_rate));
    let parole = summarise(values(&results[0], |r| {
        Some(1.0 - r.by_disposal[1].recall_rate?)
    }));
    vec![
        Finding {
            check: "us_probation_exits",
            kind: Kind::Calibration,
            expectation: "US probation exits that were completions: 62% to 74% (68%, ±6 \
                          points), in scenarios/us_probation_parole.toml"
                .into(),
            source,
            passed: ci_within(&probation, 0.62, 0.74),
            measured: probation,
            scale: Scale::Percent,
        },
        Finding {
            check: "us_parole_exits",
            kind: Kind::Calibration,
            expectation: "US parole exits that were completions: 52% to 64% (58%, ±6 points), \
                          in the same scenario"
                .into(),
            source,
            passed: ci_within(&parole, 0.52, 0.64),
            measured: parole,
            scale: Scale::Percent,
        },
    ]
}

/// Base rates of the baseline, and of the baseline with prisoners; retention in services.
fn base_rates(scenarios: &Scenarios, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    let base = &scenarios.baseline;
    let prisoners = with_prisoners(base);
    let results = run_arms(&[base, &prisoners], done);
    let (community, mixed) = (&results[0], &results[1]);
    let completion = summarise(values(community, |r| r.metrics.completion_rate));
    let breach = summarise(values(community, |r| r.metrics.breach_rate));
    let pooled = summarise(values(mixed, |r| r.metrics.reoffending_rate));
    let short = summarise(values(mixed, |r| {
        r.metrics.reoffending_after_short_sentence
    }));
    let retention = summarise(values(community, |r| {
        Some(
            r.metrics.reoffending_after_service_completion?
                / r.metrics.reoffending_after_service_dropout?,
        )
    }));
    let moj = "Ministry of Justice 2025 (proven reoffending statistics, adults, April to June \
               2023 cohort)";
    vec![
        Finding {
            check: "completion_rate",
            kind: Kind::Calibration,
            expectation: "community orders completed: 68% to 76% (the published 70-74%, ±2 \
                          points)"
                .into(),
            source: "UK Parliament 2023 (England & Wales 2018-2023, written answer)",
            passed: ci_within(&completion, 0.68, 0.76),
            measured: completion,
            scale: Scale::Percent,
        },
        Finding {
            check: "breach_rate",
            kind: Kind::Calibration,
            expectation: "orders revoked for breach: 11.7% to 21.7% (16.7%, ±5 points: another \
                          jurisdiction's enforcement)"
                .into(),
            source: "Scottish Government 2012 (Community Payback Orders 2011-12)",
            passed: ci_within(&breach, 0.117, 0.217),
            measured: breach,
            scale: Scale::Percent,
        },
        Finding {
            check: "reoffending_rate",
            kind: Kind::Calibration,
            expectation: "proven reoffending within a year of a court order's start or of \
                          release from custody: 30.2% to 40.2% (35.2%, ±5 points)"
                .into(),
            source: moj,
            passed: ci_within(&pooled, 0.302, 0.402),
            measured: pooled.clone(),
            scale: Scale::Percent,
        },
        Finding {
            check: "above_all_adults",
            kind: Kind::Validation,
            expectation: "the supervised reoffend more than all adult offenders (27.3%), whose \
                          cohort includes cautions and fines, which the model does not simulate"
                .into(),
            source: moj,
            passed: ci_above(&pooled, 0.273),
            measured: pooled,
            scale: Scale::Percent,
        },
        Finding {
            check: "short_sentences",
            kind: Kind::Calibration,
            expectation: "proven reoffending within a year of release from a custodial sentence \
                          under 12 months: 54.2% to 64.2% (59.2%, ±5 points)"
                .into(),
            source: moj,
            passed: ci_within(&short, 0.542, 0.642),
            measured: short,
            scale: Scale::Percent,
        },
        Finding {
            check: "retention",
            kind: Kind::Validation,
            expectation: "people who complete a service reoffend less than those who drop out: \
                          the ratio of their rates below 0.85"
                .into(),
            source: "National Treatment Agency 2012: convictions fell 47-48% for those retained \
                     in or completing drug treatment, 15% for those who dropped out",
            passed: ci_below(&retention, 0.85),
            measured: retention,
            scale: Scale::Ratio,
        },
    ]
}

/// The baseline unit at mean caseloads of about 54 and about 106: posts for each, with caps
/// that do not bind before the target.
fn at_caseloads(base: &Scenario) -> (Scenario, Scenario) {
    let mut small = base.clone();
    small.workforce.case_managers = 42;
    small.workforce.caseload_cap = 80;
    let mut large = base.clone();
    large.workforce.case_managers = 21;
    large.workforce.caseload_cap = 160;
    (small, large)
}

/// Relative reduction `(q(large) − q(small)) / q(large)`, paired.
fn relative_reduction(
    small: &RunResults,
    large: &RunResults,
    q: impl Fn(&ReplicationResult) -> Option<f64> + Copy,
) -> Summary {
    paired_by(small, large, q, |s, l| (l > 0.0).then(|| (l - s) / l))
}

/// Reduced caseloads in an evidence-based setting: the unit's risk-matched modes, with their
/// work on needs and their referrals, at caseloads of about 54 against about 106, every case
/// manager trained. A calibration: the effect of one-to-one work (`needs.work_per_contact`,
/// `reoffending.need_effect`) was set towards this and the training check, for which no
/// direct measurement exists; its revocation half was not tuned.
fn reduced_caseloads(scenarios: &Scenarios, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    // An evidence-based setting: case managers trained in its practices.
    let mut base = scenarios.baseline.clone();
    base.practice.trained_share = 1.0;
    let (small, large) = at_caseloads(&base);
    let results = run_arms(&[&small, &large], done);
    let reduction = relative_reduction(&results[0], &results[1], |r| r.metrics.reoffending_rate);
    let revocations = paired(&results[1], &results[0], |r| r.metrics.breach_rate);
    let source = "Jalbert et al. 2011 (caseloads of about 54 against 106 in an evidence-based \
                  setting \"probably reduce criminal recidivism and probably do not increase \
                  revocations for technical violations\")";
    vec![
        Finding {
            check: "reduced_caseloads",
            kind: Kind::Calibration,
            expectation: "caseloads of about 54 against about 106 under risk-matched modes: \
                          proven reoffending 12.5% to 37.5% lower"
                .into(),
            source,
            passed: ci_within(&reduction, 0.125, 0.375),
            measured: reduction,
            scale: Scale::Relative,
        },
        Finding {
            check: "reduced_caseloads_revocations",
            kind: Kind::Validation,
            expectation: "the same contrast: orders revoked for breach not lower at the smaller \
                          caseload (by no more than half a point)"
                .into(),
            source,
            passed: ci_above(&revocations, -0.005),
            measured: revocations,
            scale: Scale::Points,
        },
    ]
}

/// Breach when supervision collapses: the baseline unit at the caseload sweep's largest arm
/// (`scenarios/caseload_sweep.toml`: a cap of 200 and 15 case managers, under 0.2 hours a week
/// per case). A behaviour asked of keeping in touch (issue 22), not a published finding: with
/// appointments so rarely offered that hardly any are missed, breach vanished (0.1% of orders
/// before the change); people unseen for weeks are now instructed to report, and failures to
/// keep in touch are breached (about 5%). The threshold, 2%, is twenty times the old level and
/// well under the new one.
fn breach_at_caseload_200(scenarios: &Scenarios, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    let mut collapsed = scenarios.baseline.clone();
    collapsed.workforce.caseload_cap = 200;
    collapsed.workforce.case_managers = 15;
    let results = run_arms(&[&collapsed], done);
    let breach = summarise(values(&results[0], |r| r.metrics.breach_rate));
    vec![Finding {
        check: "breach_at_caseload_200",
        kind: Kind::Behaviour,
        expectation: "the baseline at caseload 200 (15 case managers): orders revoked for breach \
                      at least 2% (0.1% before keeping in touch; breach changes form when \
                      supervision collapses instead of vanishing)"
            .into(),
        source: "issue 22 (enforcement as a probation service lives it): a behavioural check \
                 of keeping in touch, not a published finding",
        passed: ci_above(&breach, 0.02),
        measured: breach,
        scale: Scale::Percent,
    }]
}

/// Every mode without the case manager's own work on needs and without referrals to services.
fn without_treatment(s: &mut Scenario) {
    for mode in s.modes.every_mut() {
        mode.own_work = 0.0;
        mode.referral_share = 0.0;
    }
}

/// The same caseload cut with contact alone: no work on needs, no referrals.
fn caseloads_without_treatment(scenarios: &Scenarios, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    let base = &scenarios.baseline;
    let (mut small, mut large) = at_caseloads(base);
    without_treatment(&mut small);
    without_treatment(&mut large);
    let results = run_arms(&[&small, &large], done);
    let reduction = relative_reduction(&results[0], &results[1], |r| r.metrics.reoffending_rate);
    vec![Finding {
        check: "caseloads_without_treatment",
        kind: Kind::Validation,
        expectation: "the same caseloads with contact alone (no work on needs, no referrals): \
                      proven reoffending within 5% either way"
            .into(),
        source: "Gendreau, Goggin & Fulton 2000 (intensive supervision without treatment: \
                 mean effect on recidivism about zero, 47 studies)",
        passed: ci_within(&reduction, -0.05, 0.05),
        measured: reduction,
        scale: Scale::Relative,
    }]
}

/// Surveillance without treatment: the two arms of the shipped `intensive_supervision.toml`
/// (a high-risk caseload under brokerage, and under weekly contact with close monitoring and
/// other requirements, and no more treatment).
fn intensive_supervision(scenarios: &Scenarios, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    let mut routine = scenarios.intensive_supervision.clone();
    routine.modes.policy = ModePolicy::Brokerage;
    let mut surveillance = routine.clone();
    surveillance.modes.policy = ModePolicy::Comprehensive;
    let results = run_arms(&[&routine, &surveillance], done);
    let violations = paired_by(
        &results[0],
        &results[1],
        |r| r.metrics.violation_rate,
        |routine, isp| (routine > 0.0).then(|| isp / routine),
    );
    let reoffending = paired(&results[0], &results[1], |r| r.metrics.reoffending_rate);
    let source = "Petersilia & Turner 1993 (intensive supervision in 14 US sites: technical \
                  violations 65% against 38%, arrests 37% against 33%)";
    vec![
        Finding {
            check: "isp_violations",
            kind: Kind::Validation,
            expectation: "intensive supervision without treatment against routine: the share \
                          of sentences with a technical violation at least 1.3 times as high"
                .into(),
            source,
            passed: ci_above(&violations, 1.3),
            measured: violations,
            scale: Scale::Ratio,
        },
        Finding {
            check: "isp_reoffending",
            kind: Kind::Validation,
            expectation: "the same contrast: proven reoffending from 2 points lower to 8 points \
                          higher (no reduction)"
                .into(),
            source,
            passed: ci_within(&reoffending, -0.02, 0.08),
            measured: reoffending,
            scale: Scale::Points,
        },
    ]
}

/// The risk principle: comprehensive supervision for everyone against administrative
/// supervision for everyone, with staff enough to deliver either. The high-risk half is a
/// validation; the low-risk half's direction comes from the mechanisms (lost work, prosocial
/// time, higher-risk peers) but their rates, for which no figures were found, were set towards
/// its size: a calibration.
fn risk_principle(scenarios: &Scenarios, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    let base = &scenarios.baseline;
    let mut light = base.clone();
    light.workforce.case_managers = 200;
    light.modes.policy = ModePolicy::Administrative;
    let mut intensive = light.clone();
    intensive.modes.policy = ModePolicy::Comprehensive;
    let results = run_arms(&[&light, &intensive], done);
    let tier = |t: RiskTier| move |r: &ReplicationResult| r.by_tier[t.index()].reoffending_rate;
    let high = paired(&results[0], &results[1], tier(RiskTier::High));
    let low = paired(&results[0], &results[1], tier(RiskTier::Low));
    let source = "Lowenkamp, Latessa & Holsinger 2006; Lowenkamp & Latessa 2004 (intensive \
                  programmes cut high-risk offenders' recidivism and raised low-risk offenders')";
    vec![
        Finding {
            check: "risk_principle_high",
            kind: Kind::Validation,
            expectation: "comprehensive minus administrative supervision, high-risk cases: \
                          proven reoffending at least 3 points lower"
                .into(),
            source,
            passed: ci_below(&high, -0.03),
            measured: high,
            scale: Scale::Points,
        },
        Finding {
            check: "risk_principle_low",
            kind: Kind::Calibration,
            expectation: "the same contrast, low-risk cases: proven reoffending at least 1.5 \
                          points higher (from lost work and higher-risk peers, not a \
                          coefficient)"
                .into(),
            source,
            passed: ci_above(&low, 0.015),
            measured: low,
            scale: Scale::Points,
        },
    ]
}

/// A workforce all trained in core correctional practices against one with none trained (a
/// calibration, with the caseload check: see there).
fn core_correctional_practices(scenarios: &Scenarios, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    let base = &scenarios.baseline;
    let mut trained = base.clone();
    trained.practice.trained_share = 1.0;
    let mut untrained = base.clone();
    untrained.practice.trained_share = 0.0;
    let results = run_arms(&[&trained, &untrained], done);
    let odds = |p: f64| p / (1.0 - p);
    let ratio = paired_by(
        &results[0],
        &results[1],
        |r| r.metrics.reoffending_rate,
        |t, u| (t > 0.0 && t < 1.0 && u < 1.0).then(|| odds(u) / odds(t)),
    );
    vec![Finding {
        check: "core_correctional_practices",
        kind: Kind::Calibration,
        expectation: "untrained against trained workforce: odds ratio of proven reoffending \
                      from 1.2 to 1.8"
            .into(),
        source: "Chadwick, DeWolf & Serin 2015 (clients of officers trained in core \
                 correctional practices: odds ratio 1.48, 10 studies)",
        passed: ci_within(&ratio, 1.2, 1.8),
        measured: ratio,
        scale: Scale::Ratio,
    }]
}

/// Year 3's hazard of a first proven reoffence among those without one in years 1 and 2, over
/// year 1's rate, from a replication's Kaplan–Meier curve; `None` without three years of
/// follow-up.
pub fn front_loading_ratio(r: &ReplicationResult) -> Option<f64> {
    let curve = kaplan_meier(&r.survival.reoffence);
    let at = |week: usize| curve.iter().take_while(|row| row.week <= week).last();
    let (s52, s104, s156) = (at(52)?, at(104)?, at(156)?);
    if s156.week < 156 {
        return None;
    }
    let year_one = 1.0 - s52.survival;
    let year_three = (s104.survival - s156.survival) / s104.survival;
    (year_one > 0.0).then(|| year_three / year_one)
}

/// How front-loaded reoffending is over three years: year 3's hazard among those not
/// reoffending in years 1 and 2, over year 1's rate, in the unit with prisoners followed for
/// three years.
fn front_loading(scenarios: &Scenarios, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    let base = &scenarios.baseline;
    let mut s = with_prisoners(base);
    s.simulation.follow_up_weeks = 156;
    s.simulation.weeks = s.simulation.warmup_weeks + 156 + 104;
    let results = run_arms(&[&s], done);
    let ratio = summarise(values(&results[0], front_loading_ratio));
    vec![Finding {
        check: "front_loading",
        kind: Kind::Validation,
        expectation: "proven reoffending in year 3 among those without one in years 1-2, over \
                      the year-1 rate: from 0.35 to 0.59 (0.47, ±0.12; differences between \
                      people alone give about 0.62)"
            .into(),
        source: "Durose, Cooper & Snyder 2014 (prisoners released in 30 states in 2005: 43.4% \
                 arrested within a year; of those not arrested within two, 20.5% in the third)",
        passed: ci_within(&ratio, 0.35, 0.59),
        measured: ratio,
        scale: Scale::Ratio,
    }]
}

/// Age and desistance: the youngest band reoffends more than the oldest.
fn age(scenarios: &Scenarios, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    let base = &scenarios.baseline;
    let results = run_arms(&[base], done);
    let young = AgeBand::From18To24.index();
    let old = AgeBand::From50.index();
    let gap = summarise(values(&results[0], |r| {
        Some(r.by_age[young].reoffending_rate? - r.by_age[old].reoffending_rate?)
    }));
    vec![Finding {
        check: "age",
        kind: Kind::Validation,
        expectation: "proven reoffending of those sentenced at 18-24 minus those at 50 and \
                      over: above 0"
            .into(),
        source: "Durose, Cooper & Snyder 2014 (within five years, 84.1% of those released at \
                 24 or under were arrested, 69.2% of those 40 or over)",
        passed: ci_above(&gap, 0.0),
        measured: gap,
        scale: Scale::Points,
    }]
}

/// Treatment beats sanctions: doubling service places lowers reoffending, intensifying
/// enforcement (every mode's monitoring doubled, no warning before breach) does not, and the
/// first arm ends lower than the second.
///
/// The gap is held to a point, not two: with each service's effect set from its evaluation
/// (drug treatment, Duwe 2010; thinking skills, Sadlier 2010; alcohol, McSweeney 2015) and the
/// unit's referrals, twice the places move one-year proven reoffending by under a point, and
/// two points would need services several times as effective as those evaluations found.
fn treatment_and_sanctions(scenarios: &Scenarios, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    let base = &scenarios.baseline;
    let mut treatment = base.clone();
    treatment.services.capacity_scale *= 2.0;
    let mut sanctions = base.clone();
    sanctions.enforcement.policy = EnforcementPolicy::Strict;
    sanctions.enforcement.warnings_before_breach = 0;
    for mode in sanctions.modes.every_mut() {
        mode.monitoring *= 2.0;
    }
    let results = run_arms(&[base, &treatment, &sanctions], done);
    let reoffending = |r: &ReplicationResult| r.metrics.reoffending_rate;
    let treated = paired(&results[0], &results[1], reoffending);
    let sanctioned = paired(&results[0], &results[2], reoffending);
    let gain = paired(&results[1], &results[2], reoffending);
    let source = "Lipsey & Cullen 2007 (rehabilitative treatment reduces recidivism more than \
                  sanctions and surveillance, which show modest effects at best)";
    vec![
        Finding {
            check: "treatment_lowers_reoffending",
            kind: Kind::Validation,
            expectation: "service places doubled minus the unit: proven reoffending lower".into(),
            source,
            passed: ci_below(&treated, 0.0),
            measured: treated,
            scale: Scale::Points,
        },
        Finding {
            check: "sanctions_do_not_lower_it",
            kind: Kind::Validation,
            expectation: "enforcement doubled minus the unit: proven reoffending not lower (by \
                          no more than half a point)"
                .into(),
            source,
            passed: ci_above(&sanctioned, -0.005),
            measured: sanctioned,
            scale: Scale::Points,
        },
        Finding {
            check: "treatment_beats_sanctions",
            kind: Kind::Validation,
            expectation: "reoffending with enforcement doubled minus with service places doubled: \
                          at least 1 point"
                .into(),
            source,
            passed: ci_above(&gain, 0.01),
            measured: gain,
            scale: Scale::Points,
        },
    ]
}

/// The unit without leavers (so that ten more posts are ten more filled posts), with ten more
/// case managers, and with three times the absence.
fn posts_are_paid(scenarios: &Scenarios, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    let mut base = scenarios.baseline.clone();
    base.workforce.turnover_rate = 0.0;
    let mut hired = base.clone();
    hired.workforce.case_managers += 10;
    let mut absent = base.clone();
    absent.workforce.absence_rate = (3.0 * base.workforce.absence_rate).min(0.9);
    let results = run_arms(&[&base, &hired, &absent], done);
    let c = &base.costs;
    let ten_posts = 10.0 * c.post_week(c.qualified_salary);
    vec![
        hiring_finding(&results[0], &results[1], ten_posts),
        absence_finding(&results[0], &results[2]),
    ]
}

/// Ten more case managers against the unit: the rise in staff cost over ten qualified posts'
/// pay a week, which must be at least 1 (posts are paid whether their hours are used or not).
fn hiring_finding(base: &RunResults, hired: &RunResults, ten_posts: f64) -> Finding {
    let ratio = paired_by(
        base,
        hired,
        |r| r.metrics.staff_cost,
        |a, b| Some((b - a) / ten_posts),
    );
    Finding {
        check: "hiring_pays_the_posts",
        kind: Kind::Accounting,
        expectation: "ten more case managers (no leavers): staff cost a week rises by at least \
                      ten qualified posts' pay and on-costs (ratio at least 1)"
            .into(),
        source: "the budget (docs/ODD.md): posts are paid whether busy or idle; a planner \
                 measured hiring ten adding less than their casework hours when cost counted \
                 hours worked",
        passed: ci_above(&ratio, 1.0 - 1e-9),
        measured: ratio,
        scale: Scale::Ratio,
    }
}

/// Three times the absence against the unit: staff cost a week not lower (absent staff are
/// paid), to the penny.
fn absence_finding(base: &RunResults, absent: &RunResults) -> Finding {
    let difference = paired(base, absent, |r| r.metrics.staff_cost);
    Finding {
        check: "absence_is_paid",
        kind: Kind::Accounting,
        expectation: "three times the absence: staff cost a week not lower (by no more than a \
                      penny)"
            .into(),
        source: "the budget (docs/ODD.md): absent staff are paid",
        passed: ci_above(&difference, -0.01),
        measured: difference,
        scale: Scale::Money,
    }
}

/// Twice the turnover against the unit, vacancies covered by agency workers: staff cost a week
/// higher (each leaver costs a recruitment and weeks of agency premium). With vacancies left
/// empty, turnover saves the vacant weeks' pay, a saving the budget shows (docs/ODD.md).
fn turnover_costs(scenarios: &Scenarios, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    let mut base = scenarios.baseline.clone();
    base.workforce.vacancy_cover = crate::scenario::VacancyCover::Agency;
    let mut churn = base.clone();
    churn.workforce.turnover_rate = (2.0 * base.workforce.turnover_rate).min(1.0);
    let results = run_arms(&[&base, &churn], done);
    vec![turnover_finding(&results[0], &results[1])]
}

fn turnover_finding(base: &RunResults, churn: &RunResults) -> Finding {
    let difference = paired(base, churn, |r| r.metrics.staff_cost);
    Finding {
        check: "turnover_costs",
        kind: Kind::Accounting,
        expectation: "twice the turnover, vacancies covered by agency workers: staff cost a \
                      week higher"
            .into(),
        source: "the budget (docs/ODD.md): recruitment per leaver (CIPD 2022) and the agency \
                 premium",
        passed: ci_above(&difference, 0.0),
        measured: difference,
        scale: Scale::Money,
    }
}

fn show(value: Option<f64>, scale: Scale) -> String {
    match (value, scale) {
        (None, _) => "-".into(),
        (Some(v), Scale::Percent) => format!("{:.1}%", v * 100.0),
        (Some(v), Scale::Points) => format!("{:+.1} pts", v * 100.0),
        (Some(v), Scale::Ratio) => format!("{v:.2}"),
        (Some(v), Scale::Relative) => format!("{:+.1}%", v * 100.0),
        (Some(v), Scale::Money) => {
            format!("{}£{:.0}", if v < 0.0 { "−" } else { "+" }, v.abs())
        }
    }
}

/// The findings as a table for the terminal.
pub fn table(findings: &[Finding]) -> String {
    let mut out = format!(
        "{:<30} {:<11} {:>10}  {:<24} {}\n",
        "check", "kind", "measured", "95% CI", "result"
    );
    for f in findings {
        let ci = format!(
            "{} to {}",
            show(f.measured.ci_low, f.scale),
            show(f.measured.ci_high, f.scale)
        );
        let _ = writeln!(
            out,
            "{:<30} {:<11} {:>10}  {:<24} {}",
            f.check,
            f.kind.name(),
            show(f.measured.mean, f.scale),
            ci,
            if f.passed { "pass" } else { "FAIL" }
        );
        let _ = writeln!(out, "    expected: {}", f.expectation);
        let _ = writeln!(out, "    source:   {}", f.source);
    }
    out
}

/// `validation.csv`: `check,expectation,source,mean,ci_low,ci_high,n,passed,kind` (`kind`
/// came later, so it is last: scripts that read the columns by position keep working).
pub fn validation_csv(findings: &[Finding]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let number = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    w.write_record([
        "check",
        "expectation",
        "source",
        "mean",
        "ci_low",
        "ci_high",
        "n",
        "passed",
        "kind",
    ])
    .expect("writing to memory");
    for f in findings {
        w.write_record([
            f.check.to_string(),
            f.expectation.clone(),
            f.source.to_string(),
            number(f.measured.mean),
            number(f.measured.ci_low),
            number(f.measured.ci_high),
            f.measured.n.to_string(),
            f.passed.to_string(),
            f.kind.name().to_string(),
        ])
        .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// Writes `validation.csv` into `dir` (created if needed).
pub fn write(dir: &Path, findings: &[Finding]) -> Result<PathBuf, Error> {
    write_files(dir, &[("validation.csv", validation_csv(findings))])?;
    Ok(dir.join("validation.csv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the check that gives `finding` on the shipped scenarios changed by `break_it`, with
    /// few replications, and returns that finding.
    fn broken(finding: &str, break_it: impl Fn(&mut Scenario)) -> Finding {
        let check = CHECKS
            .iter()
            .find(|c| c.findings.contains(&finding))
            .expect("a check gives the finding");
        let scenarios = Scenarios::shipped(&[], Some(4))
            .expect("the shipped scenarios load")
            .with(break_it);
        (check.run)(&scenarios, &|| {})
            .into_iter()
            .find(|f| f.check == finding)
            .expect("the check reports the finding")
    }

    fn assert_fails(finding: &str, break_it: impl Fn(&mut Scenario)) {
        let f = broken(finding, break_it);
        assert!(
            !f.passed,
            "{finding} should fail with its mechanism broken: measured {:?} ({:?} to {:?})",
            f.measured.mean, f.measured.ci_low, f.measured.ci_high
        );
    }

    fn every_provider(s: &mut Scenario, change: impl Fn(&mut crate::scenario::Provider)) {
        s.services.providers.each_mut().into_iter().for_each(change);
    }

    #[test]
    fn base_rates_fail_when_appointments_are_kept_half_the_time() {
        for finding in ["completion_rate", "breach_rate"] {
            assert_fails(finding, |s| s.compliance.base_attendance = 0.5);
        }
    }

    #[test]
    fn reduced_caseloads_fail_without_work_on_needs() {
        // Smaller caseloads help only through what the extra time does with the case.
        assert_fails("reduced_caseloads", |s| {
            s.needs.work_per_contact = 0.0;
            every_provider(s, |p| p.severity_reduction = 0);
        });
    }

    #[test]
    fn breach_at_caseload_200_fails_without_keeping_in_touch() {
        // Nobody is unseen long enough to be checked.
        assert_fails("breach_at_caseload_200", |s| {
            s.enforcement.unseen_weeks_before_check = crate::scenario::MAX_WEEKS;
        });
    }

    #[test]
    fn isp_violations_fail_when_contact_detects_nothing_more() {
        assert_fails("isp_violations", |s| {
            s.compliance.detection_with_contact = s.compliance.detection_unsupervised;
        });
    }

    #[test]
    fn isp_reoffending_fails_when_surveillance_brings_every_offence_to_light() {
        assert_fails("isp_reoffending", |s| {
            s.reoffending.supervision_detection = 0.5
        });
    }

    #[test]
    fn the_risk_principle_fails_without_its_mechanisms() {
        // High risk: the needs work is what lowers their reoffending.
        assert_fails("risk_principle_high", |s| {
            s.needs.work_per_contact = 0.0;
            every_provider(s, |p| p.severity_reduction = 0);
        });
        // Low risk: lost work, prosocial time and higher-risk peers are what raise theirs.
        assert_fails("risk_principle_low", |s| {
            s.circumstances.job_loss_per_requirement_hour = 0.0;
            s.circumstances.prosocial_loss_per_requirement_hour = 0.0;
            s.needs.peer_influence = 0.0;
        });
    }

    #[test]
    fn core_correctional_practices_fail_when_training_changes_nothing() {
        assert_fails("core_correctional_practices", |s| {
            s.practice.untrained_skill = s.practice.trained_skill;
        });
    }

    #[test]
    fn front_loading_fails_with_a_hazard_constant_in_time() {
        assert_fails("front_loading", |s| s.reoffending.time_shape = 1.0);
    }

    #[test]
    fn the_age_gradient_fails_without_desistance_or_younger_high_risk() {
        assert_fails("age", |s| {
            s.reoffending.age_effect = 0.0;
            let tilt = &mut s.population.age.risk_tilt;
            (tilt.low, tilt.medium, tilt.high, tilt.very_high) = (0.0, 0.0, 0.0, 0.0);
        });
    }

    #[test]
    fn treatment_fails_to_beat_sanctions_when_services_meet_no_need() {
        assert_fails("treatment_beats_sanctions", |s| {
            every_provider(s, |p| p.severity_reduction = 0);
        });
    }

    /// The results re-costed as cost was counted before the budget: staff cost as the hours
    /// worked (and chaired) at the staff hour, so idle, absent and vacant time cost nothing.
    fn costed_by_hours(results: &RunResults, staff_hour: f64) -> RunResults {
        let mut r = results.clone();
        for rep in &mut r.replications {
            rep.metrics.staff_cost = rep.metrics.staff_hours.map(|h| h * staff_hour);
        }
        r
    }

    #[test]
    fn the_budget_checks_fail_when_staff_cost_counts_hours_worked() {
        let scenarios = Scenarios::shipped(&[], Some(4)).expect("the shipped scenarios load");
        let mut base = scenarios.baseline.clone();
        base.workforce.turnover_rate = 0.0;
        let mut hired = base.clone();
        hired.workforce.case_managers += 10;
        let mut absent = base.clone();
        absent.workforce.absence_rate = 0.15;
        let results = run_arms(&[&base, &hired, &absent], &|| {});
        let c = &base.costs;
        let ten_posts = 10.0 * c.post_week(c.qualified_salary);
        assert!(hiring_finding(&results[0], &results[1], ten_posts).passed);
        assert!(absence_finding(&results[0], &results[2]).passed);
        let by_hours: Vec<RunResults> = results
            .iter()
            .map(|r| costed_by_hours(r, c.staff_hour))
            .collect();
        for f in [
            hiring_finding(&by_hours[0], &by_hours[1], ten_posts),
            absence_finding(&by_hours[0], &by_hours[2]),
        ] {
            assert!(!f.passed, "{} passes on hours: {:?}", f.check, f.measured);
        }
        // Turnover under agency cover.
        let mut base = scenarios.baseline.clone();
        base.workforce.vacancy_cover = crate::scenario::VacancyCover::Agency;
        let mut churn = base.clone();
        churn.workforce.turnover_rate = 0.24;
        let results = run_arms(&[&base, &churn], &|| {});
        assert!(turnover_finding(&results[0], &results[1]).passed);
        let by_hours: Vec<RunResults> = results
            .iter()
            .map(|r| costed_by_hours(r, c.staff_hour))
            .collect();
        let f = turnover_finding(&by_hours[0], &by_hours[1]);
        assert!(!f.passed, "turnover passes on hours: {:?}", f.measured);
    }

    #[test]
    fn turnover_costs_fail_when_leavers_and_agency_cover_cost_nothing_extra() {
        assert_fails("turnover_costs", |s| {
            s.costs.recruitment_per_leaver = 0.0;
            s.costs.agency_premium = 0.0;
        });
    }

    #[test]
    fn an_override_that_does_not_apply_is_an_error_naming_it() {
        let bad = crate::scenario::parse_override("workforce.caseload_cap=-3").expect("parses");
        let e = Scenarios::shipped(&[bad], Some(2)).expect_err("a negative cap is refused");
        assert!(e.to_string().contains("workforce.caseload_cap"), "{e}");
    }
}
