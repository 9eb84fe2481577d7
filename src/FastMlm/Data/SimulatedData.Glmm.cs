using System.Globalization;
using System.Text;

namespace FastMlm.Data;

/// <summary>The simulated sets with binary, binomial and count responses (generalized linear mixed models).</summary>
internal static partial class SimulatedData
{
    /// <summary>The names of the GLMM sets (a property, not a field: static fields of partial files initialise in no defined order).</summary>
    private static string[] GlmmNames => ["bernoulli_crossed_sim", "binomial_slopes_sim", "poisson_nested_sim", "bernoulli_groups_sim", "bernoulli_100k_sim", "separation_sim"];

    private static string GlmmCsv(string name, uint seed) => name switch
    {
        "bernoulli_crossed_sim" => BernoulliCrossed(seed),
        "binomial_slopes_sim" => BinomialSlopes(seed),
        "poisson_nested_sim" => PoissonNested(seed),
        "bernoulli_groups_sim" => BernoulliGroups(60, 3, 8, seed),
        "bernoulli_100k_sim" => BernoulliLarge(seed),
        "separation_sim" => SeparationData(seed),
        _ => throw new ArgumentException($"no simulated data set '{name}'", nameof(name)),
    };

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string I(int v, string format = "00") => v.ToString(format, CultureInfo.InvariantCulture);

    private static double InverseLogit(double eta) => 1 / (1 + Math.Exp(-eta));

    /// <summary>A Poisson draw by inversion (μ is small here).</summary>
    private static int Poisson(ParkMiller rng, double mu)
    {
        double u = rng.Uniform(), p = Math.Exp(-mu), s = p;
        int k = 0;
        while (u > s && k < 10_000)
        {
            k++;
            p *= mu / k;
            s += p;
        }
        return k;
    }

