//! The domain of case management, one module per concept. The vocabulary is the seeds':
//! caseload, allocation, handoff, contact, breach, criminogenic need.

pub mod circumstances;
pub mod compliance;
pub mod court;
pub mod custody;
pub mod enforcement;
pub mod engagement;
pub mod icm;
pub mod journey;
pub mod modes;
pub mod needs;
pub mod offender;
pub mod organisation;
pub mod reoffending;
pub mod services;
pub mod unit;
pub mod workforce;
pub mod workload;
