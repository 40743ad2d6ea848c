# Reference values for tests/analysis/test_calibration_reference.py, computed by R's
# survey package on its own apistrat data (the same rows as tests/data/apistrat.csv).
# Regenerate: Rscript tests/data/survey_reference.R > tests/data/survey_reference.txt
suppressMessages(library(survey))
data(api)
cat("R:", R.version.string, "\n")
cat("survey:", as.character(packageVersion("survey")), "\n")
show <- function(label, estimate) {
  values <- coef(estimate)
  errors <- SE(estimate)
  for (i in seq_along(values)) {
    cat(sprintf("%s %s %.10g %.10g\n", label, names(values)[i], values[i], errors[i]))
  }
}
pop.stype <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = as.vector(table(apipop$sch.wide)))
cat("population sch.wide:", paste(pop.schwide$sch.wide, pop.schwide$Freq), "\n")
plain <- svydesign(id = ~1, weights = ~1, data = apistrat)

# Post-stratification to school type (the neighborhoods), no finite population correction.
ps <- postStratify(plain, ~stype, pop.stype)
show("poststratified mean", svymean(~api00, ps))
show("poststratified total", svytotal(~enroll, ps))
show("poststratified awards", svymean(~awards, ps))
by <- svyby(~api00, ~stype, ps, svymean)
for (i in seq_len(nrow(by))) {
  cat(sprintf("poststratified by %s %.10g %.10g\n", by$stype[i], by$api00[i], by$se[i]))
}
test <- svychisq(~stype + awards, ps, statistic = "F")
cat(sprintf("poststratified svychisq F %.10g ndf %.10g ddf %.10g p %.10g\n",
            test$statistic, test$parameter[1], test$parameter[2], test$p.value))

# Raking to school type and to whether the school-wide target was met.
raked <- rake(plain, list(~stype, ~sch.wide), list(pop.stype, pop.schwide),
              control = list(maxit = 100, epsilon = 1e-10, verbose = FALSE))
show("raked mean", svymean(~api00, raked))
show("raked total", svytotal(~enroll, raked))
show("raked awards", svymean(~awards, raked))
test <- svychisq(~stype + awards, raked, statistic = "F")
cat(sprintf("raked svychisq F %.10g ndf %.10g ddf %.10g p %.10g\n",
            test$statistic, test$parameter[1], test$parameter[2], test$p.value))
cat("raked weights range:", sprintf("%.6g", range(weights(raked))), "\n")
