# Regenerates the lme4 summaries that FitSummaryTests compares layouts with:
#   Rscript lme4-summaries.R /path/to/shared/data
# (lme4 1.1-31; each file is what print(summary(fit)) writes.)
suppressPackageStartupMessages(library(lme4))
dir <- commandArgs(trailingOnly = TRUE)[1]
write_summary <- function(file, fit) writeLines(capture.output(print(summary(fit))), file)
sleepstudy <- read.csv(file.path(dir, "sleepstudy.csv"), stringsAsFactors = TRUE)
sleepstudy$Subject <- factor(sleepstudy$Subject)
popular <- read.csv(file.path(dir, "popular.csv"), stringsAsFactors = TRUE)
penicillin <- read.csv(file.path(dir, "penicillin.csv"), stringsAsFactors = TRUE)
write_summary("lme4-sleepstudy-ml.txt", lmer(Reaction ~ Days + (Days | Subject), data = sleepstudy, REML = FALSE))
write_summary("lme4-sleepstudy-reml.txt", lmer(Reaction ~ Days + (Days | Subject), data = sleepstudy))
write_summary("lme4-popular-texp-ml.txt", lmer(popular ~ extrav + sex + texp + (1 + extrav | class), data = popular, REML = FALSE))
write_summary("lme4-penicillin-reml.txt", lmer(diameter ~ 1 + (1 | plate) + (1 | sample), data = penicillin))
