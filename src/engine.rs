//! The weekly step: the schedule of docs/ODD.md (§3) as named steps, in order.
//!
//! A step is a plain function, of the whole world (the intake, the service waiting lists, staff
//! events) or of one case (`fn(&mut Office, usize, &mut Offender)`: the case, its position in
//! arrival order, and everything else). Steps of one case that follow each other run together,
//! case by case, in one pass over the cases (the `pass!` lists below), so that each case record
//! is read from memory once per pass rather than once per step. Within a pass each step reads
//! and writes only the case in hand, apart from case managers' counts and accounts that no
//! other step of the pass reads, so the results are those of running every step over all cases
//! before the next: [`World::step_one_pass_per_step`] does exactly that, and a test checks that
//! it gives the same weekly records. Counting is the week's last step: the `observer` (the
//! metrics' recorder) sees each case after every step has dealt with it. No I/O here.

use rand_distr::{Distribution, Poisson};
use serde::{Deserialize, Serialize};

use crate::model::circumstances::{FindingChances, circumstances_week};
use crate::model::compliance::{AttendanceModel, ContactsWeek, contacts_and_compliance};
use crate::model::custody::{RecallCounts, Sentencer};
use crate::model::enforcement::{EnforcementCounts, enforce};
use crate::model::icm::{ConferenceCounts, case_conference};
use crate::model::journey::{Disposal, Stage, TransitionCounts, stage_transition};
use crate::model::modes::ModeTable;
use crate::model::needs::needs_week;
use crate::model::offender::{Need, Offender, OffenderFactory};
use crate::model::organisation::{
    Establishment, HandoffCause, allocate_if_waiting, discretion_weights, release, release_member,
    transfer_if_misfit,
};
use crate::model::reoffending::{HazardModel, ReoffendingCounts, reoffending_week};
use crate::model::services::{ServiceCounts, ServiceSystem, case_services, fill_places};
use crate::model::unit::case_from_row;
use crate::model::workforce::{CaseManager, StaffEvent, StaffEventRates, staff_week};
use crate::model::workload::{
    CutWork, UNCOVERED_CONTACT, UNCOVERED_REPORT, WorkCounts, WorkloadWeek, add_demand,
    contact_hours, cover_absent, decide_shares, deliver, deliver_cut, open_accounts,
    report_hours_per_week, share_unused_hours,
};
use crate::rng::{Stream, StreamRng, replication_stream};
use crate::scenario::{Approach, Scenario, Streaming, UnusedHours};

/// What the week's steps reported, mechanism by mechanism (the metrics keep it in the week's
/// record).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StepCounts {
    /// New cases arriving.
    pub new_orders: u32,
    /// Cases still waiting for a case manager after the week's allocation (which has already
    /// reallocated last week's leavers' cases where anyone had room).
    #[serde(default)]
    pub waiting_at_allocation: u32,
    /// Cases released this week by case managers who left (they wait until next week's
    /// allocation): the leaver spike, counted apart from the waiting above.
    #[serde(default)]
    pub leavers_cases: u32,
    /// Post-holders who left this week (agency workers handing over to a replacement not
    /// counted).
    #[serde(default)]
    pub leavers: u32,
    /// Specialist posts moved to another type at this week's re-division of posts.
    #[serde(default)]
    pub posts_redivided: u32,
    pub work: WorkCounts,
    pub conferences: ConferenceCounts,
    pub services: ServiceCounts,
    pub reoffending: ReoffendingCounts,
    pub enforcement: EnforcementCounts,
    /// Recalls to custody by type and reason (from enforcement and reoffending alike).
    #[serde(default)]
    pub recalls: RecallCounts,
    pub transitions: TransitionCounts,
}

/// What watches the week: the metrics' recorder, or nothing.
pub trait Observer {
    /// The week's last step begins; `counts` is what its other steps reported.
    fn open_week(&mut self, week: i32, counts: &StepCounts);
    /// One case, after every step of the week has dealt with it.
    fn count_case(&mut self, o: &Offender, managers: &[CaseManager]);
    /// A new case arrived in week `week` (after the week's intake, before its other steps).
    #[inline(always)]
    fn case_arrives(&mut self, _o: &Offender, _week: i32) {}
    /// Every case has been counted.
    fn close_week(&mut self, managers: &[CaseManager]);
}

