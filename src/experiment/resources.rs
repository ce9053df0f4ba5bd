//! What a run will take, estimated before it starts, so that a run far too big for the machine
//! is refused at once (with the estimate and how to go ahead anyway, `--force`) rather than
//! aborted for want of memory hours later, and a big one is announced.
//!
//! The estimate uses only the population (initial cases, inflow), the weeks, the replications
//! and the arms, with figures measured by `examples/resources.rs` (a counting allocator around
//! single replications of the baseline scaled from 0 to 108,000 initial cases and 0 to 2,000
//! new cases a week, on the 2-core development machine):
//!
//! - a running replication holds 355 to 445 bytes of heap per case present at its peak (the
//!   case records, allocation and workload vectors, the vector's doubling): [`BYTES_PER_CASE`];
//! - cases present: the initial cases plus the inflow over at most [`STAY_WEEKS`] weeks (the
//!   longest default community order); measured presents were 0.4 to 1 times this;
//! - a finished replication's result keeps 216 to 261 bytes a week of the run (the weekly
//!   series and the survival tallies) besides its fixed part, which the run holds about three
//!   times over while it puts the results in order: [`RESULT_BYTES_PER_WEEK`];
//! - 7.0 to 12.1 million offender-weeks per second per thread (the lower for large
//!   populations): [`OFFENDER_WEEKS_PER_SECOND`], with offender-weeks taken as cases present
//!   times weeks.
//!
//! So the estimate errs on the high side, by about 2 for the shipped scenarios.

use crate::experiment::ReplicationResult;
use crate::scenario::Scenario;

/// Peak heap per case present in a running replication (the top of the measured range).
pub const BYTES_PER_CASE: f64 = 450.0;
/// Weeks of inflow present at once at most (the longest default order, two years).
pub const STAY_WEEKS: f64 = 104.0;
/// Heap a finished result keeps per week of the run.
pub const RESULT_BYTES_PER_WEEK: f64 = 265.0;
/// Offender-weeks simulated per second on one thread (the bottom of the measured range).
pub const OFFENDER_WEEKS_PER_SECOND: f64 = 7.0e6;

/// Above this share of the machine's memory a run is refused without `--force`.
pub const REFUSE_MEMORY_SHARE: f64 = 0.75;
/// Above this share a warning is printed.
pub const WARN_MEMORY_SHARE: f64 = 0.25;
/// Above this many hours a run is refused without `--force`.
pub const REFUSE_HOURS: f64 = 12.0;
/// Above this many minutes a warning is printed.
pub const WARN_MINUTES: f64 = 30.0;

/// What a run is estimated to take.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub arms: u64,
    pub replications: u64,
    /// The most cases present at once in one replication.
    pub cases: f64,
    pub weeks: u32,
    pub threads: usize,
    pub bytes: f64,
    pub seconds: f64,
}

/// The cases present at once in a replication of `s`, at most.
pub fn cases_present(s: &Scenario) -> f64 {
    let p = &s.population;
    f64::from(p.initial_cases)
        + p.inflow_per_week.max(0.0) * f64::from(s.simulation.weeks).min(STAY_WEEKS)
}

/// The estimate for `replications` replications of each of `arms` (the same scenario may
/// stand for many arms: `copies` of it), on `threads` threads.
pub fn estimate(
    arms: &[(&Scenario, u64)],
    replications_each: impl Fn(&Scenario) -> u64,
    threads: usize,
) -> Estimate {
    let threads = threads.max(1);
    let mut e = Estimate {
        arms: 0,
        replications: 0,
        cases: 0.0,
        weeks: 0,
        threads,
        bytes: 0.0,
        seconds: 0.0,
    };
    let mut offender_weeks = 0.0;
    let mut running = 0.0f64;
    for &(s, copies) in arms {
        let reps = replications_each(s) as f64 * copies as f64;
        let cases = cases_present(s);
        let weeks = f64::from(s.simulation.weeks);
        e.arms += copies;
        e.replications += replications_each(s).saturating_mul(copies);
        e.cases = e.cases.max(cases);
        e.weeks = e.weeks.max(s.simulation.weeks);
        running = running.max(cases * BYTES_PER_CASE);
        let kept =
            3.0 * std::mem::size_of::<ReplicationResult>() as f64 + weeks * RESULT_BYTES_PER_WEEK;
        // Each arm's scenario, and its CSV rows and weekly means while the outputs are made.
        let per_arm = std::mem::size_of::<super::Arm>() as f64 + 4096.0 + weeks * 1000.0;
        e.bytes += reps * kept + copies as f64 * per_arm;
        offender_weeks += reps * cases * weeks;
    }
    let at_once = (threads as f64).min(e.replications as f64);
    e.bytes += running * at_once;
    e.seconds = offender_weeks / (OFFENDER_WEEKS_PER_SECOND * at_once.max(1.0));
    e
}

/// The estimate for every replication of every arm, on `threads` threads.
pub fn estimate_arms(arms: &[&Scenario], threads: usize) -> Estimate {
    let arms: Vec<(&Scenario, u64)> = arms.iter().map(|&s| (s, 1)).collect();
    estimate(&arms, |s| u64::from(s.simulation.replications), threads)
}

/// The machine's limits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Memory this process may use, in bytes.
    pub memory: f64,
}

