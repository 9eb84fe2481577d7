using FastMlm.Data;
using FastMlm.Inference;
using FastMlm.LinearAlgebra;
using FastMlm.Models;
using FastMlm.Tests.Reference;

namespace FastMlm.Tests.Inference;

public sealed class VarianceExplainedTests
{
    [Fact]
    public void Icc_OfExamsEmptyModel_MatchesTheReferenceAndItsIntervalIsWhereTheProfileRisesByZSquared()
    {
        using var doc = ReferenceSuite.Load("icc_exam_empty_ml");
        var fit = LinearMixedModel.Fit(BuiltInData.Load("exam"), "normexam ~ 1 + (1 | school)", new LmmOptions { Reml = false });
        var share = Assert.Single(VarianceExplained.Shares(fit));
        Assert.Equal("school", share.Group);
        Assert.False(share.AtZero);
        Assert.Equal(doc.RootElement.GetProperty("icc").GetDouble(), share.Share, 1e-5);
        Assert.True(share.Lower < share.Share && share.Share < share.Upper);

        // One scalar term: ICC = θ²/(1 + θ²), so each limit is a θ at which the profiled deviance has risen by z².
        double z2 = Math.Pow(Distributions.NormalQuantile(0.975), 2);
        foreach (double rho in new[] { share.Lower, share.Upper })
        {
            double theta = Math.Sqrt(rho / (1 - rho));
            Assert.Equal(fit.Criterion + z2, fit.Engine!.Evaluate([theta]), 1e-6);
        }
        // And the limits agree with lme4's profile limits for the SD and σ only loosely (those are other profiles), so
        // check the interval lies inside the range those limits allow.
        var sig = doc.RootElement.GetProperty("profile").EnumerateArray().ToDictionary(e => e.GetProperty("parameter").GetString()!, e => (e.GetProperty("lower").GetDouble(), e.GetProperty("upper").GetDouble()));
        double loose = Math.Pow(sig[".sig01"].Item1, 2) / (Math.Pow(sig[".sig01"].Item1, 2) + Math.Pow(sig[".sigma"].Item2, 2));
        Assert.True(share.Lower > loose);
    }

    [Fact]
    public void Shares_OfANestedModel_SumBelowOneAndRandomSlopesAreAtZero()
    {
        var pastes = LinearMixedModel.Fit(BuiltInData.Load("pastes"), "strength ~ 1 + (1 | batch/cask)");
        var shares = VarianceExplained.Shares(pastes);
        Assert.Equal(2, shares.Count);
        double total = pastes.VarCorr.Sum(v => v.Name2 is null ? v.Value : 0);
        foreach (var s in shares)
        {
            double tau2 = pastes.VarCorr.Single(v => v.Group == s.Group).Value;
            Assert.Equal(tau2 / total, s.Share, 1e-10);
            Assert.InRange(s.Share, s.Lower, s.Upper);
        }

        var sleep = LinearMixedModel.Fit(BuiltInData.Load("sleepstudy"), "Reaction ~ Days + (Days | Subject)");
        var vpc = Assert.Single(VarianceExplained.Shares(sleep));
        Assert.True(vpc.AtZero);
        double intercept = sleep.VarCorr[0].Value;
        Assert.Equal(intercept / (intercept + (sleep.Sigma * sleep.Sigma)), vpc.Share, 1e-10);
    }

    [Fact]
    public void ProportionalReduction_IsOneLessTheVarianceRatio()
    {
        var exam = BuiltInData.Load("exam");
        var empty = LinearMixedModel.Fit(exam, "normexam ~ 1 + (1 | school)", new LmmOptions { Reml = false });
        var full = LinearMixedModel.Fit(exam, "normexam ~ standlrt + (1 | school)", new LmmOptions { Reml = false });
        var pre = VarianceExplained.ProportionalReduction(full, empty);
        Assert.Equal(2, pre.Count);
        var school = pre[0];
        Assert.Equal("school", school.Group);
        Assert.Equal(1 - (full.VarCorr[0].Value / empty.VarCorr[0].Value), school.Reduction, 1e-12);
        Assert.InRange(school.Reduction, 0.3, 0.7); // standlrt explains part of the schools' differences
        Assert.Equal("Residual", pre[1].Group);
        Assert.Equal(1 - Math.Pow(full.Sigma / empty.Sigma, 2), pre[1].Reduction, 1e-12);
    }

    [Fact]
    public void SymmetricEigen_DecomposesAndSortsDecreasing()
    {
        var rng = new Random(7);
        const int n = 6;
        var b = new double[n * n];
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextDouble() - 0.5;
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < n; k++) a[(j * n) + i] += b[(k * n) + i] * b[(k * n) + j];
            }
        }
        a[0] -= 0.3; // an indefinite matrix works too
        var work = (double[])a.Clone();
        var values = new double[n];
        var vectors = new double[n * n];
        SmallDense.SymmetricEigen(work, n, values, vectors);
        for (int k = 0; k < n; k++)
        {
            if (k > 0) Assert.True(values[k] <= values[k - 1]);
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int j = 0; j < n; j++) av += a[(j * n) + i] * vectors[(k * n) + j];
                Assert.Equal(values[k] * vectors[(k * n) + i], av, 1e-12);
            }
        }
    }
}
