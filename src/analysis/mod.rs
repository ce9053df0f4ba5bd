//! Experiments about the model itself: `casesim validate` (the model against published findings)
//! and `casesim sensitivity` (which assumptions drive the results).

pub mod sensitivity;
pub mod validation;
