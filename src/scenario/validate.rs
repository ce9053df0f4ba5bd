//! Validation of a deserialised scenario: every value against the range its declaration gives
//! (the parameter table, `table.rs`), then the rules that relate several keys, below. Every
//! problem names the dotted key at fault, so that the loader can point at the file line or
//! `--set` argument that supplied it.

use crate::scenario::table::{Checker, Params, Problem, parameters, readable};
use crate::scenario::{
    Access, AgeProfile, BetaParams, MAX_CASES, OrderLength, Scenario, Streaming,
};

/// The fewest staff posts a streaming can work with: a report writer per patch (when there are
/// reports) besides a supervising post per patch or per type.
fn posts_needed(s: &Scenario) -> u64 {
    let patches = u64::from(s.population.patches);
    let writers = if s.reports.share > 0.0 { patches } else { 0 };
    let throughcare = match (s.sentencing.sends_anyone(), s.custody.through_the_gate) {
        (false, _) => 0,
        (true, false) => patches,
        (true, true) => 2 * patches,
    };
    match s.organisation.streaming {
        Streaming::Generic => 0,
        Streaming::Task => writers + patches + throughcare,
        streaming => writers + streaming.type_count() as u64,
    }
}

/// Checks every range and every rule; an empty list means the scenario is valid. Problems come
/// in the order of the parameter table, so that they read in the order of the file.
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut c = Checker::default();
    let root = crate::scenario::table::Field {
        name: "",
        doc: "",
        label: "",
        unit: "",
        source: "",
        why: "",
        range: Default::default(),
        kind: Scenario::kind,
        section: true,
    };
    s.check("", &root, &mut c);
    rules(s, &mut c);
    let order = parameters();
    let position = |key: &str| {
        order
            .iter()
            .position(|p| key == p.key || key.starts_with(&format!("{}[", p.key)))
            .or_else(|| {
                order
                    .iter()
                    .position(|p| p.key.starts_with(&format!("{key}.")))
            })
            .unwrap_or(usize::MAX)
    };
    let mut problems = c.problems;
    problems.sort_by_key(|p| position(&p.key));
    problems
}

