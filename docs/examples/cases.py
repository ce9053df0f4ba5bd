"""Read casesim's case-level output, fit a model and draw a plot (docs/cases.md).

    casesim run scenarios/baseline.toml --cases output/baseline/cases.csv.gz
    python3 docs/examples/cases.py output/baseline/cases.csv.gz

Needs pandas (and numpy, which pandas brings); draws the plot when matplotlib is there.
"""
import sys

import numpy as np
import pandas as pd

path = sys.argv[1] if len(sys.argv) > 1 else "output/baseline/cases.csv.gz"
out = sys.argv[2] if len(sys.argv) > 2 else "reoffending_by_handoffs.png"

# Read: pandas reads the gzip directly. Empty cells are undefined values; the one TRUE/FALSE
# column with them is read as pandas' nullable boolean.
tiers = pd.CategoricalDtype(["low", "medium", "high", "very_high"], ordered=True)
cases = pd.read_csv(path, dtype={"reoffence_censored": "boolean", "risk": tiers})

# Cases sentenced in the run, with a full year of follow-up observed.
followed = cases[
    ~cases.initial_caseload & (cases.follow_up_weeks_observed == 52)
].copy()
followed["reoffended"] = followed.weeks_to_first_proven_reoffence.notna().astype(float)
print(f"{len(cases)} cases, {len(followed)} followed up for a year")
print(followed.groupby("risk", observed=True).reoffended.mean().round(3).to_string())

# Model: logistic regression of proven reoffending within the year on risk tier, handoffs and
# weeks unallocated (fitted by iteratively reweighted least squares, numpy only).
x = pd.get_dummies(followed.risk, prefix="risk", drop_first=True, dtype=float)
x["handoffs"] = followed.handoffs.astype(float)
x["weeks_unallocated"] = followed.weeks_unallocated.astype(float)
x.insert(0, "intercept", 1.0)
X, y = x.to_numpy(), followed.reoffended.to_numpy()
beta = np.zeros(X.shape[1])
for _ in range(25):
    p = 1 / (1 + np.exp(-X @ beta))
    w = p * (1 - p)
    beta += np.linalg.solve(X.T @ (X * w[:, None]) + 1e-9 * np.eye(X.shape[1]), X.T @ (y - p))
print("log-odds of proven reoffending within a year:")
for name, b in zip(x.columns, beta):
    print(f"  {name:20s} {b:+.3f}")

# Plot: reoffending by the number of handoffs.
by_handoffs = followed.groupby(followed.handoffs.clip(upper=3)).reoffended.mean()
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib is not installed: no plot")
else:
    ax = by_handoffs.plot.bar(rot=0)
    ax.set_xlabel("handoffs (3 = 3 or more)")
    ax.set_ylabel("proven reoffending within a year")
    ax.set_ylim(0, 1)
    plt.tight_layout()
    plt.savefig(out)
    print(f"plot in {out}")
