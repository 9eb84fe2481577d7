using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using FastMlm.Data;

namespace FastMlm.Benchmarks;

/// <summary>
/// Loading a 1,000,000-row × 10-column CSV (8 numeric columns, 2 categorical with 50 and 1,000 levels):
/// the target is under one second on the project's 2-core machines.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class CsvLoadBenchmarks
{
    private string _path = "";

    [Params(1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"fastmlm-bench-{Rows}.csv");
        if (File.Exists(_path)) return;
        var random = new Random(20261122);
        using var writer = new StreamWriter(_path, false, new UTF8Encoding(false), 1 << 20);
        writer.WriteLine("id,x1,x2,x3,x4,x5,x6,y,region,school");
        for (int i = 0; i < Rows; i++)
        {
            writer.Write(i.ToString(CultureInfo.InvariantCulture));
            for (int k = 0; k < 6; k++)
            {
                writer.Write(',');
                writer.Write((random.NextDouble() * 100 - 50).ToString("G10", CultureInfo.InvariantCulture));
            }
            writer.Write(',');
            writer.Write((random.NextDouble() * 10).ToString("F4", CultureInfo.InvariantCulture));
            writer.Write(",region");
            writer.Write(random.Next(50).ToString(CultureInfo.InvariantCulture));
            writer.Write(",\"school ");
            writer.Write(random.Next(1000).ToString(CultureInfo.InvariantCulture));
            writer.WriteLine('"');
        }
    }

    [Benchmark]
    public int ReadAllColumns() => CsvReader.ReadFile(_path).RowCount;

    [Benchmark]
    public int ReadThreeColumns() => CsvReader.ReadFile(_path, new DataReadOptions { Columns = ["y", "x1", "school"] }).RowCount;
}
