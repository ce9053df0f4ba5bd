//! The integration tests, one module per area, in one binary so that the test build compiles
//! and links once.

mod common;

mod allocations;
mod by_need;
mod calibration;
mod cases;
mod cli;
mod costs;
mod custody;
mod enforcement;
mod experiments;
mod generated;
mod global_sensitivity;
mod hours;
mod layers;
mod mechanisms;
mod modes_and_services;
mod organisation;
mod outputs;
mod pinned;
mod plots_and_report;
mod posterior;
mod recalls;
mod report_browser;
mod resume;
mod robustness;
mod schedule;
mod serve;
mod serve_browser;
mod services_access;
mod shards;
mod specialisation;
mod teams;
mod unit;
mod untrusted_inputs;
mod volunteers;
