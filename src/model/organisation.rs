//! How responsibility for cases is organised (DOMICE 2011a, 2011b): which posts exist and what
//! work they do, who a case is allocated to, and what a change of responsible person (a
//! handoff) costs.
//!
//! - **Streaming** divides the work. `generic` (patch) posts take every case from their patch at
//!   every stage, so the report writer supervises the order. `task` splits report writers from
//!   supervising case managers (vertical segmentation): a handoff at sentence; with custody,
//!   through-the-gate work before release and licence supervision are two more functions, so a
//!   handoff at release too. `risk`,
//!   `offence` and `need` make supervising case managers specialists in one type of case,
//!   across patches, after a report written by the patch's report writers; under `need`, a
//!   review that finds a different most severe need moves the case to that need's specialist.
//! - **Grades**: cases at or above `workforce.qualified_from_tier` go to qualified staff only;
//!   the others go to the lower grade first. Volunteers take low-risk orders before staff do.
//! - **Teams** (`team` and `hybrid` approaches): besides its lead (who holds the case), an order
//!   has `team.size - 1` members from the posts that could supervise it, on fewest teams
//!   first. A member who leaves is replaced at the next allocation.
//! - **Cover groups** (individual approach): small groups of case managers who take an absent
//!   colleague's contacts from their spare hours (see `workload`) and a leaver's cases first.
//!
//! Posts are divided between functions, and specialists between types, by the work each is
//! expected to have, estimated from the scenario's population before the run: first enough
//! posts to hold the expected cases under the cap with 10% to spare, then the rest in
//! proportion to the expected hours (an assumption: services divide staff by workload).
//! A case arriving when no eligible post has room waits unallocated, with administrative
//! processing only (no contact, no assessment, no enforcement).

use rand_pcg::Pcg32;
use statrs::distribution::{ContinuousCDF, Normal};

use crate::model::custody::{Sentencer, wants_case_manager};
use crate::model::journey::{Disposal, Stage};
use crate::model::offender::{Need, Offender, OffenderFactory, RiskTier};
use crate::model::workforce::{
    CaseManager, Function, Grade, ManagerId, NO_GROUP, NO_SPECIALISM, StaffEventRates, StaffStatus,
    vacancy,
};
use crate::rng::{Decision, Draws, Entity};
use crate::scenario::unit::PostWork;
use crate::scenario::{Approach, PostGrade, PostRow, Scenario, Streaming};

/// Why a case changed hands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandoffCause {
    /// A change of stage handed to other staff (task and type streaming at sentence).
    StageChange,
    /// The case manager left the post.
    StaffLeft,
    /// The case's type changed, so it moved to another specialist (need streaming).
    TypeChange,
}

impl HandoffCause {
    pub const COUNT: usize = 3;
}

/// A case's type under a streaming: its tier, offence, or most severe need now.
pub fn case_type(o: &Offender, streaming: Streaming) -> usize {
    match streaming {
        Streaming::Generic | Streaming::Task => 0,
        Streaming::Risk => o.risk.index(),
        Streaming::Offence => o.offence as usize,
        Streaming::Need => o.needs.most_severe().map_or(Need::COUNT, |n| n as usize),
    }
}

/// Whether a case must go to qualified staff.
pub fn is_complex(o: &Offender, s: &Scenario) -> bool {
    o.risk >= s.workforce.qualified_from_tier
}

/// What a function or type of case is expected to need: its cases in force at a time, and its
/// hours a week.
struct ExpectedWork {
    /// Arrivals a week, and the mean length of their sentences (orders, or custody and
    /// licence together), in weeks.
    arrivals: f64,
    sentence_weeks: f64,
    reports: Work,
    supervision_by_type: Vec<Work>,
    /// Through-the-gate work before release, and licence supervision.
    custody: Work,
    licence: Work,
}

#[derive(Clone, Copy, Default)]
struct Work {
    cases: f64,
    hours: f64,
}

