//! What a sweep's arms say about each setting it varies, for the report and its plots.
//!
//! - [`factors`]: the sweep's settings as factors. Keys that move together (a `with` entry:
//!   streaming and through-the-gate continuity in the continuity sweep) are one factor whose
//!   levels are their combinations; keys crossed in a grid are separate factors.
//! - [`level_means`] and [`main_effect`]: a factor's **main effect** — the mean of a measure at
//!   each of its levels averaged over the other factors' values, and each level's paired
//!   difference from the first level with its 95% CI. The arms share random numbers, so
//!   replication r of every arm saw the same people: for each replication, the mean over the
//!   level's arms minus the mean over the first level's arms is one paired difference, and the
//!   t interval is taken over replications (as for `compare.csv`). In a full grid every level
//!   is averaged over the same combinations of the other factors, so the difference is that
//!   factor's alone.
//! - [`segments`] and [`shape`]: along one numeric setting, the paired difference between
//!   neighbouring points, so the report can say where a measure is flat and where it is steep.

use std::collections::BTreeMap;

use crate::experiment::{Kind, Summary, summarise};
use crate::output::results::{ArmResults, Estimate, OutputDir};

/// One varied setting (or several that move together) and the arms at each of its levels.
#[derive(Clone, Debug, PartialEq)]
pub struct Factor {
    /// The varied keys that move together, in the sweep's order.
    pub keys: Vec<String>,
    /// Each level: its value of every key, and the arms at it. In order of first appearance.
    pub levels: Vec<Level>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Level {
    pub values: Vec<String>,
    pub arms: Vec<usize>,
}

impl Factor {
    /// The factor in words, from the parameter table: "staff turnover", "streaming and
    /// through-the-gate continuity".
    pub fn name(&self) -> String {
        self.keys
            .iter()
            .map(|k| key_label(k))
            .collect::<Vec<_>>()
            .join(" and ")
    }

