using System.Globalization;
using FastMlm.Data;
using FastMlm.Models;

namespace FastMlm.Tests.Plots;

/// <summary>Fits and data shared by the plot tests.</summary>
internal static class PlotData
{
    public const string Sleep = "Reaction ~ Days + (Days | Subject)";

    private static readonly Lazy<FitResult> s_sleep = new(() => Fit("sleepstudy", Sleep, reml: true));

    /// <summary>sleepstudy's correlated random intercept and slope (REML); shared, so read-only use.</summary>
    public static FitResult SleepStudy => s_sleep.Value;

    public static FitResult Fit(string data, string formula, bool reml) =>
        LinearMixedModel.Fit(BuiltInData.Load(data), formula, new LmmOptions { Reml = reml });

    /// <summary>
    /// 20 groups g01…g20 of 12 observations, y = 10 + u_g + e with u ~ N(0, 1) and e ~ N(0, 1), except that group
    /// <paramref name="planted"/> is moved up by 8 SDs of u.
    /// </summary>
    public static DataFrame PlantedOutlier(string planted = "g07", int seed = 11)
    {
        var random = new Random(seed);
        var g = new List<string?>();
        var y = new List<double>();
        for (int j = 1; j <= 20; j++)
        {
            string level = string.Create(CultureInfo.InvariantCulture, $"g{j:00}");
            double u = Normal(random) + (level == planted ? 8 : 0);
            for (int i = 0; i < 12; i++)
            {
                g.Add(level);
                y.Add(10 + u + Normal(random));
            }
        }
        return new DataFrame([CategoricalColumn.FromStrings("g", g), new NumericColumn("y", y.ToArray())], "planted");
    }

    /// <summary>The same data as CSV text.</summary>
    public static string PlantedOutlierCsv(string planted = "g07")
    {
        var frame = PlantedOutlier(planted);
        var lines = new List<string> { "g,y" };
        var g = frame["g"];
        var y = (NumericColumn)frame["y"];
        for (int i = 0; i < frame.RowCount; i++) lines.Add(g.FormatValue(i) + "," + y[i].ToString("R", CultureInfo.InvariantCulture));
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>
    /// A 0/1 response in 30 groups g01…g30 of 40 rows: logit P(y = 1) = −0.5 + 0.8x + u_g with x ~ N(0, 1) and
    /// u ~ N(0, 0.5²), except that group <paramref name="planted"/>'s u is moved up by 6 SDs (3 on the logit scale). CSV text
    /// with the columns g, x, y.
    /// </summary>
    public static string PlantedBernoulliCsv(string planted = "g07", int seed = 5)
    {
        var random = new Random(seed);
        var lines = new List<string> { "g,x,y" };
        for (int j = 1; j <= 30; j++)
        {
            string level = string.Create(CultureInfo.InvariantCulture, $"g{j:00}");
            double u = (0.5 * Normal(random)) + (level == planted ? 3 : 0);
            for (int i = 0; i < 40; i++)
            {
                double x = Normal(random);
                double p = 1 / (1 + Math.Exp(-(-0.5 + (0.8 * x) + u)));
                int y = random.NextDouble() < p ? 1 : 0;
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{level},{x:R},{y}"));
            }
        }
        return string.Join('\n', lines) + "\n";
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