/// Estimates the work from a fixed sample of the scenario's population (the same for every
/// replication, so the establishment does not vary between replications), scaled to the
/// steady state: arrivals a week times weeks on the order (or the initial caseload if there
/// is no inflow).
fn expected_work(s: &Scenario) -> ExpectedWork {
    const SAMPLE: usize = 4_000;
    let sup = &s.supervision;
    let mut factory = OffenderFactory::new(&s.population);
    let mut rng = Pcg32::new(0x0e57_ab11_5e55, 0);
    let types = s.organisation.streaming.type_count();
    let mut by_type = vec![Work::default(); types];
    let (mut custody, mut licence) = (Work::default(), Work::default());
    let task = s.organisation.streaming == Streaming::Task;
    let sentencer = Sentencer::new(s);
    let c = &s.custody;
    let mut mean_weeks = 0.0;
    let mut sentence_weeks = 0.0;
    for _ in 0..SAMPLE {
        let mut o = factory.draw(&mut rng, 0, false);
        sentencer.sentence(&mut o, 0, false, c);
        sentence_weeks +=
            f64::from(o.journey.order_due_end - o.journey.order_start) / SAMPLE as f64;
        let mode = s.modes.for_tier(o.risk);
        let interval = f64::from(mode.contact_interval_weeks);
        let supervision_hours = |weeks: f64| {
            weeks
                * (mode.hours_per_contact / interval
                    + sup.review_hours / f64::from(sup.review_interval_weeks))
        };
        let plan = sup.assessment_hours + sup.planning_hours;
        let t = case_type(&o, s.organisation.streaming);
        let weeks = if o.journey.disposal == Disposal::Custody {
            let inside = f64::from(o.journey.release_due - o.journey.order_start);
            let outside = f64::from(o.journey.order_due_end - o.journey.release_due);
            let engaged = if c.through_the_gate {
                inside.min(f64::from(c.engage_weeks_before_release))
            } else {
                0.0
            };
            if engaged > 0.0 {
                let w = if task { &mut custody } else { &mut by_type[t] };
                w.cases += engaged;
                w.hours += plan
                    + engaged * c.prison_visit_hours / f64::from(c.prison_visit_interval_weeks);
            }
            let w = if task { &mut licence } else { &mut by_type[t] };
            w.cases += outside;
            w.hours += supervision_hours(outside) + if engaged > 0.0 { 0.0 } else { plan };
            outside + engaged
        } else {
            let weeks = f64::from(o.journey.order_due_end - o.journey.order_start);
            let w = &mut by_type[t];
            w.cases += weeks;
            w.hours += plan + supervision_hours(weeks);
            weeks
        };
        mean_weeks += weeks / SAMPLE as f64;
    }
    let pop = &s.population;
    let arrivals = if pop.inflow_per_week > 0.0 {
        pop.inflow_per_week
    } else {
        f64::from(pop.initial_cases) / mean_weeks.max(1.0)
    };
    // Per sampled case, times arrivals a week: cases in force and hours a week.
    let scale = arrivals / SAMPLE as f64;
    let r = &s.reports;
    ExpectedWork {
        arrivals,
        sentence_weeks,
        reports: Work {
            cases: arrivals * r.share * f64::from(r.weeks),
            hours: arrivals * r.share * r.hours,
        },
        supervision_by_type: by_type
            .into_iter()
            .map(|t| Work {
                cases: t.cases * scale,
                hours: t.hours * scale,
            })
            .collect(),
        custody: Work {
            cases: custody.cases * scale,
            hours: custody.hours * scale,
        },
        licence: Work {
            cases: licence.cases * scale,
            hours: licence.hours * scale,
        },
    }
}

/// The caseload a scenario's population is expected to put on case managers' books in the
/// steady state (estimated as the posts are divided: see [`Establishment::establish`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExpectedCaseload {
    /// New cases a week.
    pub arrivals: f64,
    /// Cases held at a time: reports in preparation, orders, licences, and prisoners held
    /// through the gate.
    pub held: f64,
    /// Weeks each arrival is held, on average (`held / arrivals`).
    pub weeks_held_per_case: f64,
    /// Mean length of a sentence (an order, or custody and licence together), in weeks:
    /// sentences in force are `arrivals` times it.
    pub sentence_weeks_per_case: f64,
}

/// The expected caseload of a scenario, and of each of its new cases.
pub fn expected_caseload(s: &Scenario) -> ExpectedCaseload {
    let e = expected_work(s);
    let held = e.reports.cases
        + e.supervision_by_type.iter().map(|w| w.cases).sum::<f64>()
        + e.custody.cases
        + e.licence.cases;
    ExpectedCaseload {
        arrivals: e.arrivals,
        held,
        weeks_held_per_case: if e.arrivals > 0.0 {
            held / e.arrivals
        } else {
            0.0
        },
        sentence_weeks_per_case: e.sentence_weeks,
    }
}

/// Room to spare under the cap when posts are first given for the cases: 10% (assumption).
const CASE_HEADROOM: f64 = 1.1;

/// Divides `total` posts among parts: each first gets the posts its expected cases need under
/// its posts' cap (`caps[i]`, or the last of `caps`) with 10% headroom (at least `minimum`),
/// and the posts left follow the expected hours. If there are too few posts even for the
/// cases, they follow the cases.
fn divide_posts(total: usize, parts: &[Work], caps: &[u32], minimum: usize) -> Vec<usize> {
    let for_cases: Vec<usize> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let cap = caps[i.min(caps.len() - 1)];
            if p.cases > 0.0 {
                ((p.cases * CASE_HEADROOM / f64::from(cap)).ceil() as usize).max(minimum)
            } else {
                0
            }
        })
        .collect();
    let needed: usize = for_cases.iter().sum();
    if needed > total {
        let cases: Vec<f64> = parts.iter().map(|p| p.cases).collect();
        return apportion(total, &cases, minimum);
    }
    let hours: Vec<f64> = parts.iter().map(|p| p.hours).collect();
    let rest = apportion(total - needed, &hours, 0);
    for_cases.iter().zip(rest).map(|(a, b)| a + b).collect()
}

/// Splits `total` into whole parts in proportion to `weights` (largest remainders), giving
/// every part with a positive weight at least `minimum` while the total allows.
fn apportion(total: usize, weights: &[f64], minimum: usize) -> Vec<usize> {
    let sum: f64 = weights.iter().sum();
    let positive = weights.iter().filter(|w| **w > 0.0).count();
    let floor = if total >= minimum * positive {
        minimum
    } else {
        0
    };
    let mut parts: Vec<usize> = weights
        .iter()
        .map(|w| if *w > 0.0 { floor } else { 0 })
        .collect();
    let rest = total - parts.iter().sum::<usize>();
    if sum <= 0.0 || rest == 0 {
        if sum <= 0.0 && !parts.is_empty() {
            parts[0] += rest;
        }
        return parts;
    }
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * rest as f64).collect();
    for (p, e) in parts.iter_mut().zip(&exact) {
        *p += e.floor() as usize;
    }
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut left = total - parts.iter().sum::<usize>();
    for i in order {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
}

