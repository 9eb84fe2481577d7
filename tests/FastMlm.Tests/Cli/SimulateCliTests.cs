using FastMlm.Data;
using FastMlm.Tests.Data;

namespace FastMlm.Tests.Cli;

/// <summary><c>fastmlm simulate</c> as a user runs it: files that read back as the design, seeds, usage errors.</summary>
public sealed class SimulateCliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fastmlm-simulate-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private static void AssertOneLineError(string err)
    {
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("fastmlm: ", lines[0]);
        Assert.DoesNotContain("   at ", err);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("parquet")]
    public void Simulate_WritesTheDesign_ThatReadsBackAsTheSameRows(string extension)
    {
        string path = PathOf("crossed." + extension);
        var (code, output, err) = CliRunner.Run("simulate", "--design", "crossed_slope_sim", "--out", path);
        Assert.Equal(0, code);
        Assert.Equal("", output);
        Assert.Contains("rows of crossed_slope_sim (seed 4031;", err);
        SimulatedDataTests.AssertSameFrame(SimulatedData.Frame("crossed_slope_sim"), DataSource.Load(path));
        Assert.Empty(_dir.GetFiles(".*.tmp"));
    }

    [Fact]
    public void Simulate_Seed_DrawsThatSeedsRows()
    {
        string path = PathOf("seeded.parquet");
        var (code, _, err) = CliRunner.Run("simulate", "--design", "nested3_sim", "--seed", "42", "--out", path);
        Assert.Equal(0, code);
        Assert.Contains("(seed 42;", err);
        SimulatedDataTests.AssertSameFrame(SimulatedData.Frame("nested3_sim", 42), DataSource.Load(path));
    }

    [Fact]
    public void Simulate_List_NamesEveryDesignWithItsModel()
    {
        var (code, output, _) = CliRunner.Run("simulate", "--list");
        Assert.Equal(0, code);
        foreach (var d in SimulatedData.Designs)
        {
            Assert.Contains(d.Name, output);
            Assert.Contains(d.Formula, output);
        }
    }

    [Theory]
    [InlineData("--design", "no_such_design", "--out", "x.csv")]
    [InlineData("--design", "crossed_sim", "--out", "x.txt")]
    [InlineData("--design", "crossed_sim", "--out", "x.csv", "--seed", "-1")]
    [InlineData("--design", "crossed_sim")]
    [InlineData("--design", "crossed_sim", "--out", "no/such/folder/x.csv")]
    public void Simulate_BadArguments_AreOneLineUsageErrors(params string[] args)
    {
        var (code, _, err) = CliRunner.Run(["simulate", .. args]);
        Assert.Equal(2, code);
        AssertOneLineError(err);
    }
}
