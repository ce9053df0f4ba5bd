//! How responsibility for cases is organised: who a case is allocated to, and what a change of
//! responsible person (a handoff) costs.
//!
//! The foundation implements the individual approach with generic (patch) streaming (seed 001):
//! one named case manager, from the offender's own patch, holds the case throughout. A case
//! arriving when every case manager in its patch is at the caseload cap waits unallocated, with
//! administrative processing only (no contact, no assessment, no enforcement).

use crate::model::journey::Stage;
use crate::model::offender::Offender;
use crate::model::workforce::{CaseManager, ManagerId};
use crate::scenario::Scenario;

/// The case-manager posts of each patch, fixed for the run (a leaver's post is refilled).
pub struct Patches {
    posts: Vec<Vec<ManagerId>>,
}

impl Patches {
    pub fn new(patches: u16, managers: &[CaseManager]) -> Self {
        let mut posts = vec![Vec::new(); usize::from(patches)];
        for (i, m) in managers.iter().enumerate() {
            posts[usize::from(m.patch)].push(ManagerId::new(i));
        }
        Patches { posts }
    }

    /// The case manager in the patch with room and the smallest caseload (ties to the earlier
    /// post), if any. Absent case managers still receive cases: allocation does not wait for
    /// their return.
    pub fn choose(&self, patch: u16, managers: &[CaseManager], cap: u32) -> Option<ManagerId> {
        self.posts[usize::from(patch)]
            .iter()
            .copied()
            .filter(|id| {
                let m = &managers[id.index().expect("posts hold real ids")];
                m.in_post() && m.caseload < cap
            })
            .min_by_key(|id| managers[id.index().expect("posts hold real ids")].caseload)
    }
}

/// Gives a case to a case manager. A case that has had a case manager before counts a handoff,
/// and the working relationship falls back to the share retained on handoff.
pub fn allocate(
    offender: &mut Offender,
    to: ManagerId,
    managers: &mut [CaseManager],
    retained_on_handoff: f64,
) {
    debug_assert!(!offender.is_allocated());
    if offender.ever_allocated {
        offender.handoffs += 1;
        offender.relationship *= retained_on_handoff as f32;
    }
    offender.ever_allocated = true;
    offender.manager = to;
    managers[to.index().expect("allocated to a real post")].caseload += 1;
}

/// Takes a case off its case manager (who has left), leaving it to be reallocated.
pub fn release(offender: &mut Offender, managers: &mut [CaseManager]) {
    if let Some(index) = offender.manager.index() {
        managers[index].caseload -= 1;
        offender.manager = ManagerId::NONE;
    }
}

/// Allocates waiting cases, oldest first, while their patches have room. Returns how many are
/// still waiting.
pub fn allocate_waiting(
    offenders: &mut [Offender],
    managers: &mut [CaseManager],
    patches: &Patches,
    scenario: &Scenario,
) -> u32 {
    let cap = scenario.workforce.caseload_cap;
    let retained = scenario.relationship.retained_on_handoff;
    let mut waiting = 0;
    for offender in offenders
        .iter_mut()
        .filter(|o| o.stage == Stage::Order && !o.is_allocated())
    {
        match patches.choose(offender.patch, managers, cap) {
            Some(id) => allocate(offender, id, managers, retained),
            None => waiting += 1,
        }
    }
    waiting
}