/// The pools of an establishment, before its cover groups.
struct Pools {
    pools: Vec<Vec<ManagerId>>,
    report_pool: Vec<usize>,
    supervision_pool: Vec<usize>,
    custody_pool: Vec<usize>,
    licence_pool: Vec<usize>,
    volunteer_pool: Vec<Option<usize>>,
}

/// The posts and the pools cases are allocated from.
pub struct Establishment {
    /// Each pool's posts, in post order.
    pools: Vec<Vec<ManagerId>>,
    /// The pool writing reports for each patch.
    report_pool: Vec<usize>,
    /// The pool supervising each (patch, type): index `patch * types + type`.
    supervision_pool: Vec<usize>,
    /// The pools holding cases in custody (through the gate) and on licence, indexed alike (the
    /// supervising pools except under task streaming).
    custody_pool: Vec<usize>,
    licence_pool: Vec<usize>,
    types: usize,
    /// The volunteers of each patch, if any.
    volunteer_pool: Vec<Option<usize>>,
    /// The members of each cover group.
    pub cover_groups: Vec<Vec<ManagerId>>,
    streaming: Streaming,
}

/// Draws a post-holder's personal weights for cutting contact under discretion.
pub fn discretion_weights(spread: f64, draws: &Draws, week: i32) -> [f64; RiskTier::COUNT] {
    let normal = Normal::standard();
    std::array::from_fn(|t| {
        // A standard normal from the post's number for this tier, by the inverse of its CDF
        // (kept off 0 and 1, where the inverse is infinite).
        let u = draws
            .uniform(week, Decision::Discretion, t as u32)
            .clamp(1e-12, 1.0 - 1e-12);
        (spread * normal.inverse_cdf(u)).exp()
    })
}

impl Establishment {
    /// Creates the posts of a scenario and the pools they serve; each post gets its own random
    /// numbers in replication `replication` under `seed`, and its first holder's discretion
    /// weights.
    pub fn establish(
        s: &Scenario,
        seed: u64,
        replication: u32,
    ) -> (Vec<CaseManager>, Establishment) {
        if let Some(rows) = &s.unit.posts {
            return Self::from_posts(s, rows, seed, replication);
        }
        let w = &s.workforce;
        let patches = usize::from(s.population.patches);
        let streaming = s.organisation.streaming;
        let staff = w.case_managers as usize;
        let expected = expected_work(s);

        let mut managers: Vec<CaseManager> = Vec::with_capacity(staff + w.volunteers as usize);
        let mut pools: Vec<Vec<ManagerId>> = Vec::new();
        let mut add_pool = |posts: Vec<CaseManager>, managers: &mut Vec<CaseManager>| {
            let ids = (managers.len()..managers.len() + posts.len())
                .map(ManagerId::new)
                .collect();
            managers.extend(posts);
            pools.push(ids);
            pools.len() - 1
        };
        let specialist_cap = w.specialist_cap();
        let post = |patch: usize, function: Function, specialism: u8| {
            let mut m = CaseManager::new(patch as u16);
            m.function = function;
            m.specialism = specialism;
            m.cap = if specialism == NO_SPECIALISM {
                w.caseload_cap
            } else {
                specialist_cap
            };
            m.weekly_hours = w.hours_per_week;
            m
        };
        // Posts of one kind spread round-robin over the patches: counts per patch.
        let per_patch = |n: usize| -> Vec<usize> {
            (0..patches)
                .map(|p| n / patches + usize::from(p < n % patches))
                .collect()
        };

        // Generic, report-writing or supervising posts, `n` spread over the patches: a pool each.
        let mut patch_pools = |n: usize, function: Function, managers: &mut Vec<CaseManager>| {
            per_patch(n)
                .iter()
                .enumerate()
                .map(|(p, &k)| {
                    add_pool(
                        (0..k).map(|_| post(p, function, NO_SPECIALISM)).collect(),
                        managers,
                    )
                })
                .collect::<Vec<usize>>()
        };
        let report_pool: Vec<usize>;
        let supervision_pool: Vec<usize>;
        let custody_pool: Vec<usize>;
        let licence_pool: Vec<usize>;
        match streaming {
            Streaming::Generic => {
                report_pool = patch_pools(staff, Function::All, &mut managers);
                supervision_pool = report_pool.clone();
                custody_pool = report_pool.clone();
                licence_pool = report_pool.clone();
            }
            _ => {
                let supervision =
                    expected
                        .supervision_by_type
                        .iter()
                        .fold(Work::default(), |a, t| Work {
                            cases: a.cases + t.cases,
                            hours: a.hours + t.hours,
                        });
                let reports = if s.reports.share > 0.0 {
                    expected.reports
                } else {
                    Work::default()
                };
                // Under task streaming, through-the-gate work and licences are functions of
                // their own (empty without custody).
                let parts = if streaming == Streaming::Task {
                    vec![reports, supervision, expected.custody, expected.licence]
                } else {
                    vec![reports, supervision]
                };
                // Under type streaming the supervising posts are specialists, with their cap.
                let caps: Vec<u32> = (0..parts.len())
                    .map(|i| {
                        if i == 1 && streaming.by_type() {
                            specialist_cap
                        } else {
                            w.caseload_cap
                        }
                    })
                    .collect();
                let mut split = divide_posts(staff, &parts, &caps, 1);
                // A post of every function with work in every patch, while the posts allow.
                for i in 0..parts.len() {
                    if parts[i].cases <= 0.0 || split[i] >= patches {
                        continue;
                    }
                    let largest = (0..parts.len())
                        .max_by_key(|&j| (split[j], std::cmp::Reverse(j)))
                        .expect("parts");
                    let moved = (patches - split[i]).min(split[largest].saturating_sub(patches));
                    split[largest] -= moved;
                    split[i] += moved;
                }
                report_pool = patch_pools(split[0], Function::Reports, &mut managers);
                if streaming == Streaming::Task {
                    supervision_pool = patch_pools(split[1], Function::Supervision, &mut managers);
                    custody_pool = patch_pools(split[2], Function::Custody, &mut managers);
                    licence_pool = patch_pools(split[3], Function::Licence, &mut managers);
                } else {
                    // Specialists serve every patch; a post's patch only spreads them.
                    let counts = divide_posts(
                        split[1],
                        &expected.supervision_by_type,
                        &[specialist_cap],
                        1,
                    );
                    let type_pools: Vec<usize> = counts
                        .iter()
                        .enumerate()
                        .map(|(t, &n)| {
                            add_pool(
                                (0..n)
                                    .map(|i| post(i % patches, Function::Supervision, t as u8))
                                    .collect(),
                                &mut managers,
                            )
                        })
                        .collect();
                    supervision_pool = (0..patches)
                        .flat_map(|_| type_pools.iter().copied())
                        .collect();
                    custody_pool = supervision_pool.clone();
                    licence_pool = supervision_pool.clone();
                }
            }
        }

        // Volunteers, spread over the patches.
        let volunteer_pool: Vec<Option<usize>> = per_patch(w.volunteers as usize)
            .iter()
            .enumerate()
            .map(|(p, &n)| {
                (n > 0).then(|| {
                    let posts = (0..n)
                        .map(|_| {
                            let mut m = post(p, Function::Supervision, NO_SPECIALISM);
                            m.grade = Grade::Volunteer;
                            m.cap = w.volunteer_caseload_cap;
                            m.weekly_hours = w.volunteer_hours_per_week;
                            m
                        })
                        .collect();
                    add_pool(posts, &mut managers)
                })
            })
            .collect();

        // Grades: within each pool, qualified posts spread evenly, the first always qualified;
        // under risk streaming, the pools of the tiers reserved for qualified staff are all
        // qualified.
        for (p, ids) in pools.iter().enumerate() {
            if volunteer_pool.contains(&Some(p)) {
                continue;
            }
            let reserved = streaming == Streaming::Risk
                && ids.first().is_some_and(|id| {
                    let m = &managers[id.index().expect("real post")];
                    m.function == Function::Supervision
                        && usize::from(m.specialism) >= w.qualified_from_tier.index()
                })
                && !report_pool.contains(&p);
            let q = w.qualified_share;
            for (k, id) in ids.iter().enumerate() {
                let qualified = reserved || (q * (k + 1) as f64).ceil() > (q * k as f64).ceil();
                managers[id.index().expect("real post")].grade = if qualified {
                    Grade::Qualified
                } else {
                    Grade::Assistant
                };
            }
        }

        Self::finish(
            s,
            managers,
            Pools {
                pools,
                report_pool,
                supervision_pool,
                custody_pool,
                licence_pool,
                volunteer_pool,
            },
            seed,
            replication,
        )
    }

