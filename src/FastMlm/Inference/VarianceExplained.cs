using FastMlm.Models;
using FastMlm.Optimization;

namespace FastMlm.Inference;

/// <summary>A level's share of the variance (an ICC or VPC) with its profile interval.</summary>
/// <param name="Group">lme4's group name.</param>
/// <param name="Share">τ²₀ / (Σ τ²₀ + σ²): the group's intercept variance over the total at x = 0.</param>
/// <param name="Lower">The profile interval's lower limit.</param>
/// <param name="Upper">The upper limit.</param>
/// <param name="AtZero">True when some term has random slopes: the share is then the one at x = 0, where slopes contribute nothing.</param>
public sealed record VarianceShare(string Group, double Share, double Lower, double Upper, bool AtZero);

/// <summary>Marginal and conditional R² (Nakagawa &amp; Schielzeth 2013; random slopes as Johnson 2014).</summary>
/// <param name="Marginal">σ²_f / (σ²_f + σ²_r + σ²): the variance explained by the fixed effects.</param>
/// <param name="Conditional">(σ²_f + σ²_r) / (σ²_f + σ²_r + σ²): by fixed and random effects.</param>
/// <param name="FixedVariance">σ²_f: the sample variance (n − 1) of the fixed-effects predictions Xβ̂.</param>
/// <param name="RandomVariance">σ²_r: Σ over terms of the mean over rows of z_i' Σ_t z_i (z_i the term's columns at row i).</param>
/// <param name="ResidualVariance">σ².</param>
public sealed record RSquared(double Marginal, double Conditional, double FixedVariance, double RandomVariance, double ResidualVariance);

/// <summary>The proportional reduction in one variance component from a reduced model to a fuller one.</summary>
/// <param name="Group">The grouping factor (or <c>Residual</c>).</param>
/// <param name="Column">The random-effect column (null for the residual).</param>
/// <param name="Reduced">The variance in the reduced model.</param>
/// <param name="Full">The variance in the fuller model.</param>
/// <param name="Reduction">1 − Full / Reduced (negative when the variance grew).</param>
public sealed record VarianceReduction(string Group, string? Column, double Reduced, double Full, double Reduction);

/// <summary>ICC and VPC with intervals, R², and the proportional reduction of variance (PRE) between models.</summary>
public static class VarianceExplained
{
    /// <summary>
    /// Each term's share of the variance at x = 0: τ²₀ (its intercept variance) over the sum of all terms'
    /// intercept variances and σ² — the ICC of a random-intercept model, the variance partition coefficients of
    /// a nested or crossed one. Terms without an intercept have none. Intervals by the profile of the criterion in
    /// the share itself (all other variance parameters re-optimised at each value) — of the fit's own criterion, so
    /// a REML fit's share and interval both come from the REML criterion.
    /// </summary>
    public static IReadOnlyList<VarianceShare> Shares(FitResult fit, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ConfidenceIntervals.CheckLevel(level);
        var engine = fit.Engine ?? throw new ModelException("variance shares need the fitted linear mixed model's criterion");
        var terms = engine.Terms;
        var intercept = terms.Select(t => t.Term.ColumnNames[0] == "(Intercept)").ToArray();
        bool slopes = terms.Any(t => t.Q > 1 || t.Term.ColumnNames[0] != "(Intercept)");
        double z = Distributions.NormalQuantile(0.5 + (level / 2));
        var thetaHat = fit.InternalTheta.ToArray();
        double devHat = engine.Evaluate(thetaHat);
        var result = new List<VarianceShare>();
        for (int g = 0; g < terms.Count; g++)
        {
            if (!intercept[g]) continue;
            int pos = terms[g].ThetaOffset;
            double Rep(ReadOnlySpan<double> th, int t) => th[terms[t].ThetaOffset] * terms[t].Scale[0];
            double SumOthers(ReadOnlySpan<double> th)
            {
                double s = 0;
                for (int t = 0; t < terms.Count; t++)
                {
                    if (t != g && intercept[t]) s += Rep(th, t) * Rep(th, t);
                }
                return s;
            }
            double tg = Rep(thetaHat, g);
            double share = tg * tg / (1 + (tg * tg) + SumOthers(thetaHat));

            // Free variables: every θ but this term's intercept, which the share determines.
            int m = thetaHat.Length - 1;
            var free = Enumerable.Range(0, thetaHat.Length).Where(i => i != pos).ToArray();
            var lower = free.Select(i => engine.Lower[i]).ToArray();
            var upper = Enumerable.Repeat(double.PositiveInfinity, m).ToArray();
            var theta = (double[])thetaHat.Clone();
            var warm = new List<(double V, double[] X)> { (share, free.Select(i => thetaHat[i]).ToArray()) };
            double Criterion(ReadOnlySpan<double> x, double rho)
            {
                for (int a = 0; a < m; a++) theta[free[a]] = x[a];
                double value = Math.Sqrt(rho * (1 + SumOthers(theta)) / (1 - rho));
                theta[pos] = value / terms[g].Scale[0];
                return engine.Evaluate(theta);
            }
            double Zeta(double rho)
            {
                double best;
                if (m == 0)
                {
                    best = Criterion([], rho);
                }
                else
                {
                    var from = warm.MinBy(w => Math.Abs(w.V - rho)).X;
                    var opt = Bobyqa.Minimize(x => Criterion(x, rho), from, lower, upper, new BobyqaOptions
                    {
                        InitialRadius = 0.05,
                        FinalRadius = 1e-8,
                        FunctionToleranceAbsolute = 1e-10,
                        XToleranceAbsolute = 1e-8,
                    });
                    warm.Add((rho, opt.X));
                    best = opt.Value;
                }
                return Math.Sign(rho - share) * Math.Sqrt(Math.Max(best - devHat, 0));
            }
            double step = Math.Max(0.1 * Math.Min(share, 1 - share), 1e-4);
            var (lo, _) = LikelihoodProfile.Root(Zeta, share, step, 0, 1 - 1e-12, -z);
            var (hi, _) = LikelihoodProfile.Root(Zeta, share, step, 0, 1 - 1e-12, z);
            result.Add(new VarianceShare(fit.RandomEffects[g].Group, share, lo, hi, slopes));
        }
        engine.Evaluate(thetaHat);
        return result;
    }

