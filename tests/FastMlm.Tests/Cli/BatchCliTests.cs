using System.Globalization;
using System.Text.Json;
using FastMlm.Data;

namespace FastMlm.Tests.Cli;

public sealed class BatchCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fastmlm-batch-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private const string Sleep = "Reaction ~ Days + (Days | Subject)";

    [Fact]
    public void Batch_Responses_WritesOneRowPerResponseInOrder()
    {
        string data = PathOf("genes.csv");
        File.WriteAllText(data, CsvOf(FastMlm.Tests.Batch.BatchJobTests.Genes()));
        string output = PathOf("genes-out.csv");
        var (code, _, err) = CliRunner.Run("batch", "--data", data, "--formula", "y ~ Days + (Days | Subject)", "--responses", "gene_*", "--ml", "--out", output);
        Assert.True(code == 0, err);
        Assert.Contains("5 models written to", err);
        var table = CsvReader.ReadFile(output);
        Assert.Equal(5, table.RowCount);
        Assert.Equal(Enumerable.Range(1, 5).Select(g => $"gene_{g}"), Enumerable.Range(0, 5).Select(r => table["id"].FormatValue(r)));
        Assert.Contains("se_Days", table.ColumnNames);
        Assert.Contains("sd_Days|Subject", table.ColumnNames);
        Assert.False(File.Exists(output + ".checkpoint"));
    }

    [Fact]
    public void Batch_Formulas_RecordsAFailingModelAndGoesOn()
    {
        string formulas = PathOf("models.txt");
        File.WriteAllLines(formulas, ["# two models and a broken one", "Reaction ~ Days + (1 | Subject)", "Reaction ~ Days + (1 | Nobody)", "", Sleep]);
        string output = PathOf("models.parquet");
        var (code, _, err) = CliRunner.Run("batch", "--data", "sleepstudy", "--formulas", formulas, "--out", output);
        Assert.Equal(0, code);
        Assert.Contains("1 models failed", err);
        var table = ParquetReader.ReadFile(output);
        Assert.Equal(3, table.RowCount);
        Assert.Contains("Nobody", table["error"].FormatValue(1));
        Assert.True(table["error"].IsMissing(0));
    }

    [Theory]
    [InlineData("--formula", Sleep)]
    [InlineData("--formula", Sleep, "--responses", "Reaction", "--by", "Subject")]
    [InlineData("--responses", "Reaction")]
    public void Batch_BadUse_IsAUsageError(params string[] args)
    {
        var (code, _, err) = CliRunner.Run(["batch", "--data", "sleepstudy", "--out", PathOf("x.csv"), .. args]);
        Assert.Equal(2, code);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Bootstrap_PrintsPercentileIntervals_TheSameForAnyThreadCount()
    {
        string[] args = ["bootstrap", "--data", "sleepstudy", "--formula", Sleep, "--ml", "--nsim", "200", "--seed", "4"];
        var (code1, out1, _) = CliRunner.Run([.. args, "--threads", "1"]);
        var (code2, out2, _) = CliRunner.Run([.. args, "--threads", "2"]);
        Assert.Equal(0, code1);
        Assert.Equal(0, code2);
        Assert.Equal(out1, out2);
        Assert.Contains("bootstrap percentile confidence intervals (95%):", out1);
        Assert.Contains(".sig02", out1);
    }

    [Fact]
    public void Bootstrap_KilledMidRun_ResumesToTheUninterruptedOutput()
    {
        string killed = PathOf("killed.csv"), whole = PathOf("whole.csv");
        string[] job = ["bootstrap", "--data", "sleepstudy", "--formula", Sleep, "--ml", "--nsim", "6000", "--seed", "8", "--threads", "1"];
        using (var process = CliRunner.Start([.. job, "--out", killed]))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (CommittedRows(killed) < 300 && !process.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
            Assert.False(process.HasExited, "the job finished before it could be killed");
            process.Kill(entireProcessTree: true); // SIGKILL: no chance to flush or clean up
            process.WaitForExit();
        }
        int committed = CommittedRows(killed);
        Assert.InRange(committed, 300, 5999);
        Assert.False(File.Exists(killed));

        var (code, output, err) = CliRunner.Run([.. job, "--out", killed, "--resume"]);
        Assert.True(code == 0, err);
        Assert.Contains("resuming:", err);
        var (code2, output2, _) = CliRunner.Run([.. job, "--out", whole]);
        Assert.Equal(0, code2);
        Assert.Equal(File.ReadAllText(whole), File.ReadAllText(killed));
        Assert.Equal(output2, output);
        Assert.Equal(6001, File.ReadAllLines(killed).Length);
    }

    [Fact]
    public void Bootstrap_Interrupted_KeepsItsRowsAndExits130()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return; // SIGINT is how Ctrl+C reaches a process there
        string output = PathOf("interrupted.csv");
        using var process = CliRunner.Start("bootstrap", "--data", "sleepstudy", "--formula", Sleep, "--ml", "--nsim", "200000", "--threads", "1", "--out", output);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (CommittedRows(output) < 100 && !process.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
        using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Equal(130, process.ExitCode);
        int kept = CommittedRows(output);
        Assert.InRange(kept, 100, 199_999);
        Assert.Equal(kept + 1, File.ReadAllLines(output + ".partial").Length); // the header and every finished row, committed
    }

    [Fact]
    public void Bootstrap_ResumeOfAnotherJob_IsRefused()
    {
        string output = PathOf("b.csv");
        File.WriteAllText(output + ".checkpoint", JsonSerializer.Serialize(new { Job = "something else", Columns = new[] { "x" }, Rows = 1, Bytes = 10 }));
        File.WriteAllText(output + ".partial", "id,converged,x,messages,error\n1,TRUE,1,,NA\n");
        var (code, _, err) = CliRunner.Run("bootstrap", "--data", "sleepstudy", "--formula", Sleep, "--nsim", "10", "--out", output, "--resume");
        Assert.Equal(1, code);
        Assert.Contains("different job", err);
    }

    private static int CommittedRows(string output)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(output + ".checkpoint"));
            return doc.RootElement.GetProperty("Rows").GetInt32();
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return 0;
        }
    }

    private static string CsvOf(DataFrame frame)
    {
        var sb = new System.Text.StringBuilder(string.Join(",", frame.ColumnNames)).Append('\n');
        for (int r = 0; r < frame.RowCount; r++)
        {
            sb.Append(string.Join(",", frame.Columns.Select(c => c.IsMissing(r) ? "NA" : c is NumericColumn n ? n[r].ToString("R", CultureInfo.InvariantCulture) : c.FormatValue(r)))).Append('\n');
        }
        return sb.ToString();
    }
}
