# Remakes bootstrap-sleepstudy.json: lme4 1.1-31's parametric bootstrap percentile intervals of sleepstudy
# (Days | Subject) by ML, 2000 replicates, for the Monte-Carlo check of FastMlm's bootstrap.
# Run from the repository root:  Rscript tests/FastMlm.Tests/Lme4Checks/make-bootstrap.R
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
d <- read.csv("src/FastMlm/Data/BuiltIn/sleepstudy.csv", stringsAsFactors = TRUE)
m <- lmer(Reaction ~ Days + (Days | Subject), d, REML = FALSE)
set.seed(20261125)
t0 <- Sys.time()
b <- bootMer(m, function(f) c(fixef(f), sd01 = sqrt(VarCorr(f)$Subject[1, 1]), cor = attr(VarCorr(f)$Subject, "correlation")[1, 2],
                                sd02 = sqrt(VarCorr(f)$Subject[2, 2]), sigma = sigma(f)), nsim = 2000, use.u = FALSE, type = "parametric")
secs <- as.numeric(difftime(Sys.time(), t0, units = "secs"))
names <- c("(Intercept)", "Days", ".sig01", ".sig02", ".sig03", ".sigma")
q <- apply(b$t, 2, function(x) quantile(x, c(0.025, 0.975), na.rm = TRUE))
sdv <- apply(b$t, 2, sd, na.rm = TRUE)
out <- list(formula = "Reaction ~ Days + (Days | Subject)", reml = FALSE, nsim = 2000, seconds = secs,
            intervals = lapply(seq_along(names), function(i) list(parameter = names[i], lower = q[1, i], upper = q[2, i], sd = sdv[i])))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/FastMlm.Tests/Lme4Checks/bootstrap-sleepstudy.json")
