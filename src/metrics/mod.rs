//! What is measured: the measure table ([`measures`]: each output measure declared once, with
//! its unit, label, meaning and computation) and the [`recorder`] that collects a replication's
//! weekly records and case outcomes as it runs. Collection only: nothing here changes the model.

pub mod cases;
pub mod costs;
pub mod groups;
pub mod measures;
pub mod recalls;
pub mod recorder;

pub use costs::CostBreakdown;
pub use groups::{GROUP_MEASURES, GroupMeasure, GroupTallies, GroupTally};
pub use measures::{COLUMNS, MEASURES, Measure, Metrics, Scope, Unit, Window, measure};
pub use recalls::{RecallGroup, RecallMetric, RecallTally};
pub use recorder::{
    CaseCounts, OutcomeTally, Recorder, StaffCounts, Survival, TimeToEvent, WeekRecord,
};