/// An observer that records nothing (for profiling and tests of the model alone).
impl Observer for () {
    fn open_week(&mut self, _: i32, _: &StepCounts) {}
    fn count_case(&mut self, _: &Offender, _: &[CaseManager]) {}
    fn close_week(&mut self, _: &[CaseManager]) {}
}

/// Something told when each pass of the week ends (the profile example times them).
pub trait Clock {
    fn lap(&mut self, pass: &'static str);
}

impl Clock for () {
    #[inline(always)]
    fn lap(&mut self, _: &'static str) {}
}

/// The passes of [`World::step`], in order, by the name of their first step.
pub const PASSES: [&str; 13] = [
    "intake",
    "handover_of_misfits",
    "open_accounts",
    "allocation",
    "shares_and_cover",
    "delivery",
    "unused_hours_and_cover",
    "open_services",
    "case_conference",
    "service_places",
    "reoffending",
    "staff_events",
    "leavers_cases",
];

/// Everything one replication's simulation holds: the cases, and the office that works them.
pub struct World<'s> {
    /// Cases on an order or in follow-up, in order of arrival, with the records of cases
    /// closed in earlier weeks (`removed`) until the array is next compacted. See [`World::cases`].
    cases: Vec<Offender>,
    pub office: Office<'s>,
}

/// Everything but the cases: the scenario and the week, the staff, services and models, the
/// random streams of decisions that are not a case's own, and what the week's steps report.
pub struct Office<'s> {
    pub scenario: &'s Scenario,
    /// The current week (0-based).
    pub week: i32,
    pub managers: Vec<CaseManager>,
    pub establishment: Establishment,
    pub services: ServiceSystem,
    /// Each tier's mode settings under the scenario's policy.
    modes: ModeTable,
    factory: OffenderFactory,
    sentencer: Sentencer,
    inflow: Option<Poisson<f64>>,
    arrivals: StreamRng,
    attendance: AttendanceModel,
    hazard: HazardModel,
    finding: FindingChances,
    staff_rates: StaffEventRates,
    /// How much one kept appointment grows the relationship: under the team approach contacts
    /// rotate among the members, so each builds the bond with one of them (a member's share).
    growth: f64,
    /// Report-writing hours a week, and whether cases have teams: the workload's constants.
    report_weekly: f64,
    teams: bool,
    /// Whether anyone can be sent to custody under ICM (`custody.icm`; else no ICM
    /// conferences are held).
    sends_anyone: bool,
    /// Whether posts are divided by function or type (else no case is ever a misfit).
    divides_posts: bool,
    /// Which posts' holders left this week (kept to avoid allocating every week), and whether
    /// any did.
    left_this_week: Vec<bool>,
    anyone_left: bool,
    /// How many records in the cases' array are removed.
    removed: usize,
    /// This week's work left undone by the first delivery pass: cases whose work was cut
    /// (`cut`), and absent case managers' cases awaiting cover (`uncovered`). Kept from week
    /// to week to avoid allocating.
    cut: Vec<CutWork>,
    uncovered: Vec<CutWork>,
    /// The duty rota's hours left this week.
    pub duty_hours_left: f64,
    /// A check for the tests ([`World::watch_idle_hours`]): whether to count, after the
    /// week's cover, the due contacts left undone while hours for them sat idle.
    watch_idle: bool,
    idle_while_due: u32,
    /// What this week's steps report.
    pub counts: StepCounts,
}

/// Runs per-case steps over the cases present, in arrival order: `merged`, every step of the
/// list for one case before the next case (one pass); `separate`, each step over every case
/// before the next step.
macro_rules! pass {
    (merged, $world:expr, [$($step:expr),+ $(,)?]) => {{
        let World { cases, office } = $world;
        for (i, o) in cases.iter_mut().enumerate().filter(|(_, o)| !o.removed) {
            $( ($step)(&mut *office, i, o); )+
        }
    }};
    (separate, $world:expr, [$($step:expr),+ $(,)?]) => {{
        $({
            let World { cases, office } = &mut *$world;
            for (i, o) in cases.iter_mut().enumerate().filter(|(_, o)| !o.removed) {
                ($step)(&mut *office, i, o);
            }
        })+
    }};
}

