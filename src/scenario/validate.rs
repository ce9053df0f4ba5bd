//! Range checks on a deserialised scenario. Every problem names the dotted key at fault, so
//! that the loader can point at the file line or `--set` argument that supplied it.

use crate::scenario::{
    BetaParams, MAX_SEVERITY, Mode, OrderLength, PerNeed, PerTier, Scenario, Streaming,
};

/// One thing wrong with a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub key: String,
    pub message: String,
    /// Other keys whose values the problem depends on: the one the user changed may be any of
    /// them, so a message points at a `--set` of any.
    pub also: Vec<String>,
}

/// Collects problems as the checks run.
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn fail(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            key: key.into(),
            message: message.into(),
            also: Vec::new(),
        });
    }

    /// A problem of `key` that also depends on the keys in `also`.
    fn fail_with(&mut self, key: &str, also: &[&str], message: impl Into<String>) {
        self.fail(key, message);
        if let Some(p) = self.problems.last_mut() {
            p.also = also.iter().map(|k| k.to_string()).collect();
        }
    }

    fn probability(&mut self, key: &str, value: f64) {
        if !(0.0..=1.0).contains(&value) {
            self.fail(
                key,
                format!("must be a probability between 0 and 1 (got {value})"),
            );
        }
    }

    fn non_negative(&mut self, key: &str, value: f64) {
        if !(value >= 0.0 && value.is_finite()) {
            self.fail(
                key,
                format!("must be a finite number of at least 0 (got {value})"),
            );
        }
    }

    fn positive(&mut self, key: &str, value: f64) {
        if !(value > 0.0 && value.is_finite()) {
            self.fail(
                key,
                format!("must be a finite number above 0 (got {value})"),
            );
        }
    }

    /// A number between `min` and `max` (inclusive).
    fn between(&mut self, key: &str, value: f64, min: f64, max: f64) {
        if !(min..=max).contains(&value) {
            self.fail(
                key,
                format!("must be a number between {min} and {max} (got {value})"),
            );
        }
    }

    fn finite(&mut self, key: &str, value: f64) {
        if !value.is_finite() {
            self.fail(key, format!("must be a finite number (got {value})"));
        }
    }

    fn at_least(&mut self, key: &str, value: u64, min: u64) {
        if value < min {
            self.fail(key, format!("must be at least {min} (got {value})"));
        }
    }

    fn at_most(&mut self, key: &str, value: u64, max: u64) {
        if value > max {
            self.fail(key, format!("must be at most {max} (got {value})"));
        }
    }

    /// `min <= value <= max`, reported as `at_least` and `at_most` do.
    fn within(&mut self, key: &str, value: u64, min: u64, max: u64) {
        self.at_least(key, value, min);
        self.at_most(key, value, max);
    }

    /// Shares that must each be in 0..1 and sum to 1.
    fn shares(&mut self, key: &str, named: &[(&str, f64)]) {
        for (name, value) in named {
            self.probability(&format!("{key}.{name}"), *value);
        }
        let sum: f64 = named.iter().map(|(_, v)| v).sum();
        if (sum - 1.0).abs() > 1e-6 {
            self.fail(key, format!("shares must sum to 1 (they sum to {sum})"));
        }
    }

    /// Lengths in weeks with a weight each: at least one, each at least `min_weeks`, weights
    /// finite, non-negative and not all zero.
    fn lengths(&mut self, key: &str, ol: &OrderLength, min_weeks: u16) {
        if ol.weeks.is_empty() {
            self.fail(format!("{key}.weeks"), "must list at least one length");
        }
        if ol.weeks.len() != ol.weights.len() {
            // Named by the table: either list may be the one that is wrong.
            self.fail(
                key,
                format!(
                    "weeks and weights must pair up, one weight per length ({} lengths, {} \
                     weights)",
                    ol.weeks.len(),
                    ol.weights.len()
                ),
            );
        }
        if ol.weeks.iter().any(|&w| w < min_weeks) {
            let unit = if min_weeks == 1 { "week" } else { "weeks" };
            self.fail(
                format!("{key}.weeks"),
                format!("every length must be at least {min_weeks} {unit}"),
            );
        }
        let all_weights_valid = ol.weights.iter().all(|w| w.is_finite() && *w >= 0.0);
        let some_weight_positive = ol.weights.iter().any(|w| *w > 0.0);
        if !(all_weights_valid && some_weight_positive) {
            self.fail(
                format!("{key}.weights"),
                "weights must be finite, at least 0, and not all 0",
            );
        }
    }

    fn tier_probabilities(&mut self, key: &str, values: &PerTier<f64>) {
        for (name, value) in tier_named(values) {
            self.probability(&format!("{key}.{name}"), value);
        }
    }

    fn beta(&mut self, key: &str, b: &BetaParams) {
        if !(b.mean > 0.0 && b.mean < 1.0) {
            self.fail(
                format!("{key}.mean"),
                format!("must be strictly between 0 and 1 (got {})", b.mean),
            );
        }
        self.positive(&format!("{key}.concentration"), b.concentration);
        // Below this the distribution is all but two spikes at 0 and 1, and sampling it
        // underflows.
        let alpha = b.mean * b.concentration;
        let beta = (1.0 - b.mean) * b.concentration;
        if !(alpha >= 1e-3 && beta >= 1e-3) {
            self.fail(
                format!("{key}.concentration"),
                format!(
                    "mean x concentration and (1 - mean) x concentration must each be at least \
                     0.001 (got {alpha} and {beta})"
                ),
            );
        }
    }
}

