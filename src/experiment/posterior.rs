//! Parameter uncertainty: `--posterior posterior.csv` on `run`, `sweep` and `compare`.
//!
//! A posterior (as `casesim calibrate` writes it, docs/outputs.md "posterior.csv") is a list of
//! weighted particles, each a value of every calibrated key. Replication r of every arm draws
//! one particle, with probability its weight, and runs the arm's scenario with that particle's
//! values laid over it (after `--set` and the sweep's `--vary`, which may not name a posterior
//! key). The draw is keyed by the master seed and the replication only, not by the arm: every
//! arm of a run, sweep or comparison runs replication r on the same parameter set, so paired
//! differences stay paired, and the outputs do not depend on the number of threads or shards.
//!
//! The replications then spread over parameter uncertainty as well as over the luck of the
//! draw: `stats.csv` and `compare.csv` add the 2.5th and 97.5th percentiles of the replication
//! values (`interval_low`, `interval_high`) beside the confidence interval of the mean
//! (docs/posterior.md says what each means).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{InputError, InputProblem, Origin};
use crate::rng::{Decision, Draws, Entity};
use crate::scenario::table::{Kind, Parameter, parameters, readable};
use crate::scenario::{Scenario, validate};

/// The columns every posterior file starts with, in order.
pub const FIXED_COLUMNS: [&str; 3] = ["particle", "weight", "distance"];

/// The largest posterior file read: far above any real one (a few thousand particles of a few
/// dozen keys is under a megabyte), so that a wrong path to a huge file is refused.
const MAX_BYTES: u64 = 64 << 20;

/// A posterior read from its file: the keys, and every particle's values and weight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Posterior {
    /// The file, as given.
    pub path: PathBuf,
    /// The FNV-1a 64-bit hash of the file's bytes, in hex (recorded in run.json; the plan holds
    /// the particles themselves, so shards and checkpoints agree on the contents).
    pub digest: String,
    /// The parameter keys, in the file's column order.
    pub keys: Vec<String>,
    /// Each particle, in the file's row order.
    pub particles: Vec<Particle>,
    /// The master seed the draws are keyed by (shared by every arm).
    pub seed: u64,
}

/// One particle: its values in the posterior's key order (an integer key's rounded), its
/// weight normalised to a share of 1, its ABC distance, and its line in the file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Particle {
    pub particle: u64,
    pub weight: f64,
    pub distance: f64,
    pub values: Vec<f64>,
    pub line: u64,
}

/// FNV-1a, 64 bits: a fingerprint of the file for the record, not a security measure.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn at(path: &Path, line: Option<u64>, column: Option<&str>, message: String) -> InputProblem {
    InputProblem {
        origin: Origin::File {
            path: path.to_path_buf(),
            line: line.map(|l| l as usize),
        },
        key: column.map(String::from),
        message,
    }
}

/// Why a column cannot be a posterior key, if it cannot: not a key of the scenario, not a
/// number, or a setting of the run rather than of the model.
fn key_problem(key: &str, table: &[Parameter]) -> Option<String> {
    let Some(p) = table.iter().find(|p| p.key == key) else {
        return Some(
            "is not a key of the scenario (docs/parameters.md lists them, as --set takes them)"
                .into(),
        );
    };
    if !p.is_numeric() {
        return Some(format!(
            "is not a numeric parameter (it takes {}): a posterior gives numbers",
            p.kind.describe()
        ));
    }
    if key.starts_with("simulation.") {
        return Some(
            "is a setting of the run (its length, replications, seed), not a parameter of the \
             model a posterior can give"
                .into(),
        );
    }
    None
}

impl Posterior {
    /// Reads and checks a posterior file: the fixed columns, then one numeric scenario key a
    /// column; every weight a non-negative number, not all zero; every value a number in its
    /// key's range (an integer key's rounded). Every problem is named by the file, the line
    /// and the column. `seed` is the master seed the draws are keyed by.
    pub fn read(path: &Path, seed: u64) -> Result<Posterior, InputError> {
        let whole = |message: String| InputError::from(at(path, None, None, message));
        match std::fs::metadata(path) {
            Err(e) => return Err(whole(format!("cannot read the posterior file: {e}"))),
            Ok(m) if !m.is_file() => {
                return Err(whole("is not a regular file (a posterior CSV file)".into()));
            }
            Ok(m) if m.len() > MAX_BYTES => {
                return Err(whole(format!(
                    "is {} bytes, more than a posterior file of {} MB could be",
                    m.len(),
                    MAX_BYTES >> 20
                )));
            }
            Ok(_) => {}
        }
        let bytes = std::fs::read(path)
            .map_err(|e| whole(format!("cannot read the posterior file: {e}")))?;
        Self::parse(path, &bytes, seed)
    }

