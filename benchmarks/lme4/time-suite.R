# Times lme4 on every linear model of the public reference suite, the fits that
# benchmarks/FastMlm.Benchmarks/SuiteFitBenchmarks.cs times, on the same machine:
#   Rscript benchmarks/lme4/time-suite.R [REPO_ROOT] [SECONDS_PER_MODEL]
# Models: tests/FastMlm.Tests/Reference/*.json with family "gaussian" and fixed effects; data: the built-in copies
# in src/FastMlm/Data/BuiltIn (character columns become factors with levels in C-locale order, as the suite says).
# For each model: one fit to warm up, then the median whole-fit time of lmer() (data already in memory, lme4's
# default optimiser and tolerances) over enough repetitions to take about SECONDS_PER_MODEL (default 2, at least 5
# and at most 200 repetitions), in milliseconds. Prints a Markdown table and the total.
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
a <- commandArgs(trailingOnly = TRUE)
root <- if (length(a) >= 1) a[1] else "."
budget <- if (length(a) >= 2) as.numeric(a[2]) else 2
ref <- file.path(root, "tests", "FastMlm.Tests", "Reference")
builtin <- file.path(root, "src", "FastMlm", "Data", "BuiltIn")
read <- function(path) {
  d <- read.csv(path, stringsAsFactors = FALSE)
  d[] <- lapply(d, function(x) if (is.character(x)) factor(x, levels = sort(unique(x), method = "radix")) else x)
  d
}
seconds <- function(fun) { t0 <- Sys.time(); fun(); as.numeric(Sys.time() - t0, units = "secs") }
files <- sort(list.files(ref, pattern = "\\.json$", full.names = TRUE), method = "radix")
cat(sprintf("machine: %s, %d cores; %s; lme4 %s\n\n", system("lscpu | sed -n 's/^Model name:[[:space:]]*//p'", intern = TRUE)[1],
            parallel::detectCores(), R.version.string, packageVersion("lme4")))
cat("| model | lme4 fit (ms) | repetitions | evaluations | objective |\n|---|---:|---:|---:|---:|\n")
total <- 0
n <- 0
for (f in files) {
  m <- fromJSON(f, simplifyVector = FALSE)
  if (is.null(m$fixef) || !identical(m$family, "gaussian")) next
  data <- read(file.path(builtin, basename(m$data)))
  formula <- as.formula(m$formula)
  fit <- NULL
  # lme4's messages (singular fits) and warnings (convergence checks on some hsb82 and popular models) are its own
  # output, not the fit: they are silenced, not timed away (the checks that raise them run either way).
  quiet <- function() suppressMessages(suppressWarnings(lmer(formula, data = data, REML = m$reml)))
  first <- seconds(function() fit <<- quiet())
  reps <- max(5, min(200, ceiling(budget / max(first, 1e-4))))
  times <- vapply(seq_len(reps), function(i) seconds(quiet), 0)
  ms <- median(times) * 1000
  objective <- if (m$reml) REMLcrit(fit) else deviance(fit)
  cat(sprintf("| %s | %.3f | %d | %d | %.6f |\n", m$id, ms, reps, fit@optinfo$feval, objective))
  total <- total + ms
  n <- n + 1
}
cat(sprintf("\ntotal of the medians over %d models: %.1f ms\n", n, total))