/// The rules that relate several keys.
fn rules(s: &Scenario, c: &mut Checker) {
    let sim = &s.simulation;
    if sim.warmup_weeks >= sim.weeks {
        c.fail_with(
            "simulation.warmup_weeks",
            &["simulation.weeks"],
            format!(
                "must be less than simulation.weeks ({}) so that something is measured (got {})",
                sim.weeks, sim.warmup_weeks
            ),
        );
    }

    let court = &s.court;
    if court.medium_compliance > court.high_compliance {
        c.fail_with(
            "court.medium_compliance",
            &["court.high_compliance"],
            format!(
                "must be at most court.high_compliance ({}): medium compliance is below high \
                 (got {})",
                court.high_compliance, court.medium_compliance
            ),
        );
    }

    let pop = &s.population;
    shares(c, "population.risk_mix", &pop.risk_mix.as_array());
    shares(c, "population.offence_mix", &pop.offence_mix.as_array());
    let sev = &pop.needs.severity_mix;
    shares(
        c,
        "population.needs.severity_mix",
        &[sev.mild, sev.moderate, sev.severe],
    );
    beta(c, "population.motivation", &pop.motivation);
    beta(c, "population.family_support", &pop.family_support);
    lengths(c, "population.order_length", &pop.order_length, 1);
    ages(c, &pop.age);

    let w = &s.workforce;
    let complex_share: f64 = s.population.risk_mix.as_array()[w.qualified_from_tier.index()..]
        .iter()
        .sum();
    let qualified_posts = (w.qualified_share * f64::from(w.case_managers)).round();
    if w.case_managers > 0 && qualified_posts < 1.0 && complex_share > 0.0 {
        c.fail_with(
            "workforce.qualified_share",
            &[
                "workforce.case_managers",
                "workforce.qualified_from_tier",
                "population.risk_mix",
            ],
            format!(
                "leaves no qualified case manager for the {} tier and above, which {:.0}% of \
                 cases are in (got {})",
                w.qualified_from_tier.name(),
                complex_share * 100.0,
                readable(w.qualified_share)
            ),
        );
    }
    let needed = posts_needed(s);
    if u64::from(w.case_managers) < needed && w.case_managers > 0 {
        c.fail_with(
            "workforce.case_managers",
            &[
                "organisation.streaming",
                "population.patches",
                "reports.share",
                "sentencing.custody_share",
                "custody.through_the_gate",
            ],
            format!(
                "{} streaming needs at least {needed} posts here (a report writer per patch and \
                 a supervising case manager per patch or type); got {}",
                s.organisation.streaming.name(),
                w.case_managers
            ),
        );
    }

    let sv = &s.services;
    for (need, p) in crate::scenario::Need::ALL
        .iter()
        .zip(sv.providers.as_array())
    {
        if f64::from(p.places) * sv.capacity_scale > f64::from(MAX_CASES) {
            c.fail_with(
                &format!("services.providers.{}.places", need.name()),
                &["services.capacity_scale"],
                format!(
                    "times services.capacity_scale ({}) must be at most {MAX_CASES} (got {})",
                    readable(sv.capacity_scale),
                    p.places
                ),
            );
        }
    }

    // A wait is given up at services.max_wait_weeks: an escalation or an assessment due later
    // would never come.
    let later = |weeks: u32| weeks > sv.max_wait_weeks;
    if sv.access == Access::Protocol && later(sv.protocol_max_wait_weeks) {
        c.fail_with(
            "services.protocol_max_wait_weeks",
            &["services.max_wait_weeks", "services.access"],
            format!(
                "must be at most services.max_wait_weeks ({}), when a wait is given up, for \
                 the agreed maximum to act (got {})",
                sv.max_wait_weeks, sv.protocol_max_wait_weeks
            ),
        );
    }
    if sv.access == Access::Statutory && later(sv.statutory_assessment_weeks) {
        c.fail_with(
            "services.statutory_assessment_weeks",
            &["services.max_wait_weeks", "services.access"],
            format!(
                "must be at most services.max_wait_weeks ({}), when a wait is given up, for \
                 an assessed referral to get a place (got {})",
                sv.max_wait_weeks, sv.statutory_assessment_weeks
            ),
        );
    }

    let se = &s.sentencing;
    lengths(c, "sentencing.sentence_length", &se.sentence_length, 2);

    let prep = &s.custody.family.preparation;
    shares(c, "custody.family.preparation", &prep.as_array());

    for (i, field, message) in super::sweep::sweep_problems(&s.sweep) {
        c.fail(format!("sweep.vary[{i}].{field}"), message);
    }
}

/// Shares (each already checked to be in 0..1) that must sum to 1.
fn shares(c: &mut Checker, key: &str, values: &[f64]) {
    let sum: f64 = values.iter().sum();
    if sum.is_finite() && (sum - 1.0).abs() > 1e-6 {
        c.fail(
            key,
            format!("shares must sum to 1 (they sum to {})", readable(sum)),
        );
    }
}

/// Lengths in weeks with a weight each: at least one, each at least `min_weeks`, weights not
/// all zero. (Each weight's own range is in the table.)
fn lengths(c: &mut Checker, key: &str, ol: &OrderLength, min_weeks: u16) {
    if ol.weeks.is_empty() {
        c.fail(format!("{key}.weeks"), "must list at least one length");
    }
    if ol.weeks.len() != ol.weights.len() {
        // Named by the table: either list may be the one that is wrong.
        c.fail(
            key,
            format!(
                "weeks and weights must pair up, one weight per length ({} lengths, {} \
                 weights)",
                ol.weeks.len(),
                ol.weights.len()
            ),
        );
    }
    for (i, &w) in ol.weeks.iter().enumerate() {
        if w < min_weeks && w >= 1 {
            c.fail(
                format!("{key}.weeks[{i}]"),
                format!(
                    "must be at least {min_weeks} weeks (a week in custody and one on licence; \
                     got {w})"
                ),
            );
        }
    }
    if !ol.weights.is_empty() && ol.weights.iter().all(|w| *w == 0.0) {
        c.fail(format!("{key}.weights"), "must not all be 0");
    }
}