    /// As [`Posterior::read`], from the file's bytes.
    pub fn parse(path: &Path, bytes: &[u8], seed: u64) -> Result<Posterior, InputError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(bytes);
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
            Err(e) => {
                return Err(at(path, Some(1), None, format!("cannot read the header: {e}")).into());
            }
        };
        let mut problems = Vec::new();
        for (i, fixed) in FIXED_COLUMNS.iter().enumerate() {
            if header.get(i).map(String::as_str) != Some(*fixed) {
                problems.push(at(
                    path,
                    Some(1),
                    Some(fixed),
                    format!(
                        "column {} must be `{fixed}`: a posterior's header is `{}` then one \
                         column per parameter key (the header is `{}`)",
                        i + 1,
                        FIXED_COLUMNS.join(","),
                        header.join(",")
                    ),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(InputError(problems));
        }
        let table = parameters();
        let keys: Vec<String> = header[FIXED_COLUMNS.len()..].to_vec();
        let mut kinds = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            if keys[..i].contains(key) || FIXED_COLUMNS.contains(&key.as_str()) {
                problems.push(at(
                    path,
                    Some(1),
                    Some(key),
                    "is a column twice: each key has one column".into(),
                ));
            } else if let Some(why) = key_problem(key, &table) {
                problems.push(at(path, Some(1), Some(key), why));
            }
            kinds.push(table.iter().find(|p| &p.key == key).cloned());
        }
        if keys.is_empty() {
            problems.push(at(
                path,
                Some(1),
                None,
                "has no parameter columns after `particle,weight,distance`".into(),
            ));
        }
        if !problems.is_empty() {
            return Err(InputError(problems));
        }
        let mut particles = Vec::new();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map(|p| p.line());
                    problems.push(at(path, line, None, format!("cannot read the row: {e}")));
                    break;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            let number = |column: usize| -> Result<f64, InputProblem> {
                let text = record.get(column).unwrap_or("").trim();
                match text.parse::<f64>() {
                    Ok(v) if v.is_finite() => Ok(v),
                    _ => Err(at(
                        path,
                        Some(line),
                        Some(&header[column]),
                        format!("`{text}` is not a finite number"),
                    )),
                }
            };
            let mut row_problems = Vec::new();
            let mut fixed = [0.0; 3];
            for (i, slot) in fixed.iter_mut().enumerate() {
                match number(i) {
                    Ok(v) => *slot = v,
                    Err(p) => row_problems.push(p),
                }
            }
            let [particle, weight, distance] = fixed;
            if row_problems.is_empty() {
                if particle < 0.0 || particle.fract() != 0.0 || particle > 1e15 {
                    row_problems.push(at(
                        path,
                        Some(line),
                        Some("particle"),
                        format!(
                            "`{}` is not a particle index (0, 1, 2, ...)",
                            readable(particle)
                        ),
                    ));
                }
                if weight < 0.0 {
                    row_problems.push(at(
                        path,
                        Some(line),
                        Some("weight"),
                        format!("must be at least 0 (got {})", readable(weight)),
                    ));
                }
                if distance < 0.0 {
                    row_problems.push(at(
                        path,
                        Some(line),
                        Some("distance"),
                        format!("must be at least 0 (got {})", readable(distance)),
                    ));
                }
            }
            let mut values = Vec::with_capacity(keys.len());
            for (k, key) in keys.iter().enumerate() {
                let column = FIXED_COLUMNS.len() + k;
                let v = match number(column) {
                    Ok(v) => v,
                    Err(p) => {
                        row_problems.push(p);
                        continue;
                    }
                };
                let p = kinds[k].as_ref().expect("keys checked above");
                let v = if matches!(p.kind, Kind::Integer) {
                    v.round()
                } else {
                    v
                };
                if !p.range.contains(v) {
                    row_problems.push(at(
                        path,
                        Some(line),
                        Some(key),
                        format!(
                            "{} is outside the key's range: it must be {}",
                            readable(v),
                            p.range.describe()
                        ),
                    ));
                }
                values.push(v);
            }
            if row_problems.is_empty() {
                particles.push(Particle {
                    particle: particle as u64,
                    weight,
                    distance,
                    values,
                    line,
                });
            }
            problems.extend(row_problems);
            if problems.len() > 20 {
                break;
            }
        }
        if !problems.is_empty() {
            return Err(InputError(problems));
        }
        if particles.is_empty() {
            return Err(at(
                path,
                None,
                None,
                "has no particles (no rows after the header)".into(),
            )
            .into());
        }
        let total: f64 = particles.iter().map(|p| p.weight).sum();
        if !(total > 0.0 && total.is_finite()) {
            return Err(at(
                path,
                None,
                Some("weight"),
                "every weight is 0: at least one particle needs a positive weight".into(),
            )
            .into());
        }
        for p in &mut particles {
            p.weight /= total;
        }
        Ok(Posterior {
            path: path.to_path_buf(),
            digest: format!("{:016x}", fnv1a(bytes)),
            keys,
            particles,
            seed,
        })
    }

    /// The particle replication `replication` runs, the same in every arm: its own draw, keyed
    /// by the master seed and the replication, turned into a particle by the inverse of the
    /// cumulative weights (a particle of weight 0 is never drawn).
    pub fn particle(&self, replication: u32) -> usize {
        let u = Draws::new(self.seed, replication, Entity::Replication, 0).uniform(
            0,
            Decision::PosteriorParticle,
            0,
        );
        let mut cumulative = 0.0;
        for (i, p) in self.particles.iter().enumerate() {
            cumulative += p.weight;
            if u < cumulative {
                return i;
            }
        }
        // Rounding left the sum a hair under 1: the last particle with any weight.
        self.particles
            .iter()
            .rposition(|p| p.weight > 0.0)
            .unwrap_or(0)
    }

    /// The distinct particles the first `replications` replications draw, in order.
    pub fn drawn(&self, replications: u32) -> Vec<usize> {
        let mut drawn: Vec<usize> = (0..replications).map(|r| self.particle(r)).collect();
        drawn.sort_unstable();
        drawn.dedup();
        drawn
    }

    /// `scenario` with particle `index`'s values laid over it, as `--set` of them would have
    /// set them, and validated ([`crate::scenario::validate`]): the problems found, if any.
    pub fn apply(
        &self,
        scenario: &Scenario,
        index: usize,
    ) -> Result<Scenario, Vec<crate::scenario::Problem>> {
        let fail = |key: &str, message: String| {
            vec![crate::scenario::Problem {
                key: key.to_string(),
                message,
                also: Vec::new(),
            }]
        };
        let Some(mut table) = as_table(scenario) else {
            return Err(fail("", "the scenario cannot be written as TOML".into()));
        };
        let Some(particle) = self.particles.get(index) else {
            return Err(fail("", "the posterior has no such particle".into()));
        };
        for (key, &v) in self.keys.iter().zip(&particle.values) {
            let parts: Vec<&str> = key.split('.').collect();
            let (last, parents) = parts.split_last().expect("a dotted key");
            let mut current = &mut table;
            for part in parents {
                current = match current.get_mut(*part) {
                    Some(toml::Value::Table(t)) => t,
                    _ => return Err(fail(key, "is not a key of the scenario".into())),
                };
            }
            let value = match current.get(*last) {
                Some(toml::Value::Integer(_)) => toml::Value::Integer(v as i64),
                Some(toml::Value::Float(_)) => toml::Value::Float(v),
                _ => return Err(fail(key, "is not a numeric key of the scenario".into())),
            };
            current.insert(last.to_string(), value);
        }
        let mut drawn: Scenario = match toml::Value::Table(table).try_into() {
            Ok(s) => s,
            Err(e) => return Err(fail(&self.keys.join(", "), e.to_string())),
        };
        drawn.simulation.seed = scenario.simulation.seed;
        drawn.unit = scenario.unit.clone();
        drawn.record_cases = scenario.record_cases;
        drawn.sweep = scenario.sweep.clone();
        let problems = validate(&drawn);
        if problems.is_empty() {
            Ok(drawn)
        } else {
            Err(problems)
        }
    }

    /// Checks every particle that `scenario`'s replications draw against it: the scenario with
    /// the particle's values must be valid. Problems name the file, the particle's line and
    /// the key.
    pub fn check_against(&self, scenario: &Scenario, arm: &str) -> Vec<InputProblem> {
        let mut problems = Vec::new();
        if self.particles.is_empty() {
            return problems;
        }
        for index in self.drawn(scenario.simulation.replications) {
            if let Err(found) = self.apply(scenario, index) {
                let line = self.particles[index].line;
                for p in found {
                    problems.push(at(
                        &self.path,
                        Some(line),
                        Some(&p.key),
                        format!(
                            "{} (the scenario of arm `{arm}` with particle {}'s values of {})",
                            p.message,
                            self.particles[index].particle,
                            self.keys.join(", ")
                        ),
                    ));
                }
            }
            if problems.len() > 20 {
                break;
            }
        }
        problems
    }

    /// The refusal of a key that the user varies (`--vary`, `--set`, or a comparison's arms
    /// differing on it): the posterior would override it in every replication.
    pub fn refuse_key(&self, key: &str, how: &str) -> InputProblem {
        at(
            &self.path,
            Some(1),
            Some(key),
            format!(
                "is a column of the posterior and {how}: the posterior would override it in \
                 every replication. Leave it out of the posterior file, or do not {}",
                if how.starts_with("differs") {
                    "compare arms that differ on it"
                } else {
                    "set or vary it"
                }
            ),
        )
    }
}

