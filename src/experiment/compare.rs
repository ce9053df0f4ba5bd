//! Comparing arms: paired differences on common random numbers.
//!
//! Replication r of every arm uses the streams of (seed, r), so arm B's replication r differs
//! from arm A's only through what the scenarios change. The difference B − A is therefore
//! computed replication by replication, and its 95% CI is the t interval on those paired
//! differences: much narrower than comparing two independent means when the arms are alike.
//! With `--independent`, each arm gets its own seed instead (for teaching, and to measure what
//! common random numbers gain); the pairs are then independent and the same interval is valid,
//! only wider.

use crate::experiment::{RunResults, Summary, summarise};
use crate::metrics::Metrics;

/// Mean and 95% CI of `arm − reference` for every metric, in [`Metrics::NAMES`] order, over the
/// replications where both define it.
pub fn paired_differences(
    reference: &RunResults,
    arm: &RunResults,
) -> Vec<(&'static str, Summary)> {
    Metrics::NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let differences = reference
                .replications
                .iter()
                .zip(&arm.replications)
                .map(|(a, b)| Some(b.metrics.values()[i]? - a.metrics.values()[i]?));
            (*name, summarise(differences))
        })
        .collect()
}

/// The seed of arm `index` when arms are to be independent: the master seed moved by a large
/// odd constant (the 64-bit golden ratio), which ChaCha's seeding turns into unrelated streams.
pub fn independent_seed(seed: u64, index: usize) -> u64 {
    seed.wrapping_add((index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}
