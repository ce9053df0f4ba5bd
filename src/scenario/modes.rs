//! The `[modes]` section: the modes of case management (seed 001) and who gets which.

use serde::{Deserialize, Serialize};

use crate::scenario::{Mode, ModePolicy, PerTier, RiskTier};

/// Modes of case management and the policy that assigns them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Modes {
    /// `risk_matched` (the mode of `risk_map` for the case's tier) or one mode for everyone.
    pub policy: ModePolicy,
    /// Under `risk_matched`, the mode of each risk tier.
    pub risk_map: PerTier<Mode>,
    pub administrative: ModeSettings,
    pub brokerage: ModeSettings,
    pub therapeutic: ModeSettings,
    pub comprehensive: ModeSettings,
}

/// What one mode asks of the case manager and does for the case.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModeSettings {
    /// Weeks between scheduled contacts.
    pub contact_interval_weeks: u32,
    /// Hours per contact, including preparation, travel and recording.
    pub hours_per_contact: f64,
    /// The case manager's own work on needs at a kept appointment, as a multiplier on
    /// `needs.work_per_contact` (informal counselling to structured interventions).
    pub own_work: f64,
    /// Probability that drawing up or reviewing the plan refers the most severe need to a
    /// service (brokerage, "linking").
    pub referral_share: f64,
    /// How closely compliance is watched: a multiplier on the detection of violations.
    pub monitoring: f64,
    /// How intrusive the mode is, 0 (administrative) to 1 (comprehensive): drives the risk
    /// principle (`reoffending.low_risk_intensity_effect`).
    pub intensity: f64,
    /// Non-staff cost a case-week (electronic monitoring, drug tests), in cost units.
    pub cost_per_week: f64,
}

impl Default for Modes {
    fn default() -> Self {
        // Assumptions, ordered as seed 001 orders the modes ("from the low-cost ADMINISTRATIVE
        // mode to the high-cost COMPREHENSIVE mode"). No study gives the numbers; the contact
        // intervals keep the tiering of the NOMS Offender Management Model (monthly,
        // fortnightly, weekly, weekly) when modes are matched to risk, as by default.
        Modes {
            // Risk-need-responsivity: intensity matched to risk (Andrews, Bonta & Hoge 1990).
            policy: ModePolicy::RiskMatched,
            // The issue's default map; seed 001: comprehensive is "reserved usually for the
            // most dangerous".
            risk_map: PerTier {
                low: Mode::Administrative,
                medium: Mode::Brokerage,
                high: Mode::Therapeutic,
                very_high: Mode::Comprehensive,
            },
            administrative: ModeSettings {
                contact_interval_weeks: 4,
                hours_per_contact: 0.75,
                own_work: 0.25,
                referral_share: 0.3,
                monitoring: 0.75,
                intensity: 0.0,
                cost_per_week: 0.0,
            },
            brokerage: ModeSettings {
                contact_interval_weeks: 2,
                hours_per_contact: 1.0,
                own_work: 0.5,
                referral_share: 0.8,
                monitoring: 1.0,
                intensity: 0.33,
                cost_per_week: 0.0,
            },
            therapeutic: ModeSettings {
                contact_interval_weeks: 1,
                hours_per_contact: 1.0,
                own_work: 1.0,
                referral_share: 0.6,
                monitoring: 1.0,
                intensity: 0.67,
                cost_per_week: 0.0,
            },
            comprehensive: ModeSettings {
                contact_interval_weeks: 1,
                hours_per_contact: 1.25,
                own_work: 1.0,
                referral_share: 0.9,
                monitoring: 2.0,
                intensity: 1.0,
                // Assumption: drug testing and electronic monitoring, of the order of £100 a
                // month.
                cost_per_week: 25.0,
            },
        }
    }
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
