//! The short table printed after a run: headline measures with their 95% CIs, in words a
//! planner reads without the docs.

use crate::experiment::Summary;
use crate::metrics::{Measure, Unit, measure};

/// The measures of the printed table, in order (labels and units from the measure table). A
/// measure undefined in every arm (recall, when nobody was sent to custody) is left out.
const HEADLINES: [&str; 14] = [
    "completion_rate",
    "breach_rate",
    "reoffending_rate",
    "recall_rate",
    "contact_delivery_rate",
    "attendance_rate",
    "mean_relationship",
    "mean_handoffs",
    "mean_caseload",
    "unallocated_cases",
    "staff_utilisation",
    "needs_met_rate",
    "mean_service_wait_weeks",
    "cost",
];

/// A headline measure's declaration.
fn headline(name: &str) -> &'static Measure {
    measure(name).unwrap_or_else(|| unreachable!("{name} is a measure"))
}

/// Whether a measure's values are shown as percentages.
fn percent(m: &Measure) -> bool {
    m.unit == Unit::Share
}

/// A value of a measure as the tables print it: shares as percentages, money in pounds with
/// thousands separators (`£46,228,908`), other values to two decimals.
fn number(value: Option<f64>, m: &Measure) -> String {
    match value {
        None => "-".into(),
        Some(v) if percent(m) => format!("{:.1}%", v * 100.0),
        Some(v) if matches!(m.unit, Unit::Money(_)) => {
            format!("£{}", crate::output::report::thousands(v))
        }
        Some(v) => format!("{v:.2}"),
    }
}

/// The labels of the columns of a sweep's table: the measures a planner reads first.
const SWEEP_COLUMNS: [(&str, &str); 6] = [
    ("completion_rate", "completed"),
    ("breach_rate", "breached"),
    ("reoffending_rate", "reoffended"),
    ("contact_delivery_rate", "contacts"),
    ("mean_caseload", "caseload"),
    ("unallocated_cases", "waiting"),
];

/// A mean and the half-width of its 95% CI: `71.1% ±1.2`.
fn mean_and_margin(s: &Summary, percent: bool) -> String {
    let margin = match (s.ci_low, s.ci_high) {
        (Some(lo), Some(hi)) if percent => format!(" ±{:.1}", (hi - lo) / 2.0 * 100.0),
        (Some(lo), Some(hi)) => format!(" ±{:.1}", (hi - lo) / 2.0),
        _ => String::new(),
    };
    match s.mean {
        None => "-".into(),
        Some(m) if percent => format!("{:.1}%{margin}", m * 100.0),
        Some(m) => format!("{m:.1}{margin}"),
    }
}

