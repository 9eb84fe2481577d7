# glmer's fitted values, residuals and conditional modes for the GLMM diagnostics, and its anova of two cbpp models.
#   dotnet run -c Release --project benchmarks/FastMlm.Benchmarks -- write-data /tmp/simdata
#   Rscript make-glmm-diagnostics.R /tmp/simdata        (in this folder; writes glmm-diagnostics.json)
# The fits are run to glmer's tight tolerances (tolPwrss 1e-12, bobyqa's rhoend 1e-10) so that they reach the
# Laplace optimum that FastMlm reaches; at the defaults glmer stops up to 6e-3 short in deviance on these sets.
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
data <- commandArgs(trailingOnly = TRUE)[1]
sim <- function(name) read.csv(file.path(data, paste0(name, ".csv")), stringsAsFactors = TRUE)
tight <- glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12, optCtrl = list(rhoend = 1e-10))
describe <- function(id, m, data_name, weights = NULL) {
  re <- ranef(m, condVar = TRUE)
  ranefs <- lapply(names(re), function(g) {
    r <- re[[g]]; pv <- attr(r, "postVar")
    list(group = g, levels = I(rownames(r)), columns = I(colnames(r)),
      modes = lapply(seq_len(ncol(r)), function(j) unname(r[[j]])),
      condsd = lapply(seq_len(ncol(r)), function(j) unname(sqrt(pv[j, j, ]))))
  })
  fe <- fixef(m)
  list(id = id, data = data_name, formula = paste(deparse(formula(m), width.cutoff = 500), collapse = ""),
    family = family(m)$family, link = family(m)$link, weights = weights,
    deviance = -2 * as.numeric(logLik(m)), theta = unname(getME(m, "theta")),
    fixef = lapply(names(fe), function(n) list(term = n, estimate = unname(fe[n]))),
    eta = unname(predict(m)), fitted = unname(fitted(m)),
    deviance_residuals = unname(residuals(m, type = "deviance")),
    pearson_residuals = unname(residuals(m, type = "pearson")),
    response_residuals = unname(residuals(m, type = "response")),
    ranef = ranefs)
}
cases <- list()
m <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), data = cbpp, family = binomial, control = tight)
cases[[1]] <- describe("cbpp", m, "cbpp")
d <- sim("bernoulli_groups_sim")
cases[[2]] <- describe("bernoulli_groups", glmer(y ~ x + (1 | g), data = d, family = binomial, control = tight), "bernoulli_groups_sim")
d <- sim("poisson_nested_sim")
cases[[3]] <- describe("poisson_nested_offset", glmer(y ~ x + offset(log(t)) + (1 | school/class), data = d, family = poisson, control = tight), "poisson_nested_sim")
d <- sim("binomial_slopes_sim")
cases[[4]] <- describe("binomial_slopes_weights", glmer(p ~ x + (1 + x | g), data = d, family = binomial, weights = n, control = tight), "binomial_slopes_sim", "n")

# anova of two cbpp models at glmer's default settings (what a user sees)
m0 <- glmer(cbind(incidence, size - incidence) ~ 1 + (1 | herd), data = cbpp, family = binomial)
m1 <- glmer(cbind(incidence, size - incidence) ~ period + (1 | herd), data = cbpp, family = binomial)
a <- anova(m0, m1)
anova_rows <- lapply(seq_len(nrow(a)), function(i) list(model = rownames(a)[i], npar = a$npar[i], AIC = a$AIC[i], BIC = a$BIC[i],
  logLik = a$logLik[i], deviance = a$deviance[i], Chisq = if (is.na(a$Chisq[i])) NULL else a$Chisq[i],
  Df = if (is.na(a$Df[i])) NULL else a$Df[i], p = if (is.na(a[["Pr(>Chisq)"]][i])) NULL else a[["Pr(>Chisq)"]][i]))
out <- list(lme4 = as.character(packageVersion("lme4")), R = paste(R.version$major, R.version$minor, sep = "."),
  cases = cases,
  anova = list(formulas = c("cbind(incidence, size - incidence) ~ 1 + (1 | herd)", "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)"),
    rows = anova_rows))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"), "glmm-diagnostics.json")
cat("glmm-diagnostics.json written\n")
