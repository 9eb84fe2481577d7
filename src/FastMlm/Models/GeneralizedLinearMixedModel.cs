using System.Diagnostics;
using System.Globalization;
using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Formulas;
using FastMlm.LinearAlgebra;
using FastMlm.Optimization;

namespace FastMlm.Models;

/// <summary>How a generalized linear mixed model is fitted.</summary>
public sealed class GlmmOptions
{
    /// <summary>The link; null for the family's canonical link (logit, log).</summary>
    public LinkFunction? Link { get; init; }

    /// <summary>
    /// Quadrature points (glmer's nAGQ): 0 optimises θ alone with β solved inside PIRLS (fast, slightly less
    /// accurate); 1 (the default) the Laplace approximation over θ and β; more, adaptive Gauss–Hermite quadrature,
    /// which needs a single scalar random-effects term.
    /// </summary>
    public int Nagq { get; init; } = 1;

    /// <summary>The most PIRLS iterations per evaluation of the deviance (lme4: 100).</summary>
    public int MaxPirlsIterations { get; init; } = 100;

    /// <summary>The optimiser's settings; null for <see cref="GeneralizedLinearMixedModel.DefaultOptimizer"/>.</summary>
    public BobyqaOptions? Optimizer { get; init; }

    /// <summary>How the standard errors of β̂ are computed (nAGQ = 0 always takes them from RX, as glmer does).</summary>
    public GlmmStandardErrors StandardErrors { get; init; } = GlmmStandardErrors.Glmer;

    /// <summary>lme4's singularity tolerance on the diagonal of λ.</summary>
    public double SingularTolerance { get; init; } = 1e-4;
}

/// <summary>Where a GLMM's standard errors come from.</summary>
public enum GlmmStandardErrors
{
    /// <summary>
    /// As glmer computes them: twice the β block of the inverse of the finite-difference Hessian (steps of 1e-4) of
    /// the deviance over (θ, β), where for nAGQ = 1 each evaluation runs PIRLS as glmer does — from the nAGQ = 0
    /// fit's linear predictor, stopping at a relative change of 1e-7 — so that the figures agree with glmer's
    /// (whose stopping rule bends the curvature by up to a percent or two).
    /// </summary>
    Glmer,

    /// <summary>The same Hessian with PIRLS converged fully at every evaluation: the curvature of the criterion itself.</summary>
    Hessian,

    /// <summary>From the weighted least-squares factor RX at the estimates (glmer's <c>use.hessian = FALSE</c>): cheaper, less accurate.</summary>
    Rx,
}

/// <summary>
/// Fits generalized linear mixed models — multilevel logistic, probit, complementary log-log and Poisson
/// regression — by maximum likelihood as lme4's <c>glmer</c> does: PIRLS for the conditional modes, the Laplace
/// approximation or adaptive Gauss–Hermite quadrature for the likelihood, BOBYQA over θ (nAGQ = 0) and then
/// over (θ, β) from that start.
/// </summary>
public static class GeneralizedLinearMixedModel
{
    /// <summary>How far a separated coefficient may go, as |β| · max|x|: the logit link's guard on η.</summary>
    internal const double SeparationBound = 30;

    /// <summary>The most quadrature points accepted.</summary>
    public const int MaxNagq = 100;

    /// <summary>The optimiser settings when <see cref="GlmmOptions.Optimizer"/> is null.</summary>
    public static BobyqaOptions DefaultOptimizer { get; } = new()
    {
        InitialRadius = 0.2,
        FinalRadius = 1e-6,
        FunctionToleranceAbsolute = 1e-7,
        XToleranceAbsolute = 1e-5,
        MaxEvaluations = 100_000,
    };

    /// <summary>The second stage's settings: as <see cref="DefaultOptimizer"/> but a first radius of one unit (a standard error).</summary>
    private static BobyqaOptions StageTwoOptimizer { get; } = new()
    {
        InitialRadius = 0.5,
        FinalRadius = 1e-6,
        FunctionToleranceAbsolute = 1e-7,
        XToleranceAbsolute = 1e-5,
        MaxEvaluations = 100_000,
    };

