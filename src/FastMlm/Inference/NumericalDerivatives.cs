namespace FastMlm.Inference;

/// <summary>
/// Central differences with one Richardson extrapolation (steps h and h/2): errors of order h⁴, enough for
/// the degrees-of-freedom and curvature computations of inference.
/// </summary>
internal static class NumericalDerivatives
{
    /// <summary>The Hessian (k×k column-major) of f at x with steps h.</summary>
    public static double[] Hessian(Func<ReadOnlySpan<double>, double> f, double[] x, double[] h)
    {
        int k = x.Length;
        var coarse = RawHessian(f, x, h, 1.0);
        var fine = RawHessian(f, x, h, 0.5);
        var result = new double[k * k];
        for (int i = 0; i < result.Length; i++) result[i] = ((4 * fine[i]) - coarse[i]) / 3;
        return result;
    }

    private static double[] RawHessian(Func<ReadOnlySpan<double>, double> f, double[] x, double[] h0, double scale)
    {
        int k = x.Length;
        var y = (double[])x.Clone();
        double f0 = f(x);
        var hess = new double[k * k];
        double F(int i, double di, int j, double dj)
        {
            x.CopyTo(y, 0);
            y[i] += di;
            y[j] += dj;
            return f(y);
        }
        for (int i = 0; i < k; i++)
        {
            double hi = h0[i] * scale;
            hess[(i * k) + i] = (F(i, hi, i, 0) - (2 * f0) + F(i, -hi, i, 0)) / (hi * hi);
            for (int j = 0; j < i; j++)
            {
                double hj = h0[j] * scale;
                double v = (F(i, hi, j, hj) - F(i, hi, j, -hj) - F(i, -hi, j, hj) + F(i, -hi, j, -hj)) / (4 * hi * hj);
                hess[(i * k) + j] = hess[(j * k) + i] = v;
            }
        }
        return hess;
    }

    /// <summary>∂g/∂x_i (a vector of <paramref name="length"/> values) at x.</summary>
    public static double[] Derivative(Action<ReadOnlySpan<double>, Span<double>> g, double[] x, int i, double h, int length)
    {
        var y = (double[])x.Clone();
        var plus = new double[length];
        var minus = new double[length];
        var coarse = new double[length];
        var result = new double[length];
        for (int pass = 0; pass < 2; pass++)
        {
            double step = pass == 0 ? h : h / 2;
            y[i] = x[i] + step;
            g(y, plus);
            y[i] = x[i] - step;
            g(y, minus);
            var target = pass == 0 ? coarse : result;
            for (int m = 0; m < length; m++) target[m] = (plus[m] - minus[m]) / (2 * step);
        }
        for (int m = 0; m < length; m++) result[m] = ((4 * result[m]) - coarse[m]) / 3;
        return result;
    }
}
