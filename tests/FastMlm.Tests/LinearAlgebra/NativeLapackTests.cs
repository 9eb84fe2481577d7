using FastMlm.Data;
using FastMlm.Design;
using FastMlm.LinearAlgebra;
using FastMlm.Models;

namespace FastMlm.Tests.LinearAlgebra;

/// <summary>
/// A test of the OpenBLAS backend: skipped where LAPACKE cannot be loaded, unless FASTMLM_REQUIRE_OPENBLAS=1 (set by
/// CI after installing it), where a missing library fails the test.
/// </summary>
public sealed class LapackeFactAttribute : FactAttribute
{
    public LapackeFactAttribute() => Skip = LapackeTheoryAttribute.SkipReason;
}

/// <inheritdoc cref="LapackeFactAttribute"/>
public sealed class LapackeTheoryAttribute : TheoryAttribute
{
    public LapackeTheoryAttribute() => Skip = SkipReason;

    internal static string? SkipReason =>
        NativeLapack.Available || Environment.GetEnvironmentVariable("FASTMLM_REQUIRE_OPENBLAS") == "1"
            ? null
            : "OpenBLAS/LAPACKE is not installed (CI installs it and sets FASTMLM_REQUIRE_OPENBLAS=1)";
}

/// <summary>
/// The optional OpenBLAS backend against the managed kernels. These run where LAPACKE is installed and are skipped
/// elsewhere; CI installs it and sets FASTMLM_REQUIRE_OPENBLAS=1 so that a missing library fails rather than skips
/// (and runs the whole suite a second time with FASTMLM_BLAS=openblas).
/// </summary>
public sealed class NativeLapackTests
{
    public static TheoryData<int> Orders() => new() { 1, 63, 64, 97, 300 };

    [Fact]
    public void Lapacke_IsLoadedWhereItIsRequired()
    {
        if (Environment.GetEnvironmentVariable("FASTMLM_REQUIRE_OPENBLAS") == "1") Assert.True(NativeLapack.Available, NativeLapack.UnavailableReason);
        Assert.Equal(NativeLapack.Available, NativeLapack.UnavailableReason is null);
    }

    private static double[] SpdMatrix(int n, int seed)
    {
        var rng = new Random(seed);
        var b = new double[n * n];
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextDouble() - 0.5;
        var a = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < n; i++)
            {
                double s = i == j ? n : 0;
                for (int k = 0; k < n; k++) s += b[(k * n) + i] * b[(k * n) + j];
                a[(j * n) + i] = s;
            }
        }
        return a;
    }

    [LapackeTheory]
    [MemberData(nameof(Orders))]
    public void Dpotrf_GivesTheManagedFactor(int n)
    {
        var managed = SpdMatrix(n, n);
        var native = (double[])managed.Clone();
        Assert.True(DenseCholesky.Factor(managed, n, n, DenseCholesky.Best));
        Assert.True(NativeLapack.Dpotrf(native, n, n));
        for (int j = 0; j < n; j++)
        {
            for (int i = j; i < n; i++) Assert.Equal(managed[(j * n) + i], native[(j * n) + i], 1e-11 * Math.Abs(managed[(j * n) + j]) + 1e-13);
        }
    }

    [LapackeTheory]
    [MemberData(nameof(Orders))]
    public void Dpotrf_RefusesAMatrixThatIsNotPositiveDefinite(int n)
    {
        var a = SpdMatrix(n, 3);
        a[((n - 1) * n) + (n - 1)] = -1;
        Assert.False(NativeLapack.Dpotrf(a, n, n));
    }

    [LapackeFact]
    public void Criterion_IsTheSameOnBothBackends()
    {
        var design = ModelDesign.Build(SimulatedData.Frame("teaching_crossed"), "y ~ 1 + dept + (1 | s) + (1 | d)");
        var model = new ProfiledLmm(design, reml: true);
        double[] theta = [0.4, 0.7];
        double managed;
        using (NativeLapack.Use(LinearAlgebraBackend.Managed)) managed = model.Evaluate(theta);
        double native;
        using (NativeLapack.Use(LinearAlgebraBackend.OpenBlas)) native = model.Evaluate(theta);
        Assert.Equal(managed, native, 1e-9 * Math.Abs(managed));
    }
}