/// The week, in the order of docs/ODD.md §3: steps of the world, and passes of case steps.
macro_rules! week {
    ($mode:ident, $w:expr, $observer:expr, $clock:expr) => {{
        let (w, observer, clock): (&mut World, _, _) = ($w, $observer, $clock);
        w.office.counts = StepCounts::default();
        // 1. New cases arrive and are sentenced.
        intake(w);
        {
            let (n, arrived) = (w.cases.len(), w.office.counts.new_orders as usize);
            for o in &w.cases[n - arrived..] {
                observer.case_arrives(o, w.office.week);
            }
        }
        clock.lap("intake");
        // 2. A case whose holder does not work on the stage it has just started, or on the type
        //    a review gave it, is handed over.
        if w.office.divides_posts {
            pass!($mode, w, [handover_of_misfits]);
        }
        //    Under type streaming, specialist posts are re-divided between types as demand
        //    moves, at the scenario's interval.
        redivision(w);
        clock.lap("handover_of_misfits");
        // 3-4. Allocation and the workload: each case manager's account opens, waiting cases
        //    are allocated oldest first, demand is added up, shares are decided, and the work
        //    is delivered; hours left unused go to the work cut (a second pass over the cut
        //    cases only), and then to absent colleagues' contacts, with the duty rota's hours.
        open_accounts(
            &mut w.office.managers,
            w.office.week,
            &w.office.scenario.practice,
        );
        //    Qualified staff oversee their patch's volunteers first.
        w.office.establishment.oversee_volunteers(
            &mut w.office.managers,
            w.office.scenario.workforce.volunteer_oversight_hours,
        );
        clock.lap("open_accounts");
        pass!($mode, w, [allocation, demand]);
        clock.lap("allocation");
        shares_and_cover(&mut w.office);
        clock.lap("shares_and_cover");
        pass!($mode, w, [delivery]);
        clock.lap("delivery");
        unused_hours_and_cover(w);
        clock.lap("unused_hours_and_cover");
        // 5-8. Supervision: ICM case conferences, contacts and compliance, needs, services,
        //    work and accommodation; then free places go to the waiting lists.
        w.office.services.begin_week();
        clock.lap("open_services");
        pass!(
            $mode,
            w,
            [case_conferences, contacts, needs, services, circumstances]
        );
        clock.lap("case_conference");
        service_places(w);
        clock.lap("service_places");
        // 9-11. Outcomes: reoffending, enforcement, stage transitions.
        pass!($mode, w, [reoffending, enforcement, stage_transitions]);
        clock.lap("reoffending");
        // 12. Absence, leavers and new starters among the posts.
        staff_events(&mut w.office);
        clock.lap("staff_events");
        // Then the week's last pass: a leaver's cases return to the allocation queue, and
        // 13. every case is counted. Afterwards a closed case leaves the caseload
        //     (record-keeping, not a step of the model).
        observer.open_week(w.office.week, &w.office.counts);
        pass!(
            $mode,
            w,
            [
                leavers_cases,
                |office: &mut Office, _: usize, o: &mut Offender| {
                    observer.count_case(o, &office.managers)
                },
                move_on,
            ]
        );
        observer.close_week(&w.office.managers);
        w.compact_if_worth_it();
        clock.lap("leavers_cases");
        w.office.week += 1;
    }};
}

/// 1. New cases: a Poisson number of arrivals drawn from the population, each sentenced to a
/// community order or custody.
fn intake(w: &mut World) {
    let f = &mut w.office;
    let arrivals = match &f.inflow {
        Some(poisson) => poisson.sample(&mut f.arrivals) as u64,
        None => 0,
    };
    for _ in 0..arrivals {
        let mut o = f.factory.draw(&mut f.arrivals, f.week, false);
        f.sentencer
            .sentence(&mut o, f.week, false, &f.scenario.custody);
        w.cases.push(o);
    }
    f.counts.new_orders = arrivals as u32;
}

/// 2. Hands over a case that no longer fits its holder.
#[inline(always)]
fn handover_of_misfits(f: &mut Office, _: usize, o: &mut Offender) {
    transfer_if_misfit(o, &mut f.managers, &f.establishment, f.week);
}

/// 2. Every `organisation.redivision_interval_weeks` (from the first interval on), specialist
/// posts move between types to where cases wait (see [`Establishment::redivide`]).
fn redivision(w: &mut World) {
    let f = &mut w.office;
    let interval = f.scenario.organisation.redivision_interval_weeks as i32;
    if interval > 0 && f.week > 0 && f.week % interval == 0 && f.divides_posts {
        f.counts.posts_redivided +=
            f.establishment
                .redivide(&w.cases, &mut f.managers, f.scenario, f.week);
    }
}

