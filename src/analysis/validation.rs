//! `casesim validate`: the model against published base rates and the findings of the studies
//! its mechanisms come from. Each check is a small experiment on the shipped baseline (arms on
//! common random numbers) with a stated expectation and tolerance; docs/validation.md gives
//! each check's source and its current result.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::experiment::ReplicationResult;
use crate::experiment::{RunResults, Summary, run_arms, summarise};
use crate::files::write_files;
use crate::model::modes::ModePolicy;
use crate::model::offender::RiskTier;
use crate::scenario::{
    BASELINE_TOML, EnforcementPolicy, Scenario, ScenarioSource, scenario_from_source,
};

/// One check's result.
#[derive(Clone, Debug)]
pub struct Finding {
    pub check: &'static str,
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
    /// A ratio of two shares.
    Ratio,
}

/// A per-replication quantity from one arm's results.
fn values(results: &RunResults, q: impl Fn(&ReplicationResult) -> Option<f64>) -> Vec<Option<f64>> {
    results.replications.iter().map(q).collect()
}

/// Mean and 95% CI of `q(b) − q(a)`, replication by replication.
fn paired(
    a: &RunResults,
    b: &RunResults,
    q: impl Fn(&ReplicationResult) -> Option<f64> + Copy,
) -> Summary {
    summarise(
        values(a, q)
            .into_iter()
            .zip(values(b, q))
            .map(|(x, y)| Some(y? - x?)),
    )
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

/// A shipped scenario, compiled in so that validation does not depend on the working
/// directory.
fn shipped(file: &str, text: &str) -> Scenario {
    let source = ScenarioSource::new(PathBuf::from(file), text.to_string());
    scenario_from_source(&source, &[]).expect("the shipped scenario is valid")
}

/// The shipped baseline.
pub fn baseline() -> Scenario {
    shipped("scenarios/baseline.toml", BASELINE_TOML)
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

/// Runs every check with `replications` replications per arm; `done` is called after each
/// replication.
pub fn run_checks(replications: u32, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    let mut base = baseline();
    base.simulation.replications = replications;
    run_checks_on(&base, done)
}

/// Runs every check on a variant of the baseline (the tests use this to show that checks can
/// fail).
pub fn run_checks_on(base: &Scenario, done: &(dyn Fn() + Sync)) -> Vec<Finding> {
    let mut findings = Vec::new();
    base_rates(base, done, &mut findings);
    intensive_supervision(base, done, &mut findings);
    risk_principle(base, done, &mut findings);
    treatment_and_sanctions(base, done, &mut findings);
    us_exits(base, done, &mut findings);
    findings
}

/// How many replications the checks run in all at `replications` per arm (for progress).
pub const ARMS: u64 = 10;

/// Exits from US probation and parole, in the shipped US scenario (a calibration of that
/// variant: its terms and revocation were set towards these figures).
fn us_exits(base: &Scenario, done: &(dyn Fn() + Sync), out: &mut Vec<Finding>) {
    let mut us = shipped(
        "scenarios/us_probation_parole.toml",
        include_str!("../../scenarios/us_probation_parole.toml"),
    );
    us.simulation.replications = base.simulation.replications;
    let results = run_arms(&[&us], done);
    let source = "BJS, Probation and Parole in the United States, 2012 (NCJ 243826)";
    let probation = summarise(values(&results[0], |r| r.by_disposal[0].completion_rate));
    out.push(Finding {
        check: "us_probation_exits",
        expectation: "US probation exits that were completions: 62% to 74% (68%, ±6 points), \
                      in scenarios/us_probation_parole.toml"
            .into(),
        source,
        passed: ci_within(&probation, 0.62, 0.74),
        measured: probation,
        scale: Scale::Percent,
    });
    let parole = summarise(values(&results[0], |r| {
        Some(1.0 - r.by_disposal[1].recall_rate?)
    }));
    out.push(Finding {
        check: "us_parole_exits",
        expectation: "US parole exits that were completions: 52% to 64% (58%, ±6 points), in \
                      the same scenario"
            .into(),
        source,
        passed: ci_within(&parole, 0.52, 0.64),
        measured: parole,
        scale: Scale::Percent,
    });
}

/// Base rates of the baseline, and of the baseline with prisoners; retention in services.
fn base_rates(base: &Scenario, done: &(dyn Fn() + Sync), out: &mut Vec<Finding>) {
    let prisoners = with_prisoners(base);
    let results = run_arms(&[base, &prisoners], done);
    let (community, mixed) = (&results[0], &results[1]);
    let completion = summarise(values(community, |r| r.metrics.completion_rate));
    out.push(Finding {
        check: "completion_rate",
        expectation: "community orders completed: 68% to 76% (the published 70-74%, ±2 points)"
            .into(),
        source: "England & Wales 2018-2023, parliamentary written answer (Dec 2023)",
        passed: ci_within(&completion, 0.68, 0.76),
        measured: completion,
        scale: Scale::Percent,
    });
    let breach = summarise(values(community, |r| r.metrics.breach_rate));
    out.push(Finding {
        check: "breach_rate",
        expectation: "orders revoked for breach: 11.7% to 21.7% (16.7%, ±5 points: another \
                      jurisdiction's enforcement)"
            .into(),
        source: "Scotland, Community Payback Orders 2011-12 (CJSW statistics)",
        passed: ci_within(&breach, 0.117, 0.217),
        measured: breach,
        scale: Scale::Percent,
    });
    let pooled = summarise(values(mixed, |r| r.metrics.reoffending_rate));
    out.push(Finding {
        check: "reoffending_rate",
        expectation: "proven reoffending within a year of a court order's start or of release \
                      from custody: 30.2% to 40.2% (35.2%, ±5 points)"
            .into(),
        source: "MoJ proven reoffending statistics, adults, Apr-Jun 2023 cohort",
        passed: ci_within(&pooled, 0.302, 0.402),
        measured: pooled,
        scale: Scale::Percent,
    });
    out.push(Finding {
        check: "above_all_adults",
        expectation: "the supervised reoffend more than all adult offenders (27.3%), whose \
                      cohort includes cautions and fines, which the model does not simulate"
            .into(),
        source: "MoJ proven reoffending statistics, adults, Apr-Jun 2023 cohort",
        passed: ci_above(&pooled, 0.273),
        measured: pooled,
        scale: Scale::Percent,
    });
    let short = summarise(values(mixed, |r| {
        r.metrics.reoffending_after_short_sentence
    }));
    out.push(Finding {
        check: "short_sentences",
        expectation: "proven reoffending within a year of release from a custodial sentence \
                      under 12 months: 54.2% to 64.2% (59.2%, ±5 points)"
            .into(),
        source: "MoJ proven reoffending statistics, adults, Apr-Jun 2023 cohort",
        passed: ci_within(&short, 0.542, 0.642),
        measured: short,
        scale: Scale::Percent,
    });
    let retention = summarise(values(community, |r| {
        Some(
            r.metrics.reoffending_after_service_completion?
                / r.metrics.reoffending_after_service_dropout?,
        )
    }));
    out.push(Finding {
        check: "retention",
        expectation: "people who complete a service reoffend less than those who drop out: \
                      the ratio of their rates below 0.85"
            .into(),
        source: "NTA (2012): convictions fell 47-48% for those retained in or completing drug \
                 treatment, 15% for those who dropped out",
        passed: ci_below(&retention, 0.85),
        measured: retention,
        scale: Scale::Ratio,
    });
}

/// Surveillance without treatment: the two arms of the shipped `intensive_supervision.toml`
/// (a high-risk caseload under brokerage, and under weekly contact with close monitoring and
/// no more treatment), at the baseline's number of replications: breaches up, reoffending
/// about the same.
fn intensive_supervision(base: &Scenario, done: &(dyn Fn() + Sync), out: &mut Vec<Finding>) {
    let mut routine = shipped(
        "scenarios/intensive_supervision.toml",
        include_str!("../../scenarios/intensive_supervision.toml"),
    );
    routine.simulation.replications = base.simulation.replications;
    routine.modes.policy = ModePolicy::Brokerage;
    let mut surveillance = routine.clone();
    surveillance.modes.policy = ModePolicy::Comprehensive;
    let results = run_arms(&[&routine, &surveillance], done);
    let breach = paired(&results[0], &results[1], |r| r.metrics.breach_rate);
    let reoffending = paired(&results[0], &results[1], |r| r.metrics.reoffending_rate);
    let breach_rise = breach.mean.unwrap_or(0.0);
    out.push(Finding {
        check: "isp_breach",
        expectation: "intensive supervision without treatment minus routine: breaches up by \
                      more than 5 points"
            .into(),
        source: "Petersilia & Turner (1990, 1993): ISP raised technical violations and jail \
                 terms, not arrests",
        passed: ci_above(&breach, 0.05),
        measured: breach,
        scale: Scale::Points,
    });
    let bound = breach_rise / 3.0;
    out.push(Finding {
        check: "isp_reoffending",
        expectation: format!(
            "the same contrast: reoffending about the same, within ±{:.1} points (a third of \
             the rise in breaches)",
            bound * 100.0
        ),
        source: "Petersilia & Turner (1990, 1993): about a third rearrested in both arms",
        passed: ci_within(&reoffending, -bound, bound),
        measured: reoffending,
        scale: Scale::Points,
    });
}

/// The risk principle: intensive supervision for everyone against administrative supervision
/// for everyone, with staff enough to deliver either.
fn risk_principle(base: &Scenario, done: &(dyn Fn() + Sync), out: &mut Vec<Finding>) {
    let mut light = base.clone();
    light.workforce.case_managers = 200;
    light.modes.policy = ModePolicy::Administrative;
    let mut intensive = light.clone();
    intensive.modes.policy = ModePolicy::Comprehensive;
    let results = run_arms(&[&light, &intensive], done);
    let tier = |t: RiskTier| move |r: &ReplicationResult| r.by_tier[t.index()].reoffending_rate;
    let high = paired(&results[0], &results[1], tier(RiskTier::High));
    out.push(Finding {
        check: "risk_principle_high",
        expectation: "intensive (comprehensive) minus administrative supervision, high-risk \
                      cases: reoffending lower"
            .into(),
        source: "Lowenkamp, Latessa & Holsinger (2006); Lowenkamp & Latessa (2005)",
        passed: ci_below(&high, 0.0),
        measured: high,
        scale: Scale::Points,
    });
    let low = paired(&results[0], &results[1], tier(RiskTier::Low));
    out.push(Finding {
        check: "risk_principle_low",
        expectation: "the same contrast, low-risk cases: reoffending not lower (no reduction \
                      beyond half a point)"
            .into(),
        source: "Lowenkamp, Latessa & Holsinger (2006); Lowenkamp & Latessa (2005)",
        passed: ci_above(&low, -0.005),
        measured: low,
        scale: Scale::Points,
    });
}

/// Treatment beats sanctions: doubling service places lowers reoffending more than
/// intensifying enforcement (every mode's monitoring doubled, no warning before breach).
fn treatment_and_sanctions(base: &Scenario, done: &(dyn Fn() + Sync), out: &mut Vec<Finding>) {
    let mut treatment = base.clone();
    treatment.services.capacity_scale = 2.0;
    let mut sanctions = base.clone();
    sanctions.enforcement.policy = EnforcementPolicy::Strict;
    sanctions.enforcement.warnings_before_breach = 0;
    let m = &mut sanctions.modes;
    for mode in [
        &mut m.administrative,
        &mut m.brokerage,
        &mut m.therapeutic,
        &mut m.comprehensive,
    ] {
        mode.monitoring *= 2.0;
    }
    let results = run_arms(&[base, &treatment, &sanctions], done);
    let reoffending = |r: &ReplicationResult| r.metrics.reoffending_rate;
    let gain = summarise(
        values(&results[1], reoffending)
            .into_iter()
            .zip(values(&results[2], reoffending))
            .map(|(t, s)| Some(s? - t?)),
    );
    out.push(Finding {
        check: "treatment_beats_sanctions",
        expectation: "reoffending with enforcement intensified minus with service places \
                      doubled: above 0 (treatment lowers it more)"
            .into(),
        source: "Lipsey & Cullen (2007): rehabilitative treatment reduces recidivism more \
                 than sanctions and surveillance",
        passed: ci_above(&gain, 0.0),
        measured: gain,
        scale: Scale::Points,
    });
}

fn show(value: Option<f64>, scale: Scale) -> String {
    match (value, scale) {
        (None, _) => "-".into(),
        (Some(v), Scale::Percent) => format!("{:.1}%", v * 100.0),
        (Some(v), Scale::Points) => format!("{:+.1} pts", v * 100.0),
        (Some(v), Scale::Ratio) => format!("{v:.2}"),
    }
}

/// The findings as a table for the terminal.
pub fn table(findings: &[Finding]) -> String {
    let mut out = format!(
        "{:<26} {:>10}  {:<22} {}\n",
        "check", "measured", "95% CI", "result"
    );
    for f in findings {
        let ci = format!(
            "{} to {}",
            show(f.measured.ci_low, f.scale),
            show(f.measured.ci_high, f.scale)
        );
        let _ = writeln!(
            out,
            "{:<26} {:>10}  {:<22} {}",
            f.check,
            show(f.measured.mean, f.scale),
            ci,
            if f.passed { "pass" } else { "FAIL" }
        );
        let _ = writeln!(out, "    expected: {}", f.expectation);
        let _ = writeln!(out, "    source:   {}", f.source);
    }
    out
}

/// `validation.csv`: `check,expectation,source,mean,ci_low,ci_high,n,passed`.
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

    fn failed(findings: &[Finding]) -> Vec<&'static str> {
        findings
            .iter()
            .filter(|f| !f.passed)
            .map(|f| f.check)
            .collect()
    }

    #[test]
    fn the_checks_fail_when_the_model_is_broken() {
        let mut base = baseline();
        base.simulation.replications = 4;
        // Appointments kept half the time: far too many breaches.
        base.compliance.base_attendance = 0.5;
        // Services that do nothing, and a year inside after every revoked order: enforcement
        // then lowers reoffending more than treatment does.
        base.services.severity_reduction = 0;
        base.sentencing.revocation_custody_weeks = 52;
        let findings = run_checks_on(&base, &|| {});
        let failed = failed(&findings);
        for check in [
            "completion_rate",
            "breach_rate",
            "treatment_beats_sanctions",
        ] {
            assert!(failed.contains(&check), "{check} should fail: {failed:?}");
        }
    }
}