    /// Cover groups among each pool's posts, and each post's own random numbers and first
    /// holder.
    fn finish(
        s: &Scenario,
        mut managers: Vec<CaseManager>,
        p: Pools,
        seed: u64,
        replication: u32,
    ) -> (Vec<CaseManager>, Establishment) {
        let Pools {
            pools,
            report_pool,
            supervision_pool,
            custody_pool,
            licence_pool,
            volunteer_pool,
        } = p;
        let streaming = s.organisation.streaming;
        let types = streaming.type_count();
        // Cover groups: consecutive posts of a pool.
        let mut cover_groups = Vec::new();
        let size = s.organisation.cover_group_size as usize;
        if size > 1 {
            for (p, ids) in pools.iter().enumerate() {
                if volunteer_pool.contains(&Some(p)) {
                    continue;
                }
                for chunk in ids.chunks(size) {
                    let g = cover_groups.len() as u32;
                    for id in chunk {
                        managers[id.index().expect("real post")].cover_group = g;
                    }
                    cover_groups.push(chunk.to_vec());
                }
            }
        }

        for (i, m) in managers.iter_mut().enumerate() {
            m.draws = Draws::new(seed, replication, Entity::Post, i as u64);
            m.discretion = discretion_weights(s.organisation.discretion_spread, &m.draws, 0);
            // The holders in post at the start have served for up to three times the weeks
            // to full experience.
            let served = m.draws.uniform(0, Decision::Training, 1);
            m.new_holder(0, &s.practice);
            m.started = -(served * 3.0 * f64::from(s.practice.experience_weeks)) as i32;
        }
        let establishment = Establishment {
            pools,
            report_pool,
            supervision_pool,
            custody_pool,
            licence_pool,
            types,
            volunteer_pool,
            cover_groups,
            streaming,
        };
        (managers, establishment)
    }