/// 3. Allocates a waiting case to a post with room (cases come in arrival order, so the
/// longest waiting first).
#[inline(always)]
fn allocation(f: &mut Office, _: usize, o: &mut Offender) {
    let waiting = allocate_if_waiting(o, &mut f.managers, &f.establishment, f.scenario, f.week);
    f.counts.waiting_at_allocation += u32::from(waiting);
}

/// 4. The case's week begins; its demand on its case manager's hours is added up.
#[inline(always)]
fn demand(f: &mut Office, _: usize, o: &mut Offender) {
    let w = WorkloadWeek {
        modes: &f.modes,
        scenario: f.scenario,
        week: f.week,
        report_weekly: f.report_weekly,
        teams: f.teams,
    };
    add_demand(o, &mut f.managers, &w);
}

/// 4. Each case manager's shares of their demand under the prioritisation rule (and the week's
/// lists of cut work emptied, the duty rota's hours opened).
fn shares_and_cover(f: &mut Office) {
    decide_shares(&mut f.managers, f.scenario.organisation.prioritisation);
    f.cut.clear();
    f.uncovered.clear();
    f.duty_hours_left = f.scenario.workforce.duty_hours_per_week;
}

/// 4. The case's work is delivered, within its manager's shares and hours.
#[inline(always)]
fn delivery(f: &mut Office, i: usize, o: &mut Offender) {
    let w = WorkloadWeek {
        modes: &f.modes,
        scenario: f.scenario,
        week: f.week,
        report_weekly: f.report_weekly,
        teams: f.teams,
    };
    let (mask, least) = deliver(o, &mut f.managers, &w, &f.services, &mut f.counts.work);
    if mask != 0 {
        let cut = CutWork {
            case: i as u32,
            post: o.supervision.manager.index().expect("a case with work") as u32,
            least_hours: least as f32,
            mask,
            tier: o.risk.index() as u8,
        };
        if mask & (UNCOVERED_REPORT | UNCOVERED_CONTACT) != 0 {
            f.uncovered.push(cut);
        } else {
            f.cut.push(cut);
        }
    }
}

/// 4. Hours the first pass left unused go to the work it cut: shared again over it by the
/// prioritisation rule and delivered in a second pass over the cut cases only (reading each
/// case's same rank), then whatever still fits, case by case. Then absent case managers' work
/// is covered from the hours left in their cover group and the duty rota's.
fn unused_hours_and_cover(w: &mut World) {
    let World { cases, office: f } = w;
    let wk = WorkloadWeek {
        modes: &f.modes,
        scenario: f.scenario,
        week: f.week,
        report_weekly: f.report_weekly,
        teams: f.teams,
    };
    if f.scenario.organisation.unused_hours == UnusedHours::PassedOn && !f.cut.is_empty() {
        share_unused_hours(&mut f.managers, f.scenario.organisation.prioritisation);
        // Under a team approach a member may make the contact (contacts rotate under `team`,
        // and a member stands in for an absent lead under either); otherwise a case's work is
        // all its lead's, and a case whose lead has too few hours left for any of its cut
        // tasks is passed by without reading it (`least_hours` less a margin for its rounding
        // to f32).
        let rotating = f.scenario.organisation.approach != Approach::Individual;
        for fill in [false, true] {
            for e in f.cut.iter_mut() {
                let left = f.managers[e.post as usize].hours_left();
                let no_room = left <= 1e-9 || left < f64::from(e.least_hours) - 1e-6;
                if e.mask == 0 || !rotating && no_room {
                    continue;
                }
                let o = &mut cases[e.case as usize];
                let (services, work) = (&f.services, &mut f.counts.work);
                deliver_cut(o, &mut f.managers, &wk, services, work, &mut e.mask, fill);
            }
        }
    }
    if !f.uncovered.is_empty() {
        let groups = &f.establishment.cover_groups;
        let duty = &mut f.duty_hours_left;
        cover_absent(cases, &mut f.uncovered, &mut f.managers, groups, duty, &wk);
    }
    if f.watch_idle {
        f.idle_while_due = idle_while_due(cases, f, &wk);
    }
}

