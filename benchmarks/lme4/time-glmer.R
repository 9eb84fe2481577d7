# Times glmer on the fits that benchmarks/FastMlm.Benchmarks/GlmmBenchmarks.cs times, on the same machine:
#   dotnet run -c Release --project benchmarks/FastMlm.Benchmarks -- write-data /tmp/simdata
#   Rscript benchmarks/lme4/time-glmer.R /path/to/shared/data /tmp/simdata
# For each fit: the median whole-fit time of glmer() (data already in memory, lme4's defaults: bobyqa then
# Nelder-Mead, and as lme4_fit.R with bobyqa for both stages), its evaluations and -2 log-likelihood, in milliseconds.
suppressPackageStartupMessages(library(lme4))
a <- commandArgs(trailingOnly = TRUE)
shared <- a[1]; sim <- a[2]
read <- function(path) { d <- read.csv(path, stringsAsFactors = FALSE); d[] <- lapply(d, function(x) if (is.character(x)) factor(x) else x); d }
cbpp <- read(file.path(shared, "cbpp.csv")); cbpp$period <- factor(cbpp$period); cbpp$herd <- factor(cbpp$herd)
cases <- list(
  list(name = "cbpp_laplace", data = cbpp, formula = cbind(incidence, size - incidence) ~ period + (1 | herd), family = binomial, nagq = 1, reps = 50),
  list(name = "cbpp_agq25", data = cbpp, formula = cbind(incidence, size - incidence) ~ period + (1 | herd), family = binomial, nagq = 25, reps = 50),
  list(name = "bernoulli_crossed", data = read(file.path(sim, "bernoulli_crossed_sim.csv")), formula = y ~ x + (1 | a) + (1 | b), family = binomial, nagq = 1, reps = 10),
  list(name = "binomial_slopes", data = read(file.path(sim, "binomial_slopes_sim.csv")), formula = cbind(k, n - k) ~ x + (1 + x | g), family = binomial, nagq = 1, reps = 10),
  list(name = "poisson_nested", data = read(file.path(sim, "poisson_nested_sim.csv")), formula = y ~ x + offset(log(t)) + (1 | school/class), family = poisson, nagq = 1, reps = 10),
  list(name = "bernoulli_100k", data = read(file.path(sim, "bernoulli_100k_sim.csv")), formula = y ~ x1 + x2 + (1 | g), family = binomial, nagq = 1, reps = 3))
ms <- function(expr_fun, reps) median(vapply(seq_len(reps), function(i) { t0 <- proc.time()[["elapsed"]]; expr_fun(); proc.time()[["elapsed"]] - t0 }, 0)) * 1000
cat(sprintf("machine: %s, %d cores; %s; lme4 %s\n", system("lscpu | sed -n 's/^Model name:[[:space:]]*//p'", intern = TRUE)[1], parallel::detectCores(), R.version.string, packageVersion("lme4")))
cat("| fit | glmer default (ms) | glmer bobyqa (ms) | evaluations (bobyqa) | -2 logLik |\n|---|---:|---:|---:|---:|\n")
for (cs in cases) {
  f1 <- function() glmer(cs$formula, data = cs$data, family = cs$family, nAGQ = cs$nagq)
  f2 <- function() glmer(cs$formula, data = cs$data, family = cs$family, nAGQ = cs$nagq, control = glmerControl(optimizer = "bobyqa"))
  fit <- f2()
  cat(sprintf("| %s | %.1f | %.1f | %d | %.6f |\n", cs$name, ms(f1, cs$reps), ms(f2, cs$reps), fit@optinfo$feval, -2 * as.numeric(logLik(fit))))
}