    /// <summary>
    /// A binary response with two crossed factors, a (30 levels) and b (20 levels), about 900 unbalanced rows with
    /// empty cells: logit P(y = 1) = −0.3 + 0.7x + a_i + b_j, SDs 1.0 and 0.6, x uniform on (−2, 2).
    /// </summary>
    private static string BernoulliCrossed(uint seed)
    {
        var rng = new ParkMiller(seed);
        var a = new double[30];
        var b = new double[20];
        for (int i = 0; i < 30; i++) a[i] = rng.Normal();
        for (int j = 0; j < 20; j++) b[j] = 0.6 * rng.Normal();
        var sb = new StringBuilder("y,x,a,b\n");
        for (int i = 0; i < 30; i++)
        {
            for (int j = 0; j < 20; j++)
            {
                int count = rng.Below(4);
                for (int k = 0; k < count; k++)
                {
                    double x = (4 * rng.Uniform()) - 2;
                    int y = rng.Uniform() < InverseLogit(-0.3 + (0.7 * x) + a[i] + b[j]) ? 1 : 0;
                    sb.Append(I(y, "0")).Append(',').Append(F(x)).Append(",a").Append(I(i)).Append(",b").Append(I(j)).Append('\n');
                }
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Successes k out of n trials (5 to 20) in 40 groups of 4 to 8 rows, with a correlated random intercept and slope:
    /// logit p = −0.5 + 0.6x + u_g + v_g x, SDs 0.8 and 0.4, correlation 0.3; p = k/n is written too.
    /// </summary>
    private static string BinomialSlopes(uint seed)
    {
        var rng = new ParkMiller(seed);
        var sb = new StringBuilder("k,n,p,x,g\n");
        for (int g = 0; g < 40; g++)
        {
            double z1 = rng.Normal(), z2 = rng.Normal();
            double u = 0.8 * z1, v = 0.4 * ((0.3 * z1) + (Math.Sqrt(1 - 0.09) * z2));
            int rows = 4 + rng.Below(5);
            for (int r = 0; r < rows; r++)
            {
                double x = rng.Normal();
                int n = 5 + rng.Below(16);
                double p = InverseLogit(-0.5 + (0.6 * x) + u + (v * x));
                int k = 0;
                for (int t = 0; t < n; t++) if (rng.Uniform() < p) k++;
                sb.Append(I(k, "0")).Append(',').Append(I(n, "0")).Append(',').Append(F(k / (double)n)).Append(',').Append(F(x)).Append(",g").Append(I(g)).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Counts with exposure in classes nested in schools (class labels repeated across schools): 25 schools of 2 to
    /// 5 classes of 4 to 12 pupils; log μ = log t + 0.2 + 0.4x + u_s + v_c, SDs 0.5 and 0.3, t uniform on (0.5, 3).
    /// </summary>
    private static string PoissonNested(uint seed)
    {
        var rng = new ParkMiller(seed);
        var sb = new StringBuilder("y,x,t,school,class\n");
        for (int s = 0; s < 25; s++)
        {
            double u = 0.5 * rng.Normal();
            int classes = 2 + rng.Below(4);
            for (int c = 0; c < classes; c++)
            {
                double v = 0.3 * rng.Normal();
                int pupils = 4 + rng.Below(9);
                for (int k = 0; k < pupils; k++)
                {
                    double x = rng.Normal();
                    double t = 0.5 + (2.5 * rng.Uniform());
                    int y = Poisson(rng, t * Math.Exp(0.2 + (0.4 * x) + u + v));
                    sb.Append(I(y, "0")).Append(',').Append(F(x)).Append(',').Append(F(t)).Append(",s").Append(I(s)).Append(",c").Append(I(c, "0")).Append('\n');
                }
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// A binary response in small groups, where the Laplace approximation and quadrature differ: logit P(y = 1) =
    /// 0.2 + 0.5x + u_g, SD 1.5, x standard normal, groups of min to max rows.
    /// </summary>
    private static string BernoulliGroups(int groups, int min, int max, uint seed)
    {
        var rng = new ParkMiller(seed);
        var sb = new StringBuilder("y,x,g\n");
        for (int g = 0; g < groups; g++)
        {
            double u = 1.5 * rng.Normal();
            int rows = min + rng.Below(max - min + 1);
            for (int r = 0; r < rows; r++)
            {
                double x = rng.Normal();
                int y = rng.Uniform() < InverseLogit(0.2 + (0.5 * x) + u) ? 1 : 0;
                sb.Append(I(y, "0")).Append(',').Append(F(x)).Append(",g").Append(I(g, "0000")).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// 100,000 binary outcomes in 5,000 groups of 10 to 30 (the benchmark's size): logit P(y = 1) = −1 + 0.5x1 +
    /// 0.8x2 + u_g, SD 1, x1 standard normal, x2 a 0/1 indicator.
    /// </summary>
    private static string BernoulliLarge(uint seed)
    {
        var rng = new ParkMiller(seed);
        var sb = new StringBuilder("y,x1,x2,g\n");
        int rows = 0;
        for (int g = 0; rows < 100_000; g++)
        {
            double u = rng.Normal();
            int size = Math.Min(10 + rng.Below(21), 100_000 - rows);
            for (int r = 0; r < size; r++, rows++)
            {
                double x1 = rng.Normal();
                int x2 = rng.Uniform() < 0.4 ? 1 : 0;
                int y = rng.Uniform() < InverseLogit(-1 + (0.5 * x1) + (0.8 * x2) + u) ? 1 : 0;
                sb.Append(I(y, "0")).Append(',').Append(F(x1)).Append(',').Append(I(x2, "0")).Append(",g").Append(I(g, "0000")).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Quasi-complete separation: 20 groups of 10 rows, a treatment f in A, B, C, and every row of C a success
    /// (logit P(y = 1) = −0.5 + x + u_g elsewhere).
    /// </summary>
    private static string SeparationData(uint seed)
    {
        var rng = new ParkMiller(seed);
        var sb = new StringBuilder("y,x,f,g\n");
        for (int g = 0; g < 20; g++)
        {
            double u = 0.7 * rng.Normal();
            for (int r = 0; r < 10; r++)
            {
                double x = rng.Normal();
                string f = (r % 3) switch { 0 => "A", 1 => "B", _ => "C" };
                int y = f == "C" || rng.Uniform() < InverseLogit(-0.5 + x + u) ? 1 : 0;
                sb.Append(I(y, "0")).Append(',').Append(F(x)).Append(',').Append(f).Append(",g").Append(I(g)).Append('\n');
            }
        }
        return sb.ToString();
    }
}
