using System.Globalization;
using System.Text.Json;
using FastMlm.Data;
using FastMlm.Models;

namespace FastMlm.Tests.Cli;

/// <summary>The ranef, predict, residuals and pooling commands: exit codes, output shapes, files written whole, one-line errors.</summary>
public sealed class ResultCommandsTests : IDisposable
{
    private const string Sleep = "Reaction ~ Days + (Days | Subject)";
    private const string Popular = "popular ~ extrav + sex + (1 + extrav | class)";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fastmlm-results-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    private static void AssertOneLineError(string err)
    {
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("fastmlm: ", lines[0]);
        Assert.DoesNotContain("   at ", err);
    }

    private void AssertNoTemporaryFiles() => Assert.Empty(_dir.GetFiles(".*.tmp"));

    private static string[][] Csv(string text) =>
        text.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToArray();

    private static double D(string s) => s == "NA" ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture);

    private static FitResult Fit(string data, string formula, bool reml) =>
        LinearMixedModel.Fit(BuiltInData.Load(data), formula, new LmmOptions { Reml = reml });

    [Fact]
    public void Ranef_Table_ListsEveryLevelAndColumn()
    {
        var (code, output, err) = Run("ranef", "--data", "sleepstudy", "--formula", Sleep);
        Assert.Equal(0, code);
        Assert.Equal("", err);
        var lines = output.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Conditional modes of Reaction ~ Days + (Days | Subject) (REML), 95% intervals", lines[0]);
        Assert.Matches(@"^group\s+level\s+column\s+mode\s+condsd\s+lower\s+upper$", lines[1]);
        Assert.Equal(36, lines.Length - 2);
        Assert.Matches(@"^Subject\s+308\s+\(Intercept\)\s+2\.2585\s+12\.0708\s+-21\.3999\s+25\.9169$", lines[2]);
    }

    [Fact]
    public void Ranef_Csv_IntervalsAreModePlusMinusZTimesCondSd()
    {
        var (code, output, _) = Run("ranef", "--data", "sleepstudy", "--formula", Sleep, "--ml", "--level", "0.9", "--format", "csv");
        Assert.Equal(0, code);
        var rows = Csv(output);
        Assert.Equal(["group", "level", "column", "mode", "condsd", "lower", "upper"], rows[0]);
        Assert.Equal(37, rows.Length);
        var fit = Fit("sleepstudy", Sleep, reml: false);
        Assert.Equal(fit.RandomEffects[0].Value(0, 1), D(rows[2][3]), 1e-6);
        foreach (var r in rows.Skip(1))
        {
            double mode = D(r[3]), sd = D(r[4]);
            Assert.Equal(mode - (1.6448536269514722 * sd), D(r[5]), 1e-9);
            Assert.Equal(mode + (1.6448536269514722 * sd), D(r[6]), 1e-9);
        }
    }

    [Fact]
    public void Ranef_JsonFile_IsWrittenWhole()
    {
        var path = PathOf("ranef.json");
        var (code, output, err) = Run("ranef", "--data", "pastes", "--formula", "strength ~ 1 + (1 | batch/cask)", "--format", "json", "--out", path);
        Assert.Equal(0, code);
        Assert.Equal("", output);
        Assert.Contains("wrote 40 conditional modes to", err);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var ranef = doc.RootElement.GetProperty("ranef");
        Assert.Equal(40, ranef.GetArrayLength());
        Assert.Equal("cask:batch", ranef[0].GetProperty("group").GetString());
        Assert.Equal("a:A", ranef[0].GetProperty("level").GetString());
        Assert.Equal(0.95, doc.RootElement.GetProperty("level").GetDouble());
        AssertNoTemporaryFiles();
    }

    [Theory]
    [InlineData("--level", "1.5")]
    [InlineData("--level", "0")]
    [InlineData("--format", "xml")]
    public void Ranef_BadOption_IsAOneLineUsageError(string option, string value)
    {
        var (code, output, err) = Run("ranef", "--data", "sleepstudy", "--formula", Sleep, option, value);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        AssertOneLineError(err);
    }

    [Fact]
    public void Predict_Csv_MatchesTheLibrary_AndReportsNewLevelsAndMissingRows()
    {
        var newdata = PathOf("new.csv");
        File.WriteAllText(newdata, "extrav,sex,class\n1,0,1\n5,1,2\n9,0,3\n5,1,999\nNA,1,2\n");
        var (code, output, err) = Run("predict", "--data", "popular", "--formula", Popular, "--ml", "--newdata", newdata);
        Assert.Equal(0, code);
        var rows = Csv(output);
        Assert.Equal(["row", "prediction", "marginal", "se_fixed"], rows[0]);
        Assert.Equal(6, rows.Length);
        // lme4 (Reference/predict_popular_rs_ml.json), to its optimiser's tolerance.
        double[] lme4 = [2.87956177854143, 4.84534237698384, 6.07452507223576, 5.5439825646459];
        for (int i = 0; i < 4; i++) Assert.Equal(lme4[i], D(rows[i + 1][1]), 5e-5);
        Assert.Equal(rows[4][1], rows[4][2]); // class 999: the marginal prediction
        Assert.Equal(["5", "NA", "NA", "NA"], rows[5]);
        var notes = err.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, notes.Length);
        Assert.Contains(notes, n => n.StartsWith("note: 1 of 5 rows of", StringComparison.Ordinal) && n.Contains("(extrav 1)", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("note: class: 1 level the model was not fitted to (999) in 1 row", StringComparison.Ordinal));

        var fit = Fit("popular", Popular, reml: false);
        var expected = Prediction.Predict(fit, CsvReader.ReadFile(newdata));
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(expected.Predicted[i], D(rows[i + 1][1]));
            Assert.Equal(expected.StandardErrors[i], D(rows[i + 1][3]));
        }
    }

    [Fact]
    public void Predict_WithoutRandomEffects_NeedsNoGroupingColumn_AndWritesJson()
    {
        var newdata = PathOf("new.csv");
        File.WriteAllText(newdata, "extrav,sex\n1,0\n5,1\n");
        var path = PathOf("pred.json");
        var (code, _, err) = Run("predict", "--data", "popular", "--formula", Popular, "--ml", "--newdata", newdata, "--re", "none", "--format", "json", "--out", path);
        Assert.Equal(0, code);
        Assert.Contains("wrote 2 predictions", err);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal("none", doc.RootElement.GetProperty("re").GetString());
        var first = doc.RootElement.GetProperty("predictions")[0];
        Assert.Equal(["row", "prediction", "se_fixed"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2.52480715955035, first.GetProperty("prediction").GetDouble(), 5e-5);
        AssertNoTemporaryFiles();
    }

    [Fact]
    public void Predict_UnseenLevelOfAFixedFactor_IsAOneLineErrorNamingIt_AndLeavesAnEarlierFile()
    {
        var newdata = PathOf("new.csv");
        File.WriteAllText(newdata, "recipe,temperature,replicate\nA,175,1\nD,200,1\n");
        var path = PathOf("pred.csv");
        File.WriteAllText(path, "earlier");
        var (code, output, err) = Run("predict", "--data", "cake", "--formula", "angle ~ recipe + temperature + (1 | replicate)", "--newdata", newdata, "--out", path);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        AssertOneLineError(err);
        Assert.Contains("'recipe' has level 'D' in row 2", err);
        Assert.Equal("earlier", File.ReadAllText(path));
        AssertNoTemporaryFiles();
    }

    [Fact]
    public void Predict_MissingNewdataOptionOrColumn_AreOneLineErrors()
    {
        var (code, _, err) = Run("predict", "--data", "popular", "--formula", Popular);
        Assert.Equal(2, code);
        AssertOneLineError(err);

        var newdata = PathOf("new.csv");
        File.WriteAllText(newdata, "extrav,sex\n1,0\n");
        (code, _, err) = Run("predict", "--data", "popular", "--formula", Popular, "--newdata", newdata);
        Assert.Equal(1, code);
        AssertOneLineError(err);
        Assert.Contains("unknown column 'class'", err);
    }

    [Fact]
    public void Residuals_Csv_HasEveryTypeWithTheDataRows()
    {
        var data = PathOf("data.csv");
        File.WriteAllText(data, "y,x,g\n1,1,a\n2,NA,a\n3,3,a\n,4,b\n5,5,b\n6,6,b\n4,7,c\n9,8,c\n");
        var (code, output, err) = Run("residuals", "--data", data, "--formula", "y ~ x + (1 | g)");
        Assert.Equal(0, code);
        Assert.Contains("note: dropped 2 of 8 rows with missing values", err);
        var rows = Csv(output);
        Assert.Equal(["row", "observed", "fitted", "fitted_marginal", "residual", "pearson", "residual_marginal", "pearson_marginal"], rows[0]);
        Assert.Equal(["1", "3", "5", "6", "7", "8"], rows.Skip(1).Select(r => r[0]));
        var fit = LinearMixedModel.Fit(CsvReader.ReadFile(data), "y ~ x + (1 | g)", new LmmOptions());
        for (int i = 0; i < 6; i++)
        {
            var r = rows[i + 1];
            Assert.Equal(fit.Residuals[i], D(r[4])); // round-trip digits
            Assert.Equal(D(r[1]) - D(r[2]), D(r[4]), 1e-12);
            Assert.Equal(D(r[4]) / fit.Sigma, D(r[5]), 1e-12);
            Assert.Equal(D(r[1]) - D(r[3]), D(r[6]), 1e-12);
        }
    }

    [Fact]
    public void Residuals_Parquet_ReadsBackWithTheProjectsReader()
    {
        var path = PathOf("res.parquet");
        var (code, output, err) = Run("residuals", "--data", "sleepstudy", "--formula", Sleep, "--out", path);
        Assert.Equal(0, code);
        Assert.Equal("", output);
        Assert.Contains("wrote 180 observations", err);
        AssertNoTemporaryFiles();
        var frame = ParquetReader.ReadFile(path);
        Assert.Equal(["row", "observed", "fitted", "fitted_marginal", "residual", "pearson", "residual_marginal", "pearson_marginal"], frame.ColumnNames);
        Assert.Equal(180, frame.RowCount);
        var expected = ResidualTable.Compute(Fit("sleepstudy", Sleep, reml: true));
        var rows = ((NumericColumn)frame["row"]).Values.ToArray();
        var fitted = ((NumericColumn)frame["fitted"]).Values.ToArray();
        var pearson = ((NumericColumn)frame["pearson_marginal"]).Values.ToArray();
        for (int i = 0; i < 180; i++)
        {
            Assert.Equal(i + 1, rows[i]);
            Assert.Equal(expected.Fitted[i], fitted[i], 1e-9);
            Assert.Equal(expected.MarginalPearson[i], pearson[i], 1e-9);
        }
    }

    [Theory]
    [InlineData("res.txt")]
    [InlineData("no-such-folder/res.csv")]
    public void Residuals_BadOutFile_IsAUsageErrorBeforeAnyWork(string name)
    {
        var (code, output, err) = Run("residuals", "--data", "no-such-data.csv", "--formula", Sleep, "--out", PathOf(name));
        Assert.Equal(2, code); // not 1: the data file is never opened
        Assert.Equal("", output);
        AssertOneLineError(err);
    }

    [Fact]
    public void Pooling_Table_Csv_Json()
    {
        var (code, output, err) = Run("pooling", "--data", "sleepstudy", "--formula", Sleep, "--ml");
        Assert.Equal(0, code);
        Assert.Equal("", err);
        Assert.StartsWith("Pooling for Subject in Reaction ~ Days + (Days | Subject) (ML)", output);
        Assert.Matches(@"\n308\s+10\s+Days\s+21\.765\s+10\.467\s+", output.ReplaceLineEndings("\n"));

        (code, output, _) = Run("pooling", "--data", "sleepstudy", "--formula", Sleep, "--format", "csv");
        Assert.Equal(0, code);
        var rows = Csv(output);
        Assert.Equal(["level", "n", "column", "no_pooling", "complete_pooling", "partial_pooling", "shrinkage", "note"], rows[0]);
        Assert.Equal(37, rows.Length);

        var path = PathOf("pool.json");
        (code, _, _) = Run("pooling", "--data", "exam", "--formula", "normexam ~ standlrt + (1 | school)", "--ml", "--group", "school", "--format", "json", "--out", path);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        Assert.Equal("reliability", root.GetProperty("shrinkage_measure").GetString());
        Assert.Equal(65, root.GetProperty("levels").GetArrayLength());
        var level = root.GetProperty("levels")[0];
        Assert.True(level.GetProperty("shrinkage").GetDouble() is > 0 and < 1);
        Assert.Equal(JsonValueKind.Number, level.GetProperty("no_pooling").GetProperty("(Intercept)").ValueKind);
        AssertNoTemporaryFiles();
    }

    [Fact]
    public void Pooling_UnknownGroup_IsAOneLineError()
    {
        var (code, _, err) = Run("pooling", "--data", "sleepstudy", "--formula", Sleep, "--group", "Subjct");
        Assert.Equal(1, code);
        AssertOneLineError(err);
        Assert.Contains("did you mean 'Subject'?", err);
    }

    [Fact]
    public void Help_DescribesEveryOptionOfTheNewCommands()
    {
        foreach (var command in new[] { "ranef", "predict", "residuals", "pooling" })
        {
            var (code, output, _) = Run(command, "--help");
            Assert.Equal(0, code);
            foreach (var line in output.ReplaceLineEndings("\n").Split('\n').Where(l => l.TrimStart().StartsWith('-')))
            {
                Assert.Matches(@"^\s+-\S.*\S\s{2,}\S", line); // an option, then its description
            }
        }
    }
}