/// Due contacts left undone this week while hours that could have made them sat idle: the
/// case manager's own (the lead's, apart from the team approach, whose contacts rotate), or,
/// for an absent case manager, a colleague's in the cover group or the duty rota's. Counted
/// over every case, apart from the cut lists, for [`World::watch_idle_hours`].
fn idle_while_due(cases: &[Offender], f: &Office, w: &WorkloadWeek) -> u32 {
    let mut idle = 0;
    for o in cases.iter().filter(|o| !o.removed) {
        let Some(lead) = o.supervision.manager.index() else {
            continue;
        };
        let stage = o.journey.stage;
        if !o.events.contact_due
            || o.events.contact_offered
            || !(stage.is_supervised() || stage == Stage::Custody)
        {
            continue;
        }
        let hours = contact_hours(o, w.modes, w.scenario) - 1e-9;
        let m = &f.managers[lead];
        let had_hours = match m.status {
            crate::model::workforce::StaffStatus::Present => {
                f.scenario.organisation.approach != Approach::Team && m.hours_left() >= hours
            }
            _ => {
                f.duty_hours_left >= hours
                    || f.establishment
                        .cover_groups
                        .get(m.cover_group as usize)
                        .is_some_and(|g| {
                            g.iter().filter_map(|id| id.index()).any(|c| {
                                let c = &f.managers[c];
                                c.status == crate::model::workforce::StaffStatus::Present
                                    && c.hours_left() >= hours
                            })
                        })
            }
        };
        idle += u32::from(had_hours);
    }
    idle
}

/// 5. An ICM case conference for a prisoner due one (after the workload, whose shares decide
/// whether an engaged case manager has the hours to attend).
#[inline(always)]
fn case_conferences(f: &mut Office, _: usize, o: &mut Offender) {
    if f.sends_anyone {
        let (custody, week) = (&f.scenario.custody, f.week);
        case_conference(o, &mut f.managers, custody, week, &mut f.counts.conferences);
    }
}

/// 6. Offered appointments kept or missed, the relationship and motivation they build, other
/// violations.
#[inline(always)]
fn contacts(f: &mut Office, _: usize, o: &mut Offender) {
    let week = ContactsWeek {
        attendance: &f.attendance,
        modes: &f.modes,
        scenario: f.scenario,
        growth: f.growth,
        week: f.week,
    };
    let skill = o
        .supervision
        .manager
        .index()
        .map_or(0.0, |m| f.managers[m].skill_this_week);
    contacts_and_compliance(o, &week, skill);
}

/// 7. Work on needs, and relapse.
#[inline(always)]
fn needs(f: &mut Office, _: usize, o: &mut Offender) {
    needs_week(o, &f.managers, &f.modes, f.scenario, f.week);
}

/// 8. The case's week with services: treatment, completion or drop-out, waits.
#[inline(always)]
fn services(f: &mut Office, i: usize, o: &mut Offender) {
    let (s, week) = (f.scenario, f.week);
    case_services(i, o, &mut f.services, s, week, &mut f.counts.services);
}

/// 8. Work and settled accommodation found or lost (and on going into custody, family
/// contact).
#[inline(always)]
fn circumstances(f: &mut Office, _: usize, o: &mut Offender) {
    circumstances_week(o, &f.finding, &f.modes, &mut f.services, f.scenario, f.week);
}

/// 8. Free places go to the waiting lists.
fn service_places(w: &mut World) {
    let f = &mut w.office;
    let (s, week) = (&f.scenario.services, f.week);
    fill_places(
        &mut w.cases,
        &mut f.services,
        s,
        week,
        &mut f.counts.services,
    );
}

/// 9. Reoffending, its detection, and the court's or the recall's answer to it.
#[inline(always)]
fn reoffending(f: &mut Office, _: usize, o: &mut Offender) {
    let (s, week) = (f.scenario, f.week);
    reoffending_week(
        o,
        &mut f.managers,
        &f.hazard,
        s,
        week,
        &mut f.counts.reoffending,
        &mut f.counts.recalls,
    );
}

/// 10. Enforcement of failures to comply.
#[inline(always)]
fn enforcement(f: &mut Office, _: usize, o: &mut Offender) {
    let (s, week) = (f.scenario, f.week);
    let counts = &mut f.counts;
    enforce(
        o,
        &mut f.managers,
        s,
        week,
        &mut counts.enforcement,
        &mut counts.recalls,
    );
}

