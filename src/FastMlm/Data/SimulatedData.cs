using System.Globalization;
using System.Text;

namespace FastMlm.Data;

/// <summary>
/// Simulated data sets for tests and benchmarks, the same on every machine and every .NET version: a
/// Park–Miller generator (multiplier 48271, modulus 2³¹−1) drives them, and normal deviates are Irwin–Hall
/// sums of four uniforms, rescaled. Each set has a default seed (<see cref="Designs"/>), and another seed gives
/// another draw of the same design. The smaller sets are produced as CSV text (numbers round-trip exactly), so lme4
/// can fit the very same rows; the large designs (SimulatedData.Large.cs) are built as columns. <c>fastmlm simulate</c>
/// writes any of them as CSV or Parquet.
/// </summary>
internal static partial class SimulatedData
{
    /// <summary>Every design: its name, default seed, the model it is made for, and what it is.</summary>
    public static IReadOnlyList<SimulatedDesign> Designs { get; } =
    [
        new("ri_100k", 20261125, "y ~ x + (1 | g)", "100,000 groups of 2 to 4 rows (about 300,000 rows), a random intercept"),
        new("ri_slope_1m", 1_000_000, "y ~ x + (1 + x | g)", "1,000,000 rows in 10,000 groups of 100, a correlated random intercept and slope"),
        new("teaching_crossed", 73000, "y ~ 1 + dept + (1 | s) + (1 | d)", "73,000 ratings, 3,000 students × 1,100 lecturers (lme4's InstEval's sizes) crossed in bands, 14 departments"),
        new("teaching_crossed_random", 73001, "y ~ 1 + dept + (1 | s) + (1 | d)", "teaching_crossed with each rating's lecturer drawn from all 1,100, not the student's window of 150: no bands"),
        new("nested3_1m", 3_000_000, "y ~ x + (1 | school/class)", "1,000,000 pupils in 20,000 classes in 1,000 schools (class labels repeat across schools)"),
        new("repeated_nested_300k", 300_000, "y ~ x + (1 | school) + (1 | class) + (1 | pupil)", "300,000 measures of 100,000 pupils in 25,000 classes in 1,000 schools, the classes numbered at random across schools"),
        new("crossed_sim", 4030, "y ~ x + (1 | a) + (1 | b)", "40 × 30 crossed factors, about 900 unbalanced rows with empty cells"),
        new("crossed_slope_sim", 4031, "y ~ x + (1 + x | a) + (1 | b)", "crossed_sim with a random slope on a"),
        new("crossed_two_slopes_sim", 4032, "y ~ x + (1 + x | a) + (1 + x | b)", "40 × 12 crossed factors, a random slope on each"),
        new("nested3_sim", 303, "y ~ x + (1 | school/class)", "pupils in 2 to 5 classes in 30 schools (class labels repeat across schools)"),
        new("singular_sim", 77, "y ~ x + (1 + x | g)", "a random slope with no variance: a boundary fit"),
        new("one_obs_groups", 101, "y ~ x + (1 | g)", "40 groups of one row among 10 groups of 6"),
        new("bernoulli_crossed_sim", 5051, "y ~ x + (1 | a) + (1 | b)", "a binary response, 30 × 20 crossed factors, about 900 rows (binomial)"),
        new("binomial_slopes_sim", 6061, "cbind(k, n - k) ~ x + (1 + x | g)", "successes out of trials with a random slope (binomial)"),
        new("poisson_nested_sim", 7071, "y ~ x + offset(log(t)) + (1 | school/class)", "counts with an exposure t (the offset log t) in classes nested in schools (poisson)"),
        new("bernoulli_groups_sim", 6060, "y ~ x + (1 | g)", "a binary response in 60 groups of 3 to 8 rows (binomial)"),
        new("bernoulli_100k_sim", 100_001, "y ~ x1 + x2 + (1 | g)", "100,000 binary outcomes in 5,000 groups of 10 to 30 (binomial)"),
        new("separation_sim", 9091, "y ~ x + f + (1 | g)", "20 groups of 10 binary outcomes; every row with f = C a success: quasi-complete separation (binomial)"),
    ];

    /// <summary>The names of the sets <see cref="Csv"/> and <see cref="Frame"/> make.</summary>
    public static IReadOnlyList<string> Names { get; } = Designs.Select(d => d.Name).ToArray();

    /// <summary>The design called <paramref name="name"/>.</summary>
    public static SimulatedDesign Design(string name) =>
        Designs.FirstOrDefault(d => d.Name == name) ?? throw new ArgumentException($"no simulated data set '{name}'", nameof(name));

