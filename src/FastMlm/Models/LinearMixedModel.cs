using System.Diagnostics;
using System.Globalization;
using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Formulas;
using FastMlm.Optimization;

namespace FastMlm.Models;

/// <summary>How a linear mixed model is fitted.</summary>
public sealed class LmmOptions
{
    /// <summary>REML (lme4's default) or maximum likelihood.</summary>
    public bool Reml { get; init; } = true;

    /// <summary>The optimiser's settings; null for <see cref="LinearMixedModel.DefaultOptimizer"/> (at least as tight as lme4's).</summary>
    public BobyqaOptions? Optimizer { get; init; }

    /// <summary>Check the optimum by the gradient and Hessian of the criterion (a few more evaluations).</summary>
    public bool CheckConvergence { get; init; } = true;

    /// <summary>lme4's singularity tolerance on the diagonal of λ.</summary>
    public double SingularTolerance { get; init; } = 1e-4;
}

/// <summary>Fits linear mixed models y = Xβ + Zb + ε by profiled REML or ML (lme4's method).</summary>
public static class LinearMixedModel
{
    /// <summary>
    /// The optimiser settings used when <see cref="LmmOptions.Optimizer"/> is null: a first radius of 0.2, and a
    /// stop when the trust region shrinks to 1e-8, or when an accepted step lowers the criterion by less than
    /// 1e-8 while moving θ by less than 1e-6. lme4 (nlopt's BOBYQA) stops as soon as a step changes the
    /// criterion by less than 1e-8 or θ by less than 1e-8, so these are at least as tight as lme4's.
    /// </summary>
    public static BobyqaOptions DefaultOptimizer { get; } = new()
    {
        InitialRadius = 0.2,
        FinalRadius = 1e-8,
        FunctionToleranceAbsolute = 1e-8,
        XToleranceAbsolute = 1e-6,
        MaxEvaluations = 100_000,
    };

    /// <summary>Builds the design from <paramref name="data"/> and fits it; <see cref="FitResult.FitSeconds"/> counts both.</summary>
    public static FitResult Fit(DataFrame data, string formula, LmmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var clock = Stopwatch.StartNew();
        var design = ModelDesign.Build(data, ModelFormula.Parse(formula));
        var result = Fit(design, options);
        result.FitSeconds = clock.Elapsed.TotalSeconds;
        return result;
    }

    /// <summary>Fits a model whose design is already built.</summary>
    public static FitResult Fit(ModelDesign design, LmmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(design);
        options ??= new LmmOptions();
        if (design.Family != Family.Gaussian)
        {
            throw new ModelException($"a {design.Family.RName()} response needs the generalized linear mixed model; this fits linear (gaussian) models");
        }
        var clock = Stopwatch.StartNew();
        var model = new ProfiledLmm(design, options.Reml);
        var optimizer = options.Optimizer ?? DefaultOptimizer;
        var opt = model.Minimize(model.StartFor(design.Response.Values), optimizer);
        var theta = opt.X;

        // Tiny diagonal values are boundary values: lme4 sets them to zero before reporting; do the same when it does not hurt.
        double value = SnapToBoundary(model, theta, opt.Value);

        var check = options.CheckConvergence ? CheckOptimum(model, theta, value) : new ConvergenceCheck(false, double.NaN, double.NaN, true);
        var solution = model.Solve(theta);
        var result = Assemble(design, model, options, theta, solution, opt, check);
        result.FitSeconds = clock.Elapsed.TotalSeconds;
        return result;
    }

    /// <summary>Sets tiny diagonal values of θ to zero where that does not raise the criterion; returns the criterion at θ.</summary>
    private static double SnapToBoundary(ProfiledLmm model, double[] theta, double value)
    {
        var trial = (double[])theta.Clone();
        bool changed = false;
        for (int i = 0; i < trial.Length; i++)
        {
            if (model.Lower[i] == 0 && trial[i] != 0 && trial[i] < 1e-8)
            {
                trial[i] = 0;
                changed = true;
            }
        }
        if (!changed) return value;
        double snapped = model.Evaluate(trial);
        if (snapped > value + 1e-10) return value;
        trial.CopyTo(theta, 0);
        return snapped;
    }

