using System.Globalization;
using FastMlm.Design;
using FastMlm.LinearAlgebra;
using FastMlm.Optimization;

namespace FastMlm.Models;

/// <summary>A GLMM's estimates turned into a <see cref="FitResult"/> with glmer's conventions.</summary>
internal static class GlmmAssembly
{
    /// <summary>What the fit hands over.</summary>
    internal sealed record Parts(
        ModelDesign Design,
        ProfiledLmm Engine,
        LinkFunction Link,
        GlmmOptions Options,
        double[] InternalTheta,
        double[] Beta,
        DenseMatrix BetaCovariance,
        ProfiledLmm.Solution Solution,
        double Deviance,
        double[] Fitted,
        double[] Residuals,
        double[] Pearson,
        double[] Eta,
        OptimizationResult Optimizer,
        int Evaluations,
        ConvergenceCheck Check,
        List<string> Messages,
        double[] SphericalModes,
        bool Separated);

    public static FitResult Build(Parts a)
    {
        var design = a.Design;
        var model = a.Engine;
        var theta = model.ReportedTheta(a.InternalTheta);
        var terms = model.Terms;
        var messages = a.Messages;

        var (varcorr, tables, singularParts) = LinearMixedModel.DescribeRandomEffects(model, theta, a.InternalTheta, 1.0, a.Options.SingularTolerance, a.Solution.Modes, a.Solution.ConditionalVariances);
        bool singular = singularParts.Count > 0;
        if (singular) messages.Add("boundary (singular) fit: " + string.Join("; ", singularParts.Distinct(StringComparer.Ordinal)));

        var fixedNames = design.Fixed.ColumnNames;
        var fixef = new FixedEffect[a.Beta.Length];
        for (int j = 0; j < fixef.Length; j++) fixef[j] = new FixedEffect(fixedNames[j], a.Beta[j], Math.Sqrt(a.BetaCovariance[j, j]));

        // The latent-scale share of each random intercept (binary-response links only).
        var iccs = new List<KeyValuePair<string, double>>();
        double latent = Links.LatentResidualVariance(a.Link);
        if (design.Family == Family.Binomial && double.IsFinite(latent) && terms.All(t => t.Q == 1 && t.Term.ColumnNames[0] == "(Intercept)"))
        {
            double total = latent + varcorr.Sum(v => v.Value);
            foreach (var v in varcorr) iccs.Add(new(v.Group, v.Value / total));
        }

        var opt = a.Optimizer;
        bool optimizerOk = opt.Converged;
        if (!optimizerOk) messages.Add($"the optimizer did not converge: {opt.Message} (after {a.Evaluations} evaluations)");
        bool checkOk = true;
        var check = a.Check;
        if (check.Checked)
        {
            if (!check.HessianPositiveDefinite && !singular && !a.Separated)
            {
                checkOk = false;
                messages.Add("convergence check: the Hessian of the deviance is not positive definite at the estimates; the optimum may be a saddle point or the model over-parameterised");
            }
            else if (check.HessianPositiveDefinite && check.PredictedDecrease > 1e-4)
            {
                checkOk = false;
                messages.Add(string.Create(CultureInfo.InvariantCulture,
                    $"convergence check: the deviance could still decrease by about {check.PredictedDecrease:G3} (largest gradient {check.MaxAbsGradient:G3}); the estimates may not be at the optimum"));
            }
        }
        bool pirlsOk = !messages.Any(m => m.StartsWith("PIRLS did not converge in", StringComparison.Ordinal) && m.Contains("at the estimates:", StringComparison.Ordinal));

        return new FitResult
        {
            Formula = design.Formula.Text,
            DataSource = design.Frame.Data.Source,
            Family = design.Family,
            Link = a.Link.RName(),
            Reml = false,
            Nagq = a.Options.Nagq,
            ObservationCount = design.ObservationCount,
            GroupCounts = LinearMixedModel.DistinctGroupCounts(terms),
            Criterion = a.Deviance,
            Deviance = a.Deviance,
            ParameterCount = a.Beta.Length + theta.Length,
            Sigma = 1,
            Theta = theta,
            IsSingular = singular,
            FixedEffects = fixef,
            FixedEffectsCovariance = a.BetaCovariance,
            DroppedColumns = design.Fixed.DroppedColumns,
            VarCorr = varcorr,
            RandomEffects = tables,
            IntraclassCorrelations = iccs,
            Fitted = a.Fitted,
            Residuals = a.Residuals,
            LinearPredictor = a.Eta,
            PearsonResiduals = a.Pearson,
            Converged = optimizerOk && checkOk && pirlsOk,
            Evaluations = a.Evaluations,
            Convergence = check,
            Messages = messages,
            Design = design,
            Options = new LmmOptions { Reml = false, SingularTolerance = a.Options.SingularTolerance },
            GlmmOptions = a.Options,
            Engine = null,
            InternalTheta = (double[])a.InternalTheta.Clone(),
        };
    }
}