fn tier_named<T: Copy>(v: &PerTier<T>) -> [(&'static str, T); 4] {
    [
        ("low", v.low),
        ("medium", v.medium),
        ("high", v.high),
        ("very_high", v.very_high),
    ]
}

fn need_named<T: Copy>(v: &PerNeed<T>) -> [(&'static str, T); 7] {
    [
        ("drugs", v.drugs),
        ("alcohol", v.alcohol),
        ("mental_health", v.mental_health),
        ("accommodation", v.accommodation),
        ("employment", v.employment),
        ("family", v.family),
        ("thinking", v.thinking),
    ]
}

/// Longest horizon accepted: 100 years of weeks. Week numbers are kept in 32 bits.
const MAX_WEEKS: u64 = 5_200;
/// Most case-manager posts, patches, initial cases or weekly inflow accepted: far above a
/// national service, low enough that counters cannot overflow.
const MAX_CASE_MANAGERS: u64 = 1_000_000;
const MAX_CASES: u64 = 50_000_000;

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

/// Checks every range and consistency rule; an empty list means the scenario is valid.
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
    };

    let sim = &s.simulation;
    c.within("simulation.weeks", sim.weeks.into(), 1, MAX_WEEKS);
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
    c.within(
        "simulation.replications",
        sim.replications.into(),
        1,
        1_000_000,
    );
    c.within(
        "simulation.follow_up_weeks",
        sim.follow_up_weeks.into(),
        1,
        MAX_WEEKS,
    );

    let pop = &s.population;
    c.at_most(
        "population.initial_cases",
        pop.initial_cases.into(),
        MAX_CASES,
    );
    c.non_negative("population.inflow_per_week", pop.inflow_per_week);
    if pop.inflow_per_week > 1_000_000.0 {
        c.fail(
            "population.inflow_per_week",
            format!("must be at most 1000000 (got {})", pop.inflow_per_week),
        );
    }
    c.at_least("population.patches", pop.patches.into(), 1);
    c.shares("population.risk_mix", &tier_named(&pop.risk_mix));
    let o = &pop.offence_mix;
    c.shares(
        "population.offence_mix",
        &[
            ("violent", o.violent),
            ("sexual", o.sexual),
            ("acquisitive", o.acquisitive),
            ("drug", o.drug),
            ("other", o.other),
        ],
    );
    for (name, value) in need_named(&pop.needs.prevalence) {
        c.probability(&format!("population.needs.prevalence.{name}"), value);
    }
    for (name, value) in tier_named(&pop.needs.risk_gradient) {
        c.non_negative(&format!("population.needs.risk_gradient.{name}"), value);
    }
    let sev = &pop.needs.severity_mix;
    c.shares(
        "population.needs.severity_mix",
        &[
            ("mild", sev.mild),
            ("moderate", sev.moderate),
            ("severe", sev.severe),
        ],
    );
    c.beta("population.motivation", &pop.motivation);
    c.beta("population.family_support", &pop.family_support);
    c.lengths("population.order_length", &pop.order_length, 1);

    let w = &s.workforce;
    c.at_most(
        "workforce.case_managers",
        w.case_managers.into(),
        MAX_CASE_MANAGERS,
    );
    c.within(
        "workforce.caseload_cap",
        w.caseload_cap.into(),
        1,
        1_000_000,
    );
    c.non_negative("workforce.hours_per_week", w.hours_per_week);
    if w.hours_per_week > 168.0 {
        c.fail(
            "workforce.hours_per_week",
            format!(
                "must be at most 168, the hours in a week (got {})",
                w.hours_per_week
            ),
        );
    }
    c.probability("workforce.absence_rate", w.absence_rate);
    if w.absence_rate >= 1.0 {
        c.fail(
            "workforce.absence_rate",
            "must be below 1 (a case manager who is never present holds no cases)",
        );
    }
    if !(w.absence_mean_weeks >= 1.0 && w.absence_mean_weeks.is_finite()) {
        c.fail(
            "workforce.absence_mean_weeks",
            format!("must be at least 1 week (got {})", w.absence_mean_weeks),
        );
    }
    c.probability("workforce.turnover_rate", w.turnover_rate);
    c.at_most("workforce.vacancy_weeks", w.vacancy_weeks.into(), MAX_WEEKS);
    c.probability("workforce.qualified_share", w.qualified_share);
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
                w.qualified_share
            ),
        );
    }
    c.at_most(
        "workforce.volunteers",
        w.volunteers.into(),
        MAX_CASE_MANAGERS,
    );
    c.non_negative(
        "workforce.volunteer_hours_per_week",
        w.volunteer_hours_per_week,
    );
    if w.volunteer_hours_per_week > 168.0 {
        c.fail(
            "workforce.volunteer_hours_per_week",
            "must be at most 168, the hours in a week",
        );
    }
    c.within(
        "workforce.volunteer_caseload_cap",
        w.volunteer_caseload_cap.into(),
        1,
        1_000_000,
    );

    let org = &s.organisation;
    c.non_negative("organisation.discretion_spread", org.discretion_spread);
    if org.discretion_spread > 5.0 {
        c.fail(
            "organisation.discretion_spread",
            format!("must be at most 5 (got {})", org.discretion_spread),
        );
    }
    c.within(
        "organisation.cover_group_size",
        org.cover_group_size.into(),
        1,
        MAX_CASE_MANAGERS,
    );
    c.positive("organisation.specialist_effect", org.specialist_effect);
    if org.specialist_effect > 10.0 {
        c.fail(
            "organisation.specialist_effect",
            format!("must be at most 10 (got {})", org.specialist_effect),
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
                format!("{:?}", org.streaming).to_lowercase(),
                w.case_managers
            ),
        );
    }

    let t = &s.team;
    c.within("team.size", t.size.into(), 2, 4);
    c.non_negative("team.member_assessment_hours", t.member_assessment_hours);
    c.within(
        "team.conference_interval_weeks",
        t.conference_interval_weeks.into(),
        1,
        MAX_WEEKS,
    );
    c.non_negative("team.conference_hours", t.conference_hours);
    c.non_negative("team.chair_hours", t.chair_hours);
    c.probability("team.conference_attendance", t.conference_attendance);

    let r = &s.reports;
    c.probability("reports.share", r.share);
    c.within("reports.weeks", r.weeks.into(), 1, 52);
    c.non_negative("reports.hours", r.hours);

    let m = &s.modes;
    for mode in Mode::ALL {
        let k = |field: &str| format!("modes.{}.{field}", mode.name());
        let settings = m.settings(mode);
        c.within(
            &k("contact_interval_weeks"),
            settings.contact_interval_weeks.into(),
            1,
            MAX_WEEKS,
        );
        c.between(
            &k("hours_per_contact"),
            settings.hours_per_contact,
            0.0,
            100.0,
        );
        c.between(&k("own_work"), settings.own_work, 0.0, 100.0);
        c.probability(&k("referral_share"), settings.referral_share);
        c.between(&k("monitoring"), settings.monitoring, 0.0, 100.0);
        c.probability(&k("intensity"), settings.intensity);
        c.non_negative(&k("cost_per_week"), settings.cost_per_week);
    }

    let sv = &s.services;
    c.between("services.capacity_scale", sv.capacity_scale, 0.0, 10_000.0);
    c.probability("services.open_share", sv.open_share);
    c.probability("services.open_acceptance", sv.open_acceptance);
    c.probability("services.protocol_share", sv.protocol_share);
    c.at_most(
        "services.max_wait_weeks",
        sv.max_wait_weeks.into(),
        MAX_WEEKS,
    );
    c.between(
        "services.substitute_effect",
        sv.substitute_effect,
        0.0,
        100.0,
    );
    c.between("services.substitute_hours", sv.substitute_hours, 0.0, 100.0);
    c.between("services.referral_hours", sv.referral_hours, 0.0, 100.0);
    c.between("services.advocacy_hours", sv.advocacy_hours, 0.0, 100.0);
    c.probability("services.advocacy_success", sv.advocacy_success);
    c.within(
        "services.severity_reduction",
        sv.severity_reduction.into(),
        1,
        MAX_SEVERITY.into(),
    );
    c.between(
        "services.motivation_effect",
        sv.motivation_effect,
        -20.0,
        20.0,
    );
    for (name, p) in need_named(&sv.providers) {
        let k = |field: &str| format!("services.providers.{name}.{field}");
        c.at_most(&k("places"), p.places.into(), MAX_CASES);
        c.within(&k("weeks"), p.weeks.into(), 1, MAX_WEEKS);
        c.probability(&k("completion"), p.completion);
        c.non_negative(&k("cost_per_week"), p.cost_per_week);
        if f64::from(p.places) * sv.capacity_scale > MAX_CASES as f64 {
            c.fail(
                k("places"),
                format!("times services.capacity_scale must be at most {MAX_CASES}"),
            );
        }
    }

    let co = &s.costs;
    c.non_negative("costs.staff_hour", co.staff_hour);
    c.non_negative("costs.custody_week", co.custody_week);

    let se = &s.sentencing;
    c.tier_probabilities("sentencing.custody_share", &se.custody_share);
    let f = &se.custody_offence_factor;
    for (name, value) in [
        ("violent", f.violent),
        ("sexual", f.sexual),
        ("acquisitive", f.acquisitive),
        ("drug", f.drug),
        ("other", f.other),
    ] {
        c.between(
            &format!("sentencing.custody_offence_factor.{name}"),
            value,
            0.0,
            1000.0,
        );
    }
    c.lengths("sentencing.sentence_length", &se.sentence_length, 2);
    for (name, odds) in tier_named(&se.short_sentence_odds) {
        c.between(
            &format!("sentencing.short_sentence_odds.{name}"),
            odds,
            1e-6,
            1e6,
        );
    }
    c.at_most(
        "sentencing.revocation_custody_weeks",
        se.revocation_custody_weeks.into(),
        MAX_WEEKS,
    );

    let cu = &s.custody;
    c.probability("custody.release_fraction", cu.release_fraction);
    if cu.release_fraction <= 0.0 {
        c.fail(
            "custody.release_fraction",
            "must be above 0 (some of the sentence is served in custody)",
        );
    }
    c.between("custody.hazard_factor", cu.hazard_factor, 0.0, 1.0);
    c.probability("custody.recall_on_breach", cu.recall_on_breach);
    c.probability("custody.recall_on_reoffence", cu.recall_on_reoffence);
    for (name, weeks) in tier_named(&cu.recall_weeks) {
        c.within(
            &format!("custody.recall_weeks.{name}"),
            weeks.into(),
            1,
            MAX_WEEKS,
        );
    }
    c.at_most(
        "custody.engage_weeks_before_release",
        cu.engage_weeks_before_release.into(),
        MAX_WEEKS,
    );
    c.within(
        "custody.prison_visit_interval_weeks",
        cu.prison_visit_interval_weeks.into(),
        1,
        MAX_WEEKS,
    );
    c.between(
        "custody.prison_visit_hours",
        cu.prison_visit_hours,
        0.0,
        100.0,
    );
    c.at_most(
        "custody.handover_gap_weeks",
        cu.handover_gap_weeks.into(),
        MAX_WEEKS,
    );
    c.within(
        "custody.conference_interval_weeks",
        cu.conference_interval_weeks.into(),
        1,
        MAX_WEEKS,
    );
    c.at_most(
        "custody.pre_release_conference_weeks",
        cu.pre_release_conference_weeks.into(),
        MAX_WEEKS,
    );
    c.between("custody.conference_hours", cu.conference_hours, 0.0, 100.0);
    for (name, p) in crate::scenario::Agencies::NAMES
        .iter()
        .zip(cu.attendance.as_array())
    {
        c.probability(&format!("custody.attendance.{name}"), p);
    }
    for (key, p) in [
        ("custody.cip_available", cu.cip_available),
        ("custody.cip_absent_effect", cu.cip_absent_effect),
        ("custody.in_place_if_planned", cu.in_place_if_planned),
        ("custody.in_place_if_unplanned", cu.in_place_if_unplanned),
        (
            "custody.useful_with_personal_officer",
            cu.useful_with_personal_officer,
        ),
        (
            "custody.useful_without_personal_officer",
            cu.useful_without_personal_officer,
        ),
        ("custody.motivation_gain", cu.motivation_gain),
        ("custody.family.no_one_invites", cu.family.no_one_invites),
        (
            "custody.family.attends_if_invited",
            cu.family.attends_if_invited,
        ),
        ("custody.family.support_gain", cu.family.support_gain),
    ] {
        c.probability(key, p);
    }
    c.between(
        "custody.police_monitoring",
        cu.police_monitoring,
        0.0,
        100.0,
    );
    c.between(
        "custody.family_involvement",
        cu.family_involvement,
        0.0,
        100.0,
    );
    let prep = &cu.family.preparation;
    c.shares(
        "custody.family.preparation",
        &[
            ("none", prep.none),
            ("letter", prep.letter),
            ("phone", prep.phone),
            ("visit", prep.visit),
        ],
    );
    let und = &cu.family.understands;
    for (name, p) in [
        ("none", und.none),
        ("letter", und.letter),
        ("phone", und.phone),
        ("visit", und.visit),
    ] {
        c.probability(&format!("custody.family.understands.{name}"), p);
    }

    let sup = &s.supervision;
    for (key, value) in [
        ("supervision.assessment_hours", sup.assessment_hours),
        ("supervision.planning_hours", sup.planning_hours),
        ("supervision.review_hours", sup.review_hours),
        ("supervision.warning_hours", sup.warning_hours),
        ("supervision.breach_hours", sup.breach_hours),
    ] {
        c.non_negative(key, value);
    }
    c.within(
        "supervision.review_interval_weeks",
        sup.review_interval_weeks.into(),
        1,
        MAX_WEEKS,
    );

    let r = &s.relationship;
    c.probability("relationship.growth_per_contact", r.growth_per_contact);
    c.probability("relationship.weekly_decay", r.weekly_decay);
    c.probability("relationship.retained_on_handoff", r.retained_on_handoff);

    let comp = &s.compliance;
    c.probability("compliance.base_attendance", comp.base_attendance);
    c.finite("compliance.motivation_effect", comp.motivation_effect);
    c.finite("compliance.relationship_effect", comp.relationship_effect);
    c.finite("compliance.chaotic_needs_effect", comp.chaotic_needs_effect);
    c.probability(
        "compliance.acceptable_absence_share",
        comp.acceptable_absence_share,
    );
    c.probability(
        "compliance.violation_rate_per_week",
        comp.violation_rate_per_week,
    );
    c.probability(
        "compliance.detection_unsupervised",
        comp.detection_unsupervised,
    );
    c.probability(
        "compliance.detection_with_contact",
        comp.detection_with_contact,
    );

    let e = &s.enforcement;
    c.at_most(
        "enforcement.warnings_before_breach",
        e.warnings_before_breach.into(),
        100,
    );
    c.at_least(
        "enforcement.warning_period_weeks",
        e.warning_period_weeks.into(),
        1,
    );
    c.probability(
        "enforcement.breach_revocation_prob",
        e.breach_revocation_prob,
    );
    c.probability(
        "enforcement.reconviction_revocation_prob",
        e.reconviction_revocation_prob,
    );
    c.at_most(
        "enforcement.sanctions_before_breach",
        e.sanctions_before_breach.into(),
        100,
    );
    c.within(
        "enforcement.sanction_weeks",
        e.sanction_weeks.into(),
        1,
        MAX_WEEKS,
    );
    c.between("enforcement.sanction_hours", e.sanction_hours, 0.0, 100.0);
    c.probability("enforcement.restriction_effect", e.restriction_effect);
    c.between(
        "enforcement.restriction_monitoring",
        e.restriction_monitoring,
        0.0,
        100.0,
    );

    c.probability("needs.work_per_contact", s.needs.work_per_contact);
    c.probability("needs.relapse_per_week", s.needs.relapse_per_week);

    let re = &s.reoffending;
    c.tier_probabilities("reoffending.proven_rate_by_tier", &re.proven_rate_by_tier);
    for (name, value) in tier_named(&re.proven_rate_by_tier) {
        if value >= 1.0 {
            c.fail(
                format!("reoffending.proven_rate_by_tier.{name}"),
                "must be below 1 (a certain reoffence has no weekly hazard)",
            );
        }
    }
    c.probability("reoffending.detection_prob", re.detection_prob);
    if re.detection_prob <= 0.0 {
        c.fail(
            "reoffending.detection_prob",
            "must be above 0 (proven rates are set through it)",
        );
    }
    c.finite("reoffending.need_effect", re.need_effect);
    c.probability("reoffending.relationship_effect", re.relationship_effect);
    c.finite(
        "reoffending.family_support_effect",
        re.family_support_effect,
    );
    c.between(
        "reoffending.low_risk_intensity_effect",
        re.low_risk_intensity_effect,
        -5.0,
        5.0,
    );

    for (i, field, message) in super::sweep::sweep_problems(&s.sweep) {
        c.fail(format!("sweep.vary[{i}].{field}"), message);
    }

    c.problems
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
    fn every_problem_is_reported_not_just_the_first() {
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
}
