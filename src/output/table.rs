//! The short table printed after a run: headline measures with their 95% CIs, in words a
//! planner reads without the docs.

use crate::experiment::Summary;

/// How a metric reads in the table.
struct Label {
    metric: &'static str,
    text: &'static str,
    percent: bool,
}

const HEADLINES: [Label; 10] = [
    Label {
        metric: "completion_rate",
        text: "orders completed",
        percent: true,
    },
    Label {
        metric: "breach_rate",
        text: "orders revoked for breach",
        percent: true,
    },
    Label {
        metric: "reoffending_rate",
        text: "proven reoffending within a year",
        percent: true,
    },
    Label {
        metric: "contact_delivery_rate",
        text: "contacts due that were delivered",
        percent: true,
    },
    Label {
        metric: "attendance_rate",
        text: "contacts attended",
        percent: true,
    },
    Label {
        metric: "mean_relationship",
        text: "working relationship (0-1)",
        percent: false,
    },
    Label {
        metric: "mean_handoffs",
        text: "handoffs per order",
        percent: false,
    },
    Label {
        metric: "mean_caseload",
        text: "cases per case manager",
        percent: false,
    },
    Label {
        metric: "unallocated_cases",
        text: "cases waiting for allocation",
        percent: false,
    },
    Label {
        metric: "staff_utilisation",
        text: "case managers' hours in use",
        percent: true,
    },
];

fn number(value: Option<f64>, percent: bool) -> String {
    match value {
        None => "-".into(),
        Some(v) if percent => format!("{:.1}%", v * 100.0),
        Some(v) => format!("{v:.2}"),
    }
}

/// The table as text, from `(metric, summary)` pairs.
pub fn headline_table(stats: &[(&'static str, Summary)]) -> String {
    let mut out = format!("{:<36} {:>9}   {}\n", "", "mean", "95% CI");
    for label in HEADLINES {
        let Some((_, s)) = stats.iter().find(|(name, _)| *name == label.metric) else {
            continue;
        };
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