    /// The planner's own posts (`workforce.posts`): each row's grade, hours, patch, cap and
    /// work, in pools as [`Establishment::establish`] makes them (a pool per patch for each
    /// function; under type streaming a pool per type, serving every patch). A row that says
    /// whether its holder is trained, or that the post is vacant at the start, overrides the
    /// post's own draw.
    fn from_posts(
        s: &Scenario,
        rows: &[PostRow],
        seed: u64,
        replication: u32,
    ) -> (Vec<CaseManager>, Establishment) {
        let w = &s.workforce;
        let patches = usize::from(s.population.patches);
        let streaming = s.organisation.streaming;
        let types = streaming.type_count();
        let mut managers = Vec::with_capacity(rows.len());
        let mut pools: Vec<Vec<ManagerId>> = Vec::new();
        // `n` new pools, empty: their indices.
        let mut new_pools = |n: usize| -> Vec<usize> {
            let first = pools.len();
            pools.resize(first + n, Vec::new());
            (first..first + n).collect()
        };
        let report_pool = new_pools(patches);
        let (supervision_pool, custody_pool, licence_pool, type_pools) = match streaming {
            Streaming::Generic => (
                report_pool.clone(),
                report_pool.clone(),
                report_pool.clone(),
                Vec::new(),
            ),
            Streaming::Task => (
                new_pools(patches),
                new_pools(patches),
                new_pools(patches),
                Vec::new(),
            ),
            _ => {
                // Specialists serve every patch: the pool of (patch, type) is the type's.
                let type_pools = new_pools(types);
                let by_patch: Vec<usize> = (0..patches)
                    .flat_map(|_| type_pools.iter().copied())
                    .collect();
                (by_patch.clone(), by_patch.clone(), by_patch, type_pools)
            }
        };
        let volunteer_pools = new_pools(patches);
        let mut has_volunteers = vec![false; patches];
        for (i, row) in rows.iter().enumerate() {
            let patch = usize::from(row.patch - 1);
            let work = row
                .work(streaming)
                .expect("validated when the file was read");
            let mut m = CaseManager::new(patch as u16);
            m.weekly_hours = row.hours;
            m.cap = w.caseload_cap;
            m.grade = match row.grade {
                PostGrade::Qualified => Grade::Qualified,
                PostGrade::Assistant => Grade::Assistant,
                PostGrade::Volunteer => Grade::Volunteer,
            };
            let pool = match (row.grade, work) {
                (PostGrade::Volunteer, _) => {
                    m.function = Function::Supervision;
                    m.cap = w.volunteer_caseload_cap;
                    has_volunteers[patch] = true;
                    volunteer_pools[patch]
                }
                (_, PostWork::All) => report_pool[patch],
                (_, PostWork::Reports) => {
                    m.function = Function::Reports;
                    report_pool[patch]
                }
                (_, PostWork::Supervision) => {
                    m.function = Function::Supervision;
                    supervision_pool[patch]
                }
                (_, PostWork::Custody) => {
                    m.function = Function::Custody;
                    custody_pool[patch]
                }
                (_, PostWork::Licence) => {
                    m.function = Function::Licence;
                    licence_pool[patch]
                }
                (_, PostWork::Type(t)) => {
                    m.function = Function::Supervision;
                    m.specialism = t as u8;
                    m.cap = w.specialist_cap();
                    type_pools[t]
                }
            };
            if let Some(cap) = row.cap {
                m.cap = cap;
            }
            pools[pool].push(ManagerId::new(i));
            managers.push(m);
        }
        let volunteer_pool = volunteer_pools
            .iter()
            .zip(&has_volunteers)
            .map(|(&p, &any)| any.then_some(p))
            .collect();
        let (mut managers, establishment) = Self::finish(
            s,
            managers,
            Pools {
                pools,
                report_pool,
                supervision_pool,
                custody_pool,
                licence_pool,
                volunteer_pool,
            },
            seed,
            replication,
        );
        for (m, row) in managers.iter_mut().zip(rows) {
            if let Some(trained) = row.trained {
                m.trained = trained;
            }
            if row.vacant == Some(true) {
                m.status = vacancy(0, &StaffEventRates::new(w));
            }
        }
        (managers, establishment)
    }

