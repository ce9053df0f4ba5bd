//! Numbers written for people: the report, the training room and the model's own messages (the
//! caseload warning) share one way of writing them.

/// Whole number with thousands separators: `2,298`, `-1,477`.
pub fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < -0.5 { format!("-{out}") } else { out }
}