    /// <summary>The nAGQ = 0 stage's settings when the Laplace or quadrature stage follows: a start, not an answer.</summary>
    private static BobyqaOptions StartOptimizer { get; } = new()
    {
        InitialRadius = 0.2,
        FinalRadius = 1e-4,
        FunctionToleranceAbsolute = 1e-5,
        XToleranceAbsolute = 1e-3,
        MaxEvaluations = 100_000,
    };

    /// <summary>Builds the design (with <paramref name="weights"/> as the column of trials or weights, if any) and fits it.</summary>
    public static FitResult Fit(DataFrame data, string formula, Family family, GlmmOptions? options = null, string? weights = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var clock = Stopwatch.StartNew();
        var design = ModelDesign.Build(data, ModelFormula.Parse(formula), family, weights);
        var result = Fit(design, options);
        result.FitSeconds = clock.Elapsed.TotalSeconds;
        return result;
    }

    /// <summary>Fits a model whose design (binomial or Poisson) is already built.</summary>
    public static FitResult Fit(ModelDesign design, GlmmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(design);
        options ??= new GlmmOptions();
        if (design.Family == Family.Gaussian)
        {
            throw new ModelException("a gaussian response is a linear mixed model: fit it with LinearMixedModel (or give --family binomial or poisson)");
        }
        var link = options.Link ?? Links.Canonical(design.Family);
        if (!Links.Allowed(design.Family).Contains(link))
        {
            throw new ModelException($"link '{link.RName()}' does not go with the {design.Family.RName()} family (use {string.Join(", ", Links.Allowed(design.Family).Select(l => l.RName()))})");
        }
        CheckNagq(design, options.Nagq);
        var clock = Stopwatch.StartNew();
        var response = new GlmResponse(design.Response, design.Family, link);
        var evaluator = new GlmmEvaluator(design, response) { MaxIterations = options.MaxPirlsIterations };
        var engine = evaluator.Modes;
        var optimizer = options.Optimizer ?? DefaultOptimizer;
        var messages = new List<string>(design.Messages);
        var separated = Separation.Find(design, response);
        messages.AddRange(separated.Select(s => s.Message));

        // Stage 1 (nAGQ = 0): θ alone, β inside PIRLS, from λ = I.
        int nt = engine.ThetaLength, p = design.Fixed.ColumnCount;
        var upperTheta = Enumerable.Repeat(double.PositiveInfinity, nt).ToArray();
        // When a second stage follows, the first need only find its neighbourhood: the second refines θ with β.
        var stage1 = options.Nagq == 0 || options.Optimizer is not null ? optimizer : StartOptimizer;
        var opt0 = Bobyqa.Minimize(evaluator.FastDeviance, engine.Start, engine.Lower, upperTheta, stage1);
        var theta = opt0.X;
        double value = evaluator.FastDeviance(theta);
        var beta = evaluator.Beta.ToArray();
        var stageU = evaluator.U.ToArray();
        var stageEta = evaluator.Eta.ToArray();
        var rxCov = new double[p * p];
        bool rxOk = p > 0 && evaluator.RxCovariance(theta, rxCov);
        var scale = new double[p];
        for (int j = 0; j < p; j++)
        {
            scale[j] = rxOk ? Math.Sqrt(Math.Max(rxCov[(j * p) + j], 0)) : double.NaN;
            if (!(scale[j] > 0) || !double.IsFinite(scale[j])) scale[j] = Math.Max(1e-3, Math.Abs(beta[j]) * 0.1);
            scale[j] = Math.Min(scale[j], 1 + Math.Abs(beta[j]));
        }
        int evaluations = opt0.Evaluations;
        var status = opt0;

        // A separating column's coefficient has no finite optimum: it is held within ±30/max|x| — beyond, the fitted
        // probabilities (or counts) of its rows are at the link's guard and the likelihood cannot change.
        var bound = Enumerable.Repeat(double.PositiveInfinity, p).ToArray();
        foreach (var finding in separated)
        {
            int j = design.Fixed.ColumnNames.ToList().IndexOf(finding.Column);
            double max = 0;
            for (int i = 0; i < design.ObservationCount; i++) max = Math.Max(max, Math.Abs(design.Fixed.X[i, j]));
            bound[j] = SeparationBound / max;
            beta[j] = Math.Clamp(beta[j], -bound[j], bound[j]);
            scale[j] = 1;
        }

        (double[] Nodes, double[] Weights) rule = options.Nagq > 1 ? GaussHermite.Rule(options.Nagq) : ([0.0], [1.0]);
        double Deviance(ReadOnlySpan<double> th, ReadOnlySpan<double> b) =>
            options.Nagq > 1 ? evaluator.Quadrature(th, b, rule.Nodes, rule.Weights) : evaluator.Laplace(th, b);

        double[] x = [];
        GlmmCoordinates? coordinates = null;
        if (options.Nagq >= 1)
        {
            // Stage 2: θ and β together from the stage-1 estimates, in coordinates of about one standard error.
            var theta0 = (double[])theta.Clone();
            var beta0 = (double[])beta.Clone();
            evaluator.SetStart(stageU);
            double f0 = Deviance(theta0, beta0);
            int curvatureEvaluations = 1;
            double Curvature(int i)
            {
                double h = 1e-3 * Math.Max(Math.Abs(theta0[i]), 0.1);
                var t = (double[])theta0.Clone();
                t[i] += h;
                evaluator.SetStart(stageU);
                double fp = Deviance(t, beta0);
                t[i] -= 2 * h;
                evaluator.SetStart(stageU);
                double fm = Deviance(t, beta0);
                curvatureEvaluations += 2;
                return (fp - (2 * f0) + fm) / (h * h);
            }
            coordinates = GlmmCoordinates.Build(theta0, engine.Lower, Curvature, beta0, rxOk ? rxCov : null, bound);
            var th = new double[nt];
            var bt = new double[p];
            double Criterion(ReadOnlySpan<double> point)
            {
                coordinates.ToParameters(point, th, bt);
                return Deviance(th, bt);
            }
            evaluator.SetStart(stageU);
            // In these coordinates the deviance changes by about one per unit: a first radius of one standard error.
            var stage2 = options.Optimizer ?? StageTwoOptimizer;
            var opt1 = Bobyqa.Minimize(Criterion, new double[nt + p], coordinates.Lower, coordinates.Upper, stage2);
            x = opt1.X;
            evaluations += opt1.Evaluations + curvatureEvaluations;
            status = opt1;
            value = opt1.Value;
            coordinates.ToParameters(x, theta, beta);

            // A diagonal of λ at the edge of zero is a boundary value: take zero when that is no worse (lme4's check.boundary).
            var trial = (double[])theta.Clone();
            bool snapped = false;
            for (int i = 0; i < nt; i++)
            {
                if (engine.Lower[i] == 0 && trial[i] != 0 && trial[i] < 1e-5)
                {
                    trial[i] = 0;
                    snapped = true;
                }
            }
            if (snapped)
            {
                evaluator.SetStart(stageU);
                double v = Deviance(trial, beta);
                if (v <= value + 1e-9) (theta, value) = (trial, v);
            }
            evaluator.SetStart(stageU);
            value = Deviance(theta, beta);
        }
        else
        {
            evaluator.SetStart(stageU);
            value = evaluator.FastDeviance(theta);
            beta = evaluator.Beta.ToArray();
        }
        bool pirlsConverged = evaluator.LastConverged;
        int pirlsIterations = evaluator.LastIterations;
        var uHat = evaluator.U.ToArray();
        var mu = evaluator.Mu.ToArray();
        var eta = evaluator.Eta.ToArray();

        // The Laplace deviance at the estimates (what the fit reports for nAGQ = 0 and 1; quadrature reports its own).
        double laplace = evaluator.ConditionalDeviance + evaluator.SumSquaresU + evaluator.LogDetL;
        var solution = engine.Solve(theta, 1.0);

        // vcov(β̂): from the Hessian of the deviance over (θ, β) as glmer (nAGQ ≥ 1), else from RX.
        var vcov = new DenseMatrix(p, p);
        var check = new ConvergenceCheck(false, double.NaN, double.NaN, true);
        bool haveHessian = false;
        if (options.Nagq >= 1 && options.StandardErrors != GlmmStandardErrors.Rx && p > 0)
        {
            double[] hess, gradient, steps;
            var point = new double[nt + p];
            theta.CopyTo(point, 0);
            beta.CopyTo(point, nt);
            if (options.StandardErrors == GlmmStandardErrors.Glmer && options.Nagq == 1)
            {
                double Glmer(double[] v) => evaluator.GlmerLaplace(v.AsSpan(0, nt), v.AsSpan(nt), stageEta);
                steps = Enumerable.Repeat(1e-4, nt + p).ToArray();
                hess = FiniteDifferenceHessian(Glmer, point, steps, Glmer(point), out gradient);
            }
            else
            {
                double Exact(double[] v)
                {
                    evaluator.SetStart(uHat);
                    return Deviance(v.AsSpan(0, nt), v.AsSpan(nt));
                }
                steps = new double[nt + p];
                for (int i = 0; i < nt; i++) steps[i] = 1e-3 * Math.Max(Math.Abs(theta[i]), 0.1);
                for (int j = 0; j < p; j++) steps[nt + j] = 1e-3 * scale[j];
                hess = FiniteDifferenceHessian(Exact, point, steps, value, out gradient);
            }
            if (options.StandardErrors == GlmmStandardErrors.Glmer && options.Nagq == 1)
            {
                // The optimum is judged by the gradient of the criterion itself (glmer's variant is a slightly different function).
                for (int a = 0; a < nt + p; a++)
                {
                    double h = a < nt ? 1e-3 * Math.Max(Math.Abs(theta[a]), 0.1) : 1e-3 * scale[a - nt];
                    var plus = (double[])point.Clone();
                    var minus = (double[])point.Clone();
                    plus[a] += h;
                    minus[a] -= h;
                    evaluator.SetStart(uHat);
                    double fp = evaluator.Laplace(plus.AsSpan(0, nt), plus.AsSpan(nt));
                    evaluator.SetStart(uHat);
                    double fm = evaluator.Laplace(minus.AsSpan(0, nt), minus.AsSpan(nt));
                    gradient[a] = (fp - fm) / (2 * h);
                }
            }
            haveHessian = TryHessianCovariance(hess, gradient, nt, p, vcov.Data, out check);
            if (!haveHessian) messages.Add("the Hessian of the deviance is not positive definite at the estimates: standard errors are taken from the weighted least-squares factor (RX) instead");
        }
        // Restore the state at the estimates before reading RX (the Hessian's evaluations moved it).
        evaluator.SetStart(uHat);
        if (options.Nagq >= 1) Deviance(theta, beta);
        else evaluator.FastDeviance(theta);
        if (!haveHessian && p > 0)
        {
            if (!evaluator.RxCovariance(theta, vcov.Data)) throw new ModelException("the fixed effects' weighted cross-product matrix could not be factored at the estimates (the fixed effects are numerically rank deficient)");
        }

        if (!pirlsConverged)
        {
            messages.Add(string.Create(CultureInfo.InvariantCulture,
                $"PIRLS did not converge in {pirlsIterations} iterations at the estimates: the conditional modes, the deviance and the standard errors are not reliable"));
        }
        else if (evaluator.NonConvergedEvaluations > 0)
        {
            messages.Add(string.Create(CultureInfo.InvariantCulture,
                $"PIRLS did not converge in {evaluator.NonConvergedEvaluations} of the optimiser's evaluations (it did at the estimates)"));
        }
        var fitted = mu;
        var pearson = response.PearsonResiduals(mu);
        var rawResiduals = new double[mu.Length];
        for (int i = 0; i < mu.Length; i++) rawResiduals[i] = response.Y[i] - mu[i];
        if (design.Family == Family.Binomial)
        {
            int extreme = mu.Count(m => m < 1e-8 || m > 1 - 1e-8);
            if (extreme > 0 && separated.Count == 0)
            {
                messages.Add(string.Create(CultureInfo.InvariantCulture,
                    $"fitted probabilities numerically 0 or 1 occurred in {extreme} rows: a sign of (quasi-)complete separation"));
            }
        }

        double deviance = options.Nagq > 1 ? value : laplace;
        double saturated = response.SaturatedDeviance;
        if (options.Nagq > 1 && Math.Abs(saturated) > 1e-9)
        {
            messages.Add(string.Create(CultureInfo.InvariantCulture,
                $"logLik, deviance, AIC and BIC are those of the full likelihood; glmer's for nAGQ > 1 leave out the saturated model's -2 log-likelihood ({saturated:F4} here) and so read deviance {deviance - saturated:F4}"));
        }
        return GlmmAssembly.Build(new GlmmAssembly.Parts(
            design, engine, link, options, theta, beta, vcov, solution, deviance, fitted, rawResiduals, pearson, eta,
            status, evaluations, check, messages, uHat, separated.Count > 0));
    }