    /// The least-loaded eligible post with room among `candidates`: for a complex case a
    /// qualified one; otherwise the lower grade first. Ties go to the earlier post. Absent case
    /// managers still receive cases: allocation does not wait for their return.
    fn least_loaded<'a>(
        candidates: impl IntoIterator<Item = &'a ManagerId>,
        managers: &[CaseManager],
        complex: bool,
    ) -> Option<ManagerId> {
        let mut best: [Option<(u32, ManagerId)>; 2] = [None, None];
        for &id in candidates {
            let m = &managers[id.index().expect("pools hold real posts")];
            if !m.can_take(complex) {
                continue;
            }
            let slot = usize::from(m.grade == Grade::Qualified);
            if best[slot].is_none_or(|(load, _)| m.caseload < load) {
                best[slot] = Some((m.caseload, id));
            }
        }
        best[0].or(best[1]).map(|(_, id)| id)
    }

    /// Who should take a waiting case now, if anyone has room.
    pub fn choose(
        &self,
        o: &Offender,
        managers: &[CaseManager],
        s: &Scenario,
    ) -> Option<ManagerId> {
        let complex = is_complex(o, s);
        let patch = usize::from(o.patch);
        if o.journey.stage == Stage::PreSentence {
            return Self::least_loaded(&self.pools[self.report_pool[patch]], managers, complex);
        }
        if o.supervision.cover_hint != NO_GROUP {
            let group = &self.cover_groups[o.supervision.cover_hint as usize];
            let fits = |id: &&ManagerId| self.fits(o, &managers[id.index().expect("real post")]);
            if let Some(id) = Self::least_loaded(group.iter().filter(fits), managers, complex) {
                return Some(id);
            }
        }
        if o.risk <= s.workforce.volunteer_highest_tier && o.journey.stage == Stage::Order {
            if let Some(pool) = self.volunteer_pool[patch] {
                if let Some(id) = Self::least_loaded(&self.pools[pool], managers, false) {
                    return Some(id);
                }
            }
        }
        Self::least_loaded(&self.pools[self.pool_for(o)], managers, complex)
    }

    /// The pool that holds a case at its stage (after sentence) and type.
    fn pool_for(&self, o: &Offender) -> usize {
        let i = usize::from(o.patch) * self.types + case_type(o, self.streaming);
        match o.journey.stage {
            Stage::Custody => self.custody_pool[i],
            Stage::Licence => self.licence_pool[i],
            _ => self.supervision_pool[i],
        }
    }

    /// Re-divides the specialist posts between types as demand has moved (type streaming, every
    /// `organisation.redivision_interval_weeks`): while a type has cases waiting for a case
    /// manager beyond the room its posts have, a post moves to it from the type with most room
    /// to spare, as long as that type keeps room for its own waiting cases and at least one
    /// post. The post moved is the one with most room among those that may hold the receiving
    /// type's cases (qualified for a tier reserved for qualified staff). It keeps the cases it
    /// holds while their type stays ([`Establishment::still_fits`]); its holder is trained in the new
    /// type with the chance `practice.specialist_trained_share`. Returns the posts moved.
    pub fn redivide(
        &mut self,
        cases: &[Offender],
        managers: &mut [CaseManager],
        s: &Scenario,
        week: i32,
    ) -> u32 {
        if !self.streaming.by_type() || self.types < 2 {
            return 0;
        }
        // Under type streaming each type has one pool, serving every patch.
        let type_pool: Vec<usize> = self.supervision_pool[..self.types].to_vec();
        let mut waiting = vec![0i64; self.types];
        for o in cases.iter().filter(|o| !o.removed) {
            if !o.is_allocated()
                && o.journey.stage != Stage::PreSentence
                && wants_case_manager(o, s, week)
            {
                waiting[case_type(o, self.streaming)] += 1;
            }
        }
        let post_room = |m: &CaseManager| -> i64 {
            if m.in_post() {
                i64::from(m.cap.saturating_sub(m.caseload))
            } else {
                0
            }
        };
        let mut room: Vec<i64> = type_pool
            .iter()
            .map(|&p| {
                self.pools[p]
                    .iter()
                    .map(|id| post_room(&managers[id.index().expect("real post")]))
                    .sum()
            })
            .collect();
        let qualified_only = |t: usize| {
            self.streaming == Streaming::Risk && t >= s.workforce.qualified_from_tier.index()
        };
        let mut moved = 0;
        // Each move fills one post's room, so there are at most as many moves as posts.
        let posts: usize = type_pool.iter().map(|&p| self.pools[p].len()).sum();
        for _ in 0..posts {
            // The type short of most room for its waiting cases.
            let Some(to) = (0..self.types)
                .filter(|&t| waiting[t] > room[t])
                .max_by_key(|&t| (waiting[t] - room[t], std::cmp::Reverse(t)))
            else {
                break;
            };
            // The post with most room, from a type that can spare it.
            let mut best: Option<(i64, usize, usize)> = None;
            for from in (0..self.types).filter(|&t| t != to) {
                let pool = &self.pools[type_pool[from]];
                if pool.len() < 2 {
                    continue;
                }
                for (k, id) in pool.iter().enumerate() {
                    let m = &managers[id.index().expect("real post")];
                    let r = post_room(m);
                    let spare = room[from] - waiting[from] - r;
                    let eligible = !qualified_only(to) || m.grade == Grade::Qualified;
                    if r > 0 && spare >= 0 && eligible && best.is_none_or(|(b, _, _)| r > b) {
                        best = Some((r, from, k));
                    }
                }
            }
            let Some((r, from, k)) = best else {
                break;
            };
            let id = self.pools[type_pool[from]].remove(k);
            self.pools[type_pool[to]].push(id);
            let m = &mut managers[id.index().expect("real post")];
            m.specialism = to as u8;
            m.specialist_trained = m.draws.uniform(week, Decision::SpecialistTraining, 1)
                < s.practice.specialist_trained_share;
            room[from] -= r;
            room[to] += r;
            moved += 1;
        }
        moved
    }

    /// Each volunteer present takes `workforce.volunteer_oversight_hours` of a qualified
    /// case manager of its patch this week, from the one present with most hours left (the
    /// earlier post on a tie); hours no one has are not given.
    pub fn oversee_volunteers(&self, managers: &mut [CaseManager], hours: f64) {
        if hours <= 0.0 {
            return;
        }
        for pool in self.volunteer_pool.iter().flatten() {
            for id in &self.pools[*pool] {
                let v = &managers[id.index().expect("real post")];
                if v.status != StaffStatus::Present {
                    continue;
                }
                let patch = v.patch;
                let overseer = managers
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| {
                        m.patch == patch
                            && m.grade == Grade::Qualified
                            && m.status == StaffStatus::Present
                            && m.hours_left() > 0.0
                    })
                    .max_by(|(i, a), (j, b)| {
                        a.hours_left().total_cmp(&b.hours_left()).then(j.cmp(i))
                    })
                    .map(|(i, _)| i);
                if let Some(i) = overseer {
                    let m = &mut managers[i];
                    let given = hours.min(m.hours_left());
                    m.hours_used += given;
                    m.demand.oversight += given;
                }
            }
        }
    }

    /// Fills a team's empty member places (team and hybrid approaches) from the posts that
    /// could supervise the case, other than its lead and current members, composing the team to
    /// match the case's needs where the posts allow: a post whose [`discipline`] is a need the
    /// case has and no member covers yet comes first (among those, the post on fewest teams,
    /// then the need that comes first in the plan); otherwise the post on fewest teams. Members
    /// sit on teams without taking a caseload place; their hours are the limit.
    pub fn fill_team(
        &self,
        o: &mut Offender,
        managers: &mut [CaseManager],
        size: u32,
        sequencing: bool,
    ) {
        let pool = &self.pools[self.pool_for(o)];
        for slot in 0..(size as usize - 1).min(o.team.members.len()) {
            if o.team.members[slot].is_some() {
                continue;
            }
            let taken = |id: ManagerId| id == o.supervision.manager || o.team.members.contains(&id);
            // Needs the team already brings.
            let covered = o
                .team
                .members
                .iter()
                .filter_map(|&m| discipline(m))
                .fold(0u8, |mask, need| mask | 1 << need as u8);
            let match_rank = |id: ManagerId| {
                discipline(id)
                    .filter(|&need| covered & (1 << need as u8) == 0)
                    .and_then(|need| plan_rank(o, need, sequencing))
                    .unwrap_or(u32::MAX)
            };
            let best = pool
                .iter()
                .copied()
                .filter(|&id| {
                    let m = &managers[id.index().expect("real post")];
                    m.in_post() && m.is_staff() && !taken(id)
                })
                .min_by_key(|&id| {
                    let rank = match_rank(id);
                    let memberships = managers[id.index().expect("real post")].memberships;
                    (rank == u32::MAX, memberships, rank)
                });
            if let Some(id) = best {
                o.team.members[slot] = id;
                managers[id.index().expect("real post")].memberships += 1;
            }
        }
    }

    /// Whether the post holding a case may go on holding it at its current stage and type (a
    /// post moved to another type at a re-division keeps the cases it holds while their type
    /// is the one they had when allocated).
    pub fn still_fits(&self, o: &Offender, m: &CaseManager) -> bool {
        let t = case_type(o, self.streaming);
        self.function_fits(o, m)
            && (m.holds_type(t) || usize::from(o.supervision.allocated_type) == t)
    }

    /// Whether a post may take a case at its current stage and type.
    fn fits(&self, o: &Offender, m: &CaseManager) -> bool {
        self.function_fits(o, m) && m.holds_type(case_type(o, self.streaming))
    }

    /// Whether a post works on a case's current stage.
    fn function_fits(&self, o: &Offender, m: &CaseManager) -> bool {
        let task = self.streaming == Streaming::Task;
        match (o.journey.stage, m.function) {
            (_, Function::All) => true,
            (Stage::PreSentence, f) => f == Function::Reports,
            (Stage::Custody, f) if task => f == Function::Custody,
            (Stage::Licence, f) if task => f == Function::Licence,
            (_, f) => f == Function::Supervision,
        }
    }
}