/// A scenario as a TOML table, with its seed as 0: a seed above 2^63 (an arm's own under
/// `--independent`) is no TOML integer, and a posterior never sets it (the caller puts it back).
fn as_table(scenario: &Scenario) -> Option<toml::Table> {
    let mut unseeded = scenario.clone();
    unseeded.simulation.seed = 0;
    match toml::Value::try_from(&unseeded) {
        Ok(toml::Value::Table(t)) => Some(t),
        _ => None,
    }
}

/// The value at a dotted key of a scenario, as TOML (for comparing arms).
pub fn value_at(scenario: &Scenario, key: &str) -> Option<toml::Value> {
    let mut value = toml::Value::Table(as_table(scenario)?);
    for part in key.split('.') {
        value = value.get(part)?.clone();
    }
    Some(value)
}

/// The `p`-th quantile (0 to 1) of values sorted ascending, by linear interpolation between
/// the order statistics (Hyndman & Fan 1996, type 7: R's and NumPy's default).
pub fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// The 95% interval over replications: the 2.5th and 97.5th percentiles of the defined values.
pub fn interval(values: impl IntoIterator<Item = Option<f64>>) -> (Option<f64>, Option<f64>) {
    let mut xs: Vec<f64> = values.into_iter().flatten().collect();
    xs.sort_by(|a, b| a.total_cmp(b));
    (quantile(&xs, 0.025), quantile(&xs, 0.975))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Posterior, InputError> {
        Posterior::parse(Path::new("p.csv"), text.as_bytes(), 7)
    }

    #[test]
    fn weights_are_normalised_and_integer_keys_rounded() {
        let p = parse(
            "particle,weight,distance,reoffending.need_effect,workforce.caseload_cap\n\
             0,2,0.1,0.3,40.4\n1,6,0.2,0.5,50.6\n",
        )
        .unwrap();
        assert_eq!(p.particles[0].weight, 0.25);
        assert_eq!(p.particles[1].values[1], 51.0);
        assert_eq!(p.particles[1].line, 3);
    }

    #[test]
    fn draws_follow_the_weights_and_skip_weightless_particles() {
        let p = parse(
            "particle,weight,distance,reoffending.need_effect\n0,0,0,0.1\n1,1,0,0.2\n2,3,0,0.3\n",
        )
        .unwrap();
        let n = 4000;
        let mut counts = [0usize; 3];
        for r in 0..n {
            counts[p.particle(r)] += 1;
        }
        assert_eq!(counts[0], 0);
        let share = counts[2] as f64 / f64::from(n);
        assert!((share - 0.75).abs() < 0.03, "{counts:?}");
        assert_eq!(p.particle(5), p.particle(5));
    }

    #[test]
    fn quantiles_interpolate() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&xs, 0.0), Some(1.0));
        assert_eq!(quantile(&xs, 0.5), Some(3.0));
        assert_eq!(quantile(&xs, 0.975), Some(4.9));
        assert_eq!(quantile(&[2.0], 0.025), Some(2.0));
    }
}