/// 11. Sentences start, orders complete, prisoners are released, licences end, cases close.
#[inline(always)]
fn stage_transitions(f: &mut Office, _: usize, o: &mut Offender) {
    let (s, week) = (f.scenario, f.week);
    stage_transition(
        o,
        &mut f.managers,
        &f.services,
        &f.sentencer,
        s,
        week,
        &mut f.counts.transitions,
    );
}

/// 12. Absence and turnover among the posts.
fn staff_events(f: &mut Office) {
    let spread = f.scenario.organisation.discretion_spread;
    for (m, left) in f.managers.iter_mut().zip(f.left_this_week.iter_mut()) {
        let event = staff_week(m, &f.staff_rates, f.week);
        *left = matches!(event, StaffEvent::Left | StaffEvent::CoverEnded);
        if *left {
            m.paperwork_backlog = 0.0;
            // Released in the week's last pass (`leavers_cases`), after the counts are taken.
            f.counts.leavers_cases += m.caseload;
        }
        f.counts.leavers += u32::from(event == StaffEvent::Left);
        if matches!(event, StaffEvent::Joined | StaffEvent::CoverEnded) {
            m.discretion = discretion_weights(spread, &m.draws, f.week);
            m.new_holder(f.week, &f.scenario.practice);
        }
    }
    f.anyone_left = f.left_this_week.contains(&true);
}

/// A leaver's cases (and team places) are released; whoever takes them next week is a handoff.
#[inline(always)]
fn leavers_cases(f: &mut Office, _: usize, o: &mut Offender) {
    if !f.anyone_left {
        return;
    }
    let left = &f.left_this_week;
    if o.supervision.manager.index().is_some_and(|m| left[m]) {
        release(o, &mut f.managers, HandoffCause::StaffLeft);
    }
    let (retained, size) = (
        f.scenario.relationship.retained_on_handoff,
        f.scenario.team.size,
    );
    for slot in 0..o.team.members.len() {
        if o.team.members[slot].index().is_some_and(|m| left[m]) {
            release_member(o, slot, &mut f.managers, retained, size);
        }
    }
}

/// A closed case leaves the caseload.
#[inline(always)]
fn move_on(f: &mut Office, _: usize, o: &mut Offender) {
    if o.journey.stage == Stage::Closed {
        o.removed = true;
        f.removed += 1;
    }
}

impl<'s> World<'s> {
    /// The world at week 0 of replication `replication`: the workforce in post and the initial
    /// caseload part-way through its orders, not yet allocated.
    pub fn new(scenario: &'s Scenario, replication: u32) -> Self {
        let seed = scenario.simulation.seed;
        let mut arrivals = replication_stream(seed, replication, Stream::Arrivals);
        let mut factory = OffenderFactory::new(&scenario.population)
            .with_reports(scenario.reports.share, scenario.reports.weeks)
            .with_draws(seed, replication);
        let sentencer = Sentencer::new(scenario);
        let cases = match &scenario.unit.initial_caseload {
            // The planner's own caseload, row by row.
            Some(rows) => rows
                .iter()
                .map(|row| {
                    let mut o =
                        case_from_row(&mut factory, &sentencer, scenario, row, seed, replication);
                    schedule_initial_reviews(&mut o, scenario);
                    o
                })
                .collect(),
            None => (0..scenario.population.initial_cases)
                .map(|_| {
                    let mut o = factory.draw(&mut arrivals, 0, true);
                    sentencer.sentence(&mut o, 0, true, &scenario.custody);
                    schedule_initial_reviews(&mut o, scenario);
                    o
                })
                .collect(),
        };
        let (managers, establishment) = Establishment::establish(scenario, seed, replication);
        let inflow = (scenario.population.inflow_per_week > 0.0).then(|| {
            Poisson::new(scenario.population.inflow_per_week).expect("validated: finite and > 0")
        });
        let modes = ModeTable::new(&scenario.modes);
        let hazard = HazardModel::new(scenario, &factory, &modes);
        let mut services = ServiceSystem::new(&scenario.services);
        services.plan_uptake_effect = scenario.team.plan_uptake_effect;
        let growth_scale = match scenario.organisation.approach {
            Approach::Team => 1.0 / f64::from(scenario.team.size),
            Approach::Individual | Approach::Hybrid => 1.0,
        };
        let office = Office {
            scenario,
            week: 0,
            left_this_week: vec![false; managers.len()],
            anyone_left: false,
            managers,
            establishment,
            services,
            modes,
            sends_anyone: sentencer.sends_anyone() && scenario.custody.icm,
            divides_posts: scenario.organisation.streaming != Streaming::Generic,
            factory,
            sentencer,
            inflow,
            arrivals,
            attendance: AttendanceModel::new(&scenario.compliance),
            hazard,
            finding: FindingChances::new(scenario),
            staff_rates: StaffEventRates::new(&scenario.workforce),
            growth: scenario.relationship.growth_per_contact * growth_scale,
            report_weekly: report_hours_per_week(scenario),
            teams: scenario.organisation.approach != Approach::Individual,
            removed: 0,
            cut: Vec::new(),
            uncovered: Vec::new(),
            duty_hours_left: 0.0,
            watch_idle: false,
            idle_while_due: 0,
            counts: StepCounts::default(),
        };
        World { cases, office }
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &'s Scenario {
        self.office.scenario
    }

