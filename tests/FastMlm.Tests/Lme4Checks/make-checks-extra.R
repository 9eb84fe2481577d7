# Further lme4 checks, made the way make-checks.R makes its own (lme4_fit.R's JSON as printed, what lme4
# said in <id>.lme4-messages.txt):
#   * more models on the simulated sets of FastMlm.Data.SimulatedData (write-data, as for make-checks.R);
#   * aliased fixed effects and a +1 correlation on small seeded data sets written to data/*.csv here
#     (the CSVs are committed; this script rewrites them identically).
# usage (from this folder):
#   dotnet run -c Release --project ../../../benchmarks/FastMlm.Benchmarks -- write-data /tmp/simdata
#   Rscript make-checks-extra.R /tmp/simdata /path/to/shared
a <- commandArgs(trailingOnly = TRUE)
data <- a[1]; shared <- a[2]
fit <- function(id, csv, formula, reml = FALSE) {
  err <- tempfile()
  args <- c(file.path(shared, "tools", "lme4_fit.R"), csv, formula, "--id", id, if (reml) "--reml")
  json <- system2("Rscript", shQuote(args), stdout = TRUE, stderr = err)
  if (!is.null(attr(json, "status"))) stop(id, ": ", paste(readLines(err), collapse = "\n"))
  writeLines(json, paste0(id, ".json"))
  warn <- readLines(err)
  if (length(warn)) writeLines(warn, paste0(id, ".lme4-messages.txt")) else unlink(paste0(id, ".lme4-messages.txt"))
  cat(id, "done", if (length(warn)) paste("--", paste(trimws(warn), collapse = " ")), "\n")
}
sim <- function(name) file.path(data, paste0(name, ".csv"))
sleepstudy <- file.path(shared, "data", "sleepstudy.csv")

# the simulated sets of make-checks.R, other models
fit("nested3_naive_sim_reml", sim("nested3_sim"), "y ~ x + (1 | school) + (1 | class)", reml = TRUE)
fit("singular_uncorr_sim_ml", sim("singular_sim"), "y ~ x + (x || g)")
fit("teaching_crossed_ml", sim("teaching_crossed"), "y ~ 1 + dept + (1 | s) + (1 | d)")
# rescaled Days with a random intercept only: here lme4 does reach the optimum, the unscaled one
fit("sleepstudy_scaled_up_ri_ml", sleepstudy, "Reaction ~ 1 + I(Days * 1e6) + (1 | Subject)")
fit("sleepstudy_scaled_down_ri_ml", sleepstudy, "Reaction ~ 1 + I(Days * 1e-6) + (1 | Subject)")
# (the unscaled model is the suite's sleepstudy_intercept_ml)

# seeded data sets, written to data/
RNGversion("4.2.0")
dir.create("data", showWarnings = FALSE)
write <- function(d, name) { path <- file.path("data", paste0(name, ".csv")); write.csv(d, path, row.names = FALSE); path }

# x3 = x1 + x2 exactly; and the cell f = C, h = V never observed
set.seed(202)
ng <- 30; g <- rep(1:ng, each = 8)
x1 <- round(rnorm(length(g)), 2); x2 <- round(runif(length(g), 0, 10), 1)
f <- sample(c("A", "B", "C"), length(g), replace = TRUE)
h <- sample(c("U", "V"), length(g), replace = TRUE)
h[f == "C"] <- "U"
u <- rnorm(ng)
y <- 1 + 0.5 * x1 - 0.2 * x2 + c(A = 0, B = 0.5, C = -0.5)[f] + 0.3 * (h == "V") + u[g] + rnorm(length(g))
rd <- write(data.frame(y = round(unname(y), 4), x1 = x1, x2 = x2, x3 = x1 + x2, f = f, h = h, g = sprintf("g%02d", g)),
            "rank_deficient")
fit("rank_deficient_ml", rd, "y ~ x1 + x2 + x3 + (1 | g)")
fit("rank_deficient_reml", rd, "y ~ x1 + x2 + x3 + (1 | g)", reml = TRUE)
fit("rank_deficient_factor_reml", rd, "y ~ f * h + (1 | g)", reml = TRUE)

# the slope is 0.4 times the intercept effect: correlation +1 (the other boundary from singular_sim's -1)
set.seed(808)
ng <- 30; g <- rep(1:ng, each = 6)
x <- rep(0:5, ng)
u0 <- rnorm(ng, 0, 1.5)
y <- 2 + 0.5 * x + u0[g] + 0.4 * u0[g] * x + rnorm(length(g), 0, 0.5)
sc <- write(data.frame(y = round(y, 4), x = x, g = sprintf("g%02d", g)), "singular_corr_sim")
fit("singular_corr_sim_ml", sc, "y ~ x + (1 + x | g)")
