using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Models;

namespace FastMlm.Tests.Models;

/// <summary>Single evaluations of the profiled criterion against values lme4 computes for the same θ.</summary>
public sealed class ProfiledLmmTests
{
    private static ProfiledLmm Build(string data, string formula, bool reml = false) =>
        new(ModelDesign.Build(BuiltInData.Load(data), formula), reml);

    [Fact]
    public void Dyestuff_MlDevianceAtFixedTheta_MatchesLme4ToRounding()
    {
        var model = Build("dyestuff", "Yield ~ 1 + (1 | Batch)");
        double value = model.Evaluate([0.713]);
        Assert.Equal(327.34216280954615, value, 1e-10);
    }

    [Fact]
    public void Sleepstudy_MlDevianceAtLme4Optimum_MatchesLme4()
    {
        var model = Build("sleepstudy", "Reaction ~ 1 + Days + (1 + Days | Subject)");
        double value = model.Evaluate([0.929225313686767, 0.0181656162396117, 0.222645382604803]);
        Assert.Equal(1751.9393444632, value, 1e-6);
    }

    [Theory]
    [InlineData("penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", new[] { 1.53967772721051, 3.51241584871638 }, -165.430294495543, 332.270010321512)]
    [InlineData("pastes", "strength ~ 1 + (1 | batch/cask)", new[] { 3.52690183933801, 1.56346049446606 }, -123.495372926743, 248.039644009875)]
    [InlineData("hsb82", "mAch ~ 1 + ses + (1 | school) + (0 + ses | school)", new[] { 0.363030134717121, 0.107311109109759 }, -23320.3315188828, 46636.7524973245)]
    [InlineData("cake", "angle ~ recipe * factor(temperature) + (1 | recipe:replicate)", new[] { 1.42959163246083 }, -816.623090736167, 1679.05186525477)]
    public void RemlFits_CriterionAndMlDevianceAtLme4Theta_MatchLme4(string data, string formula, double[] theta, double logLik, double mlDeviance)
    {
        var model = Build(data, formula, reml: true);
        double value = model.Evaluate(theta);
        Assert.Equal(-2 * logLik, value, 1e-6 * Math.Abs(logLik));
        Assert.Equal(mlDeviance, model.MlDeviance, 1e-6 * mlDeviance);
    }

    [Theory]
    [InlineData("sleepstudy", "Reaction ~ 1 + Days + (1 + Days | Subject)", 3)]
    [InlineData("penicillin", "diameter ~ 1 + (1 | plate) + (1 | sample)", 2)]
    [InlineData("pastes", "strength ~ 1 + (1 | batch/cask)", 2)]
    [InlineData("hsb82", "mAch ~ 1 + ses + (1 | school) + (0 + ses | school)", 2)]
    public void Evaluate_AllocatesNothing(string data, string formula, int thetaLength)
    {
        var model = Build(data, formula, reml: true);
        var theta = Enumerable.Repeat(0.7, thetaLength).ToArray();
        for (int i = 0; i < 200; i++) model.Evaluate(theta); // past tiered compilation's first tiers, which may allocate
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) model.Evaluate(theta);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void FailedFactorization_GivesAFinitePenaltyNotAnException()
    {
        var model = Build("dyestuff", "Yield ~ 1 + (1 | Batch)");
        double value = model.Evaluate([double.NaN]);
        Assert.False(model.LastFactorizationOk);
        Assert.Equal(ProfiledLmm.FailedValue, value);
        Assert.True(double.IsFinite(value));
        Assert.Equal(327.34216280954615, model.Evaluate([0.713]), 1e-10);
    }

    [Fact]
    public void DenseBlockBeyondTheLimit_IsRefusedWithAClearMessage_AndTheEnvelopeHoldsIt()
    {
        // Two crossed factors of 25,000 levels: the second would need a dense 25,000 × 25,000 block. Each level of a
        // meets two levels of b 12,500 apart, each level of b two of a: ordered by levels, a narrow envelope.
        var sb = new System.Text.StringBuilder("y,a,b\n");
        for (int i = 0; i < 50_000; i++)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i % 7},a{i % 25_000},b{(i / 2) % 25_000}\n");
        }
        var design = ModelDesign.Build(CsvReader.Parse(sb.ToString()), "y ~ 1 + (1 | a) + (1 | b)");
        var e = Assert.Throws<ModelException>(() => new ProfiledLmm(design, reml: false, fixedEffects: true, RestStorage.Dense));
        Assert.Contains("25000 columns", e.Message, StringComparison.Ordinal);
        Assert.Contains("625000000 values", e.Message, StringComparison.Ordinal);
        var model = new ProfiledLmm(design, reml: false);
        Assert.Equal(RestStorage.Envelope, model.Storage);
        Assert.True(model.RestEntries < 10 * 25_000, $"{model.RestEntries} values");
        Assert.True(double.IsFinite(model.Evaluate([0.8, 0.6])));
    }

    [Fact]
    public void TermsAreOrderedByLevels_ThetaFollows()
    {
        // sample (6 levels) written first, plate (24) leads: lme4's order, and θ in that order.
        var model = Build("penicillin", "diameter ~ 1 + (1 | sample) + (1 | plate)", reml: true);
        Assert.Equal(["plate", "sample"], model.Terms.Select(t => t.Term.GroupName));
        double swapped = model.Evaluate([1.53967772721051, 3.51241584871638]);
        Assert.Equal(2 * 165.430294495543, swapped, 1e-6);
    }
}