    /// The week the next step runs (0-based): the number of weeks run so far.
    pub fn week(&self) -> i32 {
        self.office.week
    }

    /// The case managers' posts.
    pub fn managers(&self) -> &[CaseManager] {
        &self.office.managers
    }

    /// The cases present: on an order, in custody, on licence or in follow-up, in order of
    /// arrival.
    pub fn cases(&self) -> impl Iterator<Item = &Offender> {
        self.cases.iter().filter(|o| !o.removed)
    }

    /// How many cases are present.
    pub fn case_count(&self) -> usize {
        self.cases.len() - self.office.removed
    }

    /// Drops the removed records from the array, keeping the others in arrival order.
    pub fn compact(&mut self) {
        self.cases.retain(|o| !o.removed);
        self.office.removed = 0;
    }

    /// Removed records stay in the array, passed by, until they are an eighth of it: then the
    /// array is compacted, keeping arrival order (moving every case behind a closed one down the
    /// array each week cost more than passing the removed by).
    fn compact_if_worth_it(&mut self) {
        if self.office.removed > self.cases.len() / 8 {
            self.compact();
        }
    }

    /// Runs one week, counted by `observer`.
    pub fn step(&mut self, observer: &mut impl Observer) {
        week!(merged, self, observer, &mut ());
    }

    /// As [`World::step`], telling `clock` as each pass ends (see [`PASSES`]).
    pub fn step_timed(&mut self, observer: &mut impl Observer, clock: &mut impl Clock) {
        week!(merged, self, observer, clock);
    }

    /// As [`World::step`], with every step of a case as its own pass over the cases: slower,
    /// for checking that running steps together case by case changes nothing.
    pub fn step_one_pass_per_step(&mut self, observer: &mut impl Observer) {
        week!(separate, self, observer, &mut ());
    }

    /// From now on, count after each week's cover the due contacts left undone while hours
    /// that could have made them sat idle (a check for the tests; it costs a pass).
    pub fn watch_idle_hours(&mut self) {
        self.office.watch_idle = true;
    }

    /// Under [`World::watch_idle_hours`], last week's due contacts left undone while hours for
    /// them sat idle (none, when unused hours are passed on).
    pub fn idle_while_due(&self) -> u32 {
        self.office.idle_while_due
    }