/// The age profile: at least one band, bands in increasing order and starting below the
/// oldest age, one weight per band, weights not all zero. (Each value's own range is in the
/// table.)
fn ages(c: &mut Checker, a: &AgeProfile) {
    let key = "population.age";
    if a.bands_from.is_empty() {
        c.fail(format!("{key}.bands_from"), "must list at least one band");
    }
    if a.bands_from.len() != a.weights.len() {
        c.fail(
            key,
            format!(
                "bands_from and weights must pair up, one weight per band ({} bands, {} weights)",
                a.bands_from.len(),
                a.weights.len()
            ),
        );
    }
    for (i, pair) in a.bands_from.windows(2).enumerate() {
        if pair[1] <= pair[0] {
            c.fail(
                format!("{key}.bands_from[{}]", i + 1),
                format!(
                    "must be above the band before ({} after {}): bands go in increasing order",
                    pair[1], pair[0]
                ),
            );
        }
    }
    if let Some(&last) = a.bands_from.last() {
        if last >= a.oldest {
            c.fail(
                format!("{key}.oldest"),
                format!(
                    "must be above the last band's start ({last}); got {}",
                    a.oldest
                ),
            );
        }
    }
    if !a.weights.is_empty() && a.weights.iter().all(|w| *w == 0.0) {
        c.fail(format!("{key}.weights"), "must not all be 0");
    }
}

/// A beta distribution's parameters (each already in range) must not make it two spikes.
fn beta(c: &mut Checker, key: &str, b: &BetaParams) {
    // Below this the distribution is all but two spikes at 0 and 1, and sampling it
    // underflows.
    let alpha = b.mean * b.concentration;
    let beta = (1.0 - b.mean) * b.concentration;
    let in_range = b.mean > 0.0 && b.mean < 1.0 && b.concentration > 0.0;
    if in_range && !(alpha >= 1e-3 && beta >= 1e-3) {
        c.fail_with(
            &format!("{key}.concentration"),
            &[&format!("{key}.mean")],
            format!(
                "mean x concentration and (1 - mean) x concentration must each be at least \
                 0.001 (got {} and {})",
                readable(alpha),
                readable(beta)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(validate(&Scenario::default()), vec![]);
    }

    #[test]
    fn risk_mix_must_sum_to_one() {
        let mut s = Scenario::default();
        s.population.risk_mix.low = 0.5;
        let problems = validate(&s);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].key, "population.risk_mix");
    }

    #[test]
    fn every_problem_is_reported_in_the_order_of_the_table() {
        let mut s = Scenario::default();
        s.workforce.caseload_cap = 0;
        s.compliance.base_attendance = 1.5;
        s.simulation.warmup_weeks = s.simulation.weeks;
        let keys: Vec<String> = validate(&s).into_iter().map(|p| p.key).collect();
        assert_eq!(
            keys,
            [
                "simulation.warmup_weeks",
                "workforce.caseload_cap",
                "compliance.base_attendance"
            ]
        );
    }

    #[test]
    fn a_degenerate_beta_distribution_is_refused() {
        let mut s = Scenario::default();
        s.population.motivation.concentration = 1e-320;
        assert!(
            validate(&s)
                .iter()
                .any(|p| p.key == "population.motivation.concentration")
        );
    }

    #[test]
    fn nan_is_out_of_range() {
        let mut s = Scenario::default();
        s.workforce.hours_per_week = f64::NAN;
        s.reoffending.need_effect = f64::INFINITY;
        assert_eq!(validate(&s).len(), 2);
    }

    #[test]
    fn a_value_that_would_make_a_cost_infinite_is_refused_and_printed_readably() {
        let mut s = Scenario::default();
        s.costs.staff_hour = 1e308;
        let problems = validate(&s);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].key, "costs.staff_hour");
        assert!(
            problems[0].message.contains("1e308"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn list_elements_are_named_by_index() {
        let mut s = Scenario::default();
        s.population.order_length.weeks = vec![26, 0];
        let problems = validate(&s);
        assert_eq!(problems[0].key, "population.order_length.weeks[1]");
        s = Scenario::default();
        s.sentencing.sentence_length.weeks = vec![1, 52, 104, 208];
        assert_eq!(validate(&s)[0].key, "sentencing.sentence_length.weeks[0]");
    }
}
