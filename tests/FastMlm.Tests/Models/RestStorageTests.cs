using System.Globalization;
using System.Text;
using System.Text.Json;
using FastMlm.Data;
using FastMlm.Design;
using FastMlm.Models;
using FastMlm.Tests.Reference;

namespace FastMlm.Tests.Models;

/// <summary>
/// The rest block (the random-effects terms after the largest) stored dense or on its envelope: the same fits to
/// rounding, and designs beyond what a dense block could hold.
/// </summary>
public sealed class RestStorageTests
{
    /// <summary>What two storages' evaluations at one θ agree to (relative): rounding in a different order of sums.</summary>
    private const double Tolerance = 1e-9;

    /// <summary>
    /// What two storages' whole fits agree to in θ and what follows from it: the optimiser sees criteria that differ in
    /// the last bits and may stop at a point a little apart on a flat optimum; the criterion itself agrees to
    /// <see cref="Tolerance"/>.
    /// </summary>
    private const double FitTolerance = 1e-5;

    public static TheoryData<string> MultiTermLinearModels() => new(ReferenceSuite.ModelIds().Where(id =>
    {
        using var doc = ReferenceSuite.Load(id);
        var root = doc.RootElement;
        if (root.GetProperty("family").GetString() != "gaussian") return false;
        var design = ModelDesign.Build(BuiltInData.Load(ReferenceSuite.DataSetName(root)), root.GetProperty("formula").GetString()!);
        return design.RandomTerms.Count >= 2;
    }));

    private static T With<T>(RestStorage storage, Func<T> fit)
    {
        var saved = ProfiledLmm.RequestedRestStorage;
        ProfiledLmm.RequestedRestStorage = storage;
        try
        {
            return fit();
        }
        finally
        {
            ProfiledLmm.RequestedRestStorage = saved;
        }
    }

    private static void AssertClose(double want, double got, double tolerance, string what) =>
        Assert.True(Math.Abs(want - got) <= tolerance * Math.Max(1, Math.Abs(want)), $"{what}: envelope {got} != dense {want}");

    private static void AssertSameFits(FitResult dense, FitResult envelope)
    {
        AssertClose(dense.Criterion, envelope.Criterion, Tolerance, "criterion");
        Assert.Equal(dense.Theta.Count, envelope.Theta.Count);
        for (int i = 0; i < dense.Theta.Count; i++) AssertClose(dense.Theta[i], envelope.Theta[i], FitTolerance, $"θ[{i}]");
        for (int i = 0; i < dense.FixedEffects.Count; i++)
        {
            AssertClose(dense.FixedEffects[i].Estimate, envelope.FixedEffects[i].Estimate, FitTolerance, $"β[{i}]");
            AssertClose(dense.FixedEffects[i].StandardError, envelope.FixedEffects[i].StandardError, FitTolerance, $"se[{i}]");
        }
        for (int t = 0; t < dense.RandomEffects.Count; t++)
        {
            var a = dense.RandomEffects[t];
            var b = envelope.RandomEffects[t];
            for (int level = 0; level < a.Levels.Count; level++)
            {
                for (int c = 0; c < a.Columns.Count; c++)
                {
                    AssertClose(a.Value(level, c), b.Value(level, c), FitTolerance, $"{a.Group} {a.Levels[level]} mode {c}");
                    for (int d = 0; d < a.Columns.Count; d++)
                    {
                        AssertClose(a.ConditionalCovariance(level, c, d), b.ConditionalCovariance(level, c, d), FitTolerance, $"{a.Group} {a.Levels[level]} covariance {c},{d}");
                    }
                }
            }
        }
    }

    /// <summary>Criterion, β, its covariance, σ, modes and conditional variances of both storages at θ = the start and at a second point.</summary>
    private static void AssertSameSolutions(ModelDesign design, bool reml)
    {
        var dense = new ProfiledLmm(design, reml, fixedEffects: true, RestStorage.Dense);
        var envelope = new ProfiledLmm(design, reml, fixedEffects: true, RestStorage.Envelope);
        Assert.Equal(RestStorage.Envelope, envelope.Storage);
        var second = dense.Start.Select((v, i) => v == 1 ? 0.4 + (0.1 * i) : 0.15).ToArray();
        foreach (var theta in new[] { dense.Start, second })
        {
            var a = dense.Solve(theta);
            var b = envelope.Solve(theta);
            AssertClose(a.Criterion, b.Criterion, Tolerance, "criterion");
            AssertClose(a.Sigma, b.Sigma, Tolerance, "σ");
            for (int i = 0; i < a.Beta.Length; i++) AssertClose(a.Beta[i], b.Beta[i], Tolerance, $"β[{i}]");
            for (int i = 0; i < a.BetaCovariance.Data.Length; i++) AssertClose(a.BetaCovariance.Data[i], b.BetaCovariance.Data[i], Tolerance, $"vcov[{i}]");
            for (int t = 0; t < a.Modes.Length; t++)
            {
                for (int i = 0; i < a.Modes[t].Length; i++) AssertClose(a.Modes[t][i], b.Modes[t][i], Tolerance, $"term {t} mode {i}");
                for (int i = 0; i < a.ConditionalVariances[t].Length; i++) AssertClose(a.ConditionalVariances[t][i], b.ConditionalVariances[t][i], Tolerance, $"term {t} conditional variance {i}");
            }
        }
    }