    private static void CheckNagq(ModelDesign design, int nagq)
    {
        if (nagq < 0) throw new ModelException("nAGQ must be 0 or more");
        if (nagq > MaxNagq) throw new ModelException(string.Create(CultureInfo.InvariantCulture, $"nAGQ = {nagq}: at most {MaxNagq} quadrature points"));
        if (nagq > 1 && (design.RandomTerms.Count != 1 || design.RandomTerms[0].EffectsPerLevel != 1))
        {
            string terms = string.Join(" + ", design.RandomTerms.Select(t => t.Term.ToString()));
            throw new ModelException(string.Create(CultureInfo.InvariantCulture,
                $"adaptive Gauss-Hermite quadrature (nAGQ = {nagq}) needs a single scalar random-effects term such as (1 | g); this model has {terms}: use nAGQ = 1 (Laplace) or 0"));
        }
    }

    /// <summary>
    /// Finite-difference Hessian and gradient of f at x: central differences on the diagonal (and for the gradient),
    /// and for each pair [f(x + h_i + h_j) + f(x − h_i − h_j) − f(x ± h_i) − f(x ± h_j) + 2f(x)]/(2 h_i h_j), which is
    /// second-order accurate as the four-point stencil is, with two evaluations per pair rather than four.
    /// </summary>
    private static double[] FiniteDifferenceHessian(Func<double[], double> f, double[] x, double[] h, double f0, out double[] gradient)
    {
        int k = x.Length;
        var point = new double[k];
        double F(int i, double di, int j, double dj)
        {
            x.CopyTo(point, 0);
            point[i] += di;
            point[j] += dj;
            return f(point);
        }
        var hess = new double[k * k];
        var plus = new double[k];
        var minus = new double[k];
        gradient = new double[k];
        for (int a = 0; a < k; a++)
        {
            double fp = F(a, h[a], a, 0), fm = F(a, -h[a], a, 0);
            plus[a] = fp;
            minus[a] = fm;
            gradient[a] = (fp - fm) / (2 * h[a]);
            hess[(a * k) + a] = (fp - (2 * f0) + fm) / (h[a] * h[a]);
        }
        for (int a = 0; a < k; a++)
        {
            for (int b = 0; b < a; b++)
            {
                double both = F(a, h[a], b, h[b]) + F(a, -h[a], b, -h[b]);
                hess[(a * k) + b] = hess[(b * k) + a] = (both - plus[a] - minus[a] - plus[b] - minus[b] + (2 * f0)) / (2 * h[a] * h[b]);
            }
        }
        return hess;
    }

