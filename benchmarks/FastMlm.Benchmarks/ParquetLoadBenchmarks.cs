using BenchmarkDotNet.Attributes;
using ParquetSharp;

namespace FastMlm.Benchmarks;

/// <summary>
/// Reading three columns (two doubles and a dictionary-encoded string with 1,000 values) of a
/// 20,000,000-row Parquet file written in 1M-row groups: FastMlm's reader (ParquetSharp underneath),
/// and the same columns through Parquet.Net's reader, which the design first named.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class ParquetLoadBenchmarks
{
    private const int RowGroup = 1_000_000;
    private static readonly string[] s_columns = ["a", "b", "s"];
    private string _path = "";

    [Params(20_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"fastmlm-bench-{Rows}.parquet");
        if (File.Exists(_path)) return;
        var random = new Random(20261122);
        var labels = Enumerable.Range(0, 1000).Select(i => $"level {i:D4}").ToArray();
        ParquetSharp.Column[] columns =
        [
            new Column<double>("a"), new Column<double?>("b"), new Column<double>("c"),
            new Column<int>("i"), new Column<long>("l"), new Column<string>("s"),
        ];
        using var writer = new ParquetFileWriter(_path, columns);
        var d = new double[RowGroup];
        var dn = new double?[RowGroup];
        var ints = new int[RowGroup];
        var longs = new long[RowGroup];
        var strings = new string[RowGroup];
        for (int start = 0; start < Rows; start += RowGroup)
        {
            using var group = writer.AppendRowGroup();
            for (int i = 0; i < RowGroup; i++) d[i] = random.NextDouble();
            using (var w = group.NextColumn().LogicalWriter<double>()) w.WriteBatch(d);
            for (int i = 0; i < RowGroup; i++) dn[i] = i % 97 == 0 ? null : random.NextDouble();
            using (var w = group.NextColumn().LogicalWriter<double?>()) w.WriteBatch(dn);
            using (var w = group.NextColumn().LogicalWriter<double>()) w.WriteBatch(d);
            for (int i = 0; i < RowGroup; i++) ints[i] = random.Next();
            using (var w = group.NextColumn().LogicalWriter<int>()) w.WriteBatch(ints);
            for (int i = 0; i < RowGroup; i++) longs[i] = random.NextInt64();
            using (var w = group.NextColumn().LogicalWriter<long>()) w.WriteBatch(longs);
            for (int i = 0; i < RowGroup; i++) strings[i] = labels[random.Next(labels.Length)];
            using (var w = group.NextColumn().LogicalWriter<string>()) w.WriteBatch(strings);
        }
        writer.Close();
    }

    [Benchmark(Baseline = true)]
    public int FastMlmReader() =>
        FastMlm.Data.ParquetReader.ReadFile(_path, new FastMlm.Data.DataReadOptions { Columns = s_columns }).RowCount;

    /// <summary>The same three columns through Parquet.Net's buffer-reusing reader (doubles, nullable doubles, strings).</summary>
    [Benchmark]
    public async Task<long> ParquetNet()
    {
        await using var reader = await Parquet.ParquetReader.CreateAsync(_path);
        var fields = reader.Schema.GetDataFields().ToDictionary(f => f.Name);
        var a = new double[Rows];
        var b = new double?[Rows];
        var s = new string?[Rows];
        long offset = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int n = checked((int)group.RowCount);
            await group.ReadAsync(fields["a"], a.AsMemory((int)offset, n));
            await group.ReadAsync<double>(fields["b"], b.AsMemory((int)offset, n));
            await group.ReadAsync(fields["s"], s.AsMemory((int)offset, n));
            offset += n;
        }
        return offset;
    }
}
