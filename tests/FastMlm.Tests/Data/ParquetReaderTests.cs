using FastMlm.Data;
using ParquetSharp;

namespace FastMlm.Tests.Data;

public sealed class ParquetReaderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fastmlm-parquet-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>Writes two row groups of every supported type, with nulls.</summary>
    private string WriteSample(bool dictionary = true)
    {
        var path = PathOf("sample.parquet");
        ParquetSharp.Column[] columns =
        [
            new Column<double>("d"), new Column<double?>("dn"), new Column<int>("i"), new Column<int?>("in"),
            new Column<long>("l"), new Column<float?>("f"), new Column<bool?>("b"), new Column<string>("s"),
        ];
        using var props = new WriterPropertiesBuilder().EnableDictionary().Build();
        using var propsPlain = new WriterPropertiesBuilder().DisableDictionary().Build();
        using var writer = new ParquetFileWriter(path, columns, dictionary ? props : propsPlain);
        WriteGroup(writer, [1.5, 2.5, 3.5], [1, null, 88], [1, 2, 3], [null, 99, 5], [10, 20, 30], [0.5f, null, 1.5f], [true, null, false], ["b", null, "a"]);
        WriteGroup(writer, [4.5, 5.5], [4, 5], [4, 5], [6, 88], [40, 50], [2.5f, 3.5f], [false, true], ["B", "b"]);
        writer.Close();
        return path;
    }

    private static void WriteGroup(ParquetFileWriter writer, double[] d, double?[] dn, int[] i, int?[] inn, long[] l, float?[] f, bool?[] b, string?[] s)
    {
        using var group = writer.AppendRowGroup();
        using (var w = group.NextColumn().LogicalWriter<double>()) w.WriteBatch(d);
        using (var w = group.NextColumn().LogicalWriter<double?>()) w.WriteBatch(dn);
        using (var w = group.NextColumn().LogicalWriter<int>()) w.WriteBatch(i);
        using (var w = group.NextColumn().LogicalWriter<int?>()) w.WriteBatch(inn);
        using (var w = group.NextColumn().LogicalWriter<long>()) w.WriteBatch(l);
        using (var w = group.NextColumn().LogicalWriter<float?>()) w.WriteBatch(f);
        using (var w = group.NextColumn().LogicalWriter<bool?>()) w.WriteBatch(b);
        using (var w = group.NextColumn().LogicalWriter<string?>()) w.WriteBatch(s);
    }

    private static double[] Numbers(DataFrame f, string c) => Assert.IsType<NumericColumn>(f[c]).Values.ToArray();

    private static string Texts(DataFrame f, string c) => string.Join("|", Enumerable.Range(0, f.RowCount).Select(r => f[c].FormatValue(r)));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RoundTrip_EveryTypeAcrossRowGroupsWithNulls(bool dictionary)
    {
        var f = ParquetReader.ReadFile(WriteSample(dictionary));
        Assert.Equal(5, f.RowCount);
        Assert.Equal(["d", "dn", "i", "in", "l", "f", "b", "s"], f.ColumnNames);
        Assert.Equal([1.5, 2.5, 3.5, 4.5, 5.5], Numbers(f, "d"));
        Assert.Equal("1|NA|88|4|5", Texts(f, "dn"));
        Assert.Equal([1.0, 2, 3, 4, 5], Numbers(f, "i"));
        Assert.Equal("NA|99|5|6|88", Texts(f, "in"));
        Assert.Equal([10.0, 20, 30, 40, 50], Numbers(f, "l"));
        Assert.Equal("0.5|NA|1.5|2.5|3.5", Texts(f, "f"));
        Assert.Equal("TRUE|NA|FALSE|FALSE|TRUE", Texts(f, "b"));
        Assert.Equal(["FALSE", "TRUE"], Assert.IsType<CategoricalColumn>(f["b"]).Levels);
        Assert.Equal("b|NA|a|B|b", Texts(f, "s"));
        Assert.Equal(["B", "a", "b"], Assert.IsType<CategoricalColumn>(f["s"]).Levels);
    }

    [Fact]
    public void MissingCodes_ApplyToNumbersAndText()
    {
        var f = ParquetReader.ReadFile(WriteSample(), new DataReadOptions { Missing = MissingValueCodes.Parse("88,99,a") });
        Assert.Equal("1|NA|NA|4|5", Texts(f, "dn"));
        Assert.Equal("NA|NA|5|6|NA", Texts(f, "in"));
        Assert.Equal("b|NA|NA|B|b", Texts(f, "s"));
    }

    [Fact]
    public void ColumnSelection_ReadsOnlyThoseColumns()
    {
        var f = ParquetReader.ReadFile(WriteSample(), new DataReadOptions { Columns = ["s", "d"] });
        Assert.Equal(["d", "s"], f.ColumnNames);
    }

    [Fact]
    public void UnknownColumn_SuggestsTheNearest()
    {
        var path = WriteSample();
        var e = Assert.Throws<DataException>(() => ParquetReader.ReadFile(path, new DataReadOptions { Columns = ["dd"] }));
        Assert.StartsWith("unknown column 'dd' in '", e.Message);
        Assert.Contains("did you mean 'd", e.Message);
    }

    [Fact]
    public void RandomBytes_AreNotAParquetFile()
    {
        var path = PathOf("junk.parquet");
        File.WriteAllBytes(path, Enumerable.Range(0, 1000).Select(i => (byte)(i * 37)).ToArray());
        var e = Assert.Throws<DataException>(() => ParquetReader.ReadFile(path));
        Assert.StartsWith($"'{path}' is not a readable Parquet file: Parquet magic bytes not found", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void TruncatedFile_IsADataError()
    {
        var bytes = File.ReadAllBytes(WriteSample());
        var path = PathOf("truncated.parquet");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<DataException>(() => ParquetReader.ReadFile(path));
        Assert.StartsWith($"'{path}' is not a readable Parquet file: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void MissingFile_IsADataError() =>
        Assert.Equal("data file '/no/such/x.parquet' not found", Assert.Throws<DataException>(() => ParquetReader.ReadFile("/no/such/x.parquet")).Message);

    [Fact]
    public void UnsupportedType_NamesTheColumn()
    {
        var path = PathOf("date.parquet");
        using (var writer = new ParquetFileWriter(path, [new Column<Date>("when")]))
        {
            using var group = writer.AppendRowGroup();
            using (var w = group.NextColumn().LogicalWriter<Date>()) w.WriteBatch([new Date(2020, 1, 1)]);
            writer.Close();
        }
        var e = Assert.Throws<DataException>(() => ParquetReader.ReadFile(path));
        Assert.Contains("column 'when'", e.Message);
    }

    [Fact]
    public void DataSource_ReadsParquetByExtensionAndFitsADesign()
    {
        var csv = BuiltInData.Load("sleepstudy");
        var path = PathOf("sleep.parquet");
        using (var writer = new ParquetFileWriter(path, [new Column<double>("Reaction"), new Column<int>("Days"), new Column<string>("Subject")]))
        {
            using var group = writer.AppendRowGroup();
            var reaction = ((NumericColumn)csv["Reaction"]).Values.ToArray();
            using (var w = group.NextColumn().LogicalWriter<double>()) w.WriteBatch(reaction);
            using (var w = group.NextColumn().LogicalWriter<int>()) w.WriteBatch(((NumericColumn)csv["Days"]).Values.ToArray().Select(d => (int)d).ToArray());
            using (var w = group.NextColumn().LogicalWriter<string>()) w.WriteBatch(Enumerable.Range(0, csv.RowCount).Select(r => csv["Subject"].FormatValue(r)).ToArray());
            writer.Close();
        }
        var design = FastMlm.Design.ModelDesign.Build(DataSource.Load(path), "Reaction ~ Days + (Days | Subject)");
        Assert.Equal(180, design.ObservationCount);
        Assert.Equal(18, design.GroupCounts["Subject"]);
    }
}