    /// <summary>
    /// The gradient and Hessian of the criterion at θ̂ by central differences, over the parameters not held at
    /// their bound. A Newton step's predicted decrease g'H⁻¹g/2 says whether the optimum could still improve
    /// in a way that matters; a raw gradient size does not (it scales with the data, which is why lme4 warns
    /// falsely on large data sets).
    /// <para>
    /// <paramref name="f0"/> is the criterion at θ̂, known from the optimiser. Each free parameter costs two
    /// evaluations (θ ± hᵢ) and each pair two more (θ + hᵢ + hⱼ, θ − hᵢ − hⱼ): the mixed second difference is taken as
    /// [f(+,+) − f(+,0) − f(0,+) + 2f₀ − f(−,0) − f(0,−) + f(−,−)] / (2hᵢhⱼ), as accurate as the four-point formula
    /// (O(h²)) with half its evaluations — k² + k in all for k free parameters, against 2k². The model is left
    /// evaluated at the last trial point; <see cref="ProfiledLmm.Solve(ReadOnlySpan{double})"/> evaluates θ̂ again.
    /// </para>
    /// </summary>
    internal static ConvergenceCheck CheckOptimum(ProfiledLmm model, double[] theta, double f0)
    {
        int k = theta.Length;
        var free = Enumerable.Range(0, k).Where(i => !(model.Lower[i] == 0 && theta[i] == 0)).ToArray();
        var boundary = Enumerable.Range(0, k).Except(free).ToArray();
        var x = (double[])theta.Clone();
        var h = new double[k];
        for (int i = 0; i < k; i++) h[i] = 1e-4 * Math.Max(Math.Abs(theta[i]), 0.1);

        double F(int i, double di, int j, double dj)
        {
            theta.CopyTo(x, 0);
            x[i] += di;
            x[j] += dj;
            return model.Evaluate(x);
        }

        int m = free.Length;
        var g = new double[m];
        var hess = new double[m * m];
        var plus = new double[m];
        var minus = new double[m];
        for (int a = 0; a < m; a++)
        {
            int i = free[a];
            plus[a] = F(i, h[i], i, 0);
            minus[a] = F(i, -h[i], i, 0);
            g[a] = (plus[a] - minus[a]) / (2 * h[i]);
            hess[(a * m) + a] = (plus[a] - (2 * f0) + minus[a]) / (h[i] * h[i]);
            for (int b = 0; b < a; b++)
            {
                int j = free[b];
                double fpp = F(i, h[i], j, h[j]), fmm = F(i, -h[i], j, -h[j]);
                double mixed = fpp - plus[a] - plus[b] + (2 * f0) - minus[a] - minus[b] + fmm;
                hess[(a * m) + b] = hess[(b * m) + a] = mixed / (2 * h[i] * h[j]);
            }
        }
        // A parameter at its bound counts only if moving it inward would lower the criterion.
        double maxGrad = g.Length == 0 ? 0 : g.Max(Math.Abs);
        foreach (int i in boundary)
        {
            double slope = (F(i, h[i], i, 0) - f0) / h[i];
            if (slope < 0) maxGrad = Math.Max(maxGrad, -slope);
        }
        if (m == 0) return new ConvergenceCheck(true, maxGrad, 0, true);

        var chol = (double[])hess.Clone();
        bool pd = LinearAlgebra.SmallDense.Cholesky(chol, m);
        double decrease = double.PositiveInfinity;
        if (pd)
        {
            var y = (double[])g.Clone();
            LinearAlgebra.SmallDense.SolveLower(chol, y, m);
            decrease = y.Sum(v => v * v) / 2;
        }
        return new ConvergenceCheck(true, maxGrad, decrease, pd);
    }