    /// <summary>Marginal and conditional R² of a linear mixed model.</summary>
    public static RSquared RSquared(FitResult fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var engine = fit.Engine ?? throw new ModelException("R² needs the fitted linear mixed model");
        var x = fit.Design.Fixed.X;
        int n = x.Rows;
        var eta = new double[n];
        for (int j = 0; j < fit.FixedEffects.Count; j++)
        {
            double b = fit.FixedEffects[j].Estimate;
            var col = x.Column(j);
            for (int i = 0; i < n; i++) eta[i] += b * col[i];
        }
        double mean = eta.Average();
        double fixedVariance = n > 1 ? eta.Sum(v => (v - mean) * (v - mean)) / (n - 1) : 0;

        double sigma2 = fit.Sigma * fit.Sigma;
        double randomVariance = 0;
        foreach (var term in engine.Terms)
        {
            int q = term.Q;
            var cov = new double[q * q];
            var th = fit.Theta;
            for (int i = 0; i < q; i++)
            {
                for (int j = 0; j < q; j++)
                {
                    double s = 0;
                    for (int c = 0; c <= Math.Min(i, j); c++) s += Lambda(th, term.ThetaOffset, q, i, c) * Lambda(th, term.ThetaOffset, q, j, c);
                    cov[(j * q) + i] = sigma2 * s;
                }
            }
            var columns = term.Term.Columns;
            double sum = 0;
            for (int r = 0; r < n; r++)
            {
                for (int i = 0; i < q; i++)
                {
                    double zi = columns[r, i];
                    if (zi == 0) continue;
                    for (int j = 0; j < q; j++) sum += zi * cov[(j * q) + i] * columns[r, j];
                }
            }
            randomVariance += sum / n;
        }
        // Rounding leaves ~1e-31 where Xβ̂ is constant (an intercept alone): that is no variance.
        if (fixedVariance <= 1e-13 * (randomVariance + sigma2)) fixedVariance = 0;
        double total = fixedVariance + randomVariance + sigma2;
        return new RSquared(fixedVariance / total, (fixedVariance + randomVariance) / total, fixedVariance, randomVariance, sigma2);
    }

    /// <summary>λ[i, c] of a term from lme4's θ (lower triangle by columns).</summary>
    private static double Lambda(IReadOnlyList<double> theta, int offset, int q, int i, int c) =>
        i < c ? 0 : theta[offset + (c * q) - (c * (c - 1) / 2) + (i - c)];

    /// <summary>
    /// The proportional reduction in each variance component from <paramref name="reduced"/> to
    /// <paramref name="full"/> (the courses' "explained 50% of the intercept variance"): components are matched
    /// by grouping factor and column; the residual variance is included for linear models (a GLMM has none).
    /// </summary>
    public static IReadOnlyList<VarianceReduction> ProportionalReduction(FitResult full, FitResult reduced)
    {
        ArgumentNullException.ThrowIfNull(full);
        ArgumentNullException.ThrowIfNull(reduced);
        var result = new List<VarianceReduction>();
        foreach (var t in reduced.RandomEffects)
        {
            foreach (var column in t.Columns)
            {
                double before = Variance(reduced, t.Group, column);
                var match = full.RandomEffects.FirstOrDefault(f => f.Factor == t.Factor && f.Columns.Contains(column));
                if (match is null) continue;
                double after = Variance(full, match.Group, column);
                result.Add(new VarianceReduction(t.Factor, column, before, after, before > 0 ? 1 - (after / before) : double.NaN));
            }
        }
        if (full.IsGeneralized || reduced.IsGeneralized) return result;
        double r0 = reduced.Sigma * reduced.Sigma, r1 = full.Sigma * full.Sigma;
        result.Add(new VarianceReduction("Residual", null, r0, r1, 1 - (r1 / r0)));
        return result;
    }

    private static double Variance(FitResult fit, string group, string column) =>
        fit.VarCorr.First(v => v.Group == group && v.Name1 == column && v.Name2 is null).Value;
}
