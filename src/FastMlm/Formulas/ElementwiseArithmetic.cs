using System.Numerics;
using System.Runtime.InteropServices;

namespace FastMlm.Formulas;

/// <summary>
/// The four arithmetic operators over whole columns, a SIMD vector at a time. IEEE arithmetic already
/// carries NaN (R's missing) through <c>+ - * /</c>, so no per-element test is needed here; the caller looks
/// only at the rare non-finite results afterwards.
/// </summary>
internal static class ElementwiseArithmetic
{
    /// <summary>Whether <paramref name="op"/> is one of <c>+ - * /</c>.</summary>
    public static bool Supports(string op) => op is "+" or "-" or "*" or "/";

    /// <summary>Writes <c>a[i] op b[i]</c> into <paramref name="result"/>; the three spans have one length.</summary>
    public static void Apply(string op, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result)
    {
        switch (op)
        {
            case "+": Run<Add>(a, b, result); break;
            case "-": Run<Subtract>(a, b, result); break;
            case "*": Run<Multiply>(a, b, result); break;
            case "/": Run<Divide>(a, b, result); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, "not an elementwise operator");
        }
    }

    private interface IOperator
    {
        static abstract double Invoke(double x, double y);

        static abstract Vector<double> Invoke(Vector<double> x, Vector<double> y);
    }

    private readonly struct Add : IOperator
    {
        public static double Invoke(double x, double y) => x + y;

        public static Vector<double> Invoke(Vector<double> x, Vector<double> y) => x + y;
    }

    private readonly struct Subtract : IOperator
    {
        public static double Invoke(double x, double y) => x - y;

        public static Vector<double> Invoke(Vector<double> x, Vector<double> y) => x - y;
    }

    private readonly struct Multiply : IOperator
    {
        public static double Invoke(double x, double y) => x * y;

        public static Vector<double> Invoke(Vector<double> x, Vector<double> y) => x * y;
    }

    private readonly struct Divide : IOperator
    {
        public static double Invoke(double x, double y) => x / y;

        public static Vector<double> Invoke(Vector<double> x, Vector<double> y) => x / y;
    }

    private static void Run<TOp>(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result)
        where TOp : struct, IOperator
    {
        if (a.Length != b.Length || a.Length != result.Length) throw new ArgumentException("spans differ in length");
        int i = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<double>.Count)
        {
            var va = MemoryMarshal.Cast<double, Vector<double>>(a);
            var vb = MemoryMarshal.Cast<double, Vector<double>>(b);
            var vr = MemoryMarshal.Cast<double, Vector<double>>(result);
            for (int k = 0; k < va.Length; k++) vr[k] = TOp.Invoke(va[k], vb[k]);
            i = va.Length * Vector<double>.Count;
        }
        for (; i < a.Length; i++) result[i] = TOp.Invoke(a[i], b[i]);
    }
}
