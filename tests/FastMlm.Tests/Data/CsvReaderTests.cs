using System.Text;
using FastMlm.Data;

namespace FastMlm.Tests.Data;

public sealed class CsvReaderTests
{
    private static DataFrame Parse(string text, DataReadOptions? options = null) => CsvReader.Parse(text, options, "test.csv");

    private static double[] Numbers(DataFrame frame, string column) => Assert.IsType<NumericColumn>(frame[column]).Values.ToArray();

    private static IEnumerable<string?> Texts(DataFrame frame, string column)
    {
        var c = Assert.IsType<CategoricalColumn>(frame[column]);
        return c.Codes.ToArray().Select(code => code < 0 ? null : c.Levels[code]).ToArray();
    }

    [Fact]
    public void QuotedFieldWithSeparatorAndNewline_IsOneField()
    {
        var f = Parse("id,note\n1,\"a, b\nc\"\n2,plain\n");
        Assert.Equal(2, f.RowCount);
        Assert.Equal(new string?[] { "a, b\nc", "plain" }, Texts(f, "note"));
    }

    [Fact]
    public void DoubledQuotesInsideQuotes_AreOneQuote()
    {
        var f = Parse("id,note\n1,\"say \"\"hi\"\"\"\n2,\"\"\"\"\n");
        Assert.Equal(new string?[] { "say \"hi\"", "\"" }, Texts(f, "note"));
    }

    [Fact]
    public void QuotedNumbers_AreNumeric()
    {
        var f = Parse("\"id\",\"x\"\n\"1\",\"2.5\"\n\"2\",3\n");
        Assert.Equal([1.0, 2], Numbers(f, "id"));
        Assert.Equal([2.5, 3], Numbers(f, "x"));
    }