/// A sweep as a table: one row per point, the headline measures as columns (mean ±95% CI
/// half-width), after the scenario's focus measures (`focus`, names of the measure table).
pub fn sweep_table(
    labels: &[String],
    stats: &[Vec<(&'static str, Summary)>],
    focus: &[String],
) -> String {
    // Short titles where there are (the focus measures' are labels of the measure table).
    const SHORT: [(&str, &str); 2] = [
        ("mean_handoffs", "handoffs"),
        ("mean_relationship", "relationship"),
    ];
    let title = |m: &Measure| {
        SWEEP_COLUMNS
            .iter()
            .chain(&SHORT)
            .find(|(name, _)| *name == m.name)
            .map_or(m.label.to_string(), |(_, t)| t.to_string())
    };
    let mut columns: Vec<(&str, String)> = focus
        .iter()
        .filter_map(|f| measure(f))
        .map(|m| (m.name, title(m)))
        .collect();
    for (metric, title) in SWEEP_COLUMNS {
        if !columns.iter().any(|(m, _)| *m == metric) {
            columns.push((metric, title.to_string()));
        }
    }
    let width = labels.iter().map(|l| l.len()).max().unwrap_or(0).max(5);
    let mut out = format!("{:<width$}", "");
    for (_, title) in &columns {
        let w = title.chars().count().max(14);
        out.push_str(&format!(" {title:>w$}"));
    }
    out.push('\n');
    for (label, arm) in labels.iter().zip(stats) {
        out.push_str(&format!("{label:<width$}"));
        for (metric, title) in &columns {
            let w = title.chars().count().max(14);
            let percent = percent(headline(metric));
            let cell = arm
                .iter()
                .find(|(name, _)| name == metric)
                .map_or("-".into(), |(_, s)| mean_and_margin(s, percent));
            out.push_str(&format!(" {cell:>w$}"));
        }
        out.push('\n');
    }
    if !focus.is_empty() {
        out.push_str("The first columns are the measures the scenario's question is about");
        if columns
            .iter()
            .any(|(m, _)| SHORT.iter().any(|(s, _)| s == m))
        {
            out.push_str(" (handoffs: per order; relationship: 0 to 1)");
        }
        out.push_str(".\n");
    }
    out.push_str(
        "completed, breached: share of orders ending in the window; reoffended: proven within a \
         year;\ncontacts: share of contacts due that were delivered; caseload: cases per case \
         manager;\nwaiting: cases not allocated. ± is the half-width of the 95% CI.\n",
    );
    out
}

/// A comparison as a table: each headline measure in the reference arm, then for each other
/// arm its value and the paired difference with its 95% CI. Differences of rates are in
/// percentage points.
pub fn compare_table(
    labels: &[String],
    stats: &[Vec<(&'static str, Summary)>],
    differences: &[Vec<(&'static str, Summary)>],
    common_random_numbers: bool,
) -> String {
    let mut out = format!("{:<36} {:>12}", "", truncate(&labels[0], 12));
    for label in &labels[1..] {
        out.push_str(&format!(
            " {:>12} {:>30}",
            truncate(label, 12),
            "difference (95% CI)"
        ));
    }
    out.push('\n');
    for m in HEADLINES.map(headline) {
        let value = |arm: &[(&str, Summary)]| {
            arm.iter()
                .find(|(name, _)| *name == m.name)
                .map(|(_, s)| *s)
        };
        let Some(reference) = value(&stats[0]) else {
            continue;
        };
        if !stats
            .iter()
            .any(|arm| value(arm).and_then(|s| s.mean).is_some())
        {
            continue;
        }
        out.push_str(&format!(
            "{:<36} {:>12}",
            m.label,
            number(reference.mean, m)
        ));
        for (arm, diff) in stats[1..].iter().zip(differences) {
            let mean = value(arm).and_then(|s| s.mean);
            let d = value(diff).unwrap_or(reference);
            out.push_str(&format!(
                " {:>12} {:>30}",
                number(mean, m),
                difference_text(&d, m)
            ));
        }
        out.push('\n');
    }
    out.push_str(if common_random_numbers {
        "Differences are paired replication by replication on common random numbers; * marks \
         a\n95% CI that excludes zero. Rates differ in percentage points.\n"
    } else {
        "Arms ran on independent random numbers (--independent); * marks a 95% CI that \
         excludes\nzero. Rates differ in percentage points.\n"
    });
    out
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let kept: String = text.chars().take(width - 1).collect();
        format!("{kept}…")
    }
}

fn difference_text(d: &Summary, m: &Measure) -> String {
    let percent = percent(m);
    if matches!(m.unit, Unit::Money(_)) {
        let signed = |v: f64| {
            let sign = if v < 0.0 { "-" } else { "+" };
            format!("{sign}£{}", crate::output::report::thousands(v.abs()))
        };
        return match (d.mean, d.ci_low, d.ci_high) {
            (Some(m), Some(lo), Some(hi)) => {
                let clear = if lo > 0.0 || hi < 0.0 { "*" } else { " " };
                format!("{} ({} to {}){clear}", signed(m), signed(lo), signed(hi))
            }
            (Some(m), _, _) => format!("{}  ", signed(m)),
            _ => "-  ".into(),
        };
    }
    let scale = if percent { 100.0 } else { 1.0 };
    let unit = if percent { " pts" } else { "" };
    match (d.mean, d.ci_low, d.ci_high) {
        (Some(m), Some(lo), Some(hi)) => {
            let clear = if lo > 0.0 || hi < 0.0 { "*" } else { " " };
            let digits = if percent { 2 } else { 3 };
            format!(
                "{:+.digits$}{unit} ({:+.digits$} to {:+.digits$}){clear}",
                m * scale,
                lo * scale,
                hi * scale
            )
        }
        (Some(m), _, _) => format!("{:+.3}{unit}  ", m * scale),
        _ => "-  ".into(),
    }
}

/// The table as text, from `(metric, summary)` pairs.
pub fn headline_table(stats: &[(&'static str, Summary)]) -> String {
    let mut out = format!("{:<36} {:>9}   {}\n", "", "mean", "95% CI");
    for m in HEADLINES.map(headline) {
        let Some((_, s)) = stats.iter().find(|(name, _)| *name == m.name) else {
            continue;
        };
        if s.mean.is_none() {
            continue;
        }
        let ci = match (s.ci_low, s.ci_high) {
            (Some(lo), Some(hi)) => format!("{} to {}", number(Some(lo), m), number(Some(hi), m)),
            _ => "-".into(),
        };
        out.push_str(&format!(
            "{:<36} {:>9}   {}\n",
            m.label,
            number(s.mean, m),
            ci
        ));
    }
    out
}

/// The headline table with a posterior (`--posterior`): beside the mean and its 95% CI (the
/// luck of the draw), the 95% interval over replications (2.5th to 97.5th percentile), which
/// includes parameter uncertainty. `intervals` is in [`crate::metrics::Metrics::NAMES`] order.
pub fn headline_table_with_intervals(
    stats: &[(&'static str, Summary)],
    intervals: &[(Option<f64>, Option<f64>)],
) -> String {
    let mut out = format!(
        "{:<36} {:>9}   {:<22} {}\n",
        "", "mean", "95% CI of the mean", "95% interval with parameter uncertainty"
    );
    for m in HEADLINES.map(headline) {
        let Some(i) = stats.iter().position(|(name, _)| *name == m.name) else {
            continue;
        };
        let s = &stats[i].1;
        if s.mean.is_none() {
            continue;
        }
        let range = |lo: Option<f64>, hi: Option<f64>| match (lo, hi) {
            (Some(lo), Some(hi)) => format!("{} to {}", number(Some(lo), m), number(Some(hi), m)),
            _ => "-".into(),
        };
        let (lo, hi) = intervals.get(i).copied().unwrap_or((None, None));
        out.push_str(&format!(
            "{:<36} {:>9}   {:<22} {}\n",
            m.label,
            number(s.mean, m),
            range(s.ci_low, s.ci_high),
            range(lo, hi)
        ));
    }
    out
}
