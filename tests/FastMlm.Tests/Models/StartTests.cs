using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Formulas;
using FastMlm.Models;

namespace FastMlm.Tests.Models;

/// <summary>
/// The optimiser's start is lme4's (mkLmerDevfun's moment estimate for random intercepts on distinct factors,
/// identity otherwise). Expected values are lme4 1.1-31's <c>environment(lmer(..., devFunOnly = TRUE))$pp$theta</c>.
/// </summary>
public class StartTests
{
    private static double[] StartOf(string data, string formula)
    {
        var design = ModelDesign.Build(BuiltInData.Load(data), ModelFormula.Parse(formula));
        var engine = new ProfiledLmm(design, reml: true);
        return engine.StartFor(design.Response.Values);
    }

    [Theory]
    [InlineData("penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", new[] { 1.7449150221442946, 3.5940134817983642 })]
    [InlineData("dyestuff", "Yield ~ 1 + (1 | Batch)", new[] { 0.97876050342587007 })]
    [InlineData("exam", "normexam ~ 1 + (1 | school)", new[] { 0.44270306819600086 })]
    // Nested intercepts: the group means' variances add up to more than var(y), so lme4 keeps the identity.
    [InlineData("pastes", "strength ~ 1 + (1 | batch/cask)", new[] { 1.0, 1.0 })]
    // Two terms on one factor, and vector terms: identity.
    [InlineData("sleepstudy", "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)", new[] { 1.0, 1.0 })]
    [InlineData("sleepstudy", "Reaction ~ Days + (Days | Subject)", new[] { 1.0, 0.0, 1.0 })]
    public void StartIsLme4s(string data, string formula, double[] expected)
    {
        var start = StartOf(data, formula);
        Assert.Equal(expected.Length, start.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], start[i], 1e-12);
    }

    [Fact]
    public void MomentStartSavesEvaluationsOnCrossedIntercepts()
    {
        // Penicillin: from the identity the optimiser needed 62 evaluations; from lme4's start lme4 needs 41.
        var design = ModelDesign.Build(BuiltInData.Load("penicillin"), ModelFormula.Parse("diameter ~ 1 + (1 | plate) + (1 | sample)"));
        var engine = new ProfiledLmm(design, reml: true);
        var fromIdentity = engine.Minimize(engine.Start, LinearMixedModel.DefaultOptimizer);
        var fromMoments = engine.Minimize(engine.StartFor(design.Response.Values), LinearMixedModel.DefaultOptimizer);
        Assert.True(fromMoments.Evaluations < fromIdentity.Evaluations, $"{fromMoments.Evaluations} evaluations from lme4's start, {fromIdentity.Evaluations} from the identity");
        Assert.True(fromMoments.Value <= fromIdentity.Value + 1e-9);
    }
}
