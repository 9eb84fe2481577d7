# Times lme4 on the fits that benchmarks/FastMlm.Benchmarks/LmmBenchmarks.cs times, on the same machine:
#   dotnet run -c Release --project benchmarks/FastMlm.Benchmarks -- write-data /tmp/simdata
#   Rscript benchmarks/lme4/time-lme4.R /path/to/shared/data /tmp/simdata
# For each fit: the median whole-fit time of lmer() (data already in memory, lme4's default optimiser and
# tolerances) and the median time of one evaluation of the profiled criterion at the optimum
# (devFunOnly = TRUE), in milliseconds.
suppressPackageStartupMessages(library(lme4))
a <- commandArgs(trailingOnly = TRUE)
shared <- a[1]; sim <- a[2]
read <- function(path) { d <- read.csv(path, stringsAsFactors = FALSE); d[] <- lapply(d, function(x) if (is.character(x)) factor(x) else x); d }
cases <- list(
  list(name = "sleepstudy", data = read(file.path(shared, "sleepstudy.csv")), formula = Reaction ~ 1 + Days + (1 + Days | Subject), reml = FALSE, reps = 100),
  list(name = "penicillin", data = read(file.path(shared, "penicillin.csv")), formula = diameter ~ 1 + (1 | plate) + (1 | sample), reml = TRUE, reps = 100),
  list(name = "exam_rs", data = read(file.path(shared, "exam.csv")), formula = normexam ~ standlrt + schgend + (1 + standlrt | school), reml = FALSE, reps = 30),
  list(name = "teaching_crossed", data = read(file.path(sim, "teaching_crossed.csv")), formula = y ~ 1 + dept + (1 | s) + (1 | d), reml = TRUE, reps = 5))
ms <- function(expr_fun, reps) median(vapply(seq_len(reps), function(i) { t0 <- proc.time()[["elapsed"]]; expr_fun(); proc.time()[["elapsed"]] - t0 }, 0)) * 1000
cat(sprintf("machine: %s, %d cores; %s; lme4 %s\n", system("lscpu | sed -n 's/^Model name:[[:space:]]*//p'", intern = TRUE)[1], parallel::detectCores(), R.version.string, packageVersion("lme4")))
cat("| fit | lme4 fit (ms) | lme4 evaluation (ms) | evaluations | deviance |\n|---|---:|---:|---:|---:|\n")
for (cs in cases) {
  fit <- lmer(cs$formula, data = cs$data, REML = cs$reml)
  fit_ms <- ms(function() lmer(cs$formula, data = cs$data, REML = cs$reml), cs$reps)
  dev <- lmer(cs$formula, data = cs$data, REML = cs$reml, devFunOnly = TRUE)
  theta <- getME(fit, "theta")
  n <- if (cs$reps >= 30) 200 else 20
  eval_ms <- ms(function() for (i in 1:n) dev(theta), 5) / n
  cat(sprintf("| %s | %.2f | %.4f | %d | %.6f |\n", cs$name, fit_ms, eval_ms, fit@optinfo$feval, dev(theta)))
}
