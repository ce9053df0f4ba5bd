//! Shards: deterministic slices of an experiment's work list, for running one experiment as
//! many jobs (a Slurm job array) and merging the results afterwards.
//!
//! The work list is every (arm, replication) pair in run-id order ([`super::work_list`]). Shard
//! I of N takes run ids I, I + N, I + 2N, ...: dealt round-robin, so every shard gets its share
//! of heavy and light arms. Each replication draws from the streams of (seed, replication)
//! whichever shard runs it, so merged shards give exactly the unsharded results.

use std::fmt;

/// Shard `index` of `count` (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Parses `I/N` (0 ≤ I < N), or `auto`: Slurm's `SLURM_ARRAY_TASK_ID` and
    /// `SLURM_ARRAY_TASK_COUNT`, read through `env`.
    pub fn parse(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        if text == "auto" {
            let get = |name: &str| -> Result<u32, String> {
                let value = env(name).ok_or_else(|| {
                    format!("`auto` needs {name}, which Slurm sets in a job array; it is not set")
                })?;
                value
                    .trim()
                    .parse()
                    .map_err(|_| format!("{name}={value} is not a whole number"))
            };
            return Shard::new(get("SLURM_ARRAY_TASK_ID")?, get("SLURM_ARRAY_TASK_COUNT")?)
                .map_err(|e| format!("from Slurm's variables: {e}"));
        }
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not I/N (e.g. 0/8) or auto"))?;
        let number = |t: &str| {
            t.trim()
                .parse::<u32>()
                .map_err(|_| format!("`{t}` in `{text}` is not a whole number"))
        };
        Shard::new(number(i)?, number(n)?)
    }

    fn new(index: u32, count: u32) -> Result<Shard, String> {
        if count == 0 {
            return Err("the number of shards must be at least 1".into());
        }
        if index >= count {
            return Err(format!(
                "shard {index} of {count} does not exist: shards are numbered 0 to {}",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// Whether this shard runs run id `run`.
    pub fn takes(&self, run: usize) -> bool {
        run % self.count as usize == self.index as usize
    }

    /// The run ids of this shard among `runs`.
    pub fn run_ids(&self, runs: usize) -> impl Iterator<Item = usize> + '_ {
        (self.index as usize..runs).step_by(self.count as usize)
    }

    /// The shard's file name in `DIR/shards/`.
    pub fn file_name(&self) -> String {
        format!("shard-{:04}-of-{:04}.json", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn shards_deal_every_run_to_exactly_one_shard() {
        for count in [1, 2, 3, 7] {
            let mut seen = vec![0; 50];
            for index in 0..count {
                let shard = Shard::new(index, count).unwrap();
                for run in shard.run_ids(50) {
                    assert!(shard.takes(run));
                    seen[run] += 1;
                }
            }
            assert!(seen.iter().all(|&n| n == 1), "{count}: {seen:?}");
        }
    }

    #[test]
    fn parse_reads_i_of_n_and_slurm_variables() {
        assert_eq!(
            Shard::parse("2/5", no_env),
            Ok(Shard { index: 2, count: 5 })
        );
        assert!(Shard::parse("5/5", no_env).unwrap_err().contains("0 to 4"));
        assert!(Shard::parse("0/0", no_env).is_err());
        assert!(Shard::parse("x/3", no_env).is_err());
        assert!(Shard::parse("3", no_env).is_err());
        assert!(
            Shard::parse("auto", no_env)
                .unwrap_err()
                .contains("SLURM_ARRAY_TASK_ID")
        );
        let slurm = |name: &str| match name {
            "SLURM_ARRAY_TASK_ID" => Some("3".to_string()),
            "SLURM_ARRAY_TASK_COUNT" => Some("4".to_string()),
            _ => None,
        };
        assert_eq!(
            Shard::parse("auto", slurm),
            Ok(Shard { index: 3, count: 4 })
        );
    }
}
