//! `docs/outputs.md`, written from the measure table (`metrics::measures`) with the text about
//! the files around it. A test compares the file with what this writes and fails when they
//! differ; `CASESIM_WRITE_DOCS=1 cargo test --profile test-release generated` rewrites it.

use std::fmt::Write as _;

use crate::metrics::cases::CASE_COLUMNS;
use crate::metrics::{COLUMNS, MEASURES, Metrics, Scope};

const HEAD: &str = r#"# Outputs

<!-- Written by casesim from its measure table (src/metrics/measures.rs) and the text in
src/output/docs.rs: do not edit by hand. `CASESIM_WRITE_DOCS=1 cargo test --profile test-release generated`
rewrites this file, and the tests fail when it is out of date. -->

`casesim run` writes into `output/<scenario name>/` (or `--out DIR`); `casesim sweep` and
`casesim compare` write the same files with grouping columns in front, `compare.csv` and
`cost_effectiveness.csv`
(docs/experiments.md). The files are written only once every replication has run, checked
first, and replace the previous run's files as a whole (docs/robustness.md), so a killed run
leaves the previous complete results (or none), never a truncated file or a mix of two runs;
`DIR/.casesim-files` lists the files casesim wrote there, and while a command works on the
directory it holds `DIR/.casesim.lock`. Numbers are written in
full precision; an undefined value is an empty cell, never NaN (a rate with no cases to measure,
such as `recall_rate` when nobody was sent to custody, or `breach_rate` when no order ended in
the window).

**Interrupted runs resume.** While a run, sweep or comparison works, each finished replication
is kept in `DIR/.checkpoint/` (`plan.json` and one `arm-AAAA-rep-RRRR.json` each). Run the same
command again after an interruption and it says `resuming: N of M replications already done`,
runs only the rest, and writes outputs byte-identical to an uninterrupted run; the checkpoint is
then removed. A checkpoint of a different experiment (other scenario, arms or replications) is
kept, renamed `DIR/.checkpoint-set-aside-N`, with a note saying so; a damaged file in the
checkpoint, or one another run wrote, is refused naming it (docs/robustness.md).

**Measurement window**: the weeks from `simulation.warmup_weeks` to `simulation.weeks`.

"#;

const TAIL: &str = r#"## survival.csv

`event,week,at_risk,events,censored,survival,std_error,ci_low,ci_high`: Kaplan–Meier curves of
time to first proven reoffence (`event = reoffence`, within the follow-up) and time to breach
(`event = breach`), for orders starting in the window, pooled over replications, with Greenwood
standard errors and log(−log) 95% intervals. Definitions in docs/experiments.md.

## compare.csv (sweeps and comparisons)

`arm,reference,metric,reference_mean,arm_mean,difference,ci_low,ci_high,n`: for every arm after
the first and every metric, the mean of the paired differences `arm − reference` over
replications and its 95% t interval. With `--posterior`, `interval_low,interval_high` follow
`n`: the 2.5th and 97.5th percentiles of the paired differences over replications, each
replication's arms on the same posterior particle, so the interval includes the parameters'
uncertainty about the difference (docs/posterior.md).

## cost_effectiveness.csv (sweeps and comparisons)

`arm,reference,measure,extra_cost_per_week,extra_cost_ci_low,extra_cost_ci_high,effect_per_week,
effect_ci_low,effect_ci_high,ratio,ci_low,ci_high,n`: for every arm after the first, what its
extra cost buys, paired by replication. `measure` is `cost_per_extra_completed_order` (effect:
`completions_per_week`, the arm's less the reference's) or `cost_per_proven_reoffence_avoided`
(effect: `proven_reoffences_per_week`, the reference's less the arm's). `extra_cost_per_week` is
the mean paired difference of `cost` with its 95% t interval, `effect_per_week` the same for the
effect, and `ratio` their ratio (£ per extra completed order, £ per proven reoffence avoided)
with Fieller's 95% interval, which is empty when the effect's own interval includes zero (any
ratio then fits). A negative ratio is read with the signs of the two changes: a saving that also
buys more, or a saving that costs outcomes. docs/ODD.md ("The budget") defines the cost.

## Grouping columns (sweeps and comparisons)

Every CSV of a sweep or comparison starts with `arm`, then (sweeps) one column per varied key,
named by its dotted key, holding the key's value at that point. summary.csv has one row per arm
and replication.

## run.json