    [Fact]
    public void Suite_HasModelsWithSeveralTerms()
    {
        Assert.True(MultiTermLinearModels().Count >= 5);
    }

    [Theory]
    [MemberData(nameof(MultiTermLinearModels))]
    public void ReferenceModels_DenseAndEnvelope_GiveTheSameFit(string id)
    {
        using var reference = ReferenceSuite.Load(id);
        var root = reference.RootElement;
        var data = BuiltInData.Load(ReferenceSuite.DataSetName(root));
        string formula = root.GetProperty("formula").GetString()!;
        var options = new LmmOptions { Reml = root.GetProperty("reml").GetBoolean() };
        AssertSameSolutions(ModelDesign.Build(data, formula), options.Reml);
        var dense = With(RestStorage.Dense, () => LinearMixedModel.Fit(data, formula, options));
        var envelope = With(RestStorage.Envelope, () => LinearMixedModel.Fit(data, formula, options));
        AssertSameFits(dense, envelope);
    }

    [Theory]
    [InlineData("bernoulli_crossed_sim", "y ~ x + (1 | a) + (1 | b)", "binomial", 1)]
    [InlineData("poisson_nested_sim", "y ~ x + offset(log(t)) + (1 | school/class)", "poisson", 1)]
    [InlineData("bernoulli_crossed_sim", "y ~ x + (1 + x | a) + (1 | b)", "binomial", 1)]
    public void GeneralizedModels_DenseAndEnvelope_GiveTheSameFit(string set, string formula, string family, int nagq)
    {
        var data = SimulatedData.Frame(set);
        var fam = Families.Parse(family);
        var dense = With(RestStorage.Dense, () => GeneralizedLinearMixedModel.Fit(data, formula, fam, new GlmmOptions { Nagq = nagq }));
        var envelope = With(RestStorage.Envelope, () => GeneralizedLinearMixedModel.Fit(data, formula, fam, new GlmmOptions { Nagq = nagq }));
        AssertSameFits(dense, envelope);

        // At one (θ, β), PIRLS's Laplace deviance through either storage.
        var design = ModelDesign.Build(data, formula, fam);
        var link = Links.Parse(fam == Family.Poisson ? "log" : "logit", fam);
        var theta = dense.Theta.ToArray();
        var beta = dense.FixedEffects.Select(f => f.Estimate).ToArray();
        double Laplace(RestStorage storage) => With(storage, () => new GlmmEvaluator(design, new GlmResponse(design.Response, fam, link)).Laplace(theta, beta));
        AssertClose(Laplace(RestStorage.Dense), Laplace(RestStorage.Envelope), Tolerance, "Laplace deviance");
    }

    [Theory]
    [InlineData("crossed_two_slopes_sim", "y ~ x + (1 + x | a) + (1 + x | b)")]
    [InlineData("nested3_sim", "y ~ x + (1 | school/class)")]
    [InlineData("crossed_slope_sim", "y ~ x + (1 | a) + (1 + x | b)")]
    public void VectorRestTerms_DenseAndEnvelope_GiveTheSameFit(string set, string formula)
    {
        var data = SimulatedData.Frame(set);
        AssertSameSolutions(ModelDesign.Build(data, formula), reml: true);
        var dense = With(RestStorage.Dense, () => LinearMixedModel.Fit(data, formula, new LmmOptions { Reml = true }));
        var envelope = With(RestStorage.Envelope, () => LinearMixedModel.Fit(data, formula, new LmmOptions { Reml = true }));
        AssertSameFits(dense, envelope);
    }