    /// <summary>The CSV text of a set, drawn with <paramref name="seed"/> (default: the design's own).</summary>
    public static string Csv(string name, uint? seed = null)
    {
        uint s = seed ?? Design(name).Seed;
        return name switch
        {
            "ri_100k" => RandomIntercepts100k(s),
            "teaching_crossed" => TeachingCrossed(s),
            "crossed_sim" => Crossed(withSlope: false, s),
            "crossed_slope_sim" => Crossed(withSlope: true, s),
            "crossed_two_slopes_sim" => CrossedTwoSlopes(s),
            "nested3_sim" => Nested3(s),
            "singular_sim" => Singular(s),
            "one_obs_groups" => OneObservationGroups(s),
            _ when GlmmNames.Contains(name) => GlmmCsv(name, s),
            _ => WriteCsv(LargeFrame(name, s)),
        };
    }

    /// <summary>A set as a data frame, drawn with <paramref name="seed"/> (default: the design's own).</summary>
    public static DataFrame Frame(string name, uint? seed = null)
    {
        uint s = seed ?? Design(name).Seed;
        return IsLarge(name) ? LargeFrame(name, s) : CsvReader.Parse(Csv(name, s), source: name);
    }

    private static string WriteCsv(DataFrame frame)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        DataFrameWriter.WriteCsv(frame, writer);
        return writer.ToString();
    }

    /// <summary>
    /// 100,000 groups of 2 to 4 observations (about 300,000 rows): y = 1 + 2x + 0.7 u_g + e, u and e standard
    /// normal, x uniform on (0, 1).
    /// </summary>
    private static string RandomIntercepts100k(uint seed)
    {
        var rng = new ParkMiller(seed);
        var sb = new StringBuilder("y,x,g\n");
        for (int g = 0; g < 100_000; g++)
        {
            double u = rng.Normal();
            int count = 2 + rng.Below(3);
            for (int k = 0; k < count; k++)
            {
                double x = rng.Uniform();
                Row(sb, 1 + (2 * x) + (0.7 * u) + rng.Normal(), x, "g" + g.ToString(CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Shaped like lme4's InstEval teaching evaluations: 73,000 ratings by 3,000 students (s) of 1,100 lecturers
    /// (d), each lecturer in one of 14 departments (dept, a fixed effect): y = 3 + 0.05·dept + s_i + d_j + e with
    /// SDs 0.3, 0.45 and 1.1. Each student rates lecturers from a window of 150, so the two factors are
    /// crossed and partly connected, as in the real data.
    /// </summary>
    private static string TeachingCrossed(uint seed)
    {
        var rng = new ParkMiller(seed);
        const int students = 3000, lecturers = 1100, rows = 73_000;
        var s = new double[students];
        var d = new double[lecturers];
        for (int i = 0; i < students; i++) s[i] = 0.3 * rng.Normal();
        for (int j = 0; j < lecturers; j++) d[j] = 0.45 * rng.Normal();
        var sb = new StringBuilder("y,s,d,dept\n");
        for (int r = 0; r < rows; r++)
        {
            int i = r < students ? r : rng.Below(students);
            int j = ((i * 11) + rng.Below(150)) % lecturers;
            int dept = j % 14;
            double y = 3 + (0.05 * dept) + s[i] + d[j] + (1.1 * rng.Normal());
            sb.Append(y.ToString("R", CultureInfo.InvariantCulture)).Append(",s").Append(i.ToString(CultureInfo.InvariantCulture))
              .Append(",d").Append(j.ToString(CultureInfo.InvariantCulture)).Append(",dept").Append(dept.ToString("00", CultureInfo.InvariantCulture)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>
    /// Two crossed factors, a (40 levels) and b (30 levels), about 900 unbalanced rows with empty cells:
    /// y = 2 + 0.5x + a_i (+ slope_i x) + b_j + e.
    /// </summary>
    private static string Crossed(bool withSlope, uint seed)
    {
        var rng = new ParkMiller(seed);
        var a = new double[40];
        var slope = new double[40];
        var b = new double[30];
        for (int i = 0; i < 40; i++)
        {
            a[i] = 0.8 * rng.Normal();
            slope[i] = 0.4 * rng.Normal();
        }
        for (int j = 0; j < 30; j++) b[j] = 0.5 * rng.Normal();
        var sb = new StringBuilder("y,x,a,b\n");
        for (int i = 0; i < 40; i++)
        {
            for (int j = 0; j < 30; j++)
            {
                int count = rng.Below(4) - 1; // −1..2: about a third of the cells empty
                for (int k = 0; k < count; k++)
                {
                    double x = (4 * rng.Uniform()) - 2;
                    double y = 2 + (0.5 * x) + a[i] + (withSlope ? slope[i] * x : 0) + b[j] + (0.6 * rng.Normal());
                    sb.Append(y.ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(x.ToString("R", CultureInfo.InvariantCulture))
                      .Append(",a").Append(i.ToString("00", CultureInfo.InvariantCulture)).Append(",b").Append(j.ToString("00", CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Two crossed factors with a random slope each: a (40 levels, slope SD 0.4) and b (12 levels, slope SD
    /// 0.5, correlated −0.5 with its intercept), so that the smaller factor's block is a vector term:
    /// y = 1 + 0.5x + a_i + α_i x + b_j + β_j x + e.
    /// </summary>
    private static string CrossedTwoSlopes(uint seed)
    {
        var rng = new ParkMiller(seed);
        var a = new double[40];
        var alpha = new double[40];
        var b = new double[12];
        var beta = new double[12];
        for (int i = 0; i < 40; i++)
        {
            a[i] = 0.8 * rng.Normal();
            alpha[i] = 0.4 * rng.Normal();
        }
        for (int j = 0; j < 12; j++)
        {
            double z1 = rng.Normal(), z2 = rng.Normal();
            b[j] = 0.7 * z1;
            beta[j] = 0.5 * ((-0.5 * z1) + (Math.Sqrt(0.75) * z2));
        }
        var sb = new StringBuilder("y,x,a,b\n");
        for (int i = 0; i < 40; i++)
        {
            for (int j = 0; j < 12; j++)
            {
                int count = rng.Below(4);
                for (int k = 0; k < count; k++)
                {
                    double x = (4 * rng.Uniform()) - 2;
                    double y = 1 + (0.5 * x) + a[i] + (alpha[i] * x) + b[j] + (beta[j] * x) + (0.5 * rng.Normal());
                    sb.Append(y.ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(x.ToString("R", CultureInfo.InvariantCulture))
                      .Append(",a").Append(i.ToString("00", CultureInfo.InvariantCulture)).Append(",b").Append(j.ToString("00", CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Pupils in classes in schools, class labels repeated across schools (so only school:class identifies a
    /// class): 30 schools, 2 to 5 classes each, 5 to 15 pupils per class.
    /// </summary>
    private static string Nested3(uint seed)
    {
        var rng = new ParkMiller(seed);
        var sb = new StringBuilder("y,x,school,class\n");
        for (int sc = 0; sc < 30; sc++)
        {
            double u = 0.7 * rng.Normal();
            int classes = 2 + rng.Below(4);
            for (int c = 0; c < classes; c++)
            {
                double v = 0.4 * rng.Normal();
                int pupils = 5 + rng.Below(11);
                for (int k = 0; k < pupils; k++)
                {
                    double x = rng.Normal();
                    Row(sb, 10 + (0.3 * x) + u + v + rng.Normal(), x, "s" + sc.ToString("00", CultureInfo.InvariantCulture), "c" + c.ToString(CultureInfo.InvariantCulture));
                }
            }
        }
        return sb.ToString();
    }

    /// <summary>12 groups of 8 with a random slope with no variance at all (y = 1 + x + u_g + e): a boundary fit.</summary>
    private static string Singular(uint seed)
    {
        var rng = new ParkMiller(seed);
        var sb = new StringBuilder("y,x,g\n");
        for (int g = 0; g < 12; g++)
        {
            double u = rng.Normal();
            for (int k = 0; k < 8; k++)
            {
                double x = k;
                Row(sb, 1 + x + u + (0.5 * rng.Normal()), x, "g" + g.ToString("00", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    /// <summary>40 groups with a single observation mixed with 10 groups of 6: y = 2 + x + u_g + e.</summary>
    private static string OneObservationGroups(uint seed)
    {
        var rng = new ParkMiller(seed);
        var sb = new StringBuilder("y,x,g\n");
        for (int g = 0; g < 50; g++)
        {
            double u = 0.8 * rng.Normal();
            int count = g < 40 ? 1 : 6;
            for (int k = 0; k < count; k++)
            {
                double x = rng.Uniform();
                Row(sb, 2 + x + u + (0.5 * rng.Normal()), x, "g" + g.ToString("00", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, double y, double x, params string[] labels)
    {
        sb.Append(y.ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(x.ToString("R", CultureInfo.InvariantCulture));
        foreach (var l in labels) sb.Append(',').Append(l);
        sb.Append('\n');
    }

    /// <summary>The minimal standard generator of Park and Miller (1988) with Carta's multiplier 48271.</summary>
    private sealed class ParkMiller(uint seed)
    {
        private const long Modulus = 2147483647;
        private long _state = (seed % (Modulus - 1)) + 1;

        /// <summary>Uniform on (0, 1).</summary>
        public double Uniform()
        {
            _state = _state * 48271 % Modulus;
            return _state / (double)Modulus;
        }

        /// <summary>An integer in [0, n).</summary>
        public int Below(int n) => (int)(Uniform() * n);

        /// <summary>Approximately standard normal: the centred sum of four uniforms scaled to unit variance.</summary>
        public double Normal() => (Uniform() + Uniform() + Uniform() + Uniform() - 2) * Math.Sqrt(3);
    }
}

/// <summary>A simulated design: its name, the seed it is drawn with unless another is given, the model it is made for, and a line on what it is.</summary>
internal sealed record SimulatedDesign(string Name, uint Seed, string Formula, string Description);