    private static FitResult Assemble(ModelDesign design, ProfiledLmm model, LmmOptions options, double[] internalTheta, ProfiledLmm.Solution s, OptimizationResult opt, ConvergenceCheck check)
    {
        var theta = model.ReportedTheta(internalTheta);
        var messages = new List<string>(design.Messages);
        var terms = model.Terms;
        double sigma2 = s.Sigma * s.Sigma;

        var (varcorr, tables, singularParts) = DescribeRandomEffects(model, theta, internalTheta, s.Sigma, options.SingularTolerance, s.Modes, s.ConditionalVariances);
        bool singular = singularParts.Count > 0;
        varcorr.Add(new VarianceComponent("Residual", null, null, sigma2, s.Sigma));
        if (singular)
        {
            messages.Add("boundary (singular) fit: " + string.Join("; ", singularParts.Distinct(StringComparer.Ordinal)));
        }

        var fixedNames = design.Fixed.ColumnNames;
        var fixef = new FixedEffect[s.Beta.Length];
        for (int j = 0; j < fixef.Length; j++) fixef[j] = new FixedEffect(fixedNames[j], s.Beta[j], Math.Sqrt(s.BetaCovariance[j, j]));

        var iccs = new List<KeyValuePair<string, double>>();
        if (terms.All(t => t.Q == 1 && t.Term.ColumnNames[0] == "(Intercept)"))
        {
            double total = sigma2 + varcorr.Where(v => v.Group != "Residual").Sum(v => v.Value);
            foreach (var v in varcorr.Where(v => v.Group != "Residual")) iccs.Add(new(v.Group, v.Value / total));
        }

        bool optimizerOk = opt.Converged;
        if (!optimizerOk)
        {
            messages.Add($"the optimizer did not converge: {opt.Message} (after {opt.Evaluations} evaluations)");
        }
        bool checkOk = true;
        if (check.Checked)
        {
            if (!check.HessianPositiveDefinite && !singular)
            {
                checkOk = false;
                messages.Add("convergence check: the Hessian of the criterion is not positive definite at the estimates; the optimum may be a saddle point or the model over-parameterised");
            }
            else if (check.PredictedDecrease > 1e-4)
            {
                checkOk = false;
                messages.Add(string.Create(CultureInfo.InvariantCulture,
                    $"convergence check: the criterion could still decrease by about {check.PredictedDecrease:G3} (largest gradient {check.MaxAbsGradient:G3}); the estimates may not be at the optimum"));
            }
        }

        int parameters = s.Beta.Length + theta.Length + 1;
        return new FitResult
        {
            Formula = design.Formula.Text,
            DataSource = design.Frame.Data.Source,
            Family = Family.Gaussian,
            Link = "identity",
            Reml = options.Reml,
            ObservationCount = model.N,
            GroupCounts = DistinctGroupCounts(terms),
            Criterion = s.Criterion,
            Deviance = s.MlDeviance,
            ParameterCount = parameters,
            Sigma = s.Sigma,
            Theta = theta,
            IsSingular = singular,
            FixedEffects = fixef,
            FixedEffectsCovariance = s.BetaCovariance,
            DroppedColumns = design.Fixed.DroppedColumns,
            VarCorr = varcorr,
            RandomEffects = tables,
            IntraclassCorrelations = iccs,
            Fitted = s.Fitted,
            Residuals = s.Residuals,
            Converged = optimizerOk && checkOk,
            Evaluations = opt.Evaluations,
            Convergence = check,
            Messages = messages,
            Design = design,
            Options = options,
            Engine = model,
            InternalTheta = (double[])internalTheta.Clone(),
        };
    }

