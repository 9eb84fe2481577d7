# Fits the extra checks with lme4 and writes one JSON per case (the reference schema), next to this script.
#   dotnet run -c Release --project benchmarks/FastMlm.Benchmarks -- write-data /tmp/simdata
#   Rscript make-checks.R /tmp/simdata /path/to/shared
# The simulated data are made by FastMlm.Data.SimulatedData (deterministic), so the tests regenerate the same rows.
a <- commandArgs(trailingOnly = TRUE)
data <- a[1]; shared <- a[2]
fit <- function(id, csv, formula, reml = FALSE) {
  args <- c(file.path(shared, "tools", "lme4_fit.R"), csv, formula, "--id", id, if (reml) "--reml")
  out <- system2("Rscript", shQuote(args), stdout = TRUE, stderr = TRUE)
  json <- out[grepl("^[ {}\\[\\]\"]|^$", out) | cumsum(grepl("^\\{", out)) > 0]
  warn <- setdiff(out, json)
  writeLines(json, paste0(id, ".json"))
  if (length(warn)) writeLines(warn, paste0(id, ".lme4-messages.txt"))
  cat(id, "done\n")
}
sim <- function(name) file.path(data, paste0(name, ".csv"))
fit("crossed_sim_reml", sim("crossed_sim"), "y ~ x + (1 | a) + (1 | b)", reml = TRUE)
fit("crossed_slope_sim_ml", sim("crossed_slope_sim"), "y ~ x + (1 + x | a) + (1 | b)")
fit("crossed_uncorr_sim_ml", sim("crossed_slope_sim"), "y ~ x + (x || a) + (1 | b)")
fit("crossed_rest_slope_sim_ml", sim("crossed_slope_sim"), "y ~ x + (1 | a) + (1 + x | b)")
fit("crossed_both_slopes_sim_reml", sim("crossed_slope_sim"), "y ~ x + (1 + x | a) + (1 + x | b)", reml = TRUE)
fit("crossed_two_slopes_sim_ml", sim("crossed_two_slopes_sim"), "y ~ x + (1 + x | a) + (1 + x | b)")
fit("crossed_two_slopes_sim_reml", sim("crossed_two_slopes_sim"), "y ~ x + (1 | a) + (1 + x | b)", reml = TRUE)
fit("nested3_sim_reml", sim("nested3_sim"), "y ~ x + (1 | school/class)", reml = TRUE)
fit("nested3_explicit_sim_ml", sim("nested3_sim"), "y ~ x + (1 | school) + (1 | school:class)")
fit("singular_sim_ml", sim("singular_sim"), "y ~ x + (1 + x | g)")
fit("sleepstudy_scaled_up_ml", file.path(shared, "data", "sleepstudy.csv"), "Reaction ~ 1 + I(Days * 1e6) + (1 + I(Days * 1e6) | Subject)")
fit("sleepstudy_scaled_down_ml", file.path(shared, "data", "sleepstudy.csv"), "Reaction ~ 1 + I(Days * 1e-6) + (1 + I(Days * 1e-6) | Subject)")
fit("one_obs_groups_ml", sim("one_obs_groups"), "y ~ x + (1 | g)")
fit("one_obs_groups_reml", sim("one_obs_groups"), "y ~ x + (1 | g)", reml = TRUE)
fit("sleepstudy_quadratic_ml", file.path(shared, "data", "sleepstudy.csv"), "Reaction ~ Days + I(Days^2) + (1 + Days + I(Days^2) | Subject)")
fit("ri_100k_ml", sim("ri_100k"), "y ~ x + (1 | g)")
fit("teaching_crossed_reml", sim("teaching_crossed"), "y ~ 1 + dept + (1 | s) + (1 | d)", reml = TRUE)
