//! Random-number streams: one family per replication, derived from (seed, replication).
//!
//! The generators are named, not `StdRng` or `SmallRng`, so results do not change when a crate
//! changes its default: ChaCha8 for the replication-level streams (a counter-based generator
//! whose independent streams are selected by number), PCG32 for each offender's own stream
//! (16 bytes of state, seeded from the arrivals stream).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use rand_pcg::Pcg32 as OffenderRng;

/// A replication-level stream.
pub type StreamRng = ChaCha8Rng;

/// The processes that draw from their own stream, so that changing one part of a scenario does
/// not shift the draws of another (common random numbers across arms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Stream {
    /// Arrivals: how many new orders each week and who they are (their attributes and their
    /// own stream). Depends only on the population section.
    Arrivals = 0,
    /// Staff events: absence and turnover, two draws per post per week.
    Staff = 1,
    /// Each post-holder's personal weights for cutting contact under discretion, drawn when
    /// the post is first filled and at each refill.
    Discretion = 2,
    /// Sentencing: each new case's disposal (community order or custody), sentence length and,
    /// for the initial caseload, time served; three draws per case whatever the custody shares.
    Sentencing = 3,
}

/// The stream `stream` of replication `replication` under master seed `seed`.
pub fn replication_stream(seed: u64, replication: u32, stream: Stream) -> StreamRng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream((u64::from(replication) << 8) | stream as u64);
    rng
}

/// The `j`-th of several uniform draws spread from one uniform draw `u` by the golden-ratio
/// sequence: for `j > 0`, close to independent of `u` and of each other. Lets one weekly draw
/// serve several decisions without changing how many numbers a case draws.
pub fn spread(u: f32, j: usize) -> f64 {
    (f64::from(u) + j as f64 * 0.618_033_988_749_895).fract()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore;

    #[test]
    fn streams_differ_by_replication_and_purpose_and_repeat_exactly() {
        let a = replication_stream(1, 0, Stream::Arrivals).next_u64();
        assert_eq!(a, replication_stream(1, 0, Stream::Arrivals).next_u64());
        assert_ne!(a, replication_stream(1, 1, Stream::Arrivals).next_u64());
        assert_ne!(a, replication_stream(1, 0, Stream::Staff).next_u64());
        assert_ne!(a, replication_stream(2, 0, Stream::Arrivals).next_u64());
    }

    /// Pins the algorithm: if a dependency upgrade changes these numbers, every published
    /// result would change with it. Update only deliberately, with a note in the changelog.
    #[test]
    fn generators_are_pinned() {
        let mut r = replication_stream(20_261_124, 3, Stream::Staff);
        let mut o = OffenderRng::new(42, 54);
        assert_eq!(
            (r.next_u64(), o.next_u32()),
            (PINNED_STREAM, PINNED_OFFENDER)
        );
    }

    const PINNED_STREAM: u64 = 17_184_276_857_346_760_840;
    /// 0xa15c02b7: the first output of the reference pcg32 demo (initstate 42, initseq 54).
    const PINNED_OFFENDER: u32 = 0xa15c_02b7;
}
