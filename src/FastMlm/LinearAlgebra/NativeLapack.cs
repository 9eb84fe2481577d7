using System.Runtime.InteropServices;

namespace FastMlm.LinearAlgebra;

/// <summary>Which implementation factors the dense blocks.</summary>
public enum LinearAlgebraBackend
{
    /// <summary>FastMlm's managed SIMD kernels (the default; nothing to install).</summary>
    Managed,

    /// <summary>LAPACK's <c>dpotrf</c> through LAPACKE, from the system's OpenBLAS (Debian: <c>libopenblas0</c>, <c>liblapacke</c>).</summary>
    OpenBlas,
}

/// <summary>
/// The optional native backend: LAPACKE's <c>dpotrf</c> loaded at run time from the system's libraries (nothing is
/// vendored). Chosen by the environment variable <c>FASTMLM_BLAS=openblas</c> or by setting <see cref="Backend"/>;
/// the managed kernels stay the default. Dense blocks inside batch workers always use the managed kernels, which
/// run single-threaded there (OpenBLAS's own threads would compete with the workers).
/// </summary>
public static class NativeLapack
{
    private const int ColumnMajor = 102;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int DpotrfDelegate(int layout, byte uplo, int n, ref double a, int lda);

    private static readonly Lazy<(DpotrfDelegate? Dpotrf, string? Why)> s_library = new(Load);
    private static LinearAlgebraBackend? s_backend;

    [ThreadStatic]
    private static LinearAlgebraBackend? t_override;

    /// <summary>Whether LAPACKE could be loaded.</summary>
    public static bool Available => s_library.Value.Dpotrf is not null;

    /// <summary>Why the native backend is unavailable (null when it is available).</summary>
    public static string? UnavailableReason => s_library.Value.Why;

    /// <summary>
    /// The backend in use: from <c>FASTMLM_BLAS</c> (<c>openblas</c> or <c>managed</c>) unless set here. Asking for
    /// OpenBLAS where it cannot be loaded is an error that says what to install.
    /// </summary>
    public static LinearAlgebraBackend Backend
    {
        get => t_override ?? (s_backend ??= FromEnvironment());
        set
        {
            if (value == LinearAlgebraBackend.OpenBlas && !Available) throw new InvalidOperationException(UnavailableReason);
            s_backend = value;
        }
    }

    /// <summary>Uses <paramref name="backend"/> on the current thread until the scope is disposed (tests compare backends side by side).</summary>
    public static IDisposable Use(LinearAlgebraBackend backend)
    {
        if (backend == LinearAlgebraBackend.OpenBlas && !Available) throw new InvalidOperationException(UnavailableReason);
        var previous = t_override;
        t_override = backend;
        return new Restore(previous);
    }

    private sealed class Restore(LinearAlgebraBackend? previous) : IDisposable
    {
        public void Dispose() => t_override = previous;
    }

    private static LinearAlgebraBackend FromEnvironment()
    {
        string? requested = Environment.GetEnvironmentVariable("FASTMLM_BLAS");
        if (string.IsNullOrEmpty(requested) || requested.Equals("managed", StringComparison.OrdinalIgnoreCase)) return LinearAlgebraBackend.Managed;
        if (!requested.Equals("openblas", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"FASTMLM_BLAS={requested}: use 'openblas' or 'managed'");
        }
        return Available ? LinearAlgebraBackend.OpenBlas : throw new InvalidOperationException($"FASTMLM_BLAS=openblas, but {UnavailableReason}");
    }

    private static (DpotrfDelegate?, string?) Load()
    {
        foreach (var name in new[] { "liblapacke.so.3", "liblapacke.so", "liblapacke.dylib", "lapacke" })
        {
            if (!NativeLibrary.TryLoad(name, typeof(NativeLapack).Assembly, null, out var handle)) continue;
            if (NativeLibrary.TryGetExport(handle, "LAPACKE_dpotrf", out var f))
            {
                return (Marshal.GetDelegateForFunctionPointer<DpotrfDelegate>(f), null);
            }
        }
        return (null, "LAPACKE could not be loaded (install Debian's liblapacke and libopenblas0-pthread, or unset FASTMLM_BLAS)");
    }

    /// <summary>
    /// Cholesky factor (lower, in place, column-major with leading dimension <paramref name="ld"/>) by LAPACK's
    /// <c>dpotrf</c>; false when the matrix is not positive definite.
    /// </summary>
    public static bool Dpotrf(double[] a, int n, int ld)
    {
        ArgumentNullException.ThrowIfNull(a);
        var f = s_library.Value.Dpotrf ?? throw new InvalidOperationException(UnavailableReason);
        if (n == 0) return true;
        if (ld < n || a.Length < ((long)(n - 1) * ld) + n) throw new ArgumentException("matrix storage is smaller than n × n with this leading dimension", nameof(a));
        int info = f(ColumnMajor, (byte)'L', n, ref a[0], ld);
        if (info < 0) throw new ArgumentException($"dpotrf rejected argument {-info}");
        return info == 0;
    }
}