    /// <summary>
    /// Repeated measures of pupils in classes in schools, the classes numbered at random across schools (so the
    /// natural order of the class levels puts a school's classes far apart).
    /// </summary>
    private static DataFrame RepeatedNested(int schools, int classesPerSchool, int pupilsPerClass, int seed)
    {
        var rng = new Random(seed);
        int classes = schools * classesPerSchool;
        var classLabel = Enumerable.Range(0, classes).OrderBy(_ => rng.Next()).ToArray();
        var sb = new StringBuilder("y,x,school,class,pupil\n");
        int pupil = 0;
        for (int s = 0; s < schools; s++)
        {
            double u = 0.7 * Normal(rng);
            for (int c = 0; c < classesPerSchool; c++)
            {
                double v = 0.4 * Normal(rng);
                int label = classLabel[(s * classesPerSchool) + c];
                for (int p = 0; p < pupilsPerClass; p++, pupil++)
                {
                    double w = 0.5 * Normal(rng);
                    for (int k = 0; k < 2; k++)
                    {
                        double x = Normal(rng);
                        double y = 10 + (0.3 * x) + u + v + w + Normal(rng);
                        sb.Append(CultureInfo.InvariantCulture, $"{y:R},{x:R},s{s},c{label},p{pupil}\n");
                    }
                }
            }
        }
        return CsvReader.Parse(sb.ToString(), source: "repeated_nested");
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private const string NestedFormula = "y ~ x + (1 | school) + (1 | class) + (1 | pupil)";

    [Fact]
    public void NestedDesign_OrderedByLevels_DenseAndEnvelopeAgree()
    {
        var data = RepeatedNested(schools: 40, classesPerSchool: 12, pupilsPerClass: 3, seed: 1);
        AssertSameSolutions(ModelDesign.Build(data, NestedFormula), reml: true);
        var dense = With(RestStorage.Dense, () => LinearMixedModel.Fit(data, NestedFormula, new LmmOptions { Reml = true }));
        var envelope = With(RestStorage.Envelope, () => LinearMixedModel.Fit(data, NestedFormula, new LmmOptions { Reml = true }));
        AssertSameFits(dense, envelope);
    }

    [Fact]
    public void NestedDesignBeyondTheDenseLimit_FitsWithStorageLinearInTheLevels()
    {
        // 21,000 classes and 700 schools after the 42,000 pupils: 21,700 rest columns, a dense block of 471 million
        // values. Ordered by levels, each class's row reaches back to its school's or a school's to its first class's:
        // a few values a row (the factor's 4-row tiles add at most a few more), whatever order the class labels came in.
        var data = RepeatedNested(schools: 700, classesPerSchool: 30, pupilsPerClass: 2, seed: 2);
        var design = ModelDesign.Build(data, NestedFormula);
        var model = new ProfiledLmm(design, reml: true);
        Assert.Equal(RestStorage.Envelope, model.Storage);
        Assert.True(model.RestEntries < 8 * 21_700, $"{model.RestEntries} values");
        var fit = LinearMixedModel.Fit(data, NestedFormula, new LmmOptions { Reml = true });
        Assert.True(fit.Converged, string.Join("; ", fit.Messages));
        // The simulated SDs: schools 0.7, classes 0.4, pupils 0.5, residual 1.
        var sd = fit.VarCorr.Where(v => v.Name2 is null).ToDictionary(v => v.Group, v => v.SdCor);
        Assert.InRange(sd["school"], 0.6, 0.8);
        Assert.InRange(sd["class"], 0.3, 0.5);
        Assert.InRange(sd["pupil"], 0.4, 0.6);
        Assert.InRange(fit.Sigma, 0.95, 1.05);
    }

    [Fact]
    public void Envelope_Evaluate_AllocatesNothing()
    {
        var data = RepeatedNested(schools: 20, classesPerSchool: 10, pupilsPerClass: 2, seed: 3);
        foreach (var formula in new[] { NestedFormula, "y ~ x + (1 + x | pupil) + (1 | class) + (1 + x | school)" })
        {
            var model = new ProfiledLmm(ModelDesign.Build(data, formula), reml: true, fixedEffects: true, RestStorage.Envelope);
            Assert.Equal(RestStorage.Envelope, model.Storage);
            var theta = Enumerable.Repeat(0.7, model.ThetaLength).ToArray();
            for (int i = 0; i < 200; i++) model.Evaluate(theta);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) model.Evaluate(theta);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void Auto_TakesTheEnvelopeForABandedCrossingAndDenseForARandomOne()
    {
        var banded = ModelDesign.Build(SimulatedData.Frame("teaching_crossed"), SimulatedData.Design("teaching_crossed").Formula);
        Assert.Equal(RestStorage.Envelope, new ProfiledLmm(banded, reml: true, fixedEffects: true, RestStorage.Auto).Storage);
        var random = ModelDesign.Build(SimulatedData.Frame("teaching_crossed_random"), SimulatedData.Design("teaching_crossed_random").Formula);
        Assert.Equal(RestStorage.Dense, new ProfiledLmm(random, reml: true, fixedEffects: true, RestStorage.Auto).Storage);
    }
}