    [Fact]
    public void CrLfLineEndsAndByteOrderMark_AreHandled()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("a,b\r\n1,x\r\n2,y\r\n")).ToArray();
        var f = CsvReader.Read(new MemoryStream(bytes), null, "bom.csv");
        Assert.Equal(["a", "b"], f.ColumnNames);
        Assert.Equal([1.0, 2], Numbers(f, "a"));
        Assert.Equal(new string?[] { "x", "y" }, Texts(f, "b"));
    }

    [Fact]
    public void MissingFinalNewlineAndBlankLines_AreFine()
    {
        var f = Parse("a,b\n\n1,2\n\n3,4");
        Assert.Equal([1.0, 3], Numbers(f, "a"));
        Assert.Equal([2.0, 4], Numbers(f, "b"));
    }

    [Theory]
    [InlineData("a;b\n1,5;2\n", ';')]
    [InlineData("a\tb\n1\t2\n", '\t')]
    [InlineData("a,b\n1,2\n", ',')]
    [InlineData("\"a;x\",b\n1,2\n", ',')]
    public void Separator_IsDetectedFromTheHeaderOutsideQuotes(string text, char separator)
    {
        var f = Parse(text);
        Assert.Equal(2, f.Columns.Count);
        Assert.Equal(separator == ';' ? "1,5" : "1", f.Columns[0].FormatValue(0));
    }

    [Fact]
    public void GivenSeparator_OverridesDetection()
    {
        var f = Parse("a,b|c\n1,2|3\n", new DataReadOptions { Separator = '|' });
        Assert.Equal(["a,b", "c"], f.ColumnNames);
    }

    [Fact]
    public void EmptyNaAndNaN_AreMissing()
    {
        var f = Parse("x,g\n1,a\n,b\nNA,NA\nNaN,\n5,c\n");
        var x = Numbers(f, "x");
        Assert.Equal(1.0, x[0]);
        Assert.True(double.IsNaN(x[1]) && double.IsNaN(x[2]) && double.IsNaN(x[3]));
        Assert.Equal(new string?[] { "a", "b", null, null, "c" }, Texts(f, "g"));
        Assert.Equal(3, f["x"].MissingCount);
    }

    [Fact]
    public void UserMissingCodes_MatchNumbersHoweverWrittenAndText()
    {
        var options = new DataReadOptions { Missing = MissingValueCodes.Parse("88,99") };
        var f = Parse("x,g\n1,a\n88,88\n99.0,b\n7,99\n", options);
        var x = Numbers(f, "x");
        Assert.Equal(1.0, x[0]);
        Assert.True(double.IsNaN(x[1]) && double.IsNaN(x[2]));
        Assert.Equal(7.0, x[3]);
        Assert.Equal(new string?[] { "a", null, "b", null }, Texts(f, "g"));
    }

    [Fact]
    public void LateNonNumber_MakesTheColumnCategorical()
    {
        var f = Parse("x\n1\n2\n3\nfour\n");
        Assert.Equal(new string?[] { "1", "2", "3", "four" }, Texts(f, "x"));
    }

    [Fact]
    public void Levels_AreInOrdinalOrder()
    {
        var f = Parse("g\nb\nB\na\nA\n");
        Assert.Equal(["A", "B", "a", "b"], Assert.IsType<CategoricalColumn>(f["g"]).Levels);
    }

    [Fact]
    public void InfinityAsRWritesIt_IsNumeric()
    {
        var f = Parse("x\n1\nInf\n-Inf\n");
        Assert.Equal([1.0, double.PositiveInfinity, double.NegativeInfinity], Numbers(f, "x"));
    }

    [Fact]
    public void ColumnSelection_LoadsOnlyTheNamedColumns()
    {
        var f = Parse("a,b,c\n1,x,3\n", new DataReadOptions { Columns = ["c", "a"] });
        Assert.Equal(["a", "c"], f.ColumnNames);
    }

    [Fact]
    public void SelectingAnUnknownColumn_SuggestsTheNearest()
    {
        var e = Assert.Throws<DataException>(() => Parse("alpha,beta\n1,2\n", new DataReadOptions { Columns = ["betta"] }));
        Assert.Equal("unknown column 'betta' in 'test.csv'; did you mean 'beta'?", e.Message);
    }

    [Fact]
    public void UnterminatedQuote_NamesTheLineItStarts()
    {
        var e = Assert.Throws<DataException>(() => Parse("a,b\n1,2\n3,\"open\n4,5\n"));
        Assert.Equal("unterminated quoted field starting on line 3 of 'test.csv'", e.Message);
    }

    [Fact]
    public void RaggedRow_NamesTheLineAndFieldCounts()
    {
        var e = Assert.Throws<DataException>(() => Parse("a,b,c\n1,2,3\n4,5\n"));
        Assert.Equal("line 3 of 'test.csv' has 2 fields; the header has 3", e.Message);
    }

    [Fact]
    public void RaggedRowAfterMultilineField_CountsPhysicalLines()
    {
        var e = Assert.Throws<DataException>(() => Parse("a,b\n1,\"x\ny\"\n2,3,4\n"));
        Assert.StartsWith("line 4 of 'test.csv'", e.Message);
    }

    [Fact]
    public void TextAfterClosingQuote_IsAnError()
    {
        var e = Assert.Throws<DataException>(() => Parse("a,b\n1,\"x\"y\n"));
        Assert.Contains("line 2", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    public void EmptyFile_IsAnError(string text) =>
        Assert.Equal("'test.csv' is empty: no header row", Assert.Throws<DataException>(() => Parse(text)).Message);

    [Fact]
    public void HeaderOnly_GivesNoRows()
    {
        var f = Parse("a,b\n");
        Assert.Equal(0, f.RowCount);
        Assert.Equal(2, f.Columns.Count);
    }

    [Fact]
    public void RepeatedHeaderName_IsAnError() =>
        Assert.Equal("column name 'a' appears twice in the header of 'test.csv' (columns 1 and 3)",
            Assert.Throws<DataException>(() => Parse("a,b,a\n1,2,3\n")).Message);

    [Fact]
    public void EmptyHeaderNames_AreNamedAsR() => Assert.Equal(["X", "b", "X.1"], Parse(",b,\n1,2,3\n").ColumnNames);

    [Fact]
    public void MissingFile_IsADataError()
    {
        var e = Assert.Throws<DataException>(() => CsvReader.ReadFile("/no/such/dir/x.csv"));
        Assert.Equal("data file '/no/such/dir/x.csv' not found", e.Message);
    }

    [Fact]
    public void Utf8Text_IsKept()
    {
        var f = Parse("city\nZürich\nMalmö\n");
        Assert.Equal(["Malmö", "Zürich"], Assert.IsType<CategoricalColumn>(f["city"]).Levels);
    }

    [Fact]
    public void LargeFile_ReadsEveryRowAcrossColumns()
    {
        var sb = new StringBuilder("i,x,g\n");
        for (int i = 0; i < 50_000; i++) sb.Append(i).Append(',').Append(i * 0.5).Append(",g").Append(i % 7).Append('\n');
        var f = Parse(sb.ToString());
        Assert.Equal(50_000, f.RowCount);
        Assert.Equal(24_999.5, Numbers(f, "x")[^1]);
        Assert.Equal(7, Assert.IsType<CategoricalColumn>(f["g"]).LevelCount);
    }

    [Fact]
    public void LeadingBlankLines_DoNotHideTheSeparator()
    {
        var f = Parse("\n\r\na;b\n1;2\n");
        Assert.Equal(["a", "b"], f.ColumnNames);
        Assert.Equal([2.0], Numbers(f, "b"));
    }

    [Fact]
    public void EmptyHeaderNames_SkipNamesAlreadyTaken() => Assert.Equal(["X", "X.1", "X.2"], Parse("X,,\n1,2,3\n").ColumnNames);

    [Fact]
    public void InfinityWordsAndPaddedNumbers_AreNumeric()
    {
        var f = Parse("x\nInfinity\n-Infinity\n\" 3 \"\n");
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity, 3], Numbers(f, "x"));
    }

    [Fact]
    public void QuotedUserCode_IsMissingInACategoricalColumn()
    {
        var f = Parse("g\n\"88\"\nx\n88.0\n", new DataReadOptions { Missing = MissingValueCodes.Parse("88") });
        Assert.Equal(new string?[] { null, "x", "88.0" }, Texts(f, "g"));
    }

    [Fact]
    public void LateNonNumberAfterMissingAndQuotedNumbers_KeepsEveryCellsText()
    {
        var f = Parse("x\n10\nNA\n\"2\"\nz\n");
        Assert.Equal(new string?[] { "10", null, "2", "z" }, Texts(f, "x"));
    }

    [Fact]
    public void TrueFalseColumn_IsCategoricalWithFalseFirst() =>
        Assert.Equal(["FALSE", "TRUE"], Assert.IsType<CategoricalColumn>(Parse("b\nTRUE\nFALSE\nNA\n")["b"]).Levels);

    [Fact]
    public void InvalidUtf8_IsReplacedNotAnError()
    {
        var f = CsvReader.Read(new MemoryStream([(byte)'g', (byte)'\n', 0xFF, (byte)'a', (byte)'\n']), null, "bad.csv");
        Assert.Equal(["\uFFFDa"], Texts(f, "g"));
    }

    [Fact]
    public void EmptyFileOnDisk_NamesThePath()
    {
        var path = Path.GetTempFileName();
        try
        {
            Assert.Equal($"'{path}' is empty: no header row", Assert.Throws<DataException>(() => CsvReader.ReadFile(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static TheoryData<string> BuiltInFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(BuiltInDirectory(), "*.csv").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(BuiltInFiles))]
    public void BuiltInFile_HasARowPerLineAndTheHeadersColumns(string file)
    {
        var path = Path.Combine(BuiltInDirectory(), file);
        var lines = File.ReadAllLines(path);
        var f = CsvReader.ReadFile(path);
        Assert.Equal(path, f.Source);
        Assert.Equal(lines.Length - 1, f.RowCount);
        Assert.Equal(lines[0].Split(',').Select(n => n.Trim('"')), f.ColumnNames);
        Assert.All(f.Columns, c => Assert.Equal(f.RowCount, c.Length));
    }

    [Fact]
    public void Sleepstudy_QuotedSubjectCodesAreNumeric()
    {
        var f = CsvReader.ReadFile(Path.Combine(BuiltInDirectory(), "sleepstudy.csv"));
        Assert.Equal(180, f.RowCount);
        Assert.Equal(249.56, Numbers(f, "Reaction")[0]);
        Assert.Equal(308.0, Numbers(f, "Subject")[0]);
        Assert.Equal([0.0, 1], Numbers(f, "Days")[..2]);
    }

    private static string BuiltInDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "FastMlm", "Data", "BuiltIn");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("src/FastMlm/Data/BuiltIn not found above the test output directory");
    }
}
