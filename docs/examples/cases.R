# Read casesim's case-level output, fit a model and draw a plot (docs/cases.md).
#
#   casesim run scenarios/baseline.toml --cases output/baseline/cases.csv.gz
#   Rscript docs/examples/cases.R output/baseline/cases.csv.gz
#
# Base R only.
args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) >= 1) args[1] else "output/baseline/cases.csv.gz"
out <- if (length(args) >= 2) args[2] else "reoffending_by_handoffs.pdf"

# Read: read.csv reads the gzip directly; TRUE/FALSE columns become logical, empty cells NA.
cases <- read.csv(path, stringsAsFactors = FALSE)
cases$risk <- factor(cases$risk, levels = c("low", "medium", "high", "very_high"))

# Cases sentenced in the run, with a full year of follow-up observed.
followed <- subset(cases, !initial_caseload & follow_up_weeks_observed %in% 52)
followed$reoffended <- !is.na(followed$weeks_to_first_proven_reoffence)
cat(nrow(cases), "cases,", nrow(followed), "followed up for a year\n")
print(round(tapply(followed$reoffended, followed$risk, mean), 3))

# Model: logistic regression of proven reoffending within the year.
model <- glm(reoffended ~ risk + handoffs + weeks_unallocated, family = binomial, data = followed)
print(round(coef(summary(model)), 3))

# Plot: reoffending by the number of handoffs.
pdf(out)
rates <- tapply(followed$reoffended, pmin(followed$handoffs, 3), mean)
barplot(rates, ylim = c(0, 1), xlab = "handoffs (3 = 3 or more)",
        ylab = "proven reoffending within a year")
invisible(dev.off())
cat("plot in", out, "\n")