    /// A level in words: "staff turnover 5% a year", "streaming task, through-the-gate
    /// continuity no".
    pub fn level_label(&self, level: usize) -> String {
        self.keys
            .iter()
            .zip(&self.levels[level].values)
            .map(|(k, v)| format!("{} {}", key_label(k), value_words(k, v)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A scenario key's plain-language label from the parameter table (the key itself when the
/// table has none).
pub fn key_label(key: &str) -> String {
    crate::scenario::table::parameter(key)
        .map(|p| p.label)
        .unwrap_or_else(|| key.to_string())
}

/// A setting's value in words: shares as percentages (`0.05` → `5% a year` for a share a
/// year), `true`/`false` as yes/no, others as written with their unit.
pub fn value_words(key: &str, value: &str) -> String {
    let parameter = crate::scenario::table::parameter(key);
    let unit = parameter.as_ref().map(|p| p.unit).unwrap_or("");
    match (value, value.parse::<f64>()) {
        ("true", _) => "yes".into(),
        ("false", _) => "no".into(),
        (_, Ok(v)) if unit.starts_with("share") => {
            let rest = unit.trim_start_matches("share").trim();
            let percent = format!("{}%", crate::scenario::table::readable(v * 100.0));
            if rest.is_empty() {
                percent
            } else {
                format!("{percent} {rest}")
            }
        }
        _ => value.to_string(),
    }
}

/// The factors of a sweep (empty for a run or a comparison). Two keys belong to one factor
/// when they are not crossed: fewer of their combinations occur than the product of their
/// numbers of values (a `with` entry pairs them value by value).
pub fn factors(dir: &OutputDir) -> Vec<Factor> {
    if dir.kind != Kind::Sweep || dir.arms.is_empty() {
        return Vec::new();
    }
    let keys = &dir.varied_keys;
    let value = |a: &ArmResults, k: usize| a.varied.get(k).map(|v| v.1.clone()).unwrap_or_default();
    let distinct = |ks: &[usize]| {
        let mut seen: Vec<Vec<String>> = Vec::new();
        for a in &dir.arms {
            let v: Vec<String> = ks.iter().map(|&k| value(a, k)).collect();
            if !seen.contains(&v) {
                seen.push(v);
            }
        }
        seen.len()
    };
    // Union of keys that move together.
    let mut group: Vec<usize> = (0..keys.len()).collect();
    for i in 0..keys.len() {
        for j in i + 1..keys.len() {
            if distinct(&[i, j]) < distinct(&[i]) * distinct(&[j]) {
                let (gi, gj) = (group[i], group[j]);
                for g in group.iter_mut().filter(|g| **g == gj) {
                    *g = gi;
                }
            }
        }
    }
    let mut out: Vec<Factor> = Vec::new();
    let mut done = Vec::new();
    for &g in &group {
        if done.contains(&g) {
            continue;
        }
        done.push(g);
        let members: Vec<usize> = (0..keys.len()).filter(|&k| group[k] == g).collect();
        let mut levels: Vec<Level> = Vec::new();
        for (i, a) in dir.arms.iter().enumerate() {
            let values: Vec<String> = members.iter().map(|&k| value(a, k)).collect();
            match levels.iter_mut().find(|l| l.values == values) {
                Some(l) => l.arms.push(i),
                None => levels.push(Level {
                    values,
                    arms: vec![i],
                }),
            }
        }
        out.push(Factor {
            keys: members.iter().map(|&k| keys[k].clone()).collect(),
            levels,
        });
    }
    out
}

fn estimate(s: Summary) -> Estimate {
    Estimate {
        mean: s.mean,
        ci_low: s.ci_low,
        ci_high: s.ci_high,
        n: s.n as u64,
    }
}

/// Replication → the mean of a metric over some arms, for the replications in which every
/// one of them defines it.
fn mean_over(dir: &OutputDir, arms: &[usize], metric: &str) -> BTreeMap<u32, f64> {
    let series: Vec<&BTreeMap<u32, f64>> = match arms
        .iter()
        .map(|&i| dir.arms[i].by_replication.get(metric))
        .collect::<Option<Vec<_>>>()
    {
        Some(s) => s,
        None => return BTreeMap::new(),
    };
    let Some(first) = series.first() else {
        return BTreeMap::new();
    };
    first
        .keys()
        .filter_map(|r| {
            let values: Option<Vec<f64>> = series.iter().map(|s| s.get(r).copied()).collect();
            values.map(|v| (*r, v.iter().sum::<f64>() / v.len() as f64))
        })
        .collect()
}

/// A metric at each level of a factor, averaged over the other factors (a mean over
/// replications of the per-replication mean over the level's arms, with its 95% CI).
pub fn level_means(dir: &OutputDir, factor: &Factor, metric: &str) -> Vec<Estimate> {
    factor
        .levels
        .iter()
        .map(|l| {
            let bounds = crate::metrics::measure(metric)
                .map(|m| m.unit.bounds())
                .unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
            estimate(
                summarise(mean_over(dir, &l.arms, metric).into_values().map(Some))
                    .within(bounds.0, bounds.1),
            )
        })
        .collect()
}

/// The paired difference of arms `to` from arms `from` (each averaged per replication) over
/// replications, with its 95% CI.
fn paired(dir: &OutputDir, from: &[usize], to: &[usize], metric: &str) -> Estimate {
    let a = mean_over(dir, from, metric);
    let b = mean_over(dir, to, metric);
    estimate(summarise(
        a.iter().filter_map(|(r, x)| b.get(r).map(|y| Some(y - x))),
    ))
}

/// The main effect of a factor's level `level` on a metric: its difference from the first
/// level, each averaged over the other factors, paired replication by replication.
pub fn main_effect(dir: &OutputDir, factor: &Factor, level: usize, metric: &str) -> Estimate {
    paired(
        dir,
        &factor.levels[0].arms,
        &factor.levels[level].arms,
        metric,
    )
}

/// One step along a numeric setting: from one point to the next, the paired difference of
/// a metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub from: f64,
    pub to: f64,
    pub difference: Estimate,
}

/// The steps between neighbouring points of a line (`points`: x and arm, in x order).
pub fn segments(dir: &OutputDir, points: &[(f64, usize)], metric: &str) -> Vec<Segment> {
    points
        .windows(2)
        .map(|w| Segment {
            from: w[0].0,
            to: w[1].0,
            difference: paired(dir, &[w[0].1], &[w[1].1], metric),
        })
        .collect()
}

/// How a measure moves over a stretch of the setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slope {
    /// No clear change: the difference's 95% CI includes zero, or its slope is under a fifth
    /// of the steepest step's.
    Flat,
    /// A clear change, at under half the steepest step's slope.
    Gentle { rising: bool },
    /// A clear change at half the steepest step's slope or more.
    Steep { rising: bool },
}

/// A stretch of neighbouring steps with the same [`Slope`], and the change over it.
#[derive(Clone, Debug, PartialEq)]
pub struct Stretch {
    pub from: f64,
    pub to: f64,
    pub slope: Slope,
    /// The sum of its steps' mean differences.
    pub change: f64,
}

/// Where a measure is flat and where it is steep along the setting: each step classed by
/// its slope (difference per unit of the setting) against the steepest clear step's, and
/// neighbouring steps of one class joined. Steps without a CI count as flat.
pub fn shape(segments: &[Segment]) -> Vec<Stretch> {
    let clear = |s: &Segment| match (s.difference.ci_low, s.difference.ci_high) {
        (Some(lo), Some(hi)) => lo > 0.0 || hi < 0.0,
        _ => false,
    };
    let slope = |s: &Segment| s.difference.mean.unwrap_or(0.0) / (s.to - s.from);
    let steepest = segments
        .iter()
        .filter(|s| clear(s))
        .map(|s| slope(s).abs())
        .fold(0.0f64, f64::max);
    let mut out: Vec<Stretch> = Vec::new();
    for s in segments {
        let m = slope(s);
        let rising = m > 0.0;
        let class = if !clear(s) || m.abs() < 0.2 * steepest {
            Slope::Flat
        } else if m.abs() >= 0.5 * steepest {
            Slope::Steep { rising }
        } else {
            Slope::Gentle { rising }
        };
        let change = s.difference.mean.unwrap_or(0.0);
        match out.last_mut() {
            Some(last) if last.slope == class => {
                last.to = s.to;
                last.change += change;
            }
            _ => out.push(Stretch {
                from: s.from,
                to: s.to,
                slope: class,
                change,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::results::ArmResults;

    /// A toy sweep: two crossed keys, a (2 values) and b (3 values), 4 replications each.
    /// The metric is 10·[a = 1] + b + a replication effect r, so a's main effect is exactly
    /// 10 and b's is its value's difference.
    fn toy() -> OutputDir {
        let mut arms = Vec::new();
        for a in [0, 1] {
            for b in [0, 2, 5] {
                let mut arm = ArmResults {
                    label: format!("a={a} b={b}"),
                    varied: vec![("x.a".into(), a.to_string()), ("x.b".into(), b.to_string())],
                    ..ArmResults::default()
                };
                let values = (0..4u32)
                    .map(|r| (r, 10.0 * f64::from(a) + f64::from(b) + f64::from(r)))
                    .collect();
                arm.by_replication.insert("mean_handoffs".into(), values);
                arms.push(arm);
            }
        }
        OutputDir {
            path: "toy".into(),
            kind: Kind::Sweep,
            record: serde_json::Value::Null,
            varied_keys: vec!["x.a".into(), "x.b".into()],
            arms,
            differences: Vec::new(),
        }
    }

    #[test]
    fn crossed_keys_are_separate_factors_and_keys_in_step_are_one() {
        let dir = toy();
        let f = factors(&dir);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].keys, ["x.a"]);
        assert_eq!(f[0].levels.len(), 2);
        assert_eq!(f[0].levels[1].arms, [3, 4, 5]);
        assert_eq!(f[1].levels[2].arms, [2, 5]);
        // A third key paired with b value by value joins b's factor.
        let mut dir = toy();
        dir.varied_keys.push("x.c".into());
        for arm in &mut dir.arms {
            let b = arm.varied[1].1.clone();
            arm.varied.push(("x.c".into(), format!("c{b}")));
        }
        let f = factors(&dir);
        assert_eq!(f.len(), 2);
        assert_eq!(f[1].keys, ["x.b", "x.c"]);
    }

    #[test]
    fn a_main_effect_is_the_level_difference_averaged_over_the_other_keys() {
        let dir = toy();
        let f = factors(&dir);
        let a = main_effect(&dir, &f[0], 1, "mean_handoffs");
        // Every replication's difference is exactly 10: no spread, a zero-width interval.
        assert_eq!(a.mean, Some(10.0));
        assert_eq!((a.ci_low, a.ci_high), (Some(10.0), Some(10.0)));
        assert_eq!(a.n, 4);
        let b = main_effect(&dir, &f[1], 2, "mean_handoffs");
        assert_eq!(b.mean, Some(5.0));
        let means = level_means(&dir, &f[0], "mean_handoffs");
        // Level a=0: (0 + 2 + 5)/3 + mean r (1.5).
        assert!((means[0].mean.unwrap() - (7.0 / 3.0 + 1.5)).abs() < 1e-12);
        assert!((means[1].mean.unwrap() - (37.0 / 3.0 + 1.5)).abs() < 1e-12);
    }

    fn step(from: f64, to: f64, mean: f64, half: f64) -> Segment {
        Segment {
            from,
            to,
            difference: Estimate {
                mean: Some(mean),
                ci_low: Some(mean - half),
                ci_high: Some(mean + half),
                n: 20,
            },
        }
    }

    #[test]
    fn a_line_is_flat_where_steps_are_unclear_or_small_and_steep_where_they_are_large() {
        let steps = [
            step(12.0, 20.0, 0.001, 0.002), // unclear
            step(20.0, 30.0, 0.002, 0.003), // unclear
            step(30.0, 40.0, 0.003, 0.001), // clear but tiny: flat
            step(40.0, 50.0, 0.015, 0.005), // gentle
            step(50.0, 75.0, 0.10, 0.01),   // steep (0.004 a unit)
            step(75.0, 100.0, 0.09, 0.01),  // steep
        ];
        let shape = shape(&steps);
        assert_eq!(shape.len(), 3);
        assert_eq!(
            (shape[0].from, shape[0].to, shape[0].slope),
            (12.0, 40.0, Slope::Flat)
        );
        assert_eq!(shape[1].slope, Slope::Gentle { rising: true });
        assert_eq!(
            (shape[2].from, shape[2].to, shape[2].slope),
            (50.0, 100.0, Slope::Steep { rising: true })
        );
        assert!((shape[2].change - 0.19).abs() < 1e-12);
        // Nothing clear anywhere: flat throughout.
        let flat = shape_of_unclear();
        assert_eq!(flat.len(), 1);
        assert_eq!(flat[0].slope, Slope::Flat);
    }

    fn shape_of_unclear() -> Vec<Stretch> {
        shape(&[step(0.0, 1.0, 0.1, 0.5), step(1.0, 2.0, -0.1, 0.5)])
    }
}