`casesim_version`, `command`, `scenario_file`, `seed`, `replications`, `threads`,
`wall_time_seconds`, `offender_weeks` (cases present × weeks, over all replications),
`measurement_window_weeks`, and `scenario`: the scenario as resolved (file, defaults and
overrides). `experiment` says what the experiment is — the command, the scenario names and the
`--set` and `--vary` arguments (`run baseline --set workforce.caseload_cap=60`) — and
`settings` lists the `--set` arguments as `key=value`. A run, sweep or comparison into a
directory whose run.json records another experiment is refused (exit 2, nothing changed)
unless given `--replace`; the same experiment run again (another seed, more replications, the
file edited) replaces its own outputs. With `--set` (or `--vary`) and no `--out`, the default
directory carries a label of the settings after a dash (`output/baseline-caseload_cap=60/`),
so it never writes over the scenario's own outputs. For a sweep or comparison: `kind`,
`command`, `common_random_numbers`,
`replications`, `threads`, `wall_time_seconds`, `offender_weeks` and `arms` (label, scenario file,
varied values, seed, measurement window, resolved scenario). `unit` (each arm's, in a sweep or
comparison): what `population.cases_in_force` worked out (`inflow_worked_out`: cases, weeks each
new case is held, inflow, initial cases) and `capacity`, the posts against the caseload the run
measured (cases held or waiting, room under the caps, share of posts vacant, cases waiting,
posts and posts needed at the cap) with a `warning` when cases waited; report.html shows both in
"The unit's caseload". With `--posterior`, `posterior` records the file, the FNV-1a hash of
its bytes (`fnv1a64`), `particles`, `keys` and `particle_by_replication`, the `particle` each
replication ran on, the same in every arm (docs/posterior.md).
run.json is the one output that differs between identical runs (wall time, threads), with report.html, which quotes them.

## Plots

Drawn from the files above (never from memory), so `casesim plot DIR` redraws exactly what the
run drew. Each is written as PNG (1200 px wide or more, for slides) and SVG (for print and the
report), titled, with axis labels and units. Text is set in Noto Sans (SIL Open Font License),
compiled into the binary, so plots draw the same on a machine with no fonts; the PNG is the SVG
rasterised by resvg, whose text shaping (glyph advances and kerning) is a browser's. Colours
are the Okabe–Ito palette (distinguishable with any common colour-vision deficiency). A sweep
of more than eight arms draws, in the survival, reoffending-by-tier and weekly plots, one line
or bar per value of its first setting (the mean of the arms at that value, so averaged over
the other settings), and colours the arms of the headline plot the same way, with a legend;
labels are drawn whole, never cut. The settings and the focus measures are named with the
labels of the parameter and measure tables. A share's axis starts at zero, except in the
main-effects plot, where an axis that does not is marked as cut (a zigzag, and "axis cut").

| file | shows |
|---|---|
| `headline.png/.svg` | sweeps and comparisons only: small multiples of the scenario's focus measures (its `focus` key), then the headline measures (completion, breach, reoffending, recall when present, contacts delivered, needs met, caseload, service wait, cost). When the first varied key is numeric, each measure is drawn against it as a line with its 95% CI band, one line per combination of any other varied keys (one line when they move in step, named on the axis); otherwise each arm is a point with its 95% CI whiskers |
| `main_effects.png/.svg` | sweeps that cross two or more settings only: one column per setting (keys moved in step with a `with` entry are one setting), one row per measure (the focus measures first, six rows at most): the mean at each value of the setting over the arms at that value, so averaged over the other settings, with its 95% CI |
| `survival.png/.svg` | Kaplan–Meier curves from survival.csv, time to first proven reoffence (left) and to breach (right), one step curve per arm with its 95% band |
| `outcomes.png/.svg` | one stacked bar per arm: the `cohort_*` shares (completed, revoked for breach, revoked on a new conviction, recalled, still open; recalled only when someone was sent to custody) |
| `reoffending_by_tier.png/.svg` | grouped bars of `reoffending_rate` by risk tier and arm, with 95% CI whiskers, from by_tier.csv |
| `timeseries.png/.svg` | three panels from timeseries.csv: cases per case manager, cases waiting for allocation, people on service waiting lists, one line per arm, the warm-up shaded |

## report.html

One self-contained page (inline SVG and CSS; no scripts, no fonts or images fetched, no network):