    /// The model's invariants; an error names the first one broken. Checked after every week
    /// in debug builds and in the tests.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut caseloads = vec![0u32; self.office.managers.len()];
        let mut memberships = vec![0u32; self.office.managers.len()];
        for o in self.cases() {
            for member in o.team.members.iter().filter_map(|m| m.index()) {
                memberships[member] += 1;
                if !o.journey.stage.is_supervised() || Some(member) == o.supervision.manager.index()
                {
                    return Err(format!(
                        "case {} ({:?}) has team member {member} beside lead {:?}",
                        o.id, o.journey.stage, o.supervision.manager
                    ));
                }
            }
            let custodial = o.under_custodial_sentence();
            match (o.journey.stage, o.supervision.manager.index()) {
                (Stage::PreSentence | Stage::Order | Stage::Licence, Some(m)) => caseloads[m] += 1,
                (Stage::PreSentence | Stage::Order | Stage::Licence, None) => {}
                // Only through the gate does anyone from the community hold a prisoner.
                (Stage::Custody, Some(m))
                    if custodial && self.office.scenario.custody.through_the_gate =>
                {
                    caseloads[m] += 1
                }
                (Stage::Custody, None) => {}
                (Stage::FollowUp, None) if o.journey.outcome.is_some() => {}
                (stage, manager) => {
                    return Err(format!(
                        "case {} is {stage:?} with manager {manager:?} and outcome {:?}",
                        o.id, o.journey.outcome
                    ));
                }
            }
            if o.journey.disposal == Disposal::Community
                && (o.journey.stage == Stage::Licence || o.journey.recalls > 0)
            {
                return Err(format!("case {} on a community order was on licence", o.id));
            }
            if o.journey.stage == Stage::Custody
                && o.journey.release_due == crate::model::offender::NEVER
            {
                return Err(format!("case {} is in custody with no release date", o.id));
            }
            if let Some(m) = o.supervision.manager.index() {
                let holder = &self.office.managers[m];
                if crate::model::organisation::is_complex(o, self.office.scenario)
                    && holder.grade != crate::model::workforce::Grade::Qualified
                {
                    return Err(format!(
                        "complex case {} held by a {:?}",
                        o.id, holder.grade
                    ));
                }
                if !holder.is_staff()
                    && (o.risk > self.office.scenario.workforce.volunteer_highest_tier
                        || o.journey.stage != Stage::Order)
                {
                    return Err(format!(
                        "volunteer holds case {} of tier {:?}",
                        o.id, o.risk
                    ));
                }
            }
            if !(0.0..=1.0).contains(&o.supervision.relationship) {
                return Err(format!(
                    "case {} has relationship {}",
                    o.id, o.supervision.relationship
                ));
            }
        }
        for (i, m) in self.office.managers.iter().enumerate() {
            let cap = m.cap;
            if m.caseload != caseloads[i] {
                return Err(format!(
                    "manager {i} counts {} cases but holds {}",
                    m.caseload, caseloads[i]
                ));
            }
            if m.caseload > cap {
                return Err(format!(
                    "manager {i} holds {} cases over the cap {cap}",
                    m.caseload
                ));
            }
            if m.memberships != memberships[i] {
                return Err(format!(
                    "manager {i} counts {} teams but sits on {}",
                    m.memberships, memberships[i]
                ));
            }
            if !m.in_post() && (m.caseload > 0 || m.memberships > 0) {
                return Err(format!("vacant post {i} holds {} cases", m.caseload));
            }
            if m.hours_used < 0.0 || m.hours_used > m.hours_available + 1e-6 {
                return Err(format!(
                    "manager {i} used {} of {} hours",
                    m.hours_used, m.hours_available
                ));
            }
            if m.paperwork_backlog < 0.0 {
                return Err(format!("manager {i} has negative backlog"));
            }
        }
        let duty = self.office.duty_hours_left;
        if !(0.0..=self.office.scenario.workforce.duty_hours_per_week + 1e-9).contains(&duty) {
            return Err(format!("the duty rota has {duty} hours left"));
        }
        let mut in_treatment = [0u32; Need::COUNT];
        for o in self.cases() {
            if let Some(need) = o.supervision.service.in_treatment() {
                in_treatment[need as usize] += 1;
            }
        }
        for (n, (&used, &places)) in in_treatment
            .iter()
            .zip(&self.office.services.reachable)
            .enumerate()
        {
            if used > places {
                return Err(format!(
                    "service {:?} has {used} in treatment over {places} places",
                    Need::ALL[n]
                ));
            }
        }
        Ok(())
    }
}

/// A case of the initial caseload, already assessed, is part-way through its review cycle: its
/// next review (and, under teams, case conference) falls where the cycle from its start puts it.
fn schedule_initial_reviews(o: &mut Offender, s: &Scenario) {
    if !o.supervision.assessed {
        return;
    }
    let started = if o.journey.stage == Stage::Licence {
        o.journey.released
    } else {
        o.journey.order_start
    };
    let next = |interval: u32| {
        let interval = interval as i32;
        interval - (-started).rem_euclid(interval)
    };
    o.supervision.next_review = next(s.supervision.review_interval_weeks);
    o.team.next_conference = next(s.team.conference_interval_weeks);
}
