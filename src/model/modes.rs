//! Modes of case management (DOMICE 2011a): how much a case manager does with a case.
//!
//! - **administrative**: "the least intrusive and lowest cost; doing the least necessary to
//!   implement the sentence";
//! - **brokerage**: "a supportive, guiding, linking mode, typical of resettlement work";
//! - **therapeutic**: "more intrusive and assertive, including technical intervention(s) like
//!   addictions work";
//! - **comprehensive**: "complex, intrusive, including overt control; reserved usually for the
//!   most dangerous".
//!
//! Each mode sets the contact interval and the hours of a contact, how much of the work on
//! needs the case manager does personally (`own_work`) and how much is brokered to services
//! (`referral_share`), how closely compliance is watched (`monitoring`), the hours of its other requirements
//! (`requirement_hours`: unpaid work, programmes, curfews, done in groups) and its non-staff
//! cost. A mode policy gives every case
//! one mode, or matches mode to risk tier (risk-need-responsivity).

use crate::model::offender::{Offender, RiskTier};
pub use crate::scenario::{Mode, ModePolicy};
use crate::scenario::{ModeSettings, Modes};

/// Each tier's mode settings under the policy, resolved once per replication: the weekly
/// step looks a case's settings up by tier, with no matching on policy or mode.
pub struct ModeTable {
    by_tier: [ModeSettings; RiskTier::COUNT],
    mode_by_tier: [Mode; RiskTier::COUNT],
}

impl ModeTable {
    pub fn new(modes: &Modes) -> Self {
        ModeTable {
            by_tier: RiskTier::ALL.map(|tier| *modes.for_tier(tier)),
            mode_by_tier: RiskTier::ALL.map(|tier| modes.mode_for(tier)),
        }
    }

    /// The mode a case of `tier` is managed under.
    pub fn mode(&self, tier: RiskTier) -> Mode {
        self.mode_by_tier[tier.index()]
    }

    /// The settings a case of `tier` is managed under.
    pub fn get(&self, tier: RiskTier) -> &ModeSettings {
        &self.by_tier[tier.index()]
    }
}

/// Weeks to the next contact after one this week: the mode's interval, or weekly while a
/// graduated sanction of increased reporting is in force.
pub fn contact_interval(o: &Offender, settings: &ModeSettings, week: i32) -> i32 {
    if o.supervision.sanctions.reporting_active(week) {
        1
    } else {
        settings.contact_interval_weeks as i32
    }
}
