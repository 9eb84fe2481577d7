# Is the simulated teaching_crossed design (FastMlm.Data.SimulatedData) as hard for lme4 as the real data it
# imitates? Times lme4 the way time-lme4.R does on lme4's own InstEval and on teaching_crossed, same model:
#   dotnet run -c Release --project benchmarks/FastMlm.Benchmarks -- write-data /tmp/simdata
#   Rscript benchmarks/lme4/time-insteval.R /tmp/simdata
# Prints a markdown table: median whole fit (data in memory, lme4's default optimiser), median time of one
# evaluation of the REML criterion at the optimum, the evaluations the fit used, and the sparsity of the
# Cholesky factor L of the random effects (non-zeros, and as a multiple of those of Lambda'Z'Z Lambda + I).
suppressPackageStartupMessages(library(lme4))
sim <- commandArgs(trailingOnly = TRUE)[1]
read <- function(path) { d <- read.csv(path, stringsAsFactors = FALSE); d[] <- lapply(d, function(x) if (is.character(x)) factor(x) else x); d }
cases <- list(
  list(name = "InstEval (lme4)", data = lme4::InstEval),
  list(name = "teaching_crossed (simulated)", data = read(file.path(sim, "teaching_crossed.csv"))))
f <- y ~ 1 + dept + (1 | s) + (1 | d)
ms <- function(fun, reps) median(vapply(seq_len(reps), function(i) { t0 <- proc.time()[["elapsed"]]; fun(); proc.time()[["elapsed"]] - t0 }, 0)) * 1000
cat(sprintf("machine: %s, %d cores; %s; lme4 %s\n\n", system("lscpu | sed -n 's/^Model name:[[:space:]]*//p'", intern = TRUE)[1],
            parallel::detectCores(), R.version.string, packageVersion("lme4")))
cat("| data | rows | s × d levels | lme4 fit (ms) | lme4 evaluation (ms) | evaluations | nnz(L) | nnz(L) / nnz(tril(A)) |\n|---|---:|---|---:|---:|---:|---:|---:|\n")
for (cs in cases) {
  fit <- lmer(f, data = cs$data, REML = TRUE)
  fit_ms <- ms(function() lmer(f, data = cs$data, REML = TRUE), 3)
  dev <- lmer(f, data = cs$data, REML = TRUE, devFunOnly = TRUE)
  theta <- getME(fit, "theta")
  eval_ms <- ms(function() for (i in 1:10) dev(theta), 5) / 10
  L <- getME(fit, "L")
  A <- tcrossprod(getME(fit, "Lambdat") %*% getME(fit, "Zt")) + Matrix::Diagonal(nrow(L))
  nnzL <- length(as(L, "sparseMatrix")@x)
  nnzA <- Matrix::nnzero(Matrix::tril(A))
  cat(sprintf("| %s | %d | %s | %.0f | %.1f | %d | %d | %.2f |\n", cs$name, nobs(fit), paste(ngrps(fit)[c("s", "d")], collapse = " × "),
              fit_ms, eval_ms, fit@optinfo$feval, nnzL, nnzL / nnzA))
}
