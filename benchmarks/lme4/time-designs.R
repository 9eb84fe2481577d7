# Times lme4 on the fits that benchmarks/FastMlm.Benchmarks/SimulatedDesignBenchmarks.cs times, on the same machine:
#   for d in ri_slope_1m nested3_1m teaching_crossed teaching_crossed_random repeated_nested_300k; do
#     dotnet run --project src/FastMlm.Cli -c Release -- simulate --design $d --out /tmp/designs/$d.csv; done
#   Rscript benchmarks/lme4/time-designs.R /tmp/designs [REPETITIONS]
# Each design is fitted by REML with the model it was made for (fastmlm simulate --list), lme4's default optimiser
# and checks, data already in memory: the median of REPETITIONS fits (default 3; the first fit is not timed apart,
# R has no JIT to warm up). Prints a Markdown table with the evaluations, the REML criterion, the median time of one
# evaluation of the criterion at the optimum (devFunOnly = TRUE, 5 calls), and how much lme4's sparse Cholesky factor
# L fills in: its non-zeros, and as a multiple of those of the lower triangle of Lambda'Z'Z Lambda + I.
suppressPackageStartupMessages(library(lme4))
a <- commandArgs(trailingOnly = TRUE)
dir <- a[1]
reps <- if (length(a) >= 2) as.integer(a[2]) else 3
read <- function(path) {
  d <- read.csv(path, stringsAsFactors = FALSE)
  d[] <- lapply(d, function(x) if (is.character(x)) factor(x, levels = sort(unique(x), method = "radix")) else x)
  d
}
designs <- list(
  ri_slope_1m = y ~ x + (1 + x | g),
  nested3_1m = y ~ x + (1 | school/class),
  teaching_crossed = y ~ 1 + dept + (1 | s) + (1 | d),
  teaching_crossed_random = y ~ 1 + dept + (1 | s) + (1 | d),
  repeated_nested_300k = y ~ x + (1 | school) + (1 | class) + (1 | pupil))
cat(sprintf("machine: %s, %d cores; %s; lme4 %s\n\n", system("lscpu | sed -n 's/^Model name:[[:space:]]*//p'", intern = TRUE)[1],
            parallel::detectCores(), R.version.string, packageVersion("lme4")))
cat("| design | rows | lme4 fit (s) | repetitions | evaluations | REML criterion | lme4 evaluation (ms) | nnz(L) | nnz(L) / nnz(tril(A)) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
for (name in names(designs)) {
  data <- read(file.path(dir, paste0(name, ".csv")))
  fit <- NULL
  times <- vapply(seq_len(reps), function(i) {
    t0 <- Sys.time()
    fit <<- suppressMessages(suppressWarnings(lmer(designs[[name]], data = data, REML = TRUE)))
    as.numeric(Sys.time() - t0, units = "secs")
  }, 0)
  dev <- lmer(designs[[name]], data = data, REML = TRUE, devFunOnly = TRUE)
  theta <- getME(fit, "theta")
  eval_ms <- median(vapply(1:5, function(i) { t0 <- Sys.time(); dev(theta); as.numeric(Sys.time() - t0, units = "secs") }, 0)) * 1000
  L <- getME(fit, "L")
  A <- tcrossprod(getME(fit, "Lambdat") %*% getME(fit, "Zt")) + Matrix::Diagonal(nrow(L))
  nnzL <- length(as(L, "sparseMatrix")@x)
  cat(sprintf("| %s | %d | %.2f | %d | %d | %.4f | %.1f | %d | %.2f |\n", name, nobs(fit), median(times), reps, fit@optinfo$feval,
              REMLcrit(fit), eval_ms, nnzL, nnzL / Matrix::nnzero(Matrix::tril(A))))
}
