//! The short table printed after a run: headline measures with their 95% CIs, in words a
//! planner reads without the docs.

use crate::experiment::Summary;

/// How a metric reads in the table.
struct Label {
    metric: &'static str,
    text: &'static str,
    percent: bool,
    /// Shown only when defined in some arm (a measure of something a scenario may not have).
    optional: bool,
}

const HEADLINES: [Label; 14] = [
    Label {
        metric: "completion_rate",
        text: "orders completed",
        percent: true,
        optional: false,
    },
    Label {
        metric: "breach_rate",
        text: "orders revoked for breach",
        percent: true,
        optional: false,
    },
    Label {
        metric: "reoffending_rate",
        text: "proven reoffending within a year",
        percent: true,
        optional: false,
    },
    Label {
        metric: "recall_rate",
        text: "licences recalled to custody",
        percent: true,
        optional: true,
    },
    Label {
        metric: "contact_delivery_rate",
        text: "contacts due that were delivered",
        percent: true,
        optional: false,
    },
    Label {
        metric: "attendance_rate",
        text: "contacts attended",
        percent: true,
        optional: false,
    },
    Label {
        metric: "mean_relationship",
        text: "working relationship (0-1)",
        percent: false,
        optional: false,
    },
    Label {
        metric: "mean_handoffs",
        text: "handoffs per order",
        percent: false,
        optional: false,
    },
    Label {
        metric: "mean_caseload",
        text: "cases per case manager",
        percent: false,
        optional: false,
    },
    Label {
        metric: "unallocated_cases",
        text: "cases waiting for allocation",
        percent: false,
        optional: false,
    },
    Label {
        metric: "staff_utilisation",
        text: "case managers' hours in use",
        percent: true,
        optional: false,
    },
    Label {
        metric: "needs_met_rate",
        text: "needs met by the order's end",
        percent: true,
        optional: false,
    },
    Label {
        metric: "mean_service_wait_weeks",
        text: "weeks waiting for a service",
        percent: false,
        optional: false,
    },
    Label {
        metric: "cost",
        text: "cost a week",
        percent: false,
        optional: false,
    },
];

fn number(value: Option<f64>, percent: bool) -> String {
    match value {
        None => "-".into(),
        Some(v) if percent => format!("{:.1}%", v * 100.0),
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

fn shown(label: &Label, mean: Option<f64>) -> bool {
    !label.optional || mean.is_some()
}

fn label_of(metric: &str) -> Option<&'static Label> {
    HEADLINES.iter().find(|l| l.metric == metric)
}

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
/// half-width).
pub fn sweep_table(labels: &[String], stats: &[Vec<(&'static str, Summary)>]) -> String {
    let width = labels.iter().map(|l| l.len()).max().unwrap_or(0).max(5);
    let mut out = format!("{:<width$}", "");
    for (_, title) in SWEEP_COLUMNS {
        out.push_str(&format!(" {title:>14}"));
    }
    out.push('\n');
    for (label, arm) in labels.iter().zip(stats) {
        out.push_str(&format!("{label:<width$}"));
        for (metric, _) in SWEEP_COLUMNS {
            let percent = label_of(metric).is_some_and(|l| l.percent);
            let cell = arm
                .iter()
                .find(|(name, _)| *name == metric)
                .map_or("-".into(), |(_, s)| mean_and_margin(s, percent));
            out.push_str(&format!(" {cell:>14}"));
        }
        out.push('\n');
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
    for label in &HEADLINES {
        let value = |arm: &[(&str, Summary)]| {
            arm.iter()
                .find(|(name, _)| *name == label.metric)
                .map(|(_, s)| *s)
        };
        let Some(reference) = value(&stats[0]) else {
            continue;
        };
        if !stats
            .iter()
            .any(|arm| shown(label, value(arm).and_then(|s| s.mean)))
        {
            continue;
        }
        out.push_str(&format!(
            "{:<36} {:>12}",
            label.text,
            number(reference.mean, label.percent)
        ));
        for (arm, diff) in stats[1..].iter().zip(differences) {
            let mean = value(arm).and_then(|s| s.mean);
            let d = value(diff).unwrap_or(reference);
            out.push_str(&format!(
                " {:>12} {:>30}",
                number(mean, label.percent),
                difference_text(&d, label.percent)
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

fn difference_text(d: &Summary, percent: bool) -> String {
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
    for label in HEADLINES {
        let Some((_, s)) = stats.iter().find(|(name, _)| *name == label.metric) else {
            continue;
        };
        if !shown(&label, s.mean) {
            continue;
        }
        let ci = match (s.ci_low, s.ci_high) {
            (Some(lo), Some(hi)) => format!(
                "{} to {}",
                number(Some(lo), label.percent),
                number(Some(hi), label.percent)
            ),
            _ => "-".into(),
        };
        out.push_str(&format!(
            "{:<36} {:>9}   {}\n",
            label.text,
            number(s.mean, label.percent),
            ci
        ));
    }
    out
}