    /// <summary>
    /// The random-effects part of a result, shared by linear and generalized fits: per term (lme4's order) its
    /// VarCorr rows — variances σ²(λλ')_ii with their SDs, then covariances with their correlations — its table of
    /// conditional modes, and a description of each boundary found by lme4's rule (a diagonal of λ̃ below the
    /// tolerance, judged on the engine's rescaled columns). <paramref name="sigma"/> is 1 for families without a scale.
    /// </summary>
    internal static (List<VarianceComponent> VarCorr, List<RandomEffectsTable> Tables, List<string> SingularParts) DescribeRandomEffects(
        ProfiledLmm model, double[] reportedTheta, IReadOnlyList<double> internalTheta, double sigma, double singularTolerance, double[][] modes, double[][] conditionalVariances)
    {
        var terms = model.Terms;
        var groupNames = GroupNames(terms);
        double sigma2 = sigma * sigma;
        var varcorr = new List<VarianceComponent>();
        var tables = new List<RandomEffectsTable>();
        var singularParts = new List<string>();
        for (int t = 0; t < terms.Count; t++)
        {
            var term = terms[t];
            int q = term.Q;
            var lam = term.Lambda;
            term.SetLambda(reportedTheta);
            var cov = new double[q * q];
            for (int i = 0; i < q; i++)
            {
                for (int j = 0; j <= i; j++)
                {
                    double v = 0;
                    for (int c = 0; c <= j; c++) v += lam[(c * q) + i] * lam[(c * q) + j];
                    cov[(j * q) + i] = cov[(i * q) + j] = sigma2 * v;
                }
            }
            var names = term.Term.ColumnNames;
            for (int i = 0; i < q; i++) varcorr.Add(new VarianceComponent(groupNames[t], names[i], null, cov[(i * q) + i], Math.Sqrt(cov[(i * q) + i])));
            for (int i = 0; i < q; i++)
            {
                for (int j = i + 1; j < q; j++)
                {
                    double c = cov[(j * q) + i];
                    double denom = Math.Sqrt(cov[(i * q) + i] * cov[(j * q) + j]);
                    varcorr.Add(new VarianceComponent(groupNames[t], names[i], names[j], c, denom > 0 ? c / denom : double.NaN));
                }
            }
            for (int i = 0; i < q; i++)
            {
                // lme4's rule on the diagonal of λ, taken on the engine's rescaled columns so that a predictor in
                // micro-units is not called singular for its units alone (the same as lme4's when nothing is rescaled).
                if (internalTheta[term.ThetaOffset + DiagonalIndex(i, q)] < singularTolerance)
                {
                    double sd = Math.Sqrt(cov[(i * q) + i]);
                    singularParts.Add(sd < singularTolerance * sigma
                        ? $"the variance of {names[i]} in {groupNames[t]} is estimated as zero"
                        : $"the random effects of {groupNames[t]} are perfectly correlated (covariance matrix not of full rank)");
                }
            }
            tables.Add(new RandomEffectsTable(groupNames[t], term.Term.GroupName, names, term.Term.Grouping.Levels, modes[t], conditionalVariances[t], term.FormulaIndex));
        }
        return (varcorr, tables, singularParts);
    }

    /// <summary>lme4's group names: a factor's second term is g.1, its third g.2.</summary>
    internal static string[] GroupNames(IReadOnlyList<ProfiledLmm.TermLayout> terms)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var groupNames = new string[terms.Count];
        for (int t = 0; t < terms.Count; t++)
        {
            string name = terms[t].Term.GroupName;
            int count = seen.GetValueOrDefault(name);
            groupNames[t] = count == 0 ? name : string.Create(CultureInfo.InvariantCulture, $"{name}.{count}");
            seen[name] = count + 1;
        }
        return groupNames;
    }

    /// <summary>Position of λ[i,i] in a term's θ (lower triangle by columns).</summary>
    internal static int DiagonalIndex(int i, int q) => (i * q) - (i * (i - 1) / 2);

    internal static KeyValuePair<string, int>[] DistinctGroupCounts(IReadOnlyList<ProfiledLmm.TermLayout> terms)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<KeyValuePair<string, int>>();
        foreach (var t in terms)
        {
            if (seen.Add(t.Term.GroupName)) list.Add(new(t.Term.GroupName, t.Levels));
        }
        return list.ToArray();
    }
}
