//! The categories every part of the model shares, as scenario keys spell them: risk tiers,
//! principal offences, criminogenic needs and modes of case management. They are declared
//! here, with the scenario, because the scenario's per-tier, per-need and per-mode settings are
//! keyed by them; the model uses them from here. `Choice` gives each `ALL`, `COUNT`, `index()`
//! and `name()` (the name in scenario keys and output files).

use serde::{Deserialize, Serialize};

use crate::scenario::table::Choice;

/// Static risk of reoffending, banded as probation services band OGRS-type scores
/// (Howard et al. 2009).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Choice,
)]
#[serde(rename_all = "snake_case")]
pub enum RiskTier {
    Low,
    Medium,
    High,
    VeryHigh,
}

/// Principal offence of the current order.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Choice,
)]
#[serde(rename_all = "snake_case")]
pub enum OffenceType {
    Violent,
    Sexual,
    Acquisitive,
    Drug,
    Other,
}

/// A criminogenic need: something that, unmet, raises the chance of reoffending (the OASys
/// sections, grouped).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Choice,
)]
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
    /// "Chaotic" needs make a life hard to organise: they lower attendance and can flare up.
    pub fn is_chaotic(self) -> bool {
        matches!(
            self,
            Need::Drugs | Need::Alcohol | Need::MentalHealth | Need::Accommodation
        )
    }

    /// A court can require treatment for it in a community order: a drug rehabilitation,
    /// alcohol treatment or mental health treatment requirement (Sentencing Act 2020,
    /// Schedule 9, Parts 9-11), or an accredited programme for offending behaviour (Part 3).
    pub fn has_treatment_requirement(self) -> bool {
        matches!(
            self,
            Need::Drugs | Need::Alcohol | Need::MentalHealth | Need::Thinking
        )
    }
}

// Sets of needs are kept as bit masks in a byte (needs at the start, planned needs, service
// history): every need must have its bit.
const _: () = assert!(Need::COUNT <= u8::BITS as usize);

/// Highest severity of a need (0 = none or met, 1 = mild, 2 = moderate, 3 = severe).
pub const MAX_SEVERITY: u8 = 3;

/// A mode of case management (DOMICE 2011a).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// "The least intrusive and lowest cost; doing the least necessary to implement the
    /// sentence".
    Administrative,
    /// "A supportive, guiding, linking mode, typical of resettlement work".
    Brokerage,
    /// "More intrusive and assertive, including technical intervention(s) like addictions
    /// work".
    Therapeutic,
    /// "Complex, intrusive, including overt control; reserved usually for the most dangerous".
    Comprehensive,
}

/// Which mode each case gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "snake_case")]
pub enum ModePolicy {
    /// The mode of `modes.risk_map` for the case's risk tier (risk-need-responsivity).
    RiskMatched,
    /// Everyone in the administrative mode.
    Administrative,
    /// Everyone in the brokerage mode.
    Brokerage,
    /// Everyone in the therapeutic mode.
    Therapeutic,
    /// Everyone in the comprehensive mode.
    Comprehensive,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_keys_serde_reads() {
        for tier in RiskTier::ALL {
            let read: RiskTier =
                serde_json::from_value(serde_json::json!(tier.name())).expect("a tier");
            assert_eq!(read, tier);
        }
        for need in Need::ALL {
            let read: Need = serde_json::from_value(serde_json::json!(need.name())).expect("need");
            assert_eq!(read, need);
        }
        assert_eq!(ModePolicy::RiskMatched.name(), "risk_matched");
        assert_eq!(Need::MentalHealth.index(), 2);
    }
}
