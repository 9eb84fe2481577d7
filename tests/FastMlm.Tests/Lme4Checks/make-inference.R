# Remakes inference-checks.json: lme4 1.1-31 profile intervals, lmerTest Satterthwaite t and type-III F tests,
# and Nakagawa-Schielzeth R² (random slopes per Johnson 2014) computed from the lme4 fits by their definitions.
# Run from the repository root:  Rscript tests/FastMlm.Tests/Lme4Checks/make-inference.R
suppressPackageStartupMessages({ library(lme4); library(lmerTest); library(jsonlite) })
data_dir <- "src/FastMlm/Data/BuiltIn"
read <- function(name) {
  d <- read.csv(file.path(data_dir, paste0(name, ".csv")), stringsAsFactors = TRUE)
  if (name == "cake") d$replicate <- factor(d$replicate) # a grouping variable: R's ':' would treat numbers as a sequence
  d
}

r2 <- function(m) {
  vf <- var(as.vector(model.matrix(m) %*% fixef(m)))
  vc <- VarCorr(m)
  mm <- getME(m, "mmList")
  vr <- 0
  for (k in seq_along(mm)) {
    grp <- sub("^.*\\| ", "", names(mm)[k])
    sig <- vc[[k]]
    X <- mm[[k]]
    vr <- vr + mean(rowSums((X %*% sig) * X))
  }
  ve <- sigma(m)^2
  list(marginal = vf / (vf + vr + ve), conditional = (vf + vr) / (vf + vr + ve), fixed_variance = vf, random_variance = vr)
}

profile_case <- function(id, data, formula, reml) {
  d <- read(data)
  m <- lme4::lmer(as.formula(formula), data = d, REML = reml)
  ci <- suppressWarnings(confint(m, method = "profile", oldNames = TRUE))
  list(id = id, data = data, formula = formula, reml = reml,
       profile = lapply(seq_len(nrow(ci)), function(i) list(parameter = rownames(ci)[i], lower = ci[i, 1], upper = ci[i, 2])),
       r2 = r2(m))
}

ftest_case <- function(id, data, formula, reml) {
  d <- read(data)
  m <- lmerTest::lmer(as.formula(formula), data = d, REML = reml)
  a <- anova(m, type = 3, ddf = "Satterthwaite")
  s <- summary(m)$coefficients
  list(id = id, data = data, formula = formula, reml = reml,
       table = lapply(seq_len(nrow(a)), function(i) list(term = rownames(a)[i], NumDF = a[i, "NumDF"], DenDF = a[i, "DenDF"], F = a[i, "F value"], p = a[i, "Pr(>F)"])),
       satterthwaite = lapply(seq_len(nrow(s)), function(i) list(term = rownames(s)[i], df = s[i, "df"], p = s[i, "Pr(>|t|)"])),
       r2 = r2(m))
}

out <- list(
  profile = list(
    profile_case("sleepstudy_slopes_reml", "sleepstudy", "Reaction ~ Days + (Days | Subject)", TRUE),
    profile_case("penicillin_crossed_reml", "penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", TRUE),
    profile_case("pastes_nested_reml", "pastes", "strength ~ 1 + (1 | batch/cask)", TRUE),
    profile_case("exam_rs_ml", "exam", "normexam ~ standlrt + (1 + standlrt | school)", FALSE),
    profile_case("dyestuff_ml", "dyestuff", "Yield ~ 1 + (1 | Batch)", FALSE)
  ),
  ftest = list(
    ftest_case("exam_factor_interaction_reml", "exam", "normexam ~ standlrt * schgend + vr + (1 + standlrt | school)", TRUE),
    ftest_case("popular_sex_interaction_reml", "popular", "popular ~ extrav * factor(sex) + texp + (1 + extrav | class)", TRUE),
    ftest_case("cake_factors_reml", "cake", "angle ~ recipe * factor(temperature) + (1 | recipe:replicate)", TRUE)
  )
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/FastMlm.Tests/Lme4Checks/inference-checks.json")
