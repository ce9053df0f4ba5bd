//! Modes of case management (seed 001): how much a case manager does with a case.
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
//! (`referral_share`), how closely compliance is watched (`monitoring`), how intrusive it is
//! (`intensity`, for the risk principle) and its non-staff cost. A mode policy gives every case
//! one mode, or matches mode to risk tier (risk-need-responsivity).

use serde::{Deserialize, Serialize};

use crate::model::offender::{Offender, RiskTier};
use crate::scenario::{ModeSettings, Modes};

/// A mode of case management.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Administrative,
    Brokerage,
    Therapeutic,
    Comprehensive,
}

impl Mode {
    pub const ALL: [Mode; 4] = [
        Mode::Administrative,
        Mode::Brokerage,
        Mode::Therapeutic,
        Mode::Comprehensive,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Administrative => "administrative",
            Mode::Brokerage => "brokerage",
            Mode::Therapeutic => "therapeutic",
            Mode::Comprehensive => "comprehensive",
        }
    }
}

/// Which mode each case gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModePolicy {
    /// The mode of `modes.risk_map` for the case's risk tier.
    RiskMatched,
    Administrative,
    Brokerage,
    Therapeutic,
    Comprehensive,
}

impl Modes {
    /// The mode a case of `tier` is managed in.
    pub fn mode_for(&self, tier: RiskTier) -> Mode {
        match self.policy {
            ModePolicy::RiskMatched => self.risk_map.as_array()[tier.index()],
            ModePolicy::Administrative => Mode::Administrative,
            ModePolicy::Brokerage => Mode::Brokerage,
            ModePolicy::Therapeutic => Mode::Therapeutic,
            ModePolicy::Comprehensive => Mode::Comprehensive,
        }
    }

    pub fn settings(&self, mode: Mode) -> &ModeSettings {
        match mode {
            Mode::Administrative => &self.administrative,
            Mode::Brokerage => &self.brokerage,
            Mode::Therapeutic => &self.therapeutic,
            Mode::Comprehensive => &self.comprehensive,
        }
    }

    /// The settings a case of `tier` is managed under.
    pub fn for_tier(&self, tier: RiskTier) -> &ModeSettings {
        self.settings(self.mode_for(tier))
    }
}

/// Each tier's mode settings under the policy, resolved once per replication: the weekly
/// step looks a case's settings up by tier, with no matching on policy or mode.
pub struct ModeTable {
    by_tier: [ModeSettings; RiskTier::COUNT],
}

impl ModeTable {
    pub fn new(modes: &Modes) -> Self {
        ModeTable {
            by_tier: RiskTier::ALL.map(|tier| *modes.for_tier(tier)),
        }
    }

    /// The settings a case of `tier` is managed under.
    pub fn get(&self, tier: RiskTier) -> &ModeSettings {
        &self.by_tier[tier.index()]
    }
}

/// Weeks to the next contact after one this week: the mode's interval, or weekly while a
/// graduated sanction of increased reporting is in force.
pub fn contact_interval(o: &Offender, settings: &ModeSettings, week: i32) -> i32 {
    if o.sanctions.reporting_active(week) {
        1
    } else {
        settings.contact_interval_weeks as i32
    }
}
