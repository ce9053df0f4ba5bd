//! The `[modes]` section: the modes of case management (DOMICE 2011a) and who gets which.

use serde::{Deserialize, Serialize};

use crate::scenario::table::Params;
use crate::scenario::{MAX_UNIT_COST, MAX_WEEKS, Mode, ModePolicy, PerTier, RiskTier};

/// Modes of case management and the policy that assigns them. Each mode's settings are
/// assumptions, ordered as DOMICE 2011a orders the modes ("from the low-cost ADMINISTRATIVE mode
/// to the high-cost COMPREHENSIVE mode"); no study gives the numbers. Under the default
/// risk-matched policy the contact intervals keep the tiering of the NOMS Offender Management
/// Model (monthly, fortnightly, weekly, weekly). Setting one key of a mode keeps its other
/// defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Modes {
    /// `risk_matched` (the mode of `risk_map` for the case's tier) or one mode for everyone.
    #[param(
        default = ModePolicy::RiskMatched,
        label = "mode policy",
        source = "risk-need-responsivity: intensity matched to risk (Andrews, Bonta & Hoge 1990)"
    )]
    pub policy: ModePolicy,
    /// Under `risk_matched`, the mode of each risk tier.
    #[param(
        default = PerTier::new(
            Mode::Administrative,
            Mode::Brokerage,
            Mode::Therapeutic,
            Mode::Comprehensive,
        ),
        label = "mode",
        source = "DOMICE 2011a: the modes run from administrative to comprehensive, which is \
                  \"reserved usually for the most dangerous\"; one step per tier is an assumption"
    )]
    pub risk_map: PerTier<Mode>,
    #[param(
        section,
        default = ModeSettings {
            contact_interval_weeks: 4,
            hours_per_contact: 0.75,
            own_work: 0.25,
            referral_share: 0.3,
            monitoring: 0.75,
            requirement_hours: 0.0,
            cost_per_week: 0.0,
        },
        label = "administrative mode",
        source = "assumption (see the section)"
    )]
    pub administrative: ModeSettings,
    #[param(
        section,
        default = ModeSettings {
            contact_interval_weeks: 2,
            hours_per_contact: 1.0,
            own_work: 0.5,
            referral_share: 0.8,
            monitoring: 1.0,
            requirement_hours: 0.5,
            cost_per_week: 0.0,
        },
        label = "brokerage mode",
        source = "assumption (see the section)"
    )]
    pub brokerage: ModeSettings,
    #[param(
        section,
        default = ModeSettings {
            contact_interval_weeks: 1,
            hours_per_contact: 1.0,
            own_work: 1.0,
            referral_share: 0.6,
            monitoring: 1.0,
            requirement_hours: 2.0,
            cost_per_week: 0.0,
        },
        label = "therapeutic mode",
        source = "assumption (see the section)"
    )]
    pub therapeutic: ModeSettings,
    #[param(
        section,
        default = ModeSettings {
            contact_interval_weeks: 1,
            hours_per_contact: 1.25,
            own_work: 1.0,
            referral_share: 0.9,
            monitoring: 2.5,
            requirement_hours: 6.0,
            cost_per_week: 25.0,
        },
        label = "comprehensive mode",
        source = "assumption (see the section); its non-staff cost is drug testing and \
                  electronic monitoring, of the order of £100 a month"
    )]
    pub comprehensive: ModeSettings,
}

/// What one mode asks of the case manager and does for the case.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields)]
pub struct ModeSettings {
    /// Weeks between scheduled contacts.
    #[param(unit = "weeks", min = 1, max = MAX_WEEKS, label = "weeks between contacts")]
    pub contact_interval_weeks: u32,
    /// Hours per contact, including preparation, travel and recording.
    #[param(unit = "hours", min = 0, max = 100, label = "hours of a contact")]
    pub hours_per_contact: f64,
    /// The case manager's own work on needs at a kept appointment, as a multiplier on
    /// `needs.work_per_contact` (informal counselling to structured interventions).
    #[param(unit = "multiplier", min = 0, max = 100, label = "own work on needs")]
    pub own_work: f64,
    /// Probability that drawing up or reviewing the plan refers the most severe need to a
    /// service (brokerage, "linking").
    #[param(
        unit = "probability",
        min = 0,
        max = 1,
        label = "referrals to services"
    )]
    pub referral_share: f64,
    /// How closely compliance is watched: a multiplier on the detection of violations.
    #[param(unit = "multiplier", min = 0, max = 100, label = "monitoring")]
    pub monitoring: f64,
    /// Hours a week of the person's time the mode's other requirements take (drug tests,
    /// activities, reporting), beyond appointments: what intensive supervision costs a job.
    #[param(
        unit = "hours a week",
        min = 0,
        max = 168,
        label = "other requirement hours"
    )]
    pub requirement_hours: f64,
    /// Non-staff cost a case-week (electronic monitoring, drug tests), in cost units.
    #[param(unit = "£ a case-week", min = 0, max = MAX_UNIT_COST, label = "non-staff cost")]
    pub cost_per_week: f64,
}

impl Modes {
    /// The mode a case of `tier` is managed in.
    pub fn mode_for(&self, tier: RiskTier) -> Mode {
        match self.policy {
            ModePolicy::RiskMatched => self.risk_map[tier],
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

    /// Every mode's settings, to change them all alike.
    pub fn every_mut(&mut self) -> [&mut ModeSettings; 4] {
        [
            &mut self.administrative,
            &mut self.brokerage,
            &mut self.therapeutic,
            &mut self.comprehensive,
        ]
    }
}
