# Reference values for tests/analysis/test_pairwise_differences.py: differences between
# pairs of school types (the neighborhoods) in R's survey package, on its own apistrat
# data (the same rows as tests/data/apistrat.csv), post-stratified and raked as in
# tests/data/survey_reference.R.
# Regenerate: Rscript tests/data/pairwise_reference.R > tests/data/pairwise_reference.txt
# (svyttest on the two types warns "observations with zero weight not used for
# calculating dispersion": a subset of a calibrated design keeps the other rows at
# weight zero, as it should.)
suppressMessages(library(survey))
data(api)
cat("R:", R.version.string, "\n")
cat("survey:", as.character(packageVersion("survey")), "\n")
pop.stype <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = as.vector(table(apipop$sch.wide)))
plain <- svydesign(id = ~1, weights = ~1, data = apistrat)
designs <- list(
  poststratified = postStratify(plain, ~stype, pop.stype),
  raked = rake(plain, list(~stype, ~sch.wide), list(pop.stype, pop.schwide),
               control = list(maxit = 100, epsilon = 1e-10, verbose = FALSE))
)
pairs <- list(c("E", "H"), c("E", "M"), c("H", "M"))
for (label in names(designs)) {
  design <- update(designs[[label]], awarded = as.numeric(awards == "Yes"))
  for (variable in c("api00", "awarded")) {
    # The three domain means with their covariance (svyby's covmat fails on a
    # calibrated design in survey 4.1): the regression on the type indicators.
    means <- svyglm(as.formula(paste(variable, "~ 0 + stype")), design)
    for (pair in pairs) {
      weights <- setNames(as.numeric(names(coef(means)) == paste0("stype", pair[1])) -
                            as.numeric(names(coef(means)) == paste0("stype", pair[2])),
                          names(coef(means)))
      contrast <- svycontrast(means, weights)
      # svyttest on the two types: its t, degrees of freedom and p-value.
      two <- subset(design, stype %in% pair)
      two <- update(two, second = as.numeric(stype == pair[2]))
      test <- svyttest(as.formula(paste(variable, "~ second")), two)
      cat(sprintf("%s %s %s-%s difference %.10g se %.10g t %.10g df %.10g p %.10g\n",
                  label, variable, pair[1], pair[2], coef(contrast), SE(contrast),
                  -test$statistic, test$parameter, test$p.value))
    }
  }
}
