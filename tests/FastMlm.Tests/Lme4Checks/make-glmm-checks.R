# Fits the GLMM checks with lme4 and writes one JSON per case (the reference schema), next to this script.
#   dotnet run -c Release --project benchmarks/FastMlm.Benchmarks -- write-data /tmp/simdata
#   Rscript make-glmm-checks.R /tmp/simdata /path/to/shared
# Cases with the canonical link go through shared/tools/lme4_fit.R; the probit and cloglog cases and the proportion
# with weights call glmer here (lme4_fit.R knows neither links nor weights) and write the same fields.
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
a <- commandArgs(trailingOnly = TRUE)
data <- a[1]; shared <- a[2]
sim <- function(name) file.path(data, paste0(name, ".csv"))
fit <- function(id, csv, formula, family, nagq = 1) {
  args <- c(file.path(shared, "tools", "lme4_fit.R"), csv, formula, "--id", id, "--family", family, "--nagq", nagq)
  out <- system2("Rscript", shQuote(args), stdout = TRUE, stderr = TRUE)
  json <- out[cumsum(grepl("^\\{", out)) > 0 & cumsum(grepl("^\\}", c("", head(out, -1)))) == 0]
  warn <- setdiff(out, json)
  writeLines(json, paste0(id, ".json"))
  if (length(warn)) writeLines(warn, paste0(id, ".lme4-messages.txt"))
  cat(id, "done\n")
}
fit_direct <- function(id, csv, formula, family, weights = NULL, tolPwrss = 1e-7) {
  d <- read.csv(csv, stringsAsFactors = FALSE)
  ctrl <- glmerControl(optimizer = "bobyqa", tolPwrss = tolPwrss)
  t0 <- proc.time()[["elapsed"]]
  m <- if (is.null(weights)) glmer(as.formula(formula), data = d, family = family, control = ctrl)
       else glmer(as.formula(formula), data = d, family = family, weights = d[[weights]], control = ctrl)
  secs <- proc.time()[["elapsed"]] - t0
  fe <- fixef(m); se <- sqrt(diag(as.matrix(vcov(m)))); vc <- as.data.frame(VarCorr(m))
  out <- list(id = id, formula = formula, family = family$family, link = family$link, weights = weights, reml = FALSE, nAGQ = 1L,
    nobs = nobs(m), ngroups = as.list(ngrps(m)), objective = -2 * as.numeric(logLik(m)),
    logLik = as.numeric(logLik(m)), AIC = AIC(m), BIC = BIC(m), df = attr(logLik(m), "df"), sigma = NULL,
    theta = unname(getME(m, "theta")), singular = isSingular(m),
    fixef = lapply(names(fe), function(n) list(term = n, estimate = unname(fe[n]), se = unname(se[n]))),
    varcorr = lapply(seq_len(nrow(vc)), function(i) list(group = vc$grp[i], var1 = if (is.na(vc$var1[i])) NULL else vc$var1[i],
      var2 = if (is.na(vc$var2[i])) NULL else vc$var2[i], vcov = vc$vcov[i], sdcor = vc$sdcor[i])),
    lme4_seconds = secs, tolPwrss = tolPwrss)
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, null = "null"), paste0(id, ".json"))
  cat(id, "done\n")
}
fit("bernoulli_crossed_laplace", sim("bernoulli_crossed_sim"), "y ~ x + (1 | a) + (1 | b)", "binomial")
fit("binomial_slopes_laplace", sim("binomial_slopes_sim"), "cbind(k, n - k) ~ x + (1 + x | g)", "binomial")
fit("poisson_nested_offset_laplace", sim("poisson_nested_sim"), "y ~ x + offset(log(t)) + (1 | school/class)", "poisson")
fit("bernoulli_groups_agq1", sim("bernoulli_groups_sim"), "y ~ x + (1 | g)", "binomial", 1)
fit("bernoulli_groups_agq5", sim("bernoulli_groups_sim"), "y ~ x + (1 | g)", "binomial", 5)
fit("bernoulli_groups_agq25", sim("bernoulli_groups_sim"), "y ~ x + (1 | g)", "binomial", 25)
fit("bernoulli_groups_nagq0", sim("bernoulli_groups_sim"), "y ~ x + (1 | g)", "binomial", 0)
fit_direct("bernoulli_crossed_probit", sim("bernoulli_crossed_sim"), "y ~ x + (1 | a) + (1 | b)", binomial(link = "probit"))
fit_direct("bernoulli_groups_cloglog", sim("bernoulli_groups_sim"), "y ~ x + (1 | g)", binomial(link = "cloglog"))
fit_direct("binomial_slopes_weights", sim("binomial_slopes_sim"), "p ~ x + (1 + x | g)", binomial(), weights = "n")
# glmer's default PIRLS tolerance (1e-7) stops short of the Laplace optimum on the small groups; with 1e-12 it reaches it.
fit_direct("bernoulli_groups_agq1_tight", sim("bernoulli_groups_sim"), "y ~ x + (1 | g)", binomial(), tolPwrss = 1e-12)
