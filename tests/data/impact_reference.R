# Reference values for tests/analysis/test_impact_r_reference.py: the difference-in-
# differences and the event study of surveys/analysis/impact.py and impact_events.py,
# fitted in R on the respondents of tests/data/impact_rows.csv (written by
# tests/data/make_impact_rows.py): weighted least squares with neighborhood and period
# fixed effects, the covariance clustered by neighborhood with sandwich's vcovCL (HC1:
# G/(G-1) x (N-1)/(N-K), the neighborhood dummies counted in K as Stata's regress does;
# fixest would leave fixed effects nested in the cluster out of K), t and F
# with G - 1 denominator degrees of freedom.
# Regenerate: Rscript tests/data/impact_reference.R > tests/data/impact_reference.txt
suppressMessages(library(sandwich))
rows <- read.csv("tests/data/impact_rows.csv")
cat("R:", R.version.string, "\n")
cat("sandwich:", as.character(packageVersion("sandwich")), "\n")
G <- length(unique(rows$neighborhood))
show <- function(name, value) cat(name, sprintf("%.12g", value), "\n")

rows$treated <- as.numeric(rows$covered == 1 & rows$period >= 3)
did <- lm(y ~ treated + factor(neighborhood) + factor(period), data = rows, weights = weight)
V <- vcovCL(did, cluster = ~neighborhood, type = "HC1")
b <- coef(did)[["treated"]]
se <- sqrt(V["treated", "treated"])
q <- qt(0.975, G - 1)
show("did_estimate", b)
show("did_se", se)
show("did_ci_low", b - q * se)
show("did_ci_high", b + q * se)
show("did_p", 2 * pt(-abs(b / se), G - 1))
show("respondents", nrow(rows))

event <- pmin(pmax(rows$period - 3, -2), 2)
for (k in c(-2, 0, 1, 2)) {
  rows[[paste0("e", k + 2)]] <- as.numeric(rows$covered == 1 & event == k)
}
study <- lm(y ~ e0 + e2 + e3 + e4 + factor(neighborhood) + factor(period),
            data = rows, weights = weight)
W <- vcovCL(study, cluster = ~neighborhood, type = "HC1")
for (k in c(-2, 0, 1, 2)) {
  name <- paste0("e", k + 2)
  show(paste0("event_", k, "_estimate"), coef(study)[[name]])
  show(paste0("event_", k, "_se"), sqrt(W[name, name]))
}
pre <- coef(study)[["e0"]]
F <- pre^2 / W["e0", "e0"]
show("pretrend_F", F)
show("pretrend_p", pf(F, 1, G - 1, lower.tail = FALSE))
