using System.Globalization;
using FastMlm.Data;

namespace FastMlm.Tests.Data;

/// <summary>The simulated designs: their documented shapes, determinism by seed, and CSV and Parquet round trips.</summary>
public sealed class SimulatedDataTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fastmlm-simulated-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    private static CategoricalColumn Factor(DataFrame frame, string name) => Assert.IsType<CategoricalColumn>(frame[name]);

    /// <summary>Rows per level of a factor.</summary>
    private static int[] Counts(CategoricalColumn column)
    {
        var counts = new int[column.LevelCount];
        foreach (int code in column.Codes) counts[code]++;
        return counts;
    }

    /// <summary>Same columns, same order, same values (numbers bit for bit, categories by label).</summary>
    internal static void AssertSameFrame(DataFrame expected, DataFrame actual)
    {
        Assert.Equal(expected.ColumnNames, actual.ColumnNames);
        Assert.Equal(expected.RowCount, actual.RowCount);
        foreach (var column in expected.Columns)
        {
            var other = actual[column.Name];
            if (column is NumericColumn n)
            {
                Assert.True(n.Values.SequenceEqual(Assert.IsType<NumericColumn>(other).Values), $"column {column.Name} differs");
            }
            else
            {
                var k = Assert.IsType<CategoricalColumn>(other);
                Assert.Equal(((CategoricalColumn)column).Levels, k.Levels);
                Assert.True(((CategoricalColumn)column).Codes.SequenceEqual(k.Codes), $"column {column.Name} differs");
            }
        }
    }

    [Fact]
    public void RandomSlope1m_HasAMillionRowsIn10000GroupsOf100()
    {
        var frame = SimulatedData.Frame("ri_slope_1m");
        Assert.Equal(["y", "x", "g"], frame.ColumnNames);
        Assert.Equal(1_000_000, frame.RowCount);
        var g = Factor(frame, "g");
        Assert.Equal(10_000, g.LevelCount);
        Assert.All(Counts(g), c => Assert.Equal(100, c));
        Assert.Equal(0, frame["y"].MissingCount + frame["x"].MissingCount);
    }

    [Fact]
    public void Nested3Million_HasAMillionPupilsIn20000ClassesIn1000Schools()
    {
        var frame = SimulatedData.Frame("nested3_1m");
        Assert.Equal(1_000_000, frame.RowCount);
        var school = Factor(frame, "school");
        var klass = Factor(frame, "class");
        Assert.Equal(1000, school.LevelCount);
        Assert.Equal(20, klass.LevelCount); // labels repeat across schools
        var classes = new HashSet<(int, int)>();
        for (int r = 0; r < frame.RowCount; r++) classes.Add((school.Codes[r], klass.Codes[r]));
        Assert.Equal(20_000, classes.Count);
        Assert.All(Counts(school), c => Assert.Equal(1000, c));
    }

    [Theory]
    [InlineData("teaching_crossed")]
    [InlineData("teaching_crossed_random")]
    public void TeachingDesigns_Have73000RatingsOf3000StudentsBy1100LecturersIn14Departments(string name)
    {
        var frame = SimulatedData.Frame(name);
        Assert.Equal(73_000, frame.RowCount);
        Assert.Equal(3000, Factor(frame, "s").LevelCount);
        Assert.Equal(1100, Factor(frame, "d").LevelCount);
        Assert.Equal(14, Factor(frame, "dept").LevelCount);
        Assert.All(Counts(Factor(frame, "s")), c => Assert.True(c > 0));
        Assert.All(Counts(Factor(frame, "d")), c => Assert.True(c > 0));
    }

    [Fact]
    public void TeachingCrossedRandom_GivesEachStudentLecturersFromAllOverTheRange_NotABand()
    {
        // teaching_crossed draws a student's lecturers from a window of 150; here they come from all 1,100.
        static double MedianSpread(DataFrame frame)
        {
            var s = Factor(frame, "s");
            var d = Factor(frame, "d");
            var lecturers = new List<int>[s.LevelCount];
            for (int r = 0; r < frame.RowCount; r++) (lecturers[s.Codes[r]] ??= []).Add(int.Parse(d.Levels[d.Codes[r]].AsSpan(1), CultureInfo.InvariantCulture));
            // the shortest arc of the circle 0..1099 that holds every lecturer of the student (windows wrap around)
            var spreads = lecturers.Where(l => l.Count >= 10).Select(l =>
            {
                var sorted = l.Order().ToArray();
                int largestGap = Enumerable.Range(0, sorted.Length).Max(i => i + 1 < sorted.Length ? sorted[i + 1] - sorted[i] : sorted[0] + 1100 - sorted[^1]);
                return 1100 - largestGap;
            }).Order().ToArray();
            return spreads[spreads.Length / 2];
        }
        Assert.True(MedianSpread(SimulatedData.Frame("teaching_crossed")) < 150);
        Assert.True(MedianSpread(SimulatedData.Frame("teaching_crossed_random")) > 700);
    }

    [Fact]
    public void EveryDesign_IsTheSameForASeed_AndAnotherSeedDrawsAnother()
    {
        foreach (var name in SimulatedData.Names)
        {
            uint seed = SimulatedData.Design(name).Seed;
            if (SimulatedData.IsLarge(name))
            {
                var first = SimulatedData.Frame(name);
                AssertSameFrame(first, SimulatedData.Frame(name, seed));
                var y = ((NumericColumn)first["y"]).Values;
                Assert.False(y.SequenceEqual(((NumericColumn)SimulatedData.Frame(name, 12345)["y"]).Values), name);
            }
            else
            {
                // the sets made as text: the text itself (their frames are that text parsed)
                string text = SimulatedData.Csv(name);
                Assert.Equal(text, SimulatedData.Csv(name, seed));
                Assert.NotEqual(text, SimulatedData.Csv(name, 12345));
            }
        }
    }

    [Fact]
    public void WrittenCsv_IsTheSetsOwnText_ForTheSetsMadeAsText()
    {
        // ri_100k (300,000 rows) is left out to keep the test fast; it is written by the same code as the others.
        foreach (var name in SimulatedData.Names.Where(n => n != "ri_100k" && !SimulatedData.IsLarge(n)))
        {
            using var writer = new StringWriter(CultureInfo.InvariantCulture);
            DataFrameWriter.WriteCsv(SimulatedData.Frame(name), writer);
            Assert.True(SimulatedData.Csv(name) == writer.ToString(), name);
        }
    }

    [Theory]
    [InlineData("teaching_crossed_random", "csv")]
    [InlineData("teaching_crossed_random", "parquet")]
    [InlineData("nested3_sim", "parquet")]
    public void WrittenFile_ReadsBackAsTheSameFrame(string name, string extension)
    {
        var frame = SimulatedData.Frame(name);
        string path = PathOf(name + "." + extension);
        if (extension == "csv")
        {
            using var writer = new StreamWriter(path);
            DataFrameWriter.WriteCsv(frame, writer);
        }
        else
        {
            DataFrameWriter.WriteParquet(frame, path);
        }
        AssertSameFrame(frame, DataSource.Load(path));
    }

    [Fact]
    public void WrittenParquet_KeepsMissingValuesAndSplitsIntoRowGroups()
    {
        int rows = (1 << 20) + 3;
        var y = Enumerable.Range(0, rows).Select(i => i % 7 == 0 ? double.NaN : i * 0.5).ToArray();
        var g = Enumerable.Range(0, rows).Select(i => i % 5 == 0 ? -1 : i % 3).ToArray();
        var frame = new DataFrame([new NumericColumn("y", y), new CategoricalColumn("g", g, ["a", "b,c", "d"])]);
        string path = PathOf("missing.parquet");
        DataFrameWriter.WriteParquet(frame, path);
        using (var file = new ParquetSharp.ParquetFileReader(path)) Assert.Equal(2, file.FileMetaData.NumRowGroups);
        AssertSameFrame(frame, DataSource.Load(path));
    }
}
