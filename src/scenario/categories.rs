//! The categories every part of the model shares, as scenario keys spell them: risk tiers,
//! principal offences, criminogenic needs and modes of case management. They are declared
//! here, with the scenario, because the scenario's per-tier, per-need and per-mode settings are
//! keyed by them; the model uses them from here.

use serde::{Deserialize, Serialize};

/// Static risk of reoffending, banded as probation services band OGRS-type scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskTier {
    Low,
    Medium,
    High,
    VeryHigh,
}

impl RiskTier {
    pub const ALL: [RiskTier; 4] = [
        RiskTier::Low,
        RiskTier::Medium,
        RiskTier::High,
        RiskTier::VeryHigh,
    ];
    pub const COUNT: usize = 4;

    pub fn index(self) -> usize {
        self as usize
    }

    /// The name used in scenario keys and output files.
    pub fn name(self) -> &'static str {
        match self {
            RiskTier::Low => "low",
            RiskTier::Medium => "medium",
            RiskTier::High => "high",
            RiskTier::VeryHigh => "very_high",
        }
    }
}

/// Principal offence of the current order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffenceType {
    Violent,
    Sexual,
    Acquisitive,
    Drug,
    Other,
}

impl OffenceType {
    pub const ALL: [OffenceType; 5] = [
        OffenceType::Violent,
        OffenceType::Sexual,
        OffenceType::Acquisitive,
        OffenceType::Drug,
        OffenceType::Other,
    ];
    pub const COUNT: usize = 5;
}

/// A criminogenic need: something that, unmet, raises the chance of reoffending.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    Drugs,
    Alcohol,
    MentalHealth,
    Accommodation,
    Employment,
    Family,
    Thinking,
}

impl Need {
    pub const ALL: [Need; 7] = [
        Need::Drugs,
        Need::Alcohol,
        Need::MentalHealth,
        Need::Accommodation,
        Need::Employment,
        Need::Family,
        Need::Thinking,
    ];
    pub const COUNT: usize = 7;

    /// "Chaotic" needs make a life hard to organise: they lower attendance and can flare up.
    pub fn is_chaotic(self) -> bool {
        matches!(
            self,
            Need::Drugs | Need::Alcohol | Need::MentalHealth | Need::Accommodation
        )
    }
}

/// Highest severity of a need (0 = none or met, 1 = mild, 2 = moderate, 3 = severe).
pub const MAX_SEVERITY: u8 = 3;

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
