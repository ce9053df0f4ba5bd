//! The court at breach proceedings (`[court]`): what it weighs and what it decides.

use serde::{Deserialize, Serialize};

use crate::scenario::custody::OffenceFactor;
use crate::scenario::table::Params;
use crate::scenario::{MAX_WEEKS, PerTier};

/// The court's decision when an order comes back for breach (Sentencing Council 2018, Breach
/// Offences Definitive Guideline: the penalty follows the offender's overall compliance with
/// the order, from a curfew or a fine at high compliance to revocation and custody at wilful
/// and persistent non-compliance). Whether the order is revoked is drawn from the compliance
/// band's probability, with the odds raised by new offences during the order and by risk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct Court {
    /// Share of offered appointments kept at or above which compliance is "high".
    #[param(
        default = 0.95,
        unit = "share of appointments",
        min = 0,
        max = 1,
        label = "high compliance from",
        source = "assumption: the guideline's bands are the court's judgment of compliance; \
                  nineteen appointments in twenty kept. With the revocation shares, calibration \
                  to the published completion rate (UK Parliament 2023) and breach rate \
                  (Scottish Government 2012)"
    )]
    pub high_compliance: f64,
    /// Share of offered appointments kept at or above which (and below `high_compliance`)
    /// compliance is "medium"; below it, "low".
    #[param(
        default = 0.85,
        unit = "share of appointments",
        min = 0,
        max = 1,
        label = "medium compliance from",
        source = "assumption, as high_compliance"
    )]
    pub medium_compliance: f64,
    /// Probability the court revokes the order, by compliance band.
    #[param(
        section,
        label = "orders revoked at breach",
        source = "assumption, ordered as the Sentencing Council's (2018) breach guideline: \
                  revocation and custody for wilful and persistent non-compliance, a more \
                  onerous requirement or a fine for high or medium compliance"
    )]
    pub revocation: ByCompliance,
    /// Odds multiplier of revocation when the person was convicted of a new offence during the
    /// order.
    #[param(
        default = 2.0,
        unit = "odds multiplier",
        min = 1e-6,
        max = 1e6,
        label = "odds of revocation after a new offence",
        source = "assumption: a court sentencing a breach by someone who has also reoffended \
                  sees the order as failing"
    )]
    pub new_offence_odds: f64,
    /// Odds multiplier of revocation by risk tier (the breach report's assessment of risk).
    #[param(
        default = PerTier::new(0.7, 1.0, 1.4, 2.0),
        unit = "odds multiplier",
        min = 1e-6,
        max = 1e6,
        label = "odds of revocation by risk",
        source = "assumption: courts weigh the risk the breach report assesses"
    )]
    pub risk_odds: PerTier<f64>,
    /// Share of orders the court lets continue that it amends with a more onerous requirement
    /// (a curfew); the rest are fined and continue unchanged.
    #[param(
        default = 0.6,
        unit = "share",
        min = 0,
        max = 1,
        label = "continued orders given a curfew",
        source = "assumption: the guideline offers a curfew or a fine at each band below \
                  revocation"
    )]
    pub curfew_share: f64,
    /// Weeks of the curfew the court adds, by compliance band (the order's restriction: as a
    /// graduated sanction's, it watches compliance more closely and cuts offending).
    #[param(
        section,
        label = "weeks of an added curfew",
        source = "Sentencing Council 2018, breach guideline: curfew days of 2-5 (high), 6-10 \
                  (medium), 10-20 (low compliance) and 20-30 (wilful non-compliance), to the \
                  nearest week, at least one"
    )]
    pub curfew_weeks: CurfewWeeks,
    /// Multiplier of the custodial term after revocation by the original offence: the term
    /// is `sentencing.revocation_custody_weeks` times this, times 0.5 plus the share of the
    /// order still to run (credit for the part complied with), times a draw from 0.5 to 1.5
    /// (courts differ), at least a week and at most `longest_term_weeks`.
    #[param(
        section,
        default = OffenceFactor {
            violent: 1.5,
            sexual: 2.0,
            acquisitive: 1.0,
            drug: 1.0,
            other: 0.75,
        },
        label = "custody after revocation by offence",
        source = "assumption: the court resentences for the original offence (Criminal Justice \
                  Act 2003, Schedule 8, para 10), so violent and sexual offences get longer terms"
    )]
    pub term_by_offence: OffenceFactor,
    /// Longest custodial term after a revoked order, in weeks served.
    #[param(
        default = 52,
        unit = "weeks",
        min = 1,
        max = MAX_WEEKS,
        label = "longest custody after revocation",
        source = "assumption: most breach resentences are short"
    )]
    pub longest_term_weeks: u32,
}

/// A value for each band of compliance the court sees at breach.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct ByCompliance {
    /// High compliance.
    #[param(
        default = 0.1,
        unit = "probability",
        min = 0,
        max = 1,
        label = "high compliance"
    )]
    pub high: f64,
    /// Medium compliance.
    #[param(
        default = 0.35,
        unit = "probability",
        min = 0,
        max = 1,
        label = "medium compliance"
    )]
    pub medium: f64,
    /// Low compliance.
    #[param(
        default = 0.7,
        unit = "probability",
        min = 0,
        max = 1,
        label = "low compliance"
    )]
    pub low: f64,
    /// Wilful and persistent non-compliance: whereabouts unknown, or back for breach a second
    /// time.
    #[param(
        default = 0.95,
        unit = "probability",
        min = 0,
        max = 1,
        label = "wilful and persistent non-compliance"
    )]
    pub wilful: f64,
}

/// Weeks of a curfew for each band of compliance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Params)]
#[serde(deny_unknown_fields, default)]
pub struct CurfewWeeks {
    /// High compliance.
    #[param(
        default = 1,
        unit = "weeks",
        min = 1,
        max = 52,
        label = "high compliance"
    )]
    pub high: u32,
    /// Medium compliance.
    #[param(
        default = 1,
        unit = "weeks",
        min = 1,
        max = 52,
        label = "medium compliance"
    )]
    pub medium: u32,
    /// Low compliance.
    #[param(
        default = 2,
        unit = "weeks",
        min = 1,
        max = 52,
        label = "low compliance"
    )]
    pub low: u32,
    /// Wilful and persistent non-compliance.
    #[param(
        default = 4,
        unit = "weeks",
        min = 1,
        max = 52,
        label = "wilful non-compliance"
    )]
    pub wilful: u32,
}

impl ByCompliance {
    pub fn as_array(&self) -> [f64; 4] {
        [self.high, self.medium, self.low, self.wilful]
    }
}

impl CurfewWeeks {
    pub fn as_array(&self) -> [u32; 4] {
        [self.high, self.medium, self.low, self.wilful]
    }
}