    /// <summary>vcov(β̂) = 2 [H⁻¹]_ββ (H the Hessian of −2 log L over (θ, β)); false unless H is positive definite.</summary>
    private static bool TryHessianCovariance(double[] hess, double[] gradient, int nt, int p, double[] vcov, out ConvergenceCheck check)
    {
        int k = nt + p;
        var chol = (double[])hess.Clone();
        bool pd = SmallDense.Cholesky(chol, k);
        double decrease = double.PositiveInfinity;
        double maxGrad = gradient.Length == 0 ? 0 : gradient.Max(Math.Abs);
        if (pd)
        {
            var y = (double[])gradient.Clone();
            SmallDense.SolveLower(chol, y, k);
            decrease = y.Sum(v => v * v) / 2;
        }
        check = new ConvergenceCheck(true, maxGrad, decrease, pd);
        if (!pd) return false;
        var e = new double[k];
        for (int j = 0; j < p; j++)
        {
            Array.Clear(e);
            e[nt + j] = 1;
            SmallDense.SolveLower(chol, e, k);
            SmallDense.SolveLowerTransposed(chol, e, k, k);
            for (int i = 0; i < p; i++) vcov[(j * p) + i] = 2 * e[nt + i];
        }
        for (int j = 0; j < p; j++)
        {
            for (int i = j + 1; i < p; i++) vcov[(j * p) + i] = vcov[(i * p) + j] = 0.5 * (vcov[(j * p) + i] + vcov[(i * p) + j]);
        }
        return true;
    }
}