impl Limits {
    /// The physical memory (or the control group's limit, when lower); 8 GiB when neither can
    /// be read.
    pub fn of_this_machine() -> Limits {
        let total = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|text| {
                let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
                let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
                Some(kb * 1024.0)
            });
        let group = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
            .ok()
            .and_then(|t| t.trim().parse::<f64>().ok());
        let memory = match (total, group) {
            (Some(t), Some(g)) => t.min(g),
            (Some(t), None) => t,
            (None, Some(g)) => g,
            (None, None) => 8.0 * 1024.0 * 1024.0 * 1024.0,
        };
        Limits { memory }
    }
}

/// Bytes in words: `83.6 GB`.
pub fn bytes_text(bytes: f64) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB", "PB"];
    let mut v = bytes;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < units.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{v:.0} bytes")
    } else if v >= 1e6 {
        format!("{v:.1e} {}", units[u])
    } else {
        format!("{v:.1} {}", units[u])
    }
}

/// Seconds in words: `40 s`, `12 minutes`, `9.8 hours`, `3.1 years`.
pub fn seconds_text(seconds: f64) -> String {
    if seconds < 90.0 {
        format!("{seconds:.0} s")
    } else if seconds < 5400.0 {
        format!("{:.0} minutes", seconds / 60.0)
    } else if seconds < 3.0 * 86400.0 {
        format!("{:.1} hours", seconds / 3600.0)
    } else if seconds < 2.0 * 365.0 * 86400.0 {
        format!("{:.0} days", seconds / 86400.0)
    } else {
        format!("{:.1e} years", seconds / (365.25 * 86400.0))
    }
}

impl Estimate {
    /// The estimate in words.
    pub fn text(&self) -> String {
        format!(
            "about {} of memory and {} on {} thread{} ({} replication{} in {} arm{}, up to {:.0} \
             cases at once over {} weeks)",
            bytes_text(self.bytes),
            seconds_text(self.seconds),
            self.threads,
            if self.threads == 1 { "" } else { "s" },
            self.replications,
            if self.replications == 1 { "" } else { "s" },
            self.arms,
            if self.arms == 1 { "" } else { "s" },
            self.cases,
            self.weeks
        )
    }

    /// Refuses (with the message) an estimate above the limits unless `force`; else a warning
    /// when it is above the lower thresholds.
    pub fn check(&self, limits: &Limits, force: bool) -> Result<Option<String>, String> {
        let too_big = self.bytes > REFUSE_MEMORY_SHARE * limits.memory
            || self.seconds > REFUSE_HOURS * 3600.0;
        if too_big && !force {
            return Err(format!(
                "this needs {}: more than casesim starts without --force ({:.0}% of this \
                 machine's {} of memory, or {REFUSE_HOURS:.0} hours). Use fewer replications \
                 (--reps), a smaller population, fewer weeks or fewer sweep values; split it \
                 into shards (casesim slurm); or add --force to run it anyway",
                self.text(),
                REFUSE_MEMORY_SHARE * 100.0,
                bytes_text(limits.memory)
            ));
        }
        let big =
            self.bytes > WARN_MEMORY_SHARE * limits.memory || self.seconds > WARN_MINUTES * 60.0;
        Ok(big.then(|| format!("this needs {}", self.text())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(initial: u32, inflow: f64, weeks: u32) -> Scenario {
        let mut s = Scenario::default();
        s.population.initial_cases = initial;
        s.population.inflow_per_week = inflow;
        s.simulation.weeks = weeks;
        s
    }

    fn limits() -> Limits {
        Limits { memory: 16e9 }
    }

    #[test]
    fn the_reproducers_of_issue_27_are_refused_and_the_baseline_is_not() {
        let reps = |n: u64| move |_: &Scenario| n;
        let baseline = scenario(2700, 50.0, 312);
        let ok = estimate(&[(&baseline, 1)], reps(20), 2);
        assert_eq!(ok.check(&limits(), false), Ok(None), "{}", ok.text());
        assert!(ok.seconds < 10.0 && ok.bytes < 100e6, "{}", ok.text());
        for (what, e) in [
            (
                "--reps 1000000",
                estimate(&[(&baseline, 1)], reps(1_000_000), 2),
            ),
            (
                "initial_cases = 50000000",
                estimate(&[(&scenario(50_000_000, 50.0, 312), 1)], reps(20), 2),
            ),
            (
                "inflow_per_week = 1000000",
                estimate(&[(&scenario(2700, 1e6, 312), 1)], reps(20), 2),
            ),
            (
                "sensitivity --reps 100000",
                estimate(&[(&baseline, 49)], reps(100_000), 2),
            ),
            (
                "a 6-key x 10-value grid",
                estimate(&[(&baseline, 1_000_000)], reps(20), 2),
            ),
        ] {
            let refused = e.check(&limits(), false).unwrap_err();
            assert!(refused.contains("--force"), "{what}: {refused}");
            assert!(refused.contains("about"), "{what}: {refused}");
            assert!(
                e.check(&limits(), true).unwrap().is_some(),
                "{what}: forced, warned"
            );
        }
        // A sweep of the national scenario is announced, not refused.
        let national = scenario(240_000, 4000.0, 260);
        let e = estimate(&[(&national, 9)], reps(20), 2);
        let warned = e.check(&limits(), false).unwrap();
        assert!(
            warned.is_some_and(|w| w.contains("minutes")),
            "{}",
            e.text()
        );
    }

    #[test]
    fn sizes_read_as_words() {
        assert_eq!(bytes_text(512.0), "512 bytes");
        assert_eq!(bytes_text(83.64e9), "83.6 GB");
        assert_eq!(seconds_text(40.0), "40 s");
        assert_eq!(seconds_text(600.0), "10 minutes");
        assert_eq!(seconds_text(36000.0), "10.0 hours");
    }
}