- **What was run**: command, scenario files, arms, whether they shared random numbers,
  replications, seed, weeks and warm-up, run time, version.
- **Settings that differ from the baseline**: every resolved setting (from run.json) whose value
  is not the shipped `scenarios/baseline.toml`'s, and for sweeps and comparisons a table of the
  settings that differ between arms.
- **Main findings** in words, the scenario's `focus` measures (the measures its question is
  about, declared in the scenario) first. A run: each measure with its 95% CI. A sweep along one
  numeric key: the change from the first to the last value ("Raising caseload cap from 40 to 70
  raised proven reoffending within a year by 3.1 points (95% CI +2.4 to +3.8): 33.1% against
  30.0%"), then where each measure is flat and where it is steep ("flat from 12 to 40; rises
  steeply from 50 to 100 (by 4.2 points)"): from the paired difference between each pair of
  neighbouring values, a step is flat when its 95% CI includes zero or its slope is under a
  fifth of the steepest clear step's, steep from half of it, gentle between. A sweep crossing
  two or more settings: each setting's **main effect** — every value of it against its first,
  each averaged over the arms at that value (so over the other settings' values), the
  difference paired replication by replication from summary.csv, with its 95% CI — in words
  for the focus measures and as a table for the others. Otherwise each arm against the first.
  Differences come from compare.csv or summary.csv (paired by replication); one whose CI
  includes zero is reported as "no clear difference".
- **Plots**, each with a caption; **tables** of the headline measures (focus first; a measure
  or a row undefined in every arm, such as recall when no licence ended, is left out) and of
  reoffending by tier per arm; **assumptions and caveats**, naming docs/ODD.md and
  docs/parameters.md. Nothing is linked or loaded from outside the page (the plots are inline
  SVG), so the file works wherever it is copied; the PNG and SVG files beside it are the same
  plots.

## Sensitivity analysis (`casesim sensitivity`)

Written into `output/<scenario name>-sensitivity/` (or `--out DIR`); the methods are in
docs/validation.md ("Sensitivity" and "Global sensitivity"). An index that cannot be computed
(a measure undefined at a point, or one that does not vary over the design) is an empty cell.

| file | holds |
|---|---|
| `sensitivity.csv` | `--method oat` (the default): `key,base,low,high,metric,elasticity,ci_low,ci_high,n`, one row per key and measure |
| `sobol.csv` | `--method sobol`: `key,measure,first_order,first_low,first_high,total,total_low,total_high`, one row per key and measure (`completion_rate`, `breach_rate`, `reoffending_rate`, `needs_met_rate`, `cost`), keys in the order given: the first-order and total Sobol' indices with their 95% percentile bootstrap intervals (500 resamples of the base points) |
| `morris.csv` | `--method morris`: `key,measure,mu_star,mu_star_low,mu_star_high,sigma,mu`: μ* (the mean absolute elementary effect, in the measure's units over the key's whole range) with its 95% bootstrap interval over trajectories, σ (their standard deviation) and μ (their mean) |
| `sobol_MEASURE.png/.svg`, `morris_MEASURE.png/.svg` | one ranked horizontal bar plot per measure: the keys by total index (the first-order index under it) or by μ*, the largest on top, with 95% CI whiskers |
| `report.html` | `sobol` and `morris`: what was run (points, replications), the keys' ranges, the plots and the table of every index, on one self-contained page |

## Calibration (`casesim calibrate`)

Written into `output/<name>-calibration/` (or `--out DIR`); docs/calibration.md explains the
method and how to read each file. A value that cannot be measured is an empty cell.

| file | holds |
|---|---|
| `posterior.csv` | `particle,weight,distance,` then one column per estimated parameter, named by its scenario key: the last generation's particles, `weight` summing to 1, `distance` the root mean square of the fitted targets' standardised differences; an integer key's value is rounded. The file `--posterior` reads (run, sweep, compare; docs/posterior.md): it may also be written by hand or by another tool, as long as it has these three columns first, a positive total weight and only keys of the scenario; anything else is refused naming the line and column |
| `parameters.csv` | `key,prior,default,prior_mean,prior_sd,posterior_mean,posterior_sd,posterior_q05,posterior_median,posterior_q95,shrinkage`: each parameter's prior (as written), its default in the parameter table, the prior's and the posterior's moments (weighted), and 1 − posterior sd / prior sd |
| `fit.csv` | `target,measured,role,observed,standard_error,prior_mean,prior_q05,prior_q95,posterior_mean,posterior_q05,posterior_q95,posterior_z`: each target (`role` `fitted` or `held_out`) beside the model's mean and 90% interval over the prior's and the posterior's particles, and the posterior mean less the observed value in standard errors |
| `generations.csv` | `generation,tolerance,particles,simulations,accepted,acceptance_rate,effective_sample_size,redrawn,simulations_total`: the tolerance (empty for generation 0, drawn from the prior), simulations run and accepted, Kish's effective sample size of the weights, proposals drawn again outside the prior (not simulated), and the running total |
| `calibration.json` | the settings, why the run stopped, generations, simulations, wall time, offender-weeks and offender-weeks a second, and what identifies the calibration (the file's and its scenarios' texts, the version) |
| `marginals`, `pairs`, `fit`, `generations` `.png/.svg` | each parameter's posterior over its prior; the posterior two parameters at a time; each target in its standard errors; tolerance and acceptance by generation |
| `report.html` | the fit, the parameters and the generations as tables, and the plots, on one self-contained page |

"#;

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The whole of `docs/outputs.md`.
pub fn outputs_md() -> String {
    let mut out = String::from(HEAD);
    out.push_str(
        "## summary.csv\n\nOne row per replication (`replication` = 0, 1, ...), then one \
         column per measure. A rate is a fraction from 0 to 1. \"By tier\" marks the case \
         measures, which by_tier.csv and by_disposal.csv also give within each group.\n\n\
         | column | unit | by tier | meaning | computed as |\n|---|---|---|---|---|\n",
    );
    for m in MEASURES {
        let by_tier = if m.scope == Scope::Case { "yes" } else { "" };
        let _ = writeln!(
            out,
            "| `{}` | {} | {by_tier} | {} | {} |",
            m.name,
            cell(&m.unit.words()),
            cell(&m.meaning_text()),
            cell(m.formula)
        );
    }
    let case: Vec<String> = Metrics::case_measures()
        .map(|(_, m)| format!("`{}`", m.name))
        .collect();
    let _ = write!(
        out,
        "\n## stats.csv\n\n`metric,mean,ci_low,ci_high,n`: for each column of summary.csv, the \
         mean over replications and its 95% confidence interval, mean ± t(0.975, n−1)·sd/√n, cut \
         to the values the measure can take: no measure is negative and a share or score is at \
         most 1, so an end beyond that (weeks unallocated, mostly 0 with a few long waits, has \
         a symmetric interval reaching below 0) is set to the bound. The cut keeps the t \
         interval everywhere else; a bootstrap or log-scale interval would respect the bound \
         without it but would change every interval. \
         `n` counts the replications in which the metric was defined; with n = 1 the interval is \
         empty. With `--posterior FILE`, `interval_low,interval_high` follow `n`: the 2.5th and \
         97.5th percentiles (type 7) of the replications' values, each replication run on a \
         particle drawn from the posterior, so the interval includes parameter uncertainty as \
         well as the luck of the draw, while `ci_low,ci_high` stay the Monte Carlo error of the \
         mean (docs/posterior.md). Without it the columns are absent.\n\n## by_tier.csv\n\n`tier,metric,mean,ci_low,ci_high,n`: as stats.csv, for the \
         case measures within each risk tier: {}.\n\n## by_disposal.csv\n\n\
         `disposal,metric,mean,ci_low,ci_high,n`: the same measures as by_tier.csv for community \
         orders (`community`) and custodial sentences (`custody`) apart. For custodial sentences \
         `reoffending_rate` counts from release, the order-outcome rates are empty and \
         `recall_rate` is their counterpart. `report.html` sets the two side by side when anyone \
         was released.\n\n## recalls.csv\n\n\
         `reason,metric,mean,ci_low,ci_high,n`: recalls to custody made in the measurement \
         window, from every licence (mean over replications and 95% CI, as stats.csv). \
         `reason` is `all` (every recall), one of the reasons a recall cites as the Ministry \
         of Justice's Offender Management Statistics record them — `further_charge` (a proven \
         offence that week), `failure_to_keep_in_touch` (whereabouts unknown), \
         `non_compliance` (failures to comply enforced), `failure_to_reside` (the approved \
         address lost and found out), `drugs_or_alcohol` (a relapse the supervisor found) — or the type of \
         recall, `fixed_term` (`custody.fixed_term_weeks`; never with a further charge) or \
         `standard` (`custody.recall_weeks`). `metric` is `recalls` (recalls in the window, \
         per replication), `recalls_per_week` (the same a week of the window) or `share` (of \
         all recalls; not given for `all`). One recall may cite several reasons and counts \
         under each, so the reasons' `recalls` sum to at least `all` and their shares to 1 or \
         more; `fixed_term` and `standard` split `all`, and `fixed_term`'s share is \
         `recall_fixed_term_share` of stats.csv, `all`'s `recalls_per_week` its \
         `recalls_per_week`. With nobody on licence (the shipped baseline has no custody) \
         the file is still written: the counts are 0 and the shares empty (undefined), as \
         by_disposal.csv leaves custody's rates empty.\n\n{groups}## timeseries.csv\n\nOne row per week (including the warm-up), each \
         column the mean over replications of that week's value. Staff columns are of paid \
         staff; volunteers are counted apart.\n\n| column | unit | meaning |\n|---|---|---|\n\
         | `week` | week | the week, from 0 |\n",
        case.join(", "),
        groups = groups_md(),
    );
    for c in COLUMNS {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            c.name,
            cell(&c.unit.words()),
            cell(c.meaning)
        );
    }
    out.push('\n');
    out.push_str(CASES_HEAD);
    for (name, kind, meaning) in CASE_COLUMNS {
        let _ = writeln!(out, "| `{name}` | {} | {} |", cell(kind), cell(meaning));
    }
    out.push_str(CASES_TAIL);
    out.push_str(TAIL);
    out
}

/// The sections of `by_need.csv` and `by_offence.csv`, from their measure table.
fn groups_md() -> String {
    let mut out = String::from(
        "## by_need.csv\n\n`need,metric,mean,ci_low,ci_high,n`: the outcomes of the sentences \
         that ended in the measurement window (community orders terminated and licences ended), \
         by the case's primary need: its most severe need at the start (the first of equals in \
         the order `drugs`, `alcohol`, `mental_health`, `accommodation`, `employment`, \
         `family`, `thinking`), or `none` for a case that started with no need. Each sentence \
         counts once, when it ends, with what became of its needs and the referrals it had; its \
         follow-up counts when it ends, as `reoffending_rate` counts it. The groups' counts sum \
         to the totals of summary.csv (`cases` to `orders_terminated` + `licences_ended`, \
         `followed_up` to `cohort_followed_up`). Mean over replications and 95% CI, as \
         stats.csv; a count is per replication. It answers whether specialising by need (need \
         streaming, `organisation.specialist_effect`) or more of a service helps the people \
         with that need; `report.html` shows it where the arms differ in streaming or \
         services.\n\n| metric | unit | meaning |\n|---|---|---|\n",
    );
    for m in crate::metrics::GROUP_MEASURES {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            m.name,
            cell(&m.unit.words()),
            cell(&m.meaning.split_whitespace().collect::<Vec<_>>().join(" "))
        );
    }
    out.push_str(
        "\n## by_offence.csv\n\n`offence,metric,mean,ci_low,ci_high,n`: the same measures by \
         principal offence (`violent`, `sexual`, `acquisitive`, `drug`, `other`).\n\n",
    );
    out
}

const CASES_HEAD: &str = r#"## cases.csv (with `--cases PATH`)

`casesim run|sweep|compare ... --cases PATH` writes one row per case per replication (and per
arm), every case that was under supervision at any time in the run, to PATH (gzip when PATH
ends in `.gz`; pandas and R read either directly). The first columns are `arm` (the run's
scenario name, or the arm's label) and `replication`. Without `--cases` nothing is collected
and the run is as fast as before. For research on cases sentenced in the run, leave out
`initial_caseload = true` (their sentences started before the simulation, so their early weeks
are unobserved); for outcomes over a full follow-up, keep rows with
`follow_up_weeks_observed` equal to `simulation.follow_up_weeks` or treat the rest as
censored. Examples that read, model and plot it are in docs/cases.md. Empty cells are
undefined values, never NaN.

| column | type | meaning |
|---|---|---|
"#;

const CASES_TAIL: &str = r#"
## timeseries_by_replication.csv (with `--cases`)

`arm,replication,week`, then the columns of timeseries.csv: the weekly series of every
replication, not only their mean, written to the output directory beside timeseries.csv.

"#;