/// The discipline a post brings to a case's team as a member (team and hybrid approaches):
/// the need its service works on (drugs, alcohol, mental health, accommodation, employment,
/// family, thinking: a drug worker, an alcohol worker, a mental health nurse, a housing officer,
/// an employment adviser, a family worker, a programmes tutor). The posts' disciplines go round
/// the needs in post order (an assumption: the unit draws on every provider alike).
pub fn discipline(id: ManagerId) -> Option<Need> {
    id.index().map(|i| Need::ALL[i % Need::COUNT])
}

/// Where `need` comes in the plan agreed at a case conference (lower first), or `None` when the
/// case does not have it: under sequencing, in the order of [`Need::ALL`] (drugs, alcohol,
/// mental health and accommodation, which stabilise a life, before employment, family and
/// thinking); otherwise the most severe first (ties in that order), as a review refers.
pub fn plan_rank(o: &Offender, need: Need, sequencing: bool) -> Option<u32> {
    let severity = u32::from(o.needs.severity(need));
    (severity > 0).then(|| {
        if sequencing {
            need as u32
        } else {
            (u32::from(crate::model::offender::MAX_SEVERITY) - severity) * Need::COUNT as u32
                + need as u32
        }
    })
}

/// Gives a case to a case manager. A case that has had a case manager before counts a handoff,
/// under the cause recorded when it was released, and the working relationship falls back to
/// the share retained on handoff.
pub fn allocate(
    offender: &mut Offender,
    to: ManagerId,
    managers: &mut [CaseManager],
    retained_on_handoff: f64,
) {
    debug_assert!(!offender.is_allocated());
    if offender.supervision.ever_allocated {
        offender.supervision.handoffs += 1;
        offender.supervision.handoffs_by_cause[offender.supervision.pending_handoff as usize] += 1;
        offender.supervision.relationship *= retained_on_handoff as f32;
    }
    offender.supervision.ever_allocated = true;
    offender.supervision.cover_hint = NO_GROUP;
    offender.supervision.manager = to;
    managers[to.index().expect("allocated to a real post")].caseload += 1;
    // A member of the case's team who becomes its lead leaves the member's place (refilled at
    // the next allocation). Members are chosen by the case's type when a place is filled, so
    // after a change of type the new lead can already be on the team.
    if let Some(slot) = offender.team.members.iter().position(|&m| m == to) {
        managers[to.index().expect("a real post")].memberships -= 1;
        offender.team.members[slot] = ManagerId::NONE;
        offender.team.assessed &= !(1 << slot);
    }
}

/// Takes a member who left off a case's team; the place is filled again at the next
/// allocation. Responsibility rests with the whole team, so a change of member is a handoff,
/// but the relationship with the team loses only that member's part of the handoff cost.
pub fn release_member(
    offender: &mut Offender,
    slot: usize,
    managers: &mut [CaseManager],
    retained_on_handoff: f64,
    size: u32,
) {
    if let Some(index) = offender.team.members[slot].index() {
        managers[index].memberships -= 1;
        offender.team.members[slot] = ManagerId::NONE;
        offender.team.assessed &= !(1 << slot);
        offender.supervision.handoffs += 1;
        offender.supervision.handoffs_by_cause[HandoffCause::StaffLeft as usize] += 1;
        let lost = (1.0 - retained_on_handoff) / f64::from(size);
        offender.supervision.relationship *= (1.0 - lost) as f32;
    }
}

