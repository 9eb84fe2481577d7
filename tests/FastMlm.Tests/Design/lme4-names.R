# Regenerates lme4-names.tsv: fixed-effect names and group counts lme4 gives for formulas beyond the
# reference suite (rank-deficient ones included). Run from this folder with R and lme4 installed:
#   Rscript lme4-names.R > lme4-names.tsv
suppressMessages(library(lme4))
cases <- list(
 c("exam", "normexam ~ 0 + sex + standlrt + (1 | school)"),
 c("exam", "normexam ~ sex:standlrt + (1 | school)"),
 c("exam", "normexam ~ scale(standlrt) + I(standlrt^2) + (1 | school)"),
 c("exam", "normexam ~ standlrt + (0 + sex | school)"),
 c("exam", "normexam ~ (standlrt + sex + schgend)^2 + (1 | school)"),
 c("cbpp", "log(incidence + 1) ~ factor(period) * log(size) + (1 | herd)"),
 c("hsb82", "mAch ~ sector/ses + (1 | school)"),
 c("cake", "angle ~ recipe + temp + (1 | replicate) + (1 | recipe:replicate)"),
 c("popular", "popular ~ extrav * sex - sex + (extrav || class)")
)
for (cs in cases) {
  d <- read.csv(paste0("../../../src/FastMlm/Data/BuiltIn/", cs[1], ".csv"), stringsAsFactors = TRUE)
  m <- suppressMessages(suppressWarnings(lmer(as.formula(cs[2]), d, REML = FALSE)))
  cat(cs[1], "\t", cs[2], "\t", paste(names(fixef(m)), collapse=","), "\t", paste(names(ngrps(m)), ngrps(m), sep="=", collapse=","), "\n", sep="")
}
