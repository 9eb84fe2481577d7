# lme4 side by side with FastMlm's BatchBenchmarks: the parametric bootstrap of sleepstudy's correlated random
# slopes (bootMer, use.u = FALSE) and one design shared by many responses (600 rows, 60 groups, random intercept
# and slope; lme4's fastest loop: refit() with each new response, and a plain lmer() loop for comparison).
# Usage: Rscript benchmarks/lme4/time-batch.R [bootstrap replicates] [responses]
# Times are for fewer replicates/responses than the benchmark's 10,000 and scaled linearly (each refit costs
# the same); the script prints both the measured and the scaled figure.
suppressPackageStartupMessages(library(lme4))
args <- commandArgs(trailingOnly = TRUE)
nboot <- if (length(args) >= 1) as.integer(args[1]) else 500L
nresp <- if (length(args) >= 2) as.integer(args[2]) else 500L
d <- read.csv("src/FastMlm/Data/BuiltIn/sleepstudy.csv", stringsAsFactors = TRUE)
m <- lmer(Reaction ~ Days + (Days | Subject), d, REML = FALSE)
t_boot <- system.time(bootMer(m, fixef, nsim = nboot, use.u = FALSE, type = "parametric", seed = 1))[["elapsed"]]
cat(sprintf("bootMer sleepstudy: %d replicates in %.2f s -> %.1f s per 10,000\n", nboot, t_boot, t_boot * 10000 / nboot))

set.seed(2026)
x <- runif(600, 0, 10); g <- factor(rep(1:60, length.out = 600))
sim <- function() { b0 <- rnorm(60); b1 <- 0.1 * rnorm(60); 1 + 0.5 * x + b0[g] + b1[g] * x + rnorm(600) }
Y <- replicate(nresp, sim())
dd <- data.frame(x = x, g = g, y = Y[, 1])
m0 <- lmer(y ~ x + (1 + x | g), dd)
t_refit <- system.time(for (k in seq_len(nresp)) refit(m0, newresp = Y[, k]))[["elapsed"]]
cat(sprintf("refit() loop, shared design: %d responses in %.2f s -> %.1f s per 10,000\n", nresp, t_refit, t_refit * 10000 / nresp))
t_lmer <- system.time(for (k in seq_len(nresp)) { dd$y <- Y[, k]; lmer(y ~ x + (1 + x | g), dd) })[["elapsed"]]
cat(sprintf("lmer() loop, shared design: %d responses in %.2f s -> %.1f s per 10,000\n", nresp, t_lmer, t_lmer * 10000 / nresp))