/// Takes a case off its case manager, leaving it to be reallocated; `cause` is recorded for
/// the handoff that follows.
pub fn release(offender: &mut Offender, managers: &mut [CaseManager], cause: HandoffCause) {
    if let Some(index) = offender.supervision.manager.index() {
        managers[index].caseload -= 1;
        offender.supervision.manager = ManagerId::NONE;
        offender.supervision.pending_handoff = cause;
        if cause == HandoffCause::StaffLeft {
            offender.supervision.cover_hint = managers[index].cover_group;
        }
    }
}

/// Hands over a case whose holder no longer fits it at the start of week `week`: a stage has
/// just started that the holder does not work on, or a review changed the case's type out of
/// the holder's specialism.
pub fn transfer_if_misfit(
    o: &mut Offender,
    managers: &mut [CaseManager],
    establishment: &Establishment,
    week: i32,
) {
    let Some(index) = o.supervision.manager.index() else {
        return;
    };
    if o.journey.stage_started == week {
        // A stage has just started: the holder hands over unless they work on it too.
        if !establishment.still_fits(o, &managers[index]) {
            release(o, managers, HandoffCause::StageChange);
        }
    } else if o.events.reviewed && !establishment.still_fits(o, &managers[index]) {
        release(o, managers, HandoffCause::TypeChange);
    }
}

/// Allocates a case that wants a case manager and has none, if an eligible post has room (the
/// allocation step takes waiting cases oldest first, in arrival order); under teams, fills its
/// team's empty places.
/// Returns whether the case still waits for a case manager after this week's allocation.
pub fn allocate_if_waiting(
    offender: &mut Offender,
    managers: &mut [CaseManager],
    establishment: &Establishment,
    scenario: &Scenario,
    week: i32,
) -> bool {
    if !wants_case_manager(offender, scenario, week) {
        return false;
    }
    if !offender.is_allocated() {
        if let Some(id) = establishment.choose(offender, managers, scenario) {
            allocate(
                offender,
                id,
                managers,
                scenario.relationship.retained_on_handoff,
            );
            offender.supervision.allocated_type =
                case_type(offender, scenario.organisation.streaming) as u8;
        }
    }
    let teams = scenario.organisation.approach != Approach::Individual;
    if teams && offender.journey.stage.is_supervised() && offender.is_allocated() {
        establishment.fill_team(
            offender,
            managers,
            scenario.team.size,
            scenario.team.plan_sequencing,
        );
    }
    !offender.is_allocated()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_by_largest_remainder_with_a_minimum() {
        assert_eq!(apportion(10, &[1.0, 1.0, 2.0], 0), vec![3, 2, 5]);
        assert_eq!(apportion(10, &[0.01, 9.0], 1), vec![1, 9]);
        assert_eq!(apportion(3, &[1.0, 1.0, 1.0, 1.0], 1), vec![1, 1, 1, 0]);
        assert_eq!(apportion(7, &[0.0, 1.0], 1), vec![0, 7]);
    }

    fn establish(s: &Scenario) -> (Vec<CaseManager>, Establishment) {
        Establishment::establish(s, 1, 1)
    }

    #[test]
    fn generic_posts_do_everything_in_their_patch() {
        let s = Scenario::default();
        let (managers, e) = establish(&s);
        assert_eq!(managers.len(), 60);
        assert!(managers.iter().all(|m| m.function == Function::All));
        assert_eq!(e.report_pool, e.supervision_pool);
    }

    #[test]
    fn task_streaming_splits_writers_from_supervisors_by_expected_hours() {
        let mut s = Scenario::default();
        s.organisation.streaming = Streaming::Task;
        let (managers, _) = establish(&s);
        let writers = managers
            .iter()
            .filter(|m| m.function == Function::Reports)
            .count();
        // Reports ask for 3 hours per arrival (half of them, 6 hours each) against roughly
        // 60-80 hours of supervision: a few posts of 60.
        assert!((3..=6).contains(&writers), "{writers} writers");
        assert_eq!(managers.len(), 60);
    }

    #[test]
    fn risk_streaming_gives_each_tier_specialists_and_qualified_staff_the_complex_tiers() {
        let mut s = Scenario::default();
        s.organisation.streaming = Streaming::Risk;
        s.workforce.qualified_share = 0.4;
        let (managers, _) = establish(&s);
        for t in 0..RiskTier::COUNT as u8 {
            let posts: Vec<&CaseManager> = managers.iter().filter(|m| m.specialism == t).collect();
            assert!(!posts.is_empty(), "tier {t}");
            if t >= 2 {
                assert!(posts.iter().all(|m| m.grade == Grade::Qualified));
            }
        }
    }

    #[test]
    fn cover_groups_are_chunks_of_a_pool() {
        let mut s = Scenario::default();
        s.organisation.cover_group_size = 4;
        let (managers, e) = establish(&s);
        assert_eq!(e.cover_groups.len(), 15);
        assert!(e.cover_groups.iter().all(|g| g.len() == 4));
        let patch_of = |id: &ManagerId| managers[id.index().unwrap()].patch;
        assert!(
            e.cover_groups
                .iter()
                .all(|g| g.iter().all(|id| patch_of(id) == patch_of(&g[0])))
        );
    }
}
