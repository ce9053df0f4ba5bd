//! Experiments about the model itself: `casesim validate` (the model against published findings)
//! and `casesim sensitivity` (which assumptions drive the results).

pub mod global;
pub mod morris;
pub mod sensitivity;
pub mod sobol;
pub mod validation;
